#!/usr/bin/env node
/**
 * The `aireg` command line, for CI and terminals.
 *
 *   aireg scan [PATH...]      report findings (text, JSON or SARIF)
 *   aireg baseline [PATH...]  record today's findings so later scans report only new ones
 *
 * Exit codes: 0 when no unsuppressed finding is at or above `--fail-on` (default `warning`),
 * 1 when there is one, 2 on usage or configuration errors (one clear message on stderr).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import pkg from '../../package.json';
import { applyBaseline, BaselineError, createBaseline, parseBaseline } from '../core/baseline';
import type { AiregConfig } from '../core/config';
import { type ConfigError, findConfigDir, formatConfigError, loadConfig } from '../core/configLoader';
import { collectFiles } from '../core/discovery';
import type { Notice } from '../core/engine';
import { RULES, isRuleId } from '../core/ruleMeta';
import { toSarif } from '../core/sarif';
import type { Finding } from '../core/types';
import { type ScanReport, escapeControl, renderJson, renderText, summarize } from './report';
import { resolveLocale, translator } from './locale';
import { shortMessage } from '../shared/findingText';
import { obligationsFor } from '../core/kb';
import { analyzeFiles } from './scan';
import { ScanCache, analyzeWithCache, cacheKey } from '../core/cache';
import { readTextFileSync } from '../core/readFile';
import { writeFileAtomic } from '../core/atomicWrite';

export const VERSION: string = (pkg as { version: string }).version;

/** A usage or configuration problem: printed as one message, exit code 2. */
class UsageError extends Error {}

const USAGE = `aireg ${VERSION} — regulation-aware review of AI features in code

Usage:
  aireg scan [PATH...] [options]       scan files and folders (default: .)
  aireg baseline [PATH...] [options]   write fingerprints of today's findings
  aireg help                           show this help
  aireg --version                      print the version

Scan options:
  -f, --format text|json|sarif   output format (default: text)
  -o, --output FILE              write the report to FILE instead of stdout
      --fail-on LEVEL            exit 1 when an unsuppressed finding is at or above
                                 LEVEL: info, warning, error or none (default: warning)
  -c, --config FILE              use this .aireg.json (errors in it are fatal)
      --baseline FILE            report only findings not in this baseline
      --rules ID[,ID...]         run only these rules
      --show-suppressed          list suppressed and baselined findings in text output
      --locale LANG              language of the text report: en or zh-cn (default: the
                                 system locale from LC_ALL, LC_MESSAGES or LANG)
      --no-progress              never print progress (it is shown only on a terminal)
      --cache DIR                keep per-file results in DIR; rescans analyse only changed files
  -j, --jobs N                   worker threads (default: 1 below 200 files to parse, else all cores)

Baseline options:
  -o, --output FILE              where to write the baseline (default: .aireg-baseline.json;
                                 --baseline does not apply)
  -c, --config, --rules, --jobs, --no-progress as for scan

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage or
configuration error. Rules: ${RULES.map((r) => r.id).join(', ')}.
`;

interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  cwd: string;
}

const FORMATS = ['text', 'json', 'sarif'] as const;
const FAIL_ON = ['info', 'warning', 'error', 'none'] as const;

interface ParsedArgs {
  command: 'scan' | 'baseline' | 'help' | 'version';
  paths: string[];
  format: (typeof FORMATS)[number];
  output?: string;
  failOn: (typeof FAIL_ON)[number];
  config?: string;
  baseline?: string;
  rules?: string[];
  showSuppressed: boolean;
  progress: boolean;
  jobs?: number;
  cache?: string;
  locale?: string;
}

