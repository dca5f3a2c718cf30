/**
 * Restricted Mode: an untrusted `.aireg.json` must not be able to hide findings. Every setting
 * that can only reduce what is reported is ignored (and named), stricter ones still apply.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ScanCache, cacheKey, cacheSecret } from '../../../src/core/cache';
import { userCacheDir } from '../../../src/core/cacheDir';
import { DEFAULT_CONFIG, defaultConfig } from '../../../src/core/config';
import { CONFIG_FILE_NAME, findConfigDir, parseConfigText } from '../../../src/core/configLoader';
import { collectFiles } from '../../../src/core/discovery';
import { mergeConfig } from '../../../src/server/config';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';

const HOSTILE = JSON.stringify({
  maxFileBytes: 1,
  exclude: ['**'],
  include: ['nothing/**'],
  labelFunctions: ['json', 'print'],
  optOutChecks: ['len'],
  consentChecks: ['str'],
  roles: ['deployer'],
  jurisdictions: ['EU'],
  rules: { 'aigc-missing-label': 'off' },
});

describe('robustness: Restricted Mode configuration', () => {
  it('ignores every .aireg.json setting that could only reduce findings, and names each', () => {
    const file = parseConfigText(HOSTILE, '.aireg.json');
    assert.deepEqual(file.errors, []);
    const merged = mergeConfig(file.config, { ...DEFAULT_SETTINGS }, false);
    const c = merged.config;
    assert.equal(c.maxFileBytes, DEFAULT_CONFIG.maxFileBytes);
    assert.deepEqual(c.exclude, []);
    assert.deepEqual(c.include, []);
    assert.deepEqual(c.labelFunctions, []);
    assert.deepEqual(c.optOutChecks, []);
    assert.deepEqual(c.consentChecks, []);
    // Roles and jurisdictions may add to the defaults, never drop one.
    for (const r of DEFAULT_CONFIG.roles) assert.ok(c.roles.includes(r), `role ${r} kept`);
    assert.ok(c.roles.includes('deployer'));
    assert.deepEqual([...c.jurisdictions].sort(), ['CN', 'EU']);
    assert.equal(c.rules['aigc-missing-label'], undefined);
    for (const key of ['maxFileBytes', 'exclude', 'include', 'labelFunctions', 'optOutChecks', 'consentChecks', 'roles', 'jurisdictions', 'aigc-missing-label']) {
      assert.ok(merged.ignoredInRestrictedMode.includes(key), `${key} is named as ignored: ${merged.ignoredInRestrictedMode.join(', ')}`);
    }
  });

  it('ignores terminalExits: false in an untrusted folder but keeps the rule object\'s stricter keys', () => {
    const text = JSON.stringify({ rules: { 'aigc-missing-label': { severity: 'error', terminalExits: false, exits: [{ kind: 'http', callee: '^publish$' }] } } });
    const file = parseConfigText(text, '.aireg.json');
    assert.deepEqual(file.errors, []);
    const untrusted = mergeConfig(file.config, { ...DEFAULT_SETTINGS }, false);
    const setting = untrusted.config.rules['aigc-missing-label'];
    assert.ok(typeof setting === 'object');
    assert.equal(setting.terminalExits, undefined);
    assert.equal(setting.severity, 'error');
    assert.equal(setting.exits?.length, 1);
    assert.deepEqual(untrusted.ignoredInRestrictedMode, ['aigc-missing-label.terminalExits']);
    const trusted = mergeConfig(file.config, { ...DEFAULT_SETTINGS }, true);
    const kept = trusted.config.rules['aigc-missing-label'];
    assert.ok(typeof kept === 'object' && kept.terminalExits === false);
  });

  it('keeps stricter settings: a larger size limit and a raised severity', () => {
    const file = parseConfigText(JSON.stringify({ maxFileBytes: 8 * 1024 * 1024, rules: { 'aigc-missing-label': 'error' } }), '.aireg.json');
    const merged = mergeConfig(file.config, { ...DEFAULT_SETTINGS }, false);
    assert.equal(merged.config.maxFileBytes, 8 * 1024 * 1024);
    assert.equal(merged.config.rules['aigc-missing-label'], 'error');
    assert.deepEqual(merged.ignoredInRestrictedMode, []);
  });

  it('applies everything in a trusted workspace', () => {
    const file = parseConfigText(HOSTILE, '.aireg.json');
    const merged = mergeConfig(file.config, { ...DEFAULT_SETTINGS }, true);
    assert.equal(merged.config.maxFileBytes, 1);
    assert.deepEqual(merged.config.labelFunctions, ['json', 'print']);
    assert.deepEqual(merged.ignoredInRestrictedMode, []);
    assert.deepEqual(defaultConfig().exclude, []);
  });
});

describe('robustness: Restricted Mode workspace scan', () => {
  it('discovery can leave .airegignore out (the server does so for an untrusted folder)', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-untrusted-'));
    fs.writeFileSync(path.join(root, 'a.ts'), 'export const a = 1;\n');
    fs.writeFileSync(path.join(root, '.airegignore'), 'a.ts\n');
    const trusted = await collectFiles([root], defaultConfig(), { baseDir: root });
    const untrusted = await collectFiles([root], defaultConfig(), { baseDir: root, ignoreFiles: ['.gitignore'] });
    assert.deepEqual(trusted.map((f) => f.relPath), []);
    assert.deepEqual(untrusted.map((f) => f.relPath), ['a.ts']);
  });
});

describe('robustness: which .aireg.json applies', () => {
  it('outside a repository only the scanned folder\'s own file applies, never an ancestor\'s', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-cfg-'));
    fs.mkdirSync(path.join(dir, 'plain', 'project'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'plain', CONFIG_FILE_NAME), '{ "exclude": ["**"] }');
    assert.equal(findConfigDir(path.join(dir, 'plain', 'project')), undefined);
    fs.writeFileSync(path.join(dir, 'plain', 'project', CONFIG_FILE_NAME), '{}');
    assert.equal(findConfigDir(path.join(dir, 'plain', 'project')), path.join(dir, 'plain', 'project'));
  });
});

describe('robustness: a planted scan cache', () => {
  const entry = { hash: 'h', result: { file: 'a.ts', findings: [], notices: [], parseMs: 0, analyzeMs: 0 } };

  it('a cache file not signed with the user\'s secret answers nothing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-plant-'));
    const file = path.join(dir, 'scan-cache.json');
    const key = cacheKey(['public', 'inputs']);
    // What an attacker can compute from public inputs, in the old and the current layout.
    for (const planted of [{ format: 1, key, entries: { 'a.ts': entry } }, { format: 2, key, mac: '0'.repeat(64), entries: { 'a.ts': entry } }]) {
      fs.writeFileSync(file, JSON.stringify(planted));
      const cache = ScanCache.load(file, key, 'f'.repeat(64));
      assert.equal(cache.lookup('a.ts', 'h'), undefined, `format ${planted.format} is not trusted`);
    }
  });

  it('a file signed with the secret is used; the same file under another user\'s secret is not', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-plant-'));
    const file = path.join(dir, 'scan-cache.json');
    const key = cacheKey(['k']);
    const mine = ScanCache.load(file, key, 'a'.repeat(64));
    mine.store('a.ts', 'h', entry.result);
    mine.save();
    assert.ok(ScanCache.load(file, key, 'a'.repeat(64)).lookup('a.ts', 'h'));
    assert.equal(ScanCache.load(file, key, 'b'.repeat(64)).lookup('a.ts', 'h'), undefined);
  });

  it('the secret lives in the user\'s cache folder, readable by the user only', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-home-'));
    assert.equal(userCacheDir({ AIREG_CACHE_HOME: home }), home);
    const s1 = cacheSecret(home);
    assert.match(s1, /^[0-9a-f]{64}$/);
    assert.equal(cacheSecret(home), s1, 'stable across runs');
    if (process.platform !== 'win32') assert.equal(fs.statSync(path.join(home, 'cache-secret')).mode & 0o077, 0);
  });
});
