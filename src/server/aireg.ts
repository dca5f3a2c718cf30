/**
 * The aireg language server: open documents are analysed as the user types (debounced, with an
 * incremental reparse from the previous tree), on open and on save; a workspace scan fills the
 * Problems panel for every file; hovers, quick fixes and the custom requests of
 * src/shared/protocol.ts serve the client. One TreeSitterHost is shared by every folder's Engine.
 *
 * Results are never stale: each analysis remembers the document version it read, and a result
 * whose document has moved on is dropped (the pending edit schedules the next run).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CancellationToken,
  type CodeAction,
  type CodeActionParams,
  type Connection,
  DidChangeConfigurationNotification,
  type Diagnostic,
  DiagnosticSeverity,
  type DidChangeTextDocumentParams,
  type Hover,
  type HoverParams,
  type InitializeParams,
  type InitializeResult,
  MessageType,
  ShowMessageNotification,
  TextDocumentSyncKind,
  WorkDoneProgress,
  type WorkDoneProgressBegin,
  type WorkDoneProgressEnd,
  type WorkDoneProgressReport,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Edit, Tree } from 'web-tree-sitter';
import { defaultConfig } from '../core/config';
import { CONFIG_FILE_NAME, loadConfig, type LoadedConfig } from '../core/configLoader';
import { discoverFiles } from '../core/discovery';
import { readTextFile, readTextFileSync } from '../core/readFile';
import { Engine, type FileResult, type Notice } from '../core/engine';
import { analyzeFiles as analyzeOnWorkers } from '../cli/scan';
import type { FileTask } from '../cli/analyzeFile';
import { articleLabel, disclaimer, getInstrument, getObligation, obligationArticleUrl, obligationDocUrl, searchObligations, allObligations, type Obligation } from '../core/kb';
import { type LanguageInfo, languageForEditorId, languageForPath } from '../core/languages';
import { TreeSitterHost } from '../core/parser';
import type { Finding } from '../core/types';
import {
  AllFindingsRequest,
  CODE_ACTION_KINDS,
  type FindingSummary,
  FindingsByObligationRequest,
  GetObligationRequest,
  type GetObligationResult,
  type InitializationOptions,
  type ObligationSummary,
  ScanWorkspaceRequest,
  type ScanWorkspaceParams,
  type ScanWorkspaceResult,
  SearchObligationsRequest,
  type ServerState,
  StatusNotification,
  type StatusParams,
} from '../shared/protocol';
import { type AiregSettings, DEFAULT_SETTINGS, normalizeSettings } from '../shared/settings';
import { type ActionContext, actionsFor, kindAllowed } from './codeActions';
import { fixScopeAt } from './fixScope';
import { mergeConfig } from './config';
import { isDiagnosticData, SOURCE, toDiagnostic, toSummary } from './convert';
import { findLabelTarget, type LabelTarget } from './labelTarget';
import { isWellFormedChange, treeEditFor, type RangeChange } from './edits';
import { hoverFor } from './hover';
import { IdleYoungCollector } from './idleGc';
import { configureLocale, displayLang, pick, t } from './locale';
import { TreeCache } from './treeCache';

/** Rules whose quick fixes edit code (they need the parse tree and the names in scope). */
const FIXABLE_RULES = new Set(['aigc-missing-label', 'rec-no-opt-out', 'biometric-no-consent']);

/**
 * Pause before an idle document is analysed after an edit. The JSON-RPC layer dispatches the
 * notifications of one write a turn of the event loop apart, microseconds in all; `schedule`
 * waits for the queued ones whatever the pause, so the pause is the shortest timer Node has:
 * every millisecond more is one a keystroke waits for. Notifications that arrive later, while
 * the analysis runs, coalesce into one rerun.
 */
export const DEBOUNCE_MS = 1;

/** One workspace folder with its configuration and engine. */
interface Folder {
  /** Folder URI as the client sent it; '' for the fallback of files outside every folder. */
  uri: string;
  /** File-system path, or undefined for the fallback. */
  root?: string;
  loaded: LoadedConfig;
  settings: AiregSettings;
  engine: Engine;
  ignoredInRestrictedMode: string[];
  /** Whether `.aireg.json` or the settings declare roles (else the hover says "default roles"). */
  rolesDeclared: boolean;
}

/** True when the user chose roles: in the settings, or a `roles` key in `.aireg.json`. */
function declaresRoles(loaded: LoadedConfig, settings: AiregSettings): boolean {
  if (settings.roles.length) return true;
  if (!loaded.path) return false;
  try {
    return /"roles"\s*:/.test(readTextFileSync(loaded.path, 4 * 1024 * 1024));
  } catch {
    return false;
  }
}

