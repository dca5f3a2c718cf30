import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import type { Tree } from 'web-tree-sitter';
import { defaultConfig } from '../../src/core/config';
import { Engine } from '../../src/core/engine';
import { languageForPath } from '../../src/core/languages';
import { TreeSitterHost } from '../../src/core/parser';
import { ALL_RULES } from '../../src/core/rules';
import { missingLabelRule } from '../../src/core/rules/missingLabel';
import type { GenerationCall, RawFinding, RuleContext } from '../../src/core/rules/rule';
import { sarifResult } from '../../src/core/sarif';
import { compilePattern } from '../../src/core/rules/flow/catalog';
import { FIXTURE_ROOT, evaluateWithMarkedCalls, fixtureFiles, parseExpectations, runWithMarkedCalls } from '../../scripts/precision';
import { flowSteps } from '../../src/core/rules/flow/taint';
import { checkFixture } from './harness';
import { analyzeFiles } from '../../src/cli/scan';

const RULE = 'aigc-missing-label' as const;
const DATA = path.join(__dirname, '..', '..', 'data');

describe('review rule catalogs', () => {
  for (const name of ['labels', 'sinks', 'recommenders', 'biometric']) {
    it(`data/${name}.json matches its schema and every pattern compiles`, () => {
      const schema = JSON.parse(fs.readFileSync(path.join(DATA, 'schemas', `${name}.schema.json`), 'utf8'));
      const data = JSON.parse(fs.readFileSync(path.join(DATA, `${name}.json`), 'utf8'));
      const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);
      assert.ok(validate(data), JSON.stringify(validate.errors, null, 2));
      // Every string under a pattern-ish key must be a valid regular expression.
      const patterns: string[] = [];
      const collect = (v: unknown, key: string): void => {
        if (typeof v === 'string' && /callee|receiver|argText|imports|key|valueText|gate|commandText|left|exclude|firstArg|userSignals|rankCallees|Names|explicitText|python|java|reactStateHooks|option|handlerType|methods|listener|event|property|sessionOptions|hooks|members|^go$/.test(key)) patterns.push(v);
        else if (Array.isArray(v)) for (const x of v) collect(x, key);
        else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) collect(x, k);
      };
      collect(data, '');
      assert.ok(patterns.length > 10);
      for (const p of patterns) assert.doesNotThrow(() => compilePattern(p), p);
    });
  }
});

/** End to end: the real generation detector feeds the rule, as in the CLI and the editor. */
describe(`rule ${RULE} (fixtures, engine with the generation detector)`, () => {
  const engine = new Engine();
  after(() => engine.host.dispose());
  for (const file of fixtureFiles()) {
    it(path.relative(FIXTURE_ROOT, file), async () => {
      const outcome = await checkFixture(engine, file, [RULE]);
      assert.deepEqual(outcome.problems, []);
    });
  }
});

/**
 * The rule's own logic, with the generation calls taken from the fixtures' markers
 * (`expect: aigc-generation-call modality=...`), so these tests hold whatever the detector finds.
 */
