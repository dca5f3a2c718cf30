import { strict as assert } from 'node:assert';
import { defaultConfig } from '../../../src/core/config';
import { languageById } from '../../../src/core/languages';
import { TreeSitterHost } from '../../../src/core/parser';
import { positionAt, positionsIn } from '../../../src/core/position';
import { applySuppressions, parseSuppressionComments, SUPPRESSION_RULE } from '../../../src/core/suppressions';
import type { Finding, RuleId } from '../../../src/core/types';

const ts = languageById('typescript')!;
const py = languageById('python')!;

/** A finding of `ruleId` at the first occurrence of `needle` in `text`. */
function findingAt(text: string, needle: string, ruleId: RuleId = 'aigc-missing-label'): Finding {
  const startOffset = text.indexOf(needle);
  assert.ok(startOffset >= 0, `fixture lacks ${needle}`);
  const endOffset = startOffset + needle.length;
  return {
    ruleId,
    file: 'a.ts',
    range: { start: positionAt(text, startOffset), end: positionAt(text, endOffset), startOffset, endOffset },
    message: 'm',
    severity: 'warning',
    confidence: 'high',
    obligations: [],
    fingerprint: `fp-${ruleId}-${startOffset}`,
  };
}

describe('parseSuppressionComments', () => {
  it('reads rule ids, reason and target line of both directive kinds', () => {
    const text = [
      '// aireg-disable-next-line aigc-missing-label, rec-no-opt-out -- labeled by the CDN edge worker',
      'res.json(out);',
      'res.send(x); // aireg-disable-line aigc-generation-call -- test double',
    ].join('\n');
    const comments = parseSuppressionComments(text, ts);
    assert.equal(comments.length, 2);
    assert.deepEqual(comments[0]!.ruleIds, ['aigc-missing-label', 'rec-no-opt-out']);
    assert.equal(comments[0]!.reason, 'labeled by the CDN edge worker');
    assert.equal(comments[0]!.targetLine, 1);
    assert.equal(comments[0]!.kind, 'next-line');
    assert.deepEqual(comments[1]!.ruleIds, ['aigc-generation-call']);
    assert.equal(comments[1]!.targetLine, 2);
    assert.equal(comments[1]!.range.start.character, 'res.send(x); // '.length);
  });

  it('uses # in Python and ignores // there', () => {
    const text = '# aireg-disable-next-line rec-no-opt-out -- research build only\nscores = model.predict(u, items)\nx = 1 // 2 # aireg-disable-line\n';
    const comments = parseSuppressionComments(text, py);
    assert.equal(comments.length, 2);
    assert.equal(comments[0]!.reason, 'research build only');
    assert.deepEqual(comments[1]!.ruleIds, []);
  });

  it('handles block comments and trims the closing token', () => {
    const comments = parseSuppressionComments('/* aireg-disable-next-line rec-no-opt-out -- editorial picks */\nrank(u);', ts);
    assert.equal(comments[0]!.reason, 'editorial picks');
  });

  it('ignores directives in strings when the tree is given', async () => {
    const host = new TreeSitterHost();
    try {
      const text = 'const s = "// aireg-disable-line aigc-missing-label -- nope";\n// aireg-disable-next-line aigc-missing-label -- 中文理由\nsend(s);\n';
      const tree = await host.parse('typescript', text);
      try {
        const comments = parseSuppressionComments(text, ts, tree);
        assert.equal(comments.length, 1);
        assert.equal(comments[0]!.reason, '中文理由');
        assert.equal(comments[0]!.targetLine, 2);
      } finally {
        tree.delete();
      }
      const pyText = 'msg = """\n# aireg-disable-next-line rec-no-opt-out -- in a docstring\n"""\nrank(u)\n';
      const pyTree = await host.parse('python', pyText);
      try {
        assert.equal(parseSuppressionComments(pyText, py, pyTree).length, 0);
      } finally {
        pyTree.delete();
      }
    } finally {
      await host.dispose();
    }
  });
});

