/**
 * Workspace discovery: which files a scan reads. Shared by the CLI and the language server's
 * "scan workspace" so both see the same files. It honours `.gitignore` and `.airegignore` at
 * every level (and in the ancestors up to the repository root), the config's include/exclude
 * globs, and a default list of dependency, build and generated folders. It never follows a
 * symbolic link into a folder it has already entered, and a folder it cannot read becomes a
 * notice, not an exception.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AiregConfig } from './config';
import type { Notice } from './engine';
import { IgnoreRules, compileGlobs } from './glob';
import { LANGUAGES, languageForPath } from './languages';
import { readTextFile } from './readFile';

/** Ignore files larger than this are not read (a notice says so). */
const IGNORE_FILE_MAX_BYTES = 4 * 1024 * 1024;

/** The notice of a file skipped for its size in bytes (found when it is listed, or when it is read). */
export function tooLargeNotice(file: string, bytes: number, limit: number): Notice {
  return { file, kind: 'too-large', message: `skipped: ${bytes} bytes exceeds maxFileBytes ${limit}` };
}

/** Folders skipped by default anywhere below a scan root: dependencies, builds, caches, generated code. */
export const DEFAULT_SKIP_DIRS: ReadonlySet<string> = new Set([
  'node_modules', 'bower_components', 'jspm_packages', '.git', '.hg', '.svn',
  'vendor', 'third_party', 'third-party', 'dist', 'build', 'out', 'target',
  '.venv', 'venv', '.tox', '.nox', '__pycache__', 'site-packages', '.mypy_cache', '.pytest_cache', '.ruff_cache',
  '.next', '.nuxt', '.svelte-kit', '.turbo', '.parcel-cache', '.cache', 'coverage',
  'generated', '__generated__', '.generated',
]);

/** File names skipped by default because they are machine output (counted as minified). */
const MINIFIED_NAME = /\.min\.(?:js|mjs|cjs)$/i;

/** The file kinds aireg reads, for notices about files it does not. */
const SOURCE_EXTENSIONS = LANGUAGES.flatMap((l) => l.extensions).join(', ');

function specialKind(st: fs.Stats): string {
  if (st.isFIFO()) return 'a named pipe';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}

/** The ignore files read at every folder level. */
export const IGNORE_FILES = ['.gitignore', '.airegignore'] as const;

export interface DiscoveredFile {
  /** Absolute path. */
  path: string;
  /** Path relative to `baseDir`, with forward slashes (the `file` of findings). */
  relPath: string;
  /** Size in bytes at discovery time. */
  size: number;
}

export interface DiscoveryOptions {
  /** Receives notices for skipped or unreadable files and folders. */
  onNotice?: (notice: Notice) => void;
  /** Folder that `relPath` is relative to (the workspace root); defaults to the current directory. */
  baseDir?: string;
  /** Folder the config's include/exclude globs are relative to; defaults to `baseDir`. */
  configDir?: string;
  /** Stops the walk early (the language server cancels a workspace scan with it). */
  signal?: AbortSignal;
  /**
   * The ignore files honoured (default {@link IGNORE_FILES}); an untrusted workspace is scanned
   * with `.gitignore` only, since `.airegignore` exists only to hide files from aireg.
   */
  ignoreFiles?: readonly string[];
}

interface IgnoreLevel {
  dir: string;
  ig: IgnoreRules;
}

const toPosix = (p: string): string => p.split(path.sep).join('/');

function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Reads the ignore files of one folder; returns undefined when it has none. */
async function readIgnoreLevel(dir: string, names: readonly string[], onNotice: (n: Notice) => void, relOf: (p: string) => string, present?: ReadonlySet<string>): Promise<IgnoreLevel | undefined> {
  let ig: IgnoreRules | undefined;
  for (const name of names) {
    // The folder listing, when known, saves two failing reads per folder.
    if (present && !present.has(name)) continue;
    const file = path.join(dir, name);
    let text: string;
    try {
      // Only a regular file of sane size: a FIFO named .gitignore would block the scan forever.
      text = await readTextFile(file, IGNORE_FILE_MAX_BYTES);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') onNotice({ file: relOf(file), kind: 'read-error', message: `cannot read ${name}: ${(err as Error).message}` });
      continue;
    }
    ig ??= new IgnoreRules();
    ig.add(text);
  }
  return ig ? { dir, ig } : undefined;
}