/** An open document and its analysis state. */
interface DocState {
  doc: TextDocument;
  languageId: string;
  timer?: NodeJS.Timeout;
  /** Counts the schedules: a pending run that sees a later count was superseded. */
  turn?: number;
  running: boolean;
  /** Set when a run was requested while one was in flight. */
  rerun: boolean;
  /**
   * Edits that arrived while an analysis held the tree; they are applied to the tree it
   * returns. Null when the tree cannot be reused (a full-text change arrived).
   */
  pendingEdits: Edit[] | null;
}

/** The latest result for one document, open or scanned. */
interface Result {
  findings: Finding[];
  folder: Folder;
  version?: number;
}

function fsPathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/**
 * One spelling per file: VS Code percent-encodes more characters than Node (`=` as `%3D`), so
 * the same file could arrive from the editor and from a workspace scan as two URIs. Every URI is
 * keyed (and published) in Node's spelling; the editor maps both to the same resource.
 */
export function canonicalUri(uri: string): string {
  const p = fsPathOf(uri);
  return p ? pathToFileURL(p).href : uri;
}

function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

const toPosix = (p: string): string => p.split(path.sep).join('/');

/** Lets pending I/O (cancellations, edits) run between files of a long scan. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * From this many files from disk on, the server analyses them on worker threads (see
 * {@link AiregServer.analyzeFiles}); fewer cost less in this thread than a worker's start-up
 * (about 100 ms to load its grammars).
 */
export const BACKGROUND_MIN_FILES = 50;

/** Worker threads for a background scan: every core but one, which stays the editor's. */
function backgroundWorkers(): number {
  return Math.max(1, os.availableParallelism() - 1);
}

export class AiregServer {
  private readonly host = new TreeSitterHost();
  private readonly trees = new TreeCache(32);
  /** Collects the young generation between keystrokes (see idleGc.ts). */
  private readonly idleCollector = new IdleYoungCollector();
  /** Grammar failures already reported to the user (one warning per language). */
  private readonly grammarWarnings = new Set<string>();
  private readonly docs = new Map<string, DocState>();
  private readonly results = new Map<string, Result>();
  private folders: Folder[] = [];
  private fallback!: Folder;
  private trusted = true;
  private canPullConfig = false;
  private canRegisterConfigChange = false;
  private state: ServerState = 'starting';
  private stateMessage: string | undefined;
  private workspaceScanned = false;
  private scanning = false;
  private statusTimer: NodeJS.Timeout | undefined;
  /** Resolves once the first settings pull finished; analyses wait for it so they use the user's settings. */
  private readonly configReady: Promise<void>;
  private markConfigReady!: () => void;
  /** URIs of config files whose errors were published, so fixed files get cleared. */
  private readonly configDiagnosticUris = new Set<string>();

  constructor(private readonly connection: Connection) {
    this.configReady = new Promise((resolve) => (this.markConfigReady = resolve));
  }

  /** Registers every handler and starts listening. */
  listen(): void {
    const c = this.connection;
    c.onInitialize((p) => this.initialize(p));
    c.onInitialized(() => void this.initialized());
    c.onDidOpenTextDocument((p) => this.didOpen(canonicalUri(p.textDocument.uri), p.textDocument.languageId, p.textDocument.version, p.textDocument.text));
    c.onDidChangeTextDocument((p) => this.didChange(p));
    c.onDidSaveTextDocument((p) => this.didSave(canonicalUri(p.textDocument.uri)));
    c.onDidCloseTextDocument((p) => void this.didClose(canonicalUri(p.textDocument.uri)));
    c.onDidChangeConfiguration(() => void this.reloadAll());
    c.onDidChangeWatchedFiles((p) => {
      for (const ch of p.changes) this.fileChanged(canonicalUri(ch.uri));
      if (p.changes.some((ch) => ch.uri.endsWith('/' + CONFIG_FILE_NAME))) void this.reloadAll();
    });
    c.onHover((p) => this.hover(p));
    c.onCodeAction((p) => this.codeActions(p));
    c.onRequest(SearchObligationsRequest, (p) => this.search(p.query, p.limit));
    c.onRequest(GetObligationRequest, (p) => this.getObligation(p.id));
    c.onRequest(FindingsByObligationRequest, (p) => this.summaries().filter((f) => f.obligations.includes(p.id)));
    c.onRequest(AllFindingsRequest, () => ({ findings: this.summaries(), workspaceScanned: this.workspaceScanned, files: this.results.size }));
    c.onRequest(ScanWorkspaceRequest, (p, token) => this.scanWorkspace(p, token));
    c.onShutdown(() => this.dispose());
    c.listen();
  }

