import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { defaultConfig } from '../../src/core/config';
import { Engine } from '../../src/core/engine';
import { sarifRegion } from '../../src/core/position';
import { catalog } from '../../src/core/analysis/catalog';
import { getFileModel } from '../../src/core/analysis/model';
import { languageById } from '../../src/core/languages';
import { TreeSitterHost } from '../../src/core/parser';
import { ALL_RULES } from '../../src/core/rules';
import type { GenerationCall, Rule } from '../../src/core/rules/rule';
import { FIXTURES, checkFixture, findingAttr, fixtureFilesUnder, parseExpectations } from './harness';

const RULE = 'aigc-generation-call' as const;
const DIR = path.join(FIXTURES, 'generation');

describe(`rule ${RULE} (fixtures)`, () => {
  const engine = new Engine();
  after(() => engine.host.dispose());
  const files = fixtureFilesUnder(DIR);

  for (const file of files) {
    it(path.relative(DIR, file), async () => {
      const outcome = await checkFixture(engine, file, [RULE]);
      assert.deepEqual(outcome.problems, []);
    });
  }

  it('has positive and negative fixtures in every language', () => {
    for (const ext of ['.py', '.ts', '.tsx', '.js', '.go', '.java']) {
      const own = files.filter((f) => path.extname(f) === ext);
      assert.ok(own.length > 0, `no ${ext} fixture`);
      const markers = own.map((f) => parseExpectations(fs.readFileSync(f, 'utf8')).filter((e) => e.ruleId === RULE).length);
      assert.ok(markers.some((n) => n > 0), `no positive ${ext} fixture`);
    }
    // Negatives: files with no marker at all must exist for the main languages.
    for (const ext of ['.py', '.ts', '.go', '.java']) {
      assert.ok(files.some((f) => path.extname(f) === ext && !fs.readFileSync(f, 'utf8').includes(`expect: ${RULE}`)), `no negative-only ${ext} fixture`);
    }
  });

  it('has a positive fixture for every provider in the catalog', () => {
    const seen = new Set<string>();
    for (const f of files) for (const e of parseExpectations(fs.readFileSync(f, 'utf8'))) if (e.attrs.provider) seen.add(e.attrs.provider);
    const missing = [...catalog().providers.keys()].filter((id) => !seen.has(id));
    assert.deepEqual(missing, []);
  });
});

describe(`rule ${RULE} (behaviour)`, () => {
  const engine = new Engine();
  after(() => engine.host.dispose());

  it('reports UTF-16 positions after non-ASCII text on the same line, and 1-based SARIF columns', async () => {
    const prefix = 'const note = "写一首关于春天的诗 🌸🌸"; const r = await client.chat.completions.';
    const text = `import OpenAI from 'openai';\nconst client = new OpenAI();\n${prefix}create({ model: 'gpt-4o', messages: [] });\n`;
    const res = await engine.analyze('poem.ts', text, { onlyRules: new Set([RULE]) });
    assert.equal(res.findings.length, 1);
    const f = res.findings[0]!;
    assert.equal(f.range.start.line, 2);
    // Each emoji is two UTF-16 code units; the column counts code units, not code points.
    assert.equal(f.range.start.character, prefix.length);
    assert.equal(text.slice(f.range.startOffset, f.range.endOffset), 'create');
    assert.deepEqual(sarifRegion(f.range), { startLine: 3, startColumn: prefix.length + 1, endLine: 3, endColumn: prefix.length + 7 });
  });

  it('leaves each generation call with its node in the rule context for the review rules', async () => {
    const text = 'from openai import OpenAI\nc = OpenAI()\nout = c.images.generate(prompt="猫")\nc.embeddings.create(input="x")\n';
    const res = await engine.analyze('gen.py', text, { keepTree: true, onlyRules: new Set([RULE]) });
    try {
      const gen = ALL_RULES[0]!;
      assert.equal(gen.id, RULE, 'the detector runs first');
      const calls: GenerationCall[] = [];
      await gen.run({ file: 'gen.py', text, language: languageById('python')!, tree: res.tree!, host: engine.host, config: engine.config, generationCalls: calls, report: () => undefined });
      assert.equal(calls.length, 1);
      assert.equal(calls[0]!.node.type, 'call');
      assert.equal(calls[0]!.node.text, 'c.images.generate(prompt="猫")');
      assert.equal(calls[0]!.modality, 'image');
      assert.equal(calls[0]!.provider, 'openai');
    } finally {
      res.tree?.delete();
    }
  });

  it('skips a file that mentions no SDK, endpoint or distinctive method without building a model', async () => {
    const text = 'function add(a: number, b: number) { return a + b; }\nconsole.log(add(1, 2));\n';
    assert.equal(catalog().mayMatch('js', text), false);
    const res = await engine.analyze('plain.ts', text, { onlyRules: new Set([RULE]) });
    assert.deepEqual(res.findings, []);
  });

  it('keeps the finding when the rule is switched off for output but still feeds other rules', async () => {
    const off = new Engine(engine.host, { ...engine.config, rules: { ...engine.config.rules, [RULE]: 'off' } });
    const res = await off.analyze('x.py', 'import openai\nopenai.OpenAI().chat.completions.create(model="m", messages=[])\n', { onlyRules: new Set([RULE]) });
    assert.deepEqual(res.findings, []);
  });
});

