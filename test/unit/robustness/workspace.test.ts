/**
 * Workspace edge cases a real scan meets: special files, loops, permissions, files that change
 * or vanish while the scan runs, many files (100,000 in `npm run bench`), and names in any
 * script. Discovery and the scan pipeline run in process; the end-to-end cases run the built
 * CLI (dist/cli.js, built by `npm test` before mocha) as CI would.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeFiles } from '../../../src/cli/scan';
import { defaultConfig } from '../../../src/core/config';
import { collectFiles, discoverFiles } from '../../../src/core/discovery';
import type { Notice } from '../../../src/core/engine';
import { REPO } from './helpers';

const CLI = path.join(REPO, 'dist', 'cli.js');

/** A file the current rules report (GB 45438 field errors), so end-to-end scans have findings. */
const FINDING_SOURCE = `export function aigcHeader(id: string): string {
  const aigc = {
    Label: 1,
    ContentProducer: '91310000MA1FL0XXXX',
    ProduceId: id,
  };
  return JSON.stringify({ AIGC: aigc });
}
`;

function write(root: string, rel: string, text = 'x = 1\n'): string {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], cwd: string): CliRun {
  // A time limit turns a hang (a FIFO read, a symlink loop) into a failed test instead of a stuck CI.
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.error, undefined, `the CLI ran to completion: ${String(r.error)}`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('robustness: workspace edge cases', function () {
  this.timeout(120_000);
  let root: string;

  before(function () {
    if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` (npm test does) first');
  });
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-ws-'));
  });
  afterEach(() => {
    // Give back permissions taken away by a test so the folder can be removed; `rm -rf` is
    // faster than fs.rmSync on the many-file tree.
    spawnSync('chmod', ['u+rwx', root, path.join(root, 'locked'), path.join(root, 'secret.py')]);
    spawnSync('rm', ['-rf', root]);
  });

  it('a hostile tree (symlink loops, dangling link, FIFO, folder named like a source file) scans to completion with workers', () => {
    write(root, 'src/header.ts', FINDING_SOURCE);
    for (let i = 0; i < 40; i++) write(root, `src/many/f${i}.py`, `def f${i}():\n    return ${i}\n`);
    fs.symlinkSync(root, path.join(root, 'src', 'loop-to-root'), 'dir');
    fs.symlinkSync(path.join(root, 'src'), path.join(root, 'src', 'many', 'loop-to-src'), 'dir');
    fs.symlinkSync(path.join(root, 'nowhere.ts'), path.join(root, 'dangling.ts'));
    execFileSync('mkfifo', [path.join(root, 'pipe.ts')]);
    fs.symlinkSync(path.join(root, 'pipe.ts'), path.join(root, 'link-to-pipe.py'));
    fs.mkdirSync(path.join(root, 'folder.ts'));
    write(root, 'folder.ts/inner.go', 'package inner\n');
    const r = cli(['scan', '.', '-f', 'json', '--jobs', '2', '--no-progress', '--fail-on', 'none'], root);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { findings: { file: string }[]; summary: { files: number } };
    // header.ts, 40 Python files and folder.ts/inner.go, each exactly once.
    assert.equal(report.summary.files, 42);
    assert.ok(report.findings.some((f) => f.file === 'src/header.ts'), 'the real finding is reported');
    assert.ok(report.findings.every((f) => !f.file.includes('loop-to')), 'nothing is reported twice through a loop');
  });

  it('FIFOs named like the files aireg reads beside the sources (.gitignore, .airegignore, go.mod, tsconfig.json) do not hang a scan', () => {
    for (const name of ['.gitignore', '.airegignore', 'go.mod', 'tsconfig.json']) execFileSync('mkfifo', [path.join(root, name)]);
    write(root, 'main.go', 'package main\n\nimport "example.com/m/app"\n\nfunc main() { app.Run() }\n');
    write(root, 'app/app.go', 'package app\n\nfunc Run() {}\n');
    // A path-mapped import makes the workspace model read tsconfig.json.
    write(root, 'web/page.ts', "import { x } from '@/lib/x';\n" + FINDING_SOURCE);
    const r = cli(['scan', '.', '-f', 'json', '--no-progress', '--fail-on', 'none'], root);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { findings: { file: string }[]; notices: { file: string; message: string }[] };
    assert.ok(report.findings.some((f) => f.file === 'web/page.ts'), 'the real finding is reported');
    for (const name of ['.gitignore', '.airegignore']) {
      assert.ok(report.notices.some((n) => n.file === name && /not a regular file/.test(n.message)), `${name} is named as unreadable: ${JSON.stringify(report.notices)}`);
    }
  });

  it('paths with spaces and Chinese characters round-trip through JSON and SARIF', () => {
    write(root, '我的 项目/标签 头.ts', FINDING_SOURCE);
    write(root, 'a b/c d.py', 'print("你好")\n');
    const json = JSON.parse(cli(['scan', '.', '-f', 'json', '--no-progress', '--fail-on', 'none'], root).stdout) as { findings: { file: string }[]; summary: { files: number } };
    assert.equal(json.summary.files, 2);
    assert.ok(json.findings.length > 0);
    assert.ok(json.findings.every((f) => f.file === '我的 项目/标签 头.ts'), JSON.stringify(json.findings.map((f) => f.file)));
    const sarif = JSON.parse(cli(['scan', '.', '-f', 'sarif', '--no-progress', '--fail-on', 'none'], root).stdout) as {
      runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    const uris = sarif.runs[0]!.results.map((x) => x.locations[0]!.physicalLocation.artifactLocation.uri);
    assert.ok(uris.length > 0);
    for (const uri of uris) {
      assert.ok(!/[\s\u4e00-\u9fff]/.test(uri), `SARIF uri is percent-encoded: ${uri}`);
      assert.equal(decodeURIComponent(uri), '我的 项目/标签 头.ts');
    }
  });

  it('a repository without .gitignore is scanned, with the default folder skips still applied', () => {
    execFileSync('git', ['init', '-q', root]);
    write(root, 'app/header.ts', FINDING_SOURCE);
    write(root, 'node_modules/pkg/index.js', 'module.exports = 1;\n');
    write(root, 'dist/bundle.js', 'var a = 1;\n');
    assert.ok(!fs.existsSync(path.join(root, '.gitignore')));
    const r = cli(['scan', '.', '-f', 'json', '--no-progress'], root);
    const report = JSON.parse(r.stdout) as { findings: { file: string }[]; summary: { files: number } };
    assert.equal(report.summary.files, 1);
    assert.equal(r.code, 1, 'the findings fail the scan at the default threshold');
  });

  it('unreadable files and folders: a notice as a normal user, analysed as root (who can read them)', async () => {
    write(root, 'ok.py', 'x = 1\n');
    const secretFile = write(root, 'secret.py', 'y = 2\n');
    const secretDir = path.join(root, 'locked');
    write(root, 'locked/inner.py', 'z = 3\n');
    fs.chmodSync(secretFile, 0o000);
    fs.chmodSync(secretDir, 0o000);
    const notices: Notice[] = [];
    const files = await collectFiles([root], defaultConfig(), { baseDir: root, onNotice: (n) => notices.push(n) });
    const { results } = await analyzeFiles(files, { config: defaultConfig(), jobs: 1 });
    const all = [...notices, ...results.flatMap((x) => x.notices)];
    let canRead = true;
    try {
      fs.readFileSync(secretFile);
    } catch {
      canRead = false;
    }
    if (canRead) {
      // Running as root (CI does): permissions do not stop the read, so all three are analysed.
      assert.deepEqual(results.map((x) => x.file).sort(), ['locked/inner.py', 'ok.py', 'secret.py']);
      assert.equal(all.filter((n) => n.kind === 'read-error').length, 0);
    } else {
      assert.deepEqual(results.filter((x) => x.notices.length === 0).map((x) => x.file), ['ok.py']);
      const unreadable = all.filter((n) => n.kind === 'read-error').map((n) => n.file).sort();
      assert.deepEqual(unreadable, ['locked', 'secret.py']);
    }
  });

  it('files deleted, emptied, made binary or replaced by a folder after discovery become notices, not crashes', async () => {
    write(root, 'a_keep.ts', FINDING_SOURCE);
    write(root, 'b_deleted.ts', FINDING_SOURCE);
    write(root, 'c_binary.py', 'x = 1\n');
    write(root, 'd_dir.go', 'package d\n');
    write(root, 'e_emptied.ts', FINDING_SOURCE);
    const files = await collectFiles([root], defaultConfig(), { baseDir: root });
    assert.equal(files.length, 5);
    fs.rmSync(path.join(root, 'b_deleted.ts'));
    fs.writeFileSync(path.join(root, 'c_binary.py'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 3]));
    fs.rmSync(path.join(root, 'd_dir.go'));
    fs.mkdirSync(path.join(root, 'd_dir.go'));
    fs.writeFileSync(path.join(root, 'e_emptied.ts'), '');
    const { results } = await analyzeFiles(files, { config: defaultConfig(), jobs: 1 });
    const byFile = new Map(results.map((x) => [x.file, x]));
    assert.equal(results.length, 5);
    assert.ok(byFile.get('a_keep.ts')!.findings.length > 0, 'unaffected files keep their findings');
    assert.deepEqual(byFile.get('b_deleted.ts')!.notices.map((n) => n.kind), ['read-error']);
    assert.deepEqual(byFile.get('c_binary.py')!.notices.map((n) => n.kind), ['binary']);
    assert.deepEqual(byFile.get('d_dir.go')!.notices.map((n) => n.kind), ['read-error']);
    assert.deepEqual(byFile.get('e_emptied.ts')!.findings, [], 'an emptied file has nothing to report');
  });

  it('a file grown past maxFileBytes after discovery gets the too-large notice, not a whole read', async () => {
    write(root, 'a_keep.ts', FINDING_SOURCE);
    write(root, 'b_grown.py', 'x = 1\n');
    const config = { ...defaultConfig(), maxFileBytes: 4096 };
    const files = await collectFiles([root], config, { baseDir: root });
    assert.equal(files.length, 2);
    fs.writeFileSync(path.join(root, 'b_grown.py'), 'x = 1\n'.repeat(2000));
    const { results } = await analyzeFiles(files, { config, jobs: 1 });
    const byFile = new Map(results.map((x) => [x.file, x]));
    assert.deepEqual(byFile.get('b_grown.py')!.notices.map((n) => n.kind), ['too-large']);
    // Decided from the file's size before reading it, not from the text after a whole read.
    assert.match(byFile.get('b_grown.py')!.notices[0]!.message, /12000 bytes exceeds maxFileBytes 4096/);
    assert.ok(byFile.get('a_keep.ts')!.findings.length > 0);
  });

  it('a cancelled scan stops starting files and returns the results it has', async () => {
    for (let i = 0; i < 12; i++) write(root, `f${String(i).padStart(2, '0')}.ts`, FINDING_SOURCE);
    const files = await collectFiles([root], defaultConfig(), { baseDir: root });
    const abort = new AbortController();
    const seen: string[] = [];
    const { results } = await analyzeFiles(files, {
      config: defaultConfig(),
      signal: abort.signal,
      onResult: (r) => {
        seen.push(r.file);
        if (seen.length === 3) abort.abort();
      },
    });
    assert.ok(results.length >= 3 && results.length < files.length, `${results.length} of ${files.length} files`);
    assert.deepEqual(results.map((r) => r.file).sort(), [...seen].sort(), 'every result returned was reported as it came');
    assert.ok(results.every((r) => r.findings.length > 0));
  });

  it('a folder removed while discovery walks the tree becomes a notice and the walk goes on', async () => {
    write(root, 'a/first.py');
    for (let i = 0; i < 5; i++) write(root, `m/f${i}.py`);
    write(root, 'z/last.py');
    const notices: Notice[] = [];
    const seen: string[] = [];
    for await (const f of discoverFiles([root], defaultConfig(), { baseDir: root, onNotice: (n) => notices.push(n) })) {
      seen.push(f.relPath);
      // The root's entries are already listed when the first file arrives; `m` vanishes before its turn.
      if (f.relPath === 'a/first.py') fs.rmSync(path.join(root, 'm'), { recursive: true });
    }
    assert.deepEqual(seen, ['a/first.py', 'z/last.py']);
    assert.ok(notices.some((n) => n.kind === 'read-error' && n.file === 'm'), JSON.stringify(notices));
  });

  it('10,000 tiny files are each discovered exactly once', async function () {
    // Creating and removing 100,000 files took minutes on a busy CI disk, so the unit test uses
    // 10,000 and `npm run bench` scans 100,000 (`tiny100k.*`) with the CLI.
    const N = 10_000;
    const many = path.join(root, 'many');
    for (let d = 0; d < 100; d++) fs.mkdirSync(path.join(many, `d${d}`), { recursive: true });
    for (let i = 0; i < N; i++) fs.writeFileSync(path.join(many, `d${i % 100}`, `f${i}.py`), `x = ${i}\n`);
    let count = 0;
    const names = new Set<string>();
    for await (const f of discoverFiles([many], defaultConfig(), { baseDir: many })) {
      count++;
      names.add(f.relPath);
    }
    assert.equal(count, N);
    assert.equal(names.size, N);
  });
});