  private initialize(params: InitializeParams): InitializeResult {
    const opts = (params.initializationOptions ?? {}) as Partial<InitializationOptions>;
    configureLocale(opts);
    this.trusted = opts.trusted !== false;
    this.canPullConfig = !!params.capabilities.workspace?.configuration;
    this.canRegisterConfigChange = !!params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration;
    const folderUris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    this.folders = folderUris.map((uri) => this.makeFolder(uri, fsPathOf(uri)));
    this.fallback = this.makeFolder('', undefined);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: Object.values(CODE_ACTION_KINDS), resolveProvider: false },
      },
      serverInfo: { name: 'aireg', version: '0.1.0' },
    };
  }

  private async initialized(): Promise<void> {
    if (this.canRegisterConfigChange) {
      void this.connection.client.register(DidChangeConfigurationNotification.type, { section: 'aireg' }).catch(() => undefined);
    }
    try {
      await this.reloadAll(false);
    } finally {
      this.markConfigReady();
    }
    void this.autoScan().catch((err: unknown) => this.connection.console.warn(`aireg: the start-up scan failed: ${String(err)}`));
  }

  /**
   * Scans a small workspace on start (at most `aireg.autoScanMaxFiles` analysable files), so the
   * Problems panel, the Findings view and the status bar cover the workspace, not just the open
   * files. Counting stops at the limit, so a large workspace costs only that much discovery.
   */
  private async autoScan(): Promise<void> {
    const limit = this.folders[0]?.settings.autoScanMaxFiles ?? 0;
    if (limit <= 0 || this.scanning || this.workspaceScanned) return;
    let count = 0;
    for (const folder of this.folders) {
      if (!folder.root || !folder.settings.enable) continue;
      const abort = new AbortController();
      for await (const f of discoverFiles([folder.root], folder.engine.config, { baseDir: folder.root, signal: abort.signal })) {
        void f;
        if (++count > limit) {
          abort.abort();
          break;
        }
      }
      if (count > limit) return;
    }
    if (count === 0 || this.workspaceScanned || this.scanning) return;
    await this.scanWorkspace({}, CancellationToken.None);
  }

  private makeFolder(uri: string, root: string | undefined): Folder {
    const loaded: LoadedConfig = root ? loadConfig(root) : { config: defaultConfig(), errors: [] };
    const merged = mergeConfig(loaded.config, DEFAULT_SETTINGS, this.trusted);
    return { uri, ...(root ? { root } : {}), loaded, settings: { ...DEFAULT_SETTINGS }, engine: new Engine(this.host, merged.config), ignoredInRestrictedMode: merged.ignoredInRestrictedMode, rolesDeclared: declaresRoles(loaded, DEFAULT_SETTINGS) };
  }

  private folderFor(uri: string): Folder {
    const p = fsPathOf(uri);
    if (!p) return this.fallback;
    let best: Folder | undefined;
    for (const f of this.folders) {
      if (f.root && isInside(f.root, p) && (!best || f.root.length > best.root!.length)) best = f;
    }
    return best ?? this.fallback;
  }

  /** The `file` a finding carries: workspace-relative with forward slashes, else the path or URI. */
  private fileOf(uri: string, folder: Folder): string {
    const p = fsPathOf(uri);
    if (!p) return uri;
    return folder.root ? toPosix(path.relative(folder.root, p)) || path.basename(p) : toPosix(p);
  }

  private uriOfFile(file: string, folder: Folder, fallbackUri: string): string {
    if (file.includes('://')) return file;
    if (path.isAbsolute(file)) return pathToFileURL(file).href;
    if (folder.root) return pathToFileURL(path.join(folder.root, file)).href;
    return fallbackUri;
  }

  private async settingsFor(folder: Folder): Promise<AiregSettings> {
    if (!this.canPullConfig) return { ...DEFAULT_SETTINGS };
    try {
      const raw: unknown = await this.connection.workspace.getConfiguration(folder.uri ? { scopeUri: folder.uri, section: 'aireg' } : { section: 'aireg' });
      return normalizeSettings(raw);
    } catch {
      return { ...DEFAULT_SETTINGS };
    }
  }

  /** Reloads `.aireg.json` and settings for every folder, then re-analyses what is known. */
  private async reloadAll(reanalyze = true): Promise<void> {
    for (const folder of [...this.folders, this.fallback]) {
      folder.loaded = folder.root ? loadConfig(folder.root) : { config: defaultConfig(), errors: [] };
      folder.settings = await this.settingsFor(folder);
      const merged = mergeConfig(folder.loaded.config, folder.settings, this.trusted);
      folder.engine.config = merged.config;
      folder.ignoredInRestrictedMode = merged.ignoredInRestrictedMode;
      folder.rolesDeclared = declaresRoles(folder.loaded, folder.settings);
    }
    this.publishConfigErrors();
    // aireg.enable false clears what aireg published for the folder, scanned files included.
    for (const [uri, r] of [...this.results]) {
      if (r.folder.settings.enable || this.docs.has(uri)) continue;
      this.results.delete(uri);
      void this.connection.sendDiagnostics({ uri, diagnostics: [] });
      // The counts no longer cover the workspace; a small one is scanned again once re-enabled.
      this.workspaceScanned = false;
    }
    const anyEnabled = [...this.folders, this.fallback].some((f) => f.settings.enable);
    this.setState(anyEnabled ? 'ready' : 'disabled', this.configMessage());
    if (!reanalyze) return;
    for (const uri of this.docs.keys()) this.schedule(uri, 0);
    // Scanned files were analysed under the old configuration; analyse them again from disk.
    const scanned = [...this.results.keys()].filter((u) => !this.docs.has(u));
    if (scanned.length) void this.analyzeFiles(scanned, undefined);
    if (anyEnabled && !this.workspaceScanned) void this.autoScan().catch(() => undefined);
  }

  private configMessage(): string | undefined {
    const errors = this.folders.flatMap((f) => f.loaded.errors.filter((e) => e.severity === 'error'));
    if (errors.length) return t('{0} problem(s) in .aireg.json; see the Problems panel', errors.length);
    const ignored = this.folders.flatMap((f) => f.ignoredInRestrictedMode);
    if (ignored.length) return t('Restricted Mode: .aireg.json settings that could hide findings are ignored: {0}', ignored.join(', '));
    return undefined;
  }

  /** Config file problems appear on the `.aireg.json` itself, positioned like compiler errors. */
  private publishConfigErrors(): void {
    const now = new Map<string, Diagnostic[]>();
    for (const f of this.folders) {
      for (const e of f.loaded.errors) {
        const uri = pathToFileURL(e.file).href;
        const list = now.get(uri) ?? [];
        const pos = { line: Math.max(0, e.line - 1), character: Math.max(0, e.column - 1) };
        list.push({ range: { start: pos, end: { line: pos.line, character: pos.character + 1 } }, severity: e.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, source: SOURCE, message: e.message });
        now.set(uri, list);
      }
    }
    for (const uri of this.configDiagnosticUris) if (!now.has(uri)) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    this.configDiagnosticUris.clear();
    for (const [uri, diagnostics] of now) {
      this.configDiagnosticUris.add(uri);
      void this.connection.sendDiagnostics({ uri, diagnostics });
    }
  }

  // ---- documents ---------------------------------------------------------------------------

  private languageOf(uri: string, languageId: string): LanguageInfo | undefined {
    return languageForEditorId(languageId) ?? languageForPath(fsPathOf(uri) ?? uri);
  }

  private didOpen(uri: string, languageId: string, version: number, text: string): void {
    this.trees.drop(uri);
    this.docs.set(uri, { doc: TextDocument.create(uri, languageId, version, text), languageId, running: false, rerun: false, pendingEdits: null });
    this.schedule(uri, 0);
  }

  private didChange(p: DidChangeTextDocumentParams): void {
    const st = this.docs.get(canonicalUri(p.textDocument.uri));
    if (!st) return;
    for (const change of p.contentChanges) {
      if (!isWellFormedChange(change)) {
        // Not applied, and said so: the old tree is dropped so the next parse starts fresh from
        // the text this server holds instead of from a tree edited by a made-up range.
        this.connection.console.warn(`aireg: ignored a malformed change to ${st.doc.uri} (version ${p.textDocument.version})`);
        this.trees.drop(st.doc.uri);
        st.pendingEdits = null;
        continue;
      }
      if ('range' in change && change.range) {
        const edit = treeEditFor(st.doc, change as RangeChange);
        if (st.running) st.pendingEdits?.push(edit);
        else this.trees.edit(st.doc.uri, edit);
      } else {
        // A full-text replacement leaves nothing of the old tree worth reusing.
        this.trees.drop(st.doc.uri);
        st.pendingEdits = null;
      }
      st.doc = TextDocument.update(st.doc, [change], p.textDocument.version);
    }
    // The version moves on even when every change of this notification was malformed.
    if (st.doc.version !== p.textDocument.version) st.doc = TextDocument.update(st.doc, [], p.textDocument.version);
    if (this.folderFor(st.doc.uri).settings.run === 'onType') {
      // Throttled mostly by completion: an idle document is analysed after a short pause that
      // only gathers the notifications of one burst (a paste, an auto-indent, a fast typist), so
      // an edit shows fresh diagnostics after about the engine's time alone; edits that arrive
      // during a run coalesce into one rerun when it ends. The analysis runs in the server
      // process, so typing in the editor is never blocked by it.
      if (st.running) st.rerun = true;
      else this.schedule(st.doc.uri, DEBOUNCE_MS);
    }
  }

  private didSave(uri: string): void {
    this.fileChanged(uri);
    if (this.docs.has(uri)) this.schedule(uri, 0);
  }

  /** A file changed on disk: the workspace model of its folder forgets what it read of it. */
  private fileChanged(uri: string): void {
    const folder = this.folderFor(uri);
    if (folder.root) folder.engine.fileChanged(folder.root, this.fileOf(uri, folder));
  }

  private async didClose(uri: string): Promise<void> {
    const st = this.docs.get(uri);
    if (st?.timer) clearTimeout(st.timer);
    this.docs.delete(uri);
    this.trees.drop(uri);
    // A closed file keeps the findings of its saved content in the Problems panel (the obligations
    // do not go away with the editor tab); only unsaved or deleted documents are cleared.
    const p = fsPathOf(uri);
    if (p && fs.existsSync(p)) {
      await this.analyzeFiles([uri], undefined);
    } else {
      this.results.delete(uri);
      void this.connection.sendDiagnostics({ uri, diagnostics: [] });
      this.statusChanged();
    }
  }

  private schedule(uri: string, delay: number): void {
    const st = this.docs.get(uri);
    if (!st) return;
    if (st.timer) clearTimeout(st.timer);
    const turn = (st.turn ?? 0) + 1;
    st.turn = turn;
    st.timer = setTimeout(() => {
      // The JSON-RPC layer hands over queued notifications one per turn of the event loop, so a
      // timer alone can fire in the middle of a burst when the machine is slow. Two more turns
      // let the next queued notification, if any, arrive (and schedule again) before this run
      // reads the document: a burst is gathered however loaded the machine is.
      setImmediate(() =>
        setImmediate(() => {
          if (st.turn !== turn || this.docs.get(uri) !== st) return;
          st.timer = undefined;
          void this.analyzeOpen(uri);
        }),
      );
    }, delay);
  }

  /** Analyses an open document; one run per document at a time. */
  private async analyzeOpen(uri: string): Promise<void> {
    await this.configReady;
    const st = this.docs.get(uri);
    if (!st) return;
    if (st.running) {
      st.rerun = true;
      return;
    }
    const folder = this.folderFor(uri);
    const language = this.languageOf(uri, st.languageId);
    if (!language) return;
    if (!folder.settings.enable) {
      this.publish(uri, [], folder, st.doc.version);
      return;
    }
    st.running = true;
    st.pendingEdits = [];
    const version = st.doc.version;
    const text = st.doc.getText();
    const oldTree = this.trees.take(uri);
    this.setBusy('analyzing');
    try {
      // With the folder as root, the workspace model links the project files this one imports
      // (read from disk once and cached; `fileChanged` drops a file's entry when it changes).
      const r = await folder.engine.analyze(this.fileOf(uri, folder), text, { language, ...(folder.root ? { root: folder.root } : {}), ...(oldTree ? { oldTree } : {}), keepTree: true });
      this.warnGrammarFailures(r.notices);
      const current = this.docs.get(uri) === st;
      if (r.tree) {
        if (current && st.pendingEdits) {
          for (const e of st.pendingEdits) r.tree.edit(e);
          this.trees.set(uri, r.tree);
        } else {
          r.tree.delete();
        }
      }
      if (current && st.doc.version === version) {
        this.publish(uri, r.findings, folder, version);
      } else if (current) {
        // The document moved on while we analysed; its next run publishes.
        st.rerun = true;
      }
    } catch (err) {
      this.connection.console.error(`aireg: analysing ${uri} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    } finally {
      oldTree?.delete();
      st.running = false;
      st.pendingEdits = null;
      this.setBusy(undefined);
      if (st.rerun && this.docs.get(uri) === st) {
        st.rerun = false;
        if (!st.timer) void this.analyzeOpen(uri);
      } else {
        // After the diagnostics are out, unless the next edit's analysis is already due: the
        // analysis's garbage is collected now, not in the middle of the next one (idleGc.ts).
        setImmediate(() => {
          if (!st.running && !st.timer) this.idleCollector.collectIfFull();
        });
      }
    }
  }

  /**
   * A grammar that cannot load disables its language for this session: the engine returns a
   * notice for every file of it, and the user hears about it once per language, not per keystroke.
   */
  private warnGrammarFailures(notices: readonly Notice[]): void {
    for (const n of notices) {
      if (n.kind !== 'grammar-failed') continue;
      const key = n.message.split(':')[0]!;
      if (this.grammarWarnings.has(key)) continue;
      this.grammarWarnings.add(key);
      this.connection.console.warn(`aireg: ${n.message}`);
      // A notification, not window/showMessageRequest: nothing to await, and no client answer can fail it.
      void this.connection.sendNotification(ShowMessageNotification.type, {
        type: MessageType.Warning,
        message: t('aireg: {0}. Files of that language are not analysed; other languages are.', n.message),
      });
    }
  }

  private publish(uri: string, findings: Finding[], folder: Folder, version?: number): void {
    this.results.set(uri, { findings, folder, ...(version !== undefined ? { version } : {}) });
    const config = folder.engine.config;
    const diagnostics = findings.filter((f) => !f.suppression).map((f) => toDiagnostic(f, config, (file) => this.uriOfFile(file, folder, uri), version, { generationCallsAsHints: folder.settings.generationCallsAsHints }));
    void this.connection.sendDiagnostics({ uri, ...(version !== undefined ? { version } : {}), diagnostics });
    this.statusChanged();
  }

  // ---- workspace scan ----------------------------------------------------------------------

  /**
   * Analyses files from disk (not open ones) and publishes them. Stops when `signal` aborts.
   *
   * Many files (a workspace scan, a configuration change) are analysed on worker threads, as the
   * CLI does: this thread, which answers every keystroke, stays free while they run, and keeps
   * none of their garbage afterwards (a 2,000-file scan here left a heap whose collections made
   * keystrokes 10-15 ms slower at the 95th percentile). The open files' analyses link the project
   * files they import themselves, on demand.
   */
  private async analyzeFiles(uris: readonly string[], signal: AbortSignal | undefined, onFile?: (done: number) => void): Promise<{ findings: number; notices: number }> {
    let findings = 0;
    let notices = 0;
    let done = 0;
    // Files for the workers, per workspace folder (each has its configuration).
    const groups = uris.length >= BACKGROUND_MIN_FILES ? new Map<Folder, { tasks: FileTask[]; uriOf: Map<string, string> }>() : undefined;
    for (const uri of uris) {
      if (signal?.aborted) break;
      if (this.docs.has(uri)) {
        findings += this.results.get(uri)?.findings.length ?? 0;
        onFile?.(++done);
        continue;
      }
      const target = this.diskFileToAnalyze(uri);
      if (!target) continue;
      const { path: p, folder } = target;
      // A file outside every workspace folder has no root for the workers to name it from.
      if (groups && folder.root) {
        let g = groups.get(folder);
        if (!g) groups.set(folder, (g = { tasks: [], uriOf: new Map() }));
        // Relative to the folder's root, as the CLI names files, so the workers link imports.
        const relPath = this.fileOf(uri, folder);
        g.tasks.push({ path: p, relPath });
        g.uriOf.set(relPath, uri);
        continue;
      }
      await yieldToEventLoop();
      const r = await this.analyzeHere(uri, p, folder);
      if (!r) {
        notices++;
        continue;
      }
      notices += r.notices;
      findings += r.findings;
      onFile?.(++done);
    }
    for (const [folder, g] of groups ?? []) {
      if (signal?.aborted) break;
      const onResult = (r: FileResult): void => {
        const uri = g.uriOf.get(r.file);
        if (!uri) return;
        this.publishDiskResult(uri, r, folder);
        notices += r.notices.length;
        findings += r.findings.length;
        onFile?.(++done);
      };
      await analyzeOnWorkers(g.tasks, { config: folder.engine.config, onResult, ...(signal ? { signal } : {}), background: { maxWorkers: backgroundWorkers() } });
    }
    return { findings, notices };
  }

  /** Reads and analyses one file from disk on this thread and publishes it; undefined when it cannot be read. */
  private async analyzeHere(uri: string, p: string, folder: Folder): Promise<{ findings: number; notices: number } | undefined> {
    let text: string;
    try {
      text = await readTextFile(p, folder.engine.config.maxFileBytes);
    } catch {
      this.results.delete(uri);
      void this.connection.sendDiagnostics({ uri, diagnostics: [] });
      return undefined;
    }
    const r = await folder.engine.analyze(this.fileOf(uri, folder), text, folder.root ? { root: folder.root } : {});
    this.publishDiskResult(uri, r, folder);
    return { findings: r.findings.length, notices: r.notices.length };
  }

  /** Publishes the result of a file analysed from disk, here or on a worker. */
  private publishDiskResult(uri: string, r: FileResult, folder: Folder): void {
    this.warnGrammarFailures(r.notices);
    // A file opened meanwhile has a live result that must win.
    if (!this.docs.has(uri)) this.publish(uri, r.findings, folder);
  }

  /**
   * The path and folder of `uri` when it is a source file aireg analyses; otherwise undefined, and
   * what was published for it is withdrawn. A closed document or a scanned path can be anything
   * (a log of gigabytes, a FIFO): only source files are read, and only within the size limit.
   */
  private diskFileToAnalyze(uri: string): { path: string; folder: Folder } | undefined {
    const p = fsPathOf(uri);
    const folder = this.folderFor(uri);
    if (p && folder.settings.enable && languageForPath(p)) return { path: p, folder };
    if (p && this.results.has(uri)) {
      this.results.delete(uri);
      void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    }
    return undefined;
  }

  private async scanWorkspace(params: ScanWorkspaceParams, token: CancellationToken): Promise<ScanWorkspaceResult> {
    await this.configReady;
    const started = performance.now();
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    const progressToken = params.workDoneToken;
    const progress = (value: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd): void => {
      if (progressToken !== undefined) void this.connection.sendProgress(WorkDoneProgress.type, progressToken, value);
    };
    progress({ kind: 'begin', title: t('aireg: scanning the workspace'), cancellable: true, message: t('finding files…'), percentage: 0 });
    this.scanning = true;
    this.setBusy('scanning');
    let notices = 0;
    try {
      const uris: string[] = [];
      for (const folder of this.folders) {
        if (!folder.root || !folder.settings.enable) continue;
        const files = discoverFiles([folder.root], folder.engine.config, {
          baseDir: folder.root,
          signal: abort.signal,
          // `.airegignore` only hides files from aireg: an untrusted folder may not use it.
          ...(this.trusted ? {} : { ignoreFiles: ['.gitignore'] }),
          onNotice: () => notices++,
        });
        for await (const f of files) {
          uris.push(pathToFileURL(f.path).href);
          if (uris.length % 200 === 0) progress({ kind: 'report', message: t('{0} files found…', uris.length) });
        }
      }
      const previous = new Set([...this.results.keys()].filter((u) => !this.docs.has(u)));
      const total = uris.length;
      const r = await this.analyzeFiles(uris, abort.signal, (done) => {
        if (done % 10 === 0 || done === total) {
          progress({ kind: 'report', message: t('{0} of {1} files', done, total), percentage: total ? Math.floor((done / total) * 100) : 100 });
        }
      });
      const cancelled = abort.signal.aborted;
      if (!cancelled) {
        // Files that are gone (or now ignored) lose their old diagnostics.
        for (const u of uris) previous.delete(u);
        for (const u of previous) {
          this.results.delete(u);
          void this.connection.sendDiagnostics({ uri: u, diagnostics: [] });
        }
        this.workspaceScanned = true;
      }
      // The summary counts what the status bar counts (every published finding), so the two agree.
      const counts = this.status().counts;
      return { files: total, findings: counts.error + counts.warning + counts.info, counts, cancelled, durationMs: Math.round(performance.now() - started), notices: notices + r.notices };
    } finally {
      sub.dispose();
      this.scanning = false;
      this.setBusy(undefined);
      progress({ kind: 'end', message: abort.signal.aborted ? t('cancelled') : t('done') });
      this.statusChanged();
    }
  }

  // ---- hover, code actions -------------------------------------------------------------------

  private hover(p: HoverParams): Hover | null {
    const r = this.results.get(canonicalUri(p.textDocument.uri));
    if (!r) return null;
    return hoverFor(r.findings, p.position, r.folder.engine.config, { rolesDeclared: r.folder.rolesDeclared }) ?? null;
  }

  private async codeActions(p: CodeActionParams): Promise<CodeAction[]> {
    const st = this.docs.get(canonicalUri(p.textDocument.uri));
    if (!st) return [];
    const language = this.languageOf(st.doc.uri, st.languageId);
    if (!language) return [];
    const fixable = p.context.diagnostics.some((d) => d.source === SOURCE && FIXABLE_RULES.has(String(d.code)));
    const wantsFix = kindAllowed(CODE_ACTION_KINDS.label, p.context.only) || kindAllowed(CODE_ACTION_KINDS.guard, p.context.only);
    // One parse serves every diagnostic of the request: the fixes need the names in scope.
    let tree: Tree | undefined;
    const version = st.doc.version;
    const text = st.doc.getText();
    try {
      if (fixable && wantsFix) tree = await this.host.parse(language.id, text, st.doc.uri).catch(() => undefined);
      const declared = this.folderFor(st.doc.uri).engine.config;
      const out: CodeAction[] = [];
      for (const d of p.context.diagnostics) {
        let ctx: ActionContext = {};
        if (tree && d.source === SOURCE && FIXABLE_RULES.has(String(d.code)) && st.doc.version === version) {
          const labelTarget = d.code === 'aigc-missing-label' ? this.labelTargetFor(st, d, tree) : undefined;
          ctx = {
            scope: fixScopeAt(tree, text, st.doc.offsetAt(d.range.start)),
            declared: { labelFunctions: declared.labelFunctions, optOutChecks: declared.optOutChecks, consentChecks: declared.consentChecks },
            ...(labelTarget ? { labelTarget } : {}),
          };
        }
        for (const a of actionsFor(st.doc, d, language, ctx)) if (kindAllowed(a.kind ?? '', p.context.only)) out.push(a);
      }
      return out;
    } finally {
      tree?.delete();
    }
  }

  /**
   * Locates the generated value in a missing-label sink from the server's own finding, and only
   * when that finding was computed for the document's current version (offsets must match).
   */
  private labelTargetFor(st: DocState, d: Diagnostic, tree: Tree): LabelTarget | undefined {
    const fingerprint = isDiagnosticData(d.data) ? d.data.fingerprint : undefined;
    const r = this.results.get(st.doc.uri);
    if (!fingerprint || !r || r.version !== st.doc.version) return undefined;
    const f = r.findings.find((x) => x.fingerprint === fingerprint);
    const gen = f?.related?.[0];
    if (!f || !gen) return undefined;
    try {
      return findLabelTarget(tree, { start: f.range.startOffset, end: f.range.endOffset }, { start: gen.range.startOffset, end: gen.range.endOffset });
    } catch {
      return undefined;
    }
  }

  // ---- custom requests -----------------------------------------------------------------------

  private summarize(o: Obligation, matched: string[]): ObligationSummary {
    const lang = displayLang();
    const other = lang === 'zh' ? 'en' : 'zh';
    return {
      id: o.id,
      title: pick(o.title),
      altTitle: o.title[other],
      jurisdiction: o.jurisdiction,
      articles: o.articles.map((a) => articleLabel(a, lang)),
      summary: pick(o.summary),
      matched,
    };
  }

  private search(query: string, limit?: number): ObligationSummary[] {
    const q = typeof query === 'string' ? query.trim() : '';
    if (!q) return allObligations().map((o) => this.summarize(o, []));
    const max = typeof limit === 'number' && limit > 0 ? Math.min(limit, 500) : 50;
    return searchObligations(q, { limit: max, lang: displayLang() }).map((h) => this.summarize(h.obligation, h.matched));
  }

  private getObligation(id: string): GetObligationResult {
    const o = typeof id === 'string' ? getObligation(id) : undefined;
    if (!o) return { instruments: [] };
    const instruments = [...new Set(o.articles.map((a) => a.instrument))].map((i) => getInstrument(i)).filter((i) => !!i);
    const articleUrl = obligationArticleUrl(o.id);
    return { obligation: o, instruments, docUrl: obligationDocUrl(o.id), ...(articleUrl ? { articleUrl } : {}), disclaimer: disclaimer() };
  }

  private summaries(): FindingSummary[] {
    const out: FindingSummary[] = [];
    for (const [uri, r] of this.results) for (const f of r.findings) out.push(toSummary(f, uri, r.folder.engine.config));
    return out;
  }

  // ---- status ------------------------------------------------------------------------------

  private busy = 0;

  private setBusy(kind: 'analyzing' | 'scanning' | undefined): void {
    if (kind) this.busy++;
    else this.busy = Math.max(0, this.busy - 1);
    this.statusChanged();
  }

  private setState(state: ServerState, message?: string): void {
    this.state = state;
    this.stateMessage = message;
    this.statusChanged();
  }

  /** Coalesces status notifications: many documents finishing at once send one. */
  private statusChanged(): void {
    if (this.statusTimer) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = undefined;
      this.connection.sendNotification(StatusNotification, this.status()).catch(() => undefined);
    }, 20);
  }

  status(): StatusParams {
    const counts = { error: 0, warning: 0, info: 0 };
    for (const r of this.results.values()) for (const f of r.findings) if (!f.suppression) counts[f.severity]++;
    let state = this.state;
    if (state === 'ready' && this.scanning) state = 'scanning';
    else if (state === 'ready' && this.busy > 0) state = 'analyzing';
    const failed = [...this.host.failedLanguages().values()].map((e) => e.message);
    const message = [this.stateMessage, ...failed].filter(Boolean).join('\n') || undefined;
    return { state, counts, files: this.results.size, workspaceScanned: this.workspaceScanned, ...(message ? { message } : {}), ...(this.trusted ? {} : { restricted: true }) };
  }

  private dispose(): void {
    for (const st of this.docs.values()) if (st.timer) clearTimeout(st.timer);
    if (this.statusTimer) clearTimeout(this.statusTimer);
    this.trees.dispose();
    void this.host.dispose();
  }
}
