import { strict as assert } from 'node:assert';
import { type ChecklistFile, type ChecklistItem, applyChange, mergeChecklists } from '../../../src/core/checklist';

const item = (state: ChecklistItem['state'], note: string, by: string, at: string): ChecklistItem => ({ state, note, updatedBy: by, updatedAt: at });
const file = (items: Record<string, ChecklistItem>): ChecklistFile => ({ version: 1, items });

describe('checklist merge', () => {
  const base = file({
    a: item('todo', '', '', ''),
    b: item('in-progress', 'started', 'Ana', '2026-01-01T00:00:00.000Z'),
  });

  it('takes each side where only that side changed a row', () => {
    const mine = applyChange(base, { id: 'a', state: 'done' }, 'Me', new Date('2026-02-01T00:00:00Z'));
    const theirs = applyChange(base, { id: 'b', note: 'half way' }, 'Bo', new Date('2026-02-02T00:00:00Z'));
    const r = mergeChecklists(base, mine, theirs);
    assert.deepEqual(r.conflicts, []);
    assert.equal(r.file.items.a.state, 'done');
    assert.equal(r.file.items.a.updatedBy, 'Me');
    assert.equal(r.file.items.b.note, 'half way');
    assert.equal(r.file.items.b.updatedBy, 'Bo');
  });

  it('keeps rows added on either side', () => {
    const mine = applyChange(base, { id: 'c', state: 'done' }, 'Me', new Date('2026-02-01T00:00:00Z'));
    const theirs = applyChange(base, { id: 'd', state: 'not-applicable' }, 'Bo', new Date('2026-02-01T00:00:00Z'));
    const r = mergeChecklists(base, mine, theirs);
    assert.deepEqual(Object.keys(r.file.items).sort(), ['a', 'b', 'c', 'd']);
  });

  it('resolves a row both sides changed by the later timestamp and keeps both notes', () => {
    const mine = applyChange(base, { id: 'b', state: 'done', note: 'finished, see PR 7' }, 'Me', new Date('2026-03-01T00:00:00Z'));
    const theirs = applyChange(base, { id: 'b', state: 'not-applicable', note: 'we do not offer feeds' }, 'Bo', new Date('2026-02-01T00:00:00Z'));
    const r = mergeChecklists(base, mine, theirs);
    assert.equal(r.file.items.b.state, 'done');
    assert.equal(r.file.items.b.updatedBy, 'Me');
    assert.match(r.file.items.b.note, /^finished, see PR 7/);
    assert.match(r.file.items.b.note, /kept from Bo at 2026-02-01T00:00:00.000Z\] we do not offer feeds/);
    assert.deepEqual(r.conflicts, [{ id: 'b', winner: 'mine', notesCombined: true }]);

    // The same edits the other way round: the disk side is newer and wins.
    const r2 = mergeChecklists(base, theirs, mine);
    assert.equal(r2.file.items.b.state, 'done');
    assert.equal(r2.conflicts[0].winner, 'theirs');
  });

  it('does not duplicate a note both sides agree on', () => {
    const mine = applyChange(base, { id: 'b', state: 'done', note: 'same' }, 'Me', new Date('2026-03-01T00:00:00Z'));
    const theirs = applyChange(base, { id: 'b', state: 'in-progress', note: 'same' }, 'Bo', new Date('2026-02-01T00:00:00Z'));
    const r = mergeChecklists(base, mine, theirs);
    assert.equal(r.file.items.b.note, 'same');
    assert.equal(r.conflicts[0].notesCombined, false);
  });

  it('keeps an edit when the other side removed the row', () => {
    const mine = applyChange(base, { id: 'b', state: 'done' }, 'Me', new Date('2026-03-01T00:00:00Z'));
    const theirs = file({ a: base.items.a });
    const r = mergeChecklists(base, mine, theirs);
    assert.equal(r.file.items.b.state, 'done');
  });

  it('never merges a missing row as a deletion (a stale snapshot or a hand edit that dropped it)', () => {
    const theirs = file({ a: base.items.a });
    const r = mergeChecklists(base, base, theirs);
    assert.deepEqual(r.file.items.b, base.items.b);
    const r2 = mergeChecklists(base, file({ a: base.items.a }), base);
    assert.deepEqual(r2.file.items.b, base.items.b);
  });

  it('is a no-op when nothing changed', () => {
    const r = mergeChecklists(base, base, base);
    assert.deepEqual(r.file, base);
    assert.deepEqual(r.conflicts, []);
  });
});
