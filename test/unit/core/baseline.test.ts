import { strict as assert } from 'node:assert';
import { applyBaseline, BaselineError, BASELINE_VERSION, createBaseline, parseBaseline } from '../../../src/core/baseline';
import type { Finding } from '../../../src/core/types';

function finding(fingerprint: string, file = 'src/a.ts', extra: Partial<Finding> = {}): Finding {
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 }, startOffset: 0, endOffset: 1 };
  return { ruleId: 'aigc-missing-label', file, range, message: 'm', severity: 'warning', confidence: 'high', obligations: [], fingerprint, ...extra };
}

describe('baseline', () => {
  it('round-trips through JSON and marks every recorded finding as baselined', () => {
    const findings = [finding('b', 'z.py'), finding('a')];
    const file = createBaseline(findings, new Date('2026-01-02T03:04:05Z'));
    assert.equal(file.version, BASELINE_VERSION);
    assert.equal(file.createdAt, '2026-01-02T03:04:05.000Z');
    assert.deepEqual(file.findings.map((e) => e.file), ['src/a.ts', 'z.py'], 'sorted for stable diffs');
    const parsed = parseBaseline(JSON.stringify(file), 'b.json');
    const applied = applyBaseline(findings, parsed, 'b.json');
    assert.ok(applied.every((f) => f.suppression?.kind === 'baseline'));
    assert.match(applied[0]!.suppression!.reason, /b\.json/);
    assert.equal(findings[0]!.suppression, undefined, 'input untouched');
  });

  it('reports new findings and counts duplicates', () => {
    const baseline = createBaseline([finding('dup'), finding('old')]);
    const now = [finding('dup'), finding('dup'), finding('new'), finding('old')];
    const applied = applyBaseline(now, baseline, 'b.json');
    assert.deepEqual(applied.map((f) => f.suppression?.kind ?? 'new'), ['baseline', 'new', 'new', 'baseline']);
  });

  it('leaves out findings suppressed in source and keeps their suppression when applied', () => {
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 }, startOffset: 0, endOffset: 1 };
    const suppressed = finding('s', 'a.ts', { suppression: { kind: 'inSource', reason: 'r', range } });
    assert.equal(createBaseline([suppressed]).findings.length, 0);
    const applied = applyBaseline([suppressed], createBaseline([finding('s')]), 'b.json');
    assert.equal(applied[0]!.suppression?.kind, 'inSource');
  });

  it('rejects files that are not baselines with a clear message', () => {
    assert.throws(() => parseBaseline('{', 'b.json'), (e: Error) => e instanceof BaselineError && /b\.json: not valid JSON/.test(e.message));
    assert.throws(() => parseBaseline('{"runs": []}', 'b.json'), /not an aireg baseline/);
    assert.throws(() => parseBaseline('{"tool": "aireg", "version": 99, "findings": []}', 'b.json'), /version 99 is not supported/);
    assert.throws(() => parseBaseline('{"tool": "aireg", "version": 1, "findings": [{}]}', 'b.json'), /findings\[0\] has no "fingerprint"/);
  });
});
