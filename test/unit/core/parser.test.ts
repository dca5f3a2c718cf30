import { strict as assert } from 'node:assert';
import { LANGUAGES } from '../../../src/core/languages';
import { TreeSitterHost } from '../../../src/core/parser';

describe('TreeSitterHost', () => {
  const host = new TreeSitterHost();
  after(() => host.dispose());

  for (const lang of LANGUAGES) {
    it(`loads the ${lang.id} grammar and parses a call`, async () => {
      const source = lang.family === 'python' ? 'x = foo.bar("中文")\n' : lang.family === 'go' ? 'package m\nfunc f() { foo.Bar("中文") }\n' : lang.family === 'java' ? 'class A { void f() { foo.bar("中文"); } }\n' : 'foo.bar("中文");\n';
      const tree = await host.parse(lang.id, source);
      try {
        assert.equal(tree.rootNode.hasError, false, tree.rootNode.toString());
        const idx = source.indexOf('bar') >= 0 ? source.indexOf('bar') : source.indexOf('Bar');
        const node = tree.rootNode.descendantForIndex(idx);
        assert.equal(node?.startIndex, idx, 'offsets are UTF-16 code units');
      } finally {
        tree.delete();
      }
    });
  }

  it('recovers from syntax errors instead of failing', async () => {
    const tree = await host.parse('typescript', 'const x = foo.bar(;\nclient.chat.completions.create({})');
    try {
      assert.equal(tree.rootNode.hasError, true);
      assert.ok(tree.rootNode.text.includes('completions'));
    } finally {
      tree.delete();
    }
  });
});
