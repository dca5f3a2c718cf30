/**
 * The workspace model: the per-file semantic models ({@link FileModel}) of the files a candidate
 * file imports from its own project, so that a constant, an enum member, a helper's return value
 * or a wrapper defined in another file resolves as if it were local.
 *
 * It is lazy and bounded: nothing is read until a file that may contain generation imports a
 * module of its own project; then only that module's file is read and parsed (once per scan, its
 * model cached by path and content hash), and only one level deep (the imported file's own
 * imports are not followed). Module specifiers are mapped to files the way
 * each language does it: TS/JS relative, `@/` and tsconfig `paths`; Python relative imports and
 * packages found from the importing file's folders upwards; Java classes under the source root the
 * import's package spells, and classes of the importing file's own package; Go packages of the
 * `go.mod` module (the file of the package folder that declares each name used).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Node, Tree } from 'web-tree-sitter';
import { type LanguageInfo, languageForPath } from '../languages';
import type { TreeSitterHost } from '../parser';
import { catalog } from './catalog';
import { GoIndex } from './goIndex';
import { importSpecifiers } from './importText';
import { type FileModel, buildFileModel, pythonSubmodule } from './model';
import { readTextFile, readTextFileSync } from '../readFile';
import { OwnedMemo } from './ownedMemo';

/**
 * A test of a project file's text that decides whether the workspace model links (reads, parses
 * and models) the file. The workspace remembers each answer per file under `key`, so two filters
 * share answers exactly when they share a key: filters that may answer differently for one text
 * must have different keys.
 */
export interface LinkFilter {
  readonly key: string;
  readonly test: (text: string) => boolean;
}

/** Files loaded per workspace at most (a bound on the parsing the model may add to a scan). */
const MAX_FILES = 400;
/**
 * Loaded files whose trees stay alive between analyses, least recently used evicted first. A
 * tree lives in the parser's WebAssembly memory, which never shrinks: keeping every linked file
 * parsed made that memory, and the process, grow with the number of files a scan had linked.
 */
const MAX_LIVE_FILES = 48;
/** Loads between two halvings of the request counts that decide eviction (see `end`). */
const REQUESTS_PER_AGING = MAX_LIVE_FILES * 8;
/**
 * Trees of analysed files kept for a later import of the file (see `adopt`), least recently
 * adopted evicted first. In a scan, a file is often analysed before a file that imports it, and
 * parsing it again for the link was a fifth of the large bench corpus's parsing.
 */
const MAX_ADOPTED_FILES = 24;
/** Characters of file text kept for the import checks between analyses. */
const MAX_TEXT_CHARS = 8 * 1024 * 1024;
/** Imports linked per candidate file at most. */
const MAX_LINKS_PER_FILE = 24;
/** Files larger than this are not loaded for their symbols. */
const MAX_BYTES = 512 * 1024;

/** Modules of one plugin package a dynamic import is resolved to at most. */
const MAX_PLUGIN_MODULES = 32;
/** Names looked up in one Go package per importing file at most. */
const MAX_NAMES_PER_PACKAGE = 16;
/** Type names a Java file uses without an import that are looked up as classes of its package. */
const MAX_JAVA_NAMES = 48;

const JS_EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'];

interface Loaded {
  /** The text the tree was parsed from (a tree is lent to an analysis only for the same text). */
  text: string;
  model: FileModel;
  tree: Tree;
}

export class Workspace {
  private readonly loaded = new Map<string, Promise<Loaded | undefined>>();
  /** How often each file was asked for (`load`), which decides what eviction keeps. */
  private readonly requests = new Map<string, number>();
  private requestsSinceAging = 0;
  /** The entries of `loaded` that have settled, for the synchronous `borrow`. */
  private readonly settled = new Map<string, Loaded>();
  /** Trees of analysed files handed over by the engine (`adopt`), not yet modelled. */
  private readonly adopted = new Map<string, { text: string; tree: Tree }>();
  private readonly existsCache = new Map<string, boolean>();
  private readonly dirCache = new Map<string, string[]>();
  private readonly goModCache = new Map<string, { dir: string; path: string } | null>();
  private tsPaths: { baseUrl: string; paths: [string, string[]][] } | null | undefined;
  private count = 0;
  private readonly everLoaded = new Set<string>();

  /**
   * Names of the interfaces handed to a framework's proxy factory anywhere in the workspace
   * (`AiServices.builder(Assistant.class)` in a `@Configuration` class), collected from the texts
   * of a whole-tree pass (the CLI triage, `noteProxyFactories`). Such an interface is linked
   * whatever its text, since its callers' calls are generation calls.
   */
  readonly proxyNames = new Set<string>();

  constructor(readonly root: string, private readonly host: TreeSitterHost) {}

  private goIdx: GoIndex | undefined;

  /** The text index of the workspace's Go declarations (built on first use; see goIndex.ts). */
  goIndex(): GoIndex {
    this.goIdx ??= new GoIndex(this.root);
    return this.goIdx;
  }

  private readonly importers = new Map<string, readonly string[]>();

  /** Records which project files import `rel` (the scan's reverse-import index, given per file). */
  setImporters(rel: string, files: readonly string[]): void {
    this.importers.set(rel, files);
  }

