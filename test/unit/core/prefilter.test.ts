import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { triageTasks } from '../../../src/cli/analyzeFile';
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
    // The workspace fixtures find generation through imports; the CLI triage test covers them.
    for (const file of fixtureFilesUnder(FIXTURES).filter((f) => !f.includes(`${path.sep}generation-workspace${path.sep}`))) {
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

  it('reads import specifiers from text without a parse', () => {
    const ts = languageForPath('a.ts')!;
    const py = languageForPath('a.py')!;
    assert.deepEqual(importSpecifiers('import { a } from "@/config/paths";\nexport * from \'./x.js\';\nconst s = require("../lib/sse");\nawait import("./lazy");\n', ts), ['@/config/paths', './x.js', '../lib/sse', './lazy']);
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
  for (const lang of ['ts', 'python', 'java', 'go']) {
    it(`the CLI triage keeps every ${lang} workspace fixture that expects a finding`, async () => {
      const root = path.join(FIXTURES, 'generation-workspace', lang);
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
