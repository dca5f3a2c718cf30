/**
 * Reading files the workspace (or a command line) names, without trusting what they are: only
 * regular files are read (a FIFO would block forever, `/dev/zero` never ends), the size is
 * bounded, and text is decoded the way editors do (UTF-16 with a byte-order mark included), so
 * the CLI and the editor analyse the same text.
 */
import * as fs from 'node:fs';

/** Thrown for something that is not a regular file (FIFO, device, socket, folder). */
export class NotRegularFileError extends Error {
  constructor(
    readonly file: string,
    readonly what: string,
  ) {
    super(`not a regular file (${what})`);
  }
}

/** Thrown when a file is larger than the caller's limit. */
export class FileTooLargeError extends Error {
  constructor(
    readonly file: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(`${size} bytes exceeds the limit of ${limit}`);
  }
}

/** Opening without blocking: `open()` on a FIFO with no writer would otherwise wait forever. */
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}

/** Reads a regular file whole, at most `maxBytes` (default unbounded). */
export function readRegularFileSync(file: string, maxBytes = Number.MAX_SAFE_INTEGER): Buffer {
  const fd = fs.openSync(file, OPEN_FLAGS);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new NotRegularFileError(file, kindOf(st));
    if (st.size > maxBytes) throw new FileTooLargeError(file, st.size, maxBytes);
    const buf = Buffer.alloc(st.size);
    let read = 0;
    // A file that shrinks meanwhile ends the loop early; one that grows is read to its old size.
    while (read < buf.length) {
      const n = fs.readSync(fd, buf, read, buf.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return read === buf.length ? buf : buf.subarray(0, read);
  } finally {
    fs.closeSync(fd);
  }
}

/** The asynchronous twin of {@link readRegularFileSync}. */
export async function readRegularFile(file: string, maxBytes = Number.MAX_SAFE_INTEGER): Promise<Buffer> {
  const h = await fs.promises.open(file, OPEN_FLAGS);
  try {
    const st = await h.stat();
    if (!st.isFile()) throw new NotRegularFileError(file, kindOf(st));
    if (st.size > maxBytes) throw new FileTooLargeError(file, st.size, maxBytes);
    const buf = Buffer.alloc(st.size);
    let read = 0;
    while (read < buf.length) {
      const { bytesRead } = await h.read(buf, read, buf.length - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return read === buf.length ? buf : buf.subarray(0, read);
  } finally {
    await h.close();
  }
}

/**
 * Decodes file bytes as editors do: UTF-16 (little or big endian) when it starts with that
 * byte-order mark, without the mark; UTF-8 otherwise (a UTF-8 mark is kept, as before, so
 * positions and fingerprints do not move).
 */
export function decodeText(buf: Buffer): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf.subarray(2));
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf.subarray(2));
  return buf.toString('utf8');
}

/** Reads and decodes a regular text file. */
export async function readTextFile(file: string, maxBytes?: number): Promise<string> {
  return decodeText(await readRegularFile(file, maxBytes));
}

/** Reads and decodes a regular text file, synchronously. */
export function readTextFileSync(file: string, maxBytes?: number): string {
  return decodeText(readRegularFileSync(file, maxBytes));
}