  /** The project files known to import `rel` (empty when the caller gave none). */
  importersOf(rel: string): readonly string[] {
    return this.importers.get(rel) ?? [];
  }

  /** Collects from a file's text the interfaces it hands to a proxy factory (see `proxyNames`). */
  noteProxyFactories(text: string): void {
    for (const n of proxyFactoryNames(text)) this.proxyNames.add(n);
  }

  /** Frees every tree the workspace keeps. */
  dispose(): void {
    for (const p of this.loaded.values()) void p.then((l) => l?.tree.delete());
    this.loaded.clear();
    this.settled.clear();
    for (const a of this.adopted.values()) a.tree.delete();
    this.adopted.clear();
  }

  /**
   * The tree the workspace parsed from `text` for the file `rel`, lent to an analysis of the same
   * text so that the file is not parsed twice; undefined when it has none. The tree stays the
   * workspace's: the borrower must not delete it, and must hold the workspace (`begin`) while
   * using it, since eviction deletes trees only when no analysis is in flight.
   */
  borrow(rel: string, text: string): Tree | undefined {
    const l = this.settled.get(rel);
    if (l && l.text === text) return l.tree;
    const a = this.adopted.get(rel);
    return a && a.text === text ? a.tree : undefined;
  }

  /**
   * Takes over the tree an analysis parsed from `text` for the file `rel`, so that a later import
   * of the file models it without parsing it again. Returns false when the workspace does not
   * want it (it has the file already, or the file is too large to link); the caller keeps the
   * tree then. The model is built only if the file is linked, and from its own `FileModel`, never
   * the analysis's, so what a file links does not depend on whether it was analysed first.
   */
  adopt(rel: string, text: string, tree: Tree): boolean {
    if (this.loaded.has(rel) || this.adopted.has(rel) || text.length > MAX_BYTES || !languageForPath(rel)) return false;
    this.adopted.set(rel, { text, tree });
    if (this.active === 0) this.evictAdopted();
    return true;
  }

  /** For each model a live file links (`FileModel.linked`), the live files whose models link it. */
  private linkersOfLive(): Map<FileModel, string[]> {
    const out = new Map<FileModel, string[]>();
    for (const [rel, l] of this.settled) {
      for (const m of new Set(l.model.linked.values())) {
        const list = out.get(m);
        if (list) list.push(rel);
        else out.set(m, [rel]);
      }
    }
    return out;
  }

  /**
   * Drops the loaded file `rel` and its tree (evicted or changed), and with it every live file
   * whose model links its model: a linked file's own links (Python wrappers two files deep) stay
   * in its model, and resolving through one whose tree is deleted read freed parser memory
   * ("memory access out of bounds"). A dropped file is parsed and linked again when next needed.
   */
  private evict(rel: string, linkers: ReadonlyMap<FileModel, readonly string[]>): void {
    const work = [rel];
    for (let r = work.pop(); r !== undefined; r = work.pop()) {
      const p = this.loaded.get(r);
      if (!p) continue;
      const model = this.settled.get(r)?.model;
      this.loaded.delete(r);
      this.settled.delete(r);
      this.retire(p);
      if (model) work.push(...(linkers.get(model) ?? []));
    }
  }

  /** Deletes a dropped tree now, or when no analysis that may hold it is in flight. */
  private retire(p: Promise<{ tree: Tree } | undefined>): void {
    if (this.active > 0) this.retired.push(p);
    else void p.then((l) => l?.tree.delete());
  }

  private evictAdopted(): void {
    for (const [rel, a] of this.adopted) {
      if (this.adopted.size <= MAX_ADOPTED_FILES) break;
      this.adopted.delete(rel);
      a.tree.delete();
    }
  }

  /** Analyses in flight that may hold models of loaded files (their trees must stay alive). */
  private active = 0;
  /** Trees of files that changed while an analysis was in flight, deleted when none is. */
  private retired: Promise<{ tree: Tree } | undefined>[] = [];
  /**
   * Counts the changes `invalidate` was told about, so that what others memoise per workspace
   * (the flow's cross-file summaries) can tell when to start over.
   */
  version = 0;

  /**
   * Forgets what the workspace knows of the file `rel` (it changed, was created or deleted on
   * disk): its text, its model and tree, and which specifiers resolve to it. The language server
   * calls this for saved and watched files, so an edit elsewhere never re-reads the workspace.
   */
  invalidate(rel: string): void {
    this.version++;
    // The files whose models link this one go with it, as in eviction: their links are stale.
    if (this.loaded.has(rel)) this.evict(rel, this.linkersOfLive());
    const a = this.adopted.get(rel);
    if (a) {
      this.adopted.delete(rel);
      this.retire(Promise.resolve(a));
    }
    this.dropText(rel);
    this.verdicts.delete(rel);
    // A file's reach depends on the files it imports: any change may alter any verdict.
    this.reachVerdicts.clear();
    this.goIdx?.invalidate(rel);
    // A file created or deleted changes what a specifier resolves to (and which files a Go
    // package holds); a tsconfig its path aliases, a go.mod its module path.
    this.existsCache.clear();
    this.moduleCache.clear();
    this.dirCache.clear();
    this.pluginCache.clear();
    if (/(?:^|\/)go\.mod$/.test(rel)) this.goModCache.clear();
    if (/(?:^|\/)tsconfig[^/]*\.json$/.test(rel)) this.tsPaths = undefined;
  }