describe('applySuppressions', () => {
  const config = defaultConfig();

  it('marks a finding suppressed with kind, reason and the comment range, and keeps it', () => {
    const text = 'const a = 1;\n// aireg-disable-next-line aigc-missing-label -- watermark added by the CDN\nres.json(out);\n';
    const f = findingAt(text, 'res.json');
    const out = applySuppressions([f], text, ts, config, 'a.ts');
    assert.equal(out.length, 1);
    assert.equal(out[0]!.suppression?.kind, 'inSource');
    assert.equal(out[0]!.suppression?.reason, 'watermark added by the CDN');
    assert.equal(out[0]!.suppression?.range.start.line, 1);
    assert.equal(f.suppression, undefined, 'input is not mutated');
  });

  it('suppresses only the named rule on the target line', () => {
    const text = '// aireg-disable-next-line aigc-missing-label -- ok\nres.json(out); rank(u);\nres.json(again);\n';
    const same = findingAt(text, 'rank(u)', 'rec-no-opt-out');
    const other = findingAt(text, 'res.json(again)');
    const hit = findingAt(text, 'res.json(out)');
    const out = applySuppressions([hit, same, other], text, ts, config, 'a.ts');
    assert.deepEqual(out.map((f) => !!f.suppression), [true, false, false]);
  });

  it('disable-line suppresses findings on its own line', () => {
    const text = 'scores = model.predict(u, items)  # aireg-disable-line rec-no-opt-out -- admin-only tool\n';
    const f = findingAt(text, 'model.predict', 'rec-no-opt-out');
    assert.equal(applySuppressions([f], text, py, config, 'r.py')[0]!.suppression?.kind, 'inSource');
  });

  it('does not suppress without a reason and reports the comment', () => {
    const text = '// aireg-disable-next-line aigc-missing-label\nres.json(out);\n// aireg-disable-next-line aigc-missing-label --   \nres.json(two);\n';
    const out = applySuppressions([findingAt(text, 'res.json(out)'), findingAt(text, 'res.json(two)')], text, ts, config, 'a.ts');
    assert.equal(out.filter((f) => f.suppression).length, 0);
    const problems = out.filter((f) => f.ruleId === SUPPRESSION_RULE);
    assert.equal(problems.length, 2);
    assert.deepEqual(problems.map((p) => p.range.start.line), [0, 2]);
    assert.match(problems[0]!.message, /needs a reason/);
    assert.equal(problems[0]!.severity, 'warning');
  });

  it('reports unknown rule ids and rule-less directives with their own messages', () => {
    const text = '// aireg-disable-next-line aigc-missing-lable, aigc-missing-label -- typo test\nres.json(out);\n// aireg-disable-next-line -- forgot the rule\nres.json(x);\n';
    const out = applySuppressions([findingAt(text, 'res.json(out)')], text, ts, config, 'a.ts');
    assert.equal(out[0]!.suppression?.kind, 'inSource', 'the known id still applies');
    const messages = out.filter((f) => f.ruleId === SUPPRESSION_RULE).map((f) => f.message);
    assert.equal(messages.length, 2);
    assert.match(messages[0]!, /unknown rule id "aigc-missing-lable"/);
    assert.match(messages[1]!, /must name the rule/);
  });

  it('follows the configured severity of the suppression rule, including off', () => {
    const text = '// aireg-disable-next-line aigc-missing-label\nres.json(out);\n';
    const errorCfg = { ...defaultConfig(), rules: { [SUPPRESSION_RULE]: 'error' as const } };
    assert.equal(applySuppressions([], text, ts, errorCfg, 'a.ts')[0]!.severity, 'error');
    const offCfg = { ...defaultConfig(), rules: { [SUPPRESSION_RULE]: 'off' as const } };
    const out = applySuppressions([findingAt(text, 'res.json')], text, ts, offCfg, 'a.ts');
    assert.equal(out.length, 1);
    assert.equal(out[0]!.suppression, undefined, 'switching the rule off does not make reasonless suppressions work');
  });
});

describe('positionsIn', () => {
  it('gives positionAt\'s answer for offsets asked in any order, over every kind of line end', () => {
    const text = 'a\r\nbb\rccc\n\ndddd\r\n\r\ne';
    const offsets = [0, 1, 2, 3, 5, 6, 9, 10, 11, 15, 17, 19, 20, text.length, 4, 0, 12, 12, 30];
    const at = positionsIn(text);
    for (const o of offsets) assert.deepEqual(at(o), positionAt(text, o), `offset ${o}`);
  });

  it('gives positionAt\'s answer in a text whose only line ends are line feeds', () => {
    const text = 'a\nbb\n\nccc\n';
    const at = positionsIn(text);
    for (let o = 0; o <= text.length + 2; o++) assert.deepEqual(at(o), positionAt(text, o), `offset ${o}`);
    assert.deepEqual(positionsIn('one line')(5), { line: 0, character: 5 });
  });

  it('reads the positions of many directives in one file the same as one at a time', () => {
    const block = '// aireg-disable-next-line aigc-missing-label -- reviewed\r\nres.json(out);\n';
    const text = block.repeat(200);
    const comments = parseSuppressionComments(text, ts);
    assert.equal(comments.length, 200);
    comments.forEach((c, i) => {
      assert.deepEqual(c.range.start, positionAt(text, c.range.startOffset));
      assert.deepEqual(c.range.end, positionAt(text, c.range.endOffset));
      assert.equal(c.targetLine, 2 * i + 1);
    });
  });
});
