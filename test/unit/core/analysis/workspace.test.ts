/**
 * The workspace model's link verdicts: whether a project file passes a link filter, or (Python)
 * imports one that does, is remembered per file and per filter, so two callers with different
 * filters each get their own answer whichever asks first.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FileModel } from '../../../../src/core/analysis/model';
import { type LinkFilter, Workspace } from '../../../../src/core/analysis/workspace';
import { defaultConfig } from '../../../../src/core/config';
import { Engine } from '../../../../src/core/engine';
import { languageForPath } from '../../../../src/core/languages';
import { TreeSitterHost } from '../../../../src/core/parser';
import { linkRelevantFilter } from '../../../../src/core/rules/prefilter';

/** Writes `text` to `rel` under `root`, making its folders. */
function writeUnder(root: string, rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
}

describe('Workspace link verdicts', () => {
  const host = new TreeSitterHost();
  after(() => host.dispose());
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-ws-'));
    const write = (rel: string, text: string): void => writeUnder(root, rel, text);
    // `pipeline.py` only imports `core.py`, whose text names something only one filter takes.
    write('app/__init__.py', '');
    write('app/core.py', 'def sample(x):\n    return complete(x)\n');
    write('app/pipeline.py', 'from app.core import sample\n\ndef run(x):\n    return sample(x)\n');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  /** A filter that counts how often it reads a text. */
  const counting = (key: string, test: (t: string) => boolean): LinkFilter & { calls: number } => {
    const f = { key, calls: 0, test: (t: string): boolean => (f.calls++, test(t)) };
    return f;
  };

  it('answers each filter by its own test, whichever asks first, and reads a text once per filter', async () => {
    const ws = new Workspace(root, host);
    const names = counting('names', (t) => t.includes('complete('));
    const sdk = counting('sdk', (t) => t.includes('import openai'));
    // The narrower filter asks first; the wider one still gets its own answer (and the reverse).
    assert.equal(await ws.passes('app/core.py', sdk), false);
    assert.equal(await ws.passes('app/core.py', names), true);
    assert.equal(await ws.passes('app/core.py', sdk), false);
    assert.equal(await ws.passes('app/core.py', names), true);
    assert.equal(names.calls, 1);
    assert.equal(sdk.calls, 1);
    // Reach (a Python file importing one that passes) is kept per filter as well.
    assert.equal(await ws.reaches('app/pipeline.py', sdk), false);
    assert.equal(await ws.reaches('app/pipeline.py', names), true);
    const ws2 = new Workspace(root, host);
    assert.equal(await ws2.reaches('app/pipeline.py', names), true);
    assert.equal(await ws2.reaches('app/pipeline.py', sdk), false);
  });

  it('forgets the verdicts of a file that changed, for every filter', async () => {
    const ws = new Workspace(root, host);
    const names = counting('names', (t) => t.includes('complete('));
    const other = counting('other', (t) => t.includes('sample('));
    assert.equal(await ws.passes('app/core.py', names), true);
    assert.equal(await ws.passes('app/core.py', other), true);
    fs.writeFileSync(path.join(root, 'app/core.py'), 'X = 1\n');
    ws.invalidate('app/core.py');
    assert.equal(await ws.passes('app/core.py', names), false);
    assert.equal(await ws.passes('app/core.py', other), false);
    assert.equal(await ws.reaches('app/pipeline.py', names), false);
  });

  it("keys the engine's link filter by the team's declared generation functions", () => {
    const python = languageForPath('a.py')!;
    const plain = linkRelevantFilter(python, defaultConfig());
    const declared = linkRelevantFilter(python, { ...defaultConfig(), generationFunctions: ['acme.llm.complete'] });
    assert.notEqual(plain.key, declared.key, 'filters that can answer differently have different keys');
    assert.equal(linkRelevantFilter(python, defaultConfig()), plain, 'the same filter for the same configuration');
    const text = 'def sample(x):\n    return complete(x)\n';
    assert.equal(plain.test(text), false);
    assert.equal(declared.test(text), true);
    assert.notEqual(linkRelevantFilter(languageForPath('a.ts')!, defaultConfig()).key, plain.key, 'one filter per language');
  });
});

