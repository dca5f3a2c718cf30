/**
 * Property tests: hostile and mutated sources in every language must never make
 * Engine.analyze throw, hang, report positions outside the file, or leak trees.
 * fast-check shrinks any failure to a small input and prints its seed for replay.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { defaultConfig } from '../../../src/core/config';
import { Engine } from '../../../src/core/engine';
import { LANGUAGES, type LanguageId } from '../../../src/core/languages';
import { TreeSitterHost } from '../../../src/core/parser';
import { exposedCollector } from '../../../src/server/idleGc';
import { FILE_FOR, checkResult, seedsByLanguage } from './helpers';

const seeds = seedsByLanguage();
const host = new TreeSitterHost();
const engine = new Engine(host);

/** Mutations of a real source, each a kind of damage found in real workspaces. */
function mutated(seedList: readonly string[]): fc.Arbitrary<{ kind: string; text: string }> {
  const seed = fc.constantFrom(...seedList);
  const truncated = fc.tuple(seed, fc.double({ min: 0, max: 1, noNaN: true })).map(([s, f]) => ({ kind: 'truncated', text: s.slice(0, Math.floor(s.length * f)) }));
  const spliced = fc
    .tuple(seed, fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.uint8Array({ minLength: 1, maxLength: 24 })), { minLength: 1, maxLength: 6 }))
    .map(([s, splices]) => {
      // Random bytes spliced into the UTF-8 encoding, then decoded as an editor would (invalid
      // sequences become U+FFFD), so the result is also an "invalid UTF-8 decoded" case.
      let buf = Buffer.from(s, 'utf8');
      for (const [f, bytes] of splices) {
        const at = Math.floor(buf.length * f);
        buf = Buffer.concat([buf.subarray(0, at), Buffer.from(bytes), buf.subarray(at)]);
      }
      return { kind: 'byte-splice', text: buf.toString('utf8') };
    });
  const nul = fc.tuple(seed, fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 4 })).map(([s, f, n]) => {
    const at = Math.floor(s.length * f);
    return { kind: 'nul', text: s.slice(0, at) + '\u0000'.repeat(n) + s.slice(at) };
  });
  const lineEnds = fc.tuple(seed, fc.constantFrom('\r\n', '\r', 'mixed')).map(([s, style]) => {
    let i = 0;
    const text = style === 'mixed' ? s.replace(/\n/g, () => ['\n', '\r\n', '\r'][i++ % 3]!) : s.replace(/\n/g, style);
    return { kind: `line-ends-${JSON.stringify(style)}`, text };
  });
  const loneSurrogate = fc.tuple(seed, fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('\ud800', '\udfff', '\ud83d')).map(([s, f, u]) => {
    const at = Math.floor(s.length * f);
    return { kind: 'lone-surrogate', text: s.slice(0, at) + u + s.slice(at) };
  });
  const unicode = fc.tuple(seed, fc.double({ min: 0, max: 1, noNaN: true }), fc.string({ unit: 'grapheme', maxLength: 40 })).map(([s, f, u]) => {
    const at = Math.floor(s.length * f);
    return { kind: 'unicode-insert', text: s.slice(0, at) + u + s.slice(at) };
  });
  const randomBytes = fc.uint8Array({ maxLength: 4000 }).map((b) => ({ kind: 'random-bytes', text: Buffer.from(b).toString('utf8') }));
  const randomText = fc.string({ unit: 'binary', maxLength: 2000 }).map((s) => ({ kind: 'random-text', text: s }));
  return fc.oneof(truncated, spliced, nul, lineEnds, loneSurrogate, unicode, randomBytes, randomText);
}

