/**
 * The display language switched to Simplified Chinese (code-server --locale zh-cn). Without a core
 * language pack VS Code's own UI stays English; what must change is aireg's own text: command titles
 * from package.nls.zh-cn.json and the obligation card's labels and obligation text.
 */
import * as assert from 'node:assert/strict';
import { getObligation } from '../../../src/core/kb';
import { cardExpectations, showsAnArticle, squash } from '../lib/kbExpect';
import { engineFinding, shownMessage } from '../lib/expected';
import { openFile, openPalette, pickRowTitled, problemsRows, quickPickRows, runCommand, shot, until, webviewWithText } from '../lib/workbench';
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
    // Extensions register a little later in a non-English window; reopen the palette until ours are listed.
    const labels = await until(page, 'aireg commands in the palette', async () => {
      await openPalette(page, '>aireg');
      await quickPickRows(page).first().waitFor();
      // Only each row's first label is its title; the second line is VS Code's English alias.
      const rows = quickPickRows(page);
      const names: string[] = [];
      for (let i = 0; i < (await rows.count()); i++) names.push(await rows.nth(i).locator('.label-name').first().innerText());
      return names.some((n) => n.includes('aireg')) ? names : undefined;
    }, 90_000);
    await shot(page, '13-zh-palette');
    // The primary label is the translated title; VS Code may show the English one only as a secondary alias.
    assert.ok(labels.some((n) => n.trim() === zh), `the palette lists "${zh}"; labels: ${labels.join(' | ')}`);
    assert.ok(!labels.some((n) => n.trim() === en), `no primary label is the English "${en}"`);
    await page.keyboard.press('Escape');
  });

  it('shows the diagnostic message in Chinese in the Problems panel, naming the article in Chinese', async function () {
    const { page } = s!.browser;
    const f = await engineFinding(s!.workspace, 'app.py', 'aigc-missing-label');
    const zh = shownMessage(f, s!.workspace, 'zh-cn');
    assert.match(zh, CJK, `the bundle translates the message: ${zh}`);
    assert.match(zh, /《[^》]+》第[一二三四五六七八九十]+条/, `it names the article in Chinese: ${zh}`);
    await openFile(page, 'app.py');
    const rows = await problemsRows(page);
    const row = rows.filter({ hasText: zh }).first();
    await row.waitFor({ timeout: 60_000 });
    await shot(page, '15-zh-problems');
    assert.ok(!(await rows.filter({ hasText: 'Generated text' }).count()), 'no English aireg message is left in the Problems panel');
  });

  it('opens an obligation card with Chinese labels and obligation text', async function () {
    const { page } = s!.browser;
    const id = 'cn-label-explicit';
    assert.ok(getObligation(id), `${id} exists`);
    await runCommand(page, commandLabel('aireg.lookupObligation', 'zh-cn'));
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(id);
    const expected = cardExpectations([id], 'zh').cards[0]!;
    await pickRowTitled(page, expected.title);
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