describe('Workspace trees shared with analyses', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-share-'));
    fs.mkdirSync(path.join(root, 'app'));
    // A client that sends to an endpoint named in another file, and that file.
    fs.writeFileSync(path.join(root, 'app/endpoints.ts'), "export const CHAT_URL = 'https://api.openai.com/v1/chat/completions';\n");
    fs.writeFileSync(
      path.join(root, 'app/client.ts'),
      "import { CHAT_URL } from './endpoints';\n\nexport async function ask(prompt: string) {\n  const r = await fetch(CHAT_URL, { method: 'POST', body: JSON.stringify({ messages: [{ role: 'user', content: prompt }] }) });\n  return r.json();\n}\n",
    );
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  /** An engine whose host counts its parses per file (the real parser still parses). */
  const counted = (): { engine: Engine; parses: Map<string, number> } => {
    const engine = new Engine();
    const parses = new Map<string, number>();
    const parse = engine.host.parse.bind(engine.host);
    engine.host.parse = (id, text, file, oldTree) => {
      parses.set(file ?? '', (parses.get(file ?? '') ?? 0) + 1);
      return parse(id, text, file, oldTree);
    };
    return { engine, parses };
  };
  const read = (rel: string): string => fs.readFileSync(path.join(root, rel), 'utf8');
  const write = (rel: string, text: string): void => fs.writeFileSync(path.join(root, rel), text);
  /** Sixty one-line modules, more than the workspace keeps live. */
  const fillers = Array.from({ length: 60 }, (_, i) => `app/m${i}.ts`);
  const writeFillers = (): void => fillers.forEach((rel, i) => write(rel, `export const M${i} = ${i};\n`));
  const loadFillers = async (ws: Workspace): Promise<void> => {
    for (const rel of fillers) await ws.load(rel);
  };
  const brief = (fs: readonly { ruleId: string; range: { startOffset: number }; message: string }[]): string[] => fs.map((f) => `${f.ruleId}@${f.range.startOffset}:${f.message}`);

  for (const order of [['app/client.ts', 'app/endpoints.ts'], ['app/endpoints.ts', 'app/client.ts']]) {
    it(`parses each file once when ${order[0]} is analysed first, with the same findings as alone`, async () => {
      const { engine, parses } = counted();
      const results = new Map<string, string[]>();
      for (const rel of order) results.set(rel, brief((await engine.analyze(rel, read(rel), { root, triaged: true })).findings));
      assert.deepEqual(Object.fromEntries(parses), { 'app/client.ts': 1, 'app/endpoints.ts': 1 });
      assert.ok(results.get('app/client.ts')!.some((f) => f.startsWith('aigc-generation-call@')), 'the endpoint still resolves through the import');
      for (const rel of order) {
        const alone = new Engine();
        assert.deepEqual(results.get(rel), brief((await alone.analyze(rel, read(rel), { root, triaged: true })).findings), rel);
        alone.host.dispose();
      }
      engine.host.dispose();
    });
  }

  it('lends a tree only for the text it was parsed from, and forgets it when the file changes', async () => {
    const { engine, parses } = counted();
    const ws = engine.workspace(root);
    const text = read('app/endpoints.ts');
    assert.ok(await ws.load('app/endpoints.ts'));
    assert.ok(ws.borrow('app/endpoints.ts', text), 'the loaded tree is lent for its text');
    assert.equal(ws.borrow('app/endpoints.ts', `${text}// edited\n`), undefined, 'not for another text');
    ws.invalidate('app/endpoints.ts');
    assert.equal(ws.borrow('app/endpoints.ts', text), undefined, 'not after the file changed');
    // An editor analysis keeps its tree for the next edit: it neither borrows nor hands over.
    await engine.analyze('app/endpoints.ts', text, { root, triaged: true, keepTree: true }).then((r) => r.tree?.delete());
    assert.equal(ws.borrow('app/endpoints.ts', text), undefined);
    assert.equal(parses.get('app/endpoints.ts'), 2);
    engine.host.dispose();
  });

  it('keeps a file many importers link when evicting, before files linked once', async () => {
    const { engine, parses } = counted();
    const ws = engine.workspace(root);
    writeFillers();
    const hub = read('app/endpoints.ts');
    ws.begin();
    await ws.load('app/endpoints.ts');
    await ws.load('app/endpoints.ts');
    await loadFillers(ws);
    ws.end();
    assert.ok(ws.liveFiles < 61, 'files beyond the bound were evicted');
    assert.ok(ws.borrow('app/endpoints.ts', hub), 'the file asked for twice is still live');
    assert.equal(ws.borrow('app/m0.ts', read('app/m0.ts')), undefined, 'the oldest file asked for once is not');
    assert.equal(parses.get('app/endpoints.ts'), 1);
    engine.host.dispose();
  });

  it('keeps the modules a file many importers link links itself, not only that file', async () => {
    const { engine, parses } = counted();
    const ws = engine.workspace(root);
    write('app/__init__.py', '');
    write('app/core.py', 'def sample(x):\n    return x\n');
    write('app/pipeline.py', 'from app.core import sample\n\ndef run(x):\n    return sample(x)\n');
    // Three rounds of analyses that each link the pipeline twice (and through it, once, the core
    // module) and more modules of their own than the workspace keeps: the core module is asked for
    // as seldom as any of those and is older, and evicting it would take the pipeline with it.
    for (let round = 0; round < 3; round++) {
      const own = Array.from({ length: 60 }, (_, i) => `app/r${round}m${i}.ts`);
      own.forEach((rel, i) => write(rel, `export const M${i} = ${i};\n`));
      ws.begin();
      for (let importer = 0; importer < 2; importer++) {
        const model = (await ws.load('app/pipeline.py'))!.model;
        await ws.link(model, 'app/pipeline.py');
      }
      for (const rel of own) await ws.load(rel);
      ws.end();
      assert.ok(ws.liveFiles <= 48, 'files beyond the bound were evicted');
    }
    assert.equal(parses.get('app/pipeline.py'), 1, 'the pipeline was parsed once');
    assert.equal(parses.get('app/core.py'), 1, 'and the module it links too');
    engine.host.dispose();
  });

  it('evicts a file whose model links an evicted file with it, so no live model reads a deleted tree', async () => {
    const { engine } = counted();
    const ws = engine.workspace(root);
    write('app/__init__.py', '');
    write('app/core.py', 'def sample(x):\n    return x\n');
    write('app/pipeline.py', 'from app.core import sample\n\ndef run(x):\n    return sample(x)\n');
    writeFillers();
    /** Loads the pipeline and links the core module into it. */
    const linkedPipeline = async (): Promise<FileModel> => {
      const model = (await ws.load('app/pipeline.py'))!.model;
      await ws.link(model, 'app/pipeline.py');
      assert.ok([...model.linked.values()].length > 0, 'the pipeline links the core module');
      return model;
    };
    ws.begin();
    const pipeline = await linkedPipeline();
    // The fillers are asked for twice, so the pipeline and its module, asked for once, go first.
    await loadFillers(ws);
    await loadFillers(ws);
    ws.end();
    assert.equal(ws.borrow('app/core.py', read('app/core.py')), undefined, 'the core module, asked for once, is evicted');
    assert.equal(ws.borrow('app/pipeline.py', read('app/pipeline.py')), undefined, 'and the pipeline that links it goes with it');
    // Loaded again, it is a new model with live links; a change to the core module drops it too.
    const again = await linkedPipeline();
    assert.notEqual(again, pipeline);
    ws.invalidate('app/core.py');
    assert.equal(ws.borrow('app/pipeline.py', read('app/pipeline.py')), undefined, 'a file linking a changed file is dropped with it');
    engine.host.dispose();
  });

  it('answers a name two linked Python modules import from each other, without recursing forever', async () => {
    const { engine } = counted();
    const ws = engine.workspace(root);
    write('app/__init__.py', '');
    // Packages import each other: each module takes `client` (and `make`) from the other.
    write('app/core.py', 'from app.frames import client, make\n\ndef run():\n    return make()\n');
    write('app/frames.py', 'from app.core import client, make\n');
    ws.begin();
    const core = (await ws.load('app/core.py'))!.model;
    const frames = (await ws.load('app/frames.py'))!.model;
    await ws.link(core, 'app/core.py');
    await ws.link(frames, 'app/frames.py');
    ws.end();
    assert.ok([...core.linked.values()].includes(frames) && [...frames.linked.values()].includes(core), 'each links the other');
    const value = core.exportedValue('client');
    assert.equal(value?.module, 'app.frames', 'the import itself is the answer');
    assert.equal(frames.exportedReturn('make'), undefined);
    engine.host.dispose();
  });
});