describe(`rule ${RULE} (fixtures, marked generation calls)`, () => {
  const engine = new Engine();
  after(() => engine.host.dispose());

  const files = fixtureFiles();
  it('has fixtures for every language family and sink kind', () => {
    const own = files.filter((f) => f.includes(`${path.sep}${RULE}${path.sep}`));
    for (const ext of ['.ts', '.tsx', '.js', '.py', '.go', '.java']) assert.ok(own.some((f) => f.endsWith(ext)), `missing a ${ext} fixture`);
    const kinds = new Set(own.flatMap((f) => parseExpectations(fs.readFileSync(f, 'utf8')).map((e) => e.attrs.sinkKind)));
    for (const k of ['http', 'network', 'stream', 'file', 'ui', 'storage']) assert.ok(kinds.has(k), `no fixture asserts sinkKind=${k}`);
  });

  for (const file of files) {
    it(path.relative(FIXTURE_ROOT, file), async () => {
      const outcome = await evaluateWithMarkedCalls(engine, file, RULE);
      assert.deepEqual(outcome.problems, []);
    });
  }

  it('links the finding to its generation call and says what is missing', async () => {
    const text = fs.readFileSync(path.join(FIXTURE_ROOT, RULE, 'express.ts'), 'utf8');
    const { findings } = await runWithMarkedCalls(engine, 'express.ts', text, RULE);
    const image = findings.find((f) => f.data?.sinkKind === 'file');
    assert.ok(image, 'the image written to disk is reported');
    assert.equal(image.data?.missing, 'both');
    assert.equal(image.data?.modality, 'image');
    assert.match(image.message, /image/);
    assert.match(image.message, /Arts\. 4-5/);
    const related = image.related?.[0];
    assert.ok(related);
    assert.match(text.slice(related.range.startOffset, related.range.endOffset), /images\.generate/);
  });

  it('treats a declared label function as a label', async () => {
    const text = [
      "import OpenAI from 'openai';",
      'const openai = new OpenAI();',
      'export async function handler(req, res) {',
      "  const r = await openai.chat.completions.create({ model: 'gpt-4o', messages: [] }); // expect: aigc-generation-call modality=text",
      '  res.json(labels.apply(r.choices[0].message.content));',
      '}',
      '',
    ].join('\n');
    const plain = await runWithMarkedCalls(engine, 'h.js', text, RULE);
    assert.equal(plain.findings.length, 1);
    assert.equal(plain.findings[0]!.range.start.line, 4);
    const configured = new Engine(engine.host, { ...engine.config, labelFunctions: ['labels.apply'] });
    const labeled = await runWithMarkedCalls(configured, 'h.js', text, RULE);
    assert.equal(labeled.findings.length, 0);
  });

  it('asks a team with only the user role for the explicit label alone', async () => {
    const text = [
      'def save(prompt):',
      '    image = pipe(prompt).images[0]  # expect: aigc-generation-call modality=image',
      '    draw_caption(image, "AI生成")',
      '    image.save("out.png")',
      '',
    ].join('\n');
    const provider = await runWithMarkedCalls(engine, 's.py', text, RULE);
    assert.equal(provider.findings.length, 1);
    assert.equal(provider.findings[0]!.data?.missing, 'implicit');
    const user = new Engine(engine.host, { ...engine.config, roles: ['user'] });
    assert.equal((await runWithMarkedCalls(user, 's.py', text, RULE)).findings.length, 0);
  });
});

describe('review rules on broken input', () => {
  const engine = new Engine();
  after(() => engine.host.dispose());

  it('never throw on truncated fixtures (syntax errors everywhere)', async () => {
    const rules = ['aigc-missing-label', 'aigc-invalid-label-metadata', 'aigc-label-stripped', 'rec-no-opt-out', 'biometric-no-consent'] as const;
    let runs = 0;
    for (const file of fixtureFiles()) {
      const text = fs.readFileSync(file, 'utf8');
      const rel = path.relative(FIXTURE_ROOT, file);
      // Cut the file at a spread of places, keeping the generation-call markers before the cut.
      for (let cut = 37; cut < text.length; cut += Math.max(211, Math.floor(text.length / 6))) {
        const broken = text.slice(0, cut) + '\n)}]"\'`';
        const res = await engine.analyze(rel, broken);
        assert.deepEqual(res.notices.filter((n) => /rule .* failed/.test(n.message)), [], `${rel} cut at ${cut}`);
        for (const rule of rules) {
          // A cut inside a multi-line generation call leaves its marker without a call: the
          // harness refuses such input, which says nothing about the rules.
          await runWithMarkedCalls(engine, rel, broken, rule).catch((err: Error) => {
            if (!/no call on a line marked as a generation call/.test(err.message)) throw err;
          });
        }
        runs++;
      }
    }
    assert.ok(runs > 50, `only ${runs} runs`);
  });
});

describe(`rule ${RULE} stays linear in the generation calls of one function`, () => {
  // No rule time budget here: the step counter, not the clock, is what this test measures.
  const engine = new Engine(undefined, undefined, { ruleBudgetMs: Number.POSITIVE_INFINITY });
  after(() => engine.host.dispose());

  /** One handler with `n` generation calls, each written to the response. */
  const handler = (n: number): string => {
    const lines = ["import OpenAI from 'openai';", 'const openai = new OpenAI();', 'export async function handler(req, res) {'];
    for (let i = 0; i < n; i++) {
      lines.push(`  const r${i} = await openai.chat.completions.create({ model: 'gpt-4o', messages: [] });`);
      lines.push(`  res.write(r${i}.choices[0].message.content);`);
    }
    lines.push('}', '');
    return lines.join('\n');
  };

  it('reports each of 10,000 calls once with work proportional to the calls (step counter, not time)', async function () {
    this.timeout(120_000);
    const steps = async (n: number): Promise<{ steps: number; findings: number }> => {
      const before = flowSteps.count;
      const res = await engine.analyze('big.js', handler(n), { onlyRules: new Set(['aigc-generation-call', RULE]) });
      return { steps: flowSteps.count - before, findings: res.findings.filter((f) => f.ruleId === RULE).length };
    };
    const small = await steps(1_000);
    const large = await steps(10_000);
    assert.equal(small.findings, 1_000);
    assert.equal(large.findings, 10_000);
    // Quadratic work would be 100 times the small file's; linear work is about 10 times.
    assert.ok(large.steps < 12 * small.steps, `${large.steps} steps for 10,000 calls vs ${small.steps} for 1,000`);
  });
});

