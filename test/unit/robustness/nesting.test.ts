/**
 * Deeply nested JSON in the files aireg reads from a workspace (`.aireg.json`, the checklist)
 * becomes a positioned error, never a stack overflow in the CLI, the language server or a panel.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChecklistSession, parseChecklist, salvageChecklist } from '../../../src/core/checklist';
import { loadConfig, parseConfigText } from '../../../src/core/configLoader';
import { findTooDeep } from '../../../src/core/jsonDepth';
import { killRunning, runCli } from './hang';

const deep = (n: number): string => `{ "roles": ${'['.repeat(n)}${']'.repeat(n)} }`;

describe('robustness: deep nesting', function () {
  this.timeout(30_000);
  afterEach(killRunning);

  it('an 8,000-level .aireg.json is a config error with defaults, in process', () => {
    const r = parseConfigText(deep(8000), '.aireg.json');
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0]!.message, /nested more than 64 levels/);
    assert.equal(r.errors[0]!.line, 1);
    assert.deepEqual(r.config.roles, ['service-provider']);
  });

  it('the CLI reports it as a configuration error (exit 2 with --config), not an internal error', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-deep-'));
    fs.writeFileSync(path.join(dir, '.aireg.json'), deep(8000));
    fs.writeFileSync(path.join(dir, 'a.ts'), 'export const a = 1;\n');
    const auto = await runCli(['scan', '.', '--no-progress', '-f', 'json'], dir);
    assert.equal(auto.code, 0, auto.stderr);
    assert.match(auto.stderr, /nested more than 64 levels/);
    const explicit = await runCli(['scan', '.', '--no-progress', '--config', '.aireg.json'], dir);
    assert.equal(explicit.code, 2);
    assert.doesNotMatch(explicit.stderr, /internal error/);
    assert.equal(loadConfig(dir).errors.length, 1, 'the language server loads it the same way');
  });

  it('a deeply nested checklist.json is a broken file (banner), not an exception', () => {
    const text = `{ "version": 1, "items": { "a": ${'['.repeat(8000)}${']'.repeat(8000)} } }`;
    const r = parseChecklist(text);
    assert.equal(r.ok, false);
    assert.ok(!r.ok && /nested more than/.test(r.error.message));
    assert.deepEqual(salvageChecklist(text).items, {});
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-deep-'));
    fs.mkdirSync(path.join(dir, '.aireg'));
    fs.writeFileSync(path.join(dir, '.aireg', 'checklist.json'), text);
    const s = new ChecklistSession(path.join(dir, '.aireg', 'checklist.json'), () => 'Me');
    assert.ok(s.load().error, 'the session reports a broken file');
  });

  it('depth counting ignores brackets in strings and comments', () => {
    assert.equal(findTooDeep(`{ "a": "${'['.repeat(100)}" }`, 64), -1);
    assert.equal(findTooDeep(`// ${'['.repeat(100)}\n{}`, 64), -1);
    assert.equal(findTooDeep(`/* ${'{'.repeat(100)} */ {}`, 64), -1);
    assert.equal(findTooDeep('['.repeat(65), 64), 64);
  });
});
