/**
 * Every rule runs under a per-file time budget enforced by the engine (issue 15): a rule that
 * never stops is stopped and named in a `rule-timeout` notice, whether it loops on `report`, on
 * tree-sitter queries or on its own checked loop. Each case runs in a child process, so a
 * regression fails by this suite's timeout instead of freezing mocha.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { Notice } from '../../../src/core/engine';
import { REPO } from './helpers';

const RUNNER = path.join(__dirname, 'ruleBudgetRunner.ts');

function run(kind: string): Promise<{ notices: Notice[]; findings: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', RUNNER, kind], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as { notices: Notice[]; findings: number }) : reject(new Error(`runner ${kind} exited ${code}: ${err}`))));
  });
}

describe('robustness: per-rule time budget', function () {
  this.timeout(30_000);

  for (const kind of ['report-forever', 'query-forever', 'own-loop']) {
    it(`stops a rule that never ends (${kind}) and names the file and the rule`, async () => {
      const r = await run(kind);
      const timeouts = r.notices.filter((n) => n.kind === 'rule-timeout');
      assert.equal(timeouts.length, 1, JSON.stringify(r.notices));
      assert.equal(timeouts[0]!.file, 'budget.ts');
      assert.match(timeouts[0]!.message, /aigc-missing-label was stopped/);
    });
  }

  it('keeps the findings of a rule that overran but finished, with a notice', async () => {
    const r = await run('slow-finish');
    assert.equal(r.findings, 1);
    assert.ok(r.notices.some((n) => n.kind === 'rule-timeout' && /took \d+ ms, over its budget/.test(n.message)), JSON.stringify(r.notices));
  });
});
