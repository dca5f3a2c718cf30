/**
 * Runs the analysis of a list of discovered files, in this thread for small trees and on worker
 * threads for large ones, and merges the results in a deterministic order (by file, then by
 * position) so output never depends on scheduling.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
// node:v8 and node:worker_threads are imported where they are used: loading them costs a
// one-file scan about 20 ms before it has read anything, and most scans need neither.
import type { AiregConfig } from '../core/config';
import { Engine, type FileResult } from '../core/engine';
import type { Worker } from 'node:worker_threads';
import { type FileTask, type TriageRecord, analyzeTasks, finishTriage, triageTasks } from './analyzeFile';
import type { FromWorker, ToWorker, WorkerInit } from './protocol';
import { codeCacheHooks } from '../launch/hooks';

/**
 * Below this many files to parse, starting workers costs more than it saves (each loads its
 * grammars and compiles its queries). Files the main thread triages without a parse don't count.
 */
export const WORKER_THRESHOLD = 200;
const BATCH_SIZE = 16;
/**
 * Characters of source in one batch at most (a larger file is a batch of its own). Workers take
 * contiguous shares and the last batches decide when a scan ends: the six 1.2 MB SDK bundles of
 * the large bench corpus sit in one folder, and as one batch of 16 files (5.4 MB) one worker
 * parsed them for 20 s while the other, done, had nothing left to take.
 */
export const BATCH_CHARS = 256 * 1024;
/**
 * From this many discovered files on, the workers start at once and triage the files in parallel
 * (reading and running the text prefilters costs about 1 ms per file, a worker's start-up about
 * 100 ms); below it the main thread triages alone.
 */
export const TRIAGE_WORKER_THRESHOLD = 1000;
const TRIAGE_BATCH_SIZE = 64;

export interface RunOptions {
  config: AiregConfig;
  /** Explicit `--jobs`; undefined means "decide by the size of the tree". */
  jobs?: number;
  onProgress?: (done: number, total: number, file: string) => void;
  /** Each file's result as soon as it is ready (the language server publishes it then). */
  onResult?: (r: FileResult) => void;
  /** Stops the scan: no file is started after it aborts, workers are ended, and the results so far are returned. */
  signal?: AbortSignal;
  /**
   * A scan for the language server: the files are read, triaged and analysed on at most
   * `maxWorkers` worker threads whatever their number, so the server's own thread stays free for
   * the editor (typing, hovers) and keeps none of the scan's garbage; and this process's
   * WebAssembly tiers are left alone, since it parses for hours. Without a worker script (tests
   * run from the sources) the scan runs in this thread.
   */
  background?: { maxWorkers: number };
}

/** How many threads a scan of `fileCount` files uses. */
export function plannedJobs(fileCount: number, jobs: number | undefined): number {
  if (jobs !== undefined) return Math.max(1, Math.min(jobs, fileCount || 1));
  if (fileCount < WORKER_THRESHOLD) return 1;
  return Math.max(1, Math.min(os.availableParallelism(), Math.ceil(fileCount / BATCH_SIZE)));
}

/** How many threads triage a scan of `fileCount` discovered files (1: the main thread alone). */
export function triageJobs(fileCount: number, jobs: number | undefined): number {
  if (fileCount < TRIAGE_WORKER_THRESHOLD || (jobs !== undefined && jobs <= 1)) return 1;
  return Math.max(1, Math.min(jobs ?? os.availableParallelism(), Math.ceil(fileCount / TRIAGE_BATCH_SIZE)));
}

function workerScript(): string | undefined {
  const candidate = path.join(__dirname, 'worker.js');
  return fs.existsSync(candidate) ? candidate : undefined;
}

/**
 * Old-space limit of a worker's JavaScript heap, in MB. A scan allocates node wrappers at a high
 * rate and keeps little: at the end of a large scan about 50 MB of a worker's heap is reachable,
 * yet without a limit V8 let each heap grow to 300-400 MB of garbage before collecting it, and a
 * two-worker scan of the large bench corpus peaked at 800-900 MB. A worker that runs out of
 * memory under the limit is replaced by one without it, which redoes its unanswered batches.
 */
export const WORKER_OLD_SPACE_MB = 160;

