import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChecklistSession, type ChecklistFile, readChecklist, serializeChecklist } from '../../../src/core/checklist';

function setup(): { file: string; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-session-'));
  return { dir, file: path.join(dir, '.aireg', 'checklist.json') };
}

const T1 = new Date('2026-05-01T10:00:00Z');
const T2 = new Date('2026-05-01T11:00:00Z');
const T3 = new Date('2026-05-01T12:00:00Z');

describe('checklist session', () => {
  it('does not create the file until the first change, then saves it', () => {
    const { file } = setup();
    const s = new ChecklistSession(file, () => 'Me');
    assert.deepEqual(s.load(), { written: false, conflicts: [] });
    assert.equal(fs.existsSync(file), false);
    const r = s.change({ id: 'cn-gai-label', state: 'done' }, T1);
    assert.equal(r.written, true);
    const disk = readChecklist(file);
    assert.equal(disk.status, 'ok');
    assert.deepEqual(disk.status === 'ok' && disk.file.items['cn-gai-label'], { state: 'done', note: '', updatedBy: 'Me', updatedAt: T1.toISOString() });
  });

  it('merges a teammate change made on disk before saving its own', () => {
    const { file } = setup();
    const s = new ChecklistSession(file, () => 'Me');
    s.load();
    s.change({ id: 'a', state: 'in-progress' }, T1);
    // A teammate's commit is pulled in: row b is added, row a untouched.
    const theirs: ChecklistFile = JSON.parse(fs.readFileSync(file, 'utf8'));
    theirs.items.b = { state: 'done', note: 'from git', updatedBy: 'Bo', updatedAt: T2.toISOString() };
    fs.writeFileSync(file, serializeChecklist(theirs));
    // Saving before the watcher fires must not lose row b.
    s.change({ id: 'a', state: 'done' }, T3);
    const disk = readChecklist(file);
    assert.ok(disk.status === 'ok');
    assert.equal(disk.file.items.a.state, 'done');
    assert.equal(disk.file.items.b.note, 'from git');
  });

  it('on a disk change merges concurrent edits of the same row by time, keeping both notes', () => {
    const { file } = setup();
    const s = new ChecklistSession(file, () => 'Me');
    s.load();
    s.change({ id: 'a', state: 'todo', note: 'base' }, T1);
    const theirs: ChecklistFile = JSON.parse(fs.readFileSync(file, 'utf8'));
    theirs.items.a = { state: 'not-applicable', note: 'their note', updatedBy: 'Bo', updatedAt: T3.toISOString() };
    fs.writeFileSync(file, serializeChecklist(theirs));
    // Our edit is older than theirs, so their state wins, but our note is kept too.
    const r = s.change({ id: 'a', note: 'my note' }, T2);
    assert.equal(r.conflicts.length, 1);
    assert.equal(s.state.items.a.state, 'not-applicable');
    assert.match(s.state.items.a.note, /their note[\s\S]*my note/);
    const disk = readChecklist(file);
    assert.ok(disk.status === 'ok');
    assert.deepEqual(disk.file.items.a, s.state.items.a);
  });

  it('picks up an external edit through diskChanged without rewriting an identical file', () => {
    const { file } = setup();
    const s = new ChecklistSession(file, () => 'Me');
    s.load();
    s.change({ id: 'a', state: 'done' }, T1);
    const theirs: ChecklistFile = JSON.parse(fs.readFileSync(file, 'utf8'));
    theirs.items.a.note = 'hand edit';
    const text = serializeChecklist(theirs);
    fs.writeFileSync(file, text);
    const r = s.diskChanged();
    assert.equal(r.written, false);
    assert.equal(s.state.items.a.note, 'hand edit');
    assert.equal(fs.readFileSync(file, 'utf8'), text);
  });

  it('never writes over a broken file; keeps edits in memory and writes them once it is fixed', () => {
    const { file } = setup();
    const s = new ChecklistSession(file, () => 'Me');
    s.load();
    s.change({ id: 'a', state: 'done' }, T1);
    const broken = '{"version":1,"items":{\n<<<<<<< HEAD\n';
    fs.writeFileSync(file, broken);
    const r = s.change({ id: 'b', state: 'in-progress' }, T2);
    assert.equal(r.written, false);
    assert.equal(r.error?.kind, 'conflict-markers');
    assert.equal(r.error?.line, 2);
    assert.equal(fs.readFileSync(file, 'utf8'), broken, 'the broken file is untouched');
    assert.equal(s.state.items.b.state, 'in-progress', 'the edit is kept in memory');
    // The user fixes the file by hand; the pending edit is merged and saved.
    const fixedFile: ChecklistFile = { version: 1, items: { a: { ...s.state.items.a }, c: { state: 'done', note: '', updatedBy: 'Bo', updatedAt: T3.toISOString() } } };
    fs.writeFileSync(file, serializeChecklist(fixedFile));
    const fixed = s.diskChanged();
    assert.equal(fixed.error, undefined);
    assert.equal(fixed.written, true);
    const disk = readChecklist(file);
    assert.ok(disk.status === 'ok');
    assert.deepEqual(Object.keys(disk.file.items).sort(), ['a', 'b', 'c']);
  });

  it('loads a broken file as an error without touching it, and repairs only when asked, keeping a backup', () => {
    const { file, dir } = setup();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const broken = '{"version":1,"items":{"a":{"state":"done","note":"kept","updatedBy":"Bo","updatedAt":"2026-01-01T00:00:00Z"},"b":{"state":5}';
    fs.writeFileSync(file, broken);
    const s = new ChecklistSession(file, () => 'Me');
    const r = s.load();
    assert.equal(r.error?.kind, 'syntax');
    assert.equal(fs.readFileSync(file, 'utf8'), broken);
    const { backup } = s.repair(T1);
    assert.ok(backup.startsWith(file + '.broken-'));
    assert.equal(fs.readFileSync(backup, 'utf8'), broken);
    const disk = readChecklist(file);
    assert.ok(disk.status === 'ok');
    assert.deepEqual(Object.keys(disk.file.items), ['a']);
    assert.equal(disk.file.items.a.note, 'kept');
    assert.ok(fs.readdirSync(path.join(dir, '.aireg')).length === 2);
  });

  it('keeps the old file when the save is interrupted before the rename', () => {
    const { file } = setup();
    const s = new ChecklistSession(file, () => 'Me', {
      renameSync: () => {
        throw new Error('simulated crash');
      },
    });
    s.load();
    assert.throws(() => s.change({ id: 'a', state: 'done' }, T1), /simulated crash/);
    assert.equal(fs.existsSync(file), false);
  });
});

