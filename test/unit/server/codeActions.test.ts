/**
 * Quick fixes that compile or keep the finding: each fix is applied to a small file shaped like real
 * code, the result must parse without errors, and the engine decides whether the finding is gone
 * (a complete fix) or still there (a TODO). The fixes must use the project's declared functions and
 * the names in scope, the file's quote style and the modality's wording.
 */
import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, TextEdit } from 'vscode-languageserver/node';
import { type AiregConfig, defaultConfig } from '../../../src/core/config';
import { Engine } from '../../../src/core/engine';
import { getObligation } from '../../../src/core/kb';
import { languageForPath } from '../../../src/core/languages';
import { TreeSitterHost } from '../../../src/core/parser';
import type { Finding, RuleId } from '../../../src/core/types';
import { actionsFor } from '../../../src/server/codeActions';
import { toDiagnostic } from '../../../src/server/convert';
import { fixScopeAt, quoteStyle } from '../../../src/server/fixScope';
import { findLabelTarget } from '../../../src/server/labelTarget';

const host = new TreeSitterHost();

interface Applied {
  titles: string[];
  fixTitle: string;
  text: string;
  parsesCleanly: boolean;
  after: Finding[];
}

function applyEdits(doc: TextDocument, edits: TextEdit[]): string {
  return TextDocument.applyEdits(doc, edits);
}

/** Runs the engine, takes the rule's first finding, applies the rule fix (the first action) and re-checks. */
async function applyFix(file: string, text: string, ruleId: RuleId, config: Partial<AiregConfig> = {}): Promise<Applied> {
  const cfg = { ...defaultConfig(), ...config };
  const engine = new Engine(host, cfg);
  const lang = languageForPath(file)!;
  const before = (await engine.analyze(file, text)).findings;
  const f = before.find((x) => x.ruleId === ruleId);
  assert.ok(f, `the fixture yields ${ruleId}; got ${before.map((x) => x.ruleId).join(', ')}`);
  const uri = `file:///w/${file}`;
  const doc = TextDocument.create(uri, lang.id, 1, text);
  const d: Diagnostic = toDiagnostic(f, cfg, () => uri);
  const tree = await host.parse(lang.id, text);
  let actions;
  try {
    const gen = f.related?.[0];
    const labelTarget = ruleId === 'aigc-missing-label' && gen ? findLabelTarget(tree, { start: f.range.startOffset, end: f.range.endOffset }, { start: gen.range.startOffset, end: gen.range.endOffset }) : undefined;
    actions = actionsFor(doc, d, lang, {
      scope: fixScopeAt(tree, text, f.range.startOffset),
      declared: { labelFunctions: cfg.labelFunctions, optOutChecks: cfg.optOutChecks, consentChecks: cfg.consentChecks },
      ...(labelTarget ? { labelTarget } : {}),
    });
  } finally {
    tree.delete();
  }
  const fix = actions.find((a) => a.edit);
  assert.ok(fix, `a fix with an edit is offered: ${actions.map((a) => a.title).join(' | ')}`);
  const out = applyEdits(doc, fix.edit!.changes![uri]!);
  const t2 = await host.parse(lang.id, out);
  const parsesCleanly = !t2.rootNode.hasError;
  t2.delete();
  const after = (await engine.analyze(file, out)).findings.filter((x) => x.ruleId === ruleId);
  return { titles: actions.map((a) => a.title), fixTitle: fix.title, text: out, parsesCleanly, after };
}

const VOICE_PY = `"""Narration in the author's own voice."""
from fastapi import FastAPI, HTTPException
from TTS.api import TTS

from .consent import requireFaceConsent, voice_release_on_file

app = FastAPI()
xtts = TTS("tts_models/multilingual/multi-dataset/xtts_v2")


@app.post("/narrate")
def narrate(author_id: str, chapter: str, reference_wav: str):
    out = f"/srv/audio/{author_id}.wav"
    xtts.tts_to_file(text=chapter, speaker_wav=reference_wav, language="zh-cn", file_path=out)
    return {"audio": out}
`;

