/**
 * The panels' messages always pass the webview validators: a finding at line 2,000,000, 20,000
 * findings or a 300,000-character message are trimmed ("N more") instead of blanking the card
 * or the checklist.
 */
import { strict as assert } from 'node:assert';
import { emptyChecklist } from '../../../src/core/checklist';
import { obligationsFor } from '../../../src/core/kb';
import { buildCardView } from '../../../src/client/panels/cardView';
import { checklistObligations, checklistView } from '../../../src/client/panels/checklistModel';
import { CARD_MAX_FINDINGS, type PanelFinding, parseToCard, parseToChecklist } from '../../../src/shared/webviewMessages';

const scope = { roles: ['service-provider'], jurisdictions: ['CN', 'EU'] };

function hostileFindings(): { id: string; findings: PanelFinding[] } {
  const ob = checklistObligations(scope, 'en').find((o) => o.rules.length > 0)!;
  const rule = ob.rules[0]!;
  const findings: PanelFinding[] = [];
  for (let i = 0; i < 20_000; i++) {
    const line = i === 0 ? 2_000_000 : i;
    findings.push({ ruleId: rule, file: `f${i}.ts`, range: { start: { line, character: 0 }, end: { line, character: 1 } }, message: i === 1 ? 'm'.repeat(300_000) : 'msg', severity: 'warning', obligations: [ob.id] });
  }
  return { id: ob.id, findings };
}

describe('robustness: webview message limits', () => {
  it('a card with 20,000 findings, one at line 2,000,000 and a 300,000-character message, still renders', () => {
    const { id, findings } = hostileFindings();
    const card = buildCardView(id, findings, 'en')!;
    const msg = parseToCard({ type: 'card', card });
    assert.ok(msg, 'the webview accepts the card');
    assert.equal(card.findings.length, CARD_MAX_FINDINGS);
    assert.equal(card.findings[0]!.line, 2_000_001);
    assert.ok(card.notes.some((n) => n.includes(`${20_000 - CARD_MAX_FINDINGS} more`)), card.notes.join(' | '));
  });

  it('the checklist with the same findings still renders', () => {
    const { findings } = hostileFindings();
    const view = checklistView({ scope, state: emptyChecklist(), findings, lang: 'en' });
    assert.ok(parseToChecklist({ type: 'checklist', view, labels: {} }), 'the webview accepts the checklist');
    assert.ok(obligationsFor({}).length > 0);
  });
});
