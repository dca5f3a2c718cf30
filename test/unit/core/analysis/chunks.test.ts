import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Node, Tree } from 'web-tree-sitter';
import { chunksOf, endIncremental, factChunksOf, keepChunks } from '../../../../src/core/analysis/chunks';
import { calleeIsIdentifier, getFileModel } from '../../../../src/core/analysis/model';
import { Engine } from '../../../../src/core/engine';
import { TreeSitterHost } from '../../../../src/core/parser';
import { languageForPath } from '../../../../src/core/languages';
import { callNodeId, enclosingFunction, enclosingFunctionOfCall, fileIndex, indexFor, keyedStart } from '../../../../src/core/rules/flow/ast';
import type { Finding } from '../../../../src/core/types';
import type { Family } from '../../../../src/core/rules/flow/ast';

const ROOT = path.resolve(__dirname, '../../../..');

/** Several real-shaped files of one language joined into one, so the file has many top-level statements. */
function joined(dir: string, ext: string): string {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(ext))
    .sort()
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');
}

/** A small deterministic generator, so a failure names an edit that can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Edit {
  at: number;
  remove: number;
  insert: string;
}

function pointAt(text: string, index: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}

/** The demo apps joined into one file per language: many top-level statements, many findings. */
const JOINED: { lang: string; file: string; dir: string; ext: string; family: Family }[] = [
  { lang: 'TypeScript', file: 'joined.ts', dir: 'demo/web', ext: '.ts', family: 'js' },
  { lang: 'Python', file: 'joined.py', dir: 'demo/ml', ext: '.py', family: 'python' },
  // Files of a few large classes (service classes of both languages, and every Java fixture, whose
  // one top-level statement is its class): an edit in a method re-reads the whole class.
  { lang: 'TypeScript classes', file: 'classes.ts', dir: 'test/fixtures/chunks', ext: '.ts', family: 'js' },
  { lang: 'Python classes', file: 'classes.py', dir: 'test/fixtures/chunks', ext: '.py', family: 'python' },
  { lang: 'Java', file: 'Joined.java', dir: 'test/fixtures', ext: '.java', family: 'java' },
];

function applyEdit(tree: Tree, text: string, e: Edit): string {
  const next = text.slice(0, e.at) + e.insert + text.slice(e.at + e.remove);
  tree.edit({
    startIndex: e.at,
    oldEndIndex: e.at + e.remove,
    newEndIndex: e.at + e.insert.length,
    startPosition: pointAt(text, e.at),
    oldEndPosition: pointAt(text, e.at + e.remove),
    newEndPosition: pointAt(next, e.at + e.insert.length),
  });
  return next;
}

/** A node as everything downstream sees it: kind, place, text, and where its parent is. */
function show(n: Node | null | undefined): string {
  if (!n) return '-';
  return `${n.type}@${n.startIndex}-${n.endIndex}:${n.startPosition.row}.${n.startPosition.column}-${n.endPosition.row}.${n.endPosition.column}<${n.parent?.type ?? ''}@${n.parent?.startIndex ?? ''}>${JSON.stringify(n.text)}`;
}

/** Every fact of the review index of `tree`, with its nodes shown. */
function indexFacts(tree: Tree, family: Family, built?: ReturnType<typeof fileIndex>): string[] {
  const idx = built ?? fileIndex(tree, family);
  return [
    ...idx.calls.map((c) => `call ${c.callee} ${c.name} ${show(c.node)} r=${show(c.receiver)} a=${c.args.map(show).join(',')} k=${[...c.kwargs].map(([k, v]) => `${k}=${show(v)}`).join(',')}`),
    ...idx.functions.map((f) => `fn ${f.name} ${show(f.node)} b=${show(f.body)} ${f.params.join(',')} by=${idx.fnById.get(f.node.id) === f}`),
    ...idx.assigns.map((a) => `assign ${a.targets.join(',')} ${a.leftText} ${show(a.node)} v=${show(a.value)}`),
    ...idx.loops.map((l) => `loop ${l.vars.join(',')} ${show(l.node)} i=${show(l.iter)}`),
    ...idx.returns.map((r) => `ret ${show(r)}`),
    ...idx.strings.map((s) => `str ${show(s)}`),
    ...idx.keyed.map((k) => `keyed ${show(k.node)} ${k.typeName} ${k.entries.map((e) => `${e.key}:${show(e.keyNode)}=${show(e.value)}`).join(';')}`),
  ];
}

