/**
 * The review rules' syntax index is built two ways: by a tree-sitter query (large files, or once
 * the query is compiled) and by a cursor walk (small files before that, so a cold start compiles
 * no query). Both must record the same nodes, or a rule would see a different file.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { languageForPath } from '../../src/core/languages';
import { TreeSitterHost } from '../../src/core/parser';
import { type FileIndex, fileIndex, indexFor } from '../../src/core/rules/flow/ast';
import type { RuleContext } from '../../src/core/rules/rule';
import { FIXTURES, fixtureFilesUnder } from './harness';

describe('review index: query and cursor walk agree', () => {
  const host = new TreeSitterHost();
  after(() => host.dispose());

  const byLanguage = new Map<string, string>();
  for (const file of fixtureFilesUnder(path.join(FIXTURES, 'rules'))) {
    const language = languageForPath(file);
    // The largest fixture of each language has the most shapes.
    const prev = language ? byLanguage.get(language.id) : undefined;
    if (language && (!prev || fs.statSync(file).size > fs.statSync(prev).size)) byLanguage.set(language.id, file);
  }

  for (const [id, file] of byLanguage) {
    it(`records the same nodes for ${id} (${path.basename(file)})`, async () => {
      const language = languageForPath(file)!;
      const text = fs.readFileSync(file, 'utf8');
      const walked = await host.parse(language.id, text, file);
      const queried = await host.parse(language.id, text, file);
      try {
        const a = fileIndex(walked, language.family);
        // A text length over the walk's limit sends indexFor down the query path.
        const ctx = { tree: queried, text: text.padEnd(64 * 1024), language, host } as unknown as RuleContext;
        const b = await indexFor(ctx);
        assert.ok(a.calls.length > 0 && a.functions.length > 0, 'the fixture has calls and functions');
        // Node ids differ between two trees; compare positions instead.
        const pos = (tree: typeof walked, idx: FileIndex) => ({
          calls: idx.calls.map((c) => c.node.startIndex),
          functions: idx.functions.map((f) => f.node.startIndex),
          assigns: idx.assigns.map((x) => x.node.startIndex),
          loops: idx.loops.map((x) => x.node.startIndex),
          returns: idx.returns.map((x) => x.startIndex),
          strings: idx.strings.map((x) => x.startIndex),
          keyed: idx.keyed.map((x) => x.node.startIndex),
          root: tree.rootNode.endIndex,
        });
        assert.deepEqual(pos(queried, b), pos(walked, a));
      } finally {
        walked.delete();
        queried.delete();
      }
    });
  }
});