describe(`rule ${RULE} settings and paths`, () => {
  const engine = new Engine();
  after(() => engine.host.dispose());
  const script = [
    'from openai import OpenAI',
    'client = OpenAI()',
    'def main():',
    '    reply = client.chat.completions.create(model="gpt-4o", messages=[])',
    '    print(reply.choices[0].message.content)',
    '    publish_reply(reply.choices[0].message.content)',
    '',
  ].join('\n');

  it('reports terminal output at low confidence, and not at all with terminalExits: false', async () => {
    const on = (await engine.analyze('cli.py', script)).findings.filter((f) => f.ruleId === RULE);
    assert.deepEqual(on.map((f) => [f.range.start.line, f.data?.sinkKind, f.confidence, f.severity]), [[4, 'terminal', 'low', 'info']]);
    const quiet = new Engine(engine.host, { ...engine.config, rules: { [RULE]: { terminalExits: false } } });
    assert.equal((await quiet.analyze('cli.py', script)).findings.filter((f) => f.ruleId === RULE).length, 0);
  });

  it('reports a reply written to a log at info level or above (loguru, pino, slf4j, Go\'s log) as terminal output, not a debug log, a usage figure or an error', async () => {
    const files: Record<string, string> = {
      'agent.py': [
        'from openai import OpenAI',
        'from loguru import logger',
        'client = OpenAI()',
        'def run_conversation(query):',
        '    response = client.chat.completions.create(model="glm-4", messages=[{"role": "user", "content": query}])',
        '    reply = response.choices[0].message.content',
        '    logger.info(f"Final Reply: {reply}")',
        '    logger.info(f"prompt tokens: {response.usage.prompt_tokens}")',
        '    logger.debug(f"raw: {reply}")',
        '',
      ].join('\n'),
      'reply.ts': [
        "import OpenAI from 'openai';",
        "import pino from 'pino';",
        'const logger = pino();',
        'const client = new OpenAI();',
        'export async function answer(question: string): Promise<void> {',
        "  const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: question }] });",
        "  logger.info(completion.choices[0]?.message?.content ?? '');",
        '}',
        '',
      ].join('\n'),
      'Assistant.java': [
        'package demo;',
        'import dev.langchain4j.model.chat.ChatLanguageModel;',
        'import org.slf4j.Logger;',
        'public class Assistant {',
        '    private static final Logger log = org.slf4j.LoggerFactory.getLogger(Assistant.class);',
        '    private final ChatLanguageModel model;',
        '    public Assistant(ChatLanguageModel model) { this.model = model; }',
        '    public void answer(String question) {',
        '        String reply = model.chat(question);',
        '        log.info("reply: {}", reply);',
        '    }',
        '}',
        '',
      ].join('\n'),
      // The errors of calls given the reply (`if err := json.Unmarshal(...)`, `weather, err := ...`)
      // are not the reply: the flow follows names, so one tainted `err` would taint them all.
      'main.go': [
        'package main',
        'import (',
        '\t"context"',
        '\t"encoding/json"',
        '\t"log"',
        '\t"github.com/tmc/langchaingo/llms"',
        '\t"github.com/tmc/langchaingo/llms/openai"',
        ')',
        'func main() {',
        '\tllm, err := openai.New()',
        '\tif err != nil {',
        '\t\tlog.Fatal(err)',
        '\t}',
        '\tresp, err := llm.GenerateContent(context.Background(), []llms.MessageContent{})',
        '\tif err != nil {',
        '\t\tlog.Fatal(err)',
        '\t}',
        '\tvar args struct{ Location string }',
        '\tif err := json.Unmarshal([]byte(resp.Choices[0].Content), &args); err != nil {',
        '\t\tlog.Fatal(err)',
        '\t}',
        '\tweather, err := lookup(args.Location)',
        '\tif err != nil {',
        '\t\tlog.Fatal(err)',
        '\t}',
        '\t_ = weather',
        '\tlog.Println(resp.Choices[0].Content)',
        '}',
        'func lookup(loc string) (string, error) { return loc, nil }',
        '',
      ].join('\n'),
    };
    const expected: Record<string, number> = { 'agent.py': 6, 'reply.ts': 6, 'Assistant.java': 9, 'main.go': 26 };
    for (const [name, text] of Object.entries(files)) {
      const found = (await engine.analyze(name, text)).findings.filter((f) => f.ruleId === RULE);
      assert.deepEqual(found.map((f) => [f.range.start.line, f.data?.sinkKind, f.data?.exit, f.confidence]), [[expected[name], 'terminal', 'log output', 'low']], name);
    }
  });

  it('takes the team\'s own exits from the configuration', async () => {
    const custom = new Engine(engine.host, { ...engine.config, rules: { [RULE]: { exits: [{ kind: 'storage', callee: '^publish_reply$', families: ['python'] }, { kind: 'http', callee: '(' }] } } });
    const found = (await custom.analyze('cli.py', script)).findings.filter((f) => f.ruleId === RULE);
    assert.deepEqual(found.map((f) => [f.range.start.line, f.data?.sinkKind]), [[4, 'terminal'], [5, 'storage']]);
  });

  it('gives the path through helpers as related locations and a SARIF code flow', async () => {
    const text = [
      'from openai import OpenAI',
      'import soundfile as sf',
      'client = OpenAI()',
      'def store(samples, path):',
      '    sf.write(path, samples, 24000)',
      'def speak(text):',
      '    audio = client.audio.speech.create(model="tts-1", voice="alloy", input=text)',
      '    store(audio.content, "out.wav")',
      '',
    ].join('\n');
    const [f] = (await engine.analyze('tts.py', text)).findings.filter((x) => x.ruleId === RULE);
    assert.ok(f);
    assert.equal(f.range.start.line, 4);
    assert.equal(f.data?.hops, 1);
    assert.deepEqual(f.related?.map((r) => r.range.start.line), [6, 7]);
    assert.match(f.message, /passed to store\(\) \(line 8\)/);
    const sarif = sarifResult(f, false);
    const steps = sarif.codeFlows?.[0]?.threadFlows[0]?.locations.map((l) => l.location.physicalLocation.region?.startLine);
    assert.deepEqual(steps, [7, 8, 5]);
  });
});