  /** Marks the start of an analysis that may link files of this workspace. */
  begin(): void {
    this.active++;
  }

  /**
   * Marks its end. When no analysis is in flight, the least recently used files beyond the bound
   * are evicted (their trees deleted); a later import of one loads it again.
   */
  end(): void {
    if (--this.active > 0) return;
    this.active = 0;
    for (const p of this.retired.splice(0)) void p.then((l) => l?.tree.delete());
    // Which files go: those asked for least often, the least recently used among equals. A file
    // many importers link (a package's utilities, its base pipeline) thus outlives the files linked
    // by one importer. Evicting a file also evicts the live files that link it (see `evict`), so a
    // file is worth what the most asked-for of them is worth: the modules a hub links itself stay
    // with it. Recency alone evicted such hubs between their importers, or with a module only they
    // link, and parsed them again and again: in a package whose 300 modules each link a dozen of
    // the same 60 (diffusers' pipelines), parsing was 44 % of the scan. The counts age (see
    // `load`), so the hubs of a folder the scan has left give way to the current folder's.
    if (this.loaded.size > MAX_LIVE_FILES) {
      const linkers = this.linkersOfLive();
      const worth = new Map<string, number>();
      // Depth-first over the linkers (a file in progress counts its own requests: a cycle of
      // links adds nothing), each file once: linear in the live files and their links.
      const worthOf = (rel: string): number => {
        const known = worth.get(rel);
        if (known !== undefined) return known;
        let w = this.requests.get(rel) ?? 0;
        worth.set(rel, w);
        const model = this.settled.get(rel)?.model;
        for (const r of (model && linkers.get(model)) || []) if (r !== rel) w = Math.max(w, worthOf(r));
        worth.set(rel, w);
        return w;
      };
      // Map order is least recently used first; a stable sort keeps it among equals.
      const order = [...this.loaded.keys()].map((rel, i) => ({ rel, i, n: worthOf(rel) }));
      order.sort((a, b) => a.n - b.n || a.i - b.i);
      for (const { rel } of order) {
        if (this.loaded.size <= MAX_LIVE_FILES) break;
        if (this.loaded.has(rel)) this.evict(rel, linkers);
      }
    }
    this.evictAdopted();
    for (const rel of this.texts.keys()) {
      if (this.textChars <= MAX_TEXT_CHARS) break;
      this.dropText(rel);
    }
  }

  private realRoot: string | undefined;

  /**
   * Whether `abs` is a regular file inside the workspace. A link that leads out of the root (to
   * `/etc`, another checkout) is not followed, as the scan's own walk does not follow one.
   */
  private exists(abs: string): boolean {
    let hit = this.existsCache.get(abs);
    if (hit === undefined) {
      try {
        this.realRoot ??= fs.realpathSync.native(this.root);
        // Most candidate paths of a module lookup do not exist: asking first spares the exception.
        const real = fs.existsSync(abs) ? fs.realpathSync.native(abs) : undefined;
        hit = real !== undefined && (real === this.realRoot || real.startsWith(this.realRoot + path.sep)) && fs.statSync(real).isFile();
      } catch {
        hit = false;
      }
      this.existsCache.set(abs, hit);
    }
    return hit;
  }

  /**
   * Whether a project file passes `filter` or, in Python, imports a project file that does: a
   * wrapper of a wrapper (`pipeline.run()` calling `core.sample()`, which runs the model) can make
   * its importers' calls generation calls. Decided once per file and filter; one level, never further.
   */
  reaches(target: string, filter: LinkFilter): Promise<boolean> {
    return memoised(this.reachVerdicts, target, filter.key, async () => {
      if (await this.passes(target, filter)) return true;
      const language = languageForPath(target);
      if (!language || language.family !== 'python') return false;
      const text = await this.text(target);
      return text !== undefined && (await this.importsAny(target, text, language, (t) => this.passes(t, filter)));
    });
  }

  /**
   * Whether a Python file passes `filter` or imports, `hops` imports deep at most, a file that
   * does: only such a file can run generating code of the project (the chains of a chat-bot
   * framework: channel → bridge → factory → bot). Text only (import statements, anywhere in the
   * file); decided once per file, filter and depth, each depth asking the one below, so the cost is
   * the files times the depth.
   */
  reachesWithin(target: string, filter: LinkFilter, hops: number): Promise<boolean> {
    return memoised(this.reachVerdicts, target, `${filter.key}#within${hops}`, async () => {
      if (await this.passes(target, filter)) return true;
      const language = languageForPath(target);
      if (hops <= 0 || !language || language.family !== 'python') return false;
      const text = await this.text(target);
      return text !== undefined && (await this.importsAny(target, text, language, (t) => this.reachesWithin(t, filter, hops - 1)));
    });
  }