describe('Python dispatch across files', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-dispatch-'));
    const write = (rel: string, text: string): void => writeUnder(root, rel, text);
    // A channel → bridge → router → engine chain, as a chat-bot framework writes it; the channel
    // also tokenizes its input, which makes it a candidate of its own. The engine's leaf is either
    // a provider's SDK or a tokenizer whose `generate_tokens(` only looks like a model call.
    write('bot/__init__.py', '');
    write('bot/channel.py', 'from tokenize import generate_tokens\nfrom bot.bridge import Bridge\n\ndef handle(q):\n    words = list(generate_tokens(q))\n    reply = Bridge().fetch_reply(words)\n    return reply\n');
    write('bot/bridge.py', 'from bot.router import Router\n\nclass Bridge:\n    def fetch_reply(self, q):\n        return Router().route(q)\n');
    write('bot/router.py', 'from bot.engine import Engine\n\nclass Router:\n    def route(self, q):\n        return Engine().answer(q)\n');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const analyzeChannel = async (engineText: string): Promise<{ engine: Engine; apis: (string | undefined)[] }> => {
    fs.writeFileSync(path.join(root, 'bot/engine.py'), engineText);
    const engine = new Engine();
    const rel = 'bot/channel.py';
    const res = await engine.analyze(rel, fs.readFileSync(path.join(root, rel), 'utf8'), { root, onlyRules: new Set(['aigc-generation-call']) });
    return { engine, apis: res.findings.map((f) => f.generation?.api) };
  };

  it('follows a chain of project classes to a provider call three files away', async () => {
    const { engine, apis } = await analyzeChannel('from openai import OpenAI\n\nclient = OpenAI()\n\nclass Engine:\n    def answer(self, q):\n        return client.chat.completions.create(model="m", messages=[q])\n');
    assert.equal(apis.length, 1);
    assert.match(apis[0] ?? '', /Bridge\.fetch_reply → Router\.route → Engine\.answer/);
    assert.ok(engine.workspace(root).hasLoaded('bot/router.py'));
  });

  it('opens no file of a chain that can only end at a guess from names', async () => {
    // `generate_tokens(` passes the generation prefilter (a local model's method name), but a
    // chain counts only what the catalog names for certain, so the files down the chain that only
    // the dispatch would open stay closed.
    const { engine, apis } = await analyzeChannel('from tokenize import generate_tokens\n\nclass Engine:\n    def answer(self, q):\n        return list(generate_tokens(q))\n');
    assert.deepEqual(apis, []);
    assert.equal(engine.workspace(root).hasLoaded('bot/router.py'), false);
    assert.equal(engine.workspace(root).hasLoaded('bot/engine.py'), false);
  });

  it('links a linked file\'s own imports only where a provider is named, unless it holds a base class', async () => {
    const write = (rel: string, text: string): void => writeUnder(root, rel, text);
    // The app calls a helper module; the helper imports a tokenizer (a local model's name only)
    // and a client module (a provider's SDK); a base class's module imports the tokenizer too.
    write('bot/tok.py', 'import tokenize\n\ndef words(s):\n    return list(tokenize.generate_tokens(s))\n');
    write('bot/client.py', 'from openai import OpenAI\n\nclient = OpenAI()\n\ndef ask(q):\n    return client.responses.create(model="m", input=q)\n');
    write('bot/helper.py', 'from bot.tok import words\nfrom bot.client import ask\n\ndef reply(q):\n    return ask(" ".join(words(q)))\n');
    write('bot/app.py', 'from tokenize import generate_tokens\nfrom bot.helper import reply\n\ndef handle(q):\n    return reply(q)\n');
    const engine = new Engine();
    const res = await engine.analyze('bot/app.py', fs.readFileSync(path.join(root, 'bot/app.py'), 'utf8'), { root, onlyRules: new Set(['aigc-generation-call']) });
    assert.deepEqual(res.findings.map((f) => f.generation?.api), ['reply (wraps ask (wraps responses.create))']);
    assert.ok(engine.workspace(root).hasLoaded('bot/client.py'));
    assert.equal(engine.workspace(root).hasLoaded('bot/tok.py'), false);
    // A base class's module links what it imports as the app's own imports are linked.
    write('bot/base.py', 'from bot.tok import words\n\nclass Base:\n    def __init__(self):\n        self.tok = words\n');
    write('bot/sub.py', 'from tokenize import generate_tokens\nfrom bot.base import Base\n\nclass Sub(Base):\n    def run(self, q):\n        return self.tok(q)\n');
    const engine2 = new Engine();
    await engine2.analyze('bot/sub.py', fs.readFileSync(path.join(root, 'bot/sub.py'), 'utf8'), { root, onlyRules: new Set(['aigc-generation-call']) });
    assert.ok(engine2.workspace(root).hasLoaded('bot/tok.py'));
  });
});
