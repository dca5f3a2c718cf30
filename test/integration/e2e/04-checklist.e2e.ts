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
});
