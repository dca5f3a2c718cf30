/**
 * Reads and analyses one discovered file. Shared by the main thread and the worker threads so
 * both produce identical results; a file that cannot be read becomes a notice.
 */
import * as path from 'node:path';
import { FileTooLargeError, readTextFile, readTextFileSync } from '../core/readFile';
import { tooLargeNotice } from '../core/discovery';
import type { Engine, FileResult, Notice } from '../core/engine';
import { type LanguageInfo, languageForPath } from '../core/languages';
import { importSpecifiers, linkRelevantFilter } from '../core/rules/prefilter';
import { type ImportedNames, importedNames, relevantExports } from '../core/analysis/importText';
import { codeWithoutProseFromStart } from '../core/rules/flow/lexical';
import { proxyFactoryNames } from '../core/analysis/workspace';

/** A file as the main thread hands it to whoever analyses it. */
export interface FileTask {
  path: string;
  relPath: string;
  /** Project files that import this one (set by `triageTasks` for the files it sends to a parse). */
  importers?: string[];
  /** The file's length in characters, once `triageTasks` has read it and sent it to a parse. */
  chars?: number;
}

/** A file's text, or the error that kept it from being read. */
export type ReadOutcome = { text: string } | { error: Error };

function readTask(task: FileTask, maxBytes: number): Promise<ReadOutcome> {
  // Only regular files are read (a FIFO swapped in after discovery would block), UTF-16 decoded,
  // and only within the size limit (a file that grew after discovery is not read whole).
  return readTextFile(task.path, maxBytes).then(
    (text) => ({ text }),
    (error: unknown) => ({ error: error instanceof Error ? error : new Error(String(error)) }),
  );
}

/** How many reads run ahead of the analysis, so the parser never waits on the disk. */
const READ_AHEAD = 8;

/**
 * Calls `each` for every task in order with its read outcome, while up to {@link READ_AHEAD} of
 * the following files are being read, so the work on one file never waits on the disk.
 */
async function forEachRead(tasks: readonly FileTask[], maxBytes: number, each: (task: FileTask, outcome: ReadOutcome, index: number) => Promise<void> | void, signal?: AbortSignal): Promise<void> {
  const reads: Promise<ReadOutcome>[] = [];
  let nextRead = 0;
  for (let i = 0; i < tasks.length && !signal?.aborted; i++) {
    while (nextRead < tasks.length && nextRead <= i + READ_AHEAD) reads[nextRead] = readTask(tasks[nextRead++]!, maxBytes);
    const outcome = await reads[i]!;
    // Drop the settled promise so a long scan does not keep every file's text alive.
    delete reads[i];
    await each(tasks[i]!, outcome, i);
  }
}

/** Analyses `tasks` in order; `onResult` sees each result as soon as it is ready. Stops at the first file after `signal` aborts. */
export async function analyzeTasks(engine: Engine, tasks: readonly FileTask[], onResult: (r: FileResult, index: number) => void, signal?: AbortSignal): Promise<void> {
  await forEachRead(tasks, engine.config.maxFileBytes, async (task, outcome, i) => onResult(await analyzeRead(engine, task, outcome), i), signal);
}

/**
 * What the triage learned of one file from its text alone. It is plain data, so worker threads
 * can triage files in parallel and send it to the main thread, which decides the rest once
 * every file has been read (`finishTriage`).
 */
export interface TriageRecord {
  /** The file's result when it needs no parse (with `deferred`: unless it imports a linkable file). */
  result?: FileResult;
  /** Turned down by the text prefilters only, with project imports: decided after the pass. */
  deferred?: boolean;
  /** Module specifiers read from its text (deferred files, and parsed files of reverse-indexed families). */
  specs?: string[];
  /** For a file to parse: its length in characters. */
  chars?: number;
  /** A file to parse that the workspace model would link (see `Engine.mayBeLinked`). */
  linkable?: boolean;
  /**
   * For a linkable file, the module-level names an importer can take something that generates
   * from (see `relevantExports`); absent when any name may be.
   */
  exports?: string[];
  /** For a deferred file, what it takes from each specifier (see `importedNames`); absent: everything. */
  imports?: Record<string, ImportedNames>;
  /** Interfaces a Java file hands to a framework's proxy factory (see `Workspace.proxyNames`). */
  proxies?: string[];
}

