import { strict as assert } from 'node:assert';
import { Engine } from '../../src/core/engine';
import { itChecksRuleFixtures } from './harness';

const RULE = 'aigc-invalid-label-metadata' as const;

describe(`rule ${RULE} (fixtures)`, () => {
  const engine = new Engine();
  after(() => engine.host.dispose());

  itChecksRuleFixtures(RULE, () => engine);

  it('reports every problem with its own message', async () => {
    const text = "const aigc = { Label: 1, ContentProducr: 'x' };\n";
    const res = await engine.analyze('m.ts', text, { onlyRules: new Set([RULE]) });
    const problems = res.findings.map((f) => f.data?.problem).sort();
    assert.deepEqual(problems, ['missing', 'misspelt', 'non-string']);
    assert.ok(res.findings.every((f) => f.severity === 'error' && f.confidence === 'high'));
    assert.match(res.findings.find((f) => f.data?.problem === 'missing')!.message, /ProduceID/);
  });

  it('asks content platforms for the propagator fields too', async () => {
    const text = "const aigc = { Label: '1', ContentProducer: 'x', ProduceID: 'y' };\n";
    const quiet = await engine.analyze('m.ts', text, { onlyRules: new Set([RULE]) });
    assert.equal(quiet.findings.length, 0);
    const platform = new Engine(engine.host, { ...engine.config, roles: ['service-provider', 'content-platform'] });
    const res = await platform.analyze('m.ts', text, { onlyRules: new Set([RULE]) });
    assert.equal(res.findings.length, 1);
    assert.match(res.findings[0]!.message, /ContentPropagator, PropagateID/);
  });
});