/**
 * Decides with gitignore semantics: the deepest ignore file with a matching rule wins (a `!`
 * rule there re-includes), otherwise the next one up decides.
 */
function isIgnored(levels: readonly IgnoreLevel[], absPath: string, isDir: boolean): boolean {
  for (let i = levels.length - 1; i >= 0; i--) {
    const level = levels[i]!;
    if (!isInside(level.dir, absPath) || level.dir === absPath) continue;
    const rel = toPosix(path.relative(level.dir, absPath)) + (isDir ? '/' : '');
    const r = level.ig.test(rel);
    if (r.ignored) return true;
    if (r.unignored) return false;
  }
  return false;
}

/** The ancestors of `dir` (outermost first) up to the repository root, or none outside a repository. */
function repositoryAncestors(dir: string): string[] {
  const chain: string[] = [];
  let current = path.dirname(dir);
  if (fs.existsSync(path.join(dir, '.git'))) return chain;
  for (;;) {
    chain.unshift(current);
    if (fs.existsSync(path.join(current, '.git'))) return chain;
    const parent = path.dirname(current);
    if (parent === current) return []; // Not in a repository: outer ignore files do not apply.
    current = parent;
  }
}

/**
 * Walks `roots` (files or folders) and yields every file aireg analyses, in a stable order
 * (roots in the given order, then by name). Files named explicitly as roots are yielded even
 * when ignore files would skip them, as compilers do for files named on the command line.
 */