function parse(argv: string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o' },
        'fail-on': { type: 'string' },
        config: { type: 'string', short: 'c' },
        baseline: { type: 'string' },
        rules: { type: 'string' },
        'show-suppressed': { type: 'boolean' },
        'no-progress': { type: 'boolean' },
        cache: { type: 'string' },
        locale: { type: 'string' },
        jobs: { type: 'string', short: 'j' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values: v, positionals } = parsed;
  const [first, ...rest] = positionals;
  let command: ParsedArgs['command'];
  if (v.version) command = 'version';
  else if (v.help || first === 'help' || first === undefined) command = 'help';
  else if (first === 'scan' || first === 'baseline') command = first;
  else throw new UsageError(`unknown command "${first}" (expected scan, baseline or help)`);

  const format = v.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got "${format}")`);
  if (command === 'baseline' && v.format) throw new UsageError('--format does not apply to `aireg baseline` (it always writes JSON)');
  // `aireg baseline` records every finding; a baseline to subtract would be ignored, so say so.
  if (command === 'baseline' && v.baseline !== undefined) throw new UsageError('--baseline does not apply to `aireg baseline` (it records every current finding; use --output to choose where)');
  // An empty name (an unset variable in a script) must not silently mean stdout.
  if (v.output !== undefined && v.output.trim() === '') throw new UsageError('--output needs a file name (got an empty string)');
  const failOn = v['fail-on'] ?? 'warning';
  if (!(FAIL_ON as readonly string[]).includes(failOn)) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')} (got "${failOn}")`);
  let jobs: number | undefined;
  if (v.jobs !== undefined) {
    jobs = Number(v.jobs);
    if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256) throw new UsageError(`--jobs must be a whole number from 1 to 256 (got "${v.jobs}")`);
  }
  let rules: string[] | undefined;
  if (v.rules !== undefined) {
    rules = v.rules.split(',').map((r) => r.trim()).filter(Boolean);
    const unknown = rules.filter((r) => !isRuleId(r));
    if (unknown.length || rules.length === 0) {
      throw new UsageError(`--rules: unknown rule id ${unknown.map((u) => `"${u}"`).join(', ') || '(none given)'}; known rules: ${RULES.map((r) => r.id).join(', ')}`);
    }
  }
  return {
    command,
    paths: rest,
    format: format as ParsedArgs['format'],
    output: v.output,
    failOn: failOn as ParsedArgs['failOn'],
    config: v.config,
    ...(v.locale ? { locale: v.locale } : {}),
    baseline: v.baseline,
    rules,
    showSuppressed: !!v['show-suppressed'],
    progress: !v['no-progress'],
    jobs,
    cache: v.cache,
  };
}

