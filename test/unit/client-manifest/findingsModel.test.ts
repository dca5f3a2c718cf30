/**
 * The Findings view lists each finding once: by file (default) with the most severe files and
 * findings first, by rule, or by obligation with each finding under its primary obligation only.
 */
import * as assert from 'node:assert/strict';
import { groupFindings } from '../../../src/client/findingsModel';
import type { FindingSummary } from '../../../src/shared/protocol';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';

function finding(file: string, line: number, severity: FindingSummary['severity'], ruleId: string, obligations: string[], primaryObligation?: string): FindingSummary {
  return {
    uri: `file:///w/${file}`,
    file,
    ruleId,
    range: { start: { line, character: 0 }, end: { line, character: 5 } },
    message: `${ruleId} at ${line}`,
    severity,
    obligations,
    ...(primaryObligation ? { primaryObligation } : {}),
    fingerprint: `${file}:${line}:${ruleId}`,
  };
}

const FINDINGS: FindingSummary[] = [
  finding('a.py', 3, 'info', 'aigc-generation-call', ['cn-label-explicit', 'cn-label-implicit', 'eu-ai-act-50-2', 'cn-filing'], 'cn-filing'),
  finding('a.py', 9, 'warning', 'aigc-missing-label', ['cn-label-explicit', 'cn-label-implicit', 'eu-ai-act-50-2'], 'cn-label-explicit'),
  finding('b.ts', 1, 'error', 'aigc-invalid-label-metadata', ['cn-label-implicit'], 'cn-label-implicit'),
  finding('c.ts', 4, 'info', 'aigc-generation-call', ['cn-label-explicit'], 'cn-label-explicit'),
];

describe('Findings view model', function () {
  it('groups by file by default', function () {
    assert.equal(DEFAULT_SETTINGS.groupBy, 'file');
  });

  for (const by of ['file', 'rule', 'obligation'] as const) {
    it(`lists each finding exactly once when grouped by ${by}`, function () {
      const rows = groupFindings(FINDINGS, by).flatMap((g) => g.findings);
      assert.equal(rows.length, FINDINGS.length);
      assert.equal(new Set(rows.map((f) => f.fingerprint)).size, FINDINGS.length);
    });
  }

  it('orders files by their most severe finding and findings by severity within a file', function () {
    const groups = groupFindings(FINDINGS, 'file');
    assert.deepEqual(groups.map((g) => g.key), ['b.ts', 'a.py', 'c.ts']);
    assert.deepEqual(groups[1]!.findings.map((f) => f.severity), ['warning', 'info']);
  });

  it('puts a finding under its primary obligation only', function () {
    const groups = groupFindings(FINDINGS, 'obligation');
    const keys = Object.fromEntries(groups.map((g) => [g.key, g.findings.map((f) => f.range.start.line)]));
    assert.deepEqual(keys, { 'cn-label-implicit': [1], 'cn-label-explicit': [9, 4], 'cn-filing': [3] });
  });
});