describe('data/providers.json', () => {
  it('validates against its schema', () => {
    const root = path.join(__dirname, '..', '..', 'data');
    const schema = JSON.parse(fs.readFileSync(path.join(root, 'schemas', 'providers.schema.json'), 'utf8'));
    const data = JSON.parse(fs.readFileSync(path.join(root, 'providers.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    assert.equal(validate(data), true, JSON.stringify(validate.errors, null, 2));
  });

  it('names only providers that exist, and every pattern compiles', () => {
    const cat = catalog();
    const data = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'data', 'providers.json'), 'utf8')) as {
      endpoints: { pattern: string; provider?: string }[];
      baseUrlHosts: { provider: string }[];
      providers: { classProviders?: Record<string, string> }[];
    };
    const ids = new Set(cat.providers.keys());
    for (const e of data.endpoints) if (e.provider) assert.ok(ids.has(e.provider), e.provider);
    for (const h of data.baseUrlHosts) assert.ok(ids.has(h.provider), h.provider);
    for (const p of data.providers) for (const target of Object.values(p.classProviders ?? {})) assert.ok(ids.has(target), target);
    assert.ok(cat.endpoints.length > 20);
  });

  it('maps base-URL hosts to providers', () => {
    const cat = catalog();
    assert.equal(cat.hostProvider('https://api.deepseek.com/v1'), 'deepseek');
    assert.equal(cat.hostProvider('https://dashscope.aliyuncs.com/compatible-mode/v1'), 'alibaba');
    assert.equal(cat.hostProvider('http://127.0.0.1:8080/v1'), 'local');
    assert.equal(cat.hostProvider('https://example.com/v1'), undefined);
  });
});

describe('name resolution on a generated bundle', () => {
  // A generous parse limit and no rule time budget: this test is about resolution (a step
  // counter, not the clock), and a loaded machine parses slowly.
  // After the generation detector, a probe reads the model it resolved names with (the engine
  // releases a tree's model when its analysis ends).
  let steps = -1;
  const probe: Rule = {
    id: 'aigc-label-stripped',
    async run(ctx) {
      steps = (await getFileModel(ctx)).steps;
    },
  };
  const generation = ALL_RULES.find((r) => r.id === RULE)!;
  const engine = new Engine(new TreeSitterHost(undefined, 120_000), undefined, { ruleBudgetMs: Number.POSITIVE_INFINITY, rules: [generation, probe] });
  after(() => engine.host.dispose());

  /**
   * A minified-bundle shape: a few hundred short names, each reassigned many times from other
   * names (aliases, conditionals, member reads), and calls through them. Unmemoised resolution
   * tries several bindings per name at every level and never finishes on 30,000 lines.
   */
  function bundle(lines: number): string {
    // 301 names so that every name gets every shape of reassignment below.
    const names = 301;
    const out = ["import { GoogleGenAI } from '@google/genai';", 'const real = new GoogleGenAI({ apiKey: k });'];
    for (let i = 0; out.length < lines - 1; i++) {
      const a = `v${i % names}`;
      const b = `v${(i * 7 + 1) % names}`;
      const c = `v${(i * 13 + 5) % names}`;
      switch (i % 6) {
        case 0: out.push(`var ${a} = ${b}.then((x) => x.json());`); break;
        case 1: out.push(`this.${a} = this.${b}.request({ path: p }) || ${c};`); break;
        case 2: out.push(`${a} = ${b}.stream() || this.${c};`); break;
        case 3: out.push(`this.${a}.models.generateContent({ contents: ${c} });`); break;
        case 4: out.push(`${a} = cond ? this.${b} : ${c}.models;`); break;
        default: out.push(`${a}.models.generateContent({ contents: ${c} });`);
      }
    }
    out.push("const r = await real.models.generateContent({ model: 'gemini-2.0-flash', contents: 'x' });");
    return out.join('\n') + '\n';
  }

  it('resolves a 30,000-line bundle with a step count linear in its size, and still finds the real call', async function () {
    // Parsing 1.3 MB takes seconds on a loaded machine; the assertions are on steps, not time.
    this.timeout(180_000);
    const text = bundle(30_000);
    assert.equal(text.split('\n').length - 1, 30_000);
    const res = await engine.analyze('bundle.js', text);
    const last = res.findings.find((f) => f.range.start.line === 29_999);
    assert.ok(last, 'the call through a real client at the end is found');
    assert.equal(last.generation?.provider, 'google');
    // Every call was resolved by the rule; memoised resolution takes a bounded number of steps per line.
    assert.ok(steps > 1000, `resolution ran (${steps} steps)`);
    assert.ok(steps < 20 * 30_000, `steps ${steps} stay linear in the file size`);
  });
});