/** The repository root above `start` (a folder with `.git`), if any. */
function findRepoRoot(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function dirOf(p: string): string {
  try {
    return fs.statSync(p).isDirectory() ? p : path.dirname(p);
  } catch {
    return path.dirname(p);
  }
}

interface Setup {
  roots: string[];
  rootDir: string;
  configDir?: string;
  config: AiregConfig;
  configErrors: ConfigError[];
  /** The `.aireg.json` in use, if any. */
  configPath?: string;
}

/**
 * Resolves paths, configuration and the workspace root. The root (finding paths are relative
 * to it, and so are fingerprints) is the folder of the configuration file, else the repository
 * root, else the current folder (or the first scanned folder when that lies outside it), so
 * the CLI and the editor agree on paths.
 */
function setup(args: ParsedArgs, io: CliIO): Setup {
  const roots = (args.paths.length ? args.paths : ['.']).map((p) => path.resolve(io.cwd, p));
  for (const [i, r] of roots.entries()) {
    if (!fs.existsSync(r)) throw new UsageError(`path not found: ${args.paths[i] ?? r}`);
  }
  const firstDir = dirOf(roots[0]!);
  const explicit = args.config ? path.resolve(io.cwd, args.config) : undefined;
  const configDir = explicit ? path.dirname(explicit) : findConfigDir(firstDir);
  const loaded = configDir ? loadConfig(configDir, explicit) : { config: loadConfig(firstDir).config, errors: [] as ConfigError[] };
  if (explicit && loaded.errors.some((e) => e.severity === 'error')) {
    throw new UsageError(loaded.errors.filter((e) => e.severity === 'error').map((e) => escapeControl(formatConfigError(e))).join('\n'));
  }
  // A broken auto-discovered file is reported and the scan goes on with defaults for what broke.
  for (const e of loaded.errors) io.stderr.write(`aireg: ${escapeControl(formatConfigError(e))}\n`);
  const config = loaded.config;
  if (args.rules) {
    // Other rules are switched off rather than skipped: the generation detector still runs
    // (its calls feed the review rules) and the engine drops its findings when it is off.
    const keep = new Set(args.rules);
    for (const r of RULES) if (!keep.has(r.id)) config.rules[r.id] = 'off';
  }
  const underCwd = !path.relative(io.cwd, firstDir).startsWith('..');
  const rootDir = configDir ?? findRepoRoot(firstDir) ?? (underCwd ? io.cwd : firstDir);
  return { roots, rootDir, configDir, config, configErrors: loaded.errors, ...(loaded.path ? { configPath: loaded.path } : {}) };
}

function progressReporter(args: ParsedArgs, io: CliIO): { update(done: number, total: number, file: string): void; clear(): void } {
  const enabled = args.progress && !!io.stderr.isTTY && !process.env.CI;
  let last = 0;
  let shown = false;
  return {
    update(done, total, file) {
      if (!enabled) return;
      const now = Date.now();
      // Redrawing on every file would cost more than scanning small files.
      if (now - last < 80 && done < total) return;
      last = now;
      shown = true;
      const columns = (io.stderr as { columns?: number }).columns || 80;
      io.stderr.write(`\r\u001b[K${`aireg [${done}/${total}] ${escapeControl(file)}`.slice(0, columns - 1)}`);
    },
    clear() {
      if (enabled && shown) io.stderr.write('\r\u001b[K');
    },
  };
}

async function runScan(args: ParsedArgs, io: CliIO): Promise<{ report: ScanReport; findings: Finding[]; config: AiregConfig }> {
  const started = performance.now();
  const s = setup(args, io);
  let baseline;
  if (args.baseline && args.command === 'scan') {
    const file = path.resolve(io.cwd, args.baseline);
    let text: string;
    try {
      text = readTextFileSync(file);
    } catch (err) {
      throw new UsageError(`cannot read baseline ${args.baseline}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message}`);
    }
    try {
      baseline = parseBaseline(text, args.baseline);
    } catch (err) {
      if (err instanceof BaselineError) throw new UsageError(err.message);
      throw err;
    }
  }

  const notices: Notice[] = [];
  const files = await collectFiles(s.roots, s.config, { baseDir: s.rootDir, configDir: s.configDir ?? s.rootDir, onNotice: (n) => notices.push(n) });
  const progress = progressReporter(args, io);
  const run = (list: typeof files) => analyzeFiles(list, { config: s.config, jobs: args.jobs, onProgress: progress.update });
  // The key holds what decides a result besides the text: version, configuration and this build.
  const cache = args.cache ? ScanCache.load(path.resolve(io.cwd, args.cache, 'scan-cache.json'), cacheKey([VERSION, JSON.stringify(s.config), s.rootDir, fs.readFileSync(__filename, 'utf8')])) : undefined;
  const { results, jobs } = cache ? await analyzeWithCache(files, cache, run) : await run(files);
  try {
    cache?.save();
  } catch (err) {
    // The cache only saves time: failing to write it must not fail the scan.
    io.stderr.write(`aireg: could not write the cache: ${(err as Error).message}\n`);
  }
  progress.clear();

  const skipKinds = new Set(['binary', 'minified', 'too-large', 'read-error', 'parse-timeout']);
  let analysed = 0;
  let findings: Finding[] = [];
  for (const r of results) {
    notices.push(...r.notices);
    findings.push(...r.findings);
    if (!r.notices.some((n) => skipKinds.has(n.kind))) analysed++;
  }
  if (baseline) findings = applyBaseline(findings, baseline, path.basename(args.baseline!));
  notices.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const summary = summarize(findings, notices, analysed, args.failOn, jobs, performance.now() - started);
  return {
    report: { tool: { name: 'aireg', version: VERSION }, root: s.rootDir, findings, notices, configErrors: s.configErrors, config: s.configPath ?? null, summary },
    findings,
    config: s.config,
  };
}

function writeOutput(text: string, args: ParsedArgs, io: CliIO): void {
  if (!args.output) {
    io.stdout.write(text);
    return;
  }
  const file = path.resolve(io.cwd, args.output);
  try {
    // Temporary file and rename: a full disk or a crash never leaves a truncated report.
    writeFileAtomic(file, text);
  } catch (err) {
    throw new UsageError(`cannot write ${args.output}: ${(err as Error).message}`);
  }
}

/** Runs the CLI and returns its exit code; exported for tests and embedding. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parse(argv);
    if (args.command === 'help') {
      io.stdout.write(USAGE);
      return 0;
    }
    if (args.command === 'version') {
      io.stdout.write(`${VERSION}\n`);
      return 0;
    }
    const { report, findings, config } = await runScan(args, io);
    if (args.command === 'baseline') {
      const out = path.resolve(io.cwd, args.output ?? '.aireg-baseline.json');
      const baseline = createBaseline(findings);
      try {
        // A good baseline is replaced only by a complete new one, never by a torn write.
        writeFileAtomic(out, `${JSON.stringify(baseline, null, 2)}\n`);
      } catch (err) {
        throw new UsageError(`cannot write ${out}: ${(err as Error).message}`);
      }
      io.stderr.write(`aireg: wrote ${baseline.findings.length} fingerprint(s) from ${report.summary.files} file(s) to ${path.relative(io.cwd, out) || out}\n`);
      return 0;
    }
    if (args.format === 'json') writeOutput(renderJson(report), args, io);
    else if (args.format === 'sarif') {
      const log = toSarif(findings, { toolVersion: VERSION, rootDir: report.root, notices: report.notices, configErrors: report.configErrors, properties: { summary: report.summary, config: report.config ?? null } });
      writeOutput(`${JSON.stringify(log, null, 2)}\n`, args, io);
    } else {
      const color = !args.output && !!io.stdout.isTTY && !process.env.NO_COLOR;
      // Text is for people: one localized line per finding naming the article (JSON and SARIF keep the rules' full text).
      const lang = resolveLocale(args.locale);
      const t = translator(lang);
      const applicable = new Set(obligationsFor({ roles: config.roles, jurisdictions: config.jurisdictions }).map((o) => o.id));
      const message = (f: Finding): string => shortMessage(f, f.obligations.find((id) => applicable.has(id)) ?? f.obligations[0], lang, t);
      writeOutput(renderText(report, { color, showSuppressed: args.showSuppressed, cwd: io.cwd, message, ...(lang === 'zh' ? { t } : {}) }), args, io);
    }
    if (args.output) io.stderr.write(`aireg: wrote ${args.format} report to ${args.output} (${report.summary.findings.total} finding(s))\n`);
    return report.summary.failed ? 1 : 0;
  } catch (err) {
    if (err instanceof UsageError) {
      // Messages quote arguments and file names: each line is printed with its controls escaped.
      io.stderr.write(`aireg: ${err.message.split('\n').map(escapeControl).join('\n')}\nRun \`aireg help\` for usage.\n`);
      return 2;
    }
    io.stderr.write(`aireg: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 2;
  }
}

if (require.main === module) {
  // A reader that goes away (`aireg scan | head`) is not an error of the scan: the rest of the
  // output has nowhere to go, so it is dropped quietly and the exit code still tells the result.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      stream.destroy();
    });
  }
  void run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }).then((code) => {
    // exitCode rather than exit(): large reports must finish flushing to a pipe.
    process.exitCode = code;
  });
}