  /** `reaches` verdicts by file, then by filter key. */
  private readonly reachVerdicts = new Map<string, Map<string, Promise<boolean>>>();

  /**
   * Links the project files `model` (the file `rel`) imports: afterwards `model.linked` maps each
   * such module specifier to the imported file's model. With `filter`, only files whose text
   * passes it; with `reach` as well (Python), also files that import one that passes (see `reaches`).
   */
  async link(model: FileModel, rel: string, filter?: LinkFilter, reach = false): Promise<void> {
    if (model.family === 'java') return this.linkJava(model, rel, filter);
    if (model.family === 'go') return this.linkGo(model, rel, filter);
    const cat = catalog();
    let links = 0;
    const seen = new Set<string>();
    for (const imp of model.imports.values()) {
      const spec = imp.raw ?? imp.module;
      if (seen.has(spec) || model.linked.has(spec) || model.linked.has(imp.module)) continue;
      seen.add(spec);
      // Modules the catalog knows are SDKs; the project's own modules are what we link.
      if (cat.providersForModule(model.family, imp.module).length) continue;
      // `from pkg import module`: the module file, linked under its dotted name (see `linkedOf`).
      if (model.family === 'python' && imp.member !== undefined) {
        const subSpec = pythonSubmodule(spec, imp.member);
        const sub = model.linked.has(subSpec) ? undefined : this.resolveModule(model.family, rel, subSpec);
        if (sub !== undefined) {
          const other = filter && reach ? ((await this.reaches(sub, filter)) ? (await this.load(sub))?.model : undefined) : await this.linkable(sub, filter);
          if (other) {
            model.linked.set(subSpec, other);
            if (++links >= MAX_LINKS_PER_FILE) break;
          }
          continue;
        }
      }
      const target = this.resolveModule(model.family, rel, spec);
      if (!target) continue;
      // With a filter, a file is parsed only when its text can matter (checked on the text first).
      if (filter && reach) {
        if (!(await this.reaches(target, filter))) continue;
      } else if (filter && !(await this.passes(target, filter))) continue;
      const other = await this.load(target);
      if (!other) continue;
      model.linked.set(spec, other.model);
      if (spec !== imp.module) model.linked.set(imp.module, other.model);
      if (++links >= MAX_LINKS_PER_FILE) break;
    }
  }

  /** Loads `target` (when its text passes `filter`) and returns its model. */
  private async linkable(target: string, filter: LinkFilter | undefined): Promise<FileModel | undefined> {
    if (filter && !(await this.passes(target, filter))) return undefined;
    return (await this.load(target))?.model;
  }

  /** `passes` verdicts by file, then by filter key. */
  private readonly verdicts = new Map<string, Map<string, Promise<boolean>>>();

  /**
   * Whether a file's text passes a link filter, decided once per file and filter: a file is
   * linked from many importers, and the filter (a generation prefilter) runs over its whole text.
   * The text of a file that fails is not kept: in a large code base most project classes a file
   * imports say nothing of AI.
   */
  passes(target: string, filter: LinkFilter): Promise<boolean> {
    return memoised(this.verdicts, target, filter.key, async () => {
      const cached = this.texts.get(target);
      if (cached) {
        const t = await cached;
        return t !== undefined && filter.test(t);
      }
      try {
        const abs = path.join(this.root, target);
        const t = await readTextFile(abs, MAX_BYTES);
        if (!filter.test(t)) return false;
        this.keepText(target, t);
        return true;
      } catch {
        return false;
      }
    });
  }

  /**
   * Java: each imported class that is a file of the workspace (whatever its package: a framework's
   * own examples live under the framework's package), then the classes the file names without an
   * import, which Java finds in the file's own package (its folder) and in on-demand imports.
   */
  private async linkJava(model: FileModel, rel: string, filter?: LinkFilter): Promise<void> {
    let links = 0;
    if (this.proxyNames.size) model.workspaceProxies = this.proxyNames;
    for (const imp of model.imports.values()) {
      const spec = imp.raw;
      if (!spec || model.linked.has(spec)) continue;
      const target = this.resolveModule('java', rel, spec);
      const other = target && target !== rel ? await this.linkable(target, this.proxyNames.has(imp.local) ? undefined : filter) : undefined;
      if (!other) continue;
      model.linked.set(spec, other);
      if (++links >= MAX_LINKS_PER_FILE) return;
    }
    const root = model.rootNode;
    if (!root) return;
    const pkg = model.packageName ?? '';
    for (const name of javaTypeNames(model)) {
      for (const spec of [name, ...model.starModules.map((m) => `${m}.${name}`)]) {
        const target = this.resolveModule('java', rel, spec);
        const other = target && target !== rel ? await this.linkable(target, this.proxyNames.has(name) ? undefined : filter) : undefined;
        if (!other) continue;
        model.linkPackageClass(name, spec === name ? pkg : spec.slice(0, spec.lastIndexOf('.')), other, root);
        if (++links >= MAX_LINKS_PER_FILE) return;
        break;
      }
    }
  }

