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
import { Engine } from '../src/core/engine';
import { languageForPath } from '../src/core/languages';
import type { Finding, RuleId } from '../src/core/types';

/** The rules this report covers (the review rules; the generation detector has its own harness). */
export const REVIEW_RULES: readonly RuleId[] = ['aigc-missing-label', 'aigc-invalid-label-metadata', 'aigc-label-stripped', 'rec-no-opt-out', 'biometric-no-consent'];

export const FIXTURE_ROOT = path.join(__dirname, '..', 'test', 'fixtures', 'rules');

export interface Expectation {
  line: number;
  ruleId: string;
  attrs: Record<string, string>;
}

/** Parses `expect:` markers; a line may carry several (`expect: a expect: b`). */
export function parseExpectations(text: string): Expectation[] {
  const out: Expectation[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /(?:\/\/|#)\s*(expect:.*)$/.exec(lines[i]!);
    if (!m) continue;
    for (const part of m[1]!.split(/expect:/).slice(1)) {
      const [ruleId, ...rest] = part.trim().split(/\s+/);
      if (!ruleId) continue;
      const attrs: Record<string, string> = {};
      for (const kv of rest) {
        const eq = kv.indexOf('=');
        if (eq > 0) attrs[kv.slice(0, eq)] = kv.slice(eq + 1);
      }
      out.push({ line: i, ruleId, attrs });
    }
  }
  return out;
}

export interface RuleOutcome {
  tp: number;
  fp: number;
  fn: number;
  /** Human-readable lines for each mismatch (file:line rule message). */
  problems: string[];
}

/** Files under the fixture root (recursively) that aireg analyses, sorted. */
export function fixtureFiles(root = FIXTURE_ROOT): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (languageForPath(p)) out.push(p);
    }
  };
  if (fs.existsSync(root)) walk(root);
  return out.sort();
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
    const o: RuleOutcome = { tp: 0, fp: 0, fn: 0, problems: [] };
    const findings = result.findings.filter((f) => f.ruleId === rule && !f.suppression);
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
    out.set(rule, o);
  }
  for (const n of result.notices) if (/rule .* failed/.test(n.message)) out.get(rules[0]!)?.problems.push(`${rel}: ${n.message}`);
  return out;
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
  let failed = false;
  console.log('rule                          TP   FP   FN  precision  recall');
  for (const [rule, t] of totals) {
    const precision = t.tp + t.fp === 0 ? 1 : t.tp / (t.tp + t.fp);
    const recall = t.tp + t.fn === 0 ? 1 : t.tp / (t.tp + t.fn);
    console.log(`${rule.padEnd(28)} ${String(t.tp).padStart(4)} ${String(t.fp).padStart(4)} ${String(t.fn).padStart(4)}  ${precision.toFixed(3).padStart(9)}  ${recall.toFixed(3).padStart(6)}`);
    if (t.problems.length) failed = true;
  }
  for (const t of totals.values()) for (const p of t.problems) console.log(`  ${p}`);
  await engine.host.dispose();
  process.exitCode = failed ? 1 : 0;
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 2;
  });
}
