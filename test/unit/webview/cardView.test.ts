import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { articleUrl, buildCardView, cardChecks, confidenceLine, isSafeExternalUrl, sourceUrl } from '../../../src/client/panels/cardView';
import { readScope, writeScope } from '../../../src/client/panels/scope';
import { allObligations, getObligation } from '../../../src/core/kb';
import type { PanelFinding } from '../../../src/shared/webviewMessages';

const range = (line: number) => ({ start: { line, character: 2 }, end: { line, character: 9 } });

describe('obligation card view', () => {
  const findings: PanelFinding[] = [
    { ruleId: 'aigc-missing-label', file: 'src/<img src=x onerror=alert(1)>.ts', range: range(4), message: '<script>alert(1)</script>', severity: 'warning', obligations: ['cn-gai-label'] },
    { ruleId: 'rec-no-opt-out', file: 'src/feed.ts', range: range(1), message: 'other', severity: 'warning', obligations: ['cn-ar-opt-out'] },
    { ruleId: 'aigc-missing-label', file: 'src/s.ts', range: range(7), message: 'suppressed', severity: 'warning', obligations: ['cn-gai-label'], suppressed: true },
  ];

  it('lists only this obligation\'s unsuppressed findings, by index into the panel\'s list', () => {
    const card = buildCardView('cn-gai-label', findings, 'en')!;
    assert.deepEqual(card.findings.map((f) => [f.index, f.line, f.message]), [[0, 5, '<script>alert(1)</script>']]);
    assert.equal(card.findingsState, 'ready');
    assert.equal(buildCardView('cn-gai-label', undefined, 'en')!.findingsState, 'unavailable');
  });

  it('renders every section from the knowledge base in both languages', () => {
    for (const lang of ['en', 'zh'] as const) {
      const card = buildCardView('cn-gai-label', [], lang)!;
      for (const k of ['title', 'summary', 'codeImplications', 'orgImplications', 'howToComply', 'disclaimer', 'phase', 'lastChecked'] as const) assert.ok(card[k].length > 0, `${lang} ${k}`);
      assert.ok(card.articles.length > 0 && card.roles.length > 0 && card.sources.length > 0 && card.instruments.length > 0);
      assert.ok(card.relatedRules.some((r) => r.id === 'aigc-missing-label'));
    }
    assert.match(buildCardView('cn-gai-label', [], 'zh')!.disclaimer, /法律/);
    assert.equal(buildCardView('no-such-obligation', [], 'en'), undefined);
  });

  it('shows what each provision does and the wording it rests on (issue 12)', () => {
    const en = buildCardView('cn-ar-transparency', [], 'en')!;
    assert.deepEqual(en.articles.map((a) => a.forceLabel), ['encourages (not a duty)']);
    assert.equal(en.binding, 'not binding');
    const zh = buildCardView('cn-gai-service-agreement', [], 'zh')!;
    assert.equal(zh.articles[0].label, '《生成式AI办法》第九条第二款');
    assert.equal(zh.articles[0].forceLabel, '要求');
    assert.match(zh.articles[0].quote!, /签订服务协议/);
    assert.match(zh.articles[0].quoteSource!, /^读自官方页面存档: https:\/\//);
    const gb = buildCardView('cn-label-implicit', [], 'zh')!.articles.map((a) => a.label);
    assert.ok(gb.includes('GB 45438-2025 第6章') && gb.includes('GB 45438-2025 6.1') && gb.includes('GB 45438-2025 附录E'), gb.join(' | '));
  });

  it('builds a card for every obligation', () => {
    for (const ob of allObligations()) assert.ok(buildCardView(ob.id, [], 'zh'), ob.id);
  });

  it('opens only web URLs resolved from the data', () => {
    for (const ob of allObligations()) {
      const url = articleUrl(ob.id);
      if (url) assert.ok(/^https?:\/\//.test(url), `${ob.id}: ${url}`);
    }
    assert.ok(articleUrl('cn-gai-label'));
    assert.equal(articleUrl('nope'), undefined);
    assert.ok(sourceUrl('cn-gai-label', 0));
    assert.equal(sourceUrl('cn-gai-label', 999), undefined);
    for (const bad of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'file:///etc/passwd', 'command:workbench.action.terminal.new', 'data:text/html,<script>', 'vscode://x', 'https://user:pw@example.com/', 'not a url']) {
      assert.equal(isSafeExternalUrl(bad), false, bad);
    }
    assert.equal(isSafeExternalUrl('https://www.cac.gov.cn/2023-07/13/c_1690898327029107.htm'), true);
  });
});

describe('checklist scope in .aireg.json', () => {
  const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-scope-'));

  it('tells "not set" apart from a set value', () => {
    const d = dir();
    assert.deepEqual(readScope(d), { exists: false });
    fs.writeFileSync(path.join(d, '.aireg.json'), '// team config\n{ "labelFunctions": ["addLabel"] }\n');
    assert.deepEqual(readScope(d), { exists: true });
    fs.writeFileSync(path.join(d, '.aireg.json'), '{ "roles": ["content-platform"], "jurisdictions": ["XX"] }');
    assert.deepEqual(readScope(d), { exists: true, roles: ['content-platform'] });
  });

  it('writes roles and jurisdictions keeping comments and other keys', () => {
    const d = dir();
    fs.writeFileSync(path.join(d, '.aireg.json'), '{\n  // our label helper\n  "labelFunctions": ["addLabel"]\n}\n');
    writeScope(d, { roles: ['service-provider', 'content-platform'], jurisdictions: ['CN'] });
    const text = fs.readFileSync(path.join(d, '.aireg.json'), 'utf8');
    assert.match(text, /\/\/ our label helper/);
    assert.match(text, /"labelFunctions": \[\s*"addLabel"\s*\]/);
    assert.deepEqual(readScope(d), { exists: true, roles: ['service-provider', 'content-platform'], jurisdictions: ['CN'] });
  });

  it('creates the file when missing and refuses to touch a broken one', () => {
    const d = dir();
    writeScope(d, { roles: ['user'], jurisdictions: ['EU'] });
    assert.deepEqual(readScope(d), { exists: true, roles: ['user'], jurisdictions: ['EU'] });
    const broken = '{ "roles": [ \n';
    fs.writeFileSync(path.join(d, '.aireg.json'), broken);
    assert.throws(() => writeScope(d, { roles: ['user'], jurisdictions: ['EU'] }), /line/);
    assert.equal(fs.readFileSync(path.join(d, '.aireg.json'), 'utf8'), broken);
  });
});

describe('card confidence and checks', function () {
  it('separates the kind of source from the article mapping status', function () {
    const ob = getObligation('cn-ar-opt-out')!;
    const line = confidenceLine(ob, 'en');
    const kind = ob.sources.some((s) => s.kind === 'official') ? 'official source' : 'secondary source only';
    assert.ok(line.startsWith(`${kind}; `), line);
    assert.match(line, /article mapping (checked against the official text|from a secondary reading|not yet verified)$/);
    assert.match(confidenceLine(ob, 'zh'), /来源；条款对应关系/);
  });

  it('names the findings section for what it covers and makes "what it means in code" concrete', function () {
    const card = buildCardView('cn-label-explicit', [], 'en')!;
    assert.equal(card.labels.findings, 'Findings so far (open files and last scan)');
    assert.ok(card.checks!.aireg.some((c) => c.includes('aigc-missing-label')), JSON.stringify(card.checks));
    assert.ok(card.checks!.reviewer.length >= 2);
    const manual = allObligations().find((o) => o.detectability === 'not-detectable-in-code' && o.relatedRules.length === 0)!;
    assert.deepEqual(cardChecks(manual, 'en').aireg, []);
    assert.match(cardChecks(manual, 'en').reviewer[0]!, /All of it/);
  });
});