describe('quick fixes that compile or keep the finding', function () {
  after(() => host.dispose());

  it('consent (Python voice clone): calls the voice helper the file imports with the real parameter, raises the imported HTTPException, and clears the finding', async function () {
    const r = await applyFix('voice.py', VOICE_PY, 'biometric-no-consent', { consentChecks: ['requireFaceConsent'] });
    assert.ok(r.parsesCleanly, r.text);
    assert.match(r.text, /\n {4}if not voice_release_on_file\(author_id\):\n {8}raise HTTPException\(status_code=403, detail="[^"]*voice[^"]*"\)\n {4}xtts\.tts_to_file/);
    assert.doesNotMatch(r.text, /subject_id|has_separate_consent|face_edit/);
    assert.deepEqual(r.after, [], 'the finding is gone');
    assert.ok(!/biometric-no-consent|cn-deep-synthesis-consent/.test(r.fixTitle), `the title names the obligation, not an id: ${r.fixTitle}`);
  });

  it('consent (TypeScript face swap): awaits the declared throwing check with the id parameter', async function () {
    const ts = `import * as tencentcloud from 'tencentcloud-sdk-nodejs';
import { requireFaceConsent } from './consent';

const facefusion = new tencentcloud.facefusion.v20220927.Client({ region: 'ap-guangzhou' });

export async function fuse(userId: string, userImage: string, templateId: string) {
  return facefusion.FuseFace({ ProjectId: 'p', ModelId: templateId, MergeInfos: [{ Url: userImage }], RspImgType: 'url' });
}
`;
    const r = await applyFix('fuse.ts', ts, 'biometric-no-consent', { consentChecks: ['requireFaceConsent'] });
    assert.ok(r.parsesCleanly, r.text);
    assert.match(r.text, /\n {2}await requireFaceConsent\(userId\);\n {2}return facefusion/);
    assert.deepEqual(r.after, []);
  });

  it('consent without a helper or an id in scope: a TODO that keeps the finding', async function () {
    const py = VOICE_PY.replace('from .consent import requireFaceConsent, voice_release_on_file\n', '').replace('author_id: str, ', '').replace('{author_id}', 'x');
    const r = await applyFix('voice.py', py, 'biometric-no-consent');
    assert.ok(r.parsesCleanly, r.text);
    assert.match(r.text, /# TODO\(aireg\): check the separate consent of the person whose voice is cloned/);
    assert.equal(r.after.length, 1, 'the finding stays until the check is written');
  });

  it('opt-out (TypeScript): guards with the declared check on the user parameter and returns no personalised items', async function () {
    const ts = `import { GetRecommendationsCommand, PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { isPersonalizationEnabled } from './prefs';

const client = new PersonalizeRuntimeClient({ region: 'cn-north-1' });

export async function recommend(userId: string) {
  const out = await client.send(new GetRecommendationsCommand({ campaignArn: 'arn', userId }));
  return out.itemList ?? [];
}
`;
    const r = await applyFix('recs.ts', ts, 'rec-no-opt-out', { optOutChecks: ['isPersonalizationEnabled'] });
    assert.ok(r.parsesCleanly, r.text);
    assert.match(r.text, /\n {2}if \(!\(await isPersonalizationEnabled\(userId\)\)\) \{\n {4}return \[\];\n {2}\}\n {2}const out/);
    assert.deepEqual(r.after, []);
  });

  it('opt-out on a chained call spanning lines: the guard goes above the statement, not inside the chain', async function () {
    const ts = `import { db } from './db';
import { isPersonalizationEnabled } from './prefs';

export async function feedFor(userId: string, limit = 20) {
  const history = await db.readingHistory.findMany({ where: { userId } });
  const candidates = await db.item.findMany({ take: 500 });
  return candidates
    .map((item) => ({ item, score: similarity(history, item.embedding) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
}
`;
    const engine = new Engine(host, { ...defaultConfig(), optOutChecks: ['isPersonalizationEnabled'] });
    const found = (await engine.analyze('feed.ts', ts)).findings.find((f) => f.ruleId === 'rec-no-opt-out');
    if (!found) this.skip();
    const r = await applyFix('feed.ts', ts, 'rec-no-opt-out', { optOutChecks: ['isPersonalizationEnabled'] });
    assert.ok(r.parsesCleanly, r.text);
    assert.match(r.text, /\n {2}if \(!\(await isPersonalizationEnabled\(userId\)\)\) \{\n {4}return \[\];\n {2}\}\n {2}return candidates\n/);
    assert.deepEqual(r.after, [], 'the guard clears the finding');
  });

  it('opt-out without a check in scope: a TODO that keeps the finding', async function () {
    const ts = `import { GetRecommendationsCommand, PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';

const client = new PersonalizeRuntimeClient({ region: 'cn-north-1' });

export async function recommend(userId: string) {
  const out = await client.send(new GetRecommendationsCommand({ campaignArn: 'arn', userId }));
  return out.itemList ?? [];
}
`;
    const r = await applyFix('recs.ts', ts, 'rec-no-opt-out');
    assert.ok(r.parsesCleanly, r.text);
    assert.match(r.text, /\/\/ TODO\(aireg\): check the user's opt-out/);
    assert.equal(r.after.length, 1);
  });

  const CHAT_TS = `import express from 'express';
import OpenAI from 'openai';
import { withAigcLabel } from './labels';

const app = express();
const openai = new OpenAI();

app.post('/api/chat', async (req, res) => {
  const completion = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: String(req.body.prompt) }] });
  const reply = completion.choices[0].message.content;
  res.json({ reply });
});
`;

  it('label (TypeScript, single quotes): prepends the label in the file\'s quote style; no metadata stub on text output', async function () {
    const r = await applyFix('chat.ts', CHAT_TS, 'aigc-missing-label');
    assert.ok(r.parsesCleanly, r.text);
    assert.match(r.text, /res\.json\(\{ reply: '\[AI 生成 \/ AI-generated\] ' \+ reply \}\)/);
    assert.ok(!r.titles.some((t) => /metadata/i.test(t)), `no metadata stub on text: ${r.titles.join(' | ')}`);
    assert.deepEqual(r.after, []);
    const explicit = getObligation('cn-label-explicit');
    assert.ok(explicit && r.titles.some((t) => t.includes(explicit.title.en)), `fix titles name the obligation: ${r.titles.join(' | ')}`);
    assert.ok(!r.titles.some((t) => /\bcn-[a-z-]+\b/.test(t)), `no raw obligation ids in titles: ${r.titles.join(' | ')}`);
  });

  it('label with a declared labelFunction in scope: wraps the value in it', async function () {
    const r = await applyFix('chat.ts', CHAT_TS, 'aigc-missing-label', { labelFunctions: ['withAigcLabel'] });
    assert.ok(r.parsesCleanly, r.text);
    assert.match(r.text, /res\.json\(\{ reply: withAigcLabel\(reply\) \}\)/);
    assert.deepEqual(r.after, []);
  });

  it('label on media output: a metadata stub with a TODO, which keeps the finding', async function () {
    const py = `from openai import OpenAI
client = OpenAI()


def draw(prompt):
    img = client.images.generate(model="dall-e-3", prompt=prompt)
    with open("out.png", "wb") as f:
        f.write(img.data[0].b64_json)
`;
    const engine = new Engine(host);
    const found = (await engine.analyze('draw.py', py)).findings.find((f) => f.ruleId === 'aigc-missing-label');
    if (!found) this.skip();
    const r = await applyFix('draw.py', py, 'aigc-missing-label');
    assert.ok(r.parsesCleanly, r.text);
    assert.match(r.text, /TODO\(aireg\)/);
    assert.equal(r.after.length, 1, 'the stub alone does not label the image');
  });

  it('reads the quote style of a file', function () {
    assert.equal(quoteStyle(`import a from 'a';\nconst b = 'x';\n`), "'");
    assert.equal(quoteStyle(`x = "a"\ny = "b"\nz = 'c'\n`), '"');
  });
});
