/**
 * Starts a bundle (the CLI, its worker, the language server) through a V8 code cache, so a new
 * process does not compile the same 1.3 MB of JavaScript again. A one-file scan spends about a
 * third of its CPU compiling the bundle; with the cache that falls to reading one file.
 *
 * The cache is bytecode, and bytecode is code: it is only read from a directory that belongs to
 * the current user and that no one else may write (`v8` in the user's cache folder, see
 * core/cacheDir.ts, or the folder the editor gives the extension), and it is keyed by the bundle's path, size and modification time
 * and by the Node.js and V8 versions, because V8's own check compares the source's length only.
 * Any doubt (no home folder, a foreign or shared folder, a rejected or unreadable cache) means
 * the bundle is compiled as if there were no cache; nothing here can stop aireg from starting.
 *
 * `AIREG_CODE_CACHE` chooses the folder, or `off` turns the cache off.
 *
 * This file must not import the engine: it runs before the bundle and is built on its own.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { userCacheDir } from '../core/cacheDir';
import { type CodeCacheHooks, HOOKS_SYMBOL } from './hooks';

/** The folder code caches are kept in, or undefined when the cache is off. */
export function cacheDirectory(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = os.homedir()): string | undefined {
  const chosen = env['AIREG_CODE_CACHE'];
  if (chosen !== undefined && chosen !== '') return /^(off|0|false|no)$/i.test(chosen) ? undefined : path.resolve(chosen);
  // Without a home folder the default would be relative to wherever aireg runs.
  if (!home && !env['AIREG_CACHE_HOME']) return undefined;
  return path.join(userCacheDir(env, platform, home), 'v8');
}

/**
 * True when `dir` is a folder that only the current user can write. On Windows, where modes do
 * not describe access, the per-user local application data folder is taken as private.
 */
export function isPrivateDirectory(dir: string): boolean {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(dir);
  } catch {
    return false;
  }
  if (!st.isDirectory()) return false;
  if (process.platform === 'win32' || typeof process.getuid !== 'function') return true;
  return st.uid === process.getuid() && (st.mode & 0o022) === 0;
}

/** The cache file of `bundle` in `dir`: a new build, Node.js or V8 gives a new name. */
export function cacheFileName(bundle: string, st: { size: number; mtimeMs: number }): string {
  const key = [bundle, st.size, st.mtimeMs, process.version, process.versions.v8, process.arch].join('\0');
  return `${path.basename(bundle, '.js')}-${crypto.createHash('sha256').update(key).digest('hex').slice(0, 20)}.cache`;
}

/**
 * A cache file is one byte that says whether the run that wrote it stopped early (a flag change,
 * so only start-up code is in it) followed by V8's data.
 */
interface CacheFile {
  data: Buffer;
  partial: boolean;
}

function readCache(file: string): CacheFile | undefined {
  try {
    const st = fs.lstatSync(file);
    if (!st.isFile()) return undefined;
    if (typeof process.getuid === 'function' && process.platform !== 'win32' && st.uid !== process.getuid()) return undefined;
    const bytes = fs.readFileSync(file);
    if (bytes.length < 2 || bytes[0]! > 1) return undefined;
    return { data: bytes.subarray(1), partial: bytes[0] === 1 };
  } catch {
    return undefined;
  }
}

/** Writes `data` as `file` by a rename, and removes this bundle's caches of other builds. */
function writeCache(dir: string, file: string, data: Buffer, partial: boolean): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!isPrivateDirectory(dir)) return;
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, Buffer.concat([Buffer.from([partial ? 1 : 0]), data]), { mode: 0o600 });
    fs.renameSync(tmp, file);
    const prefix = path.basename(file).replace(/-[0-9a-f]+\.cache$/, '-');
    for (const name of fs.readdirSync(dir)) {
      if (name.startsWith(prefix) && name.endsWith('.cache') && path.join(dir, name) !== file) fs.rmSync(path.join(dir, name), { force: true });
    }
  } catch {
    // A cache that cannot be written is only a slower next start.
  }
}

/**
 * Runs `bundle` as the module `parent` would have been: same `require.main` test, `__filename`
 * and `__dirname` of the bundle, the bundle's exports on `parent.exports`.
 */
export function launch(bundle: string, parent: NodeJS.Module): void {
  const dir = cacheDirectory();
  const st = fs.statSync(bundle);
  // A folder that is not there yet is made private when the first cache is written.
  const usable = dir !== undefined && (!fs.existsSync(dir) || isPrivateDirectory(dir));
  const file = usable ? path.join(dir, cacheFileName(bundle, st)) : undefined;
  const cached = file ? readCache(file) : undefined;
  let source = fs.readFileSync(bundle, 'utf8');
  // A shebang line is not JavaScript once the source is wrapped in a function.
  if (source.startsWith('#!')) source = '//' + source.slice(2);
  const script = new vm.Script(Module.wrap(source), { filename: bundle, ...(cached ? { cachedData: cached.data } : {}) });
  const usedCache = !!cached && script.cachedDataRejected !== true;

  // A cache is written when there is none (or V8 refused it), and written again when the one used
  // was partial: a first run that changed flags early (a one-file scan) leaves the start-up code
  // only, and the next run that keeps the flags completes it.
  let flagsChanged = false;
  let written = false;
  const flush = (partial: boolean): void => {
    if (written || flagsChanged || !file || !dir || (usedCache && !cached.partial)) return;
    written = true;
    writeCache(dir, file, script.createCachedData(), partial);
  };
  const hooks: CodeCacheHooks = {
    state: !file ? 'off' : !cached ? 'cold' : usedCache ? 'warm' : 'rejected',
    beforeV8FlagChange: () => {
      // Only the functions compiled so far can be cached: the next start must not meet other flags.
      // A start that used a cache has compiled little since, so it writes nothing.
      if (!usedCache) flush(true);
      flagsChanged = true;
    },
  };
  (globalThis as Record<symbol, unknown>)[HOOKS_SYMBOL] = hooks;
  if (file) {
    // At exit the cache holds every function the run compiled, not only the top level. A server
    // runs for hours, so it also writes once it has done its first work.
    process.once('exit', () => flush(false));
    setTimeout(() => flush(false), 10_000).unref();
  }

  const mod = new Module(bundle, parent);
  mod.filename = bundle;
  const req = Module.createRequire(bundle);
  // `require.main === module` in the bundle means what it meant in the launcher.
  (req as { main: NodeJS.Module | undefined }).main = require.main === parent ? mod : require.main;
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: NodeJS.Module, filename: string, dirname: string) => void;
  wrapper.call(mod.exports, mod.exports, req, mod, bundle, path.dirname(bundle));
  mod.loaded = true;
  parent.exports = mod.exports;
}
