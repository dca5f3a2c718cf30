/**
 * Property tests for `.aireg.json` loading, cross-cutting to the CLI's example-based tests:
 * whatever bytes the file holds (truncated, merge-conflicted, random, valid JSON of the wrong
 * shape), loading never throws, never touches the file, always yields a usable configuration,
 * and every error points inside the file.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { defaultConfig } from '../../../src/core/config';
import { loadConfig, parseConfigText } from '../../../src/core/configLoader';
import { Engine } from '../../../src/core/engine';
import { REPO } from './helpers';

const DEMO_CONFIG = fs.readFileSync(path.join(REPO, 'demo', '.aireg.json'), 'utf8');
const KEYS = Object.keys(defaultConfig());

/** Damaged versions of a real configuration file. */
const damaged: fc.Arbitrary<string> = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true }).map((f) => DEMO_CONFIG.slice(0, Math.floor(DEMO_CONFIG.length * f))),
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.jsonValue({ maxDepth: 2 })).map(([f, v]) => {
    // A merge conflict around part of the file, the way git leaves it.
    const at = Math.floor(DEMO_CONFIG.length * f);
    return `${DEMO_CONFIG.slice(0, at)}\n<<<<<<< HEAD\n${JSON.stringify(v)}\n=======\n"x": 1,\n>>>>>>> feature\n${DEMO_CONFIG.slice(at)}`;
  }),
  fc.tuple(fc.constantFrom(...KEYS), fc.jsonValue({ maxDepth: 3 })).map(([k, v]) => JSON.stringify({ ...JSON.parse(JSON.stringify(defaultConfig())), [k]: v })),
  fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string()), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 8 }).map((o) => JSON.stringify(o)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b).toString('utf8')),
  fc.string({ unit: 'binary', maxLength: 300 }),
);

/** The configuration can drive the engine: every field has the type the engine reads. */
function checkUsable(config: ReturnType<typeof defaultConfig>): void {
  for (const k of ['roles', 'jurisdictions', 'labelFunctions', 'optOutChecks', 'consentChecks', 'include', 'exclude'] as const) {
    assert.ok(Array.isArray(config[k]), `${k} is an array`);
    for (const x of config[k]) assert.equal(typeof x, 'string', `${k} holds strings`);
  }
  assert.ok(Number.isFinite(config.maxFileBytes) && config.maxFileBytes > 0, 'maxFileBytes is a positive number');
  assert.equal(typeof config.rules, 'object');
  assert.ok(config.rules !== null && !Array.isArray(config.rules));
}

describe('robustness: malformed .aireg.json', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-cfg-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loading never throws, never changes the file, yields a usable config and in-file error positions', () => {
    const file = path.join(dir, '.aireg.json');
    fc.assert(
      fc.property(damaged, (text) => {
        fs.writeFileSync(file, text);
        const before = fs.readFileSync(file);
        const loaded = loadConfig(dir);
        assert.ok(fs.readFileSync(file).equals(before), 'the user file is untouched');
        checkUsable(loaded.config);
        const lines = text.split('\n');
        for (const e of loaded.errors) {
          assert.ok(typeof e.message === 'string' && e.message.length > 0, 'each error says something');
          assert.ok(['error', 'warning'].includes(e.severity));
          assert.ok(e.line >= 1 && e.line <= lines.length, `line ${e.line} within 1..${lines.length}`);
          assert.ok(e.column >= 1 && e.column <= lines[e.line - 1]!.length + 1, `column ${e.column} within line ${e.line}`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a configuration that loads with errors still drives a full analysis', async () => {
    const engine = new Engine();
    try {
      await fc.assert(
        fc.asyncProperty(damaged, async (text) => {
          const { config } = parseConfigText(text, '.aireg.json');
          engine.config = config;
          const r = await engine.analyze('x.ts', "const r = await client.chat.completions.create({ model: 'gpt-4o', messages: [] });\n");
          assert.ok(Array.isArray(r.findings));
        }),
        { numRuns: 60 },
      );
    } finally {
      await engine.host.dispose();
    }
  });
});
