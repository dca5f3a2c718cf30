/**
 * The scan report model shared by the three output formats, and the text and JSON renderers
 * (SARIF lives in src/core/sarif.ts so the language server can reuse it). JSON output is this
 * model as is: `{ tool, root, findings, notices, configErrors, summary }`.
 */
import * as path from 'node:path';
import type { ConfigError } from '../core/configLoader';
import type { Notice, NoticeKind } from '../core/engine';
import type { Translate } from '../shared/findingText';
import type { Finding, Severity } from '../core/types';

export interface ScanSummary {
  /** Files analysed (discovered and not skipped). */
  files: number;
  /** Findings that are not suppressed, by severity. */
  findings: { error: number; warning: number; info: number; total: number };
  /** Findings suppressed by an in-source comment. */
  suppressed: number;
  /** Findings accepted in the baseline. */
  baselined: number;
  /** Files skipped without analysis, by reason. */
  skipped: { binary: number; minified: number; tooLarge: number; unreadable: number; parseTimeout: number };
  /** The `--fail-on` threshold and whether the scan fails by it. */
  failOn: Exclude<Severity, 'off'> | 'none';
  failed: boolean;
  jobs: number;
  durationMs: number;
}

export interface ScanReport {
  tool: { name: 'aireg'; version: string };
  /** Absolute workspace root; finding paths are relative to it. */
  root: string;
  /** Every finding, suppressed ones included (see `suppression`), sorted by file then position. */
  findings: Finding[];
  notices: Notice[];
  configErrors: ConfigError[];
  /** Absolute path of the `.aireg.json` in use, or null when the defaults apply. */
  config?: string | null;
  summary: ScanSummary;
}

/**
 * Control characters (C0, DEL, C1) and bidirectional overrides that workspace text (file names,
 * rule messages quoting code, suppression reasons) could carry: printed raw, a name holding a
 * newline and escape codes can forge a "✔ 0 findings" line or hide the real results on a
 * terminal. JSON and SARIF escape them already; text output shows them as `\xNN` / `\u{NNNN}`.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Makes text safe to print on a terminal: every control or bidi character becomes visible. */