function findingsOf(list: readonly Finding[]): string[] {
  return list.map((f) => `${f.ruleId} ${f.range.startOffset}-${f.range.endOffset} ${f.range.start.line}:${f.range.start.character} ${f.message}`);
}

/**
 * Random edits of the kinds typing makes (a character typed or deleted, a line broken or joined,
 * a word pasted), anywhere in the file: inside statements, between them, across their boundary.
 */
function randomEdit(text: string, next: () => number): Edit {
  const at = Math.floor(next() * text.length);
  const kind = Math.floor(next() * 5);
  if (kind === 0) return { at, remove: 0, insert: 'x' };
  if (kind === 1) return { at, remove: Math.min(1, text.length - at), insert: '' };
  if (kind === 2) return { at, remove: 0, insert: '\n' };
  if (kind === 3) {
    const nl = text.indexOf('\n', at);
    return nl === -1 ? { at, remove: 0, insert: ' ' } : { at: nl, remove: 1, insert: '' };
  }
  return { at, remove: Math.min(3, text.length - at), insert: ' reply ' };
}

for (const { lang, file, dir, ext, family } of JOINED) {
  describe(`facts carried over an incremental parse (${lang})`, function () {
    this.timeout(120_000);

    it('are the facts a fresh parse finds, and the findings are the same, after each of 60 random edits', async () => {
      const incremental = new Engine();
      const fresh = new Engine();
      try {
        let text = joined(path.join(ROOT, dir), ext);
        const language = languageForPath(file)!;
        const first = await incremental.analyze(file, text, { keepTree: true, language });
        let tree = first.tree!;
        assert.ok(chunksOf(tree).length > 10, 'the joined file has many statements to carry');
        assert.ok(first.findings.length > 3, 'the joined file has findings to keep');
        const next = rng(7);
        let carried = 0;
        for (let i = 0; i < 60; i++) {
          const edit = randomEdit(text, next);
          const oldIds = new Set(factChunksOf(tree).map((c) => c.id));
          text = applyEdit(tree, text, edit);
          const r = await incremental.analyze(file, text, { keepTree: true, language, oldTree: tree });
          tree.delete();
          tree = r.tree!;
          carried += factChunksOf(tree).filter((c) => oldIds.has(c.id)).length;
          // The reference is the same tree read as a scan reads it (not kept, one query over the
          // file): a copy shares its structure. A parse from scratch is not that tree after an
          // edit that breaks the syntax (tree-sitter re-parses a subtree holding an error, and may
          // recover differently, as it does in Java), which is not what is tested here.
          const same = tree.copy();
          try {
            const where = `after edit ${i} ${JSON.stringify(edit)}`;
            assert.deepEqual(indexFacts(tree, family), indexFacts(same, family), `index ${where}`);
            const [m1, m2] = await Promise.all([getFileModel({ tree, text, language, host: incremental.host }), getFileModel({ tree: same, text, language, host: fresh.host })]);
            assert.deepEqual(modelFacts(m1), modelFacts(m2), `model ${where}`);
            const ref = await fresh.analyze(file, text, { language, tree: same });
            assert.deepEqual(findingsOf(r.findings), findingsOf(ref.findings), `findings ${where}`);
          } finally {
            same.delete();
          }
        }
        // Statements are carried over, or the test would not exercise the carrying (tree-sitter's
        // Python parser reuses fewer top-level statements than its TypeScript parser).
        assert.ok(carried > 60 * 3, `statements carried over: ${carried}`);
        tree.delete();
      } finally {
        await incremental.host.dispose();
        await fresh.host.dispose();
      }
    });
  });
}

