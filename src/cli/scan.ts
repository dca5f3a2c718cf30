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
import { type FileTask, analyzeTasks, triageTasks } from './analyzeFile';
import type { FromWorker, ToWorker, WorkerInit } from './protocol';

/**
 * Below this many files to parse, starting workers costs more than it saves (each loads its
 * grammars and compiles its queries). Files the main thread triages without a parse don't count.
 */
export const WORKER_THRESHOLD = 200;
const BATCH_SIZE = 16;

export interface RunOptions {
  config: AiregConfig;
  /** Explicit `--jobs`; undefined means "decide by the size of the tree". */
  jobs?: number;
  onProgress?: (done: number, total: number, file: string) => void;
}

/** How many threads a scan of `fileCount` files uses. */
export function plannedJobs(fileCount: number, jobs: number | undefined): number {
  if (jobs !== undefined) return Math.max(1, Math.min(jobs, fileCount || 1));
  if (fileCount < WORKER_THRESHOLD) return 1;
  return Math.max(1, Math.min(os.availableParallelism(), Math.ceil(fileCount / BATCH_SIZE)));
}

function workerScript(): string | undefined {
  const candidate = path.join(__dirname, 'worker.js');
  return fs.existsSync(candidate) ? candidate : undefined;
}

async function analyzeInProcess(engine: Engine, files: readonly FileTask[], progress: (r: FileResult) => void): Promise<FileResult[]> {
  const results: FileResult[] = [];
  await analyzeTasks(engine, files, (r) => {
    results.push(r);
    progress(r);
  });
  return results;
}

async function analyzeWithWorkers(files: readonly FileTask[], jobs: number, script: string, options: RunOptions, progress: (r: FileResult) => void, proxyNames: Record<string, string[]>): Promise<FileResult[]> {
  const batches: FileTask[][] = [];
  for (let i = 0; i < files.length; i += BATCH_SIZE) batches.push(files.slice(i, i + BATCH_SIZE));
  const results: FileResult[] = [];
  let next = 0;
  const init: WorkerInit = { config: options.config, proxyNames };
  const { Worker } = await import('node:worker_threads');

  const runWorker = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(script, { workerData: init });
      let settled = false;
      const finish = (err?: Error): void => {
        if (settled) return;
        settled = true;
        if (err) {
          void worker.terminate();
          reject(err);
        } else resolve();
      };
      const send = (): void => {
        if (next >= batches.length) {
          worker.postMessage({ type: 'stop' } satisfies ToWorker);
          return;
        }
        const id = next++;
        worker.postMessage({ type: 'batch', id, files: batches[id]! } satisfies ToWorker);
      };
      worker.on('message', (msg: FromWorker) => {
        if (msg.type === 'fatal') return finish(new Error(`worker failed: ${msg.message}`));
        for (const r of msg.results) {
          results.push(r);
          progress(r);
        }
        send();
      });
      worker.on('error', (err) => finish(err));
      worker.on('exit', (code) => finish(code === 0 || next >= batches.length ? undefined : new Error(`worker exited with code ${code}`)));
      // Two batches in flight keep a worker busy while the main thread handles the last answer.
      send();
      send();
    });

  await Promise.all(Array.from({ length: jobs }, runWorker));
  return results;
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
  if (isSmallScan(rest)) (await import('node:v8')).setFlagsFromString('--liftoff-only');
}

/** True when the files left to parse hold fewer than {@link SMALL_SCAN_CHARS} characters (an unread size counts as large). */
export function isSmallScan(rest: readonly FileTask[]): boolean {
  let chars = 0;
  for (const t of rest) chars += t.chars ?? SMALL_SCAN_CHARS;
  return rest.length > 0 && chars < SMALL_SCAN_CHARS;
}

/** Analyses every file and returns results sorted by file path (findings sorted by position). */
export async function analyzeFiles(files: readonly FileTask[], options: RunOptions): Promise<{ results: FileResult[]; jobs: number }> {
  let done = 0;
  const progress = (r: FileResult): void => options.onProgress?.(++done, files.length, r.file);
  // The main thread reads every file once and decides most of them without a parse (no rule
  // keyword, binary, minified, too large); only the rest is parsed, here or on workers.
  const engine = new Engine(undefined, options.config);
  const results: FileResult[] = [];
  let jobs = 1;
  try {
    const rest = await triageTasks(engine, files, (r) => {
      results.push(r);
      progress(r);
    });
    jobs = plannedJobs(rest.length, options.jobs);
    const script = jobs > 1 ? workerScript() : undefined;
    if (!script) jobs = 1;
    if (!script) await baselineWasmForSmallScans(rest);
    results.push(...(script ? await analyzeWithWorkers(rest, jobs, script, options, progress, engine.proxyNamesByRoot()) : await analyzeInProcess(engine, rest, progress)));
  } finally {
    await engine.host.dispose();
  }
  results.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  for (const r of results) {
    r.findings.sort((a, b) => a.range.startOffset - b.range.startOffset || a.ruleId.localeCompare(b.ruleId) || a.fingerprint.localeCompare(b.fingerprint));
  }
  return { results, jobs };
}
