import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { importedNames, relevantExports } from '../../../../src/core/analysis/importText';
import { languageForPath } from '../../../../src/core/languages';
import { triageTasks } from '../../../../src/cli/analyzeFile';
import { Engine } from '../../../../src/core/engine';
import { defaultConfig } from '../../../../src/core/config';

const ts = languageForPath('a.ts')!;
const py = languageForPath('a.py')!;
const java = languageForPath('A.java')!;
/** A stand-in for the link filter: a text "generates" when it names the SDK or calls `complete`. */
const generates = (s: string): boolean => /['"]openai['"]|\bopenai\b|\.complete\(|api\.example-llm\.com/.test(s);

describe('importedNames', () => {
  it('reads the names of JS imports, and takes the module for defaults, namespaces used whole and requires', () => {
    const text = [
      "import { ApiPath, Baidu as B, type ChatOptions } from '@/app/constant';",
      "import Client from './client';",
      "import * as util from './util';",
      "import * as whole from './whole';",
      "const { a, b: c } = require('./cjs');",
      "const lib_1 = require('./lib');",
      "const anything = require('./any');",
      'util.trim(x); util.pad(y); lib_1.run(); register(whole); use(anything);',
      'use(anything);',
    ].join('\n');
    const names = importedNames(text, ts)!;
    assert.deepEqual(names.get('@/app/constant'), ['ApiPath', 'Baidu']);
    assert.equal(names.get('./client'), '*');
    assert.deepEqual(names.get('./util'), ['trim', 'pad']);
    // The namespace itself is passed on: what is taken from it is unknown.
    assert.equal(names.get('./whole'), '*');
    assert.deepEqual(names.get('./cjs'), ['a', 'b']);
    assert.deepEqual(names.get('./lib'), ['run']);
    assert.equal(names.get('./any'), '*');
  });

  it('reads Python from-imports over several lines, and a module import by the members it reads', () => {
    const text = ['from app.core import (', '    make_client,  # the factory', '    Settings as S,', ')', 'import app.llm as llm', 'import app.other', 'llm.ask(q)', 'app.other.thing()', ''].join('\n');
    const names = importedNames(text, py)!;
    assert.deepEqual(names.get('app.core'), ['make_client', 'Settings']);
    assert.equal(names.get('app.core.make_client'), '*');
    assert.deepEqual(names.get('app.llm'), ['ask']);
    assert.deepEqual(names.get('app.other'), ['thing']);
  });

  it('gives nothing for languages whose imports name packages', () => {
    assert.equal(importedNames('import com.acme.Foo;\n', java), undefined);
  });
});

describe('relevantExports', () => {
  it('closes relevance over the declarations that name a relevant one', () => {
    const text = [
      "import OpenAI from 'openai';",
      "import { z } from 'zod';",
      '',
      "export const BASE = 'https://api.example-llm.com/v1';",
      'export const Paths = {',
      '  chat: BASE + "/chat",',
      '};',
      'const client = new OpenAI();',
      'export function ask(q: string) {',
      '  return client.chat(q);',
      '}',
      'export interface Options {',
      '  model: string;',
      '}',
      'export function trim(s: string) {',
      '  return s.trim();',
      '}',
    ].join('\n');
    const names = relevantExports(text, ts, generates)!.sort();
    assert.deepEqual(names, ['BASE', 'OpenAI', 'Paths', 'ask', 'client']);
  });

  it('reads a declaration split over lines (a generic class) as one', () => {
    const text = ['export class ApiError<', '  T extends number = number,', '> extends Base {', '  static from() { return openai; }', '}', 'export const other = 1;'].join('\n');
    assert.deepEqual(relevantExports(text, ts, generates), ['ApiError']);
  });

  it('answers "any name" when the exports cannot be listed or module code generates', () => {
    assert.equal(relevantExports("export * from './x';\nexport const a = 1;\n", ts, generates), undefined);
    assert.equal(relevantExports("import OpenAI from 'openai';\nmodule.exports = { ask };\n", ts, generates), undefined);
    assert.equal(relevantExports("import openai from 'openai';\nif (ready) {\n  openai.complete(x);\n}\n", ts, generates), undefined);
    assert.equal(relevantExports('from .client import *\n', py, generates), undefined);
  });

  it('counts what a Python module imports as exportable, and ignores prose and its main block', () => {
    const text = [
      'import os',
      'from .client import make_client',
      'from openai import OpenAI',
      '',
      'def helper():',
      '    """Like openai, but local."""',
      '    return os.getcwd()',
      '',
      'def ask(q):',
      '    return OpenAI().complete(q)',
      '',
      'if __name__ == "__main__":',
      '    print(OpenAI().complete("hi"))',
    ].join('\n');
    const prose = text.replace('"""Like openai, but local."""', ' '.repeat('"""Like openai, but local."""'.length));
    const names = relevantExports(text, py, generates, prose)!.sort();
    assert.deepEqual(names, ['OpenAI', 'ask', 'make_client', 'os']);
  });
});

/** The files of a workspace written from `files` that the CLI triage sends to a parse, sorted. */
async function parsedByTriage(files: Record<string, string>): Promise<string[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-names-'));
  const engine = new Engine(undefined, defaultConfig());
  try {
    for (const [rel, text] of Object.entries(files)) fs.writeFileSync(path.join(root, rel), text);
    const tasks = Object.keys(files).map((rel) => ({ path: path.join(root, rel), relPath: rel }));
    return (await triageTasks(engine, tasks, () => {})).map((t) => t.relPath).sort();
  } finally {
    await engine.host.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

describe('the CLI triage and imported names', () => {
  // A file the prefilters turn down is parsed for what it imports from a file that may generate
  // only when it imports something that can: a client or an endpoint table, not a type or a helper.
  it('parses an importer of the client, not an importer of a helper of the same file', async () => {
    const files: Record<string, string> = {
      'llm.ts': "import OpenAI from 'openai';\nconst client = new OpenAI();\nexport function ask(q: string) {\n  return client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: q }] });\n}\nexport function clip(s: string) {\n  return s.slice(0, 100);\n}\n",
      'uses-ask.ts': "import { ask } from './llm';\nexport async function reply(q: string) {\n  return ask(q);\n}\n",
      'uses-clip.ts': "import { clip } from './llm';\nexport function title(s: string) {\n  return clip(s);\n}\n",
      'uses-all.ts': "import * as llm from './llm';\nexport const api = llm;\n",
    };
    assert.deepEqual(await parsedByTriage(files), ['llm.ts', 'uses-all.ts', 'uses-ask.ts']);
  });

  // A docstring that mentions the SDK does not make a helper relevant: the declarations are read
  // with their comments and docstrings blanked.
  it('reads a Python module without its docstrings, and follows a module import by its members', async () => {
    const files: Record<string, string> = {
      'llm.py': 'from openai import OpenAI\n\nclient = OpenAI()\n\n\ndef clip(s):\n    """Trim a prompt before it goes to openai."""\n    return s[:100]\n\n\ndef ask(q):\n    return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": q}])\n',
      'uses_ask.py': 'from llm import ask\n\n\ndef reply(q):\n    return ask(q)\n',
      'uses_clip.py': 'from llm import clip\n\n\ndef title(s):\n    return clip(s)\n',
      'uses_module.py': 'import llm\n\n\ndef title(s):\n    return llm.clip(s)\n',
    };
    assert.deepEqual(await parsedByTriage(files), ['llm.py', 'uses_ask.py']);
  });
});
