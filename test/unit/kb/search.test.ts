import { strict as assert } from 'node:assert';
import { articleLabel, getObligation, obligationArticleUrl, obligationDocUrl, obligationsFor, searchObligations } from '../../../src/core/kb/index';
import { extractArticles, parseChineseNumber, toChineseNumber } from '../../../src/core/kb/articles';

const top = (q: string, n = 1): string[] => searchObligations(q, { limit: n }).map((h) => h.obligation.id);
const ids = (q: string, n = 50): string[] => searchObligations(q, { limit: n }).map((h) => h.obligation.id);

describe('kb articles: Chinese numerals', () => {
  it('round-trips every article number 1-99 (and some above)', () => {
    for (let n = 1; n <= 130; n++) assert.equal(parseChineseNumber(toChineseNumber(n)), n, `${n} -> ${toChineseNumber(n)}`);
  });

  it('writes numerals the way statutes do', () => {
    assert.equal(toChineseNumber(10), '十');
    assert.equal(toChineseNumber(17), '十七');
    assert.equal(toChineseNumber(20), '二十');
    assert.equal(toChineseNumber(21), '二十一');
    assert.equal(toChineseNumber(99), '九十九');
    assert.equal(toChineseNumber(105), '一百零五');
  });

  it('parses Arabic digits and rejects non-numbers', () => {
    assert.equal(parseChineseNumber('17'), 17);
    assert.equal(parseChineseNumber('一十七'), 17);
    assert.equal(parseChineseNumber('一二'), undefined);
    assert.equal(parseChineseNumber('算法'), undefined);
    assert.equal(parseChineseNumber('零'), undefined);
  });

  it('extracts article mentions in every supported form', () => {
    const cases: [string, { article: string; paragraph?: string }][] = [
      ['第十七条', { article: '17' }],
      ['第17条', { article: '17' }],
      ['第 17 条', { article: '17' }],
      ['第五十条第二款', { article: '50', paragraph: '2' }],
      ['Art. 17', { article: '17' }],
      ['Art 17', { article: '17' }],
      ['art.17', { article: '17' }],
      ['Article 50(2)', { article: '50', paragraph: '2' }],
      ['Art. 50 para 4', { article: '50', paragraph: '4' }],
      ['cl. 4.1', { article: '4.1' }],
      ['第5章', { article: '5' }],
      ['附录E', { article: 'Annex E' }],
      ['Annex E', { article: 'Annex E' }],
      ['第四条第（三）项', { article: '4', paragraph: '3' }],
    ];
    for (const [q, want] of cases) assert.deepEqual(extractArticles(q).articles, [want], q);
  });

  it('does not read a standard number as an article', () => {
    assert.deepEqual(extractArticles('GB 45438').bare, []);
  });
});

