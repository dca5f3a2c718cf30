#!/usr/bin/env node
// `npm run bench`: aireg's speed and memory on real code nobody here wrote, next to ast-grep
// running equivalent generation-call rules on the same files in the same run.
//
// Prints one line per figure (`name=value unit`, stable names, so two runs can be diffed), one
// PASS/FAIL line per target, a final `BENCH_JSON {...}` line, and records the run in
// docs/performance.md with the machine it ran on.
//
// Usage: node scripts/bench.mjs [--quick] [--corpus small|large|all] [--no-lsp] [--no-write]
//   --quick   one run per measurement instead of the median of several (for a fast look)
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { buildCorpus } from './bench-corpus.mjs';
import { RSS_METHOD, machine, medianRun, run } from './bench/measure.mjs';
import { lspBench, workspaceKeystroke } from './bench/lsp.mjs';
import { tsserverKeystroke } from './bench/tsserver.mjs';
import { rescanBench } from './bench/rescan.mjs';
import { writePerformanceDoc } from './bench/report.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const corpusArg = argv.includes('--corpus') ? argv[argv.indexOf('--corpus') + 1] : 'all';
const corpora = corpusArg === 'all' ? ['small', 'large'] : [corpusArg];
const astGrep = path.join(root, 'node_modules/.bin/ast-grep');
const cli = path.join(root, 'dist/cli.js');
const buildDir = path.join(root, '.bench/build');
/** A full scan that takes longer than this is counted as not finishing. */
const SCAN_TIMEOUT_MS = 600_000;

/** Every figure of this run, in print order: {name, value, unit}. */
const figures = [];
/** Every target: {name, pass, actual, target, gap}. */
const targets = [];
/** Caveats found during the run, printed and recorded with the figures. */
const benchNotes = [];

function fig(name, value, unit = '') {
  const v = typeof value === 'number' ? Number(value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 3)) : value;
  figures.push({ name, value: v, unit });
  console.log(`${name}=${v}${unit ? ` ${unit}` : ''}`);
}

/** Records a target: `actual` must be <= `limit`. */
function target(name, actual, limit, unit, what) {
  const pass = Number.isFinite(actual) && actual <= limit;
  const gap = Number.isFinite(actual) ? (pass ? '' : `${((actual / limit - 1) * 100).toFixed(0)}% over`) : 'not measured';
  targets.push({ name, pass, actual: Number.isFinite(actual) ? Number(actual.toFixed(3)) : null, limit, unit, what, gap });
  console.log(`TARGET ${name}: ${pass ? 'PASS' : 'FAIL'} ${Number.isFinite(actual) ? actual.toFixed(2) : 'n/a'}${unit} <= ${limit}${unit} (${what})${gap ? ` — ${gap}` : ''}`);
}

function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.name === '.git') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && !e.name.startsWith('.')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

