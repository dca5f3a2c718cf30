/**
 * The Findings view as a team uses it after a workspace scan: titled "aireg: Findings", each finding
 * listed once (grouped by file by default, most severe first), and a context menu on a finding with
 * open card, quick fix, suppress with a reason and copy message.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { Page } from 'playwright-core';
import { engineFindings } from '../lib/expected';
import { cardExpectations } from '../lib/kbExpect';
import { closeAllEditors, runCommand, shot, until, webviewWithText } from '../lib/workbench';
import { commandLabel, englishSession, type Session } from './session';

/** Findings the engine reports for every analysable file of the workspace (not suppressed). */
async function workspaceFindingCount(workspace: string): Promise<number> {
  let n = 0;
  for (const f of fs.readdirSync(workspace)) {
    if (!/\.(ts|py)$/.test(f)) continue;
    n += (await engineFindings(workspace, f)).filter((x) => !x.suppression).length;
  }
  return n;
}

function findingRows(page: Page) {
  return page.locator('.part.sidebar .monaco-list-row[aria-level="2"]');
}

describe('Findings view in the real VS Code', function () {
  let s: Session;

  before(async function () {
    s = await englishSession();
  });

  it('is titled "aireg: Findings" and lists each finding of the scanned workspace once, by file', async function () {
    const { page } = s.browser;
    await closeAllEditors(page);
    await runCommand(page, commandLabel('aireg.scanWorkspace'));
    await runCommand(page, 'aireg: Focus on Findings View');
    const title = page.locator('.part.sidebar .composite.title').first();
    await title.waitFor({ timeout: 30_000 });
    assert.match((await title.innerText()).replace(/\s+/g, ' '), /aireg: findings/i);
    const expected = await workspaceFindingCount(s.workspace);
    assert.ok(expected >= 4, `the fixture workspace has findings (${expected})`);
    // Each finding once: the number of finding rows equals the engine's count (no obligation fan-out).
    await until(page, `${expected} finding rows`, async () => (await findingRows(page).count()) === expected, 60_000);
    // The scan summary, the status bar and the view count the same findings.
    const summary = page.locator('.statusbar-item', { hasText: /aireg: scanned/ }).first();
    const summaryText = await summary.innerText({ timeout: 30_000 });
    const sm = /scanned (\d+) files: (\d+) errors, (\d+) warnings, (\d+) infos/.exec(summaryText);
    assert.ok(sm, `the scan summary gives counts by severity: ${summaryText}`);
    const status = page.locator('.statusbar-item[id$="aireg.status"]').first();
    const statusText = await until(page, 'the status bar counts', async () => {
      const text = (await status.innerText()).replace(/\s+/g, ' ');
      return /\d+\D+\d+\D+\d+/.test(text) && !/open files/.test(text) ? text : undefined;
    }, 30_000);
    const counts = (/(\d+)\D+(\d+)\D+(\d+)/.exec(statusText) ?? []).slice(1).map(Number);
    assert.deepEqual(counts, sm.slice(2).map(Number), `status bar "${statusText}" agrees with "${summaryText}"`);
    assert.equal(counts.reduce((a, b) => a + b, 0), expected, 'and with the Findings view');
    const groups = await page.locator('.part.sidebar .monaco-list-row[aria-level="1"]').allInnerTexts();
    await shot(page, '20-findings-by-file');
    assert.ok(groups.some((g) => g.includes('app.py')) && groups.some((g) => g.includes('chat.ts')), `groups are files: ${groups.join(' | ')}`);
  });

  it('offers open card, quick fix, suppress with a reason and copy message on a finding, and opens the card', async function () {
    const { page } = s.browser;
    const row = findingRows(page).filter({ hasText: 'aigc-missing-label' }).first();
    await row.waitFor({ timeout: 30_000 });
    await row.click({ button: 'right' });
    const menu = page.locator('.context-view .monaco-menu').first();
    await menu.waitFor({ timeout: 10_000 });
    const items = (await menu.locator('.action-label').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
    await shot(page, '21-findings-context-menu');
    for (const id of ['aireg.findings.openCard', 'aireg.findings.quickFix', 'aireg.findings.suppress', 'aireg.findings.copyMessage']) {
      const label = commandLabel(id).replace(/^aireg: /, '');
      assert.ok(items.includes(label), `the menu offers "${label}"; it has ${items.join(' | ')}`);
    }
    await menu.locator('.action-label', { hasText: commandLabel('aireg.findings.openCard').replace(/^aireg: /, '') }).first().click();
    const f = (await engineFindings(s.workspace, 'app.py')).find((x) => x.ruleId === 'aigc-missing-label');
    assert.ok(f);
    await webviewWithText(page, cardExpectations(f.obligations).anyTitle, 60_000);
  });
});