describe(`rule ${RULE} across project files (workspace model)`, () => {
  const host = new TreeSitterHost();
  after(() => host.dispose());
  const files: Record<string, string> = {
    'app/main.py': [
      'from openai import OpenAI',
      'from .media import save_clip, save_labeled',
      'client = OpenAI()',
      'def make(prompt):',
      '    img = client.images.generate(model="gpt-image-1", prompt=prompt)',
      '    save_clip(img.data[0].b64_json, "out.png")',
      '    save_labeled(img.data[0].b64_json, "labeled.png")',
      '',
    ].join('\n'),
    'app/media.py': [
      'import base64',
      'def save_clip(b64, path):',
      '    with open(path, "wb") as f:',
      '        f.write(base64.b64decode(b64))',
      'def save_labeled(b64, path):',
      '    data = add_watermark(base64.b64decode(b64))',
      '    data = embed_aigc_metadata(data)',
      '    with open(path, "wb") as f:',
      '        f.write(data)',
      '',
    ].join('\n'),
  };
  const loads: string[] = [];
  const trees: Tree[] = [];
  const workspace = {
    // The engine's workspace model also links imports for the generation detector; nothing to link here.
    link: async (): Promise<void> => undefined,
    resolveModule: (_family: string, from: string, spec: string) => (spec.replace(/^\./, '') === 'media' && from.startsWith('app/') ? 'app/media.py' : undefined),
    load: async (rel: string) => {
      loads.push(rel);
      const text = files[rel];
      if (text === undefined) return undefined;
      const tree = await host.parse('python', text, rel);
      trees.push(tree);
      return { tree, model: { text } };
    },
  };
  after(() => trees.forEach((t) => t.delete()));

  it('reports a value passed to an imported helper that writes it unlabeled, at the call, with the exit as the last step', async () => {
    const text = files['app/main.py']!;
    const language = languageForPath('app/main.py')!;
    const tree = await host.parse(language.id, text, 'app/main.py');
    trees.push(tree);
    const raws: RawFinding[] = [];
    const ctx: RuleContext = { file: 'app/main.py', text, language, tree, host, config: defaultConfig(), generationCalls: [] as GenerationCall[], report: (f: RawFinding) => raws.push(f) };
    // The engine's workspace model is described structurally by the rule; this stand-in has its shape.
    Object.assign(ctx, { workspace });
    for (const rule of ALL_RULES.filter((r) => r.id === 'aigc-generation-call' || r.id === RULE)) await rule.run(ctx);
    const found = raws.filter((f) => f.ruleId === RULE);
    assert.deepEqual(found.map((f) => [f.range.start.line, f.data?.exitFile, f.data?.missing]), [[5, 'app/media.py', 'both']]);
    const last = found[0]!.related!.at(-1)!;
    assert.equal(last.file, 'app/media.py');
    assert.equal(last.range.start.line, 3);
    // The helper's summary is computed once: a second file calling it reuses it.
    const loadsBefore = loads.length;
    const again: RawFinding[] = [];
    await missingLabelRule.run({ ...ctx, report: (f: RawFinding) => again.push(f) });
    assert.deepEqual(again.map((f) => [f.range.start.line, f.message]), [[5, found[0]!.message]]);
    assert.equal(loads.length, loadsBefore, 'the summaries are reused, not recomputed');
  });
});

