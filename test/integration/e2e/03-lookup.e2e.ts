/**
 * F1 → "aireg: Look up obligation" with a Chinese article reference, then Enter opens the card of the
 * chosen obligation.
 */
import * as assert from 'node:assert/strict';
import { allObligations, getObligation } from '../../../src/core/kb';
import { cardExpectations, showsAnArticle, squash } from '../lib/kbExpect';
import { closeAllEditors, pickRowTitled, quickPickTitles, runCommand, shot, until, webviewWithText } from '../lib/workbench';
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
    // Wait until the first row is an obligation that cites an Article 17 (the search runs as you type).
    const hit = await until(page, 'an Article 17 obligation at the top of the lookup', async () => {
      const titles = await quickPickTitles(page);
      const o = allObligations().find((x) => x.title.en === titles[0] || x.title.zh === titles[0]);
      return o && o.articles.some((a) => a.article === '17') ? o : undefined;
    }, 20_000).catch(async (e: unknown) => {
      await shot(page, '06-lookup-zh-query-FAILED');
      throw new Error(`${String(e)}; rows: ${(await quickPickTitles(page)).join(' | ')}`);
    });
    await shot(page, '06-lookup-zh-query');
    await pickRowTitled(page, hit.title.en);
    const expected = cardExpectations([hit.id]).cards[0]!;
    const frame = await webviewWithText(page, expected.title);
    const body = await frame.locator('body').innerText();
    await shot(page, '07-lookup-card');
    assert.ok(showsAnArticle(body, expected), `the card shows its article (${JSON.stringify(expected.articles)}); body: ${body.slice(0, 500)}`);
    assert.ok(squash(body).includes(squash(expected.summary)), `the card shows the summary of ${hit.id}`);
    assert.equal(getObligation(hit.id)?.id, hit.id);
  });
});
