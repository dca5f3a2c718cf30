import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Engine } from '../../src/core/engine';
import { FIXTURE_ROOT } from '../../scripts/precision';
import { itChecksRuleFixtures } from './harness';
import { languageForPath } from '../../src/core/languages';
import { biometricSites, forgetBiometricSites } from '../../src/core/rules/biometricNoConsent';
import type { RuleContext } from '../../src/core/rules/rule';

const RULE = 'biometric-no-consent' as const;

describe(`rule ${RULE} (fixtures)`, () => {
  const engine = new Engine();
  after(() => engine.host.dispose());

  itChecksRuleFixtures(RULE, () => engine);

  it('honours a consent check declared in the configuration', async () => {
    const text = [
      'def clone(speaker, ref, out):',
      '    ensure_release_form(speaker)',
      '    tts.tts_to_file(text="hi", speaker_wav=ref, file_path=out)',
      '',
    ].join('\n');
    const before = await engine.analyze('v.py', text, { onlyRules: new Set([RULE]) });
    assert.equal(before.findings.length, 1);
    assert.equal(before.findings[0]!.range.start.line, 2);
    const configured = new Engine(engine.host, { ...engine.config, consentChecks: ['ensure_release_form'] });
    const after = await configured.analyze('v.py', text, { onlyRules: new Set([RULE]) });
    assert.equal(after.findings.length, 0);
  });

  it('does not take a consent word in a comment as a check', async () => {
    const text = fs.readFileSync(path.join(FIXTURE_ROOT, RULE, 'voice_clone.py'), 'utf8');
    const res = await engine.analyze('voice_clone.py', text, { onlyRules: new Set([RULE]) });
    const line = text.split('\n').findIndex((l) => l.includes('speaker_wav=reference_wav'));
    assert.ok(res.findings.some((f) => f.range.start.line === line));
  });

  it('names the entry point of a helper reached from a handler', async () => {
    const text = fs.readFileSync(path.join(FIXTURE_ROOT, RULE, 'face_swap.py'), 'utf8');
    const res = await engine.analyze('face_swap.py', text, { onlyRules: new Set([RULE]) });
    assert.equal(res.findings.length, 1);
    const related = res.findings[0]!.related![0]!;
    assert.equal(text.slice(related.range.startOffset, related.range.endOffset), 'swap');
    assert.match(res.findings[0]!.message, /Art\. 14/);
  });

  it("says that an uploader's terms checkbox is not the depicted person's consent", async () => {
    const text = fs.readFileSync(path.join(FIXTURE_ROOT, RULE, 'model_instances.py'), 'utf8');
    const res = await engine.analyze('model_instances.py', text, { onlyRules: new Set([RULE]) });
    const lines = text.split('\n');
    const after = lines.findIndex((l) => l.startsWith('def clone_after_terms'));
    const plain = res.findings.find((f) => f.range.start.line === lines.findIndex((l) => l.includes('return tts_pipeline.run(req)')));
    const attested = res.findings.find((f) => f.range.start.line > after);
    assert.ok(plain && attested);
    assert.match(attested.message, /`agree`.*not the separate consent of the person whose voice/);
    assert.doesNotMatch(plain.message, /uploader ticks/);
  });

  it('reports a model where its instance is called, not where it is loaded', async () => {
    const text = fs.readFileSync(path.join(FIXTURE_ROOT, RULE, 'model_instances.py'), 'utf8');
    const res = await engine.analyze('model_instances.py', text, { onlyRules: new Set([RULE]) });
    const lines = text.split('\n');
    for (const marker of ['model = Wav2Lip()', 'tts_pipeline = TTS(', 'model = load_lipsync(path)', 'f5 = F5TTS()']) {
      const line = lines.findIndex((l) => l.includes(marker));
      assert.ok(line >= 0, marker);
      assert.ok(!res.findings.some((f) => f.range.start.line === line), marker);
    }
  });
});

describe('biometric sites shared by the generation and biometric rules', () => {
  const engine = new Engine();
  after(() => engine.host.dispose());

  it('are found again by the next rule when the first search failed (a rule stopped by its time budget)', async () => {
    const text = ['def clone(ref, out):', '    tts.tts_to_file(text="hi", speaker_wav=ref, file_path=out)', ''].join('\n');
    const language = languageForPath('v.py')!;
    const tree = await engine.host.parse(language.id, text);
    try {
      const base = { file: 'v.py', text, language, tree, host: engine.host, config: engine.config, generationCalls: [], report: () => undefined } as unknown as RuleContext;
      // The first asker's search ends with an error, as a budget stop does.
      const failing = Object.defineProperty({ ...base }, 'text', {
        get() {
          throw new Error('rule time budget exceeded');
        },
      });
      await assert.rejects(biometricSites(failing));
      const found = await biometricSites(base);
      assert.equal(found?.sites.length, 1);
      assert.equal(found.sites[0]!.kind, 'voice-clone');
      // And the answer is then kept for the next asker.
      assert.equal(biometricSites(base), biometricSites(base));
    } finally {
      forgetBiometricSites(tree);
      tree.delete();
    }
  });
});
