/**
 * End-to-end tests of the built CLI (`node dist/cli.js`) on temporary workspaces: exit codes,
 * output formats, configuration errors, baselines, suppressions, discovery and worker threads.
 * Findings come from the real rules (rec-no-opt-out on a LightFM snippet, biometric-no-consent
 * on an insightface swap, and the suppression rule itself).
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ScanReport } from '../../src/cli/report';
import { TRIAGE_WORKER_THRESHOLD } from '../../src/cli/scan';
import type { SarifLog } from '../../src/core/sarif';
import { assertValidSarif } from './sarifSchema';

const REPO = path.resolve(__dirname, '..', '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

/** A LightFM recommender with no opt-out: one rec-no-opt-out warning on the `predict` line (5). */
const RECOMMENDER = `from lightfm import LightFM

def recommend(model, user_index, item_ids):
    model = LightFM(loss="warp")
    scores = model.predict(user_index, item_ids)
    return scores.argsort()[::-1][:10]
`;
const RECOMMENDER_LINE = 5;

/** An insightface swap with no consent check: one biometric-no-consent warning. */
const FACE_SWAP = `import insightface
from insightface.app import FaceAnalysis

analyzer = FaceAnalysis(name="buffalo_l")
swapper = insightface.model_zoo.get_model("inswapper_128.onnx")

def swap(img, source_face, target_face):
    return swapper.get(img, target_face, source_face, paste_back=True)
`;

