/**
 * Fixture harness for rule tests. A fixture is a source file whose lines may end with a comment
 * `expect: <rule-id> [key=value ...]`: a finding of that rule must start on that line, and the
 * keys must match (provider, modality and api from the finding's generation info; confidence,
 * severity; anything else from the finding's data). A finding of a checked rule on a line without
 * such a marker is a failure, so negative fixtures are files (or lines) without markers.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Engine, FileResult } from '../../src/core/engine';
import { languageForPath } from '../../src/core/languages';
import type { Finding, RuleId } from '../../src/core/types';

export const FIXTURES = path.join(__dirname, '..', 'fixtures');

export interface Expectation {
  /** 0-based line of the marker. */
  line: number;
  ruleId: string;
  attrs: Record<string, string>;
}

/** Parses `expect:` markers (several per line allowed: `// expect: a expect: b k=v`). */
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

/** Source files under `dir` (recursively) that aireg analyses, sorted for stable test names. */
export function fixtureFilesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (languageForPath(p)) out.push(p);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out.sort();
}

/** The value of an expectation key on a finding. */
export function findingAttr(f: Finding, key: string): string | undefined {
  switch (key) {
    case 'provider':
    case 'modality':
    case 'api':
      return f.generation?.[key];
    case 'confidence':
      return f.confidence;
    case 'severity':
      return f.severity;
    default: {
      const v = f.data?.[key];
      return v === undefined ? undefined : String(v);
    }
  }
}

export interface FixtureOutcome {
  result: FileResult;
  expectations: Expectation[];
  /** One line per mismatch: missing, unexpected or wrong attribute. Empty when the fixture passes. */
  problems: string[];
  matched: number;
}

/**
 * Runs the engine on a fixture and compares the findings of `rules` with its markers. Rule
 * failures reported as notices count as problems too, so a crashing rule cannot pass silently.
 */
export async function checkFixture(engine: Engine, file: string, rules: readonly RuleId[]): Promise<FixtureOutcome> {
  const text = fs.readFileSync(file, 'utf8');
  const rel = path.relative(FIXTURES, file).split(path.sep).join('/');
  const result = await engine.analyze(rel, text);
  const expectations = parseExpectations(text).filter((e) => (rules as readonly string[]).includes(e.ruleId));
  const problems: string[] = [];
  let matched = 0;
  for (const rule of rules) {
    const findings = result.findings.filter((f) => f.ruleId === rule && !f.suppression);
    const used = new Set<Finding>();
    for (const e of expectations.filter((x) => x.ruleId === rule)) {
      const candidates = findings.filter((x) => !used.has(x) && x.range.start.line === e.line);
      // Prefer the finding whose attributes match, when a line has several.
      const f = candidates.find((x) => Object.entries(e.attrs).every(([k, v]) => findingAttr(x, k) === v)) ?? candidates[0];
      if (!f) {
        problems.push(`${rel}:${e.line + 1} missing ${rule}`);
        continue;
      }
      used.add(f);
      matched++;
      for (const [k, v] of Object.entries(e.attrs)) {
        const actual = findingAttr(f, k);
        if (actual !== v) problems.push(`${rel}:${e.line + 1} ${rule} has ${k}=${String(actual)}, expected ${v} (${f.message})`);
      }
    }
    for (const f of findings) if (!used.has(f)) problems.push(`${rel}:${f.range.start.line + 1} unexpected ${rule}: ${f.message}`);
  }
  for (const n of result.notices) if (/rule .* failed/.test(n.message)) problems.push(`${rel}: ${n.message}`);
  return { result, expectations, problems, matched };
}

/** Fixtures of the review rules, one folder per rule (each rule runs over all of them). */
export const RULE_FIXTURES = path.join(FIXTURES, 'rules');

/**
 * The fixture tests every review rule shares: its own folder has a fixture per language family,
 * and every review-rule fixture (its own and the other rules') yields exactly its markers.
 * Call inside a `describe` that owns `engine`.
 */
export function itChecksRuleFixtures(rule: RuleId, engine: () => Engine): void {
  const files = fixtureFilesUnder(RULE_FIXTURES);
  it('has fixtures for every language family', () => {
    const own = files.filter((f) => f.includes(`${path.sep}${rule}${path.sep}`)).map((f) => path.extname(f));
    for (const ext of ['.ts', '.py', '.go', '.java']) assert.ok(own.includes(ext), `missing a ${ext} fixture`);
  });
  for (const file of files) {
    it(path.relative(RULE_FIXTURES, file), async () => {
      const outcome = await checkFixture(engine(), file, [rule]);
      assert.deepEqual(outcome.problems, []);
    });
  }
}
