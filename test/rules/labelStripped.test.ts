import { strict as assert } from 'node:assert';
import { Engine } from '../../src/core/engine';
import { itChecksRuleFixtures } from './harness';

const RULE = 'aigc-label-stripped' as const;

describe(`rule ${RULE} (fixtures)`, () => {
  const engine = new Engine();
  after(() => engine.host.dispose());

  itChecksRuleFixtures(RULE, () => engine);

  it('stays quiet on the same code without generated or labeled media in the file', async () => {
    const code = "import sharp from 'sharp';\nexport const f = (b: Buffer) => sharp(b).resize(9).toFile('x.png');\n";
    const quiet = await engine.analyze('a.ts', code, { onlyRules: new Set([RULE]) });
    assert.equal(quiet.findings.length, 0);
    const loud = await engine.analyze('a.ts', `// AIGC labeled output\n${code}`, { onlyRules: new Set([RULE]) });
    assert.equal(loud.findings.length, 1);
    assert.equal(loud.findings[0]!.range.start.line, 2);
    assert.match(loud.findings[0]!.message, /Art\. 10/);
  });
});
