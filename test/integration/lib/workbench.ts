/**
 * Small page-object helpers over the VS Code workbench DOM, as rendered by code-server 4.139. Every helper
 * waits on a condition in the page; none sleeps for a fixed time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { REPO_ROOT } from './codeServer';

/** Where screenshots go (gitignored; CI keeps them as artifacts). */
export const SHOTS_DIR = process.env.AIREG_E2E_SHOTS ?? path.join(REPO_ROOT, 'test-results', 'e2e');

/** Saves a full-window screenshot named after the step. Never fails a test by itself. */
export async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS_DIR, { recursive: true });
  const file = path.join(SHOTS_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file }).catch(() => undefined);
}

/** Opens the workbench on a folder and waits for the explorer to list `expectFile`. */
export async function openWorkbench(page: Page, url: string, expectFile: string): Promise<void> {
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  await explorerRow(page, expectFile).waitFor({ timeout: 90_000 });
}

/** The explorer row of a top-level file. */
export function explorerRow(page: Page, name: string): Locator {
  return page.locator(`.explorer-folders-view .monaco-list-row[aria-label=${JSON.stringify(name)}]`).first();
}

/** The editor that currently has focus or is visible in the active group. */
export function activeEditor(page: Page): Locator {
  return page.locator('.editor-group-container.active .monaco-editor').first();
}

/** Opens a top-level file from the explorer and waits for its editor tab to be active. */
export async function openFile(page: Page, name: string): Promise<void> {
  await explorerRow(page, name).click();
  await page.locator('.editor-group-container.active .tab.active', { hasText: name }).waitFor({ timeout: 30_000 });
  await activeEditor(page).locator('.view-lines').waitFor({ timeout: 30_000 });
}

/** Squiggles of any severity in the active editor. */
export function squiggles(page: Page): Locator {
  return activeEditor(page).locator('.squiggly-error, .squiggly-warning, .squiggly-info');
}

/** Moves the mouse onto an element (Playwright's hover() times out on squiggle decorations). */
export async function mouseOnto(page: Page, target: Locator): Promise<void> {
  const box = await target.boundingBox();
  if (!box) throw new Error('element has no bounding box');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
}

/** Opens the command palette and returns its input. */
export async function openPalette(page: Page, text: string): Promise<Locator> {
  const input = page.locator('.quick-input-widget input.input');
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(text);
  return input;
}

/** Rows of the visible quick pick / command palette. */
export function quickPickRows(page: Page): Locator {
  return page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
}

/** Waits for the quick pick row whose title (first label) is `title`, then picks it. */
export async function pickRowTitled(page: Page, title: string, timeout = 30_000): Promise<void> {
  const row = quickPickRows(page).filter({ has: page.locator('.label-name', { hasText: title }) }).first();
  await row.waitFor({ timeout });
  await row.click();
}

/** The title (first label) of each visible quick pick row. */
export async function quickPickTitles(page: Page): Promise<string[]> {
  const rows = quickPickRows(page);
  const titles: string[] = [];
  for (let i = 0; i < (await rows.count()); i++) titles.push((await rows.nth(i).locator('.label-name').first().innerText()).trim());
  return titles;
}

/** Runs a command by its palette label (for example "aireg: Open Checklist"). */
export async function runCommand(page: Page, label: string): Promise<void> {
  // Extensions may still be registering their commands; reopen the palette until the row is listed.
  const row = quickPickRows(page).filter({ has: page.locator('.label-name', { hasText: label }) }).first();
  const deadline = Date.now() + 60_000;
  for (;;) {
    await openPalette(page, `>${label}`);
    try {
      await row.waitFor({ timeout: 5_000 });
      break;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`command "${label}" is not in the command palette: ${String(e)}`);
    }
  }
  await row.click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 }).catch(() => undefined);
}

/** Reloads the window through VS Code's own command, so it saves its state first (as a person's reload does). */
export async function reloadWindow(page: Page): Promise<void> {
  const loaded = page.waitForEvent('load', { timeout: 90_000 });
  await runCommand(page, 'Developer: Reload Window').catch(() => undefined);
  await loaded;
  await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
}

/** Closes every editor (text and webview) so the next step starts from an empty editor area. */
export async function closeAllEditors(page: Page): Promise<void> {
  await runCommand(page, 'View: Close All Editors');
  const tabsGone = page.locator('.editor-group-container .tab').first().waitFor({ state: 'detached', timeout: 15_000 }).then(() => true, () => false);
  // A dirty editor asks whether to save; tests work on a temporary copy, so discard.
  const dontSave = page.locator('.monaco-dialog-box .monaco-button', { hasText: /Don't Save|不保存/ }).first();
  const dialog = dontSave.waitFor({ state: 'visible', timeout: 15_000 }).then(async () => {
    await dontSave.click();
    return true;
  }, () => false);
  await Promise.race([tabsGone, dialog]);
  await page.locator('.editor-group-container .tab').first().waitFor({ state: 'detached', timeout: 15_000 });
}

/** The content frame of the visible webview panel whose body contains `text` (outer iframe → #active-frame). */
export async function webviewWithText(page: Page, text: string | RegExp, timeout = 60_000): Promise<FrameLocator> {
  const deadline = Date.now() + timeout;
  // Several webviews may exist (card, checklist); poll until one of the ready ones shows the text.
  for (;;) {
    const frames = page.locator('iframe.webview.ready');
    const n = await frames.count();
    for (let i = n - 1; i >= 0; i--) {
      const inner = frames.nth(i).contentFrame().frameLocator('#active-frame');
      const body = inner.locator('body');
      const content = await body.innerText({ timeout: 1000 }).catch(() => '');
      if (typeof text === 'string' ? content.includes(text) : text.test(content)) return inner;
    }
    if (Date.now() > deadline) {
      throw new Error(`no webview showed ${String(text)} within ${timeout} ms (${n} webview frames present)`);
    }
    await page.waitForTimeout(250);
  }
}

/** Opens the Problems panel and returns its rows. */
export async function problemsRows(page: Page): Promise<Locator> {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible())) {
    await runCommand(page, 'View: Focus Problems');
  }
  await panel.waitFor({ state: 'visible', timeout: 15_000 });
  return panel.locator('.monaco-list-row');
}

/** Polls `fn` until it returns a truthy value, or throws with `what` after `timeout` ms. */
export async function until<T>(page: Page, what: string, fn: () => Promise<T>, timeout = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await page.waitForTimeout(200);
  }
}
