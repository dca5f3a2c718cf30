/**
 * Following generated content into the project's other files: a value passed to a function
 * imported from a sibling module (`from .media import save_clip`, `import { saveImage } from
 * './files'`) leaves wherever that function sends it. The imported file is read through the
 * workspace model the engine hands to rules when it knows the workspace root (the CLI scan),
 * and its function's parameter flow is computed once per (file, function, parameter) and reused
 * by every caller in the scan: a Pysa-style summary, built lazily.
 *
 * The workspace is described structurally here (what this module needs of it), so the rule works
 * with any workspace model that can map an import to a project file and load that file's tree.
 */
import type { Tree } from 'web-tree-sitter';
import type { Family } from './ast';

/** What the flow needs of the engine's workspace model. */
export interface FlowWorkspace {
  /** The workspace-relative file an import specifier names, if it is a project file. */
  resolveModule(family: Family, fromRel: string, spec: string): string | undefined;
  /** The parsed file (once per scan). */
  load(rel: string): Promise<{ tree: Tree; model: { text: string; imports: ReadonlyMap<string, { module: string; member: string | undefined; raw?: string }> } } | undefined>;
  /** The project files that import `rel`, when the scan computed them (the reverse-import index). */
  importersOf?(rel: string): readonly string[];
  /** The modules of a Python plugin package (see `Workspace.pluginFiles`). */
  pluginFiles?(fromRel: string, pkg: string, suffix: string): string[];
  /** A workspace file's text (read once while cached), without a parse. */
  text?(rel: string): Promise<string | undefined>;
  /** Moves when a file of the workspace changed (the language server tells it). */
  version?: number;
}

/** A place in another file where a parameter's value leaves without its labels. */
export interface ForeignExit {
  file: string;
  /** Zero-based line and character range of the exit in that file. */
  range: { start: { line: number; character: number }; end: { line: number; character: number }; startOffset: number; endOffset: number };
  label: string;
  kind: string;
  missing: 'explicit' | 'implicit' | 'both';
  /** For a returned value followed into an importer: the call there that received it. */
  via?: { range: ForeignExit['range'] };
}

const summaries = new WeakMap<object, { version: number | undefined; map: Map<string, Promise<ForeignExit[]>> }>();

/**
 * Memoised per workspace: the exits a parameter of a function in `rel` reaches unlabeled. A
 * workspace whose files changed (its `version` moved) starts the memo over.
 */
export function foreignSummary(ws: FlowWorkspace, key: string, compute: () => Promise<ForeignExit[]>): Promise<ForeignExit[]> {
  let entry = summaries.get(ws);
  if (!entry || entry.version !== ws.version) {
    entry = { version: ws.version, map: new Map() };
    summaries.set(ws, entry);
  }
  const m = entry.map;
  let p = m.get(key);
  if (!p) {
    p = compute().catch(() => []);
    m.set(key, p);
  }
  return p;
}

/** The workspace of a rule context, when the engine provided one. */
export function workspaceOf(ctx: object): FlowWorkspace | undefined {
  const ws = (ctx as { workspace?: unknown }).workspace;
  if (ws && typeof (ws as FlowWorkspace).resolveModule === 'function' && typeof (ws as FlowWorkspace).load === 'function') return ws as FlowWorkspace;
  return undefined;
}

const memos = new WeakMap<object, { version: number | undefined; map: Map<string, Promise<unknown>> }>();

/**
 * Memoised per workspace like `foreignSummary`, for any fact about another file (the Gradio
 * events an importer registers, a file's generation calls): computed once per scan and key.
 */
export function workspaceMemo<T>(ws: FlowWorkspace, key: string, fallback: T, compute: () => Promise<T>): Promise<T> {
  let entry = memos.get(ws);
  if (!entry || entry.version !== ws.version) {
    entry = { version: ws.version, map: new Map() };
    memos.set(ws, entry);
  }
  let p = entry.map.get(key) as Promise<T> | undefined;
  if (!p) {
    p = compute().catch(() => fallback);
    entry.map.set(key, p);
  }
  return p;
}