describe('kb search', () => {
  it('finds Algorithm Recommendation Art. 17 (opt-out) in Chinese and English forms', () => {
    for (const q of ['第十七条 算法推荐', '算法推荐 第17条', '算法推荐 17', '算法推荐规定第十七条', 'Algorithm Recommendation Art. 17', 'algorithm recommendation article 17', 'cn-ar 17']) {
      assert.equal(top(q)[0], 'cn-ar-opt-out', q);
    }
  });

  it('finds Deep Synthesis Art. 14 biometric consent', () => {
    for (const q of ['Art. 14 deep synthesis', '深度合成 第十四条', '深度合成规定第14条', 'deep synthesis 14']) assert.equal(top(q)[0], 'cn-ds-biometric-consent', q);
  });

  it('maps the known article facts of the issue to the right obligations', () => {
    const expectations: [string, string][] = [
      ['算法推荐 第十八条', 'cn-ar-minors-elderly-workers'],
      ['算法推荐 第十九条', 'cn-ar-minors-elderly-workers'],
      ['Algorithm Recommendation Art. 20', 'cn-ar-minors-elderly-workers'],
      ['算法推荐 第二十一条', 'cn-ar-no-price-discrimination'],
      ['算法推荐 第二十四条', 'cn-algo-filing'],
      ['深度合成 第九条', 'cn-ds-real-identity'],
      ['深度合成 第十六条', 'cn-ds-implicit-label'],
      ['深度合成 第十七条', 'cn-ds-conspicuous-label'],
      ['深度合成 第十八条', 'cn-ds-no-label-removal'],
      ['生成式人工智能 第七条', 'cn-gai-training-data'],
      ['生成式AI 第8条', 'cn-gai-data-annotation'],
      ['Generative AI Measures Art. 11', 'cn-gai-input-data-protection'],
      ['生成式人工智能 第十四条', 'cn-illegal-content-handling'],
      ['生成式人工智能 第十五条', 'cn-complaint-handling'],
      ['生成式人工智能 第十七条', 'cn-gai-assessment-filing'],
      ['标识办法 第五条', 'cn-label-implicit'],
      ['标识办法 第九条', 'cn-label-unlabeled-on-request-logs'],
      ['Labeling Measures Art. 7', 'cn-label-app-store-check'],
      ['AI Act 50(2)', 'eu-aia-50-2-marking'],
      ['AI Act 50', 'eu-aia-50-3-emotion-biometric-disclosure'],
      ['AI Act Art. 50(4)', 'eu-aia-50-4-deepfake'],
      ['人工智能法 第50条第1款', 'eu-aia-50-1-interaction-disclosure'],
      ['DSA 27', 'eu-dsa-27-recommender-transparency'],
      ['DSA Art. 38', 'eu-dsa-38-non-profiling-option'],
    ];
    for (const [q, id] of expectations) {
      const hits = ids(q);
      assert.ok(hits.includes(id), `${q} should find ${id}, got ${hits.slice(0, 5).join(', ')}`);
      // The expected obligation ranks among the obligations citing that article first.
      assert.ok(searchObligations(q, { limit: 50 }).find((h) => h.obligation.id === id)!.matched.includes('article'), q);
    }
  });

  it('finds an item of an article (第四条第（五）项 / Art. 4(5))', () => {
    assert.equal(top('生成式人工智能 第四条第（五）项')[0], 'cn-gai-accuracy');
    assert.equal(top('Generative AI Measures Art. 4(5)')[0], 'cn-gai-accuracy');
  });

  it('a generation-specific label article search puts GAI Art. 12 first', () => {
    assert.equal(top('生成式人工智能 第十二条')[0], 'cn-gai-label');
    assert.equal(top('Generative AI Measures Article 12')[0], 'cn-gai-label');
  });

  it('finds GB 45438 obligations by clause and annex as standards are cited (issue 12)', () => {
    assert.deepEqual(ids('GB 45438 附录E').sort(), ['cn-label-implicit', 'cn-label-platform-verify']);
    assert.deepEqual(ids('GB 45438 clause 6.1'), ['cn-label-implicit']);
    assert.ok(ids('GB 45438 第5章').every((id) => id.startsWith('cn-label-explicit')));
  });

  it('"GB 45438" returns the label obligations', () => {
    const hits = ids('GB 45438');
    for (const id of ['cn-label-explicit', 'cn-label-implicit', 'cn-label-explicit-video', 'cn-label-platform-verify']) assert.ok(hits.includes(id), id);
    assert.ok(hits.every((id) => getObligation(id)!.articles.some((a) => a.instrument === 'gb-45438')), 'only GB 45438 obligations');
  });

  it('an article without an instrument finds that article across instruments', () => {
    const hits = ids('Article 17');
    for (const id of ['cn-ar-opt-out', 'cn-ds-conspicuous-label', 'cn-gai-assessment-filing']) assert.ok(hits.includes(id), id);
    assert.deepEqual(ids('第十七条'), hits);
  });

  it('finds by id, exactly and by prefix', () => {
    assert.equal(top('cn-ar-opt-out')[0], 'cn-ar-opt-out');
    assert.deepEqual(searchObligations('cn-ar-opt-out')[0].matched.includes('id'), true);
    assert.ok(ids('eu-aia').every((id) => id.startsWith('eu-aia')));
  });

  it('finds by keyword in either language', () => {
    assert.equal(top('face swap consent')[0], 'cn-ds-biometric-consent');
    assert.equal(top('人脸 同意')[0], 'cn-ds-biometric-consent');
    assert.equal(top('单独同意')[0], 'cn-ds-biometric-consent');
    assert.ok(top('watermark', 3).includes('cn-label-watermark'));
    assert.ok(top('数字水印', 3).includes('cn-label-watermark'));
    assert.ok(top('大数据杀熟', 3).includes('cn-ar-no-price-discrimination'));
    assert.ok(top('deepfake', 3).includes('eu-aia-50-4-deepfake'));
    assert.ok(top('实名', 3).includes('cn-ds-real-identity'));
  });

  it('finds by instrument short name', () => {
    const ds = ids('深度合成规定');
    assert.ok(ds.length >= 10);
    assert.ok(ds.every((id) => getObligation(id)!.articles.some((a) => a.instrument === 'cn-ds')));
    assert.ok(ids('Digital Services Act').every((id) => id.startsWith('eu-dsa')));
  });

  it('finds by role in either language', () => {
    const app = ids('app store');
    assert.ok(app.slice(0, 3).every((id) => getObligation(id)!.roles.includes('app-distribution-platform')), app.join());
    const zh = ids('应用商店');
    assert.ok(zh.slice(0, 3).every((id) => getObligation(id)!.roles.includes('app-distribution-platform')), zh.join());
  });

  it('returns nothing for empty or unknown queries and respects the limit', () => {
    assert.deepEqual(searchObligations('   '), []);
    assert.deepEqual(searchObligations('zzzqqq'), []);
    assert.equal(searchObligations('label', { limit: 3 }).length, 3);
  });

  it('never throws on hostile input', () => {
    for (const q of ['(', '[a-z]+', '\\', '第条', 'Art.', '第一百零五条', '💥 𝒜 ', '.*'.repeat(100), 'x'.repeat(10_000)]) {
      assert.doesNotThrow(() => searchObligations(q), q);
    }
  });

  it('ranks scores in descending order', () => {
    const hits = searchObligations('label', { limit: 50 });
    for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1].score >= hits[i].score);
  });
});

