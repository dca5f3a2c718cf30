/**
 * A content-hash cache of per-file results, so a rescan re-analyses only the files whose text
 * changed. aireg's rules look at one file at a time, so a file's result depends only on its
 * text, its path, the configuration and the engine build: all four are in the key, and a change
 * to any of them misses. The cache is an optimisation only: a missing, corrupt or foreign cache
 * file is treated as empty, and saving is atomic (temporary file, then rename) so a crash
 * mid-write leaves the previous cache, never a torn one.
 *
 * The key's inputs are public, so a cache file planted in a repository (where `--cache` often
 * points) could otherwise answer with empty results and hide findings. Every cache file is
 * therefore signed with a secret kept in the user's own cache folder (never in the workspace),
 * and a file whose signature or shape does not check out is ignored.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { userCacheDir } from './cacheDir';
import type { FileResult } from './engine';
import { readTextFileSync } from './readFile';

/** Bumped when the cache file's layout changes (2: signed). */
const FORMAT = 2;

interface CacheFile {
  format: number;
  key: string;
  /** HMAC-SHA256 of format, key and entries under the user's secret. */
  mac: string;
  entries: Record<string, { hash: string; result: FileResult }>;
}


/**
 * The secret that signs cache files: read from the user's cache folder, created there (readable
 * by the user only) on first use. When it cannot be stored, a secret for this process only is
 * used: the cache then never hits across runs, which costs time, never correctness.
 */
export function cacheSecret(dir: string = userCacheDir()): string {
  const file = path.join(dir, 'cache-secret');
  try {
    const text = readTextFileSync(file, 1024).trim();
    if (/^[0-9a-f]{64}$/.test(text)) return text;
  } catch {
    // Not created yet.
  }
  const secret = randomBytes(32).toString('hex');
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch {
    // Another process created it first (read theirs), or the folder is read-only.
    try {
      const text = readTextFileSync(file, 1024).trim();
      if (/^[0-9a-f]{64}$/.test(text)) return text;
    } catch {
      // Fall through to the per-process secret.
    }
    return secret;
  }
}

function sign(secret: string, key: string, entries: CacheFile['entries']): string {
  return createHmac('sha256', secret).update(JSON.stringify([FORMAT, key, entries])).digest('hex');
}

const isRange = (r: unknown): boolean => {
  const x = r as { startOffset?: unknown; endOffset?: unknown; start?: { line?: unknown }; end?: { line?: unknown } } | null;
  return !!x && typeof x.startOffset === 'number' && typeof x.endOffset === 'number' && typeof x.start?.line === 'number' && typeof x.end?.line === 'number';
};

/** The shape a cached result must have before it replaces an analysis. */
function validEntry(e: unknown): e is { hash: string; result: FileResult } {
  const x = e as { hash?: unknown; result?: { file?: unknown; findings?: unknown; notices?: unknown } } | null;
  if (!x || typeof x.hash !== 'string' || !x.result || typeof x.result.file !== 'string') return false;
  if (!Array.isArray(x.result.findings) || !Array.isArray(x.result.notices)) return false;
  return (x.result.findings as unknown[]).every((f) => {
    const g = f as { ruleId?: unknown; message?: unknown; range?: unknown } | null;
    return !!g && typeof g.ruleId === 'string' && typeof g.message === 'string' && isRange(g.range);
  });
}

/** SHA-256 of a file's text, hex. */
export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A key for everything besides the text that decides a result (version, config, engine build). */
export function cacheKey(parts: readonly string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\u0000');
  return h.digest('hex');
}

export class ScanCache {
  private readonly used = new Set<string>();
  /** Lookups answered from the cache and lookups that missed, for reporting. */
  hits = 0;
  misses = 0;

  private constructor(
    readonly file: string,
    private readonly key: string,
    private readonly secret: string,
    private readonly entries: Map<string, { hash: string; result: FileResult }>,
  ) {}

  /**
   * Loads the cache at `file`; anything unreadable, made under another key, not signed with
   * `secret` (by default the user's, see {@link cacheSecret}) or malformed yields an empty cache.
   */
  static load(file: string, key: string, secret: string = cacheSecret()): ScanCache {
    let entries = new Map<string, { hash: string; result: FileResult }>();
    try {
      const data = JSON.parse(readTextFileSync(file)) as Partial<CacheFile>;
      if (data.format === FORMAT && data.key === key && typeof data.mac === 'string' && data.entries && typeof data.entries === 'object') {
        const want = Buffer.from(sign(secret, key, data.entries), 'hex');
        const got = Buffer.from(data.mac, 'hex');
        if (got.length === want.length && timingSafeEqual(got, want) && Object.values(data.entries).every(validEntry)) {
          entries = new Map(Object.entries(data.entries));
        }
      }
    } catch {
      // No cache yet, or a damaged one: start empty; the next save replaces it.
    }
    return new ScanCache(file, key, secret, entries);
  }

  /** The cached result of `relPath` when its text still hashes to `hash`. */
  lookup(relPath: string, hash: string): FileResult | undefined {
    const e = this.entries.get(relPath);
    if (e && e.hash === hash) {
      this.used.add(relPath);
      this.hits++;
      return e.result;
    }
    this.misses++;
    return undefined;
  }

  store(relPath: string, hash: string, result: FileResult): void {
    // Results of files that could not be read are not worth keeping: the next scan retries them.
    if (result.notices.some((n) => n.kind === 'read-error')) return;
    this.entries.set(relPath, { hash, result });
    this.used.add(relPath);
  }

  /** Writes the entries used in this scan (files gone from the workspace drop out). */
  save(): void {
    const entries: CacheFile['entries'] = {};
    for (const rel of this.used) {
      const e = this.entries.get(rel);
      if (e) entries[rel] = e;
    }
    const data: CacheFile = { format: FORMAT, key: this.key, mac: sign(this.secret, this.key, entries), entries };
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(data));
    fs.renameSync(tmp, this.file);
  }
}

/** A file to analyse: absolute path and the workspace-relative path its findings use. */
export interface CachedTask {
  path: string;
  relPath: string;
}

/**
 * Answers what it can from the cache and hands only the other files to `analyze`; returns all
 * results sorted by file, as a full scan would. Files are hashed as read now, so a file edited
 * after hashing is analysed with its new text and stored under its old hash (a later scan misses
 * and re-analyses it: stale entries cost time, never correctness).
 */
export async function analyzeWithCache<T extends CachedTask, R extends { results: FileResult[] }>(
  files: readonly T[],
  cache: ScanCache,
  analyze: (files: T[]) => Promise<R>,
): Promise<R> {
  const cached: FileResult[] = [];
  const todo: T[] = [];
  const hashes = new Map<string, string>();
  for (const f of files) {
    let text: string;
    try {
      text = readTextFileSync(f.path);
    } catch {
      todo.push(f); // The analysis reports the read error as a notice.
      continue;
    }
    const hash = hashText(text);
    hashes.set(f.relPath, hash);
    const hit = cache.lookup(f.relPath, hash);
    if (hit) cached.push(hit);
    else todo.push(f);
  }
  const out = await analyze(todo);
  for (const r of out.results) {
    const hash = hashes.get(r.file);
    if (hash) cache.store(r.file, hash, r);
  }
  out.results = [...out.results, ...cached].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return out;
}