  /**
   * Go: an import path inside the file's module (`go.mod`'s module path plus a folder) is a package
   * of the project, and a package is a folder of files. For each name the file uses from it
   * (`ai.NewModel`), the package file that declares that name is linked as `<path>#<Name>`.
   */
  private async linkGo(model: FileModel, rel: string, filter?: LinkFilter): Promise<void> {
    let links = 0;
    for (const imp of model.imports.values()) {
      const dir = this.resolveModule('go', rel, imp.module);
      if (dir === undefined) continue;
      const names = new Set<string>();
      const used = new RegExp(`\\b${imp.local.replace(/[^\w]/g, '')}\\.([A-Z]\\w*)`, 'g');
      for (const m of model.text.matchAll(used)) {
        names.add(m[1]!);
        if (names.size >= MAX_NAMES_PER_PACKAGE) break;
      }
      if (!names.size) continue;
      for (const file of this.goFiles(dir)) {
        const text = await this.text(file);
        if (text === undefined) continue;
        const declared = [...names].filter((n) => goDeclares(text, n));
        if (!declared.length || (filter && !(await this.passes(file, filter)))) continue;
        const other = file !== rel ? (await this.load(file))?.model : undefined;
        if (!other) continue;
        for (const n of declared) {
          model.linked.set(`${imp.module}#${n}`, other);
          names.delete(n);
        }
        if (++links >= MAX_LINKS_PER_FILE) return;
        if (!names.size) break;
      }
    }
  }

  /** The non-test Go files of a package folder (listed once, at most 64). */
  goFiles(dir: string): string[] {
    let hit = this.dirCache.get(dir);
    if (!hit) {
      try {
        hit = fs
          .readdirSync(path.join(this.root, dir), { withFileTypes: true })
          .filter((e) => e.isFile() && e.name.endsWith('.go') && !e.name.endsWith('_test.go'))
          .map((e) => (dir === '.' || dir === '' ? e.name : `${dir}/${e.name}`))
          .sort()
          .slice(0, 64);
      } catch {
        hit = [];
      }
      this.dirCache.set(dir, hit);
    }
    return hit;
  }

  /** The nearest `go.mod` at or above a folder: its folder and module path (memoised per folder). */
  private goModule(dir: string): { dir: string; path: string } | null {
    const hit = this.goModCache.get(dir);
    if (hit !== undefined) return hit;
    let found: { dir: string; path: string } | null = null;
    try {
      // Regular files only: a FIFO named go.mod or tsconfig.json would block the process.
      const text = readTextFileSync(path.join(this.root, dir, 'go.mod'), MAX_BYTES);
      const m = /^\s*module\s+(\S+)/m.exec(text);
      if (m) found = { dir, path: m[1]!.replace(/^"|"$/g, '') };
    } catch {
      // No go.mod here: look further up.
    }
    if (!found && dir !== '.' && dir !== '') found = this.goModule(path.posix.dirname(dir));
    this.goModCache.set(dir, found);
    return found;
  }

  /**
   * Whether `file` (read from its import statements' text, no parse) imports a project file that
   * `accept` takes, or, in Java, an interface handed to a proxy factory elsewhere in the workspace
   * (it matters whatever its text). A Go import names a package folder: any of its files counts.
   * The engine's parse-or-skip decision and the generation rule's link filter both ask this.
   */
  async importsAny(file: string, text: string, language: LanguageInfo, accept: (target: string) => Promise<boolean>): Promise<boolean> {
    for (const spec of importSpecifiers(text, language)) {
      const resolved = this.resolveModule(language.family, file, spec);
      if (resolved === undefined) continue;
      if (language.family === 'java' && this.proxyNames.has(spec.slice(spec.lastIndexOf('.') + 1))) return true;
      // A Go package whose interface a generating package implements: the importer may call through it.
      if (language.family === 'go' && this.goIndex().reachesGeneration(resolved === '.' ? '' : resolved)) return true;
      for (const target of language.family === 'go' ? this.goFiles(resolved) : [resolved]) if (target !== file && (await accept(target))) return true;
    }
    return false;
  }

  private readonly pluginCache = new Map<string, string[]>();

