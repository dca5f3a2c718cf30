/**
 * F1 → "aireg: Look up obligation" with a Chinese article reference, then Enter opens the card of the
 * chosen obligation.
 */
import * as assert from 'node:assert/strict';
import { allObligations, getObligation } from '../../../src/core/kb';
import { cardExpectations, showsAnArticle, squash } from '../lib/kbExpect';
import { closeAllEditors, quickPickRows, runCommand, shot, webviewWithText } from '../lib/workbench';
import { commandLabel, englishSession, type Session } from './session';

describe('obligation lookup in the real VS Code', function () {
  let s: Session;

  before(async function () {
    s = await englishSession();
  });

  it('finds obligations for 第十七条 and opens the chosen card', async function () {
    const { page } = s.browser;
    await closeAllEditors(page);
    await runCommand(page, commandLabel('aireg.lookupObligation'));
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill('第十七条');
    const rows = quickPickRows(page);
    await rows.first().waitFor({ timeout: 15_000 });
    const first = (await rows.first().innerText()).replace(/\s+/g, ' ');
    await shot(page, '06-lookup-zh-query');
    // Identify the obligation of the first row by its title in the knowledge base.
    const hit = allObligations().find((o) => first.includes(o.title.en) || first.includes(o.title.zh) || first.includes(o.id));
    assert.ok(hit, `the first row names an obligation: ${first}`);
    assert.ok(
      hit.articles.some((a) => a.article === '17'),
      `the first hit for 第十七条 cites an Article 17 (${hit.id}: ${hit.articles.map((a) => `${a.instrument} ${a.article}`).join(', ')})`,
    );
    await page.keyboard.press('Enter');
    const expected = cardExpectations([hit.id]).cards[0]!;
    const frame = await webviewWithText(page, expected.title);
    const body = await frame.locator('body').innerText();
    await shot(page, '07-lookup-card');
    assert.ok(showsAnArticle(body, expected), `the card shows its article (${JSON.stringify(expected.articles)}); body: ${body.slice(0, 500)}`);
    assert.ok(squash(body).includes(squash(expected.summary)), `the card shows the summary of ${hit.id}`);
    assert.equal(getObligation(hit.id)?.id, hit.id);
  });
});
