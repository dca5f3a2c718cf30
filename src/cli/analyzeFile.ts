/**
 * Reads and analyses one discovered file. Shared by the main thread and the worker threads so
 * both produce identical results; a file that cannot be read becomes a notice.
 */
import { readTextFile } from '../core/readFile';
import type { Engine, FileResult } from '../core/engine';

/** A file as the main thread hands it to whoever analyses it. */
export interface FileTask {
  path: string;
  relPath: string;
}

export async function analyzeFile(engine: Engine, task: FileTask): Promise<FileResult> {
  let text: string;
  try {
    // Only regular files are read (a FIFO swapped in after discovery would block), UTF-16 decoded.
    text = await readTextFile(task.path);
  } catch (err) {
    return { file: task.relPath, findings: [], notices: [{ file: task.relPath, kind: 'read-error', message: `cannot read: ${(err as Error).message}` }], parseMs: 0, analyzeMs: 0 };
  }
  try {
    const { tree: _tree, ...result } = await engine.analyze(task.relPath, text);
    return result;
  } catch (err) {
    // The engine promises not to throw; if it does anyway, the scan goes on without this file.
    return { file: task.relPath, findings: [], notices: [{ file: task.relPath, kind: 'grammar-failed', message: `analysis failed: ${(err as Error).message}` }], parseMs: 0, analyzeMs: 0 };
  }
}