const CLEAN = 'def add(a, b):\n    return a + b\n';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function aireg(args: string[], cwd: string, env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CI: '', ...env },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(run: Run): ScanReport {
  try {
    return JSON.parse(run.stdout) as ScanReport;
  } catch {
    throw new Error(`not JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

describe('aireg CLI (built dist/cli.js)', function () {
  this.timeout(180_000);
  let tmp: string;

  before(() => {
    const stale = !fs.existsSync(CLI) || !fs.existsSync(path.join(REPO, 'dist', 'worker.js')) || fs.statSync(CLI).mtimeMs < newestMtime(path.join(REPO, 'src'));
    if (stale) execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO, stdio: 'inherit' });
  });

  beforeEach(() => {
    // realpath: macOS-style /tmp symlinks would otherwise make expected paths differ.
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-cli-')));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function write(rel: string, text: string | Buffer): string {
    const file = path.join(tmp, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  }

  describe('usage', () => {
    it('prints the version and help with exit 0', () => {
      const v = aireg(['--version'], tmp);
      assert.equal(v.code, 0);
      assert.equal(v.stdout.trim(), VERSION);
      const h = aireg(['help'], tmp);
      assert.equal(h.code, 0);
      assert.match(h.stdout, /aireg scan \[PATH\.\.\.\]/);
      assert.match(h.stdout, /--fail-on LEVEL/);
      assert.equal(aireg([], tmp).code, 0);
    });

    const bad: [string[], RegExp][] = [
      [['scan', '--format', 'xml'], /--format must be one of text, json, sarif/],
      [['scan', '--fail-on', 'fatal'], /--fail-on must be one of info, warning, error, none/],
      [['scan', '--rules', 'aigc-missing-label,nope'], /unknown rule id "nope"/],
      [['scan', '--jobs', '0'], /--jobs must be a whole number/],
      [['scan', '--bogus'], /Unknown option '--bogus'/],
      [['scan', 'no/such/dir'], /path not found: no\/such\/dir/],
      [['lint'], /unknown command "lint"/],
      [['scan', '--baseline', 'missing.json'], /cannot read baseline missing\.json: file not found/],
      [['scan', '--output', 'a.py/report.json'], /cannot write a\.py\/report\.json/],
      [['baseline', '--format', 'json'], /--format does not apply to `aireg baseline`/],
    ];
    for (const [args, message] of bad) {
      it(`exits 2 with one message for: ${args.join(' ')}`, () => {
        write('a.py', CLEAN);
        const r = aireg(args, tmp);
        assert.equal(r.code, 2, r.stderr);
        assert.equal(r.stdout, '');
        assert.match(r.stderr, message);
        assert.match(r.stderr, /^aireg: /);
        assert.equal(r.stderr.trim().split('\n').length, 2, r.stderr);
      });
    }
  });

  describe('exit codes and text output', () => {
    it('exits 0 with a clean summary when nothing is found', () => {
      write('src/a.py', CLEAN);
      const r = aireg(['scan', '.'], tmp);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /0 findings \(0 errors, 0 warnings, 0 info\) in 1 file/);
    });

    it('shows progress only on a terminal, and never with --no-progress', function () {
      write('a.py', CLEAN);
      write('b.py', CLEAN);
      const piped = aireg(['scan'], tmp);
      assert.equal(piped.stderr, '', 'no progress on a pipe');
      // util-linux `script` gives the CLI a real pseudo-terminal.
      const tty = (args: string) => spawnSync('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} ${args}`, '/dev/null'], { cwd: tmp, encoding: 'utf8', env: { ...process.env, CI: '' } });
      const shown = tty('scan');
      assert.equal(shown.error, undefined, 'util-linux script is installed');
      assert.match(shown.stdout, /aireg \[2\/2\] b\.py/);
      assert.doesNotMatch(tty('scan --no-progress').stdout, /aireg \[\d+\/\d+\]/);
    });

    it('exits 1 on a warning and prints it stylish-style under its file', () => {
      write('svc/recommend.py', RECOMMENDER);
      const r = aireg(['scan'], tmp);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const lines = r.stdout.split('\n');
      const header = lines.indexOf('svc/recommend.py');
      assert.ok(header >= 0, r.stdout);
      assert.match(lines[header + 1]!, new RegExp(`^  ${RECOMMENDER_LINE}:\\d+  warning  .*opt-out.*Art\\. 17.*  rec-no-opt-out$`));
      assert.match(r.stdout, /✖ 1 finding \(0 errors, 1 warning, 0 info\) in 1 file/);
    });

    it('--fail-on moves the threshold', () => {
      write('recommend.py', RECOMMENDER);
      assert.equal(aireg(['scan', '--fail-on', 'error'], tmp).code, 0);
      assert.equal(aireg(['scan', '--fail-on', 'none'], tmp).code, 0);
      assert.equal(aireg(['scan', '--fail-on', 'info'], tmp).code, 1);
      assert.equal(aireg(['scan', '--fail-on', 'warning'], tmp).code, 1);
    });

    it('follows severities from .aireg.json', () => {
      write('recommend.py', RECOMMENDER);
      write('.aireg.json', '{ "rules": { "rec-no-opt-out": "error" } }');
      const r = aireg(['scan', '--fail-on', 'error', '--format', 'json'], tmp);
      assert.equal(r.code, 1);
      assert.equal(json(r).findings[0]!.severity, 'error');
      write('.aireg.json', '{ "rules": { "rec-no-opt-out": "off" } }');
      assert.equal(aireg(['scan'], tmp).code, 0);
    });

    it('--rules runs only the named rules', () => {
      write('recommend.py', RECOMMENDER);
      write('swap.py', FACE_SWAP);
      const all = json(aireg(['scan', '--format', 'json'], tmp));
      const rules = new Set(all.findings.map((f) => f.ruleId));
      assert.ok(rules.has('biometric-no-consent') && rules.has('rec-no-opt-out'), [...rules].join());
      const only = json(aireg(['scan', '--format', 'json', '--rules', 'biometric-no-consent'], tmp));
      assert.deepEqual(only.findings.map((f) => f.ruleId), ['biometric-no-consent']);
    });
  });

  describe('formats', () => {
    it('--format json is the report model', () => {
      write('svc/recommend.py', RECOMMENDER);
      write('svc/swap.py', FACE_SWAP);
      const r = aireg(['scan', '--format', 'json'], tmp);
      assert.equal(r.code, 1);
      const report = json(r);
      assert.equal(report.tool.name, 'aireg');
      assert.equal(report.tool.version, VERSION);
      assert.equal(report.root, tmp);
      // The swap is also a (face) generation call; the inventory finding is checked elsewhere.
      const review = report.findings.filter((f) => f.ruleId !== 'aigc-generation-call');
      assert.deepEqual(review.map((f) => [f.file, f.ruleId]), [['svc/recommend.py', 'rec-no-opt-out'], ['svc/swap.py', 'biometric-no-consent']]);
      const rec = review[0]!;
      assert.equal(rec.range.start.line + 1, RECOMMENDER_LINE);
      assert.match(rec.fingerprint, /^[0-9a-f]{32}$/);
      assert.ok(rec.obligations.includes('cn-ar-opt-out'));
      const info = report.findings.filter((f) => f.severity === 'info').length;
      assert.deepEqual(report.summary.findings, { error: 0, warning: 2, info, total: 2 + info });
      assert.equal(report.summary.files, 2);
      assert.equal(report.summary.failed, true);
      assert.equal(report.summary.failOn, 'warning');
    });

    it('--format sarif validates against the official schema and carries the finding', () => {
      write('svc/recommend.py', RECOMMENDER);
      const r = aireg(['scan', '--format', 'sarif'], tmp);
      assert.equal(r.code, 1);
      const log = JSON.parse(r.stdout) as SarifLog;
      assertValidSarif(log);
      const run = log.runs[0]!;
      assert.equal((run.tool.driver as { name: string }).name, 'aireg');
      assert.equal(run.results.length, 1);
      const res = run.results[0]!;
      assert.equal(res.ruleId, 'rec-no-opt-out');
      assert.equal(res.level, 'warning');
      assert.equal(res.locations[0]!.physicalLocation.artifactLocation.uri, 'svc/recommend.py');
      assert.equal(res.locations[0]!.physicalLocation.region!.startLine, RECOMMENDER_LINE);
      assert.match(res.partialFingerprints['aireg/v1']!, /^[0-9a-f]{32}$/);
      assert.equal(run.originalUriBaseIds!.SRCROOT!.uri, `file://${tmp}/`);
    });

    it('--output writes the report to a file and keeps the exit code', () => {
      write('recommend.py', RECOMMENDER);
      const r = aireg(['scan', '--format', 'sarif', '--output', 'reports/aireg.sarif'], tmp);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /wrote sarif report to reports\/aireg\.sarif/);
      const log = JSON.parse(fs.readFileSync(path.join(tmp, 'reports', 'aireg.sarif'), 'utf8')) as SarifLog;
      assertValidSarif(log);
      assert.equal(log.runs[0]!.results.length, 1);
    });
  });

  describe('configuration errors', () => {
    it('reports a broken auto-discovered .aireg.json with line:col and scans with defaults', () => {
      write('recommend.py', RECOMMENDER);
      write('.aireg.json', '{\n  "rules": {\n    "rec-no-opt-out": "off",,\n  }\n}\n');
      const r = aireg(['scan', '--format', 'json'], tmp);
      assert.equal(r.code, 1, 'defaults apply: the rule is on');
      assert.match(r.stderr, /\.aireg\.json:3:29: error: invalid JSON/);
      assert.equal(r.stderr.trim().split('\n').length, 1);
      assert.equal(json(r).findings.length, 1);
      assert.equal(json(r).configErrors[0]!.line, 3);
    });

    it('warns about unknown keys and keeps going', () => {
      write('recommend.py', RECOMMENDER);
      write('.aireg.json', '{ "rulez": {} }');
      const r = aireg(['scan'], tmp);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /\.aireg\.json:1:3: warning: unknown property "rulez"/);
    });

    it('exits 2 when an explicit --config is broken or missing', () => {
      write('recommend.py', RECOMMENDER);
      write('ci/aireg.json', '{\n  "maxFileBytes": "lots"\n}');
      const r = aireg(['scan', '--config', 'ci/aireg.json'], tmp);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /aireg\.json:2:19: error: "maxFileBytes" must be of type integer/);
      assert.equal(r.stdout, '');
      const missing = aireg(['scan', '--config', 'nope.json'], tmp);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /nope\.json:1:1: error: cannot read the configuration: file not found/);
    });

    it('uses a valid explicit --config', () => {
      write('recommend.py', RECOMMENDER);
      write('ci/aireg.json', '{ "rules": { "rec-no-opt-out": "off" } }');
      assert.equal(aireg(['scan', '--config', 'ci/aireg.json', '.'], tmp).code, 0);
    });
  });

  describe('baseline', () => {
    it('round-trips: a scan with the baseline reports no new findings, then only new ones', () => {
      write('app/recommend.py', RECOMMENDER);
      write('app/swap.py', FACE_SWAP);
      const today = json(aireg(['scan', '--format', 'json'], tmp)).findings;
      assert.ok(today.length >= 2);
      const b = aireg(['baseline', '--output', '.aireg-baseline.json'], tmp);
      assert.equal(b.code, 0, b.stderr);
      assert.match(b.stderr, new RegExp(`wrote ${today.length} fingerprint\\(s\\)`));
      const file = JSON.parse(fs.readFileSync(path.join(tmp, '.aireg-baseline.json'), 'utf8')) as { findings: { ruleId: string; fingerprint: string }[] };
      assert.deepEqual(file.findings.map((f) => f.fingerprint).sort(), today.map((f) => f.fingerprint).sort());

      const again = aireg(['scan', '--baseline', '.aireg-baseline.json', '--format', 'json'], tmp);
      assert.equal(again.code, 0, again.stdout);
      const report = json(again);
      assert.equal(report.summary.findings.total, 0);
      assert.equal(report.summary.baselined, today.length);

      const text = aireg(['scan', '--baseline', '.aireg-baseline.json'], tmp);
      assert.match(text.stdout, new RegExp(`0 findings .*; ${today.length} in baseline`));
      assert.doesNotMatch(text.stdout, /rec-no-opt-out/);

      const sarif = JSON.parse(aireg(['scan', '--baseline', '.aireg-baseline.json', '--format', 'sarif'], tmp).stdout) as SarifLog;
      assertValidSarif(sarif);
      assert.deepEqual(sarif.runs[0]!.results.map((r) => r.suppressions?.[0]?.kind), today.map(() => 'external'));

      // A new finding in another file is reported; the old ones stay quiet.
      write('app/more.py', RECOMMENDER.replace('recommend(', 'recommend_more('));
      const later = aireg(['scan', '--baseline', '.aireg-baseline.json', '--format', 'json'], tmp);
      assert.equal(later.code, 1);
      assert.deepEqual(json(later).findings.filter((f) => !f.suppression).map((f) => f.file), ['app/more.py']);
    });

    it('survives edits above a baselined finding', () => {
      write('recommend.py', RECOMMENDER);
      assert.equal(aireg(['baseline'], tmp).code, 0);
      write('recommend.py', `import os\nimport sys\n\n${RECOMMENDER}`);
      assert.equal(aireg(['scan', '--baseline', '.aireg-baseline.json'], tmp).code, 0);
    });

    it('rejects a file that is not a baseline with exit 2', () => {
      write('a.py', CLEAN);
      write('b.json', '{"runs": []}');
      const r = aireg(['scan', '--baseline', 'b.json'], tmp);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /b\.json: not an aireg baseline/);
    });
  });

  describe('suppressions', () => {
    it('a suppression with a reason hides the finding from text and exit code, and SARIF lists it', () => {
      write('recommend.py', RECOMMENDER.replace('    scores =', '    # aireg-disable-next-line rec-no-opt-out -- admin dashboard, not shown to end users\n    scores ='));
      const r = aireg(['scan'], tmp);
      assert.equal(r.code, 0, r.stdout);
      assert.doesNotMatch(r.stdout, /rec-no-opt-out/);
      assert.match(r.stdout, /; 1 suppressed/);
      const shown = aireg(['scan', '--show-suppressed'], tmp);
      assert.match(shown.stdout, /rec-no-opt-out/);
      assert.match(shown.stdout, /suppressed: admin dashboard, not shown to end users/);
      const log = JSON.parse(aireg(['scan', '--format', 'sarif'], tmp).stdout) as SarifLog;
      assertValidSarif(log);
      const s = log.runs[0]!.results[0]!.suppressions![0]!;
      assert.equal(s.kind, 'inSource');
      assert.equal(s.justification, 'admin dashboard, not shown to end users');
      assert.equal(s.location!.physicalLocation.region!.startLine, RECOMMENDER_LINE);
    });

    it('a suppression without a reason suppresses nothing and is reported', () => {
      write('recommend.py', RECOMMENDER.replace('    scores =', '    # aireg-disable-next-line rec-no-opt-out\n    scores ='));
      const r = aireg(['scan', '--format', 'json'], tmp);
      assert.equal(r.code, 1);
      const report = json(r);
      assert.deepEqual(report.findings.map((f) => [f.ruleId, f.range.start.line + 1, !!f.suppression]), [
        ['aireg-suppression-without-reason', RECOMMENDER_LINE, false],
        ['rec-no-opt-out', RECOMMENDER_LINE + 1, false],
      ]);
    });

    it('an unknown rule id in a suppression is reported', () => {
      write('recommend.py', RECOMMENDER.replace('    scores =', '    # aireg-disable-next-line rec-no-optout -- typo\n    scores ='));
      const report = json(aireg(['scan', '--format', 'json'], tmp));
      const problem = report.findings.find((f) => f.ruleId === 'aireg-suppression-without-reason');
      assert.match(problem!.message, /unknown rule id "rec-no-optout"/);
      assert.ok(report.findings.some((f) => f.ruleId === 'rec-no-opt-out' && !f.suppression));
    });
  });

  describe('discovery', () => {
    it('honours .gitignore and .airegignore', () => {
      write('.gitignore', 'ignored/\n');
      write('.airegignore', 'experiments/**\n');
      write('ignored/recommend.py', RECOMMENDER);
      write('experiments/recommend.py', RECOMMENDER);
      write('node_modules/pkg/recommend.py', RECOMMENDER);
      write('src/clean.py', CLEAN);
      const r = aireg(['scan', '--format', 'json'], tmp);
      assert.equal(r.code, 0, r.stdout);
      assert.equal(json(r).summary.files, 1);
    });

    it('counts binary, minified and over-size files instead of crashing', () => {
      write('.aireg.json', '{ "maxFileBytes": 4000 }');
      write('blob.py', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x0d, 0x0a, 0x1a, 0x00]));
      write('static/vendor.min.js', 'var a=1;');
      write('static/bundle.js', `${'var x=function(){return 1};'.repeat(1200)}\n`.slice(0, 3900));
      write('static/wide.js', `${'a+'.repeat(15000)}1;\n`);
      write('huge.py', 'x = 1\n'.repeat(1000));
      write('recommend.py', RECOMMENDER);
      const cfg = write('cfg/.aireg.json', '{ "maxFileBytes": 100000 }');
      const r = aireg(['scan', '--format', 'json'], tmp);
      assert.equal(r.code, 1, r.stderr);
      const s = json(r).summary;
      assert.deepEqual(s.skipped, { binary: 1, minified: 1, tooLarge: 2, unreadable: 0, parseTimeout: 0 });
      assert.equal(s.files, 2, 'recommend.py and bundle.js are analysed');
      const text = aireg(['scan'], tmp);
      assert.match(text.stdout, /skipped 4 files: 1 binary, 1 minified, 2 over maxFileBytes/);
      // With a larger limit the long-line file is read and recognised as minified.
      const wide = json(aireg(['scan', '--format', 'json', '--config', cfg, '.'], tmp));
      assert.equal(wide.summary.skipped.minified, 2);
    });

    it('handles paths with spaces and Chinese characters', () => {
      write('我的 项目/推荐 服务.py', RECOMMENDER);
      const r = aireg(['scan', '我的 项目', '--format', 'sarif'], tmp);
      assert.equal(r.code, 1, r.stderr);
      const log = JSON.parse(r.stdout) as SarifLog;
      assertValidSarif(log);
      const uri = log.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri;
      assert.equal(decodeURIComponent(uri), '我的 项目/推荐 服务.py');
      assert.doesNotMatch(uri, / /);
      const text = aireg(['scan', '我的 项目'], tmp);
      assert.match(text.stdout, /^我的 项目\/推荐 服务\.py$/m);
    });

    it('terminates on a symlink loop and reports each file once', () => {
      write('a/recommend.py', RECOMMENDER);
      fs.symlinkSync(tmp, path.join(tmp, 'a', 'up'), 'dir');
      fs.symlinkSync(path.join(tmp, 'a'), path.join(tmp, 'b'), 'dir');
      const r = aireg(['scan', '--format', 'json'], tmp);
      assert.equal(r.code, 1);
      assert.equal(json(r).findings.length, 1);
    });
  });

  describe('worker threads', () => {
    it('gives identical results with --jobs 1 and --jobs 2', () => {
      for (let i = 0; i < 24; i++) write(`pkg${i % 3}/mod${i}.py`, i % 4 === 0 ? RECOMMENDER : i % 4 === 1 ? FACE_SWAP : CLEAN);
      const one = json(aireg(['scan', '--format', 'json', '--jobs', '1'], tmp));
      const two = json(aireg(['scan', '--format', 'json', '--jobs', '2'], tmp));
      assert.equal(one.summary.jobs, 1);
      assert.equal(two.summary.jobs, 2);
      assert.equal(one.findings.filter((f) => f.ruleId === 'rec-no-opt-out' || f.ruleId === 'biometric-no-consent').length, 12);
      assert.deepEqual(two.findings, one.findings);
      assert.deepEqual(two.notices, one.notices);
    });

    it('hands the AI-service interfaces the triage found to the workers (--jobs 2 finds what --jobs 1 does)', () => {
      const fixture = path.join(REPO, 'test', 'fixtures', 'generation-workspace', 'java');
      const calls = (jobs: string): string[] => json(aireg(['scan', '--format', 'json', '--jobs', jobs], fixture)).findings.filter((f) => f.ruleId === 'aigc-generation-call').map((f) => `${f.file}:${f.range.start.line + 1}`);
      const one = calls('1');
      assert.ok(one.some((c) => c.endsWith('/web/TranslateController.java:25')), one.join(', '));
      assert.deepEqual(calls('2'), one);
    });

    it('triages a large tree on the workers and finds what one thread finds (AI-service interfaces included)', () => {
      // Over TRIAGE_WORKER_THRESHOLD files: the workers read and triage, the main thread decides
      // the imports and hands the proxy interfaces the workers found back to them.
      fs.cpSync(path.join(REPO, 'test', 'fixtures', 'generation-workspace', 'java'), path.join(tmp, 'java'), { recursive: true });
      for (let i = 0; i < TRIAGE_WORKER_THRESHOLD; i++) write(`clean/m${i}.py`, CLEAN);
      const one = json(aireg(['scan', '--format', 'json', '--jobs', '1'], tmp));
      const two = json(aireg(['scan', '--format', 'json', '--jobs', '2'], tmp));
      assert.ok(one.findings.some((f) => f.ruleId === 'aigc-generation-call' && f.file.endsWith('web/TranslateController.java') && f.range.start.line === 24), 'the proxy interface call is found');
      assert.equal(two.summary.files, one.summary.files);
      assert.deepEqual(two.findings, one.findings);
      assert.deepEqual(two.notices, one.notices);
    });

    it('redoes the batches of a worker that ran out of memory on a worker without the limit', () => {
      for (let i = 0; i < TRIAGE_WORKER_THRESHOLD; i++) write(`src/m${i}.py`, i % 100 === 0 ? RECOMMENDER : i % 100 === 1 ? FACE_SWAP : CLEAN);
      const one = json(aireg(['scan', '--format', 'json', '--jobs', '1'], tmp));
      // A 2 MB heap cannot even load the analysis: every limited worker fails and is replaced.
      const starved = aireg(['scan', '--format', 'json', '--jobs', '2'], tmp, { AIREG_WORKER_HEAP_MB: '2' });
      assert.equal(starved.code, one.findings.length ? 1 : 0, starved.stderr);
      assert.equal(one.findings.filter((f) => f.ruleId === 'rec-no-opt-out' || f.ruleId === 'biometric-no-consent').length, 20);
      assert.deepEqual(json(starved).findings, one.findings);
    });

    it('uses all cores when a large tree has many files to parse', () => {
      for (let i = 0; i < 210; i++) write(`src/m${String(i).padStart(3, '0')}.py`, RECOMMENDER);
      const r = json(aireg(['scan', '--format', 'json'], tmp));
      assert.equal(r.summary.files, 210);
      assert.equal(r.summary.jobs, Math.min(os.availableParallelism(), Math.ceil(210 / 16)));
      assert.equal(new Set(r.findings.map((f) => f.file)).size, 210);
    });

    it('stays on one thread when most of a large tree needs no parse', () => {
      for (let i = 0; i < 210; i++) write(`src/m${String(i).padStart(3, '0')}.py`, i === 7 ? RECOMMENDER : CLEAN);
      const r = json(aireg(['scan', '--format', 'json'], tmp));
      assert.equal(r.summary.files, 210);
      assert.equal(r.summary.jobs, 1);
      assert.deepEqual(r.findings.map((f) => f.file), ['src/m007.py']);
    });
  });

  describe('generation calls', () => {
    /** OpenAI chat calls whose results only return to an unknown caller: inventory findings, no sink. */
    const GENERATION = `from openai import OpenAI

client = OpenAI()
prompt_prefix = "请用中文回答："; resp = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])


def ask(question):
    answer = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": question}],
    )
    return answer
`;

    it('reports OpenAI calls as info findings with provider, modality and api', () => {
      write('svc/chat.py', GENERATION);
      const r = aireg(['scan', '--format', 'json'], tmp);
      assert.equal(r.code, 0, 'info does not fail the default threshold');
      const gen = json(r).findings.filter((f) => f.ruleId === 'aigc-generation-call');
      assert.deepEqual(gen.map((f) => [f.range.start.line + 1, f.severity, f.generation]), [
        [4, 'info', { provider: 'openai', modality: 'text', api: 'chat.completions.create' }],
        [8, 'info', { provider: 'openai', modality: 'text', api: 'chat.completions.create' }],
      ]);
      // UTF-16 columns: the Chinese text before the call counts one unit per character, and the
      // offsets, line and column all point at the same callee text.
      const g = gen[0]!;
      const lineStart = GENERATION.split('\n').slice(0, 3).join('\n').length + 1;
      assert.equal(g.range.start.character, g.range.startOffset - lineStart);
      assert.match(GENERATION.slice(g.range.startOffset, g.range.endOffset), /create/);
      assert.ok(g.range.start.character >= GENERATION.split('\n')[3]!.indexOf('client.chat'));
      assert.equal(aireg(['scan', '--fail-on', 'info'], tmp).code, 1);
    });

    it('writes generation details into SARIF properties with 1-based UTF-16 columns', () => {
      write('svc/chat.py', GENERATION);
      const report = json(aireg(['scan', '--format', 'json'], tmp));
      const log = JSON.parse(aireg(['scan', '--format', 'sarif'], tmp).stdout) as SarifLog;
      assertValidSarif(log);
      const results = log.runs[0]!.results.filter((x) => x.ruleId === 'aigc-generation-call');
      assert.equal(results.length, 2);
      assert.equal(results[0]!.level, 'note');
      const first = report.findings.find((f) => f.ruleId === 'aigc-generation-call')!;
      assert.deepEqual(
        { provider: results[0]!.properties.provider, modality: results[0]!.properties.modality, api: results[0]!.properties.api, confidence: results[0]!.properties.confidence },
        { provider: 'openai', modality: 'text', api: 'chat.completions.create', confidence: first.confidence },
      );
      assert.ok((results[0]!.properties.obligations as string[]).includes('cn-gai-label'));
      assert.deepEqual(results[0]!.locations[0]!.physicalLocation.region, {
        startLine: first.range.start.line + 1,
        startColumn: first.range.start.character + 1,
        endLine: first.range.end.line + 1,
        endColumn: first.range.end.character + 1,
      });
    });

    it('a reasoned suppression silences a generation call and a baseline round trip covers the rest', () => {
      write('svc/chat.py', GENERATION.replace('    answer =', '    # aireg-disable-next-line aigc-generation-call -- internal grading, never shown\n    answer ='));
      const report = json(aireg(['scan', '--format', 'json', '--fail-on', 'info'], tmp));
      const gen = report.findings.filter((f) => f.ruleId === 'aigc-generation-call');
      assert.deepEqual(gen.map((f) => f.suppression?.kind), [undefined, 'inSource']);
      assert.equal(aireg(['scan', '--fail-on', 'info'], tmp).code, 1);
      assert.equal(aireg(['baseline'], tmp).code, 0);
      assert.equal(aireg(['scan', '--fail-on', 'info', '--baseline', '.aireg-baseline.json'], tmp).code, 0);
    });
  });

  describe('demo workspace', () => {
    it('`scan demo --fail-on none` exits 0 and reports the demo findings', () => {
      const r = aireg(['scan', 'demo', '--fail-on', 'none', '--format', 'json'], REPO);
      assert.equal(r.code, 0, r.stderr);
      const report = json(r);
      assert.equal(report.root, path.join(REPO, 'demo'));
      assert.deepEqual(report.configErrors, []);
      const byRule = (id: string) => report.findings.filter((f) => f.ruleId === id).map((f) => f.file);
      // Other demo files grow with the rules; these two are the CLI's own anchors.
      assert.ok(byRule('rec-no-opt-out').includes('ml/app/recommend.py'), JSON.stringify(report.findings.map((f) => [f.ruleId, f.file])));
      assert.ok(byRule('biometric-no-consent').includes('ml/app/faceswap.py'));
      assert.ok(byRule('aigc-generation-call').includes('web/app/api/chat/route.ts'));
      assert.ok(byRule('aigc-generation-call').includes('web/lib/deepseek.ts'));
      assert.ok(byRule('aigc-missing-label').includes('web/app/api/chat/route.ts'));
      assert.ok(byRule('aigc-missing-label').includes('web/app/api/image/route.ts'));
      assert.ok(!byRule('aigc-missing-label').includes('web/app/api/poster/route.ts'), 'the labeled poster path is quiet');
      const graded = report.findings.filter((f) => f.file === 'web/lib/draft.ts' && f.ruleId === 'aigc-generation-call');
      assert.deepEqual(graded.map((f) => f.suppression?.kind), [undefined, 'inSource']);
      for (const f of report.findings) assert.ok(fs.existsSync(path.join(REPO, 'demo', f.file)), f.file);
      assert.equal(report.summary.failed, false);
    });
  });
});
