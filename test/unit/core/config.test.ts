import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import schema from '../../../data/schemas/aireg-config.schema.json';
import rulesData from '../../../data/rules.json';
import { DEFAULT_CONFIG, defaultConfig } from '../../../src/core/config';
import { CONFIG_FILE_NAME, findConfigDir, formatConfigError, loadConfig, parseConfigText } from '../../../src/core/configLoader';

describe('config schema (data/schemas/aireg-config.schema.json)', () => {
  it('is a valid JSON Schema that ajv compiles in strict mode', () => {
    const ajv = new Ajv({ strict: true, allErrors: true });
    assert.equal(ajv.validateSchema(schema), true, JSON.stringify(ajv.errors));
    assert.doesNotThrow(() => ajv.compile(schema));
  });

  it('accepts the default configuration', () => {
    const validate = new Ajv({ strict: false }).compile(schema);
    assert.equal(validate(defaultConfig()), true, JSON.stringify(validate.errors));
  });

  it('declares a default for every AiregConfig field equal to DEFAULT_CONFIG', () => {
    const props = (schema as { properties: Record<string, { default?: unknown }> }).properties;
    for (const [key, value] of Object.entries(DEFAULT_CONFIG)) {
      assert.ok(props[key], `schema lacks property ${key}`);
      assert.deepEqual(props[key]!.default, value, `default of ${key}`);
    }
  });

  it('lists exactly the rule ids of data/rules.json', () => {
    const ids = (schema as { properties: { rules: { propertyNames: { enum: string[] } } } }).properties.rules.propertyNames.enum;
    assert.deepEqual([...ids].sort(), rulesData.rules.map((r) => r.id).sort());
  });

  it('rejects wrong types and unknown keys', () => {
    const validate = new Ajv({ strict: false }).compile(schema);
    assert.equal(validate({ roles: 'service-provider' }), false);
    assert.equal(validate({ rules: { 'aigc-missing-label': 'loud' } }), false);
    assert.equal(validate({ colour: 'red' }), false);
    assert.equal(validate({ rules: { 'aigc-missing-label': { severity: 'error' } }, maxFileBytes: 10 }), true);
  });
});

describe('parseConfigText', () => {
  it('reads JSONC with comments and trailing commas', () => {
    const { config, errors } = parseConfigText('{\n  // team helpers\n  "labelFunctions": ["addAigcLabel"],\n  "jurisdictions": ["CN"],\n}\n', 'x.json');
    assert.deepEqual(errors, []);
    assert.deepEqual(config.labelFunctions, ['addAigcLabel']);
    assert.deepEqual(config.jurisdictions, ['CN']);
    assert.deepEqual(config.roles, DEFAULT_CONFIG.roles);
  });

  it('names line and column of a syntax error and falls back to defaults', () => {
    const text = '{\n  "roles": ["user"],\n  "exclude": ["a/**" "b/**"]\n}\n';
    const { config, errors } = parseConfigText(text, '/w/.aireg.json');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.severity, 'error');
    assert.equal(errors[0]!.line, 3);
    assert.equal(errors[0]!.column, 22);
    assert.match(formatConfigError(errors[0]!), /^\/w\/\.aireg\.json:3:22: error: invalid JSON/);
    assert.deepEqual(config, defaultConfig(), 'nothing from a broken file is used');
  });

  it('keeps valid keys when one key has the wrong type, and points at the bad value', () => {
    const text = '{\n  "roles": ["user"],\n  "maxFileBytes": "2MB",\n  "optOutChecks": ["personalizationOff"]\n}';
    const { config, errors } = parseConfigText(text, 'c.json');
    assert.deepEqual(config.roles, ['user']);
    assert.deepEqual(config.optOutChecks, ['personalizationOff']);
    assert.equal(config.maxFileBytes, DEFAULT_CONFIG.maxFileBytes);
    assert.equal(errors.length, 1);
    assert.deepEqual([errors[0]!.line, errors[0]!.column, errors[0]!.severity], [3, 19, 'error']);
    assert.match(errors[0]!.message, /maxFileBytes.*integer/);
  });

  it('points at the offending array item of an enum', () => {
    const { config, errors } = parseConfigText('{"roles": ["user", "overlord"]}', 'c.json');
    assert.deepEqual(config.roles, DEFAULT_CONFIG.roles);
    assert.equal(errors[0]!.column, 20);
    assert.match(errors[0]!.message, /"roles\[1\]" must be one of/);
  });

  it('warns about unknown keys and unknown rule ids but keeps the rest', () => {
    const text = '{"colour": "red", "rules": {"aigc-missing-label": "error", "no-such-rule": "off", "rec-no-opt-out": {"severity": "info"}}}';
    const { config, errors } = parseConfigText(text, 'c.json');
    assert.deepEqual(errors.map((e) => e.severity), ['warning', 'warning']);
    assert.match(errors[0]!.message, /unknown property "colour"/);
    assert.match(errors[1]!.message, /unknown rule id "no-such-rule"/);
    assert.deepEqual(config.rules, { 'aigc-missing-label': 'error', 'rec-no-opt-out': { severity: 'info' } });
  });

  it('drops only the rule with an invalid severity', () => {
    const { config, errors } = parseConfigText('{"rules": {"aigc-missing-label": "loud", "rec-no-opt-out": "off"}}', 'c.json');
    assert.deepEqual(config.rules, { 'rec-no-opt-out': 'off' });
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.severity, 'error');
  });

  it('reports a non-object document', () => {
    const { errors } = parseConfigText('["roles"]', 'c.json');
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.message, /must be a JSON object/);
  });
});

describe('loadConfig / findConfigDir', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-config-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('uses defaults without errors when there is no file', () => {
    const loaded = loadConfig(dir);
    assert.deepEqual(loaded.errors, []);
    assert.equal(loaded.path, undefined);
    assert.deepEqual(loaded.config, defaultConfig());
  });

  it('reports a missing explicit file as an error', () => {
    const loaded = loadConfig(dir, path.join(dir, 'nope.json'));
    assert.equal(loaded.errors.length, 1);
    assert.match(loaded.errors[0]!.message, /file not found/);
  });

  it('reads the file without modifying it, BOM included', () => {
    const file = path.join(dir, CONFIG_FILE_NAME);
    const text = '\uFEFF{ "roles": ["content-platform"], /* c */ "unknownKey": 1 }';
    fs.writeFileSync(file, text);
    const before = fs.statSync(file).mtimeMs;
    const loaded = loadConfig(dir);
    assert.deepEqual(loaded.config.roles, ['content-platform']);
    assert.equal(loaded.errors.length, 1);
    assert.equal(loaded.path, file);
    assert.equal(fs.readFileSync(file, 'utf8'), text);
    assert.equal(fs.statSync(file).mtimeMs, before);
  });

  it('finds the nearest config folder but not above the repository root', () => {
    fs.mkdirSync(path.join(dir, 'repo', '.git'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'repo', 'pkg', 'src'), { recursive: true });
    fs.writeFileSync(path.join(dir, CONFIG_FILE_NAME), '{}');
    assert.equal(findConfigDir(path.join(dir, 'repo', 'pkg', 'src')), undefined, 'the file above .git does not apply');
    fs.writeFileSync(path.join(dir, 'repo', 'pkg', CONFIG_FILE_NAME), '{}');
    assert.equal(findConfigDir(path.join(dir, 'repo', 'pkg', 'src')), path.join(dir, 'repo', 'pkg'));
  });
});
