/**
 * A scan worker thread: runs its own Engine (its own tree-sitter runtime and grammars) over the
 * batches of files the main thread sends (to triage, then to analyse), and answers each batch.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Engine } from '../core/engine';
import type { FileResult } from '../core/engine';
import { analyzeTasks, triageTasksSync } from './analyzeFile';
import type { FromWorker, ToWorker, WorkerInit } from './protocol';

const port = parentPort;
if (!port) throw new Error('aireg: worker.js must run as a worker thread');

const init = workerData as WorkerInit;
const engine = new Engine(undefined, init.config);
const addProxies = (byRoot: Record<string, string[]>): void => {
  for (const [root, names] of Object.entries(byRoot)) for (const n of names) engine.workspace(root).proxyNames.add(n);
};
addProxies(init.proxyNames ?? {});
const post = (m: FromWorker): void => port.postMessage(m);

// Batches are handled one after another: the engine's parsers are not meant for interleaving.
let queue: Promise<void> = Promise.resolve();

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'stop') {
    queue = queue.then(() => engine.host.dispose()).finally(() => port.close());
    return;
  }
  queue = queue.then(async () => {
    try {
      if (msg.type === 'proxies') addProxies(msg.proxyNames);
      else if (msg.type === 'triage') post({ type: 'triaged', id: msg.id, records: triageTasksSync(engine, msg.files) });
      else {
        const results: FileResult[] = [];
        await analyzeTasks(engine, msg.files, (r) => results.push(r));
        post({ type: 'results', id: msg.id, results });
      }
    } catch (err) {
      post({ type: 'fatal', message: err instanceof Error ? err.message : String(err) });
    }
  });
});
