/**
 * Field limits of the state file (note 20,000 characters, name 200): text over a limit is
 * truncated where it enters (input, merge, user name), so one long row never blocks the saves of
 * every other row.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChecklistSession, type ChecklistFile, NAME_MAX, NOTE_MAX, mergeChecklists, readChecklist, resolveUserName, serializeChecklist } from '../../../src/core/checklist';

function setup(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-limits-'));
  return path.join(dir, '.aireg', 'checklist.json');
}

describe('checklist: field limits never block saves', () => {
  it('a note over the limit is truncated on input and later rows still save', () => {
    const file = setup();
    const s = new ChecklistSession(file, () => 'Me');
    s.load();
    const r = s.change({ id: 'a', note: 'x'.repeat(NOTE_MAX + 5000) });
    assert.equal(r.written, true);
    assert.ok(s.state.items.a!.note.length <= NOTE_MAX);
    assert.equal(s.change({ id: 'b', state: 'done' }).written, true);
    const disk = readChecklist(file);
    assert.ok(disk.status === 'ok' && disk.file.items.b?.state === 'done');
  });

  it('two long notes combined by a merge stay within the limit, and the save goes through', () => {
    const file = setup();
    const s = new ChecklistSession(file, () => 'Me');
    s.load();
    s.change({ id: 'a', note: 'base' }, new Date('2026-01-01T00:00:00Z'));
    const theirs: ChecklistFile = JSON.parse(fs.readFileSync(file, 'utf8'));
    theirs.items.a = { state: 'done', note: 't'.repeat(15_000), updatedBy: 'Bo', updatedAt: '2026-01-03T00:00:00.000Z' };
    fs.writeFileSync(file, serializeChecklist(theirs));
    const r = s.change({ id: 'a', note: 'm'.repeat(15_000) }, new Date('2026-01-02T00:00:00Z'));
    assert.equal(r.written, true, 'the merged row is saved');
    assert.equal(r.error, undefined);
    assert.ok(s.state.items.a!.note.length <= NOTE_MAX);
    assert.ok(s.state.items.a!.note.startsWith('t'.repeat(100)), 'the newer note comes first and is kept');
    assert.equal(s.change({ id: 'b', state: 'done' }).written, true);
  });

  it('a user name over 200 characters is truncated, and saves go through', () => {
    const file = setup();
    const long = 'N'.repeat(500);
    const s = new ChecklistSession(file, () => long);
    s.load();
    assert.equal(s.change({ id: 'a', state: 'done' }).written, true);
    assert.ok(s.state.items.a!.updatedBy.length <= NAME_MAX);
    assert.ok(resolveUserName(undefined, { GIT_AUTHOR_NAME: long }, os.tmpdir()).length <= NAME_MAX);
  });

  it('merge output is always within the limits', () => {
    const base: ChecklistFile = { version: 1, items: {} };
    const mine: ChecklistFile = { version: 1, items: { a: { state: 'done', note: 'é'.repeat(NOTE_MAX + 10), updatedBy: 'x'.repeat(NAME_MAX + 1), updatedAt: '' } } };
    const r = mergeChecklists(base, mine, base);
    assert.ok(r.file.items.a!.note.length <= NOTE_MAX && r.file.items.a!.updatedBy.length <= NAME_MAX);
  });

  it('truncation never splits a surrogate pair', () => {
    const file = setup();
    const s = new ChecklistSession(file, () => 'Me');
    s.load();
    s.change({ id: 'a', note: '😀'.repeat(NOTE_MAX) });
    const note = s.state.items.a!.note;
    assert.ok(!/[\ud800-\udbff]$/.test(note.replace(/…$/, '')), 'ends on a whole character');
  });
});
