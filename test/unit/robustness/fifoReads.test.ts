/**
 * Files aireg reads beside the sources, planted as FIFOs: the git user for the checklist (a `.git`
 * link file, the repository's config) and the checklist lock. Each read runs in a child process
 * with a time limit, so a read that blocks fails this test instead of hanging the suite.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO } from './helpers';

/** Runs `code` (CommonJS, sources loaded through tsx) in a child process; returns its stdout. */
function runIsolated(code: string): string {
  const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', code], { cwd: REPO, encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.error, undefined, `the child finished in time: ${String(r.error)}`);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

describe('robustness: FIFOs where aireg reads small files of its own', function () {
  this.timeout(60_000);
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-fifo-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('a FIFO as the .git link or the repository config leaves the git user name to the environment', () => {
    execFileSync('mkfifo', [path.join(root, '.git')]);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-home-'));
    try {
      const out = runIsolated(`const g = require('./src/core/checklist/gitUser'); process.stdout.write(g.resolveUserName(${JSON.stringify(root)}, { GIT_AUTHOR_NAME: 'Ada' }, ${JSON.stringify(home)}));`);
      assert.equal(out, 'Ada');
      fs.rmSync(path.join(root, '.git'));
      fs.mkdirSync(path.join(root, '.git'));
      execFileSync('mkfifo', [path.join(root, '.git', 'config')]);
      const out2 = runIsolated(`const g = require('./src/core/checklist/gitUser'); process.stdout.write(g.resolveUserName(${JSON.stringify(root)}, { GIT_AUTHOR_NAME: 'Lin' }, ${JSON.stringify(home)}));`);
      assert.equal(out2, 'Lin');
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it('a FIFO planted as the checklist lock is treated as a stale or busy lock, not read forever', () => {
    const target = path.join(root, 'checklist.json');
    execFileSync('mkfifo', [`${target}.lock`]);
    const out = runIsolated(
      `const l = require('./src/core/checklist/lock'); let r; try { r = l.withFileLock(${JSON.stringify(target)}, () => 'ran', { staleMs: 0, timeoutMs: 2000 }); } catch (e) { r = e.name; } process.stdout.write(String(r));`,
    );
    assert.ok(['ran', 'LockBusyError'].includes(out), out);
  });
});