/** The limit in effect: `AIREG_WORKER_HEAP_MB` overrides it (a team with huge generated files may raise it). */
function workerOldSpaceMb(): number {
  const v = Number(process.env.AIREG_WORKER_HEAP_MB);
  return Number.isFinite(v) && v > 0 ? v : WORKER_OLD_SPACE_MB;
}

/** A worker thread and the messages it was sent and has not answered yet, oldest first. */
interface Slot {
  worker: Worker;
  inflight: ToWorker[];
}

/** What `WorkerPool.run` is doing: the messages left to send and whom to tell. */
interface Run {
  jobs: readonly ToWorker[];
  /** Per worker, the range of `jobs` it works through: [start, end). */
  ranges: Map<Slot, { next: number; end: number }>;
  open: number;
  onAnswer: (msg: FromWorker) => void;
  settle: (err?: Error) => void;
}

/**
 * The scan's worker threads. Each answers the batches it is sent in order; `run` hands out a list
 * of batches with two in flight per worker (the next one goes out when one is answered), so a
 * worker never waits while the main thread handles an answer.
 */
class WorkerPool {
  private readonly slots: Slot[] = [];
  /** Messages every worker must have seen (replayed to a replacement). */
  private readonly sticky: ToWorker[] = [];
  private current: Run | undefined;
  private stopping = false;

  private constructor(
    private readonly WorkerThread: typeof Worker,
    private readonly script: string,
    private readonly init: WorkerInit,
  ) {}

  static async start(script: string, n: number, init: WorkerInit): Promise<WorkerPool> {
    const { Worker: WorkerThread } = await import('node:worker_threads');
    const pool = new WorkerPool(WorkerThread, script, init);
    for (let i = 0; i < n; i++) pool.slots.push(pool.spawn(true));
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  private spawn(limited: boolean): Slot {
    const worker = new this.WorkerThread(this.script, { workerData: this.init, ...(limited ? { resourceLimits: { maxOldGenerationSizeMb: workerOldSpaceMb() } } : {}) });
    const slot: Slot = { worker, inflight: [] };
    worker.on('message', (msg: FromWorker) => {
      const run = this.current;
      if (msg.type === 'fatal') return run?.settle(new Error(`worker failed: ${msg.message}`));
      slot.inflight.shift();
      if (!run) return;
      run.onAnswer(msg);
      if (--run.open === 0) return run.settle();
      this.send(slot);
    });
    worker.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY' && limited) return this.replace(slot);
      this.current?.settle(err);
    });
    worker.on('exit', (code) => {
      if (this.stopping || slot.worker !== worker || !this.current) return;
      // An exit after an out-of-memory error is handled by `replace`; any other is a failure.
      if (this.slots.includes(slot)) this.current.settle(new Error(`worker exited with code ${code}`));
    });
    return slot;
  }

  /** Replaces a worker that ran out of memory by one without the limit, resending its unanswered messages. */
  private replace(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    const fresh = this.spawn(false);
    this.slots[i] = fresh;
    for (const m of this.sticky) fresh.worker.postMessage(m);
    for (const m of slot.inflight) {
      fresh.inflight.push(m);
      fresh.worker.postMessage(m);
    }
  }

  /**
   * Sends a worker the next message of its own range, or, once that is done, the last message of
   * the range with the most left (taken from its end, so the owner's order is kept).
   */
  private send(slot: Slot): void {
    const run = this.current;
    if (!run) return;
    let range = run.ranges.get(slot);
    let index: number | undefined;
    if (range && range.next < range.end) index = range.next++;
    else {
      for (const r of run.ranges.values()) if (r.end - r.next > (range && range.next < range.end ? range.end - range.next : 0)) range = r;
      if (range && range.next < range.end) index = --range.end;
    }
    if (index === undefined) return;
    const msg = run.jobs[index]!;
    slot.inflight.push(msg);
    slot.worker.postMessage(msg);
  }

  /**
   * Sends every message of `jobs` and resolves once each is answered; a worker's failure rejects.
   * Each worker works through its own contiguous share of the list (files of one folder go to one
   * worker, so the project files they import are read, parsed and modelled by that worker only,
   * not by every worker), and then helps with the largest share left.
   */
  run(jobs: readonly ToWorker[], onAnswer: (msg: FromWorker) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (!jobs.length) return resolve();
      const ranges = new Map<Slot, { next: number; end: number }>();
      this.slots.forEach((slot, k) => ranges.set(slot, { next: Math.floor((k * jobs.length) / this.slots.length), end: Math.floor(((k + 1) * jobs.length) / this.slots.length) }));
      const run: Run = {
        jobs,
        ranges,
        open: jobs.length,
        onAnswer,
        settle: (err) => {
          if (this.current !== run) return;
          this.current = undefined;
          if (err) reject(err);
          else resolve();
        },
      };
      this.current = run;
      for (const slot of this.slots) {
        this.send(slot);
        this.send(slot);
      }
    });
  }

  /** Sends one message to every worker (handled before whatever is sent to it afterwards). */
  broadcast(msg: ToWorker): void {
    this.sticky.push(msg);
    for (const s of this.slots) s.worker.postMessage(msg);
  }

  /** Lets every worker finish and exit. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.slots.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.worker.once('exit', () => resolve());
            s.worker.postMessage({ type: 'stop' } satisfies ToWorker);
          }),
      ),
    );
  }

  terminate(): void {
    this.stopping = true;
    for (const s of this.slots) void s.worker.terminate();
  }

  /** Ends the workers and the run in progress, which rejects with a {@link ScanCancelled}. */
  cancel(): void {
    this.terminate();
    this.current?.settle(new ScanCancelled());
  }
}

