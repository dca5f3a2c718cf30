/**
 * The checklist as a team uses it: open it, mark an obligation done, reload the window, and find the row
 * still done in the restored panel and in `.aireg/checklist.json` on disk.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator } from 'playwright-core';
import { obligationsFor } from '../../../src/core/kb';
import { closeAllEditors, reloadWindow, runCommand, shot, until, webviewWithText } from '../lib/workbench';
import { commandLabel, englishSession, type Session } from './session';

/** The obligation the test marks done: one that applies to the fixture's roles (service provider, CN + EU). */
function target(): { id: string; title: string } {
  const applicable = obligationsFor({ roles: ['service-provider'], jurisdictions: ['CN', 'EU'] });
  const o = applicable.find((x) => x.id === 'cn-ar-opt-out') ?? applicable[0];
  assert.ok(o, 'some obligation applies to a service provider');
  return { id: o.id, title: o.title.en };
}

/** The row of one obligation in the checklist panel. */
function row(frame: FrameLocator, id: string): Locator {
  return frame.locator(`tr[data-id="${id}"]`).first();
}

/** The state control of a row: a <select> of states. */
function stateControl(r: Locator): Locator {
  return r.locator('select').first();
}

describe('checklist in the real VS Code', function () {
  let s: Session;

  before(async function () {
    s = await englishSession();
  });

  it('marks a row done, and after a reload it is still done in the panel and in .aireg/checklist.json', async function () {
    const { page } = s.browser;
    const t = target();
    await closeAllEditors(page);
    await runCommand(page, commandLabel('aireg.openChecklist'));
    let frame = await webviewWithText(page, t.title);
    const r = row(frame, t.id);
    await r.waitFor({ timeout: 30_000 });
    await shot(page, '08-checklist');
    await stateControl(r).selectOption('done');
    // Saved to disk by the extension (atomically); poll the file rather than sleeping.
    const file = path.join(s.workspace, '.aireg', 'checklist.json');
    const saved = await until(page, `${file} to record ${t.id} as done`, async () => {
      if (!fs.existsSync(file)) return undefined;
      const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { items?: Record<string, { state?: string; updatedAt?: string }> };
      return data.items?.[t.id]?.state === 'done' ? data.items[t.id] : undefined;
    });
    assert.ok(saved.updatedAt, 'the change is timestamped');

    await reloadWindow(page);
    // The panel is restored by its serializer after the reload.
    frame = await webviewWithText(page, t.title, 90_000);
    const after = row(frame, t.id);
    await after.waitFor({ timeout: 30_000 });
    await until(page, 'the restored row to show done', async () => (await stateControl(after).inputValue()) === 'done');
    await shot(page, '09-checklist-after-reload');
    const onDisk = JSON.parse(fs.readFileSync(file, 'utf8')) as { items: Record<string, { state: string }> };
    assert.equal(onDisk.items[t.id]?.state, 'done', 'still done on disk after the reload');
  });

  it('filters by state and search, collapses a group, and gives the note room', async function () {
    const { page } = s.browser;
    const t = target();
    const frame = await webviewWithText(page, t.title, 60_000);
    const rows = frame.locator('tr.row');
    const visible = frame.locator('tr.row:not([hidden])');
    const total = await rows.count();
    assert.ok(total > 5, `the checklist lists the obligations (${total})`);
    // State filter: only the row marked done in the previous test.
    await frame.locator('#filter-state').selectOption('done');
    await until(page, 'only done rows', async () => (await visible.count()) === 1);
    assert.equal(await visible.first().getAttribute('data-id'), t.id);
    await frame.locator('#filter-state').selectOption('');
    // Search by id, across groups; the count says how many show.
    await frame.locator('#filter-search').fill(t.id);
    await until(page, 'the search to narrow the rows', async () => (await visible.count()) >= 1 && (await visible.count()) < total);
    assert.match(await frame.locator('#filter-count').innerText(), new RegExp(`\\b${await visible.count()}\\b.*\\b${total}\\b`));
    await frame.locator('#filter-search').fill('');
    // "Detectable in code" keeps only rows whose evidence can come from a scan.
    await frame.locator('#filter-detectable').check();
    await until(page, 'the detectable filter', async () => (await visible.count()) < total && (await frame.locator('tr.row:not([hidden])[data-detectable="false"]').count()) === 0);
    await frame.locator('#filter-detectable').uncheck();
    // Collapsing a group hides its rows.
    const group = frame.locator('details.group').first();
    await group.locator('summary').click();
    await until(page, 'the group to collapse', async () => !(await group.locator('tr.row').first().isVisible()));
    await shot(page, '10-checklist-filters');
    await group.locator('summary').click();
    // The note editor has room for a few sentences.
    const rowsAttr = await frame.locator('textarea.note').first().getAttribute('rows');
    assert.ok(Number(rowsAttr) >= 4, `note rows: ${rowsAttr}`);
  });
});
