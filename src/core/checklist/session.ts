/**
 * The checklist state while a panel is open: the in-memory rows ("mine"), the last version read
 * from or written to disk ("base") and the file itself. Every save re-reads the file first, so a
 * change made on disk in the meantime is merged rather than overwritten; a broken file is never
 * written over: edits stay in memory until the file is fixed or the user asks for a repair.
 */
import * as fs from 'node:fs';
import { type MergeConflict, mergeChecklists } from './merge';
import { type ChecklistFile, type ItemState, emptyChecklist } from './model';
import { LockBusyError, type LockOptions, withFileLock } from './lock';
import { type ChecklistFileError, type WriteOps, readChecklist, salvageChecklist, serializeChecklist, writeChecklist } from './store';
import { applyChange } from './view';

/** What a load, save or disk change did, for the panel to report. */
export interface SessionResult {
  /** Set while the file on disk is broken; edits are kept in memory only. */
  error?: ChecklistFileError;
  /** True when the file was (re)written. */
  written: boolean;
  /** Rows both sides had changed; resolved by timestamp with both notes kept. */
  conflicts: MergeConflict[];
}

export class ChecklistSession {
  private mine: ChecklistFile = emptyChecklist();
  private base: ChecklistFile | undefined;
  private baseText: string | undefined;
  private brokenError: ChecklistFileError | undefined;
  private brokenText = '';

  /**
   * @param file absolute path of `.aireg/checklist.json`
   * @param who returns the name to stamp on changes
   * @param ops file-system overrides for tests
   */
  constructor(
    readonly file: string,
    private readonly who: () => string,
    private readonly ops: Partial<WriteOps> = {},
    private readonly lockOptions: LockOptions = {},
  ) {}

  /** The current state (in memory; equal to the file unless the file is broken). */
  get state(): ChecklistFile {
    return this.mine;
  }

  /** The problem with the file on disk, if it is broken. */
  get error(): ChecklistFileError | undefined {
    return this.brokenError;
  }

  /** Reads the file and records whether it is broken (and its text, for the repair command). */
  private read(): ReturnType<typeof readChecklist> {
    const r = readChecklist(this.file);
    if (r.status === 'broken') {
      this.brokenError = r.error;
      this.brokenText = r.text;
    } else {
      this.brokenError = undefined;
    }
    return r;
  }

  /** Reads the file. Never writes: a missing file is created only by the first change. */
  load(): SessionResult {
    const r = this.read();
    if (r.status === 'broken') return { error: r.error, written: false, conflicts: [] };
    this.base = r.status === 'ok' ? r.file : emptyChecklist();
    this.baseText = r.status === 'ok' ? r.text : undefined;
    this.mine = structuredClone(this.base);
    return { written: false, conflicts: [] };
  }

  /** Applies one change from the panel and saves it (merging with the disk first). */
  change(change: { id: string; state?: ItemState; note?: string }, now: Date = new Date()): SessionResult {
    this.mine = applyChange(this.mine, change, this.who(), now);
    return this.sync();
  }

  /** Called by the file watcher: merges what changed on disk into memory. */
  diskChanged(): SessionResult {
    return this.sync();
  }

  /**
   * Runs a read–merge–write under the lock file, so another window's save cannot slip in between
   * our read and our write. When the lock stays busy the change stays in memory and goes out with
   * the next save or disk change.
   */
  private locked(fn: () => SessionResult): SessionResult {
    try {
      return withFileLock(this.file, fn, this.lockOptions);
    } catch (e) {
      if (!(e instanceof LockBusyError)) throw e;
      const message = `another window is saving ${this.file}; this change is kept and saved with the next one`;
      return { error: { kind: 'io', line: 0, column: 0, message }, written: false, conflicts: [] };
    }
  }

  /**
   * Reconciles memory with the file: re-reads it, merges a change made there since `base`, and
   * writes the result if it differs from the file. A broken file stops here untouched.
   */
  private sync(): SessionResult {
    return this.locked(() => this.syncLocked());
  }

  private syncLocked(): SessionResult {
    const r = this.read();
    if (r.status === 'broken') return { error: r.error, written: false, conflicts: [] };
    let conflicts: MergeConflict[] = [];
    const disk = r.status === 'ok' ? r.file : undefined;
    const diskText = r.status === 'ok' ? r.text : undefined;
    if (disk && diskText !== this.baseText) {
      // The file changed since we last saw it: merge against the last version we agreed on.
      const merged = mergeChecklists(this.base ?? emptyChecklist(), this.mine, disk);
      this.mine = merged.file;
      conflicts = merged.conflicts;
    }
    const text = serializeChecklist(this.mine);
    const needsWrite = diskText === undefined ? Object.keys(this.mine.items).length > 0 : text !== diskText;
    if (needsWrite) this.baseText = writeChecklist(this.file, this.mine, this.ops);
    else this.baseText = diskText;
    this.base = structuredClone(this.mine);
    return { written: needsWrite, conflicts };
  }

  /**
   * Replaces a broken file on the user's explicit request: the broken text is kept beside it as
   * `checklist.json.broken-<time>`, rows that can be recovered from it are merged with memory
   * (newer row wins, both notes kept), and the result is written. Returns the backup path.
   */
  repair(now: Date = new Date()): { backup: string; result: SessionResult } {
    let backup = '';
    const result = this.locked(() => {
      const r = this.repairLocked(now);
      backup = r.backup;
      return r.result;
    });
    return { backup, result };
  }

  private repairLocked(now: Date): { backup: string; result: SessionResult } {
    const r = readChecklist(this.file);
    if (r.status !== 'broken') return { backup: '', result: this.syncLocked() };
    const backup = `${this.file}.broken-${now.toISOString().replace(/[:.]/g, '-')}`;
    fs.writeFileSync(backup, r.text, { flag: 'wx' });
    const salvaged = salvageChecklist(r.text);
    const merged = mergeChecklists(emptyChecklist(), this.mine, salvaged);
    this.mine = merged.file;
    this.baseText = writeChecklist(this.file, this.mine, this.ops);
    this.base = structuredClone(this.mine);
    this.brokenError = undefined;
    this.brokenText = '';
    return { backup, result: { written: true, conflicts: merged.conflicts } };
  }

  /** The text of the broken file as last read (for diagnostics). */
  get brokenContent(): string {
    return this.brokenText;
  }
}
