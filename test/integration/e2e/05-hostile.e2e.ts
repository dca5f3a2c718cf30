/**
 * Hostile strings in findings render as text in the real browser (issue 6). The fixture workspace holds
 * a file whose NAME is an HTML payload (`x<img src=x onerror=window.__airegPwned=4>.py`) and a file
 * whose code carries `<script>`, `"onerror=`, `javascript:` URLs and a very long line. Every view that
 * lists findings (obligation card, checklist evidence, findings view) must show the path as text and
 * never create an element or run a script from it.
 */
import * as assert from 'node:assert/strict';
import type { FrameLocator, Page } from 'playwright-core';
import { engineFinding } from '../lib/expected';
import { getObligation } from '../../../src/core/kb';
import { closeAllEditors, openFile, pickRowTitled, runCommand, shot, until, webviewWithText } from '../lib/workbench';
import { commandLabel, englishSession, type Session } from './session';

const HOSTILE_FILE = 'x<img src=x onerror=window.__airegPwned=4>.py';

/** Elements the payloads would create if any view used innerHTML (outerHTML of each, for the message). */
async function injectedElements(frame: FrameLocator): Promise<string[]> {
  // VS Code itself injects one inline script (#_vscodeApiScript) into every webview document.
  return frame.locator('img[src="x"], a[href^="javascript:"], [onerror], script:not([src]):not(#_vscodeApiScript)').evaluateAll((els) => els.map((e) => e.outerHTML.slice(0, 300)));
}

async function pwned(page: Page): Promise<unknown[]> {
  const values: unknown[] = [];
  for (const f of page.frames()) values.push(await f.evaluate(() => (globalThis as unknown as { __airegPwned?: unknown }).__airegPwned).catch(() => undefined));
  return values.filter((v) => v !== undefined);
}

describe('hostile strings in the real VS Code', function () {
  let s: Session;

  before(async function () {
    s = await englishSession();
  });

  it('shows a finding in a file named like an HTML payload as text in the card and the checklist', async function () {
    const { page } = s.browser;
    await closeAllEditors(page);
    await runCommand(page, commandLabel('aireg.scanWorkspace'));
    await openFile(page, HOSTILE_FILE);
    await openFile(page, 'hostile.ts');
    // Open the card of the unlabeled output's first obligation through the lookup.
    const f = await engineFinding(s.workspace, HOSTILE_FILE, 'aigc-missing-label');
    const obligation = f.obligations[0]!;
    await runCommand(page, commandLabel('aireg.lookupObligation'));
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(obligation);
    await pickRowTitled(page, getObligation(obligation)!.title.en);
    const card = await webviewWithText(page, HOSTILE_FILE, 60_000);
    await shot(page, '10-hostile-card');
    assert.deepEqual(await injectedElements(card), [], 'no element was created from the payload in the card');

    await runCommand(page, commandLabel('aireg.openChecklist'));
    const checklist = await webviewWithText(page, HOSTILE_FILE, 60_000);
    await shot(page, '11-hostile-checklist');
    assert.deepEqual(await injectedElements(checklist), [], 'no element was created from the payload in the checklist');
    assert.equal(await page.locator('img[src="x"]').count(), 0, 'no payload element in the workbench');
    assert.deepEqual(await pwned(page), [], 'no payload script ran in any frame');
  });

  it('lists the hostile file in the findings view as text', async function () {
    const { page } = s.browser;
    const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /aireg|findings/i }) });
    // Open the findings view from its activity bar container.
    const item = page.locator('.activitybar .action-item a[aria-label*="aireg" i], .activitybar .action-item [aria-label*="aireg" i]').first();
    await item.click();
    const rowWithPayload = page.locator('.monaco-list-row', { hasText: HOSTILE_FILE }).first();
    await until(page, 'the findings view to list the hostile file', async () => {
      if (await rowWithPayload.isVisible()) return true;
      // Expand collapsed groups until the file shows.
      const collapsed = view.locator('.monaco-list-row[aria-expanded="false"]').first();
      if (await collapsed.isVisible()) await collapsed.click();
      return false;
    }, 60_000);
    await shot(page, '12-hostile-findings-view');
    assert.equal(await page.locator('img[src="x"]').count(), 0, 'no payload element in the workbench');
    assert.deepEqual(await pwned(page), [], 'no payload script ran in any frame');
  });
});