describe('kb lookups', () => {
  it('obligationsFor filters by role and jurisdiction', () => {
    const eu = obligationsFor({ jurisdictions: ['EU'] });
    assert.ok(eu.length >= 6 && eu.every((o) => o.jurisdiction === 'EU'));
    const stores = obligationsFor({ roles: ['app-distribution-platform'], jurisdictions: ['CN'] });
    assert.deepEqual(stores.map((o) => o.id).sort(), ['cn-app-store-launch-check', 'cn-ds-app-store-management', 'cn-label-app-store-check']);
    assert.equal(obligationsFor({}).length, obligationsFor({ roles: [], jurisdictions: [] }).length);
    const research = obligationsFor({ roles: ['research-institution'] }).map((o) => o.id).sort();
    assert.deepEqual(research, ['cn-ethics-follow-up-review', 'cn-ethics-review']);
  });

  it('labels articles in both languages', () => {
    assert.equal(articleLabel({ instrument: 'cn-ar', article: '17' }, 'zh'), '《算法推荐规定》第十七条');
    assert.equal(articleLabel({ instrument: 'cn-ar', article: '17' }, 'en'), 'Algorithm Recommendation Provisions, Art. 17');
    assert.equal(articleLabel({ instrument: 'eu-aia', article: '50', paragraph: '2' }, 'en'), 'AI Act, Art. 50(2)');
    assert.equal(articleLabel({ instrument: 'cn-ds', article: '14', paragraph: '2' }, 'zh', false), '第十四条第二款');
    // Standards are cited by clause, never as an article (issue 12).
    assert.equal(articleLabel({ instrument: 'gb-45438', article: '5' }, 'en'), 'GB 45438-2025, clause 5');
    assert.equal(articleLabel({ instrument: 'gb-45438', article: '5' }, 'zh'), 'GB 45438-2025 第5章');
    assert.equal(articleLabel({ instrument: 'gb-45438', article: '6.1' }, 'en'), 'GB 45438-2025, clause 6.1');
    assert.equal(articleLabel({ instrument: 'gb-45438', article: '6.1' }, 'zh', false), '6.1');
    assert.equal(articleLabel({ instrument: 'gb-45438', article: 'Annex E' }, 'zh'), 'GB 45438-2025 附录E');
    assert.equal(articleLabel({ instrument: 'gb-45438', article: 'Annex E' }, 'en'), 'GB 45438-2025, Annex E');
    assert.equal(articleLabel({ instrument: 'cn-gai-filing-notice', article: 'whole' }, 'zh'), '《生成式人工智能服务备案公告》');
    assert.equal(articleLabel({ instrument: 'cn-gai-filing-notice', article: 'whole' }, 'en'), 'CAC generative AI filing notice');
    assert.equal(articleLabel({ instrument: 'cn-ethics', article: 'Annex' }, 'zh', false), '附件');
    assert.equal(articleLabel({ instrument: 'cn-gai', article: '4', item: '3' }, 'zh'), '《生成式AI办法》第四条第（三）项');
    assert.equal(articleLabel({ instrument: 'cn-gai', article: '4', item: '3' }, 'en'), 'Generative AI Measures, Art. 4(3)');
    assert.equal(articleLabel({ instrument: 'eu-aia', article: '50', paragraph: '2' }, 'zh'), '《人工智能法案》（欧盟）第50条第2款');
    // Standards by clause (GB/T 1.1), named by their number without title marks: a top-level
    // clause is a chapter, a sub-clause its number; never 条.
    assert.equal(articleLabel({ instrument: 'gb-45438', article: '5' }, 'zh'), 'GB 45438-2025 第5章');
    assert.equal(articleLabel({ instrument: 'gb-45438', article: '6.1' }, 'zh'), 'GB 45438-2025 6.1');
    assert.doesNotMatch(articleLabel({ instrument: 'gb-45438', article: '5' }, 'zh'), /条/);
  });

  it('obligationArticleUrl resolves the official text from data', () => {
    assert.equal(obligationArticleUrl('cn-ar-opt-out'), 'http://www.cac.gov.cn/2022-01/04/c_1642894606364259.htm');
    assert.match(obligationArticleUrl('eu-aia-50-2-marking')!, /^https:\/\/eur-lex\.europa\.eu\//);
    assert.equal(obligationArticleUrl('no-such-obligation'), undefined);
  });

  it('obligationDocUrl points at the generated reference', () => {
    assert.match(obligationDocUrl('cn-ar-opt-out'), /\/docs\/obligations\.md#cn-ar-opt-out$/);
  });
});

describe('look-up ranking: titles, tags and article references above summary words', function () {
  it('"opt out" puts Algorithm Recommendation Art. 17 and DSA Art. 38 first', function () {
    for (const q of ['opt out', 'opt-out', 'Opt Out']) {
      const ids = searchObligations(q, { limit: 5 }).map((h) => h.obligation.id);
      const top = ids.slice(0, 2);
      assert.ok(top.includes('cn-ar-opt-out'), `${q}: ${ids.join(', ')}`);
      const dsa = getObligation(top.find((id) => id !== 'cn-ar-opt-out') ?? '');
      assert.ok(dsa?.articles.some((a) => a.instrument === 'eu-dsa' && a.article === '38'), `${q}: DSA Art. 38 second: ${ids.join(', ')}`);
    }
  });

  it('a short common word alone ("out") does not rank a title that merely contains it', function () {
    const ids = searchObligations('opt out', { limit: 10 }).map((h) => h.obligation.id);
    assert.ok(!ids.includes('cn-content-values-prohibited'), ids.join(', '));
  });

  it('an article reference still outranks title words', function () {
    const hits = searchObligations('Art. 17 label', { limit: 3 });
    assert.ok(hits[0]?.matched.includes('article'), JSON.stringify(hits.map((h) => [h.obligation.id, h.matched])));
  });
});
