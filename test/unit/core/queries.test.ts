import { strict as assert } from 'node:assert';
import { LANGUAGES } from '../../../src/core/languages';
import { TreeSitterHost } from '../../../src/core/parser';
import { MODEL_QUERIES, MODEL_QUERY_KEY } from '../../../src/core/analysis/queries';
import { getFileModel } from '../../../src/core/analysis/model';

/** A small program per family that exercises every pattern of the family's query. */
const SAMPLES: Record<string, string> = {
  js: "import OpenAI from 'openai';\nconst c = new OpenAI();\nclass K { f = 1; }\nlet x; x = c.chat.completions.create({});\n",
  python: 'import openai\nfrom openai import OpenAI\nc = OpenAI()\nwith open("f") as fh:\n    pass\nc.chat.completions.create()\n',
  go: 'package m\nimport oa "github.com/openai/openai-go"\nconst u = "x"\nvar v = 1\nfunc f() { c := oa.NewClient(); c = c; c.Chat.Completions.New(nil) }\n',
  java: 'import com.openai.client.OpenAIClient;\nclass A { OpenAIClient c = null; void f() { c = x; new B(); c.chat(); } }\n',
};

describe('analysis queries', () => {
  const host = new TreeSitterHost();
  after(() => host.dispose());

  for (const lang of LANGUAGES) {
    it(`compiles the model query against the ${lang.id} grammar and captures every kind`, async () => {
      const query = await host.query(lang.id, MODEL_QUERY_KEY, MODEL_QUERIES[lang.id]);
      assert.ok(query.patternCount() >= 4, 'several patterns');
      // Compiling is cached: the host returns the same query object the second time.
      assert.equal(await host.query(lang.id, MODEL_QUERY_KEY, MODEL_QUERIES[lang.id]), query);
      const text = SAMPLES[lang.family]!;
      const tree = await host.parse(lang.id, text);
      try {
        const names = new Set(query.captures(tree.rootNode).map((c) => c.name));
        assert.ok(names.has('import'), 'imports captured');
        assert.ok(names.has('call'), 'calls captured');
        assert.ok(names.has('bind') || names.has('bindlist'), 'bindings captured');
        const model = await getFileModel({ tree, text, language: lang, host });
        assert.ok(model.imports.size >= 1);
        assert.ok(model.calls.length >= 1);
        assert.ok(model.bindings.size >= 1);
        assert.equal(await getFileModel({ tree, text, language: lang, host }), model, 'one model per tree');
      } finally {
        tree.delete();
      }
    });
  }
});
