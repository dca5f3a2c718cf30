import { strict as assert } from 'node:assert';
import {
  type ChecklistObligation,
  type EvidenceFinding,
  buildChecklistView,
  checklistToHtml,
  checklistToMarkdown,
  escapeHtml,
  escapeMarkdown,
} from '../../../src/core/checklist';

const HOSTILE_NOTE = 'see <script>alert(1)</script> and <img src=x "onerror=alert(2)"> [click](javascript:alert(3)) <a href="javascript:alert(4)">x</a>';

const obligations: ChecklistObligation[] = [
  { id: 'cn-gai-label', title: 'Label generated content <b>now</b>', instrument: 'GAI Measures', articles: 'Art. 12', phase: 'operation', rules: ['aigc-generation-call', 'aigc-missing-label'] },
  { id: 'cn-ar-filing', title: 'Algorithm filing', instrument: 'Algorithm Recommendation', articles: 'Art. 24', phase: 'before-launch', rules: [] },
  { id: 'cn-ar-opt-out', title: 'Opt-out', instrument: 'Algorithm Recommendation', articles: 'Art. 17', phase: 'operation', rules: ['rec-no-opt-out'] },
];

const at = (line: number) => ({ start: { line, character: 0 } });
const findings: EvidenceFinding[] = [
  { ruleId: 'aigc-generation-call', file: 'src/<script>x.ts', range: at(3), message: 'call "onerror=alert(1)', obligations: ['cn-gai-label'] },
  { ruleId: 'aigc-missing-label', file: 'src/a.ts', range: at(9), message: 'unlabeled <img src=x onerror=alert(1)>', obligations: ['cn-gai-label'] },
  { ruleId: 'aigc-missing-label', file: 'src/b.ts', range: at(1), message: 'unlabeled', obligations: ['cn-gai-label'] },
  { ruleId: 'aigc-missing-label', file: 'src/c.ts', range: at(1), message: 'suppressed one', obligations: ['cn-gai-label'], suppressed: true },
];

function view(lang: 'en' | 'zh' = 'en', withFindings = true) {
  return buildChecklistView({
    obligations,
    state: { version: 1, items: { 'cn-gai-label': { state: 'done', note: HOSTILE_NOTE, updatedBy: 'Eve <script>', updatedAt: '2026-01-01T00:00:00.000Z' } } },
    findings: withFindings ? findings : undefined,
    lang,
    roles: ['service-provider'],
    jurisdictions: ['CN'],
    now: new Date('2026-11-28T00:00:00Z'),
  });
}

describe('checklist view', () => {
  it('groups by phase in order, then by instrument', () => {
    const v = view();
    assert.deepEqual(v.groups.map((g) => [g.phase, g.instrument]), [
      ['before-launch', 'Algorithm Recommendation'],
      ['operation', 'GAI Measures'],
      ['operation', 'Algorithm Recommendation'],
    ]);
    assert.deepEqual(v.progress, { total: 3, done: 1, notApplicable: 0, inProgress: 0, todo: 2 });
  });

  it('writes evidence sentences with counts, none-found and not-detectable', () => {
    const v = view();
    const gai = v.groups[1].rows[0];
    assert.deepEqual(gai.evidence.lines, ['1 generation call', '2 unlabeled outputs (1 suppressed)']);
    assert.deepEqual(gai.evidence.links.map((l) => [l.index, l.line]), [[0, 4], [1, 10], [2, 2]]);
    assert.deepEqual(v.groups[2].rows[0].evidence.lines, ['no recommendation without opt-out found']);
    assert.equal(v.groups[0].rows[0].evidence.notDetectable, true);
  });

  it('says there is no scan yet when findings are unknown', () => {
    const v = view('zh', false);
    assert.match(v.groups[1].rows[0].evidence.lines[0], /尚未扫描/);
    assert.equal(v.scanned, false);
    assert.equal(v.groups[0].phaseLabel, '上线前');
  });
});

describe('checklist export', () => {
  it('escapes hostile strings in HTML so no markup or script survives', () => {
    const html = checklistToHtml(view());
    assert.ok(!html.includes('<script>'), 'no script element');
    assert.ok(!/<img/i.test(html), 'no img element');
    assert.ok(!/<a[\s>]/i.test(html), 'no anchors at all');
    assert.ok(!/<b>/.test(html));
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(html.includes('&quot;onerror=alert(2)&quot;'));
    assert.ok(!/href\s*=\s*["']?javascript:/i.test(html));
    assert.ok(html.includes('Eve &lt;script&gt;'));
    // The page forbids scripts outright and allows only its own style block by hash.
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]{44}'"/);
    const scriptTags = html.match(/<script/gi) ?? [];
    assert.equal(scriptTags.length, 0);
  });

  it('escapes hostile strings in Markdown so renderers show them as text', () => {
    const mdText = checklistToMarkdown(view());
    assert.ok(!mdText.includes('<script>'));
    assert.ok(!mdText.includes('<img'));
    assert.ok(!mdText.includes('<a '));
    assert.ok(!/(?<!\\)\]\(javascript:/.test(mdText), 'no Markdown link forms (every ] is escaped)');
    // Plain-text friendly: only what could start markup is escaped ([ ] and tags), not ( ) . : -.
    assert.ok(mdText.includes('\\[click\\](javascript:alert(3))'));
    assert.ok(mdText.includes('&lt;script>'));
    assert.match(mdText, /- \[x\] \*\*Label generated content &lt;b>now&lt;\/b>\*\*/);
    assert.match(mdText, /2 unlabeled outputs \(1 suppressed\)/);
    assert.match(mdText, /src\/&lt;script>x\.ts:4/);
  });

  it('keeps notes on one Markdown line so a newline cannot start a heading or a list', () => {
    const v = view();
    v.groups[1].rows[0].item.note = 'line one\n# heading\n- item';
    const mdText = checklistToMarkdown(v);
    assert.ok(mdText.includes('line one # heading - item'));
  });

  it('escape helpers cover quotes and Markdown punctuation', () => {
    assert.equal(escapeHtml(`<"'&>`), '&lt;&quot;&#39;&amp;&gt;');
    assert.equal(escapeMarkdown('*a*_b_`c`'), '\\*a\\*\\_b\\_\\`c\\`');
    // Dates, sentences and snake_case read as typed.
    assert.equal(escapeMarkdown('2026-12-06T08:00:00Z: done - see e.g. aigc_metadata (v1.2)!'), '2026-12-06T08:00:00Z: done - see e.g. aigc_metadata (v1.2)!');
  });

  it('exports in Chinese with the disclaimer', () => {
    const mdText = checklistToMarkdown(view('zh'));
    assert.match(mdText, /不构成法律意见/);
    assert.match(mdText, /## 上线前/);
  });
});
