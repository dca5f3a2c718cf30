/**
 * A content-hash cache of per-file results, so a rescan re-analyses only the files whose text
 * changed. aireg's rules look at one file at a time, so a file's result depends only on its
 * text, its path, the configuration and the engine build: all four are in the key, and a change
 * to any of them misses. The cache is an optimisation only: a missing, corrupt or foreign cache
 * file is treated as empty, and saving is atomic (temporary file, then rename) so a crash
 * mid-write leaves the previous cache, never a torn one.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileResult } from './engine';
import { readTextFileSync } from './readFile';

/** Bumped when the cache file's layout changes. */
const FORMAT = 1;

interface CacheFile {
  format: number;
  key: string;
  entries: Record<string, { hash: string; result: FileResult }>;
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

  private constructor(readonly file: string, private readonly key: string, private readonly entries: Map<string, { hash: string; result: FileResult }>) {}

  /** Loads the cache at `file`; anything unreadable or made under another key yields an empty cache. */
  static load(file: string, key: string): ScanCache {
    let entries = new Map<string, { hash: string; result: FileResult }>();
    try {
      const data = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<CacheFile>;
      if (data.format === FORMAT && data.key === key && data.entries && typeof data.entries === 'object') {
        entries = new Map(Object.entries(data.entries).filter(([, e]) => typeof e?.hash === 'string' && Array.isArray(e.result?.findings)));
      }
    } catch {
      // No cache yet, or a damaged one: start empty; the next save replaces it.
    }
    return new ScanCache(file, key, entries);
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
    const data: CacheFile = { format: FORMAT, key: this.key, entries: {} };
    for (const rel of this.used) {
      const e = this.entries.get(rel);
      if (e) data.entries[rel] = e;
    }
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
