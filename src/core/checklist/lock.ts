/**
 * A lock file beside the checklist so that a read–merge–write by one window or process is atomic
 * against every other: without it two sessions read the same version, each writes its own merge,
 * and the second write drops the first one's rows. The lock is held for milliseconds (one read,
 * one merge, one write), so a lock older than a few seconds, or one whose process on this host is
 * gone, is stale and is broken, never waited on forever.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readTextFileSync } from '../readFile';

export interface LockOptions {
  /** A lock older than this is considered abandoned (default 5 s). */
  staleMs?: number;
  /** How long to wait for a live lock before giving up (default 3 s). */
  timeoutMs?: number;
}

/** Thrown when another writer holds the lock for longer than the timeout. */
export class LockBusyError extends Error {
  constructor(readonly lockFile: string) {
    super(`${lockFile} is held by another writer`);
  }
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** Blocks this thread briefly; the callers are synchronous and the wait is a few milliseconds. */
function sleep(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

function readOrEmpty(file: string): string {
  try {
    // A lock file is a few bytes; a FIFO planted under its name must not block the save.
    return readTextFileSync(file, 64 * 1024);
  } catch {
    return '';
  }
}

/** True when the lock names a process on this host that no longer exists. */
function ownerIsGone(content: string): boolean {
  const [pidText, host] = content.split(' ');
  const pid = Number(pidText);
  if (host !== os.hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Removes a stale lock without removing a fresh one another process created in the meantime:
 * the lock is renamed to a private name (atomic), and if what was taken is not the stale content
 * that was judged, it is linked back (link fails rather than overwrite a newer lock).
 */
function breakStaleLock(lock: string, judged: string): void {
  const aside = `${lock}.${crypto.randomBytes(6).toString('hex')}.stale`;
  try {
    fs.renameSync(lock, aside);
  } catch {
    return; // Someone else broke or released it first.
  }
  if (readOrEmpty(aside) !== judged) {
    try {
      fs.linkSync(aside, lock);
    } catch {
      // A newer lock exists already; the one taken aside is then the stale one of an earlier round.
    }
  }
  try {
    fs.unlinkSync(aside);
  } catch {
    // Already gone.
  }
}

/** Runs `fn` while holding `<target>.lock`. */
export function withFileLock<T>(target: string, fn: () => T, opts: LockOptions = {}): T {
  const staleMs = opts.staleMs ?? 5000;
  const timeoutMs = opts.timeoutMs ?? 3000;
  const lock = `${target}.lock`;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const mine = `${process.pid} ${os.hostname()} ${crypto.randomBytes(8).toString('hex')} ${Date.now()}`;
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = fs.openSync(lock, 'wx', 0o644);
      try {
        fs.writeSync(fd, mine);
      } finally {
        fs.closeSync(fd);
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const held = readOrEmpty(lock);
    let age = 0;
    try {
      age = Date.now() - fs.statSync(lock).mtimeMs;
    } catch {
      continue; // Released between our attempt and the stat: try again at once.
    }
    if (age > staleMs || (held && ownerIsGone(held))) {
      breakStaleLock(lock, held);
      continue;
    }
    if (Date.now() > deadline) throw new LockBusyError(lock);
    sleep(Math.min(20, 1 + attempt) + Math.random() * 3);
  }
  try {
    return fn();
  } finally {
    // Release only our own lock: if it was broken as stale meanwhile, another writer owns it now.
    if (readOrEmpty(lock) === mine) {
      try {
        fs.unlinkSync(lock);
      } catch {
        // Already gone.
      }
    }
  }
}