/**
 * The index and model of a kept tree as an analysis builds them (through `indexFor` and
 * `getFileModel`, carrying the statements the edit did not touch), read before anything forgets
 * them: the random-edit test above compares indexes rebuilt after the analysis, which carry
 * nothing, so only its findings check what is carried.
 */
async function carriedFacts(host: TreeSitterHost, tree: Tree, text: string, family: Family, language: NonNullable<ReturnType<typeof languageForPath>>): Promise<{ index: string[]; model: string[]; carried: number }> {
  const ctx = { tree, text, language, host };
  const idx = await indexFor(ctx as never);
  const model = await getFileModel(ctx);
  const carried = idx.calls.filter((c) => c.constructor.name === 'CarriedCall').length;
  // Read without moving first, as the rules' passes over every call do; then the moved nodes.
  const unmoved = [
    ...idx.calls.map((c) => `owner ${show(enclosingFunctionOfCall(c, idx)?.node ?? null)} ${callNodeId(c) === c.node.id}`),
    ...idx.keyed.map((k) => `keyed-at ${keyedStart(k)}`),
    ...model.calls.map((c) => `ident ${calleeIsIdentifier(c)}`),
  ];
  void family;
  return { index: [...unmoved, ...indexFacts(tree, family, idx)], model: modelFacts(model), carried };
}

for (const { lang, file, dir, ext, family } of JOINED) {
  describe(`the index and model carried over an incremental parse (${lang})`, function () {
    this.timeout(120_000);

    it('hold what a fresh parse gives, after each of 40 random edits', async () => {
      const host = new TreeSitterHost();
      const language = languageForPath(file)!;
      try {
        let text = joined(path.join(ROOT, dir), ext);
        let tree = await host.parse(language.id, text);
        keepChunks(tree);
        await carriedFacts(host, tree, text, family, language);
        const next = rng(11);
        let carried = 0;
        let statements = 0;
        for (let i = 0; i < 40; i++) {
          const edit = randomEdit(text, next);
          const oldIds = new Set(factChunksOf(tree).map((c) => c.id));
          text = applyEdit(tree, text, edit);
          const newTree = await host.parse(language.id, text, file, tree);
          keepChunks(newTree, tree);
          statements += factChunksOf(newTree).filter((c) => oldIds.has(c.id)).length;
          const got = await carriedFacts(host, newTree, text, family, language);
          carried += got.carried;
          endIncremental(newTree);
          tree.delete();
          tree = newTree;
          // The same tree, not kept, so nothing is carried (see the suite above for why not a fresh parse).
          const ref = tree.copy();
          try {
            const want = await carriedFacts(host, ref, text, family, language);
            const where = `after edit ${i} ${JSON.stringify(edit)}`;
            assert.deepEqual(got.index, want.index, `index ${where}`);
            assert.deepEqual(got.model, want.model, `model ${where}`);
          } finally {
            ref.delete();
          }
        }
        // tree-sitter's Python parser re-creates the statements after an edit far more often than
        // its TypeScript parser (imports and constants are carried, functions seldom): the calls
        // carried are counted where there are some to count.
        if (family === 'js') assert.ok(carried > 40 * 5, `calls carried over: ${carried}`);
        else assert.ok(statements > 40 * 3, `statements carried over: ${statements}`);
        tree.delete();
      } finally {
        await host.dispose();
      }
    });
  });
}

