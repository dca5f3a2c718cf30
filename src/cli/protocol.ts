/**
 * Messages between the CLI's main thread and its worker threads (dist/worker.js). The main
 * thread hands out batches of files, first to triage (read and decide from the text, in
 * parallel), then to analyse; each worker runs its own Engine and answers each batch with its
 * results, then asks for more by virtue of answering.
 */
import type { AiregConfig } from '../core/config';
import type { FileResult } from '../core/engine';
import type { FileTask, TriageRecord } from './analyzeFile';

/** `workerData` of every worker: the resolved configuration. */
export interface WorkerInit {
  config: AiregConfig;
  /** Per workspace root, the interfaces handed to a proxy factory (collected by the triage pass). */
  proxyNames?: Record<string, string[]>;
}

/** Main → worker. */
export type ToWorker =
  | { type: 'triage'; id: number; files: FileTask[] }
  | { type: 'proxies'; proxyNames: Record<string, string[]> }
  | { type: 'batch'; id: number; files: FileTask[] }
  | { type: 'stop' };

/** Worker → main. */
export type FromWorker =
  | { type: 'triaged'; id: number; records: TriageRecord[] }
  | { type: 'results'; id: number; results: FileResult[] }
  | { type: 'fatal'; message: string };
