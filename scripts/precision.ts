/**
 * Precision and recall of the review rules over the fixture set in test/fixtures/rules.
 *
 * A fixture line that ends with a comment `expect: <rule-id> [key=value ...]` expects a finding of
 * that rule starting on that line (the shared fixture convention); any other finding of a review
 * rule in a fixture file is a false positive. Usage: `npm run precision` (prints a table and exits
 * non-zero when a rule misses or over-reports). The rule tests import `evaluateFixture` from here
 * so the numbers printed and the assertions made come from one implementation.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Node } from 'web-tree-sitter';
import { effectiveSeverity, Engine } from '../src/core/engine';
import { languageForPath } from '../src/core/languages';
import { rangeOfNode } from '../src/core/position';
import { ALL_RULES } from '../src/core/rules';
import type { GenerationCall, RawFinding } from '../src/core/rules/rule';
import type { Finding, Modality, RuleId } from '../src/core/types';
import { fixtureFilesUnder, parseExpectations, type Expectation } from '../test/rules/harness';

/** The rules this report covers (the review rules; the generation detector has its own harness). */
export const REVIEW_RULES: readonly RuleId[] = ['aigc-missing-label', 'aigc-invalid-label-metadata', 'aigc-label-stripped', 'rec-no-opt-out', 'biometric-no-consent'];

export const FIXTURE_ROOT = path.join(__dirname, '..', 'test', 'fixtures', 'rules');

/** The fixture convention is the rule tests' own: one parser and one file walk for both. */
export { parseExpectations, type Expectation } from '../test/rules/harness';

export interface RuleOutcome {
  tp: number;
  fp: number;
  fn: number;
  /** Human-readable lines for each mismatch (file:line rule message). */
  problems: string[];
}

/** Files under the fixture root (recursively) that aireg analyses, sorted. */
export function fixtureFiles(root = FIXTURE_ROOT): string[] {
  return fixtureFilesUnder(root);
}

function attrMatches(f: Finding, attrs: Record<string, string>): string | undefined {
  for (const [k, v] of Object.entries(attrs)) {
    const actual = k === 'confidence' ? f.confidence : k === 'severity' ? f.severity : f.data?.[k];
    if (String(actual) !== v) return `${k}=${String(actual)} (expected ${v})`;
  }
  return undefined;
}

/** Runs the engine on one fixture and compares the review rules' findings with its markers. */
export async function evaluateFixture(engine: Engine, file: string, rules: readonly RuleId[] = REVIEW_RULES): Promise<Map<RuleId, RuleOutcome>> {
  const text = fs.readFileSync(file, 'utf8');
  const rel = path.relative(FIXTURE_ROOT, file).split(path.sep).join('/');
  const result = await engine.analyze(rel, text);
  const expectations = parseExpectations(text);
  const out = new Map<RuleId, RuleOutcome>();
  for (const rule of rules) {
    const o = compare(rel, rule, result.findings.filter((f) => f.ruleId === rule && !f.suppression), expectations);
    out.set(rule, o);
  }
  for (const n of result.notices) if (/rule .* failed/.test(n.message)) out.get(rules[0]!)?.problems.push(`${rel}: ${n.message}`);
  return out;
}

/** The outermost call that starts on a 0-based line (a marked generation call). */
function outermostCallOnLine(root: Node, line: number, family: string): Node | undefined {
  const kinds = family === 'java' ? ['method_invocation', 'object_creation_expression'] : family === 'python' ? ['call'] : ['call_expression', 'new_expression'];
  let best: Node | undefined;
  const visit = (n: Node): void => {
    if (n.startPosition.row > line || n.endPosition.row < line) return;
    if (kinds.includes(n.type) && n.startPosition.row === line) {
      if (!best || n.endIndex - n.startIndex > best.endIndex - best.startIndex) best = n;
    }
    for (const c of n.namedChildren) if (c) visit(c);
  };
  visit(root);
  return best;
}

/**
 * Evaluates one review rule on a fixture with the generation calls taken from the fixture's own
 * `expect: aigc-generation-call modality=...` markers instead of the detector. This measures the
 * rule's data-flow and label logic on its own, whatever the detector's recall on that file.
 */
export async function evaluateWithMarkedCalls(engine: Engine, file: string, rule: RuleId): Promise<RuleOutcome> {
  const text = fs.readFileSync(file, 'utf8');
  const rel = path.relative(FIXTURE_ROOT, file).split(path.sep).join('/');
  const { findings, expectations } = await runWithMarkedCalls(engine, rel, text, rule);
  return compare(rel, rule, findings, expectations);
}

