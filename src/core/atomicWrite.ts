/**
 * Writing a file so that a crash or a full disk leaves either the old content or the new one,
 * never a truncated mix: a temporary file in the same folder is written and flushed, then
 * renamed over the target. Used for the checklist, reports (`-o`) and baselines.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The file-system calls the atomic writer uses; tests replace one to simulate a crash. */
export interface WriteOps {
  openSync: typeof fs.openSync;
  writeSync: (fd: number, data: string) => number;
  /** Writes bytes at the current position; may write fewer than asked (a full disk does). */
  writeBytesSync: (fd: number, data: Uint8Array, offset: number, length: number) => number;
  fsyncSync: typeof fs.fsyncSync;
  closeSync: typeof fs.closeSync;
  renameSync: typeof fs.renameSync;
  unlinkSync: typeof fs.unlinkSync;
  mkdirSync: typeof fs.mkdirSync;
}

const nodeOps: WriteOps = {
  openSync: fs.openSync,
  writeSync: (fd, data) => fs.writeSync(fd, data),
  writeBytesSync: (fd, data, offset, length) => fs.writeSync(fd, data, offset, length),
  fsyncSync: fs.fsyncSync,
  closeSync: fs.closeSync,
  renameSync: fs.renameSync,
  unlinkSync: fs.unlinkSync,
  mkdirSync: fs.mkdirSync,
};

/**
 * Writes all of `text`: a write can be short (a nearly full disk, a file-size limit), and only
 * the next write reports the error, so a single call could leave a silently truncated file.
 */
function writeAll(o: WriteOps, fd: number, text: string): void {
  if (o.writeSync !== nodeOps.writeSync) {
    // A test's replacement: it decides what a write does.
    o.writeSync(fd, text);
    return;
  }
  const bytes = Buffer.from(text, 'utf8');
  for (let done = 0; done < bytes.length; ) {
    const n = o.writeBytesSync(fd, bytes, done, bytes.length - done);
    if (n <= 0) throw new Error(`short write to a temporary file (${done} of ${bytes.length} bytes)`);
    done += n;
  }
}

/**
 * Writes `text` to `target` atomically: a temporary file in the same folder is written and
 * flushed to disk, then renamed over the target. A crash at any point leaves either the old or
 * the new content, never a mix. The temporary file is removed when the rename fails.
 */
export function writeFileAtomic(target: string, text: string, ops: Partial<WriteOps> = {}): void {
  const o: WriteOps = { ...nodeOps, ...ops };
  const dir = path.dirname(target);
  o.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`);
  const fd = o.openSync(tmp, 'w', 0o644);
  let renamed = false;
  try {
    try {
      writeAll(o, fd, text);
      o.fsyncSync(fd);
    } finally {
      o.closeSync(fd);
    }
    o.renameSync(tmp, target);
    renamed = true;
  } finally {
    if (!renamed) {
      try {
        o.unlinkSync(tmp);
      } catch {
        // The temporary file may not exist if opening it failed; nothing else to clean up.
      }
    }
  }
  // Flushing the folder makes the rename itself durable; not every platform allows it.
  try {
    const dfd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    // Windows cannot open folders for fsync; the rename is still atomic there.
  }
}
