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
 * packages found from the importing file's folders upwards. Go and Java packages are not mapped yet.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Tree } from 'web-tree-sitter';
import { type LanguageInfo, languageForPath } from '../languages';
import type { TreeSitterHost } from '../parser';
import { catalog } from './catalog';
import { importSpecifiers } from './importText';
import { type FileModel, getFileModel } from './model';

/** Files loaded per workspace at most (a bound on the parsing the model may add to a scan). */
const MAX_FILES = 400;
/**
 * Loaded files whose trees stay alive between analyses, least recently used evicted first. A
 * tree lives in the parser's WebAssembly memory, which never shrinks: keeping every linked file
 * parsed made that memory, and the process, grow with the number of files a scan had linked.
 */
const MAX_LIVE_FILES = 48;
/** Characters of file text kept for the import checks between analyses. */
const MAX_TEXT_CHARS = 8 * 1024 * 1024;
/** Imports linked per candidate file at most. */
const MAX_LINKS_PER_FILE = 24;
/** Files larger than this are not loaded for their symbols. */
const MAX_BYTES = 512 * 1024;

const JS_EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'];

interface Loaded {
  hash: string;
  model: FileModel;
  tree: Tree;
}

export class Workspace {
  private readonly loaded = new Map<string, Promise<Loaded | undefined>>();
  private readonly existsCache = new Map<string, boolean>();
  private tsPaths: { baseUrl: string; paths: [string, string[]][] } | null | undefined;
  private count = 0;

  constructor(readonly root: string, private readonly host: TreeSitterHost) {}

  private readonly importers = new Map<string, readonly string[]>();

  /** Records which project files import `rel` (the scan's reverse-import index, given per file). */
  setImporters(rel: string, files: readonly string[]): void {
    this.importers.set(rel, files);
  }

  /** The project files known to import `rel` (empty when the caller gave none). */
  importersOf(rel: string): readonly string[] {
    return this.importers.get(rel) ?? [];
  }

  /** Frees every tree the workspace keeps. */
  dispose(): void {
    for (const p of this.loaded.values()) void p.then((l) => l?.tree.delete());
    this.loaded.clear();
  }

  /** Analyses in flight that may hold models of loaded files (their trees must stay alive). */
  private active = 0;
  /** Trees of files that changed while an analysis was in flight, deleted when none is. */
  private retired: Promise<Loaded | undefined>[] = [];
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
    const p = this.loaded.get(rel);
    if (p) {
      this.loaded.delete(rel);
      if (this.active > 0) this.retired.push(p);
      else void p.then((l) => l?.tree.delete());
    }
    if (this.texts.delete(rel)) {
      this.textChars -= this.textSizes.get(rel) ?? 0;
      this.textSizes.delete(rel);
    }
    // A file created or deleted changes what a specifier resolves to; a tsconfig its path aliases.
    this.existsCache.clear();
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
    for (const [rel, p] of this.loaded) {
      if (this.loaded.size <= MAX_LIVE_FILES) break;
      this.loaded.delete(rel);
      void p.then((l) => l?.tree.delete());
    }
    for (const rel of this.texts.keys()) {
      if (this.textChars <= MAX_TEXT_CHARS) break;
      this.texts.delete(rel);
      this.textChars -= this.textSizes.get(rel) ?? 0;
      this.textSizes.delete(rel);
    }
  }

  private exists(abs: string): boolean {
    let hit = this.existsCache.get(abs);
    if (hit === undefined) {
      try {
        hit = fs.statSync(abs).isFile();
      } catch {
        hit = false;
      }
      this.existsCache.set(abs, hit);
    }
    return hit;
  }

  /**
   * Links the imports of `model` (the file `rel`) that name files of this workspace: afterwards
   * `model.linked` maps each such module specifier to the imported file's model.
   */
  async link(model: FileModel, rel: string, filter?: (text: string) => boolean): Promise<void> {
    const cat = catalog();
    let links = 0;
    const seen = new Set<string>();
    for (const imp of model.imports.values()) {
      const spec = imp.raw ?? imp.module;
      if (seen.has(spec) || model.linked.has(spec) || model.linked.has(imp.module)) continue;
      seen.add(spec);
      // Modules the catalog knows are SDKs; the project's own modules are what we link.
      if (cat.providersForModule(model.family, imp.module).length) continue;
      const target = this.resolveModule(model.family, rel, spec);
      if (!target) continue;
      // With a filter, a file is parsed only when its text can matter (checked on the text first).
      if (filter) {
        const text = await this.text(target);
        if (text === undefined || !filter(text)) continue;
      }
      const other = await this.load(target);
      if (!other) continue;
      model.linked.set(spec, other.model);
      if (spec !== imp.module) model.linked.set(imp.module, other.model);
      if (++links >= MAX_LINKS_PER_FILE) break;
    }
  }

  /**
   * True when the file `rel` (its text, not yet parsed) imports a project file whose text passes
   * `filter`. Read from the import statements' text, a superset of what `link` would link, so a
   * caller may skip building a file model when this says no.
   */
  async importsMatching(rel: string, text: string, language: LanguageInfo, filter: (text: string) => boolean): Promise<boolean> {
    for (const spec of importSpecifiers(text, language)) {
      const target = this.resolveModule(language.family, rel, spec);
      if (target === undefined) continue;
      const other = await this.text(target);
      if (other !== undefined && filter(other)) return true;
    }
    return false;
  }

  /** The workspace-relative file a module specifier names, if it is one of the project's files. */
  resolveModule(family: FileModel['family'], fromRel: string, spec: string): string | undefined {
    const fromDir = path.posix.dirname(fromRel);
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
        const text = fs.readFileSync(path.join(this.root, name), 'utf8');
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
          if (fs.statSync(abs).size > MAX_BYTES) return undefined;
          const t = await fs.promises.readFile(abs, 'utf8');
          // Counted once per read; a text evicted before its read finished is counted and never
          // subtracted, which only makes later evictions a little earlier.
          if (this.texts.has(rel)) {
            this.textSizes.set(rel, t.length);
            this.textChars += t.length;
          }
          return t;
        } catch {
          return undefined;
        }
      })();
    }
    this.texts.set(rel, p);
    return p;
  }

  /** Reads, parses and models one workspace file (once while cached; evicted least recently used first). */
  load(rel: string): Promise<Loaded | undefined> {
    let p = this.loaded.get(rel);
    if (p) this.loaded.delete(rel);
    else p = this.loadUncached(rel);
    this.loaded.set(rel, p);
    return p;
  }

  /** Files whose trees the workspace keeps alive now (for tests and the bench). */
  get liveFiles(): number {
    return this.loaded.size;
  }

  private async loadUncached(rel: string): Promise<Loaded | undefined> {
    if (this.count >= MAX_FILES) return undefined;
    const language = languageForPath(rel);
    if (!language) return undefined;
    const text = await this.text(rel);
    if (text === undefined) return undefined;
    this.count++;
    try {
      const tree = await this.host.parse(language.id, text, rel);
      const model = await getFileModel({ tree, text, language, host: this.host });
      return { hash: createHash('sha1').update(text).digest('hex'), model, tree };
    } catch {
      return undefined;
    }
  }
}