describe('checklist session: lock file and hand edits', () => {
  it('breaks a lock left behind by a crashed window instead of refusing to save', () => {
    const { file } = setup();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const lock = `${file}.lock`;
    fs.writeFileSync(lock, `999999 ${os.hostname()} dead 0`);
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, old, old);
    const s = new ChecklistSession(file, () => 'Me');
    s.load();
    const r = s.change({ id: 'a', state: 'done' }, T1);
    assert.equal(r.written, true);
    assert.equal(fs.existsSync(lock), false, 'the lock is released after the save');
  });

  it('keeps the change in memory when another writer holds a live lock, and saves it later', () => {
    const { file } = setup();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const lock = `${file}.lock`;
    fs.writeFileSync(lock, `${process.pid} ${os.hostname()} live ${Date.now()}`);
    const s = new ChecklistSession(file, () => 'Me', {}, { timeoutMs: 50 });
    s.load();
    const r = s.change({ id: 'a', state: 'done' }, T1);
    assert.equal(r.written, false);
    assert.equal(r.error?.kind, 'io');
    assert.equal(s.error, undefined, 'a busy lock is not a broken file');
    fs.unlinkSync(lock);
    assert.equal(s.diskChanged().written, true);
    const disk = readChecklist(file);
    assert.ok(disk.status === 'ok' && disk.file.items.a.state === 'done');
  });

  it('does not delete a row that a hand edit dropped from the file', () => {
    const { file } = setup();
    const s = new ChecklistSession(file, () => 'Me');
    s.load();
    s.change({ id: 'a', state: 'done', note: 'keep me' }, T1);
    s.change({ id: 'b', state: 'done' }, T2);
    const hand: ChecklistFile = JSON.parse(fs.readFileSync(file, 'utf8'));
    delete hand.items.a;
    fs.writeFileSync(file, serializeChecklist(hand));
    s.diskChanged();
    const disk = readChecklist(file);
    assert.ok(disk.status === 'ok');
    assert.equal(disk.file.items.a?.note, 'keep me');
  });
});