export async function* discoverFiles(roots: readonly string[], config: AiregConfig, options: DiscoveryOptions = {}): AsyncIterable<DiscoveredFile> {
  const baseDir = path.resolve(options.baseDir ?? process.cwd());
  const configDir = path.resolve(options.configDir ?? baseDir);
  const onNotice = options.onNotice ?? (() => undefined);
  const ignoreFiles = options.ignoreFiles ?? IGNORE_FILES;
  const relOf = (p: string): string => {
    const rel = path.relative(baseDir, p);
    return toPosix(rel.startsWith('..') || path.isAbsolute(rel) ? p : rel);
  };
  // Linear-time matchers: the patterns come from the workspace and must not be able to stall a scan.
  const include = config.include.length ? compileGlobs(config.include) : undefined;
  const exclude = config.exclude.length ? compileGlobs(config.exclude) : undefined;
  const globRel = (p: string): string | undefined => {
    if (!isInside(configDir, p)) return undefined;
    return toPosix(path.relative(configDir, p));
  };
  const excluded = (p: string): boolean => {
    const rel = globRel(p);
    return !!exclude && rel !== undefined && rel !== '' && exclude(rel);
  };
  const notIncluded = (p: string): boolean => {
    const rel = globRel(p);
    return !!include && rel !== undefined && !include(rel);
  };

  const seenFiles = new Set<string>();
  const seenDirs = new Set<string>();
  let visited = 0;

  /** Checks a file's size and name, then reports whether to yield it. */
  const acceptFile = (abs: string, size: number): boolean => {
    const rel = relOf(abs);
    if (MINIFIED_NAME.test(abs)) {
      onNotice({ file: rel, kind: 'minified', message: 'skipped: minified file (*.min.js)' });
      return false;
    }
    if (size > config.maxFileBytes) {
      onNotice(tooLargeNotice(rel, size, config.maxFileBytes));
      return false;
    }
    return true;
  };

  for (const root of roots) {
    if (options.signal?.aborted) return;
    const absRoot = path.resolve(root);
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(absRoot);
    } catch (err) {
      onNotice({ file: relOf(absRoot), kind: 'read-error', message: `cannot read: ${(err as Error).message}` });
      continue;
    }
    if (!st.isDirectory()) {
      // A FIFO or a device named on the command line would block the read or never end.
      if (!st.isFile()) {
        onNotice({ file: relOf(absRoot), kind: 'not-analysed', message: `skipped: not a regular file (${specialKind(st)})` });
        continue;
      }
      if (!languageForPath(absRoot)) {
        onNotice({ file: relOf(absRoot), kind: 'not-analysed', message: `skipped: not a source file aireg analyses (${SOURCE_EXTENSIONS})` });
        continue;
      }
      const real = await fs.promises.realpath(absRoot).catch(() => absRoot);
      if (seenFiles.has(real)) continue;
      seenFiles.add(real);
      if (acceptFile(absRoot, st.size)) yield { path: absRoot, relPath: relOf(absRoot), size: st.size };
      continue;
    }

    // Ignore files above the root still apply inside it (a scan of `repo/src` honours `repo/.gitignore`).
    const levels: IgnoreLevel[] = [];
    for (const dir of repositoryAncestors(absRoot)) {
      const level = await readIgnoreLevel(dir, ignoreFiles, onNotice, relOf);
      if (level) levels.push(level);
    }
    const realRoot = await fs.promises.realpath(absRoot).catch(() => absRoot);
    yield* walk(absRoot, levels, realRoot);
  }

  async function* walk(dir: string, parentLevels: IgnoreLevel[], realRoot: string): AsyncGenerator<DiscoveredFile> {
    if (options.signal?.aborted) return;
    let realDir: string;
    try {
      realDir = await fs.promises.realpath(dir);
    } catch (err) {
      onNotice({ file: relOf(dir), kind: 'read-error', message: `cannot resolve folder: ${(err as Error).message}` });
      return;
    }
    // Entering each real folder once breaks symlink loops and avoids double counting.
    if (seenDirs.has(realDir)) return;
    seenDirs.add(realDir);

    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch (err) {
      onNotice({ file: relOf(dir), kind: 'read-error', message: `cannot read folder: ${(err as Error).message}` });
      return;
    }
    const own = await readIgnoreLevel(dir, ignoreFiles, onNotice, relOf, new Set(entries.filter((e) => e.name.startsWith('.')).map((e) => e.name)));
    const levels = own ? [...parentLevels, own] : parentLevels;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

    for (const entry of entries) {
      if (options.signal?.aborted) return;
      // Yield to the event loop now and then, so a cancel request is seen even in a folder of
      // entries that need no I/O (ignored files, files of other languages).
      if (++visited % 128 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const abs = path.join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let size = -1;
      if (entry.isSymbolicLink()) {
        let target: fs.Stats;
        let real: string;
        try {
          target = await fs.promises.stat(abs);
          real = await fs.promises.realpath(abs);
        } catch {
          continue; // A dangling link points at nothing to scan.
        }
        // A link out of the scanned folder (to `/`, to a home folder) could make a scan walk the
        // whole disk or report someone else's files: it is reported once and not followed.
        if (!isInside(realRoot, real)) {
          onNotice({ file: relOf(abs), kind: 'outside-root', message: `skipped: symbolic link to ${real} leaves the scanned folder` });
          continue;
        }
        isDir = target.isDirectory();
        isFile = target.isFile();
        size = target.size;
      }
      if (isDir) {
        if (DEFAULT_SKIP_DIRS.has(entry.name)) continue;
        if (isIgnored(levels, abs, true) || excluded(abs)) continue;
        yield* walk(abs, levels, realRoot);
      } else if (isFile) {
        if (!languageForPath(entry.name)) continue;
        if (isIgnored(levels, abs, false) || excluded(abs) || notIncluded(abs)) continue;
        let real: string;
        try {
          real = entry.isSymbolicLink() ? await fs.promises.realpath(abs) : path.join(realDir, entry.name);
          if (size < 0) size = (await fs.promises.stat(abs)).size;
        } catch (err) {
          onNotice({ file: relOf(abs), kind: 'read-error', message: `cannot read: ${(err as Error).message}` });
          continue;
        }
        if (seenFiles.has(real)) continue;
        seenFiles.add(real);
        if (acceptFile(abs, size)) yield { path: abs, relPath: relOf(abs), size };
      }
    }
  }
}

/** Collects `discoverFiles` into an array (the CLI needs the count to plan workers). */
export async function collectFiles(roots: readonly string[], config: AiregConfig, options: DiscoveryOptions = {}): Promise<DiscoveredFile[]> {
  const files: DiscoveredFile[] = [];
  for await (const f of discoverFiles(roots, config, options)) files.push(f);
  return files;
}
