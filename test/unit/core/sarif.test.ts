import { strict as assert } from 'node:assert';
import { RULES, ruleHelpUri } from '../../../src/core/ruleMeta';
import { artifactLocation, FINGERPRINT_KEY, toSarif } from '../../../src/core/sarif';
import type { Finding } from '../../../src/core/types';
import { assertValidSarif, sarifValidator } from '../../cli/sarifSchema';

const range = (line: number, character: number, length: number) => ({
  start: { line, character },
  end: { line, character: character + length },
  startOffset: 100,
  endOffset: 100 + length,
});

const generation: Finding = {
  ruleId: 'aigc-generation-call',
  file: 'src/聊天 api/route.ts',
  range: range(4, 10, 6),
  message: 'OpenAI text generation (chat.completions.create)',
  severity: 'info',
  confidence: 'high',
  obligations: ['cn-gai-label'],
  generation: { provider: 'openai', modality: 'text', api: 'chat.completions.create' },
  fingerprint: 'f1',
};

const missingLabel: Finding = {
  ruleId: 'aigc-missing-label',
  file: 'src/聊天 api/route.ts',
  range: range(9, 2, 4),
  message: 'Generated text leaves without a label',
  severity: 'warning',
  confidence: 'medium',
  obligations: ['cn-label-explicit'],
  related: [{ file: 'src/聊天 api/route.ts', range: range(4, 10, 6), message: 'generated here' }],
  fingerprint: 'f2',
  suppression: { kind: 'inSource', reason: 'labeled by the CDN', range: range(8, 2, 40) },
};

const baselined: Finding = { ...missingLabel, ruleId: 'rec-no-opt-out', severity: 'error', related: undefined, fingerprint: 'f3', suppression: { kind: 'baseline', reason: 'accepted in baseline b.json', range: range(9, 2, 4) } };

describe('toSarif', () => {
  const log = toSarif([generation, missingLabel, baselined], {
    toolVersion: '1.2.3',
    rootDir: '/work/space',
    notices: [{ file: 'big.js', kind: 'too-large', message: 'skipped' }],
    configErrors: [{ file: '/work/space/.aireg.json', line: 2, column: 5, message: 'unknown property', severity: 'warning' }],
  });
  const run = log.runs[0]!;

  it('validates against the official SARIF 2.1.0 schema', () => {
    assertValidSarif(log);
  });

  it('the schema validator really rejects broken logs', () => {
    const broken = structuredClone(log) as unknown as { runs: { results: { level: string }[] }[] };
    broken.runs[0]!.results[0]!.level = 'fatal';
    assert.equal(sarifValidator()(broken), false);
    assert.equal(sarifValidator()({ version: '2.1.0' }), false);
  });

  it('describes every rule in tool.driver with help URI, default level and obligations', () => {
    const driver = run.tool.driver as { name: string; version: string; informationUri: string; rules: { id: string; helpUri: string; defaultConfiguration: { level: string }; properties: { obligations: string[] } }[] };
    assert.equal(driver.name, 'aireg');
    assert.equal(driver.version, '1.2.3');
    assert.deepEqual(driver.rules.map((r) => r.id), RULES.map((r) => r.id));
    const label = driver.rules.find((r) => r.id === 'aigc-missing-label')!;
    assert.equal(label.helpUri, ruleHelpUri('aigc-missing-label'));
    assert.equal(label.defaultConfiguration.level, 'warning');
    assert.ok(label.properties.obligations.includes('cn-label-explicit'));
    assert.equal(driver.rules.find((r) => r.id === 'aigc-generation-call')!.defaultConfiguration.level, 'note');
  });

  it('writes results with rule index, 1-based UTF-16 regions, fingerprints and properties', () => {
    const [r0, r1, r2] = run.results;
    assert.equal(run.columnKind, 'utf16CodeUnits');
    assert.equal(r0!.ruleId, 'aigc-generation-call');
    assert.equal(r0!.ruleIndex, RULES.findIndex((r) => r.id === 'aigc-generation-call'));
    assert.equal(r0!.level, 'note');
    assert.deepEqual(r0!.locations[0]!.physicalLocation.region, { startLine: 5, startColumn: 11, endLine: 5, endColumn: 17 });
    assert.deepEqual(r0!.locations[0]!.physicalLocation.artifactLocation, { uri: 'src/%E8%81%8A%E5%A4%A9%20api/route.ts', uriBaseId: 'SRCROOT' });
    assert.deepEqual(r0!.partialFingerprints, { [FINGERPRINT_KEY]: 'f1' });
    assert.deepEqual(r0!.properties, { confidence: 'high', obligations: ['cn-gai-label'], provider: 'openai', modality: 'text', api: 'chat.completions.create' });
    assert.equal(r1!.relatedLocations?.[0]?.message?.text, 'generated here');
    assert.equal(r2!.level, 'error');
    assert.equal(run.originalUriBaseIds?.SRCROOT?.uri, 'file:///work/space/');
  });

  it('keeps suppressed findings with inSource and external suppressions', () => {
    assert.equal(run.results.length, 3);
    assert.equal(run.results[0]!.suppressions, undefined);
    assert.deepEqual(run.results[1]!.suppressions?.map((s) => [s.kind, s.justification, s.location?.physicalLocation.region?.startLine]), [['inSource', 'labeled by the CDN', 9]]);
    assert.equal(run.results[2]!.suppressions?.[0]?.kind, 'external');
  });

  it('reports notices and config problems as invocation notifications', () => {
    const inv = run.invocations[0] as { executionSuccessful: boolean; toolExecutionNotifications: { descriptor: { id: string } }[]; toolConfigurationNotifications: { level: string }[] };
    assert.equal(inv.executionSuccessful, true);
    assert.equal(inv.toolExecutionNotifications[0]!.descriptor.id, 'too-large');
    assert.equal(inv.toolConfigurationNotifications[0]!.level, 'warning');
  });

  it('validates an empty scan too', () => {
    assertValidSarif(toSarif([], { toolVersion: '0.0.1' }));
  });
});

describe('artifactLocation', () => {
  it('uses file URIs for absolute paths and relative URIs otherwise', () => {
    assert.deepEqual(artifactLocation('/tmp/a b.py', true), { uri: 'file:///tmp/a%20b.py' });
    assert.deepEqual(artifactLocation('a b/c.py', false), { uri: 'a%20b/c.py' });
  });
});
