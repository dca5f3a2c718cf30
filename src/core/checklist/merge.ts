/**
 * Merging the state file when it changes on disk while the panel holds edits (a teammate's
 * commit pulled in, a hand edit, a second window). Rows are merged independently against the
 * last version both sides agreed on: a row changed on one side only takes that side; a row
 * changed on both takes the newer change, and when both notes differ both are kept, so no
 * text anyone typed is lost. A row missing on one side is kept from the other (no deletions).
 */
import { type ChecklistFile, type ChecklistItem, clampItem } from './model';

/** A row both sides changed differently. */
export interface MergeConflict {
  id: string;
  /** Which side's state won (by timestamp). */
  winner: 'mine' | 'theirs';
  /** True when both notes were kept in the merged note. */
  notesCombined: boolean;
}

export interface MergeResult {
  file: ChecklistFile;
  conflicts: MergeConflict[];
}

function sameItem(a: ChecklistItem | undefined, b: ChecklistItem | undefined): boolean {
  if (!a || !b) return a === b;
  return a.state === b.state && a.note === b.note && a.updatedBy === b.updatedBy && a.updatedAt === b.updatedAt;
}

/** Joins two notes, newer first, labelling the older with who wrote it and when. */
export function combineNotes(newer: ChecklistItem, older: ChecklistItem): string {
  if (!older.note || newer.note.includes(older.note)) return newer.note;
  if (!newer.note) return older.note;
  const who = older.updatedBy || 'unknown';
  const when = older.updatedAt || 'unknown time';
  return `${newer.note}\n\n[kept from ${who} at ${when}] ${older.note}`;
}

/** Chooses the newer of two conflicting rows; on a tie the disk version wins, as git would. */
function pickNewer(mine: ChecklistItem, theirs: ChecklistItem): 'mine' | 'theirs' {
  return mine.updatedAt > theirs.updatedAt ? 'mine' : 'theirs';
}

/**
 * Three-way merge of checklist states. `base` is the version last read from or written to disk,
 * `mine` the in-memory state, `theirs` what is on disk now.
 */
export function mergeChecklists(base: ChecklistFile, mine: ChecklistFile, theirs: ChecklistFile): MergeResult {
  const items: Record<string, ChecklistItem> = {};
  const conflicts: MergeConflict[] = [];
  const ids = new Set([...Object.keys(base.items), ...Object.keys(mine.items), ...Object.keys(theirs.items)]);
  for (const id of [...ids].sort()) {
    const b = base.items[id];
    const m = mine.items[id];
    const t = theirs.items[id];
    let out: ChecklistItem | undefined;
    // A row missing on one side is never a deletion: the panel never removes rows, so a missing
    // row means a stale snapshot or a hand edit that dropped it, and following it would delete a
    // teammate's change for everyone.
    if (!m || !t) out = m ?? t;
    else if (sameItem(m, t)) out = m;
    else if (sameItem(m, b)) out = t;
    else if (sameItem(t, b)) out = m;
    else {
      const winner = pickNewer(m, t);
      const [newer, older] = winner === 'mine' ? [m, t] : [t, m];
      const note = combineNotes(newer, older);
      out = { ...newer, note };
      conflicts.push({ id, winner, notesCombined: note !== newer.note });
    }
    // Two notes combined can pass the limit; a row over it would make the file unwritable.
    if (out) items[id] = clampItem({ ...out });
  }
  const file: ChecklistFile = { version: 1, items };
  const schemaRef = theirs.$schema ?? mine.$schema;
  if (schemaRef) file.$schema = schemaRef;
  return { file, conflicts };
}
