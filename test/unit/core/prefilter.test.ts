import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { triageTasks } from '../../../src/cli/analyzeFile';
import { catalog } from '../../../src/core/analysis/catalog';
import { defaultConfig } from '../../../src/core/config';
import { Engine } from '../../../src/core/engine';
import { languageForPath } from '../../../src/core/languages';
import { TreeSitterHost } from '../../../src/core/parser';
import { builtinRule, importSpecifiers, prefilterOf } from '../../../src/core/rules/prefilter';
import type { RuleId } from '../../../src/core/types';
import { FIXTURES, fixtureFilesUnder, parseExpectations } from '../../rules/harness';

/** A real host that counts the parses the engine asks for. */
class CountingHost extends TreeSitterHost {
  parses = 0;
  override parse(...args: Parameters<TreeSitterHost['parse']>): ReturnType<TreeSitterHost['parse']> {
    this.parses++;
    return super.parse(...args);
  }
}

describe('parse-or-skip prefilter', () => {
  const host = new CountingHost();
  const engine = new Engine(host, defaultConfig());
  after(() => host.dispose());

  it('does not parse a file in which no rule can find anything', async () => {
    const before = host.parses;
    const r = await engine.analyze('src/math.ts', 'export function add(a: number, b: number): number {\n  return a + b;\n}\n');
    assert.equal(host.parses, before, 'no parse for a file without any rule keyword');
    assert.deepEqual(r.findings, []);
    assert.deepEqual(r.notices, []);
  });

  it('answers the generation prefilter for the text, language and workspace it is asked about (its last verdict is reused only for the same question)', () => {
    const gen = prefilterOf(builtinRule('aigc-generation-call')!)!;
    const config = defaultConfig();
    const input = (text: string, file: string, workspace: boolean) => ({ text, lower: text.toLowerCase(), language: languageForPath(file)!, config, workspace });
    // A Go file's bare HTTP call opens it with a workspace model (its package's other files may
    // name the endpoint), never without one, and never a Python file (it sees names only by import).
    const http = 'resp, err := http.Post(url, "application/json", body)\n';
    assert.equal(gen(input(http, 'svc/client.go', true)), true);
    assert.equal(gen(input(http, 'svc/client.go', false)), false, 'same text, no workspace');
    assert.equal(gen(input(http, 'svc/client.go', true)), true, 'asked again');
    const py = 'import requests\nrequests.post(url, json=body)\n';
    assert.equal(gen(input(py, 'svc/client.py', true)), false);
    const sdk = "import OpenAI from 'openai';\n";
    assert.equal(gen(input(sdk, 'a.ts', true)), true);
    assert.equal(gen(input(sdk.replace('openai', 'zzzzzz'), 'a.ts', true)), false, 'a different text of the same length');
    // The team's declared functions are part of the question.
    const own = 'answer = ask_model(prompt)\n';
    assert.equal(gen(input(own, 'a.py', true)), false);
    assert.equal(gen({ ...input(own, 'a.py', true), config: { ...config, generationFunctions: ['llm.ask_model'] } }), true);
  });

  it('opens a file for a local model call, a session run or a generator argument only when the code has it, not its comments or docstrings', () => {
    const gen = prefilterOf(builtinRule('aigc-generation-call')!)!;
    const config = defaultConfig();
    const accepts = (file: string, text: string): boolean => gen({ text, lower: text.toLowerCase(), language: languageForPath(file)!, config, workspace: true });
    // Real code shapes: a GAN training step, a TTS model's inference, an ONNX session, a JS pipeline.
    assert.equal(accepts('train.py', 'def step(batch):\n    loss = adversarial_loss(generator, discriminator, batch)\n    return loss\n'), true);
    assert.equal(accepts('speak.py', 'from .models import load\n\ndef speak(text):\n    model = load()\n    wav = model.infer(text, speaker=0)\n    return wav\n'), true);
    assert.equal(accepts('run.py', 'import numpy as np\nout = sess.run(None, {"input": np.zeros((1, 3))})\n'), true);
    assert.equal(accepts('gen.ts', 'export async function draw(prompt: string) {\n  const image = await pipe.generate(prompt, { steps: 20 });\n  return image;\n}\n'), true);
    assert.equal(accepts('Voice.java', 'class Voice {\n  byte[] say(String t) { return tts.synthesize(t); }\n}\n'), true);
    // The same words as prose: a docstring, a comment and a log message.
    assert.equal(accepts('heap.py', 'def merge(*iterables):\n    """Merge sorted inputs, each a sorted iterable (or generator)."""\n    return sorted(iterables)\n'), false);
    assert.equal(accepts('util.py', '# to infer(x) the type, call resolve first\ndef resolve(x):\n    return type(x)\n'), false);
    // A method named like inference is a definition, not a call: an error class's
    // `static generate(status)` factory, a Python `def infer(self, x)` whose body calls nothing.
    assert.equal(accepts('errors.js', 'export class ApiError extends Error {\n  static generate(status, body) {\n    return new ApiError(status, body);\n  }\n}\n'), false);
    assert.equal(accepts('base.py', 'class Predictor:\n    def infer(self, x):\n        raise NotImplementedError\n'), false);
    assert.equal(accepts('wrap.py', 'class Predictor:\n    def infer(self, x):\n        return self.model.infer(x)\n'), true);
    assert.equal(accepts('log.ts', 'export function note(): void {\n  console.log("call generate() after setup");\n}\n'), false);
  });

  it('parses a file that names an AI SDK and reports its call', async () => {
    const before = host.parses;
    const r = await engine.analyze('src/chat.ts', "import OpenAI from 'openai';\nconst client = new OpenAI();\nexport const reply = () => client.chat.completions.create({ model: 'gpt-4o', messages: [] });\n");
    assert.equal(host.parses, before + 1);
    assert.ok(r.findings.some((f) => f.ruleId === 'aigc-generation-call'), JSON.stringify(r.findings));
  });

  // The prefilter may say "maybe" for a file a rule ignores, never "no" where the rule reports:
  // every fixture line that expects a finding must pass its rule's prefilter.
  it('accepts every fixture file that expects a finding of its rule', () => {
    let checked = 0;
    // The workspace fixtures and the projects under labels/ find generation through imports; the
    // CLI triage tests and the missing-label test over the scan's reverse-import index cover them.
    const projects = [`${path.sep}generation-workspace${path.sep}`, `${path.sep}flow-workspace${path.sep}`, `${path.sep}labels${path.sep}`];
    for (const file of fixtureFilesUnder(FIXTURES).filter((f) => !projects.some((p) => f.includes(p)))) {
      const language = languageForPath(file);
      if (!language) continue;
      const text = fs.readFileSync(file, 'utf8');
      const lower = text.toLowerCase();
      for (const ruleId of new Set(parseExpectations(text).map((e) => e.ruleId as RuleId))) {
        const rule = builtinRule(ruleId);
        const test = rule ? prefilterOf(rule) : undefined;
        if (!test) continue;
        checked++;
        // File-local, as the editor analyses a file: no workspace model.
        assert.ok(test({ text, lower, language, config: defaultConfig(), workspace: false }), `${ruleId} prefilter rejects ${file}`);
      }
    }
    assert.ok(checked > 50, `only ${checked} fixture files checked`);
  });

  // What the prefilters turn down, in the shapes real code bases have by the thousand.
  const accepts = (ruleId: RuleId, file: string, text: string, workspace = true): boolean =>
    prefilterOf(builtinRule(ruleId)!)!({ text, lower: text.toLowerCase(), language: languageForPath(file)!, config: defaultConfig(), workspace });

  it('finds user and ranking words in names, not in comments, docstrings or unrelated names', () => {
    const rec = (file: string, text: string): boolean => accepts('rec-no-opt-out', file, text);
    // Prose: "the following", "user", "order" in comments and docstrings.
    assert.equal(rec('List.java', '/** Sorts the following elements in the order the user gave. */\nclass L { void sort(int[] a) { java.util.Arrays.sort(a); } }\n'), false);
    assert.equal(rec('tokens.py', 'def sort_tokens(tokens):\n    """Return tokens in the order the user typed them, following the rules."""\n    return sorted(tokens)\n'), false);
    // Names holding the word that are not about the person served.
    assert.equal(rec('Set.java', 'class S { private static final long serialVersionUID = 1L; void sort() {} }\n'), false);
    assert.equal(rec('agent.ts', 'const userAgent = navigator.userAgent;\nexport const top = (xs: number[]) => xs.sort();\n'), false);
    // Substrings are not words: `build`, `fluid`, `underscore`, `border`.
    assert.equal(rec('b.go', 'package b\nfunc build(fluid []int) { underscore(fluid); border(fluid) }\n'), false);
    // In-house rankings keyed by the user, in each language's naming style.
    assert.ok(rec('recall.go', 'package r\nfunc (r *Recall) GetCandidate(ctx context.Context, userId string) { r.cache.SearchScores(ctx, userId) }\n'));
    assert.ok(rec('feed.ts', 'export function feed(viewer: User) { return posts.sort((a, b) => score(b, viewer.follows) - score(a, viewer.follows)); }\n'));
    assert.ok(rec('rank.py', 'def recommend(user_factors, item_factors):\n    return np.argsort(-item_factors.dot(user_factors))\n'));
    // A recommender library imported is enough.
    assert.ok(rec('serve.py', 'from lightfm import LightFM\nmodel = LightFM()\n'));
  });

  it('opens a file that generates nothing for a switched-off label only when a label key is given an off value', () => {
    const label = (file: string, text: string): boolean => accepts('aigc-missing-label', file, text);
    // What SDK bundles and stream code say: a stream's high-water mark, an API parameter passed through.
    assert.equal(label('stream.js', 'const rs = new ReadableStream(source, { highWaterMark: 0 });\n'), false);
    assert.equal(label('params.js', "const fromAddWatermark = getValueByPath(fromObject, ['addWatermark']);\nif (fromAddWatermark != null) setValueByPath(toObject, ['parameters', 'addWatermark'], fromAddWatermark);\n"), false);
    assert.equal(label('io.py', 'def mux(path, add_watermark=True):\n    save(path, watermark=wm)\n'), false, 'switched on, or left to a variable');
    // The shapes the rule reports: a keyword argument, an options object, a dict key, across lines.
    assert.ok(label('io.py', 'mux_clip(tmp, audio, out, add_watermark=False)\n'));
    assert.ok(label('io.ts', 'await writeImage(path, img, { addWatermark: false });\n'));
    assert.ok(label('io.py', 'save_video(frames, out, **{"add_watermark":\n    None})\n'));
    assert.ok(label('Io.ts', 'writeImage(path, img, { Watermark : FALSE });\n'), 'any case');
    assert.ok(label('io.py', 'save_video(\n    frames,\n    watermark=\n    False,\n)\n'), 'the value on the next line');
    assert.ok(label('io.py', 'opts = {"add_watermark"\r\n  : None}\r\nsave(x, **opts)\r\n'), 'the separator on the next line');
  });

  it('opens a file for its HTTP calls only when they can reach a provider', () => {
    const gen = (file: string, text: string): boolean => accepts('aigc-generation-call', file, text);
    // A plain HTTP client: most files that call fetch talk to anything but an AI provider. With an
    // import the engine still opens it when the imported file names a provider (see the CLI triage test).
    assert.equal(gen('health.ts', 'export async function ping(url: string) { return (await fetch(url)).ok; }\n'), false);
    // The variable's name says where the request goes.
    assert.ok(gen('client.ts', 'export const send = (body: string) => fetch(process.env.ANTHROPIC_API_URL || "", { method: "POST", body });\n'));
    // A provider host alone, the constants file an importing file needs.
    assert.ok(gen('hosts.ts', 'export const BASE = "https://api.openai.com";\n'));
    // An endpoint's host in a constant, its path in a template: no literal holds the whole endpoint.
    assert.ok(gen('preview.ts', "const API = 'https://api.elevenlabs.io/v1';\nexport const preview = (body: string) => fetch(`${API}/text-to-voice/create-previews`, { method: 'POST', body });\n"));
    // Go sees its package's other files without an import: an HTTP call there still counts.
    assert.ok(gen('client.go', 'package p\nfunc call(body io.Reader) { http.Post(endpoint, "application/json", body) }\n'));
    // Java requests go through a client library the file names: `URI.create(` and `.post(` alone
    // are in half of all Java files; next to `HttpClient` they may carry an endpoint constant of
    // another class of the package.
    assert.equal(gen('Paths.java', 'class Paths { static URI home(String base) { return URI.create(base + "/home"); } void post(Form f) {} }\n'), false);
    assert.ok(gen('ChatGateway.java', 'import java.net.http.HttpClient;\nimport java.net.http.HttpRequest;\nclass ChatGateway {\n  HttpRequest build(String body) { return HttpRequest.newBuilder().uri(URI.create(Endpoints.CHAT)).POST(HttpRequest.BodyPublishers.ofString(body)).build(); }\n}\n'));
    // A JS module is named by a whole specifier: the package `ai`, not every string that starts so.
    assert.equal(gen('message.js', 'export class AIMessage { type = "ai"; aim = "aim"; }\n'), false);
    assert.ok(gen('route.ts', "import { streamText } from 'ai';\nexport const POST = (prompt: string) => streamText({ model, prompt });\n"));
    assert.ok(gen('ui.tsx', 'import { useChat } from "ai/react";\n'));
    assert.ok(gen('shim.ts', "import 'openai/shims/node';\nconst { OpenAI } = require(`openai`);\n"));
    // Class names that hold `sing` as part of another word (`Missing`, `Parsing`) are not singing models.
    assert.equal(gen('Err.java', 'class E { void f() { throw new MissingResourceException("x", "y", "z"); } }\n'), false);
  });

  it('counts a Python provider module for certain only where an import names it', () => {
    const certain = (text: string): boolean => catalog().namesForCertain('python', text);
    // The first segment of a provider's module in an identifier, prose or a string: the prefilter
    // takes these (it may say "maybe"), a chain of calls cannot end there.
    for (const text of ['oldmode = os.stat(path).st_mode\n', '# We mostly replicate what the loader does.\n', 'BROWSERS = ("google-chrome", "chromium")\n', "EXT = {'.sgm': 'text/x-sgml'}\n"]) {
      assert.ok(catalog().mayMatch('python', text), `the prefilter takes ${JSON.stringify(text)}`);
      assert.equal(certain(text), false, text);
    }
    // Imports, also indented, aliased, or after another module in one statement.
    assert.ok(certain('import replicate\n'));
    assert.ok(certain('def make(p):\n    from ldm.models.diffusion.ddim import DDIMSampler\n    return DDIMSampler(p)\n'));
    assert.ok(certain('import os, google.generativeai as genai\n'));
    // Endpoints and hosts count wherever they are (a constants module names them in strings).
    assert.ok(certain('API = "https://api.openai.com/v1/chat/completions"\n'));
    // Other languages answer as the prefilter does.
    assert.equal(catalog().namesForCertain('js', "import OpenAI from 'openai';\n"), catalog().mayMatch('js', "import OpenAI from 'openai';\n"));
  });

  it('reads import specifiers from text without a parse', () => {
    const ts = languageForPath('a.ts')!;
    const py = languageForPath('a.py')!;
    assert.deepEqual(importSpecifiers('import { a } from "@/config/paths";\nexport * from \'./x.js\';\nconst s = require("../lib/sse");\nawait import("./lazy");\n', ts), ['@/config/paths', '../lib/sse', './lazy']);
    // A type-only import and a re-export let the file call nothing of the module: no parse for
    // them. Value imports stay, also next to such statements, with inline `type` modifiers, a
    // default import named `type`, and after an `export` in code without semicolons.
    assert.deepEqual(
      importSpecifiers(
        [
          "import type { ChatRequest } from './types';",
          "import type * as T from './shapes';",
          "import type Client from './client-type';",
          "export { streamReply } from './stream';",
          "export type { Reply } from './reply';",
          "import { type Model, createClient } from './ai/client';",
          "import type, { helper } from './type-helper';",
          'export const retries = 3',
          "import { send } from './send'",
          "// export nothing; import { gone } from './in-a-comment'",
          "export async function handler(req: ChatRequest) { return createClient().send(req); }",
        ].join('\n'),
        ts,
      ),
      ['./ai/client', './type-helper', './send', './in-a-comment'],
    );
    assert.deepEqual(importSpecifiers('from .core import clients, util\nimport app.llm as llm\nfrom svc.core.clients import make\n', py), ['.core', '.core.clients', '.core.util', 'app.llm', 'svc.core.clients', 'svc.core.clients.make']);
    // Java: imported classes (not the JDK's), then classes of the file's own package that it names
    // without an import (declared types, constructed classes, static calls).
    const java = languageForPath('A.java')!;
    assert.deepEqual(
      importSpecifiers('package com.acme.web;\nimport java.util.List;\nimport com.acme.ai.SupportAgent;\nimport static com.acme.ai.Prompts.system;\nclass A {\n  private final ChatGateway gateway;\n  A(Map<String, List<String>> m, TicketRepository repo) { var x = new Digest(); Limits.check(m); }\n}\n', java),
      ['com.acme.ai.SupportAgent', 'com.acme.ai.Prompts.system', 'ChatGateway', 'Map', 'TicketRepository', 'Digest', 'Limits'],
    );
    // Go: import paths with a domain (the standard library's have none).
    const go = languageForPath('a.go')!;
    assert.deepEqual(importSpecifiers('import (\n\t"context"\n\tai "example.com/helpdesk/internal/llm"\n\t"github.com/tmc/langchaingo/llms"\n)\n', go), ['example.com/helpdesk/internal/llm', 'github.com/tmc/langchaingo/llms']);
  });

  // The CLI triage gives a parse to every workspace fixture that expects a finding, including
  // those whose text names no SDK but that import a file the prefilter accepted.
  const triaged = [...['ts', 'python', 'java', 'go', 'go-gateway'].map((lang) => path.join('generation-workspace', lang)), ...fs.readdirSync(path.join(FIXTURES, 'labels')).map((p) => path.join('labels', p))];
  for (const project of triaged) {
    it(`the CLI triage keeps every file of ${project} that expects a finding`, async () => {
      const root = path.join(FIXTURES, project);
      const files = fixtureFilesUnder(root);
      const tasks = files.map((f) => ({ path: f, relPath: path.relative(root, f).split(path.sep).join('/') }));
      const decided: string[] = [];
      const rest = await triageTasks(engine, tasks, (r) => decided.push(r.file));
      const kept = new Set(rest.map((t) => t.relPath));
      const expecting = tasks.filter((t) => parseExpectations(fs.readFileSync(t.path, 'utf8')).length > 0);
      assert.ok(expecting.length > 0);
      for (const t of expecting) assert.ok(kept.has(t.relPath), `${t.relPath} was not kept (decided: ${decided.join(', ')})`);
      assert.equal(kept.size + decided.length, tasks.length);
    });
  }
});