  /**
   * The modules a Python plugin loader can load: `importlib.import_module('pkg.plugins.' + name)`
   * (`suffix` empty) loads a module file or subpackage of the package `pkg.plugins`;
   * `import_module('pkg.plugins.' + name + '.core')` (`suffix` `.core`) the module `core` of each
   * subpackage. The package folder is found as an absolute import is, from the loading file's
   * folder upwards (a namespace package without `__init__.py` too). Listed once per package and
   * suffix, sorted, at most {@link MAX_PLUGIN_MODULES}.
   */
  pluginFiles(fromRel: string, pkg: string, suffix: string): string[] {
    const parts = pkg.split('.').filter(Boolean);
    const tail = suffix.split('.').filter(Boolean);
    if (!parts.length) return [];
    let dir: string | undefined;
    for (let from = path.posix.dirname(fromRel); ; from = path.posix.dirname(from)) {
      const cand = path.posix.join(from === '.' ? '' : from, ...parts);
      if (this.isDir(cand)) {
        dir = cand;
        break;
      }
      if (from === '.' || from === '' || from === '/') break;
    }
    if (dir === undefined) return [];
    const key = `${dir}|${tail.join('.')}`;
    let hit = this.pluginCache.get(key);
    if (!hit) {
      hit = [];
      let entries: fs.Dirent[] = [];
      try {
        entries = fs.readdirSync(path.join(this.root, dir), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      } catch {
        // An unreadable folder loads nothing we can see.
      }
      for (const e of entries) {
        if (hit.length >= MAX_PLUGIN_MODULES || e.name.startsWith('_') || e.name.startsWith('.')) continue;
        const base = e.isDirectory() ? path.posix.join(dir, e.name, ...tail) : !tail.length && e.name.endsWith('.py') ? path.posix.join(dir, e.name.slice(0, -3)) : undefined;
        const file = base !== undefined ? this.pyFile(base) : undefined;
        if (file) hit.push(file);
      }
      this.pluginCache.set(key, hit);
    }
    return hit;
  }

  /** Whether a workspace-relative path is a folder inside the workspace (memoised with the file checks). */
  private isDir(rel: string): boolean {
    const abs = path.join(this.root, rel);
    const key = `${abs}${path.sep}`;
    let hit = this.existsCache.get(key);
    if (hit === undefined) {
      try {
        this.realRoot ??= fs.realpathSync.native(this.root);
        const real = fs.realpathSync.native(abs);
        hit = real.startsWith(this.realRoot + path.sep) && fs.statSync(real).isDirectory();
      } catch {
        hit = false;
      }
      this.existsCache.set(key, hit);
    }
    return hit;
  }

  /**
   * Module lookups by family, importing folder and specifier. A file's imports are resolved again
   * on every keystroke, and each lookup tries several candidate paths; the answer changes only
   * when a file is created or deleted, which `invalidate` hears of.
   */
  private readonly moduleCache = new Map<string, string | null>();

  /** The workspace-relative file a module specifier names, if it is one of the project's files. */
  resolveModule(family: FileModel['family'], fromRel: string, spec: string): string | undefined {
    const fromDir = path.posix.dirname(fromRel);
    const key = `${family}\0${fromDir}\0${spec}`;
    const hit = this.moduleCache.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const found = this.resolveModuleUncached(family, fromDir, spec);
    this.moduleCache.set(key, found ?? null);
    return found;
  }

  private resolveModuleUncached(family: FileModel['family'], fromDir: string, spec: string): string | undefined {
    if (family === 'java') return this.javaFile(fromDir, spec);
    if (family === 'go') {
      // A package folder (Go imports folders, not files).
      const mod = this.goModule(fromDir);
      if (!mod || (spec !== mod.path && !spec.startsWith(`${mod.path}/`))) return undefined;
      const dir = path.posix.normalize(path.posix.join(mod.dir, spec.slice(mod.path.length + 1)));
      return this.goFiles(dir).length ? dir : undefined;
    }
    if (family === 'js') {
      if (spec.startsWith('.')) return this.jsFile(path.posix.join(fromDir, spec));
      for (const base of this.jsAliases(spec)) {
        const hit = this.jsFile(base);
        if (hit) return hit;
      }
      return undefined;
    }
    if (family === 'python') {
      const dots = /^\.*/.exec(spec)![0].length;
      const parts = spec.slice(dots).split('.').filter(Boolean);
      if (dots > 0) {
        let dir = fromDir;
        for (let i = 1; i < dots; i++) dir = path.posix.dirname(dir);
        return this.pyFile(path.posix.join(dir, ...parts));
      }
      // A package import is looked up from the importing file's folder upwards: the package root
      // (`src/`, `libs/x/`) is whichever ancestor holds the first name as a folder or file.
      for (let dir = fromDir; ; dir = path.posix.dirname(dir)) {
        const hit = this.pyFile(path.posix.join(dir === '.' ? '' : dir, ...parts));
        if (hit) return hit;
        if (dir === '.' || dir === '' || dir === '/') break;
      }
      return undefined;
    }
    return undefined;
  }

  /**
   * The file of a Java class: a bare name is a class of the importing file's package (its folder);
   * a qualified name is looked up under the source root, the ancestor of the importing folder
   * where the folders start to spell the import's package (`svc/src/main/java` for `com.acme.*`
   * from `svc/src/main/java/com/acme/web`). A nested class (`com.acme.Outer.Inner`) is in its
   * outer class's file.
   */
  private javaFile(fromDir: string, spec: string): string | undefined {
    const parts = spec.split('.').filter(Boolean);
    if (!parts.length) return undefined;
    if (parts.length === 1) {
      const rel = fromDir === '.' ? `${parts[0]!}.java` : `${fromDir}/${parts[0]!}.java`;
      return this.exists(path.join(this.root, rel)) ? rel : undefined;
    }
    const dirs = fromDir === '.' ? [] : fromDir.split('/');
    const roots: string[] = [];
    // The source root: where the folders start to spell the import's leading package names (the
    // nearest such place, and the one after it; a source tree with a package of its own name
    // is rare).
    for (let i = dirs.length - 1; i >= 0 && roots.length < 2; i--) if (dirs[i] === parts[0] && (i + 1 >= dirs.length || dirs[i + 1] === parts[1])) roots.push(dirs.slice(0, i).join('/'));
    // A file in the default package, or at the top of the source root.
    if (!roots.length) roots.push(fromDir === '.' ? '' : fromDir);
    for (const r of roots) {
      for (let n = parts.length; n >= Math.max(2, parts.length - 1); n--) {
        const rel = `${r ? `${r}/` : ''}${parts.slice(0, n).join('/')}.java`;
        if (this.exists(path.join(this.root, rel))) return rel;
      }
    }
    return undefined;
  }

  private pyFile(base: string): string | undefined {
    if (!base) return undefined;
    for (const cand of [`${base}.py`, `${base}/__init__.py`]) if (this.exists(path.join(this.root, cand))) return cand;
    return undefined;
  }

  private jsFile(base: string): string | undefined {
    const clean = path.posix.normalize(base);
    if (clean.startsWith('..')) return undefined;
    if (JS_EXTENSIONS.some((e) => clean.endsWith(e)) && this.exists(path.join(this.root, clean))) return clean;
    // `./x.js` written for a `.ts` source.
    const stem = clean.replace(/\.(?:js|mjs|cjs)$/, '');
    for (const e of JS_EXTENSIONS) if (this.exists(path.join(this.root, stem + e))) return stem + e;
    for (const e of JS_EXTENSIONS) if (this.exists(path.join(this.root, stem, `index${e}`))) return `${stem}/index${e}`;
    return undefined;
  }

  /** Candidate paths of a non-relative JS specifier: tsconfig `paths`, then the `@/` and `~/` conventions. */
  private jsAliases(spec: string): string[] {
    const out: string[] = [];
    const ts = this.readTsPaths();
    if (ts) {
      for (const [pattern, targets] of ts.paths) {
        const star = pattern.indexOf('*');
        const prefix = star >= 0 ? pattern.slice(0, star) : pattern;
        if (star >= 0 ? !spec.startsWith(prefix) : spec !== pattern) continue;
        const rest = star >= 0 ? spec.slice(prefix.length) : '';
        for (const t of targets) out.push(path.posix.join(ts.baseUrl, t.replace('*', rest)));
      }
    }
    const m = /^[@~]\/(.*)$/.exec(spec);
    if (m) out.push(m[1]!, `src/${m[1]!}`);
    return out;
  }

  private readTsPaths(): { baseUrl: string; paths: [string, string[]][] } | null {
    if (this.tsPaths !== undefined) return this.tsPaths;
    this.tsPaths = null;
    for (const name of ['tsconfig.json', 'jsconfig.json']) {
      try {
        const text = readTextFileSync(path.join(this.root, name), MAX_BYTES);
        // tsconfig is JSONC: drop comments and trailing commas before parsing.
        const json = JSON.parse(text.replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '').replace(/,(\s*[}\]])/g, '$1')) as { compilerOptions?: { baseUrl?: string; paths?: Record<string, string[]> } };
        const co = json.compilerOptions ?? {};
        if (co.paths) {
          this.tsPaths = { baseUrl: path.posix.normalize(co.baseUrl ?? '.'), paths: Object.entries(co.paths) };
          break;
        }
      } catch {
        // No config or an unreadable one: only the conventions apply.
      }
    }
    return this.tsPaths;
  }

  private readonly texts = new Map<string, Promise<string | undefined>>();
  private readonly textSizes = new Map<string, number>();
  private textChars = 0;

  /** The text of a workspace file (read once while cached), or undefined when it cannot or should not be read. */
  text(rel: string): Promise<string | undefined> {
    let p = this.texts.get(rel);
    if (p) {
      // Most recently used last, so that eviction takes the oldest first.
      this.texts.delete(rel);
    } else {
      p = (async () => {
        try {
          const abs = path.join(this.root, rel);
          const t = await readTextFile(abs, MAX_BYTES);
          // A text evicted before its read finished is not counted: nothing would subtract it.
          if (this.texts.has(rel)) this.countText(rel, t);
          return t;
        } catch {
          return undefined;
        }
      })();
    }
    this.texts.set(rel, p);
    return p;
  }

  /** Keeps a text read elsewhere (`passes`) under the same accounting as `text`. */
  private keepText(rel: string, t: string): void {
    if (this.texts.has(rel)) return;
    this.texts.set(rel, Promise.resolve(t));
    this.countText(rel, t);
  }

  private countText(rel: string, t: string): void {
    this.textSizes.set(rel, t.length);
    this.textChars += t.length;
  }

  /** Forgets a cached text and its share of the character budget. */
  private dropText(rel: string): void {
    this.texts.delete(rel);
    this.textChars -= this.textSizes.get(rel) ?? 0;
    this.textSizes.delete(rel);
  }

  /** The workspace-relative path of a model this workspace loaded. */
  relOf(model: FileModel): string | undefined {
    return this.relOfModel.get(model);
  }

  private readonly relOfModel = new OwnedMemo<FileModel, string>();

  /** Reads, parses and models one workspace file (once while cached; evicted least recently used first). */
  load(rel: string): Promise<Loaded | undefined> {
    this.requests.set(rel, (this.requests.get(rel) ?? 0) + 1);
    // Every so many requests the counts are halved, so that what decides eviction is how often a
    // file was asked for lately.
    if (++this.requestsSinceAging >= REQUESTS_PER_AGING) {
      this.requestsSinceAging = 0;
      for (const [k, n] of this.requests) {
        if (n > 1) this.requests.set(k, n >> 1);
        else this.requests.delete(k);
      }
    }
    let p = this.loaded.get(rel);
    if (p) this.loaded.delete(rel);
    else {
      const loading = this.loadUncached(rel);
      p = loading;
      void loading.then((l) => {
        // Only while it is still the entry: an eviction or invalidation may have come first.
        if (l && this.loaded.get(rel) === loading) this.settled.set(rel, l);
      });
    }
    this.loaded.set(rel, p);
    return p;
  }

  /** Whether `rel` was ever parsed for the model (for tests: what an analysis opened). */
  hasLoaded(rel: string): boolean {
    return this.everLoaded.has(rel);
  }

  /** Files whose trees the workspace keeps alive now (for tests and the bench). */
  get liveFiles(): number {
    return this.loaded.size;
  }

  private async loadUncached(rel: string): Promise<Loaded | undefined> {
    // The bound counts files, not loads: a file evicted and loaded again is the same file.
    if (this.count >= MAX_FILES && !this.everLoaded.has(rel)) return undefined;
    const language = languageForPath(rel);
    if (!language) return undefined;
    // A tree an analysis handed over is this file's text parsed; the text is kept as the file's
    // own, so that the import checks read what the model was built from.
    const adopted = this.adopted.get(rel);
    if (adopted) {
      this.adopted.delete(rel);
      this.keepText(rel, adopted.text);
    }
    const text = adopted?.text ?? (await this.text(rel));
    if (text === undefined) return undefined;
    if (!this.everLoaded.has(rel)) {
      this.everLoaded.add(rel);
      this.count++;
    }
    let tree = adopted?.tree;
    try {
      tree ??= await this.host.parse(language.id, text, rel);
      const model = await buildFileModel({ tree, text, language, host: this.host });
      this.relOfModel.set(model, rel);
      return { text, model, tree };
    } catch {
      tree?.delete();
      return undefined;
    }
  }
}

