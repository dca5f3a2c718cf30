/**
 * Reads and analyses one discovered file. Shared by the main thread and the worker threads so
 * both produce identical results; a file that cannot be read becomes a notice.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Engine, FileResult } from '../core/engine';

/** A file as the main thread hands it to whoever analyses it. */
export interface FileTask {
  path: string;
  relPath: string;
}

export async function analyzeFile(engine: Engine, task: FileTask): Promise<FileResult> {
  let text: string;
  try {
    text = await fs.promises.readFile(task.path, 'utf8');
  } catch (err) {
    return { file: task.relPath, findings: [], notices: [{ file: task.relPath, kind: 'read-error', message: `cannot read: ${(err as Error).message}` }], parseMs: 0, analyzeMs: 0 };
  }
  try {
    // The root lets rules read the project files this one imports (the workspace model).
    const native = task.relPath.split('/').join(path.sep);
    const root = task.path.endsWith(native) ? task.path.slice(0, task.path.length - native.length) : undefined;
    const { tree: _tree, ...result } = await engine.analyze(task.relPath, text, root ? { root } : {});
    return result;
  } catch (err) {
    // The engine promises not to throw; if it does anyway, the scan goes on without this file.
    return { file: task.relPath, findings: [], notices: [{ file: task.relPath, kind: 'grammar-failed', message: `analysis failed: ${(err as Error).message}` }], parseMs: 0, analyzeMs: 0 };
  }
}