describe('robustness: engine under mutated and random input', function () {
  this.timeout(120_000);

  after(() => host.dispose());

  for (const lang of LANGUAGES) {
    it(`${lang.id}: no exception escapes and every position lies in the file`, async () => {
      const file = FILE_FOR[lang.id];
      assert.ok(seeds[lang.id].length > 0, `at least one seed for ${lang.id}`);
      await fc.assert(
        fc.asyncProperty(mutated(seeds[lang.id]), async ({ text }) => {
          const r = await engine.analyze(file, text);
          checkResult(file, text, r);
        }),
        { numRuns: 80 },
      );
    });
  }

  it('the unmutated seeds do produce findings, so the position checks above are exercised', async () => {
    let findings = 0;
    for (const lang of LANGUAGES) {
      for (const text of seeds[lang.id]) {
        const r = await engine.analyze(FILE_FOR[lang.id], text);
        checkResult(FILE_FOR[lang.id], text, r);
        findings += r.findings.length;
      }
    }
    assert.ok(findings > 0, 'the seeds yield findings');
  });

  it('CRLF files keep every finding on the same line as with LF', async () => {
    for (const lang of LANGUAGES) {
      for (const text of seeds[lang.id]) {
        const lf = await engine.analyze(FILE_FOR[lang.id], text);
        const crlfText = text.replace(/\n/g, '\r\n');
        const crlf = await engine.analyze(FILE_FOR[lang.id], crlfText);
        checkResult(FILE_FOR[lang.id], crlfText, crlf);
        assert.deepEqual(
          crlf.findings.map((f) => `${f.ruleId}@${f.range.start.line}`),
          lf.findings.map((f) => `${f.ruleId}@${f.range.start.line}`),
          `${lang.id}: same findings on the same lines`,
        );
      }
    }
  });
});

/** 10,000-deep nesting in the syntax each language allows. */
const DEEP = 10_000;
const deepSources: Record<LanguageId, string[]> = {
  typescript: [`const a = ${'['.repeat(DEEP)}${']'.repeat(DEEP)};\n`, `function f(x: number) {\n${'if (x) {'.repeat(DEEP)}client.chat.completions.create({});${'}'.repeat(DEEP)}\n}\n`, `const v = ${'('.repeat(DEEP)}1${')'.repeat(DEEP)};\n`],
  tsx: [`const e = ${'<div>'.repeat(DEEP)}x${'</div>'.repeat(DEEP)};\n`],
  javascript: [`var o = ${'{a:'.repeat(DEEP)}1${'}'.repeat(DEEP)};\n`, `f${'(g'.repeat(DEEP)}${')'.repeat(DEEP)};\n`],
  python: [`x = ${'['.repeat(DEEP)}${']'.repeat(DEEP)}\n`, `y = ${'('.repeat(DEEP)}1${')'.repeat(DEEP)}\n`, `z = ${'f('.repeat(DEEP)}${')'.repeat(DEEP)}\n`],
  go: [`package p\n\nfunc f() {\n${'{'.repeat(DEEP)}${'}'.repeat(DEEP)}\n}\n`, `package p\n\nvar v = ${'('.repeat(DEEP)}1${')'.repeat(DEEP)}\n`],
  java: [`class A { int v = ${'('.repeat(DEEP)}1${')'.repeat(DEEP)}; }\n`, `class B { void m() { ${'{'.repeat(DEEP)}${'}'.repeat(DEEP)} } }\n`],
};