/** The memoised answer of `compute` for `file` under the filter `key` (see `LinkFilter`). */
function memoised(memo: Map<string, Map<string, Promise<boolean>>>, file: string, key: string, compute: () => Promise<boolean>): Promise<boolean> {
  let byKey = memo.get(file);
  if (!byKey) {
    byKey = new Map();
    memo.set(file, byKey);
  }
  let v = byKey.get(key);
  if (!v) {
    v = compute();
    byKey.set(key, v);
  }
  return v;
}

/** The interfaces a file's text hands to a framework's proxy factory (see `Workspace.proxyNames`). */
export function proxyFactoryNames(text: string): string[] {
  const out: string[] = [];
  for (const p of catalog().proxies) {
    if (!text.includes(p.factoryHint)) continue;
    for (const m of text.matchAll(p.classArg)) out.push(m[1]!);
  }
  return out;
}

/** Whether Go source declares a top-level function, method, type, variable or constant `name`. */
function goDeclares(text: string, name: string): boolean {
  return new RegExp(`^(?:func\\s+(?:\\([^)]*\\)\\s*)?|type\\s+|var\\s+|const\\s+)${name}\\b`, 'm').test(text);
}

/**
 * The class names a Java file uses that it neither imports nor declares: declared types of its
 * fields, parameters and locals, receivers of static calls and constructed classes. Each may be a
 * class of the file's own package.
 */
