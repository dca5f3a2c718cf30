/**
 * The shape of the Findings view, without the vscode API (unit-tested): each finding in exactly one
 * group, groups and findings ordered by severity.
 */
import type { FindingSummary } from '../shared/protocol';
import type { GroupBy } from '../shared/settings';

const RANK: Record<FindingSummary['severity'], number> = { error: 0, warning: 1, info: 2 };

/** Most severe first, then by position. */
export function compareFindings(a: FindingSummary, b: FindingSummary): number {
  return RANK[a.severity] - RANK[b.severity] || a.file.localeCompare(b.file) || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}

/** The group key of a finding: each finding has exactly one, so it is listed once. */
export function groupKey(f: FindingSummary, by: GroupBy): string {
  if (by === 'file') return f.file;
  if (by === 'rule') return f.ruleId;
  return f.primaryObligation ?? f.obligations[0] ?? '';
}

/**
 * Groups findings, each once, ordered by their most severe finding, then size, then name. Pure, so
 * the unit tests check the shape the view shows.
 */
export function groupFindings(findings: readonly FindingSummary[], by: GroupBy): { key: string; findings: FindingSummary[] }[] {
  const groups = new Map<string, FindingSummary[]>();
  for (const f of findings) {
    const k = groupKey(f, by);
    const list = groups.get(k) ?? [];
    list.push(f);
    groups.set(k, list);
  }
  const worst = (l: FindingSummary[]): number => Math.min(...l.map((f) => RANK[f.severity]));
  return [...groups.entries()]
    .map(([key, list]) => ({ key, findings: list.sort(compareFindings) }))
    .sort((a, b) => worst(a.findings) - worst(b.findings) || b.findings.length - a.findings.length || a.key.localeCompare(b.key));
}

