import { strict as assert } from 'node:assert';
import { type Collect, exposedCollector, IdleYoungCollector, youngGenerationFill } from '../../../src/server/idleGc';

/** Fills the young generation with short-lived garbage until it is at least `fill` full. */
function allocateUntil(fill: number): void {
  let sink: unknown[] = [];
  for (let i = 0; i < 2_000_000 && youngGenerationFill() < fill; i++) {
    sink.push({ i, s: `x${i}` });
    if (sink.length > 1000) sink = [];
  }
}

describe('idle young-generation collection (server/idleGc)', () => {
  it('finds V8’s collector for this process and empties the young generation with it', () => {
    const gc = exposedCollector();
    assert.ok(gc, 'the collector is exposed');
    allocateUntil(0.5);
    const before = youngGenerationFill();
    gc({ type: 'minor' });
    assert.ok(youngGenerationFill() < before / 2, `young generation ${before.toFixed(2)} → ${youngGenerationFill().toFixed(2)}`);
  });

  it('collects only when the young generation is full enough, and never when turned off', () => {
    let runs = 0;
    const counting: Collect = () => {
      runs++;
    };
    exposedCollector()!({ type: 'minor' });
    const collector = new IdleYoungCollector(0.7, true, counting);
    assert.ok(youngGenerationFill() < 0.7, 'nearly empty after a collection');
    assert.equal(collector.collectIfFull(), false);
    assert.equal(runs, 0);
    allocateUntil(0.8);
    assert.equal(collector.collectIfFull(), true);
    assert.equal(runs, 1);
    const off = new IdleYoungCollector(0, false, counting);
    assert.equal(off.collectIfFull(), false);
    assert.equal(runs, 1);
  });
});