function javaTypeNames(model: FileModel): string[] {
  const out = new Set<string>();
  const add = (n: Node | null | undefined): void => {
    let t = n;
    while (t && (t.type === 'generic_type' || t.type === 'array_type')) t = t.type === 'generic_type' ? t.firstNamedChild : t.childForFieldName('element');
    if (!t || (t.type !== 'type_identifier' && t.type !== 'identifier')) return;
    const name = model.textOf(t);
    if (/^[A-Z]\w*$/.test(name) && !model.imports.has(name) && !model.classes.has(name) && !JAVA_LANG.has(name)) out.add(name);
  };
  for (const list of model.bindings.values()) {
    for (const b of list) {
      add(b.type);
      if (out.size >= MAX_JAVA_NAMES) return [...out];
    }
  }
  for (const c of model.calls) {
    if (c.isNew) add(c.callee);
    else if (c.receiver?.type === 'identifier') add(c.receiver);
    if (out.size >= MAX_JAVA_NAMES) break;
  }
  return [...out];
}

/** `java.lang` and other names no project file is looked up for. */
const JAVA_LANG: ReadonlySet<string> = new Set(['String', 'Object', 'Integer', 'Long', 'Double', 'Float', 'Boolean', 'Byte', 'Short', 'Character', 'Math', 'System', 'Thread', 'Exception', 'RuntimeException', 'StringBuilder', 'Class', 'Void', 'Number', 'Iterable', 'Runnable', 'Override', 'List', 'Map', 'Set']);
