/**
 * The quick fix as a person applies it: cursor on the unlabeled output, Ctrl+., pick the preferred
 * (non-suppressing) fix, and the warning goes away.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { engineFinding, engineFindings, shownMessage } from '../lib/expected';
import { activeEditor, closeAllEditors, openFile, problemsRows, shot, until } from '../lib/workbench';
import { englishSession, type Session } from './session';

describe('quick fix in the real VS Code', function () {
  let s: Session;

  before(async function () {
    s = await englishSession();
  });

  it('applies the preferred fix for an unlabeled output and the diagnostic goes', async function () {
    const { page } = s.browser;
    await closeAllEditors(page);
    const f = await engineFinding(s.workspace, 'chat.ts', 'aigc-missing-label');
    await openFile(page, 'chat.ts');
    await activeEditor(page).locator('.squiggly-warning').first().waitFor({ timeout: 60_000 });
    // Other open files may show the same one-line message (it names the article, not the file), so
    // the Problems panel check counts this rule's rows before and after the fix.
    const message = shownMessage(f, s.workspace);
    const missingRows = async (): Promise<number> => (await problemsRows(page)).filter({ hasText: 'aigc-missing-label' }).filter({ hasText: message }).count();
    const before = await until(page, 'the chat.ts row in the Problems panel', missingRows, 30_000);
    // Put the cursor on the finding with Go to Line (Ctrl+G), then ask for code actions.
    await activeEditor(page).locator('.view-lines').click();
    await page.keyboard.press('Control+G');
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    // Go to Line is Quick Open with a ":" prefix; filling replaces the prefix, so keep it.
    await input.fill(`:${f.range.start.line + 1}:${f.range.start.character + 1}`);
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
    // Ctrl+. pressed while focus is still returning from Go to Line, or before the language
    // servers answered, opens nothing; ask again until the menu is there (a condition, not a sleep).
    // A menu with only the TypeScript refactors means the cursor's aireg diagnostic was not there
    // yet; close it and ask again until aireg's actions are listed.
    const menu = page.locator('.context-view .action-widget').first();
    const items = menu.locator('.monaco-list-row.action');
    await until(page, 'the code action menu with aireg actions', async () => {
      await activeEditor(page).locator('textarea.inputarea, .native-edit-context').first().focus({ timeout: 2_000 }).catch(() => undefined);
      await page.keyboard.press('Control+.');
      if (!(await menu.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false))) return false;
      if ((await items.filter({ hasText: /aigc-missing-label|label|标识/i }).count()) > 0) return true;
      await page.keyboard.press('Escape');
      return false;
    }, 45_000);
    await items.first().waitFor({ timeout: 20_000 });
    const titles = await items.allInnerTexts();
    await shot(page, '04-quickfix-menu');
    // The label fix, not the suppression or the documentation entries.
    const fix = items.filter({ hasText: /label|AIGC|标识/i }).filter({ hasNotText: /suppress|disable|忽略|抑制|card|article/i }).first();
    assert.ok((await fix.count()) > 0, `a labeling fix is offered; menu: ${titles.join(' | ')}`);
    await fix.click();
    await menu.waitFor({ state: 'hidden', timeout: 10_000 });
    // The warning disappears from the Problems panel (the generation call's info stays).
    await until(page, 'the aigc-missing-label row for chat.ts to go', async () => (await missingRows()) === before - 1, 30_000);
    await activeEditor(page).locator('.squiggly-warning').first().waitFor({ state: 'detached', timeout: 30_000 });
    await shot(page, '05-quickfix-applied');
    // Save (the workspace is a temporary copy) and check the edit with the engine itself: the file
    // changed and the engine no longer reports the unlabeled output.
    const saved = fs.readFileSync(path.join(s.workspace, 'chat.ts'), 'utf8');
    await page.keyboard.press('Control+S');
    await page.locator('.editor-group-container.active .tab.active.dirty').waitFor({ state: 'detached', timeout: 15_000 });
    const after = fs.readFileSync(path.join(s.workspace, 'chat.ts'), 'utf8');
    assert.notEqual(after, saved, 'the fix edited chat.ts');
    const left = (await engineFindings(s.workspace, 'chat.ts')).filter((x) => x.ruleId === 'aigc-missing-label');
    assert.deepEqual(left.map((x) => x.message), [], 'the engine agrees the output is now labeled');
  });
});