export function escapeControl(s: string): string {
  return s.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

const RANK: Record<Exclude<Severity, 'off'>, number> = { info: 1, warning: 2, error: 3 };

/** True when a finding counts against the `--fail-on` threshold. */
export function failsOn(f: Finding, threshold: ScanSummary['failOn']): boolean {
  return threshold !== 'none' && !f.suppression && RANK[f.severity] >= RANK[threshold];
}

/** Counts a scan; `files` is the number of files actually analysed (not skipped). */
export function summarize(findings: readonly Finding[], notices: readonly Notice[], files: number, failOn: ScanSummary['failOn'], jobs: number, durationMs: number): ScanSummary {
  const count = (kind: NoticeKind): number => notices.filter((n) => n.kind === kind).length;
  const active = findings.filter((f) => !f.suppression);
  const bySeverity = { error: 0, warning: 0, info: 0, total: active.length };
  for (const f of active) bySeverity[f.severity]++;
  const skipped = { binary: count('binary'), minified: count('minified'), tooLarge: count('too-large'), unreadable: count('read-error'), parseTimeout: count('parse-timeout') };
  return {
    files,
    findings: bySeverity,
    suppressed: findings.filter((f) => f.suppression?.kind === 'inSource').length,
    baselined: findings.filter((f) => f.suppression?.kind === 'baseline').length,
    skipped,
    failOn,
    failed: findings.some((f) => failsOn(f, failOn)),
    jobs,
    durationMs: Math.round(durationMs),
  };
}

export function renderJson(report: ScanReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

interface Paint {
  red(s: string): string;
  yellow(s: string): string;
  blue(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

function painter(color: boolean): Paint {
  const wrap = (open: number, close: number) => (s: string): string => (color ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return { red: wrap(31, 39), yellow: wrap(33, 39), blue: wrap(34, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Notice kinds that are summarised as counts instead of listed one by one. */
const COUNTED: ReadonlySet<NoticeKind> = new Set(['binary', 'minified', 'too-large']);

/**
 * ESLint "stylish"-like text: findings grouped by file as `line:col  severity  message  rule`,
 * then notices worth reading, then one summary line. Paths are shown relative to `cwd` so
 * terminals make them clickable.
 */
export function renderText(report: ScanReport, options: { color: boolean; showSuppressed: boolean; cwd: string; message?: (f: Finding) => string; t?: Translate }): string {
  const p = painter(options.color);
  const lines: string[] = [];
  const display = (file: string): string => {
    const abs = path.isAbsolute(file) ? file : path.join(report.root, file);
    const rel = path.relative(options.cwd, abs);
    return escapeControl(rel && !rel.startsWith('..') ? rel : abs);
  };

  const byFile = new Map<string, Finding[]>();
  for (const f of report.findings) {
    if (f.suppression && !options.showSuppressed) continue;
    const list = byFile.get(f.file) ?? [];
    list.push(f);
    byFile.set(f.file, list);
  }
  for (const [file, findings] of byFile) {
    lines.push(p.bold(display(file)));
    const rows = findings.map((f) => {
      const pos = `${f.range.start.line + 1}:${f.range.start.character + 1}`;
      const sev = f.severity === 'error' ? p.red('error') : f.severity === 'warning' ? p.yellow('warning') : p.blue('info');
      const sevWidth = f.severity.length;
      let message = options.message ? options.message(f) : f.message;
      if (f.suppression) message += ` (${f.suppression.kind === 'baseline' ? 'in baseline' : 'suppressed'}: ${f.suppression.reason})`;
      return { pos, sev, sevWidth, message: escapeControl(message), rule: escapeControl(f.ruleId) };
    });
    const posWidth = Math.max(...rows.map((r) => r.pos.length));
    const sevWidth = Math.max(...rows.map((r) => r.sevWidth));
    for (const r of rows) {
      lines.push(`  ${p.dim(r.pos.padEnd(posWidth))}  ${r.sev}${' '.repeat(sevWidth - r.sevWidth)}  ${r.message}  ${p.dim(r.rule)}`);
    }
    lines.push('');
  }

  const listed = report.notices.filter((n) => !COUNTED.has(n.kind));
  if (listed.length) {
    lines.push(p.bold('notices'));
    for (const n of listed) lines.push(`  ${display(n.file)}: ${escapeControl(n.message)}`);
    lines.push('');
  }

  const s = report.summary;
  const counts = `${plural(s.findings.total, 'finding')} (${plural(s.findings.error, 'error')}, ${plural(s.findings.warning, 'warning')}, ${s.findings.info} info)`;
  const extras: string[] = [];
  if (s.suppressed) extras.push(options.t ? options.t('{0} suppressed', s.suppressed) : `${s.suppressed} suppressed`);
  if (s.baselined) extras.push(options.t ? options.t('{0} in baseline', s.baselined) : `${s.baselined} in baseline`);
  // The mark says whether there is anything to fix; the exit code line says whether CI fails.
  const clean = !s.failed && s.findings.error === 0 && s.findings.warning === 0;
  const summaryLine = options.t
    ? `${clean ? '✔' : '✖'} ${options.t('{0} findings ({1} errors, {2} warnings, {3} info) in {4} files', s.findings.total, s.findings.error, s.findings.warning, s.findings.info, s.files)}${extras.length ? `; ${extras.join(', ')}` : ''}`
    : `${clean ? '✔' : '✖'} ${counts} in ${plural(s.files, 'file')}${extras.length ? `; ${extras.join(', ')}` : ''}`;
  lines.push(s.failed ? p.red(p.bold(summaryLine)) : p.bold(summaryLine));
  const skippedParts: string[] = [];
  if (s.skipped.binary) skippedParts.push(`${s.skipped.binary} binary`);
  if (s.skipped.minified) skippedParts.push(`${s.skipped.minified} minified`);
  if (s.skipped.tooLarge) skippedParts.push(`${s.skipped.tooLarge} over maxFileBytes`);
  if (s.skipped.unreadable) skippedParts.push(`${s.skipped.unreadable} unreadable`);
  if (s.skipped.parseTimeout) skippedParts.push(`${s.skipped.parseTimeout} parse timeout`);
  if (skippedParts.length) {
    const total = s.skipped.binary + s.skipped.minified + s.skipped.tooLarge + s.skipped.unreadable + s.skipped.parseTimeout;
    lines.push(p.dim(`  skipped ${plural(total, 'file')}: ${skippedParts.join(', ')} (--format json lists them)`));
  }
  if (s.failed) lines.push(p.dim(`  exit code 1: findings at or above --fail-on ${s.failOn}`));
  // Which configuration decided the result, so a planted or forgotten file is never silent.
  if (report.config !== undefined) lines.push(p.dim(`  config: ${report.config === null ? 'none (defaults)' : display(report.config)}`));
  return `${lines.join('\n')}\n`;
}