/** Every fact of a file model, with its nodes shown. */
function modelFacts(m: Awaited<ReturnType<typeof getFileModel>>): string[] {
  return [
    ...[...m.imports.values()].map((b) => `import ${b.local} ${b.module} ${b.member ?? ''} ${b.raw ?? ''} ${show(b.node)}`),
    ...m.starModules.map((s) => `star ${s}`),
    ...[...m.bindings].flatMap(([k, list]) => list.map((b) => `bind ${k} ${show(b.value)} ${show(b.type)} ${show(b.node)} ${b.mock} ${b.index ?? ''}`)),
    ...m.calls.map((c) => `call ${c.nameText} ${show(c.node)} ${show(c.callee)} ${show(c.name)} ${show(c.receiver)} ${show(c.args)} ${c.isNew} ${c.reference ?? ''} ${m.callAt(c.node) === c}`),
    ...[...m.functions].flatMap(([k, list]) => list.map((n) => `fn ${k} ${show(n)}`)),
    ...[...m.classes].map((c) => `class ${c}`),
    ...[...m.interfaces].map(([k, n]) => `iface ${k} ${show(n)}`),
    `package ${m.packageName ?? ''}`,
  ];
}

describe('a statement carried over on the line of an edit', () => {
  it('moves sideways with the edit, and its findings with it', async () => {
    const engine = new Engine();
    const fresh = new Engine();
    try {
      const language = languageForPath('a.ts')!;
      // Two statements on one line: typing in the first moves the second to the right.
      let text = [
        "import OpenAI from 'openai';",
        'const openai = new OpenAI();',
        'let n = 1; export async function reply(res: { json(x: unknown): void }) { const r = await openai.chat.completions.create({ model: "m", messages: [] }); res.json(r.choices[0].message.content); }',
        'export const other = 2;',
      ].join('\n');
      const first = await engine.analyze('a.ts', text, { keepTree: true, language });
      const tree = first.tree!;
      const before = chunksOf(tree).map((c) => c.id);
      const at = text.indexOf('let n = 1') + 'let n = '.length;
      text = applyEdit(tree, text, { at, remove: 0, insert: '22' });
      const r = await engine.analyze('a.ts', text, { keepTree: true, language, oldTree: tree });
      tree.delete();
      const moved = chunksOf(r.tree!).find((c) => c.startPosition.row === 2 && c.startPosition.column > 0);
      assert.ok(moved && before.includes(moved.id), 'the second statement of the line is carried over');
      const ref = await fresh.analyze('a.ts', text, { language });
      assert.ok(ref.findings.some((f) => f.range.start.line === 2), 'the statement has findings');
      assert.deepEqual(findingsOf(r.findings), findingsOf(ref.findings));
      const refTree = await fresh.host.parse(language.id, text);
      assert.deepEqual(indexFacts(r.tree!, 'js'), indexFacts(refTree, 'js'));
      refTree.delete();
      r.tree!.delete();
    } finally {
      await engine.host.dispose();
      await fresh.host.dispose();
    }
  });
});


describe('answers kept with a top-level statement', () => {
  it('are asked again when an edit changes the statement: a class renamed from a non-personal name and back', async () => {
    // The class a method belongs to is kept per statement (statementMemo), as is whether a
    // function is an argument of a call. Each edit keeps the statement's index.
    const text0 = [
      "import { Router } from 'express';",
      '',
      'export class HotRecall {',
      '  async pick(userId: string) {',
      '    const history = await db.findHistory(userId);',
      '    return rank(items, history);',
      '  }',
      '}',
      '',
    ].join('\n');
    // Same-length replacements: the method and the lambda keep their offsets in their statements,
    // so a memo that ignored the statements' text would answer from before the edit.
    const edits: [string, string][] = [
      ['class HotRecall', 'class AnyRecall'],
      ['class AnyRecall', 'class HotRecall'],
    ];
    const incremental = new Engine();
    const fresh = new Engine();
    try {
      let text = text0;
      let tree = (await incremental.analyze('feed.ts', text, { keepTree: true })).tree!;
      const seen: string[][] = [];
      for (const [from, to] of edits) {
        const at = text.indexOf(from);
        assert.ok(at >= 0, from);
        text = applyEdit(tree, text, { at, remove: from.length, insert: to });
        const r = await incremental.analyze('feed.ts', text, { keepTree: true, oldTree: tree });
        tree.delete();
        tree = r.tree!;
        const ref = await fresh.analyze('feed.ts', text);
        const rec = (list: readonly Finding[]): string[] => findingsOf(list.filter((f) => f.ruleId === 'rec-no-opt-out'));
        assert.deepEqual(rec(r.findings), rec(ref.findings), `after ${JSON.stringify(to)}`);
        seen.push(rec(ref.findings));
      }
      tree.delete();
      // The edits change the answers: otherwise this test would not be about following them.
      assert.notDeepEqual(seen[0], [], 'the renamed class ranks for its user');
      assert.deepEqual(seen[1], [], 'a hot-items recall again, which is not personal');
    } finally {
      await incremental.host.dispose();
      await fresh.host.dispose();
    }
  });
});


