import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  type ChecklistFile,
  parseChecklist,
  readChecklist,
  salvageChecklist,
  serializeChecklist,
  writeChecklist,
  writeFileAtomic,
} from '../../../src/core/checklist';

const VALID: ChecklistFile = {
  version: 1,
  items: {
    'cn-gai-label': { state: 'done', note: 'labels added in PR 12', updatedBy: 'Li Wei', updatedAt: '2026-11-01T10:00:00.000Z' },
    'cn-ar-opt-out': { state: 'in-progress', note: '', updatedBy: 'Ana', updatedAt: '2026-11-02T09:00:00Z' },
  },
};

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-checklist-'));
}

describe('checklist store: parsing', () => {
  it('accepts a valid file and round-trips it through serialize', () => {
    const r = parseChecklist(serializeChecklist(VALID));
    assert.ok(r.ok);
    assert.deepEqual(r.file, { version: 1, items: { 'cn-ar-opt-out': VALID.items['cn-ar-opt-out'], 'cn-gai-label': VALID.items['cn-gai-label'] } });
  });

  it('serializes deterministically with sorted ids and a trailing newline', () => {
    const text = serializeChecklist(VALID);
    assert.ok(text.endsWith('}\n'));
    assert.ok(text.indexOf('cn-ar-opt-out') < text.indexOf('cn-gai-label'));
  });

  it('reports invalid JSON with its line', () => {
    const text = '{\n  "version": 1,\n  "items": {\n    "cn-gai-label": { "state": "done" "note": "" }\n  }\n}\n';
    const r = parseChecklist(text);
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'syntax');
    assert.equal(r.error.line, 4);
    assert.match(r.error.message, /line 4/);
  });

  it('reports git merge-conflict markers at the marker line', () => {
    const text = '{\n  "version": 1,\n  "items": {\n<<<<<<< HEAD\n    "a": {"state":"done","note":"","updatedBy":"x","updatedAt":""}\n=======\n    "a": {"state":"todo","note":"","updatedBy":"y","updatedAt":""}\n>>>>>>> other\n  }\n}\n';
    const r = parseChecklist(text);
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'conflict-markers');
    assert.equal(r.error.line, 4);
    assert.match(r.error.message, /merge-conflict marker/);
  });

  it('reports a truncated file as ending too early', () => {
    const full = serializeChecklist(VALID);
    const r = parseChecklist(full.slice(0, Math.floor(full.length / 2)));
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'syntax');
    assert.match(r.error.message, /ends too early/);
  });

  it('reports an empty file', () => {
    const r = parseChecklist('  \n');
    assert.ok(!r.ok);
    assert.match(r.error.message, /empty/);
  });

  it('reports wrong types with the line of the bad value', () => {
    const text = '{\n  "version": 1,\n  "items": {\n    "cn-gai-label": {\n      "state": "finished",\n      "note": "",\n      "updatedBy": "x",\n      "updatedAt": ""\n    }\n  }\n}\n';
    const r = parseChecklist(text);
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'schema');
    assert.equal(r.error.line, 5);
    assert.match(r.error.message, /items\.cn-gai-label\.state/);
  });

  it('reports a note that is a number and a wrong version', () => {
    const bad = parseChecklist('{"version":1,"items":{"x":{"state":"done","note":5,"updatedBy":"","updatedAt":""}}}');
    assert.ok(!bad.ok);
    assert.match(bad.error.message, /note/);
    const v2 = parseChecklist('{"version":2,"items":{}}');
    assert.ok(!v2.ok);
    assert.match(v2.error.message, /version/);
  });

  it('rejects comments and trailing commas (the file is strict JSON)', () => {
    assert.equal(parseChecklist('{"version":1,"items":{},}').ok, false);
    assert.equal(parseChecklist('// hi\n{"version":1,"items":{}}').ok, false);
  });
});

