/**
 * A young-generation collection run when the server has just published an open document's
 * diagnostics and has nothing queued for it: the moment when almost nothing of the analysis is
 * still alive.
 *
 * Why: a keystroke's analysis of a 5,000-line file allocates about 6 MB, so V8 collects its young
 * generation every two or three keystrokes. Left to V8, that collection comes when an allocation
 * fails, which is in the middle of an analysis, with the facts built so far still alive: it copies
 * them, and takes 8-16 ms of that keystroke. Run after the diagnostics are out, the same collection
 * finds the analysis's facts dead and copies only what lives across edits. Measured with the
 * bench's 5,000-line file in a 2,000-file workspace, 240 keystrokes, three runs each way: p50 32.5 →
 * 29.3 ms, p95 50.4 → 47.7 ms, server CPU per keystroke 43.4 → 40.2 ms.
 *
 * Node exposes the collector only behind `--expose-gc`. The flag is set for this process when it is
 * first needed, as the `expose-gc` pattern does; where that fails the collector is simply not used.
 * `AIREG_IDLE_GC=0` turns it off (for measurements).
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

/**
 * V8's `gc`: with no argument a full, synchronous collection; `{ type: 'minor' }` collects the young
 * generation only. (`{ type: 'major' }` is not the same as no argument: it frees less.)
 */
export type Collect = (options?: { type: 'minor' | 'major' }) => void;

/** V8's collector, exposed for this process; null when it cannot be. */
export function exposedCollector(): Collect | null {
  const own = (globalThis as { gc?: unknown }).gc;
  if (typeof own === 'function') return own as Collect;
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as Collect) : null;
  } catch {
    return null;
  }
}

/**
 * How full the young generation is, 0 to 1: its used size against what it can hold before V8
 * collects it (used plus available; `space_size` counts both semi-spaces, so it is twice that).
 */
export function youngGenerationFill(): number {
  const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  const capacity = space ? space.space_used_size + space.space_available_size : 0;
  return space && capacity > 0 ? space.space_used_size / capacity : 0;
}

export class IdleYoungCollector {
  private collect: Collect | null | undefined;

  /**
   * @param threshold how full the young generation must be for a collection to be worth its cost
   *   (1.2-1.7 ms in the server after a 5,000-line file's keystroke, mostly what lives across
   *   edits; 5-13 ms before the rules' per-analysis memos left module-level `WeakMap`s, see
   *   `core/analysis/ownedMemo.ts`): below it, V8's own collection is still a keystroke or more away.
   */
  constructor(
    private readonly threshold = 0.6,
    private readonly enabled = process.env.AIREG_IDLE_GC !== '0',
    collect?: Collect,
  ) {
    if (collect) this.collect = collect;
  }

  /** Collects the young generation when it is at least `threshold` full; whether it did. */
  collectIfFull(): boolean {
    if (!this.enabled || youngGenerationFill() < this.threshold) return false;
    this.collect ??= exposedCollector();
    if (!this.collect) return false;
    this.collect({ type: 'minor' });
    return true;
  }
}