describe('facts read without moving a carried statement\'s nodes', () => {
  it('give what the moved nodes say: a call\'s function and id, a literal\'s start, a plain callee', async () => {
    const host = new TreeSitterHost();
    const language = languageForPath('app.ts')!;
    const text0 = [
      "import OpenAI from 'openai';",
      'const client = new OpenAI();',
      'export function first() {',
      '  return 1;',
      '}',
      'export async function answer(q: string) {',
      "  const meta = { aigc: { label: 'AI' }, id: q };",
      '  const r = await client.chat.completions.create({ model: "m", messages: [] });',
      '  return helper(r, (x: string) => format(x));',
      '}',
      'function helper(r: unknown, f: (x: string) => string) {',
      '  return f(String(r));',
      '}',
      '',
    ].join('\n');
    const ctxOf = (tree: Tree, text: string) => ({ tree, text, language, host });
    try {
      const tree0 = await host.parse(language.id, text0);
      keepChunks(tree0);
      await indexFor(ctxOf(tree0, text0) as never);
      await getFileModel(ctxOf(tree0, text0));
      // Lines typed into the first function: every later statement is carried, and moved.
      const at = text0.indexOf('  return 1;');
      const insert = '  const a = 1;\n  const b = 2;\n';
      tree0.edit({ startIndex: at, oldEndIndex: at, newEndIndex: at + insert.length, startPosition: { row: 3, column: 0 }, oldEndPosition: { row: 3, column: 0 }, newEndPosition: { row: 5, column: 0 } });
      const text1 = text0.slice(0, at) + insert + text0.slice(at);
      const tree1 = await host.parse(language.id, text1, 'app.ts', tree0);
      keepChunks(tree1, tree0);
      const idx = await indexFor(ctxOf(tree1, text1) as never);
      const model = await getFileModel(ctxOf(tree1, text1));
      const carried = idx.calls.filter((c) => c.constructor.name === 'CarriedCall');
      assert.ok(carried.length >= 4, `calls carried over the edit: ${carried.length}`);
      assert.ok(model.calls.some((c) => c.constructor.name === 'CarriedCall'), 'the model carries calls too');
      // Each answer first without moving the node, then from the moved node itself.
      const unmoved = idx.calls.map((c) => [enclosingFunctionOfCall(c, idx)?.name ?? null, callNodeId(c)]);
      const moved = idx.calls.map((c) => [enclosingFunction(c.node, idx)?.name ?? null, c.node.id]);
      assert.deepEqual(unmoved, moved);
      assert.ok(unmoved.some(([fn]) => fn === 'answer') && unmoved.some(([fn]) => fn === 'helper'));
      const starts = idx.keyed.map((k) => keyedStart(k));
      assert.deepEqual(starts, idx.keyed.map((k) => k.node.startIndex));
      assert.ok(starts.some((s) => s > at + insert.length), 'a literal after the edit, moved by it');
      const plain = model.calls.map((c) => calleeIsIdentifier(c));
      assert.deepEqual(plain, model.calls.map((c) => c.callee.type === 'identifier'));
      assert.ok(plain.includes(true) && plain.includes(false));
      endIncremental(tree1);
      tree0.delete();
      tree1.delete();
    } finally {
      await host.dispose();
    }
  });
});