describe(`rule ${RULE} (workspace model: names defined in other files)`, () => {
  const engine = new Engine();
  after(() => engine.host.dispose());
  const WS = path.join(FIXTURES, 'generation-workspace');

  for (const project of ['ts', 'python', 'java', 'go', 'go-gateway']) {
    const root = path.join(WS, project);
    // The CLI's triage pass notes the interfaces handed to a proxy factory anywhere in the tree.
    before(() => {
      for (const file of fixtureFilesUnder(root)) if (file.endsWith('.java')) engine.workspace(root).noteProxyFactories(fs.readFileSync(file, 'utf8'));
    });
    for (const file of fixtureFilesUnder(root)) {
      const rel = path.relative(root, file).split(path.sep).join('/');
      it(`${project}/${rel}`, async () => {
        const text = fs.readFileSync(file, 'utf8');
        const res = await engine.analyze(rel, text, { root, onlyRules: new Set([RULE]) });
        const found = res.findings.filter((f) => f.ruleId === RULE);
        const problems: string[] = [];
        const expected = parseExpectations(text).filter((e) => e.ruleId === RULE);
        for (const e of expected) {
          const f = found.find((x) => x.range.start.line === e.line);
          if (!f) problems.push(`${rel}:${e.line + 1} missing`);
          else for (const [k, v] of Object.entries(e.attrs)) if (findingAttr(f, k) !== v) problems.push(`${rel}:${e.line + 1} ${k}=${String(findingAttr(f, k))}, expected ${v}`);
        }
        for (const f of found) if (!expected.some((e) => e.line === f.range.start.line)) problems.push(`${rel}:${f.range.start.line + 1} unexpected: ${f.message}`);
        assert.deepEqual(problems, []);
      });
    }
  }

  it('names the AI-service interface and method, and says when the proxy streams', async () => {
    const root = path.join(WS, 'java');
    const rel = 'src/main/java/com/acme/support/web/SupportController.java';
    const res = await engine.analyze(rel, fs.readFileSync(path.join(root, rel), 'utf8'), { root, onlyRules: new Set([RULE]) });
    assert.deepEqual(res.findings.map((f) => f.generation?.api), ['AI service SupportAgent.answer', 'AI service SupportAgent.answerStreaming (streaming)']);
    const quarkus = 'src/main/java/com/acme/support/web/ReviewResource.java';
    const q = await engine.analyze(quarkus, fs.readFileSync(path.join(root, quarkus), 'utf8'), { root, onlyRules: new Set([RULE]) });
    assert.deepEqual(q.findings.map((f) => f.generation?.api), ['AI service ReviewTriage.triage', 'AI service ReviewTriage.explain (streaming)']);
  });

  it('follows a Go call through an interface to the implementations, and the relayed answer to its exit', async () => {
    const root = path.join(WS, 'go-gateway');
    const rel = 'internal/relay/handler.go';
    const text = fs.readFileSync(path.join(root, rel), 'utf8');
    const res = await engine.analyze(rel, text, { root });
    // Two implementations of three send a request (the echo vendor answers locally).
    assert.deepEqual(
      res.findings.filter((f) => f.ruleId === RULE).map((f) => f.generation?.api),
      ['Relay (3 implementations; wraps Send → POST chat/completions)', 'Relay (3 implementations; wraps Send → POST chat/completions)', 'Relay (wraps POST chat/completions)'],
    );
    const labels = parseExpectations(text).filter((e) => e.ruleId === 'aigc-missing-label').map((e) => e.line);
    assert.deepEqual(res.findings.filter((f) => f.ruleId === 'aigc-missing-label').map((f) => f.range.start.line), labels);
  });

  it('keeps a Go interface unrelated to AI quiet, even over HTTP', async () => {
    const root = path.join(WS, 'go-gateway');
    const rel = 'internal/blob/store.go';
    const res = await engine.analyze(rel, fs.readFileSync(path.join(root, rel), 'utf8'), { root });
    assert.deepEqual(res.findings, []);
  });

  it('finds AI services built in the same file without a workspace root (the editor path)', async () => {
    const root = path.join(WS, 'java');
    const rel = 'src/main/java/com/acme/support/cli/TicketDigest.java';
    const res = await engine.analyze(rel, fs.readFileSync(path.join(root, rel), 'utf8'), { onlyRules: new Set([RULE]) });
    assert.deepEqual(res.findings.map((f) => f.range.start.line + 1), [34, 35, 37]);
  });

  it('finds nothing across files without a workspace root (the editor path stays file-local)', async () => {
    const root = path.join(WS, 'ts');
    const rel = 'src/providers/acme.ts';
    const res = await engine.analyze(rel, fs.readFileSync(path.join(root, rel), 'utf8'), { onlyRules: new Set([RULE]) });
    assert.equal(res.findings.length, 0);
  });
});