/** Triages one read file (see `Engine.triage`); pure, so any thread can do it. */
export function triageRead(engine: Engine, task: FileTask, outcome: ReadOutcome): TriageRecord {
  if ('error' in outcome) return { result: readError(task, outcome.error) };
  const root = rootOf(task);
  const t = engine.triage(task.relPath, outcome.text, root !== undefined ? { root } : {});
  if (!t) {
    const rec: TriageRecord = { chars: outcome.text.length };
    if (root === undefined) return rec;
    // Interfaces a file hands to a framework's proxy factory make their callers' calls
    // generation calls wherever those are (AiServices in a configuration class).
    if (task.relPath.endsWith('.java')) {
      const proxies = proxyFactoryNames(outcome.text);
      if (proxies.length) rec.proxies = proxies;
    }
    const language = languageForPath(task.relPath);
    if (engine.mayBeLinked(task.relPath, outcome.text)) {
      rec.linkable = true;
      // The same link filter as `mayBeLinked`, built once for the file's declarations.
      const exported = language ? relevantExports(outcome.text, language, linkRelevantFilter(language, engine.config).test, withoutProse(outcome.text, language)) : undefined;
      if (exported) rec.exports = exported;
    }
    if (language && REVERSE_INDEXED_FAMILIES.has(language.family)) {
      const specs = importSpecifiers(outcome.text, language);
      if (specs.length) rec.specs = specs;
    }
    return rec;
  }
  const language = t.why === 'prefilter' ? languageForPath(task.relPath) : undefined;
  const specs = language ? importSpecifiers(outcome.text, language) : [];
  if (!language || !specs.length) return { result: t.result };
  const names = importedNames(outcome.text, language);
  return { result: t.result, deferred: true, specs, ...(names ? { imports: Object.fromEntries(names) } : {}) };
}

/** Triages files read synchronously (a worker thread has nothing else to do while it reads). */
export function triageTasksSync(engine: Engine, tasks: readonly FileTask[]): TriageRecord[] {
  return tasks.map((task) => {
    let outcome: ReadOutcome;
    try {
      outcome = { text: readTextFileSync(task.path, engine.config.maxFileBytes) };
    } catch (error) {
      outcome = { error: error instanceof Error ? error : new Error(String(error)) };
    }
    return triageRead(engine, task, outcome);
  });
}

/**
 * Reads every task and decides those that need no parse (see `Engine.triage`): their results go
 * to `onDecided`; the others are returned, in order, for a full analysis. The reads are
 * synchronous, as on a worker: the thread has nothing else to do meanwhile, and a read from the
 * page cache costs less than the four round trips of an asynchronous one (open, stat, read, close),
 * which took a sixth of a one-thread scan's triage.
 */
export async function triageTasks(engine: Engine, tasks: readonly FileTask[], onDecided: (r: FileResult) => void): Promise<FileTask[]> {
  return finishTriage(engine, tasks, triageTasksSync(engine, tasks), onDecided);
}

/**
 * Decides, from every file's triage record, which files are parsed: those the prefilters accept,
 * and those they turned down that import a file the workspace model would link. Results of the
 * others go to `onDecided`. Also records the reverse-import index on the returned tasks and the
 * proxy interfaces on the engine's workspaces.
 */