/** Runs one rule on `text` with the generation calls its markers name; returns findings as the engine would shape them. */
export async function runWithMarkedCalls(engine: Engine, rel: string, text: string, rule: RuleId): Promise<{ findings: Finding[]; expectations: Expectation[] }> {
  const language = languageForPath(rel)!;
  const expectations = parseExpectations(text);
  const tree = await engine.host.parse(language.id, text, rel);
  const raws: RawFinding[] = [];
  try {
    const generationCalls: GenerationCall[] = [];
    for (const e of expectations) {
      if (e.ruleId !== 'aigc-generation-call') continue;
      const node = outermostCallOnLine(tree.rootNode, e.line, language.family);
      if (!node) throw new Error(`${rel}:${e.line + 1}: no call on a line marked as a generation call`);
      generationCalls.push({ node, range: rangeOfNode(node), provider: e.attrs.provider ?? 'fixture', modality: (e.attrs.modality ?? 'text') as Modality, api: e.attrs.api ?? 'marked', confidence: 'high' });
    }
    const impl = ALL_RULES.find((r) => r.id === rule);
    if (!impl) throw new Error(`rule ${rule} is not registered`);
    await impl.run({ file: rel, text, language, tree, host: engine.host, config: engine.config, generationCalls, report: (f) => raws.push(f) });
  } finally {
    tree.delete();
  }
  const findings = raws.map((r) => {
    const sev = effectiveSeverity(rule, engine.config);
    return { ruleId: rule, file: rel, range: r.range, confidence: r.confidence, data: r.data, message: r.message, related: r.related, severity: r.confidence === 'low' && sev === 'warning' ? 'info' : sev } as Finding;
  });
  return { findings, expectations };
}

function compare(rel: string, rule: RuleId, findings: Finding[], expectations: Expectation[]): RuleOutcome {
  const o: RuleOutcome = { tp: 0, fp: 0, fn: 0, problems: [] };
  const expected = expectations.filter((e) => e.ruleId === rule);
  const used = new Set<Finding>();
  for (const e of expected) {
    const f = findings.find((x) => !used.has(x) && x.range.start.line === e.line);
    if (!f) {
      o.fn++;
      o.problems.push(`${rel}:${e.line + 1} missing ${rule}`);
      continue;
    }
    used.add(f);
    const bad = attrMatches(f, e.attrs);
    if (bad) o.problems.push(`${rel}:${e.line + 1} ${rule} has ${bad}`);
    o.tp++;
  }
  for (const f of findings) {
    if (used.has(f)) continue;
    o.fp++;
    o.problems.push(`${rel}:${f.range.start.line + 1} unexpected ${rule}: ${f.message}`);
  }
  return o;
}

async function main(): Promise<void> {
  const engine = new Engine();
  const totals = new Map<RuleId, RuleOutcome & { files: number }>();
  for (const r of REVIEW_RULES) totals.set(r, { tp: 0, fp: 0, fn: 0, problems: [], files: 0 });
  for (const file of fixtureFiles()) {
    const res = await evaluateFixture(engine, file);
    for (const [rule, o] of res) {
      const t = totals.get(rule)!;
      t.tp += o.tp;
      t.fp += o.fp;
      t.fn += o.fn;
      t.problems.push(...o.problems);
    }
  }
  // The missing-label rule once more, seeded from the fixtures' generation-call markers, so its
  // own precision and recall show apart from the detector's.
  const isolated: RuleOutcome & { files: number } = { tp: 0, fp: 0, fn: 0, problems: [], files: 0 };
  for (const file of fixtureFiles()) {
    const o = await evaluateWithMarkedCalls(engine, file, 'aigc-missing-label');
    isolated.tp += o.tp;
    isolated.fp += o.fp;
    isolated.fn += o.fn;
    isolated.problems.push(...o.problems);
  }
  const rows: [string, RuleOutcome][] = [...totals, ['aigc-missing-label (marked calls)', isolated]];
  let failed = false;
  console.log(`generation detector registered: ${ALL_RULES.some((r) => r.id === 'aigc-generation-call') ? 'yes' : 'no (aigc-missing-label via the engine sees no calls)'}`);
  console.log('rule                                TP   FP   FN  precision  recall');
  for (const [rule, t] of rows) {
    const precision = t.tp + t.fp === 0 ? 1 : t.tp / (t.tp + t.fp);
    const recall = t.tp + t.fn === 0 ? 1 : t.tp / (t.tp + t.fn);
    console.log(`${rule.padEnd(34)} ${String(t.tp).padStart(4)} ${String(t.fp).padStart(4)} ${String(t.fn).padStart(4)}  ${precision.toFixed(3).padStart(9)}  ${recall.toFixed(3).padStart(6)}`);
    if (t.problems.length) failed = true;
  }
  for (const [, t] of rows) for (const p of t.problems) console.log(`  ${p}`);
  await engine.host.dispose();
  process.exitCode = failed ? 1 : 0;
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 2;
  });
}