describe(`rule ${RULE} (workspace model: links out of the root)`, () => {
  it('does not follow an imported file that is a link leading out of the workspace', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-outside-'));
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-ws-'));
    // The endpoint is named only in the imported file, so only a followed link makes it a call.
    const paths = "export const CHAT_URL = 'https://api.openai.com/v1/chat/completions';\n";
    const app = "import { CHAT_URL } from './paths';\nexport async function ask(body: object) {\n  return fetch(CHAT_URL, { method: 'POST', body: JSON.stringify(body) });\n}\n";
    try {
      fs.writeFileSync(path.join(outside, 'paths.ts'), paths);
      fs.symlinkSync(path.join(outside, 'paths.ts'), path.join(root, 'paths.ts'));
      const linked = new Engine();
      try {
        const res = await linked.analyze('app.ts', app, { root, onlyRules: new Set([RULE]) });
        assert.equal(res.findings.length, 0, 'the link out of the root is not read');
      } finally {
        await linked.host.dispose();
      }
      // The same file inside the workspace is read (a fresh engine: verdicts are cached per scan).
      fs.rmSync(path.join(root, 'paths.ts'));
      fs.writeFileSync(path.join(root, 'paths.ts'), paths);
      const inside = new Engine();
      try {
        const res = await inside.analyze('app.ts', app, { root, onlyRules: new Set([RULE]) });
        assert.equal(res.findings.length, 1, JSON.stringify(res.findings));
      } finally {
        await inside.host.dispose();
      }
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe(`rule ${RULE} (configuration)`, () => {
  it('reports calls of the generation functions a team declares in .aireg.json, and nothing else by that name', async () => {
    const engine = new Engine(undefined, { ...defaultConfig(), generationFunctions: ['gateway.complete', { name: 'renderPoster', modality: 'image', provider: 'in-house' }] });
    try {
      const text = "import { gateway } from './gw';\nconst a = await gateway.complete(prompt);\nconst b = await cache.complete(key);\nconst c = renderPoster({ title });\n";
      const res = await engine.analyze('src/app.ts', text, { onlyRules: new Set([RULE]) });
      assert.deepEqual(res.findings.map((f) => [f.range.start.line, f.generation?.modality, f.generation?.provider]), [[1, 'text', 'declared'], [3, 'image', 'in-house']]);
    } finally {
      engine.host.dispose();
    }
  });

  it('keeps findings in test code out of warnings unless includeTests is set', async () => {
    const text = "import OpenAI from 'openai';\nconst client = new OpenAI();\nawait client.chat.completions.create({ model: 'gpt-4o', messages: [] });\n";
    for (const [file, includeTests, expected] of [['src/chat.ts', false, 'warning'], ['tests/chat.test.ts', false, 'info'], ['tests/chat.test.ts', true, 'warning'], ['pkg/test_chat.py', false, 'info']] as const) {
      const engine = new Engine(undefined, { ...defaultConfig(), includeTests, rules: { [RULE]: 'warning' } });
      try {
        const body = file.endsWith('.py') ? 'from openai import OpenAI\nclient = OpenAI()\nclient.chat.completions.create(model="m", messages=[])\n' : text;
        const res = await engine.analyze(file, body, { onlyRules: new Set([RULE]) });
        assert.equal(res.findings.length, 1, file);
        assert.equal(res.findings[0]!.severity, expected, `${file} includeTests=${String(includeTests)}`);
      } finally {
        engine.host.dispose();
      }
    }
  });
});