export function finishTriage(engine: Engine, tasks: readonly FileTask[], records: readonly TriageRecord[], onDecided: (r: FileResult) => void): FileTask[] {
  const rest: FileTask[] = [];
  // Files that will be parsed (for the reverse-import index), and among them those the workspace
  // model would link (only these make an importing file worth a parse).
  const parsed = new Set<string>();
  const linkable = new Set<string>();
  // What a linkable JS or Python file defines that can generate, by name (absent: any name).
  const linkableExports = new Map<string, ReadonlySet<string>>();
  // Files the text prefilters turned down but that import project modules: decided after the
  // pass, once it is known which files were accepted (only their specifiers are kept).
  const deferred: { task: FileTask; result: FileResult; family: LanguageInfo['family']; specs: string[]; imports?: Record<string, ImportedNames> }[] = [];
  // The imports of the parsed files too, for the reverse-import index (which files import a
  // file that is parsed): only families whose module specifiers map to project files.
  const parsedSpecs: { task: FileTask; family: LanguageInfo['family']; specs: string[] }[] = [];
  for (let i = 0; i < tasks.length; i++) {
    const task = tasks[i]!;
    const rec = records[i]!;
    if (rec.result) {
      const language = rec.deferred ? languageForPath(task.relPath) : undefined;
      if (language && rec.specs?.length) deferred.push({ task, result: rec.result, family: language.family, specs: rec.specs, ...(rec.imports ? { imports: rec.imports } : {}) });
      else onDecided(rec.result);
      continue;
    }
    task.chars = rec.chars;
    rest.push(task);
    parsed.add(task.relPath);
    const root = rootOf(task);
    if (root === undefined) continue;
    if (rec.proxies) for (const n of rec.proxies) engine.workspace(root).proxyNames.add(n);
    if (rec.linkable) linkable.add(task.relPath);
    if (rec.exports) linkableExports.set(task.relPath, new Set(rec.exports));
    const language = rec.specs?.length ? languageForPath(task.relPath) : undefined;
    if (language) parsedSpecs.push({ task, family: language.family, specs: rec.specs! });
  }
  // A file that imports a linkable file gets its parse: with the workspace model, a constant,
  // client or wrapper defined there can make its calls generation calls. One level, like the
  // workspace model's own links. Most specifiers are ruled out by name before any file lookup.
  const stems = new Set<string>();
  // Go imports a package folder: the folders of linkable Go files, and their names as stems.
  const linkableDirs = new Set<string>();
  for (const rel of parsed) {
    const base = path.posix.basename(rel).replace(/\.[^.]*$/, '');
    stems.add(base === 'index' || base === '__init__' ? path.posix.basename(path.posix.dirname(rel)) : base);
  }
  for (const rel of linkable) {
    if (!rel.endsWith('.go')) continue;
    linkableDirs.add(path.posix.dirname(rel));
    stems.add(path.posix.basename(path.posix.dirname(rel)));
  }
  // Reverse-import index: for each parsed file, the parsed files that import it.
  const importers = new Map<string, string[]>();
  const edge = (from: string, to: string): void => {
    const list = importers.get(to);
    if (!list) importers.set(to, [from]);
    else if (list.length < MAX_IMPORTERS && !list.includes(from)) list.push(from);
  };
  /** The project files `d` imports (by its specifiers), resolved when their stem is a known one. */
  const targetsOf = (d: { task: FileTask; family: LanguageInfo['family']; specs: string[] }): { spec: string; target: string }[] => {
    const root = rootOf(d.task);
    const ws = root !== undefined && stems.size ? engine.workspace(root) : undefined;
    if (!ws) return [];
    const out: { spec: string; target: string }[] = [];
    for (const spec of d.specs) {
      if (!stems.has(specStem(spec))) continue;
      const target = ws.resolveModule(d.family, d.task.relPath, spec);
      if (target !== undefined && target !== d.task.relPath) out.push({ spec, target });
    }
    return out;
  };
  for (const d of parsedSpecs) for (const { target } of targetsOf(d)) if (parsed.has(target)) edge(d.task.relPath, target);
  // Go packages that declare an interface a generating package implements (see GoIndex): their
  // importers may call a provider through it. Their names join the stems once per root.
  const goReaching = new Map<string, ReadonlySet<string>>();
  for (const d of deferred) {
    const root = rootOf(d.task);
    const proxies = root !== undefined ? engine.workspace(root).proxyNames : undefined;
    if (proxies) for (const n of proxies) stems.add(n);
    let reaching: ReadonlySet<string> | undefined;
    if (d.family === 'go' && root !== undefined) {
      reaching = goReaching.get(root);
      if (!reaching) {
        reaching = engine.workspace(root).goIndex().reachingDirs();
        goReaching.set(root, reaching);
        for (const dir of reaching) stems.add(path.posix.basename(dir));
      }
    }
    const targets = targetsOf(d);
    const imports = targets.some(({ spec, target }) => (linkable.has(target) && takesRelevant(d.imports?.[spec], linkableExports.get(target))) || linkableDirs.has(target) || !!proxies?.has(specStem(spec)) || !!reaching?.has(target === '.' ? '' : target));
    if (imports) rest.push(d.task);
    else onDecided(d.result);
    // A file left unparsed is still an importer: a platform's channel class that derives from a
    // parsed base channel (`class TelegramChannel(ChatChannel)`) holds the `send` the base class's
    // generated reply goes to, and names only its platform's SDK. The flow parses it only if it
    // follows content there.
    if (REVERSE_INDEXED_FAMILIES.has(d.family)) for (const { target } of targets) if (parsed.has(target)) edge(d.task.relPath, target);
  }
  return importers.size ? rest.map((t) => (importers.has(t.relPath) ? { ...t, importers: importers.get(t.relPath)! } : t)) : rest;
}

