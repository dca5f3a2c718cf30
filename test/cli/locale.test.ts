/**
 * The CLI's text report in the display language: `--locale zh-cn` and a Chinese system locale give
 * the same one-line Chinese messages the editor shows (from the extension's l10n bundle), naming the
 * article in Chinese; English stays the default. JSON keeps the rules' full text.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveLocale } from '../../src/cli/locale';

const REPO = path.resolve(__dirname, '../..');
const CLI = path.join(REPO, 'dist', 'cli.js');
const APP = path.join(REPO, 'test', 'fixtures', 'e2e-workspace');

function run(args: string[], env: NodeJS.ProcessEnv): string {
  const r = spawnSync(process.execPath, [CLI, 'scan', APP, '--fail-on', 'none', ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', LC_ALL: '', LC_MESSAGES: '', LANG: 'C.UTF-8', ...env }, timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe('CLI locale', function () {
  this.timeout(120_000);
  before(function () {
    if (!fs.existsSync(CLI)) execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO, stdio: 'inherit' });
  });

  it('resolves --locale first, then LC_ALL, LC_MESSAGES and LANG', function () {
    assert.equal(resolveLocale('zh-cn', { LANG: 'en_US.UTF-8' }), 'zh');
    assert.equal(resolveLocale(undefined, { LANG: 'zh_CN.UTF-8' }), 'zh');
    assert.equal(resolveLocale(undefined, { LC_ALL: 'en_GB.UTF-8', LANG: 'zh_CN.UTF-8' }), 'en');
    assert.equal(resolveLocale('en', { LANG: 'zh_CN.UTF-8' }), 'en');
  });

  it('prints Chinese one-line messages and summary with --locale zh-cn', function () {
    const out = run(['--locale', 'zh-cn'], {});
    assert.match(out, /生成的文本被返回时未带 AI 生成标识（《标识办法》第四条）\s+aigc-missing-label/);
    assert.match(out, /个问题（\d+ 个错误/);
    assert.doesNotMatch(out, /Generated text/);
  });

  it('follows a Chinese system locale, and English by default', function () {
    assert.match(run([], { LANG: 'zh_CN.UTF-8' }), /生成的文本/);
    const en = run([], {});
    assert.match(en, /Generated text is returned without an AI-generated label \(Labeling Measures, Art\. 4\)/);
    for (const line of en.split('\n')) assert.ok(line.length < 200, `one short line per finding: ${line}`);
  });
});