describe(`rule ${RULE} across project files (the scan's reverse-import index)`, () => {
  const WS = path.join(__dirname, '..', 'fixtures', 'flow-workspace');
  const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));

  /**
   * Scans a fixture project as the CLI does and lists where the findings of this rule and the
   * generation rule differ from the `expect:` markers (and, with `attrs`, from the markers' values
   * other than modality).
   */
  async function workspaceProblems(root: string, files: RegExp, attrs: boolean): Promise<{ results: Awaited<ReturnType<typeof analyzeFiles>>['results']; problems: string[] }> {
    const tasks = walk(root).filter((f) => files.test(f)).map((f) => ({ path: f, relPath: path.relative(root, f).split(path.sep).join('/') }));
    const { results } = await analyzeFiles(tasks, { config: defaultConfig(), jobs: 1 });
    const problems: string[] = [];
    for (const r of results) {
      const text = fs.readFileSync(path.join(root, r.file), 'utf8');
      for (const rule of [RULE, 'aigc-generation-call'] as const) {
        const expected = parseExpectations(text).filter((e) => e.ruleId === rule);
        const found = r.findings.filter((f) => f.ruleId === rule);
        for (const e of expected) {
          const f = found.find((x) => x.range.start.line === e.line);
          if (!f) problems.push(`${r.file}:${e.line + 1} missing ${rule}`);
          else if (attrs) for (const [k, v] of Object.entries(e.attrs)) if (String(f.data?.[k] ?? '') !== v && k !== 'modality') problems.push(`${r.file}:${e.line + 1} ${k}=${String(f.data?.[k])}, expected ${v}`);
        }
        for (const f of found) if (!expected.some((e) => e.line === f.range.start.line)) problems.push(`${r.file}:${f.range.start.line + 1} unexpected ${rule}: ${f.message}`);
      }
    }
    return { results, problems };
  }

  it('java: a service method that generates is a generation call in the controller, whose return is the exit', async () => {
    // Spring: the controller imports Spring AI for one direct call of its own and calls services
    // (a ChatClient built from the injected builder, a Spring AI Alibaba agent) in other methods;
    // a service method that labels what it returns hands back labeled content. A workflow object
    // of the runner's own package is constructed in the expression that calls it (`new W(c).run(x)`).
    const { results, problems } = await workspaceProblems(path.join(WS, 'java'), /\.java$/, false);
    assert.equal(results.length, 5);
    assert.deepEqual(problems, []);
  });

  for (const project of ['python', 'ts']) {
    it(`${project}: a value a helper returns is reported once, where an importer sends it or at the return`, async () => {
      const { results, problems } = await workspaceProblems(path.join(WS, project), /\.(?:py|ts)$/, true);
      assert.deepEqual(problems, []);
      // The finding at the return names the importer's call and exit as its last steps.
      const returned = results.flatMap((r) => r.findings).find((f) => f.ruleId === RULE && /is returned by/.test(f.message));
      assert.ok(returned, 'a finding at a return');
      const [call, exit] = returned.related!.slice(-2);
      assert.notEqual(exit!.file, returned.file);
      assert.equal(call!.file, exit!.file);
      assert.match(exit!.message, /^leaves here via/);
    });
  }

  it('python chat-bot framework: a factory-made bot answers through a router and a base channel, and the answer leaves in a platform channel\'s send', async () => {
    // The router's `brain_for(role)` returns `self.brains[role]`, filled by a factory whose
    // returns construct one brain class per provider (imported inside the factory); the brains'
    // `respond` calls the model through a helper of the class. The base channel asks the router,
    // the chat channel asks its base class through `super()`, and hands the answer to `self.send`,
    // which a Telegram channel implements in its own module. The echo brain, a brain's title and a
    // console channel that prints are not findings.
    const { results, problems } = await workspaceProblems(path.join(WS, 'chatbots'), /\.py$/, true);
    assert.ok(results.length >= 10);
    assert.deepEqual(problems, []);
    const routed = results.find((r) => r.file === 'deskbot/router.py')!.findings.find((f) => f.ruleId === 'aigc-generation-call');
    assert.match(routed!.generation!.api, /^respond \(one of 3 classes; wraps QwenBrain\.respond → QwenBrain\._complete → /);
    const sent = results.find((r) => r.file === 'deskbot/channels/chat_channel.py')!.findings.find((f) => f.ruleId === RULE)!;
    assert.equal(sent.related!.at(-1)!.file, 'deskbot/channels/telegram_channel.py');
  });

  it('ts client stores: a chat page streams a helper\'s completion into a zustand store, written through actions, the whole store or its static API', async () => {
    // The helpers are arrow-function constants imported through a tsconfig alias (`@services/*`);
    // the store's actions are read with a selector, destructured, or called on the whole store.
    // A write of the user's own prompt, a busy flag and a labeled recap are not findings, and an
    // action read from a store named for voices is not a voice model's call. A store whose own
    // actions call the model writes with `set(...)` and `get().append(...)`.
    const { results, problems } = await workspaceProblems(path.join(WS, 'store'), /\.ts$/, true);
    assert.equal(results.length, 5);
    assert.deepEqual(problems, []);
  });

  it('go chat robots: the reply posted back to a webhook, in this function, through a package function or a method of a parameter\'s project type', async () => {
    // A robot callback handler: the model's reply goes out with http.Post in the same function,
    // through `notify.Send` and `notify.SendCard` (resty) of another package, and through
    // `msg.Reply` of the message type that another package declares (an http.NewRequest with the
    // JSON body). An error message, a
    // typing notice, a labeled copy and a line of the project's logger (a writer) are not findings.
    // A sender asserted to the message type (`msg, ok := sender.(*bot.Incoming)`) has its methods.
    // An earlier reply sent back to the model by a raw-HTTP wrapper (`llm.Complete(turns)`) is its input.
    const { results, problems } = await workspaceProblems(path.join(WS, 'go'), /\.go$/, true);
    assert.equal(results.length, 6);
    assert.deepEqual(problems, []);
    const viaMethod = results.flatMap((r) => r.findings).find((f) => f.ruleId === RULE && f.range.start.line === 31);
    assert.match(viaMethod?.message ?? '', /Reply\(\) in bot\/message\.go/);
  });

  it('python plugins: what a processor module loaded with importlib returns leaves where its callers write or show it', async () => {
    // A face-swap tool: processors under a package are loaded by name (`importlib.import_module(f'pkg.{name}')`,
    // `import_module('pkg.' + name)`), kept in a list and called through one interface; the frames
    // they return are written by a helper of another file, piped to an encoder, shown in Gradio or
    // in a window. A debug overlay in the same package and exporters loaded with `__import__`
    // generate nothing: what they return is not reported.
    const { problems } = await workspaceProblems(path.join(WS, 'plugins'), /\.py$/, true);
    assert.deepEqual(problems, []);
  });

  it('reports nothing at the return when the scan gives no importers (the editor path)', async () => {
    const engine = new Engine();
    try {
      const root = path.join(WS, 'python');
      const rel = 'chatsvc/llm/answers.py';
      const res = await engine.analyze(rel, fs.readFileSync(path.join(root, rel), 'utf8'), { root });
      assert.deepEqual(res.findings.filter((f) => f.ruleId === RULE), []);
    } finally {
      engine.host.dispose();
    }
  });
});
