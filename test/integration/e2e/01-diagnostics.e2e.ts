/**
 * What a developer sees on opening a file with generated output that leaves unlabeled: the squiggle, the
 * hover with the message and the rule link, the Problems panel row, and the obligation card behind the link.
 */
import * as assert from 'node:assert/strict';
import { engineFinding, shownMessage } from '../lib/expected';
import { cardChecks, confidenceLine } from '../../../src/client/panels/cardView';
import { getObligation } from '../../../src/core/kb';
import { cardExpectations, showsAnArticle, squash } from '../lib/kbExpect';
import { activeEditor, mouseOnto, openFile, problemsRows, shot, until, webviewWithText } from '../lib/workbench';
import { englishSession, type Session } from './session';

describe('diagnostics in the real VS Code', function () {
  let s: Session;
  let message: string;
  let codeHref: string | null = null;

  before(async function () {
    s = await englishSession();
    const f = await engineFinding(s.workspace, 'app.py', 'aigc-missing-label');
    message = shownMessage(f, s.workspace);
  });

  it('shows a squiggle on the unlabeled output and a hover with the message and the aireg code link', async function () {
    const { page } = s.browser;
    await openFile(page, 'app.py');
    const warning = activeEditor(page).locator('.squiggly-warning').first();
    await warning.waitFor({ timeout: 60_000 });
    await mouseOnto(page, warning);
    const hover = page.locator('.monaco-hover:visible', { hasText: 'aigc-missing-label' }).first();
    await hover.waitFor({ timeout: 20_000 });
    // VS Code shows the diagnostic part first and adds the language server's hover when it answers.
    const text = await until(page, 'the aireg hover with its reasoning', async () => {
      const t = (await hover.innerText()).replace(/\s+/g, ' ');
      return /Why: /.test(t) ? t : undefined;
    }, 20_000);
    await shot(page, '01-squiggle-hover');
    assert.ok(text.includes(message.replace(/\s+/g, ' ')), `hover shows the engine's message "${message}"; hover text: ${text}`);
    assert.match(text, /aireg/, 'hover names the source aireg');
    // One line in the Problems row; the reasoning and the fix are one hover away.
    assert.ok(message.length <= 120 && !message.includes('\n'), `the message is one short line: ${message}`);
    assert.match(text, /Why: /, 'the hover carries the rule\'s reasoning');
    assert.match(text, /Fix: Quick Fix \(Ctrl\+\.\)/, 'the hover says how to fix it');
    const link = hover.locator('a', { hasText: 'aigc-missing-label' }).first();
    await link.waitFor({ timeout: 5_000 });
    const href = (await link.getAttribute('href')) ?? (await link.getAttribute('data-href'));
    assert.ok(href, 'the rule id in the hover is a link');
  });

  it('lists the finding in the Problems panel with source aireg and a code link', async function () {
    const { page } = s.browser;
    await page.keyboard.press('Escape');
    const rows = await problemsRows(page);
    const row = rows.filter({ hasText: message }).first();
    await row.waitFor({ timeout: 30_000 });
    const text = (await row.innerText()).replace(/\s+/g, ' ');
    await shot(page, '02-problems');
    assert.match(text, /aireg/, `row names the source: ${text}`);
    const link = row.locator('a.monaco-link', { hasText: 'aigc-missing-label' }).first();
    await link.waitFor({ timeout: 10_000 });
    codeHref = await link.getAttribute('href');
    assert.ok(codeHref, 'the Problems row code is a link (Diagnostic.code.target)');
  });

  it('opens the obligation card from the code link and shows its article text', async function () {
    const { page } = s.browser;
    // app.py stays open: the server publishes diagnostics for open documents until a workspace scan.
    const rows = await problemsRows(page);
    const row = rows.filter({ hasText: message }).first();
    await row.locator('a.monaco-link', { hasText: 'aigc-missing-label' }).first().click();
    const f = await engineFinding(s.workspace, 'app.py', 'aigc-missing-label');
    const expected = cardExpectations(f.obligations);
    // The card for one of this finding's obligations must open and show its title and an article reference.
    const frame = await webviewWithText(page, expected.anyTitle, 60_000);
    const body = await frame.locator('body').innerText();
    await shot(page, '03-card-from-code-link');
    const match = expected.cards.find((c) => body.includes(c.title));
    assert.ok(match, `card shows the title of one of ${f.obligations.join(', ')}; body: ${body.slice(0, 400)}`);
    assert.ok(showsAnArticle(body, match), `card shows an article of ${match.id} (${JSON.stringify(match.articles)}); body: ${body.slice(0, 600)}`);
    assert.ok(squash(body).includes(squash(match.summary)), `card shows the summary of ${match.id}`);
    // The card says how far to trust it, what its findings cover, and who checks what.
    const ob = getObligation(match.id)!;
    assert.ok(body.includes(confidenceLine(ob, 'en')), `card explains its confidence: ${confidenceLine(ob, 'en')}`);
    assert.ok(body.includes('Findings so far (open files and last scan)'), 'the findings section says what it covers');
    for (const c of cardChecks(ob, 'en').reviewer) assert.ok(squash(body).includes(squash(c)), `card lists the reviewer check "${c}"`);
    assert.ok(codeHref, 'code link was found in the previous step');
  });
});