describe('checklist store: files', () => {
  it('reads missing, valid and broken files without touching them', () => {
    const dir = tempDir();
    const file = path.join(dir, '.aireg', 'checklist.json');
    assert.deepEqual(readChecklist(file), { status: 'missing' });
    writeChecklist(file, VALID);
    const ok = readChecklist(file);
    assert.equal(ok.status, 'ok');
    const broken = '{"version": 1, "items": {\n<<<<<<< HEAD\n';
    fs.writeFileSync(file, broken);
    const before = fs.statSync(file).mtimeMs;
    const r = readChecklist(file);
    assert.equal(r.status, 'broken');
    assert.equal(fs.readFileSync(file, 'utf8'), broken);
    assert.equal(fs.statSync(file).mtimeMs, before);
  });

  it('writes atomically and leaves no temporary file behind', () => {
    const dir = tempDir();
    const file = path.join(dir, 'checklist.json');
    writeChecklist(file, VALID);
    assert.deepEqual(fs.readdirSync(dir), ['checklist.json']);
    assert.equal(fs.readFileSync(file, 'utf8'), serializeChecklist(VALID));
  });

  it('keeps the old content when interrupted between the temp write and the rename', () => {
    const dir = tempDir();
    const file = path.join(dir, 'checklist.json');
    const old = 'old content that must survive\n';
    fs.writeFileSync(file, old);
    let tempSeen = '';
    assert.throws(
      () =>
        writeFileAtomic(file, 'new content\n', {
          renameSync: (from) => {
            // The temporary file is complete and flushed at this point; the crash happens now.
            tempSeen = fs.readFileSync(from, 'utf8');
            throw new Error('simulated crash before rename');
          },
        }),
      /simulated crash/,
    );
    assert.equal(tempSeen, 'new content\n');
    assert.equal(fs.readFileSync(file, 'utf8'), old);
    assert.deepEqual(fs.readdirSync(dir), ['checklist.json'], 'the temporary file is cleaned up');
  });

  it('keeps the old content when the write itself fails half-way', () => {
    const dir = tempDir();
    const file = path.join(dir, 'checklist.json');
    fs.writeFileSync(file, 'old\n');
    assert.throws(() =>
      writeFileAtomic(file, 'new content\n', {
        writeSync: (fd) => {
          fs.writeSync(fd, 'ne');
          throw new Error('disk full');
        },
      }),
    );
    assert.equal(fs.readFileSync(file, 'utf8'), 'old\n');
    assert.deepEqual(fs.readdirSync(dir), ['checklist.json']);
  });

  it('leaves either old or new content after a crash that leaves the temp file behind', () => {
    const dir = tempDir();
    const file = path.join(dir, 'checklist.json');
    writeChecklist(file, { version: 1, items: {} });
    // A process killed after writing the temp file never renames or cleans up.
    assert.throws(() =>
      writeFileAtomic(file, serializeChecklist(VALID), {
        renameSync: () => {
          throw new Error('killed');
        },
        unlinkSync: () => {
          throw new Error('killed too');
        },
      }),
    );
    const r = readChecklist(file);
    assert.equal(r.status, 'ok');
    assert.deepEqual(r.status === 'ok' && r.file.items, {});
  });

  it('refuses to write content that would not validate', () => {
    const dir = tempDir();
    const file = path.join(dir, 'checklist.json');
    const bad = { version: 1, items: { 'Bad Id!': { state: 'done', note: '', updatedBy: '', updatedAt: '' } } } as ChecklistFile;
    assert.throws(() => writeChecklist(file, bad), /refusing/);
    assert.equal(fs.existsSync(file), false);
  });
});

describe('checklist store: salvage for an explicit repair', () => {
  it('takes the newer row from each side of a merge conflict', () => {
    const text = [
      '{',
      '  "version": 1,',
      '  "items": {',
      '<<<<<<< HEAD',
      '    "a": {"state":"done","note":"mine","updatedBy":"x","updatedAt":"2026-01-02T00:00:00Z"},',
      '    "b": {"state":"todo","note":"","updatedBy":"x","updatedAt":"2026-01-01T00:00:00Z"}',
      '=======',
      '    "a": {"state":"todo","note":"theirs","updatedBy":"y","updatedAt":"2026-01-01T00:00:00Z"},',
      '    "b": {"state":"done","note":"b done","updatedBy":"y","updatedAt":"2026-01-03T00:00:00Z"}',
      '>>>>>>> branch',
      '  }',
      '}',
    ].join('\n');
    const s = salvageChecklist(text);
    assert.equal(s.items.a.state, 'done');
    assert.equal(s.items.a.note, 'mine');
    assert.equal(s.items.b.state, 'done');
    assert.equal(s.items.b.note, 'b done');
    assert.ok(parseChecklist(serializeChecklist(s)).ok);
  });

  it('keeps the valid rows of a truncated file and drops invalid ones', () => {
    const text = '{"version":1,"items":{"a":{"state":"done","note":"n","updatedBy":"x","updatedAt":"2026-01-01T00:00:00Z"},"b":{"state":"bogus"},"c":{"state":"todo","note":';
    const s = salvageChecklist(text);
    assert.deepEqual(Object.keys(s.items).sort(), ['a', 'c']);
    assert.equal(s.items.a.state, 'done');
    assert.equal(s.items.c.note, '');
  });
});
