/**
 * The display language switched to Simplified Chinese (code-server --locale zh-cn). Without a core
 * language pack VS Code's own UI stays English; what must change is aireg's own text: command titles
 * from package.nls.zh-cn.json and the obligation card's labels and obligation text.
 */
import * as assert from 'node:assert/strict';
import { getObligation } from '../../../src/core/kb';
import { cardExpectations, showsAnArticle, squash } from '../lib/kbExpect';
import { openPalette, quickPickRows, runCommand, shot, webviewWithText } from '../lib/workbench';
import { commandLabel, startSession, type Session } from './session';

const CJK = /[\u4e00-\u9fff]/;

describe('aireg in Chinese (display language zh-cn)', function () {
  let s: Session | undefined;

  before(async function () {
    s = await startSession('zh', { locale: 'zh-cn' });
  });

  after(async function () {
    await s?.close();
  });

  it('shows our command titles in Chinese in the command palette', async function () {
    const { page } = s!.browser;
    const zh = commandLabel('aireg.lookupObligation', 'zh-cn');
    const en = commandLabel('aireg.lookupObligation', 'en');
    assert.match(zh, CJK, 'package.nls.zh-cn.json translates the lookup title');
    assert.notEqual(zh, en);
    await openPalette(page, '>aireg');
    const row = quickPickRows(page).filter({ hasText: zh }).first();
    await row.waitFor({ timeout: 20_000 });
    await shot(page, '13-zh-palette');
    const all = await quickPickRows(page).allInnerTexts();
    assert.ok(!all.some((t) => t.includes(en)), `the English title is not shown: ${all.join(' | ')}`);
    await page.keyboard.press('Escape');
  });

  it('opens an obligation card with Chinese labels and obligation text', async function () {
    const { page } = s!.browser;
    const id = 'cn-label-explicit';
    assert.ok(getObligation(id), `${id} exists`);
    await runCommand(page, commandLabel('aireg.lookupObligation', 'zh-cn'));
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(id);
    await quickPickRows(page).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
    const expected = cardExpectations([id], 'zh').cards[0]!;
    const frame = await webviewWithText(page, expected.title);
    const body = await frame.locator('body').innerText();
    await shot(page, '14-zh-card');
    assert.ok(showsAnArticle(body, expected), `the card shows the Chinese article reference (${expected.articles.join(' | ')})`);
    assert.ok(squash(body).includes(squash(expected.summary)), 'the card shows the Chinese summary');
    // Section headings come from the extension's l10n bundle: none of them may be the English ones.
    const headings = await frame.locator('h2').allInnerTexts();
    assert.ok(headings.length > 0 && headings.every((h) => CJK.test(h)), `card headings are Chinese: ${headings.join(' | ')}`);
  });
});
