/**
 * Shared pieces of the robustness suites: seed sources per language (real files of this
 * repository: the demo workspace and the rule fixtures, plus a small inline seed so every
 * language has one), and the invariants every engine result must satisfy whatever the input.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileResult, NoticeKind } from '../../../src/core/engine';
import { LANGUAGES, type LanguageId, languageForPath } from '../../../src/core/languages';
import type { Range } from '../../../src/core/types';

export const REPO = path.resolve(__dirname, '..', '..', '..');

/** A file name with the right extension for each language (the engine picks the grammar by it). */
export const FILE_FOR: Record<LanguageId, string> = {
  typescript: 'fuzz.ts',
  tsx: 'fuzz.tsx',
  javascript: 'fuzz.js',
  python: 'fuzz.py',
  go: 'fuzz.go',
  java: 'Fuzz.java',
};

const INLINE_SEEDS: Record<LanguageId, string> = {
  typescript: "import OpenAI from 'openai';\nconst client = new OpenAI();\nexport async function ask(q: string): Promise<string> {\n  const r = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: q }] });\n  return r.choices[0]?.message.content ?? '';\n}\n",
  tsx: "import OpenAI from 'openai';\nconst client = new OpenAI();\nexport function Answer({ q }: { q: string }) {\n  const r = client.images.generate({ model: 'gpt-image-1', prompt: q });\n  return <img src={String(r)} alt=\"生成的图片\" />;\n}\n",
  javascript: "const Anthropic = require('@anthropic-ai/sdk');\nconst client = new Anthropic();\nasync function ask(q) {\n  const msg = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: q }] });\n  document.body.innerHTML = msg.content[0].text;\n}\nmodule.exports = { ask };\n",
  python: "from openai import OpenAI\nclient = OpenAI()\n\ndef ask(q: str) -> str:\n    r = client.chat.completions.create(model='gpt-4o', messages=[{'role': 'user', 'content': q}])\n    return r.choices[0].message.content  # 回答\n",
  go: "package main\n\nimport (\n\t\"context\"\n\t\"github.com/openai/openai-go\"\n)\n\nfunc ask(ctx context.Context, c openai.Client, q string) (string, error) {\n\tr, err := c.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: \"gpt-4o\"})\n\tif err != nil {\n\t\treturn \"\", err\n\t}\n\treturn r.Choices[0].Message.Content, nil\n}\n",
  java: "import com.openai.client.OpenAIClient;\n\npublic class Ask {\n  private final OpenAIClient client;\n  public Ask(OpenAIClient client) { this.client = client; }\n  public String ask(String q) {\n    var r = client.chat().completions().create(null);\n    return r.choices().get(0).message().content().orElse(\"\");\n  }\n}\n",
};

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'node_modules') out.push(...filesUnder(p));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

/** Seed texts per language: real sources from the repository first, the inline seed last. */
export function seedsByLanguage(): Record<LanguageId, string[]> {
  const seeds = Object.fromEntries(LANGUAGES.map((l) => [l.id, [] as string[]])) as Record<LanguageId, string[]>;
  for (const file of [...filesUnder(path.join(REPO, 'demo')), ...filesUnder(path.join(REPO, 'test/fixtures/rules'))]) {
    const lang = languageForPath(file);
    if (!lang) continue;
    const text = fs.readFileSync(file, 'utf8');
    if (text.length < 200_000) seeds[lang.id].push(text);
  }
  for (const l of LANGUAGES) seeds[l.id].push(INLINE_SEEDS[l.id]);
  return seeds;
}

/**
 * Line and UTF-16 character of an offset, with LSP's line breaks: `\n`, `\r\n` and a lone `\r`
 * (as VS Code counts them).
 */
export function positionOf(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}

const NOTICE_KINDS: readonly NoticeKind[] = ['binary', 'minified', 'too-large', 'parse-timeout', 'grammar-failed', 'read-error', 'syntax-errors', 'config', 'outside-root', 'not-analysed', 'rule-timeout'];

function checkRange(text: string, range: Range, what: string): void {
  assert.ok(Number.isInteger(range.startOffset) && Number.isInteger(range.endOffset), `${what}: integer offsets`);
  assert.ok(range.startOffset >= 0 && range.startOffset <= range.endOffset && range.endOffset <= text.length, `${what}: offsets ${range.startOffset}..${range.endOffset} within 0..${text.length}`);
  assert.deepEqual(range.start, positionOf(text, range.startOffset), `${what}: start position matches its offset`);
  assert.deepEqual(range.end, positionOf(text, range.endOffset), `${what}: end position matches its offset`);
}

/** The invariants of any analysis result, whatever the input. */
export function checkResult(file: string, text: string, r: FileResult): void {
  assert.equal(r.file, file);
  assert.ok(Number.isFinite(r.parseMs) && r.parseMs >= 0, 'parseMs is a duration');
  assert.ok(Number.isFinite(r.analyzeMs) && r.analyzeMs >= 0, 'analyzeMs is a duration');
  for (const n of r.notices) {
    assert.ok(NOTICE_KINDS.includes(n.kind), `known notice kind ${n.kind}`);
    assert.equal(typeof n.message, 'string');
    assert.ok(n.message.length > 0, 'a notice says something');
  }
  for (const f of r.findings) {
    assert.equal(f.file, file);
    checkRange(text, f.range, `${f.ruleId} finding`);
    assert.match(f.fingerprint, /^[0-9a-f]{32}$/);
    for (const rel of f.related ?? []) if (rel.file === file) checkRange(text, rel.range, `${f.ruleId} related location`);
  }
}
