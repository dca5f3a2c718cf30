/**
 * Incremental reparse: tree-sitter edits computed from LSP changes must leave the edited tree
 * consistent with the new text, so a reparse from it equals a fresh parse (including non-ASCII
 * text, where UTF-16 units matter). Also the tree LRU frees every tree that leaves it.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Node, Tree } from 'web-tree-sitter';
import { TreeSitterHost } from '../../../src/core/parser';
import { endPointAfter, treeEditFor } from '../../../src/server/edits';
import { TreeCache } from '../../../src/server/treeCache';

/** Every node with its type and extent: positions of reused nodes expose wrong edits. */
function dump(node: Node, out: string[] = []): string[] {
  out.push(`${node.type}@${node.startIndex}-${node.endIndex}:${node.startPosition.row}.${node.startPosition.column}`);
  for (const child of node.children) if (child) dump(child, out);
  return out;
}

describe('server incremental reparse', function () {
  const host = new TreeSitterHost();
  after(() => host.dispose());

  it('computes end points after inserted text in UTF-16 units', function () {
    assert.deepEqual(endPointAfter({ row: 2, column: 4 }, 'ab'), { row: 2, column: 6 });
    assert.deepEqual(endPointAfter({ row: 2, column: 4 }, 'a\n生成x'), { row: 3, column: 3 });
    assert.deepEqual(endPointAfter({ row: 0, column: 0 }, '😀'), { row: 0, column: 2 });
  });

  it('reparsing an edited tree equals a fresh parse for random edits of Python with Chinese text', async function () {
    const base = 'def f(x):\n    s = "AI 生成 😀"\n    return client.chat(x, s)\n';
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.nat(), len: fc.nat({ max: 6 }), text: fc.constantFrom('', 'x', '生成', '\n', '(', ')', '"', ' = 1\n', '😀') }), { minLength: 1, maxLength: 5 }),
        async (changes) => {
          let doc = TextDocument.create('file:///t.py', 'python', 1, base);
          const tree: Tree = await host.parse('python', base);
          try {
            for (const c of changes) {
              const text = doc.getText();
              let start = c.at % (text.length + 1);
              // Never split a surrogate pair: editors do not either.
              if (start > 0 && /[\uDC00-\uDFFF]/.test(text[start] ?? '')) start--;
              let end = Math.min(text.length, start + c.len);
              if (end > 0 && /[\uDC00-\uDFFF]/.test(text[end] ?? '')) end--;
              if (end < start) end = start;
              const change = { range: { start: doc.positionAt(start), end: doc.positionAt(end) }, text: c.text };
              tree.edit(treeEditFor(doc, change));
              doc = TextDocument.update(doc, [change], doc.version + 1);
            }
            const incremental = await host.parse('python', doc.getText(), 't.py', tree);
            const fresh = await host.parse('python', doc.getText());
            try {
              assert.deepEqual(dump(incremental.rootNode), dump(fresh.rootNode));
            } finally {
              incremental.delete();
              fresh.delete();
            }
          } finally {
            tree.delete();
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('the tree cache deletes trees on eviction, replacement, drop and dispose, but not on take', function () {
    const deleted: string[] = [];
    const fake = (name: string): Tree => ({ delete: () => deleted.push(name), edit: () => undefined }) as unknown as Tree;
    const cache = new TreeCache(2);
    cache.set('a', fake('a'));
    cache.set('b', fake('b'));
    cache.set('a', fake('a2'));
    assert.deepEqual(deleted, ['a'], 'replacing a tree deletes the old one');
    cache.set('c', fake('c'));
    assert.deepEqual(deleted, ['a', 'b'], 'the least recently used tree (b) is evicted');
    const taken = cache.take('c');
    assert.ok(taken && !cache.has('c'));
    assert.deepEqual(deleted, ['a', 'b'], 'take hands the tree over without deleting it');
    cache.drop('a');
    assert.deepEqual(deleted, ['a', 'b', 'a2']);
    cache.set('d', fake('d'));
    cache.dispose();
    assert.deepEqual(deleted, ['a', 'b', 'a2', 'd']);
    assert.equal(cache.size, 0);
  });
});