describe('robustness: pathological shapes', function () {
  this.timeout(120_000);
  const host2 = new TreeSitterHost();
  const engine2 = new Engine(host2);
  after(() => host2.dispose());

  for (const lang of LANGUAGES) {
    it(`${lang.id}: 10,000-deep nesting is analysed or reported, never thrown`, async () => {
      for (const text of deepSources[lang.id]) {
        const r = await engine2.analyze(FILE_FOR[lang.id], text);
        checkResult(FILE_FOR[lang.id], text, r);
        // Either the rules ran to completion or a notice says which part gave up.
        assert.ok(r.parseMs > 0 || r.notices.length > 0, 'parsed, or a notice explains why not');
      }
    });
  }

  it('a helper that returns its own call (unpacked into a tuple) does not overflow the resolver', async () => {
    // `a, b = pair()` where `pair` returns `pair()`: element resolution through returns must stop.
    const text = 'from openai import OpenAI\n\n\ndef pair():\n    return pair()\n\n\ndef run():\n    a, b = pair()\n    return a.chat.completions.create(model="x", messages=[])\n';
    const r = await engine2.analyze('recursive.py', text);
    checkResult('recursive.py', text, r);
    assert.deepEqual(r.notices.map((n) => n.message), [], 'no rule failed');
  });

  it('a huge string literal in an otherwise normal file is parsed and positions stay exact', async () => {
    const big = 'a'.repeat(1_000_000);
    const lines = Array.from({ length: 3000 }, (_, i) => `const v${i} = ${i};`).join('\n');
    const text = `${lines}\nconst s = "${big}";\nconst r = await client.chat.completions.create({ model: "gpt-4o", messages: [] });\n`;
    const r = await engine2.analyze('huge.ts', text);
    checkResult('huge.ts', text, r);
    assert.ok(r.parseMs > 0, 'the file was parsed');
    assert.equal(r.notices.filter((n) => n.kind !== 'syntax-errors').length, 0, 'no skip notice');
  });

  it('a huge multi-line Python string is parsed', async () => {
    const body = Array.from({ length: 20_000 }, (_, i) => `line ${i} of a prompt template 提示`).join('\n');
    const text = `PROMPT = """${body}"""\nfrom openai import OpenAI\nr = OpenAI().chat.completions.create(model="gpt-4o", messages=[])\n`;
    const r = await engine2.analyze('prompt.py', text);
    checkResult('prompt.py', text, r);
    assert.ok(r.parseMs > 0);
  });

  it('a 50 MB single-line minified bundle is skipped with a notice, without parsing', async () => {
    const chunk = 'function a(b){return b.map(function(c){return c*2})};var x=1,y=2;';
    const text = chunk.repeat(Math.ceil((50 * 1024 * 1024) / chunk.length));
    const r = await engine2.analyze('bundle.js', text);
    assert.equal(r.parseMs, 0, 'not parsed');
    assert.equal(r.findings.length, 0);
    assert.equal(r.notices.length, 1);
    assert.ok(['too-large', 'minified'].includes(r.notices[0]!.kind), `skip notice (${r.notices[0]!.kind})`);
    // Even with the size limit lifted, the minified check skips it before any parse.
    const lifted = new Engine(host2, { ...defaultConfig(), maxFileBytes: 200 * 1024 * 1024 });
    const r2 = await lifted.analyze('bundle.js', text);
    assert.equal(r2.parseMs, 0, 'not parsed with the limit lifted');
    assert.deepEqual(r2.notices.map((n) => n.kind), ['minified']);
  });

  it('a parse that runs past the time limit is abandoned and reported, and the host keeps working', async () => {
    const slowHost = new TreeSitterHost(undefined, 1);
    const slow = new Engine(slowHost);
    try {
      // About 1.5 MB of real-looking code: far more than one millisecond of parsing.
      const unit = seeds.typescript[seeds.typescript.length - 1]!;
      const text = unit.repeat(Math.ceil(1_500_000 / unit.length));
      const r = await slow.analyze('slow.ts', text);
      checkResult('slow.ts', text, r);
      assert.deepEqual(r.notices.map((n) => n.kind), ['parse-timeout']);
      assert.equal(r.findings.length, 0);
      assert.match(r.notices[0]!.message, /1 ms/);
      // The same parser must still parse a small file afterwards (it was reset, not wedged).
      const ok = await engine2.analyze('after.ts', unit);
      assert.ok(ok.parseMs > 0);
      const again = await slow.analyze('tiny.ts', 'const a = 1;\n');
      assert.ok(again.notices.every((n) => n.kind === 'parse-timeout' || n.kind === 'syntax-errors'));
    } finally {
      await slowHost.dispose();
    }
  });
});