/** What a cancelled run rejects with; `analyzeFiles` returns the results it had instead. */
class ScanCancelled extends Error {
  constructor() {
    super('scan cancelled');
  }
}

/**
 * Splits the files to analyse into batches: at most {@link BATCH_SIZE} files and
 * {@link BATCH_CHARS} characters each (a file of unknown size counts as small), so that no batch
 * holds much more work than another. A file larger than that is a batch of its own, and those
 * come first, largest first: whatever a worker is busy with when the others run out of work
 * decides when the scan ends, so the long jobs must not be left for last. The other batches keep
 * the files' order (files of one folder stay together, see `WorkerPool.run`).
 */
export function analysisBatches(files: readonly FileTask[]): FileTask[][] {
  const large: FileTask[] = [];
  const out: FileTask[][] = [];
  let cur: FileTask[] = [];
  let chars = 0;
  for (const f of files) {
    const n = f.chars ?? 0;
    if (n > BATCH_CHARS) {
      large.push(f);
      continue;
    }
    if (cur.length && (cur.length >= BATCH_SIZE || chars + n > BATCH_CHARS)) {
      out.push(cur);
      cur = [];
      chars = 0;
    }
    cur.push(f);
    chars += n;
  }
  if (cur.length) out.push(cur);
  large.sort((a, b) => b.chars! - a.chars!);
  return [...large.map((f) => [f]), ...out];
}

/** Analyses `files` on the pool's workers, in batches (see {@link analysisBatches}); `onResult` sees each result as it arrives. */
async function analyzeOnPool(pool: WorkerPool, files: readonly FileTask[], onResult: (r: FileResult) => void): Promise<void> {
  const batches: ToWorker[] = analysisBatches(files).map((b, id) => ({ type: 'batch', id, files: b }));
  await pool.run(batches, (msg) => {
    if (msg.type !== 'results') return;
    for (const r of msg.results) onResult(r);
  });
}

/**
 * Triages `files` on the pool's workers (each reads and decides its batches from their text, see
 * `triageTasksSync`), then decides the rest on this thread (`finishTriage`), which needs every
 * file's record. The main thread alone spent a quarter of a large scan here while a core idled.
 */
async function triageOnPool(pool: WorkerPool, engine: Engine, files: readonly FileTask[], onDecided: (r: FileResult) => void): Promise<FileTask[]> {
  const jobs: ToWorker[] = [];
  for (let i = 0; i < files.length; i += TRIAGE_BATCH_SIZE) jobs.push({ type: 'triage', id: jobs.length, files: files.slice(i, i + TRIAGE_BATCH_SIZE) });
  const records = new Array<TriageRecord>(files.length);
  await pool.run(jobs, (msg) => {
    if (msg.type !== 'triaged') return;
    for (let k = 0; k < msg.records.length; k++) records[msg.id * TRIAGE_BATCH_SIZE + k] = msg.records[k]!;
  });
  return finishTriage(engine, files, records, onDecided);
}

