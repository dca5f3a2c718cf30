/**
 * What a bundle may tell the launcher that started it (src/launch/codeCache.ts). The two are built
 * as separate files, so they meet through a global symbol rather than an import.
 */
export interface CodeCacheHooks {
  /**
   * Called just before the process changes a V8 flag. V8 rejects a cache made under other flags
   * than the ones the next process starts with, so the cache is written now or not at all.
   */
  beforeV8FlagChange(): void;
  /**
   * How this start went: `off` (no private cache folder), `cold` (no cache yet), `warm` (the
   * cache was used) or `rejected` (V8 refused it; a new one is written).
   */
  readonly state: 'off' | 'cold' | 'warm' | 'rejected';
}

export const HOOKS_SYMBOL = Symbol.for('aireg.codeCache');

/** The hooks of the launcher that started this process, if one did. */
export function codeCacheHooks(): CodeCacheHooks | undefined {
  return (globalThis as { [HOOKS_SYMBOL]?: CodeCacheHooks })[HOOKS_SYMBOL];
}
