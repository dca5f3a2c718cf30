/**
 * The user's own cache folder for aireg. It holds what must not come from a workspace: the
 * secret that signs `--cache` files (cache.ts) and the V8 code cache of the bundles
 * (src/launch/codeCache.ts, which imports this file alone, before the engine loads).
 */
import * as os from 'node:os';
import * as path from 'node:path';

/** The folder, per platform; `AIREG_CACHE_HOME` overrides it. */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = os.homedir()): string {
  if (env['AIREG_CACHE_HOME']) return path.resolve(env['AIREG_CACHE_HOME']);
  if (platform === 'win32') return path.join(env['LOCALAPPDATA'] || path.join(home, 'AppData', 'Local'), 'aireg', 'Cache');
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'aireg');
  const xdg = env['XDG_CACHE_HOME'];
  // A relative XDG_CACHE_HOME is invalid by the specification and ignored.
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.cache'), 'aireg');
}