async function bundleInproc() {
  await esbuild.build({
    entryPoints: [path.join(root, 'scripts/bench/inproc.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: path.join(buildDir, 'inproc.cjs'),
    logLevel: 'warning',
    // The same parser build as the product's bundles (scripts/build.mjs).
    alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/tree-sitter.cjs' },
    absWorkingDir: root,
    mainFields: ['module', 'main'],
    conditions: ['require', 'node'],
  });
}

async function scanCorpus(name, manifest) {
  const dir = manifest.dir;
  const reps = quick ? 1 : name === 'small' ? 5 : 2;
  const p = `${name}`;
  fig(`${p}.corpus.files`, manifest.files, 'files');
  fig(`${p}.corpus.lines`, manifest.lines, 'lines');
  fig(`${p}.corpus.mb`, manifest.bytes / 1e6, 'MB');

  // ast-grep, one thread, equivalent generation rules.
  const sgArgs = ['scan', '-c', path.join(root, 'bench/astgrep/sgconfig.yml'), '-j', '1', '--json=stream', dir];
  await run(astGrep, sgArgs); // Warm the page cache for both tools.
  const sg = await medianRun(reps, astGrep, sgArgs);
  const sgMatches = sg.stdout.split('\n').filter(Boolean).length;
  fig(`${p}.astgrep_j1.wall`, sg.ms / 1000, 's');
  fig(`${p}.astgrep_j1.rss`, sg.rssMB, 'MB');
  fig(`${p}.astgrep_j1.matches`, sgMatches, 'matches');

  // aireg, whole process, default jobs (all cores above 200 files), all rules.
  const scanArgs = (extra) => [cli, 'scan', dir, '-f', 'json', '--fail-on', 'none', '--no-progress', ...extra];
  // The first full run has a time limit: a corpus that stalls the scan is reported, not waited on.
  let full;
  try {
    full = await medianRun(reps, process.execPath, scanArgs([]), { timeoutMs: SCAN_TIMEOUT_MS });
    fig(`${p}.scan.finished`, 1, '');
  } catch (err) {
    fig(`${p}.scan.finished`, 0, '');
    benchNotes.push(`${name}: the full scan did not finish within ${SCAN_TIMEOUT_MS / 1000} s or failed: ${String(err).slice(0, 200)}`);
    return { unfinished: true };
  }
  const report = JSON.parse(full.stdout);
  const genCount = report.findings.filter((f) => f.ruleId === 'aigc-generation-call').length;
  fig(`${p}.scan.wall`, full.ms / 1000, 's');
  fig(`${p}.scan.jobs`, report.summary.jobs, 'threads');
  fig(`${p}.scan.files_per_s`, report.summary.files / (full.ms / 1000), 'files/s');
  fig(`${p}.scan.mb_per_s`, manifest.bytes / 1e6 / (full.ms / 1000), 'MB/s');
  fig(`${p}.scan.lines_per_s`, manifest.lines / (full.ms / 1000), 'lines/s');
  fig(`${p}.scan.rss`, full.rssMB, 'MB');
  fig(`${p}.scan.files_analysed`, report.summary.files, 'files');
  fig(`${p}.scan.findings`, report.findings.length, 'findings');
  fig(`${p}.scan.generation_findings`, genCount, 'findings');
  fig(`${p}.scan.notices`, report.notices.length, 'notices');
  fig(`${p}.scan.budget_notices`, report.notices.filter((n) => /budget|timeout/.test(n.kind)).length, 'notices');
  fig(`${p}.scan.ratio_to_astgrep_j1`, full.ms / sg.ms, 'x');

  const gen = await medianRun(reps, process.execPath, scanArgs(['--rules', 'aigc-generation-call']));
  fig(`${p}.scan_generation_only.wall`, gen.ms / 1000, 's');
  fig(`${p}.scan_generation_only.ratio_to_astgrep_j1`, gen.ms / sg.ms, 'x');
  fig(`${p}.scan.ratio_full_to_generation_only`, full.ms / gen.ms, 'x');

  const one = await medianRun(reps, process.execPath, scanArgs(['--jobs', '1']));
  fig(`${p}.scan_j1.wall`, one.ms / 1000, 's');
  fig(`${p}.scan_j1.rss`, one.rssMB, 'MB');
  fig(`${p}.scan_j1.ratio_to_astgrep_j1`, one.ms / sg.ms, 'x');

  // In-process, one thread, texts in memory: parse-only vs generation vs full.
  const list = path.join(buildDir, `${name}.list`);
  fs.writeFileSync(list, listFiles(dir).join('\n'));
  const inArgs = ['--max-old-space-size=4096', path.join(buildDir, 'inproc.cjs'), list, String(quick ? 1 : name === 'small' ? 3 : 2), ...(name === 'small' ? ['--per-rule'] : [])];
  const inproc = JSON.parse((await run(process.execPath, inArgs)).stdout.trim().split('\n').pop());
  const m = inproc.modes;
  if (!inproc.rules.includes('aigc-generation-call') && !benchNotes.some((n) => n.startsWith('generation'))) {
    benchNotes.push('generation detector: no rule aigc-generation-call is registered in this build, so "generation-only" runs no rule (it equals parse-only) and the ast-grep peer has no aireg counterpart yet.');
  }
  fig(`${p}.inproc.parse_only`, m['parse-only'].ms / 1000, 's');
  fig(`${p}.inproc.generation`, m.generation.ms / 1000, 's');
  fig(`${p}.inproc.full`, m.full.ms / 1000, 's');
  fig(`${p}.inproc.parse_mb_per_s`, manifest.bytes / 1e6 / (m['parse-only'].ms / 1000), 'MB/s');
  fig(`${p}.inproc.ratio_full_to_parse_only`, m.full.ms / m['parse-only'].ms, 'x');
  fig(`${p}.inproc.ratio_generation_to_parse_only`, m.generation.ms / m['parse-only'].ms, 'x');
  fig(`${p}.inproc.ratio_full_to_generation`, m.full.ms / m.generation.ms, 'x');
  for (const [mode, r] of Object.entries(m)) {
    if (mode.startsWith('+')) fig(`${p}.inproc.rule_cost.${mode.slice(1)}`, (r.ms - m.generation.ms) / 1000, 's');
  }
  return { sg, full, gen, one, inproc, report };
}

async function main() {
  const started = Date.now();
  fs.mkdirSync(buildDir, { recursive: true });
  if (!fs.existsSync(cli)) throw new Error('dist/cli.js is missing; run `npm run build` first');
  const info = machine();
  console.log(`# aireg bench ${new Date().toISOString()} on ${info.cpu}, ${info.cores} cores, ${info.ramGB} GB, node ${info.node}`);
  fig('machine.loadavg_1min_at_start', os.loadavg()[0], '');
  console.log(`# peak RSS measured with ${RSS_METHOD}; ${quick ? 'one run per figure (--quick)' : 'median of several runs per figure'}`);
  const commit = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
    } catch {
      return 'unknown';
    }
  })();
  const sgVersion = execFileSync(astGrep, ['--version']).toString().trim();
  const manifests = buildCorpus(corpora);
  await bundleInproc();

  const scans = {};
  for (const name of corpora) scans[name] = await scanCorpus(name, manifests[name]);

  // Issue 15's targets: every corpus finishes, whole-process scans at most ast-grep's time with
  // default threads and 1.5x with one thread, RSS within 250 MB on the large corpus.
  for (const [name, s] of Object.entries(scans)) {
    target(`issue15.${name}_finishes`, s.unfinished ? 1 : 0, 0, '', `${name} corpus: the full scan finishes within ${SCAN_TIMEOUT_MS / 1000} s (0 = finished)`);
    if (s.unfinished) continue;
    target(`issue15.${name}_scan_vs_astgrep`, s.full.ms / s.sg.ms, 1.0, 'x', `${name} corpus: aireg scan, default threads / ast-grep scan -j 1`);
    target(`issue15.${name}_scan_j1_vs_astgrep`, s.one.ms / s.sg.ms, 1.5, 'x', `${name} corpus: aireg scan --jobs 1 / ast-grep scan -j 1`);
    target(`issue10.${name}_full_vs_generation_only`, s.full.ms / s.gen.ms, 1.3, 'x', `${name} corpus: all rules / generation rule only (whole process)`);
  }
  if (scans.large && !scans.large.unfinished) target('issue15.large_peak_rss', scans.large.full.rssMB, 250, ' MB', 'large corpus: peak RSS of aireg scan, default threads');
  {
    // Cold start: a new process scanning one small file that has a generation call.
    const file = path.join(buildDir, 'cold.py');
    fs.writeFileSync(file, 'from openai import OpenAI\nclient = OpenAI()\nclient.chat.completions.create(model="gpt-4o", messages=[])\n');
    const args = [cli, 'scan', file, '-f', 'json', '--fail-on', 'none', '--no-progress'];
    // With the code cache (src/launch/codeCache.ts) as a user has it from the second run on: the
    // first run below leaves it, the median is of the runs after. Without it, for comparison.
    const codeCache = path.join(buildDir, 'v8cache-cli');
    fs.rmSync(codeCache, { recursive: true, force: true });
    const cached = { env: { ...process.env, AIREG_CODE_CACHE: codeCache } };
    const first = await run(process.execPath, args, cached);
    const cold = await medianRun(quick ? 3 : 7, process.execPath, args, cached);
    const uncached = await medianRun(quick ? 3 : 7, process.execPath, args, { env: { ...process.env, AIREG_CODE_CACHE: 'off' } });
    const node = await medianRun(quick ? 3 : 7, process.execPath, ['-e', '0']);
    fig('cli.cold_start.wall', cold.ms, 'ms');
    fig('cli.cold_start.first_run_wall', first.ms, 'ms');
    fig('cli.cold_start.no_code_cache_wall', uncached.ms, 'ms');
    fig('cli.cold_start.node_floor', node.ms, 'ms');
    target('issue15.cold_start', cold.ms, 200, ' ms', 'new process, one small file with a generation call, to exit (output written)');
  }
  if (scans.small && !scans.small.unfinished) {
    target('issue2.scan_vs_astgrep', scans.small.full.ms / scans.small.sg.ms, 1.5, 'x', 'small corpus: aireg scan (all rules, whole process) / ast-grep scan -j 1');
    target('issue2.analysis_vs_parse_only', scans.small.inproc.modes.full.ms / scans.small.inproc.modes['parse-only'].ms, 1.3, 'x', 'small corpus: in-process analysis (all rules) / parse-only');
  }
  if (scans.large && !scans.large.unfinished) {
    target('issue6.scan_vs_astgrep', scans.large.full.ms / scans.large.sg.ms, 1.5, 'x', '1M+-line corpus: aireg scan / ast-grep scan -j 1');
    target('issue6.full_vs_generation_only', scans.large.full.ms / scans.large.gen.ms, 1.3, 'x', '1M+-line corpus: aireg scan all rules / generation rule only (whole process)');
    target('issue6.peak_rss', scans.large.full.rssMB, 400, ' MB', '1M+-line corpus: peak RSS of aireg scan using both cores');
  }

  // 100,000 tiny files: discovery and per-file overhead dominate (kept out of the unit tests for time).
  if (!argv.includes('--no-tiny')) {
    const tiny = path.join(root, '.bench/tiny100k');
    if (!fs.existsSync(path.join(tiny, '.done'))) {
      fs.rmSync(tiny, { recursive: true, force: true });
      execFileSync('git', ['init', '-q', tiny]);
      for (let d = 0; d < 100; d++) fs.mkdirSync(path.join(tiny, `d${d}`));
      for (let i = 0; i < 100_000; i++) fs.writeFileSync(path.join(tiny, `d${i % 100}`, `f${i}.py`), `x = ${i}\n`);
      fs.writeFileSync(path.join(tiny, '.done'), '');
    }
    const t = await run(process.execPath, [cli, 'scan', tiny, '-f', 'json', '--fail-on', 'none', '--no-progress']);
    const files = JSON.parse(t.stdout).summary.files;
    fig('tiny100k.scan.wall', t.ms / 1000, 's');
    fig('tiny100k.scan.files_per_s', files / (t.ms / 1000), 'files/s');
    fig('tiny100k.scan.rss', t.rssMB, 'MB');
    fig('tiny100k.scan.files_analysed', files, 'files');
  }

  // Rescan after one file changes in the large workspace.
  const rescanCorpus = manifests.large ?? manifests.small;
  const rescan = await rescanBench({ cli, corpusDir: rescanCorpus.dir, reps: quick ? 1 : 3, fig });

  // Language server: keystroke to diagnostics, cold start.
  let lsp;
  if (!argv.includes('--no-lsp')) {
    lsp = await lspBench({ root, corpusDir: manifests.small?.dir ?? rescanCorpus.dir, quick, fig });
    // The engine's share of a keystroke, in process (what the server runs after its debounce).
    for (const f of lsp?.files ?? []) {
      const r = JSON.parse((await run(process.execPath, [path.join(buildDir, 'inproc.cjs'), '--edit', f.file, String(f.editLine), quick ? '15' : '60'])).stdout.trim());
      fig(`engine.reanalyze_${f.lines}_lines.p50`, r.p50, 'ms');
      fig(`engine.reanalyze_${f.lines}_lines.p95`, r.p95, 'ms');
      fig(`engine.reanalyze_${f.lines}_lines.incremental_parse_p50`, r.parseP50, 'ms');
    }
    const five = lsp?.files?.find((f) => f.lines === 5000);
    // New code typed into the 5,000-line file: every keystroke makes statement texts never seen
    // before, so the memos keyed by them grow; what stays after full collections must not be a
    // copy of the file per keystroke (it was, 31 MB per 100 keystrokes, until session 12).
    if (five) {
      const r = JSON.parse((await run(process.execPath, [path.join(buildDir, 'inproc.cjs'), '--typing', five.file, String(five.editLine), quick ? '150' : '400'])).stdout.trim());
      fig('engine.typing_5000_lines.p50', r.p50, 'ms');
      fig('engine.typing_5000_lines.p95', r.p95, 'ms');
      fig('engine.typing_5000_lines.heap_growth_per_100_keystrokes', r.heapGrowthPer100, 'MB');
      target('memory.typing_heap_growth_per_100_keystrokes_5000_lines', r.heapGrowthPer100, 5, ' MB', 'live heap after full collections, per 100 keystrokes of new code typed into the 5,000-line file (bounded memos only)');
    }
    // The TypeScript server on the same file and edits, for the CPU comparison the issues make.
    if (five && !quick) {
      const ts = await tsserverKeystroke({ root, file: five.file, editLine: five.editLine, edits: 20 });
      if (ts.cpuPerEdit !== undefined) {
        fig('tsserver.keystroke_5000_lines.cpu_per_edit', ts.cpuPerEdit, 'ms');
        fig('tsserver.keystroke_5000_lines.p50', ts.p50, 'ms');
        if (lsp?.cpu_5000 !== undefined) fig('lsp.keystroke_5000_lines.cpu_vs_tsserver', lsp.cpu_5000 / ts.cpuPerEdit, 'x');
      } else benchNotes.push(`tsserver: ${ts.reason}`);
    }
    // The same keystrokes while the server holds a scanned 2,000-file workspace (issue 9 asks for
    // the 5,000-line target with such a model loaded).
    const wsCorpus = manifests.large?.dir ?? manifests.small?.dir;
    const small = lsp?.files?.find((f) => f.lines === 500);
    const inWs = five && wsCorpus && !quick ? await workspaceKeystroke({ root, corpusDir: wsCorpus, editFile: five.file, warmFile: small?.file, quick, fig }) : undefined;
    target('issue9.keystroke_p95_5000_lines_2000_file_workspace', inWs?.p95 ?? NaN, 50, ' ms', inWs ? `one-character edit to fresh diagnostics, 5,000-line file, after a scan of ${inWs.files} workspace files${inWs.warmed ? ' and the 500-line keystrokes, as without a workspace' : ''}` : 'not measured (quick run or no corpus)');
    target('issue15.keystroke_p95_20000_lines', lsp?.p95_20000 ?? NaN, 100, ' ms', 'one-character edit to fresh diagnostics, 20,000-line file, through the language server');
    if (lsp?.p95_5000 !== undefined) target('issue6.keystroke_p95_5000_lines', lsp.p95_5000, 50, ' ms', 'one-character edit to fresh diagnostics, 5,000-line file, through the language server');
    else target('issue6.keystroke_p95_5000_lines', NaN, 50, ' ms', lsp?.reason ?? 'language server not measured');
  }

  fig('bench.duration', (Date.now() - started) / 1000, 's');
  fig('machine.loadavg_1min_at_end', os.loadavg()[0], '');
  const result = {
    commit,
    date: new Date().toISOString(),
    machine: info,
    rssMethod: RSS_METHOD,
    quick,
    astGrep: sgVersion,
    corpora: Object.fromEntries(Object.entries(manifests).map(([k, v]) => [k, { files: v.files, lines: v.lines, bytes: v.bytes, sources: v.sources, left_out: v.left_out }])),
    figures: Object.fromEntries(figures.map((f) => [f.name, f.value])),
    units: Object.fromEntries(figures.map((f) => [f.name, f.unit])),
    targets,
    notes: [...benchNotes, ...(rescan?.notes ?? []), ...(lsp?.notes ?? [])],
  };
  for (const n of result.notes) console.log(`NOTE ${n}`);
  console.log(`BENCH_JSON ${JSON.stringify(result)}`);
  if (!argv.includes('--no-write')) {
    writePerformanceDoc(path.join(root, 'docs/performance.md'), result);
    console.log('# recorded in docs/performance.md');
  }
}

main().catch((err) => {
  console.error(`bench: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