/**
 * Whether a file that takes `names` from a linkable module takes something that can generate:
 * only then can the workspace model make its calls generation calls. A file that imports a type,
 * a helper or a constant that names no provider from a module that also defines a client gets
 * no parse for it (in the large bench corpus, such files were a third of the scan's parsing).
 */
function takesRelevant(names: ImportedNames | undefined, exported: ReadonlySet<string> | undefined): boolean {
  if (names === undefined || names === '*' || !exported) return true;
  return names.some((n) => exported.has(n));
}

/**
 * The text with comments and Python docstrings blanked (same length): what a declaration's
 * relevance is read from (see `relevantExports`). String literals stay, since endpoints are in
 * them.
 */
function withoutProse(text: string, language: LanguageInfo): string {
  const code = codeWithoutProseFromStart(text, language.family, { keepStrings: true });
  if (language.family !== 'python') return code;
  return code.replace(/^([ \t]*)[rRuU]?("""|''')[\s\S]*?\2/gm, (m, indent: string) => indent + m.slice(indent.length).replace(/[^\n]/g, ' '));
}

/** Families whose reverse imports the flow follows (their specifiers map to project files). */
const REVERSE_INDEXED_FAMILIES: ReadonlySet<LanguageInfo['family']> = new Set(['js', 'python']);
/** Importers recorded per file at most (the flow follows a returned value into each). */
const MAX_IMPORTERS = 16;

/** The last name of a module specifier: `./lib/sse` → `sse`, `app.core.clients` → `clients`. */
function specStem(spec: string): string {
  if (spec.includes('/')) return path.posix.basename(spec).replace(/\.[cm]?[jt]sx?$/, '');
  return spec.split('.').filter(Boolean).pop() ?? '';
}

/** The workspace root a task's relative path is relative to (the scanned root). */
function rootOf(task: FileTask): string | undefined {
  const native = task.relPath.split('/').join(path.sep);
  return task.path.endsWith(native) ? task.path.slice(0, task.path.length - native.length) : undefined;
}

function readError(task: FileTask, error: Error): FileResult {
  // The same notice as a file discovery finds too large.
  const notice: Notice = error instanceof FileTooLargeError ? tooLargeNotice(task.relPath, error.size, error.limit) : { file: task.relPath, kind: 'read-error', message: `cannot read: ${error.message}` };
  return { file: task.relPath, findings: [], notices: [notice], parseMs: 0, analyzeMs: 0 };
}

export async function analyzeFile(engine: Engine, task: FileTask): Promise<FileResult> {
  return analyzeRead(engine, task, await readTask(task, engine.config.maxFileBytes));
}

async function analyzeRead(engine: Engine, task: FileTask, outcome: ReadOutcome): Promise<FileResult> {
  if ('error' in outcome) return readError(task, outcome.error);
  const text = outcome.text;
  try {
    // The root lets rules read the project files this one imports (the workspace model).
    const root = rootOf(task);
    const { tree: _tree, ...result } = await engine.analyze(task.relPath, text, { ...(root ? { root } : {}), ...(task.importers ? { importers: task.importers } : {}), triaged: true });
    return result;
  } catch (err) {
    // The engine promises not to throw; if it does anyway, the scan goes on without this file.
    return { file: task.relPath, findings: [], notices: [{ file: task.relPath, kind: 'grammar-failed', message: `analysis failed: ${(err as Error).message}` }], parseMs: 0, analyzeMs: 0 };
  }
}
