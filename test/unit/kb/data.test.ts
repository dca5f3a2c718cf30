import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import rulesData from '../../../data/rules.json';
import { BUNDLED_DATA, KnowledgeBaseError, allInstruments, allObligations, createKnowledgeBase, disclaimer, getInstrument, getObligation, knowledgeBase } from '../../../src/core/kb/index';
import { renderObligationsDoc, renderRulesDoc } from '../../../src/core/kb/docs';
import { RULES } from '../../../src/core/ruleMeta';

const root = path.resolve(__dirname, '../../..');
const readJson = (rel: string): unknown => JSON.parse(fs.readFileSync(path.join(root, rel), 'utf8'));

/** Every {en, zh} object anywhere in a value, with its JSON path. */
function localized(value: unknown, at = '$'): { at: string; en: unknown; zh: unknown }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => localized(v, `${at}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  const o = value as Record<string, unknown>;
  const own = 'en' in o || 'zh' in o ? [{ at, en: o.en, zh: o.zh }] : [];
  return own.concat(Object.entries(o).flatMap(([k, v]) => localized(v, `${at}.${k}`)));
}

// The obligation ids that data/rules.json and the other parts of aireg rely on (notes/interfaces.md).
const CONTRACT_IDS = [
  'cn-gai-label', 'cn-label-explicit', 'cn-label-implicit', 'cn-gai-assessment-filing', 'eu-aia-50-2-marking',
  'cn-ds-conspicuous-label', 'cn-ds-implicit-label', 'cn-label-no-removal', 'cn-ds-no-label-removal', 'cn-ar-opt-out',
  'eu-dsa-27-recommender-transparency', 'eu-dsa-38-non-profiling-option', 'cn-ds-biometric-consent', 'eu-aia-50-4-deepfake',
];

describe('kb data: schemas', () => {
  const ajv = new Ajv({ strict: true, allErrors: true });
  // Schemas carry an $id, so each is compiled once and the validator reused.
  const compiled = new Map<string, ReturnType<Ajv['compile']>>();
  const validator = (schemaPath: string) => {
    if (!compiled.has(schemaPath)) compiled.set(schemaPath, ajv.compile(readJson(schemaPath) as object));
    return compiled.get(schemaPath)!;
  };
  const cases: [string, string[]][] = [
    ['data/schemas/instruments.schema.json', ['data/instruments.json']],
    ['data/schemas/rules.schema.json', ['data/rules.json']],
    ['data/schemas/obligations.schema.json', fs.readdirSync(path.join(root, 'data/obligations')).map((f) => `data/obligations/${f}`)],
  ];
  for (const [schemaPath, files] of cases) {
    it(`${schemaPath} is a valid schema that ajv compiles in strict mode`, () => {
      const schema = readJson(schemaPath) as object;
      assert.equal(ajv.validateSchema(schema), true, JSON.stringify(ajv.errors));
      assert.doesNotThrow(() => validator(schemaPath));
    });
    for (const f of files) {
      it(`${f} validates against ${path.basename(schemaPath)}`, () => {
        const validate = validator(schemaPath);
        const ok = validate(readJson(f));
        assert.equal(ok, true, JSON.stringify(validate.errors, null, 1));
      });
    }
  }

  it('every bundled obligation file is loaded by src/core/kb (no file forgotten)', () => {
    const onDisk = fs.readdirSync(path.join(root, 'data/obligations')).map((f) => f.replace(/\.json$/, '')).sort();
    assert.deepEqual(BUNDLED_DATA.obligationFiles.map((f) => f.name).sort(), onDisk);
  });

  it('data files point at their schemas', () => {
    assert.equal((readJson('data/rules.json') as { $schema: string }).$schema, './schemas/rules.schema.json');
    assert.equal((readJson('data/instruments.json') as { $schema: string }).$schema, './schemas/instruments.schema.json');
    for (const f of fs.readdirSync(path.join(root, 'data/obligations'))) {
      assert.equal((readJson(`data/obligations/${f}`) as { $schema: string }).$schema, '../schemas/obligations.schema.json', f);
    }
  });

  it('the schema rejects an obligation with a missing Chinese summary', () => {
    const validate = validator('data/schemas/obligations.schema.json');
    const broken = structuredClone(readJson('data/obligations/eu.json')) as { obligations: { summary: { zh?: string } }[] };
    delete broken.obligations[0].summary.zh;
    assert.equal(validate(broken), false);
  });
});

describe('kb data: consistency', () => {
  const obs = allObligations();

  it('loads without structural or reference problems', () => {
    assert.doesNotThrow(() => createKnowledgeBase(BUNDLED_DATA.instruments, BUNDLED_DATA.obligationFiles));
    assert.ok(obs.length >= 55, `only ${obs.length} obligations`);
  });

  it('obligation and instrument ids are unique', () => {
    const ids = obs.map((o) => o.id);
    assert.equal(new Set(ids).size, ids.length);
    const iids = allInstruments().map((i) => i.id);
    assert.equal(new Set(iids).size, iids.length);
  });

  it('keeps every id that has shipped (ids are stable)', () => {
    const shipped = (readJson('test/unit/kb/shipped-ids.json') as { ids: string[] }).ids;
    for (const id of shipped) assert.ok(getObligation(id), `shipped obligation id ${id} disappeared`);
    const unlisted = obs.filter((o) => !shipped.includes(o.id)).map((o) => o.id);
    assert.deepEqual(unlisted, [], 'new ids must be added to test/unit/kb/shipped-ids.json');
  });

  it('defines every obligation id the shared interfaces promise', () => {
    for (const id of CONTRACT_IDS) assert.ok(getObligation(id), `missing ${id}`);
  });

  it('every rule in data/rules.json names obligations that exist', () => {
    for (const r of rulesData.rules) {
      for (const id of r.obligations) assert.ok(getObligation(id), `rule ${r.id} names unknown obligation ${id}`);
    }
  });

  it('every relatedRules entry names a rule in data/rules.json, and rules and obligations agree both ways', () => {
    const ruleIds = new Set(rulesData.rules.map((r) => r.id));
    for (const o of obs) {
      for (const r of o.relatedRules) assert.ok(ruleIds.has(r), `${o.id} names unknown rule ${r}`);
      if (o.detectability === 'not-detectable-in-code') assert.deepEqual(o.relatedRules, [], `${o.id} is not detectable but names rules`);
      else assert.ok(o.relatedRules.length > 0, `${o.id} is detectable but names no rule`);
    }
    for (const r of rulesData.rules) {
      for (const id of r.obligations) assert.ok(getObligation(id)!.relatedRules.includes(r.id), `${id} does not list rule ${r.id} back`);
    }
  });

  it('every obligation names instruments and articles that exist', () => {
    for (const o of obs) {
      assert.ok(o.articles.length > 0, o.id);
      for (const a of o.articles) {
        const inst = getInstrument(a.instrument);
        assert.ok(inst, `${o.id}: unknown instrument ${a.instrument}`);
        assert.ok(inst.articles.some((x) => x.number === a.article), `${o.id}: ${a.instrument} has no article ${a.article}`);
      }
    }
  });

  it('no obligation is mapped to a superseded or draft instrument', () => {
    for (const o of obs) {
      for (const a of o.articles) assert.notEqual(getInstrument(a.instrument)!.status, 'superseded', `${o.id} cites superseded ${a.instrument}`);
    }
    const draft = getInstrument('cn-ethics-draft')!;
    assert.equal(draft.supersededBy, 'cn-ethics');
    assert.equal(getInstrument('cn-ethics')!.effective, '2023-12-01');
    assert.equal(getInstrument('cn-ethics')!.documentNumber, '国科发监〔2023〕167号');
  });

  it('records the correct Algorithm Recommendation date and notes the seed discrepancy', () => {
    const ar = getInstrument('cn-ar')!;
    assert.equal(ar.effective, '2022-03-01');
    assert.match(ar.notes!.en, /2023-03-01/);
    assert.match(ar.notes!.zh, /2023年3月1日/);
  });

  it('zh and en are both non-empty in every bilingual field of every data file', () => {
    const files = ['data/instruments.json', 'data/rules.json', ...fs.readdirSync(path.join(root, 'data/obligations')).map((f) => `data/obligations/${f}`)];
    let count = 0;
    for (const f of files) {
      for (const t of localized(readJson(f))) {
        count++;
        assert.ok(typeof t.en === 'string' && t.en.trim() !== '', `${f} ${t.at}.en is empty`);
        assert.ok(typeof t.zh === 'string' && t.zh.trim() !== '', `${f} ${t.at}.zh is empty`);
        // Chinese text must contain Chinese; English text must not be Chinese only.
        assert.match(t.zh as string, /[\u4e00-\u9fff]|^GB 45438-2025$/, `${f} ${t.at}.zh has no Chinese`);
        assert.match(t.en as string, /[A-Za-z]/, `${f} ${t.at}.en has no Latin letters`);
      }
    }
    assert.ok(count > 500, `only ${count} bilingual fields found`);
  });

  it('every obligation has sources (official first), a last-checked date and per-article verification', () => {
    for (const o of obs) {
      assert.ok(o.sources.length > 0, o.id);
      const firstNonOfficial = o.sources.findIndex((s) => s.kind !== 'official');
      const lastOfficial = o.sources.map((s) => s.kind).lastIndexOf('official');
      assert.ok(lastOfficial >= 0, `${o.id} has no official source`);
      assert.ok(firstNonOfficial === -1 || firstNonOfficial > lastOfficial, `${o.id}: official sources must come first`);
      // Cards are re-checked card by card (issue 12 rechecked some on 2026-12-06).
      assert.ok(o.lastChecked >= '2026-11-28' && o.lastChecked <= new Date().toISOString().slice(0, 10), `${o.id}: lastChecked ${o.lastChecked}`);
      for (const a of o.articles) assert.ok(['verified-official', 'secondary-source', 'unverified'].includes(a.verification));
    }
  });

  it('obligations that code can give evidence for carry TypeScript and Python examples', () => {
    for (const o of obs.filter((x) => x.detectability !== 'not-detectable-in-code')) {
      const langs = new Set((o.examples ?? []).map((e) => e.language));
      assert.ok(langs.has('typescript') && langs.has('python'), `${o.id} lacks a TypeScript or Python example`);
    }
  });

  it('the card disclaimer says aireg is not legal advice, in both languages', () => {
    assert.match(disclaimer().en, /not legal advice/);
    assert.match(disclaimer().zh, /不构成法律意见/);
  });

  it('card texts are our own words, not sentences copied from the seed alert', function () {
    const seedDir = '/work/shared/seed';
    // The seed lives outside the repository and must not be committed; without it there is
    // nothing to compare against, which the report shows as pending rather than as a pass.
    if (!fs.existsSync(seedDir)) this.skip();
    const seed = fs.readdirSync(seedDir).map((f) => fs.readFileSync(path.join(seedDir, f), 'utf8')).join('\n').replace(/\s+/g, '');
    for (const o of obs) {
      for (const key of ['title', 'summary', 'codeImplications', 'orgImplications', 'howToComply'] as const) {
        const zh = o[key].zh.replace(/\s+/g, '');
        for (let i = 0; i + 20 <= zh.length; i++) assert.ok(!seed.includes(zh.slice(i, i + 20)), `${o.id}.${key} copies the seed: ${zh.slice(i, i + 20)}`);
      }
    }
  });
});

describe('kb data: seed rows', () => {
  const seeded = allObligations().filter((o) => o.seedRef);

  it('all 34 seed rows are present: 4 before launch and 30 during operation, each once', () => {
    const refs = seeded.map((o) => o.seedRef!);
    assert.equal(new Set(refs).size, refs.length, 'a seed row is mapped twice');
    const before = refs.filter((r) => r.startsWith('seed:before-')).map((r) => Number(r.split('-')[1])).sort((a, b) => a - b);
    const op = refs.filter((r) => r.startsWith('seed:op-')).map((r) => Number(r.split('-')[1])).sort((a, b) => a - b);
    assert.deepEqual(before, [1, 2, 3, 4]);
    assert.deepEqual(op, Array.from({ length: 30 }, (_, i) => i + 1));
    assert.equal(seeded.length, 34);
  });

  it('seed before-launch rows are before-launch obligations', () => {
    for (const o of seeded.filter((x) => x.seedRef!.startsWith('seed:before-'))) assert.equal(o.phase, 'before-launch', o.id);
  });

  it('keeps the stable ids of landmark seed rows', () => {
    const byRef = new Map(seeded.map((o) => [o.seedRef, o.id]));
    assert.equal(byRef.get('seed:before-1'), 'cn-algo-filing');
    assert.equal(byRef.get('seed:before-4'), 'cn-ethics-review');
    assert.equal(byRef.get('seed:op-8'), 'cn-ds-biometric-consent');
    assert.equal(byRef.get('seed:op-18'), 'cn-ar-opt-out');
    assert.equal(byRef.get('seed:op-30'), 'cn-complaint-handling');
  });

  it('the ethics rows say how the seed was overtaken and map to the final measures', () => {
    for (const id of ['cn-ethics-review', 'cn-ethics-follow-up-review']) {
      const o = getObligation(id)!;
      assert.ok(o.supersededNote, id);
      assert.match(o.supersededNote.en, /2023-12-01/);
      assert.ok(o.articles.every((a) => a.instrument === 'cn-ethics'), id);
    }
  });

  it('includes the 2025 labeling measures, GB 45438 and the EU items', () => {
    const ids = new Set(allObligations().map((o) => o.id));
    for (const kind of ['text', 'audio', 'image', 'video', 'virtual-scene']) assert.ok(ids.has(`cn-label-explicit-${kind}`), kind);
    for (const id of ['cn-label-platform-verify', 'cn-label-app-store-check', 'cn-label-unlabeled-on-request-logs', 'eu-aia-50-1-interaction-disclosure', 'eu-aia-50-3-emotion-biometric-disclosure']) assert.ok(ids.has(id), id);
    for (let a = 4; a <= 10; a++) assert.ok(allObligations().some((o) => o.articles.some((r) => r.instrument === 'cn-label' && r.article === String(a))), `Labeling Measures Art. ${a}`);
    const implicit = getObligation('cn-label-implicit')!;
    for (const field of ['Label', 'ContentProducer', 'ProduceID', 'ReservedCode1', 'ContentPropagator', 'PropagateID', 'ReservedCode2']) assert.ok(implicit.summary.en.includes(field), field);
    assert.ok(implicit.articles.some((a) => a.instrument === 'gb-45438' && a.verification !== 'verified-official'), 'GB 45438 field facts must not claim official verification');
    for (const p of ['1', '2', '3', '4']) assert.ok(allObligations().some((o) => o.articles.some((a) => a.instrument === 'eu-aia' && a.article === '50' && a.paragraph === p)), `Art. 50(${p})`);
  });

  it('every instrument that obligations cite has its penalty provisions recorded (standards and drafts excepted)', () => {
    for (const i of allInstruments()) {
      // Standards, drafts and notices cited as a whole set no penalties of their own.
      if (i.kind === 'standard' || i.kind === 'draft' || i.articleStyle === 'document') continue;
      assert.ok(i.penalties.length > 0, `${i.id} has no penalty provision`);
      for (const p of i.penalties) assert.ok(i.articles.some((a) => a.number === p.article), `${i.id} penalty cites missing article ${p.article}`);
    }
  });
});

describe('kb data: every mapping is checkable (issue 12)', () => {
  const obs = allObligations();
  const refs = obs.flatMap((o) => o.articles.map((a) => ({ o, a })));

  it('every binding obligation rests on a provision that requires or prohibits', () => {
    for (const o of obs.filter((x) => x.binding)) {
      assert.ok(o.articles.some((a) => a.force === 'requires' || a.force === 'prohibits'), `${o.id} is binding but no article requires or prohibits`);
    }
  });

  it('encouragements and permissions never make a card binding on their own', () => {
    for (const o of obs) {
      if (o.articles.every((a) => a.force === 'encourages' || a.force === 'permits')) assert.equal(o.binding, false, o.id);
    }
    // Algorithm Recommendation Provisions Art. 12 opens with 鼓励: it is an encouragement wherever cited.
    for (const { o, a } of refs) if (a.instrument === 'cn-ar' && a.article === '12') assert.equal(a.force, 'encourages', o.id);
    assert.equal(getObligation('cn-ar-transparency')!.binding, false);
    assert.equal(getObligation('cn-label-watermark')!.binding, false);
  });

  // Binding cards whose provisions aireg could not read in any text it can cite. The list may only
  // shrink: a new binding card must quote the wording it rests on.
  const UNQUOTED_BINDING = [
    'cn-app-store-launch-check', 'cn-ds-app-store-management', 'cn-ds-rumor-debunking', 'cn-ds-no-label-removal',
    'cn-ethics-review', 'cn-ethics-follow-up-review', 'cn-management-systems', 'cn-label-filing-materials',
  ];

  it('every other binding obligation quotes a requiring or prohibiting wording', () => {
    const missing: string[] = [];
    for (const o of obs.filter((x) => x.binding)) {
      const quoted = o.articles.some((a) => (a.force === 'requires' || a.force === 'prohibits') && a.wording);
      if (!quoted) missing.push(o.id);
      else assert.ok(!UNQUOTED_BINDING.includes(o.id), `${o.id} now quotes its wording: remove it from UNQUOTED_BINDING`);
    }
    assert.deepEqual(missing.sort(), [...UNQUOTED_BINDING].sort());
    // Unquoted mappings never claim the official text.
    for (const id of UNQUOTED_BINDING) {
      for (const a of getObligation(id)!.articles) if (!a.wording) assert.notEqual(a.verification, 'verified-official', id);
    }
  });

  it('verified-official mappings carry a wording read on an official page, a copy of it or a faithful reprint', () => {
    let verified = 0;
    for (const { o, a } of refs) {
      if (a.verification !== 'verified-official') continue;
      verified++;
      assert.ok(a.wording, `${o.id} ${a.instrument} ${a.article}: verified without a quote`);
      assert.notEqual(a.wording.readOn, 'secondary-copy', `${o.id}: a secondary copy cannot verify`);
      assert.match(a.wording.readAt, /^https?:\/\//);
      if (a.wording.readOn !== 'official-page') assert.ok(a.wording.publisher, `${o.id}: a copy or reprint names what it reproduces`);
    }
    assert.ok(verified >= 25, `only ${verified} verified mappings`);
  });

  it('quotes are short and in the instrument\'s language', () => {
    for (const { o, a } of refs) {
      if (!a.wording) continue;
      const inst = getInstrument(a.instrument)!;
      assert.equal(a.wording.lang, inst.jurisdiction === 'EU' ? 'en' : 'zh', `${o.id} ${a.instrument}`);
      if (a.wording.lang === 'zh') assert.match(a.wording.text, /[\u4e00-\u9fff]/, o.id);
      assert.ok(a.wording.text.length <= 320, `${o.id}: quote too long to be a short quote`);
    }
  });

  it('every article, clause and annex cited exists in the instrument structure', () => {
    for (const { o, a } of refs) {
      const inst = getInstrument(a.instrument)!;
      assert.ok(inst.structure.includes(a.article), `${o.id}: ${a.instrument} has no ${a.article}`);
    }
    for (const i of allInstruments()) {
      for (const a of i.articles) assert.ok(i.structure.includes(a.number), `${i.id}: titled article ${a.number} not in structure`);
      assert.equal(new Set(i.structure).size, i.structure.length, `${i.id}: duplicate structure entries`);
    }
    // Instruments read in full record their whole numbering.
    assert.equal(getInstrument('cn-gai')!.structure.length, 24);
    assert.equal(getInstrument('eu-aia')!.structure.at(-1), '113');
  });

  it('no card cites a standard as an article, in either language', () => {
    for (const { o, a } of refs) {
      const inst = getInstrument(a.instrument)!;
      if (inst.articleStyle !== 'clause') continue;
      assert.match(a.article, /^(?:\d+(?:\.\d+)*|Annex [A-Z])$/, o.id);
      assert.equal(a.paragraph, undefined, `${o.id}: a clause has no 款`);
      const en = knowledgeBase().articleLabel(a, 'en');
      const zh = knowledgeBase().articleLabel(a, 'zh');
      assert.doesNotMatch(en, /\bArt\./, `${o.id}: ${en}`);
      assert.doesNotMatch(zh, /第[^章]*条/, `${o.id}: ${zh}`);
    }
  });

  it('GB 45438 follows the standard\'s structure: 5 explicit, 6 implicit, 6.1 metadata, Annex E format; no platform-verification clause', () => {
    const gb = getInstrument('gb-45438')!;
    assert.deepEqual(gb.articles.map((a) => a.number), ['4', '5', '6', '6.1', 'Annex E']);
    for (const o of obs) {
      for (const a of o.articles.filter((x) => x.instrument === 'gb-45438')) {
        if (o.id.startsWith('cn-label-explicit')) assert.equal(a.article, '5', o.id);
        assert.notEqual(a.article, '4', `${o.id}: clause 4 is the overview`);
      }
    }
    assert.deepEqual(getObligation('cn-label-platform-verify')!.articles.filter((a) => a.instrument === 'gb-45438').map((a) => a.article), ['Annex E']);
    assert.match(gb.officialUrl, /newGbInfo\?hcno=/, 'the standard\'s own page, not a generic index');
  });

  it('filing: three deadlines in Art. 24, the display duty elsewhere, supporters under Deep Synthesis Art. 19, model name from the CAC notice', () => {
    const f = getObligation('cn-algo-filing')!;
    const art = (i: string, n: string) => f.articles.find((a) => a.instrument === i && a.article === n);
    const a24 = art('cn-ar', '24')!;
    for (const d of ['提供服务之日起十个工作日内', '变更之日起十个工作日内', '终止服务之日起二十个工作日内']) assert.ok(a24.wording!.text.includes(d), d);
    assert.ok(!a24.wording!.text.includes('备案编号'), 'Art. 24 does not contain the display duty');
    assert.ok(art('cn-ar', '26'), 'the display duty cites its own article');
    assert.match(art('cn-ds', '19')!.wording!.text, /技术支持者/);
    assert.match(art('cn-gai-filing-notice', 'whole')!.wording!.text, /模型名称及备案号/);
    assert.ok(!art('cn-gai', '17')!.wording!.text.includes('备案号'));
  });

  it('Deep Synthesis Art. 17(1) covers text that simulates a natural person and the catch-all item (五)', () => {
    const c = getObligation('cn-ds-conspicuous-label')!;
    assert.match(c.summary.zh, /模拟自然人/);
    assert.match(c.summary.zh, /其他具有生成或者显著改变信息内容功能的服务/);
    assert.doesNotMatch(c.summary.en, /imitates a real person/);
    assert.match(getObligation('cn-label-explicit')!.articles[0].note!.en, /item \(五\)/);
  });

  it('AI Act Art. 50(2) names its two exemptions separately and the Art. 111(4) transition stays unverified', () => {
    const c = getObligation('eu-aia-50-2-marking')!;
    assert.match(c.summary.en, /Two separate cases are exempt: a system that only assists ordinary editing, and a system that leaves the input/);
    const t = c.articles.find((a) => a.article === '111')!;
    assert.equal(t.verification, 'unverified');
    assert.equal(t.force, 'permits');
    assert.match(getInstrument('eu-aia')!.notes!.en, /has not read the amending act/);
  });
});

describe('kb loader', () => {
  it('throws a clear error naming the field when data is structurally broken', () => {
    const broken = structuredClone(BUNDLED_DATA.obligationFiles[4].data) as { obligations: Record<string, unknown>[] };
    broken.obligations[0].title = { en: 'x' };
    broken.obligations[1].roles = ['pilot'];
    assert.throws(
      () => createKnowledgeBase(BUNDLED_DATA.instruments, [{ name: 'eu', data: broken }]),
      (e: unknown) => e instanceof KnowledgeBaseError && /obligations\/eu\.json\.obligations\[0\].*title\.zh/.test(e.message) && /unknown role pilot/.test(e.message),
    );
  });

  it('throws when an obligation cites an article the instrument lacks', () => {
    const broken = structuredClone(BUNDLED_DATA.obligationFiles[4].data) as { obligations: { articles: { article: string }[] }[] };
    broken.obligations[0].articles[0].article = '999';
    assert.throws(() => createKnowledgeBase(BUNDLED_DATA.instruments, [{ name: 'eu', data: broken }]), /eu-aia has no article 999/);
  });

  it('throws when a binding card rests only on an encouragement', () => {
    const broken = structuredClone(BUNDLED_DATA.obligationFiles[4].data) as { obligations: { binding: boolean; articles: { force: string }[] }[] };
    for (const a of broken.obligations[0].articles) a.force = 'encourages';
    assert.throws(() => createKnowledgeBase(BUNDLED_DATA.instruments, [{ name: 'eu', data: broken }]), /binding obligation needs at least one article that requires or prohibits/);
  });

  it('throws when a mapping claims the official text without a wording read there', () => {
    const broken = structuredClone(BUNDLED_DATA.obligationFiles[4].data) as { obligations: { articles: { wording?: { readOn: string } }[] }[] };
    broken.obligations[0].articles[0].wording!.readOn = 'secondary-copy';
    assert.throws(() => createKnowledgeBase(BUNDLED_DATA.instruments, [{ name: 'eu', data: broken }]), /verified-official needs a wording/);
    delete broken.obligations[0].articles[0].wording;
    assert.throws(() => createKnowledgeBase(BUNDLED_DATA.instruments, [{ name: 'eu', data: broken }]), /verified-official needs a wording/);
  });

  it('throws when a standard is cited as an article or by a clause it lacks', () => {
    const files = BUNDLED_DATA.obligationFiles.map((f) => ({ name: f.name, data: structuredClone(f.data) })) as { name: string; data: { obligations: { id: string; articles: { instrument: string; article: string; paragraph?: string }[] }[] } }[];
    const card = files.flatMap((f) => f.data.obligations).find((o) => o.id === 'cn-label-implicit')!;
    const gb = card.articles.find((a) => a.instrument === 'gb-45438')!;
    gb.paragraph = '1';
    assert.throws(() => createKnowledgeBase(BUNDLED_DATA.instruments, files), /gb-45438 is a standard: cite it by clause or annex/);
    delete gb.paragraph;
    gb.article = '7.2';
    assert.throws(() => createKnowledgeBase(BUNDLED_DATA.instruments, files), /gb-45438 has no clause 7\.2 in its recorded structure/);
  });

  it('throws on duplicate ids across files', () => {
    const eu = BUNDLED_DATA.obligationFiles[4];
    assert.throws(() => createKnowledgeBase(BUNDLED_DATA.instruments, [eu, { name: 'eu-copy', data: eu.data }]), /duplicate id/);
  });

  it('rejects non-object data without crashing on property access', () => {
    assert.throws(() => createKnowledgeBase(null, []), KnowledgeBaseError);
    assert.throws(() => createKnowledgeBase(BUNDLED_DATA.instruments, [{ name: 'x', data: 'oops' }]), KnowledgeBaseError);
  });
});

describe('generated docs', () => {
  it('docs/obligations.md is up to date with data/', () => {
    const committed = fs.readFileSync(path.join(root, 'docs/obligations.md'), 'utf8');
    assert.ok(committed === renderObligationsDoc(knowledgeBase()), 'docs/obligations.md is stale: run npm run docs:obligations');
  });

  it('docs/rules.md is up to date and has one anchor per rule id', () => {
    const text = renderRulesDoc(RULES, knowledgeBase());
    assert.ok(fs.readFileSync(path.join(root, 'docs/rules.md'), 'utf8') === text, 'docs/rules.md is stale: run npm run docs:obligations');
    for (const r of RULES) assert.equal(text.split(`<a id="${r.id}"></a>`).length - 1, 1, r.id);
  });

  it('docs/obligations.md has exactly one anchor per obligation id', () => {
    const text = renderObligationsDoc(knowledgeBase());
    for (const o of allObligations()) assert.equal(text.split(`<a id="${o.id}"></a>`).length - 1, 1, o.id);
  });
});
