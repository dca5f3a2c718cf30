/**
 * Baselines: `aireg baseline` records the fingerprints of today's findings so a later scan with
 * `--baseline` reports only new ones. Fingerprints hash the rule, the file and the trimmed text
 * of the finding's line (see `fingerprintOf`), so they survive edits elsewhere in the file.
 * Matching counts occurrences: two identical findings in the baseline cover two, not three.
 */
import type { Finding } from './types';

/** Bumped when the file layout or the fingerprint scheme changes incompatibly. */
export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  fingerprint: string;
  /** Rule and file are informative only (for reviewers reading diffs of the baseline). */
  ruleId: string;
  file: string;
}

export interface BaselineFile {
  version: number;
  tool: 'aireg';
  createdAt: string;
  findings: BaselineEntry[];
}

export class BaselineError extends Error {}

/** Builds a baseline from findings; findings already suppressed in source are left out. */
export function createBaseline(findings: readonly Finding[], now: Date = new Date()): BaselineFile {
  const entries = findings
    .filter((f) => !f.suppression || f.suppression.kind === 'baseline')
    .map((f) => ({ fingerprint: f.fingerprint, ruleId: f.ruleId, file: f.file }));
  // A stable order keeps the committed file's diffs small and meaningful.
  entries.sort((a, b) => a.file.localeCompare(b.file) || a.ruleId.localeCompare(b.ruleId) || a.fingerprint.localeCompare(b.fingerprint));
  return { version: BASELINE_VERSION, tool: 'aireg', createdAt: now.toISOString(), findings: entries };
}

/** Parses a baseline file's text, with a clear message for anything that is not one. */
export function parseBaseline(text: string, file: string): BaselineFile {
  let data: unknown;
  try {
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new BaselineError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const d = data as Partial<BaselineFile> | null;
  if (!d || typeof d !== 'object' || d.tool !== 'aireg' || !Array.isArray(d.findings)) {
    throw new BaselineError(`${file}: not an aireg baseline (expected {"tool": "aireg", "findings": [...]}; create one with \`aireg baseline\`)`);
  }
  if (d.version !== BASELINE_VERSION) {
    throw new BaselineError(`${file}: baseline version ${String(d.version)} is not supported (expected ${BASELINE_VERSION}); recreate it with \`aireg baseline\``);
  }
  for (const [i, e] of d.findings.entries()) {
    if (!e || typeof e.fingerprint !== 'string') throw new BaselineError(`${file}: findings[${i}] has no "fingerprint" string`);
  }
  return d as BaselineFile;
}

/**
 * Marks findings present in the baseline with `suppression.kind = 'baseline'` (they stay in the
 * result so SARIF can show them as suppressed). Returns new finding objects; input is untouched.
 */
export function applyBaseline(findings: readonly Finding[], baseline: BaselineFile, baselineName: string): Finding[] {
  const remaining = new Map<string, number>();
  for (const e of baseline.findings) remaining.set(e.fingerprint, (remaining.get(e.fingerprint) ?? 0) + 1);
  return findings.map((f) => {
    if (f.suppression) return f;
    const left = remaining.get(f.fingerprint) ?? 0;
    if (left === 0) return f;
    remaining.set(f.fingerprint, left - 1);
    return { ...f, suppression: { kind: 'baseline' as const, reason: `accepted in baseline ${baselineName}`, range: f.range } };
  });
}