/**
 * Below this many characters to parse, a scan runs the parser's WebAssembly on V8's baseline
 * compiler (Liftoff) only. The optimising tier compiles the whole grammar again in the background,
 * about 100 ms of CPU that a one-file scan (a pre-commit hook, an editor task) never earns back;
 * baseline code parses about half as fast, so above a few hundred kilobytes the optimised code
 * wins and the default tiering stays.
 */
export const SMALL_SCAN_CHARS = 256 * 1024;

/**
 * Switches this process to baseline-only WebAssembly when the files left to parse are small. The
 * flag is process-wide and read when a module is compiled, so it is set before the first grammar
 * loads (grammars load on the first parse) and only on the main thread's in-process path; the
 * language server never calls this, since it parses for hours.
 */
async function baselineWasmForSmallScans(rest: readonly FileTask[]): Promise<void> {
  if (!isSmallScan(rest)) return;
  // The code cache (src/launch/codeCache.ts) is only good for processes started with the same flags.
  codeCacheHooks()?.beforeV8FlagChange();
  (await import('node:v8')).setFlagsFromString('--liftoff-only');
}

/** True when the files left to parse hold fewer than {@link SMALL_SCAN_CHARS} characters (an unread size counts as large). */
export function isSmallScan(rest: readonly FileTask[]): boolean {
  let chars = 0;
  for (const t of rest) chars += t.chars ?? SMALL_SCAN_CHARS;
  return rest.length > 0 && chars < SMALL_SCAN_CHARS;
}

/** Analyses every file and returns results sorted by file path (findings sorted by position). */
export async function analyzeFiles(files: readonly FileTask[], options: RunOptions): Promise<{ results: FileResult[]; jobs: number }> {
  // Every file is read once and most are decided without a parse (no rule keyword, binary,
  // minified, too large); only the rest is parsed. On a large tree the workers do both steps;
  // otherwise this thread triages and the files to parse decide whether workers start.
  const engine = new Engine(undefined, options.config);
  // Every result, decided by the triage or analysed, is kept as it arrives: a cancelled scan
  // returns what it has.
  const results: FileResult[] = [];
  const emit = (r: FileResult): void => {
    results.push(r);
    options.onResult?.(r);
    options.onProgress?.(results.length, files.length, r.file);
  };
  const { signal, background } = options;
  let jobs = 1;
  let pool: WorkerPool | undefined;
  const cancel = (): void => pool?.cancel();
  signal?.addEventListener('abort', cancel);
  try {
    if (signal?.aborted) throw new ScanCancelled();
    const triageThreads = background ? Math.min(background.maxWorkers, Math.ceil(files.length / TRIAGE_BATCH_SIZE)) : triageJobs(files.length, options.jobs);
    const early = triageThreads > 1 || background ? workerScript() : undefined;
    if (early) pool = await WorkerPool.start(early, Math.max(1, triageThreads), { config: options.config });
    if (signal?.aborted) throw new ScanCancelled();
    const rest = pool ? await triageOnPool(pool, engine, files, emit) : await triageTasks(engine, files, emit);
    if (pool) {
      jobs = Math.max(1, Math.min(pool.size, Math.ceil(rest.length / BATCH_SIZE)));
      const proxyNames = engine.proxyNamesByRoot();
      if (Object.keys(proxyNames).length) pool.broadcast({ type: 'proxies', proxyNames });
      await analyzeOnPool(pool, rest, emit);
    } else {
      jobs = plannedJobs(rest.length, options.jobs);
      const script = jobs > 1 ? workerScript() : undefined;
      if (!script) jobs = 1;
      if (!script && !background) await baselineWasmForSmallScans(rest);
      if (script) {
        pool = await WorkerPool.start(script, jobs, { config: options.config, proxyNames: engine.proxyNamesByRoot() });
        await analyzeOnPool(pool, rest, emit);
      } else await analyzeTasks(engine, rest, emit, signal);
    }
    const p = pool;
    pool = undefined;
    await p?.stop();
  } catch (err) {
    // A cancelled scan returns what it has; the caller asked for the stop.
    if (!(err instanceof ScanCancelled)) throw err;
  } finally {
    signal?.removeEventListener('abort', cancel);
    pool?.terminate();
    await engine.host.dispose();
  }
  results.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  for (const r of results) {
    r.findings.sort((a, b) => a.range.startOffset - b.range.startOffset || a.ruleId.localeCompare(b.ruleId) || a.fingerprint.localeCompare(b.fingerprint));
  }
  return { results, jobs };
}
