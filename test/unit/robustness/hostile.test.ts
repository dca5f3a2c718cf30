/**
 * Hostile inputs to the CLI and discovery (issue 14): special files named on the command line
 * or as `--config`, symbolic links out of the scanned folder, and what the CLI prints. Each
 * hang case runs the built CLI asynchronously, so a hang fails as this suite's timeout.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultConfig } from '../../../src/core/config';
import { collectFiles } from '../../../src/core/discovery';
import type { Notice } from '../../../src/core/engine';
import { CLI, FINDING_SOURCE, killRunning, runCli, write } from './hang';

describe('robustness: special files and links (CLI and discovery)', function () {
  this.timeout(30_000);
  let root: string;

  before(function () {
    if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` (npm test does) first');
  });
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-hostile-'));
  });
  afterEach(() => {
    killRunning();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('a FIFO named on the command line is skipped with a notice, not read', async () => {
    execFileSync('mkfifo', [path.join(root, 'pipe.ts')]);
    write(root, 'ok.ts', FINDING_SOURCE);
    const r = await runCli(['scan', 'pipe.ts', 'ok.ts', '-f', 'json', '--no-progress', '--fail-on', 'none'], root);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { notices: Notice[]; summary: { files: number } };
    assert.equal(report.summary.files, 1);
    assert.ok(report.notices.some((n) => n.file === 'pipe.ts' && /not a regular file/.test(n.message)), JSON.stringify(report.notices));
  });

  it('a link to /dev/zero named on the command line is skipped', async () => {
    fs.symlinkSync('/dev/zero', path.join(root, 'zero.py'));
    const r = await runCli(['scan', 'zero.py', '-f', 'json', '--no-progress', '--fail-on', 'none'], root);
    assert.equal(r.code, 0, r.stderr);
    assert.ok((JSON.parse(r.stdout) as { notices: Notice[] }).notices.some((n) => n.file === 'zero.py' && n.kind === 'not-analysed'));
  });

  it('--config naming a FIFO or /dev/zero is a configuration error, not a hang', async () => {
    execFileSync('mkfifo', [path.join(root, 'cfg.json')]);
    write(root, 'ok.ts', FINDING_SOURCE);
    for (const cfg of ['cfg.json', '/dev/zero']) {
      const r = await runCli(['scan', '.', '--config', cfg, '--no-progress'], root);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /not a regular file/);
    }
  });

  it('a symbolic link to / inside the scanned folder is not followed, and is reported once', async () => {
    write(root, 'src/a.ts', FINDING_SOURCE);
    fs.symlinkSync('/', path.join(root, 'src', 'everything'), 'dir');
    fs.symlinkSync(os.tmpdir(), path.join(root, 'tmp-link'), 'dir');
    const r = await runCli(['scan', '.', '-f', 'json', '--no-progress', '--fail-on', 'none'], root);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { notices: Notice[]; summary: { files: number } };
    assert.equal(report.summary.files, 1);
    const outside = report.notices.filter((n) => n.kind === 'outside-root');
    assert.deepEqual(outside.map((n) => n.file).sort(), ['src/everything', 'tmp-link']);
  });

  it('discovery (shared with the language server) follows links that stay inside the root', async () => {
    write(root, 'shared/util.ts', 'export const x = 1;\n');
    write(root, 'outside/secret.ts', 'export const y = 2;\n');
    const scanRoot = path.join(root, 'project');
    write(scanRoot, 'app.ts', 'export const z = 3;\n');
    fs.symlinkSync(path.join(root, 'outside'), path.join(scanRoot, 'linked-outside'), 'dir');
    fs.mkdirSync(path.join(scanRoot, 'inner'));
    fs.symlinkSync(path.join(scanRoot, 'inner'), path.join(scanRoot, 'inner-link'), 'dir');
    write(scanRoot, 'inner/b.ts', 'export const b = 1;\n');
    const notices: Notice[] = [];
    const files = await collectFiles([scanRoot], defaultConfig(), { baseDir: scanRoot, onNotice: (n) => notices.push(n) });
    assert.deepEqual(files.map((f) => f.relPath).sort(), ['app.ts', 'inner/b.ts']);
    assert.deepEqual(notices.map((n) => [n.file, n.kind]), [['linked-outside', 'outside-root']]);
  });

  it('a file argument aireg does not analyse gets a notice instead of silence', async () => {
    write(root, 'README.md', '# hi\n');
    const r = await runCli(['scan', 'README.md', '-f', 'json', '--no-progress', '--fail-on', 'none'], root);
    assert.equal(r.code, 0, r.stderr);
    const notices = (JSON.parse(r.stdout) as { notices: Notice[] }).notices;
    assert.ok(notices.some((n) => n.file === 'README.md' && n.kind === 'not-analysed'), JSON.stringify(notices));
  });

  it('names the configuration in use in text, JSON and SARIF output, and ignores an ancestor\'s outside a repository', async () => {
    const project = path.join(root, 'project');
    write(project, 'a.ts', FINDING_SOURCE);
    write(root, '.aireg.json', '{ "exclude": ["**"] }');
    const text = await runCli(['scan', '.', '--no-progress', '--fail-on', 'none'], project);
    assert.match(text.stdout, /config: none \(defaults\)/);
    const json = JSON.parse((await runCli(['scan', '.', '-f', 'json', '--no-progress', '--fail-on', 'none'], project)).stdout) as { config: string | null; summary: { files: number } };
    assert.equal(json.config, null);
    assert.equal(json.summary.files, 1, 'the ancestor folder\'s exclude does not apply');
    write(project, '.aireg.json', '{}');
    const again = JSON.parse((await runCli(['scan', '.', '-f', 'json', '--no-progress', '--fail-on', 'none'], project)).stdout) as { config: string | null };
    assert.equal(again.config, path.join(fs.realpathSync(project), '.aireg.json'));
    const sarif = JSON.parse((await runCli(['scan', '.', '-f', 'sarif', '--no-progress', '--fail-on', 'none'], project)).stdout) as { runs: { properties: { config: string } }[] };
    assert.equal(sarif.runs[0]!.properties.config, again.config);
  });

  it('a full disk never leaves a truncated report or baseline in place of a good one', async () => {
    for (let i = 0; i < 30; i++) write(root, `src/h${i}.ts`, FINDING_SOURCE);
    const good = await runCli(['baseline', '.', '-o', 'base.json', '--no-progress'], root);
    assert.equal(good.code, 0, good.stderr);
    const goodBaseline = fs.readFileSync(path.join(root, 'base.json'), 'utf8');
    fs.writeFileSync(path.join(root, 'report.sarif'), '{"good": true}\n');
    for (let i = 30; i < 60; i++) write(root, `src/h${i}.ts`, FINDING_SOURCE);
    // The limit lets the small existing files be but not the new, larger output.
    const limit = Math.ceil(goodBaseline.length / 1024) + 1;
    const failed = await runCli(['baseline', '.', '-o', 'base.json', '--no-progress'], root, { fileSizeLimitBlocks: limit });
    assert.equal(failed.code, 2, 'the failed write is reported, not claimed as written');
    assert.match(failed.stderr, /cannot write/);
    assert.equal(fs.readFileSync(path.join(root, 'base.json'), 'utf8'), goodBaseline, 'the old baseline is intact');
    assert.equal((await runCli(['scan', '.', '-f', 'sarif', '-o', 'report.sarif', '--no-progress'], root, { fileSizeLimitBlocks: limit })).code, 2);
    assert.equal(fs.readFileSync(path.join(root, 'report.sarif'), 'utf8'), '{"good": true}\n', 'the old report is intact');
    assert.deepEqual(fs.readdirSync(root).filter((f) => f.endsWith('.tmp')), [], 'no temporary file is left behind');
  });

  it('text output escapes control characters in file names, messages and reasons', async () => {
    const evil = 'evil\n\u001b[2K\u2714 0 findings in 0 files\u001b[8m.ts';
    write(root, evil, `${FINDING_SOURCE}// aireg-disable-next-line aigc-invalid-label-metadata -- ok\u001b[31m\u202e\nexport const z = { AIGC: { Label: 9 } };\n`);
    const r = await runCli(['scan', '.', '--no-progress', '--show-suppressed', '--fail-on', 'none'], root);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes('\u001b'), 'no raw escape code reaches the terminal');
    assert.ok(!r.stdout.includes('\u202e'), 'no raw bidi override either');
    assert.match(r.stdout, /evil\\x0a\\x1b\[2K/);
    const summaryLines = r.stdout.split('\n').filter((l) => /^[\u2714\u2716] /.test(l));
    assert.equal(summaryLines.length, 1, r.stdout);
    assert.match(summaryLines[0]!, /^\u2716 [1-9]/);
  });

  it('a closed stdout (`| head`) ends the CLI quietly with the scan\'s exit code', async () => {
    for (let i = 0; i < 40; i++) write(root, `src/h${i}.ts`, FINDING_SOURCE);
    for (const format of ['text', 'json', 'sarif']) {
      const r = await runCli(['scan', '.', '-f', format, '--no-progress'], root, { closeStdoutAfter: 0 });
      assert.equal(r.stderr, '', `${format}: nothing on stderr`);
      assert.equal(r.code, 1, `${format}: the findings still fail the scan`);
    }
  });
});

