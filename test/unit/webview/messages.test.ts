import { strict as assert } from 'node:assert';
import { parseFromCard, parseFromChecklist, parseToCard, parseToChecklist } from '../../../src/shared/webviewMessages';
import { buildCardView } from '../../../src/client/panels/cardView';
import { checklistLabels, checklistView } from '../../../src/client/panels/checklistModel';

describe('webview message validators', () => {
  it('accept well-formed messages from the card', () => {
    assert.deepEqual(parseFromCard({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseFromCard({ type: 'openObligation', id: 'cn-gai-label' }), { type: 'openObligation', id: 'cn-gai-label' });
    assert.deepEqual(parseFromCard({ type: 'openSource', id: 'cn-gai-label', index: 0 }), { type: 'openSource', id: 'cn-gai-label', index: 0 });
    assert.deepEqual(parseFromCard({ type: 'revealFinding', index: 3 }), { type: 'revealFinding', index: 3 });
    assert.deepEqual(parseFromCard({ type: 'setLanguage', lang: 'zh' }), { type: 'setLanguage', lang: 'zh' });
  });

  const malformedCard: unknown[] = [
    null,
    'ready',
    [],
    {},
    { type: 'ready', extra: 1 },
    { type: 'openArticle' },
    { type: 'openArticle', id: 'javascript:alert(1)' },
    { type: 'openArticle', id: 'https://evil.example/' },
    { type: 'openArticle', id: 'x'.repeat(101) },
    { type: 'openArticle', id: 'cn-gai-label', url: 'https://evil.example/' },
    { type: 'openSource', id: 'cn-gai-label', index: -1 },
    { type: 'openSource', id: 'cn-gai-label', index: 1.5 },
    { type: 'openSource', id: 'cn-gai-label', index: '0' },
    { type: 'revealFinding', index: Number.NaN },
    { type: 'revealFinding', index: 1e9 },
    { type: 'setLanguage', lang: 'fr' },
    { type: 'setState', id: 'a', state: 'done' },
    { type: '__proto__' },
    { type: 'constructor' },
  ];
  for (const m of malformedCard) {
    it(`rejects a malformed card message: ${JSON.stringify(m)?.slice(0, 60)}`, () => assert.equal(parseFromCard(m), undefined));
  }

  it('accept and reject checklist messages', () => {
    assert.deepEqual(parseFromChecklist({ type: 'setState', id: 'cn-ar-opt-out', state: 'done' }), { type: 'setState', id: 'cn-ar-opt-out', state: 'done' });
    assert.deepEqual(parseFromChecklist({ type: 'setNote', id: 'cn-ar-opt-out', note: '<script>' }), { type: 'setNote', id: 'cn-ar-opt-out', note: '<script>' });
    assert.deepEqual(parseFromChecklist({ type: 'export' }), { type: 'export' });
    assert.deepEqual(parseFromChecklist({ type: 'repair' }), { type: 'repair' });
    for (const bad of [
      { type: 'setState', id: 'cn-ar-opt-out', state: 'finished' },
      { type: 'setState', id: 'Bad Id', state: 'done' },
      { type: 'setState', id: 'a', state: 'done', updatedBy: 'spoof' },
      { type: 'setNote', id: 'a', note: 5 },
      { type: 'setNote', id: 'a', note: 'x'.repeat(20001) },
      { type: 'export', path: '/etc/passwd' },
      { type: 'openArticle', id: 'a' },
      { type: 'openSource', id: 'a', index: 0 },
    ]) {
      assert.equal(parseFromChecklist(bad), undefined, JSON.stringify(bad).slice(0, 80));
    }
  });

  it('accept the data the extension really builds, and reject it when a field is corrupted', () => {
    const card = buildCardView('cn-gai-label', [], 'en');
    assert.ok(card);
    assert.deepEqual(parseToCard({ type: 'card', card }), { type: 'card', card });
    assert.equal(parseToCard({ type: 'card', card: { ...card, title: 5 } }), undefined);
    assert.equal(parseToCard({ type: 'card', card: { ...card, findings: [{ index: -1 }] } }), undefined);
    assert.equal(parseToCard({ type: 'card', card: { ...card, labels: { a: {} } } }), undefined);
    assert.deepEqual(parseToCard({ type: 'error', message: 'x' }), { type: 'error', message: 'x' });
    assert.equal(parseToCard({ type: 'error', message: {} }), undefined);

    const view = checklistView({ scope: { roles: ['service-provider'], jurisdictions: ['CN', 'EU'] }, state: { version: 1, items: {} }, findings: [], lang: 'zh' });
    const labels = checklistLabels('zh');
    assert.ok(view.groups.length > 0);
    assert.deepEqual(parseToChecklist({ type: 'checklist', view, labels }), { type: 'checklist', view, labels });
    const broken = structuredClone(view);
    (broken.groups[0].rows[0].item as { state: string }).state = 'bogus';
    assert.equal(parseToChecklist({ type: 'checklist', view: broken, labels }), undefined);
    assert.equal(parseToChecklist({ type: 'checklist', view: { ...view, progress: { total: -1 } }, labels }), undefined);
  });
});