describe('robustness: memory stays bounded over many analyses', function () {
  this.timeout(120_000);

  // A full collection before each reading, so strings and buffers of earlier tests that are
  // already garbage do not move the figure (mocha runs without --expose-gc).
  const gc = exposedCollector()!;

  /** Native memory (where the tree-sitter wasm heap lives) plus the JS heap, in MB. */
  const used = (): number => {
    gc();
    const m = process.memoryUsage();
    return (m.external + m.heapUsed) / 1e6;
  };

  it('typing in a kept tree (incremental reparse, facts carried over) does not grow memory', async () => {
    const h = new TreeSitterHost();
    const e = new Engine(h);
    try {
      // Many top-level statements with AI calls, so facts are carried over on every edit.
      const unit = "import OpenAI from 'openai';\nconst client = new OpenAI();\nexport async function f(res: { json(x: unknown): void }) {\n  const r = await client.chat.completions.create({ model: 'm', messages: [] });\n  res.json(r.choices[0].message.content);\n}\n";
      let text = unit.repeat(100);
      const at = Math.floor(text.length / 2);
      let tree = (await e.analyze('mem.ts', text, { keepTree: true })).tree!;
      const row = text.slice(0, at).split('\n').length - 1;
      const column = at - (text.lastIndexOf('\n', at - 1) + 1);
      const type = async (i: number): Promise<void> => {
        const typing = i % 2 === 0;
        text = typing ? `${text.slice(0, at)} ${text.slice(at)}` : text.slice(0, at) + text.slice(at + 1);
        tree.edit({ startIndex: at, oldEndIndex: typing ? at : at + 1, newEndIndex: typing ? at + 1 : at, startPosition: { row, column }, oldEndPosition: { row, column: typing ? column : column + 1 }, newEndPosition: { row, column: typing ? column + 1 : column } });
        const r = await e.analyze('mem.ts', text, { keepTree: true, oldTree: tree });
        tree.delete();
        tree = r.tree!;
      };
      for (let i = 0; i < 10; i++) await type(i);
      const before = used();
      for (let i = 0; i < 60; i++) await type(i);
      const growth = used() - before;
      // One edit's facts are a few hundred kilobytes here; sixty edits kept alive would be tens of MB.
      assert.ok(growth < 3, `memory grew ${growth.toFixed(1)} MB over 60 edits`);
      tree.delete();
    } finally {
      await h.dispose();
    }
  });

  it('analysing the same file 40 times does not grow memory, while leaking trees would', async () => {
    const h = new TreeSitterHost();
    const e = new Engine(h);
    try {
      const unit = [...seeds.typescript].sort((a, b) => b.length - a.length)[0]!;
      const text = unit.repeat(Math.max(1, Math.ceil(20_000 / unit.length)));
      for (let i = 0; i < 10; i++) await e.analyze('mem.ts', text);
      const before = used();
      for (let i = 0; i < 40; i++) await e.analyze('mem.ts', text);
      const growth = used() - before;
      // The control: keeping (leaking) 20 trees of the same file must show up in the measure,
      // which proves the measure can see the leak the first assertion rules out.
      const kept = [];
      const beforeLeak = used();
      for (let i = 0; i < 20; i++) kept.push((await e.analyze('mem.ts', text, { keepTree: true })).tree);
      const leakGrowth = used() - beforeLeak;
      for (const t of kept) t?.delete();
      assert.ok(leakGrowth > 2, `the measure sees 20 leaked trees (${leakGrowth.toFixed(1)} MB)`);
      // Twice as many analyses as leaked trees, so a per-analysis leak of a twentieth of a tree
      // would exceed this bound.
      assert.ok(growth < leakGrowth / 10, `memory grew ${growth.toFixed(1)} MB over 40 analyses (20 leaked trees: ${leakGrowth.toFixed(1)} MB)`);
    } finally {
      await h.dispose();
    }
  });
});
