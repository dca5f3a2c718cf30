/**
 * A text index of a workspace's Go code: which package folder declares which functions, methods
 * (by receiver type) and interfaces (with their method names). Go dispatches through interfaces
 * that types satisfy by their method sets alone, and a gateway's handler reaches its providers
 * that way (`a := relay.GetAdaptor(t); a.DoRequest(...)`, one implementation per provider
 * package): to follow such a call, aireg needs the implementations of an interface method, which
 * no import names.
 *
 * The index is read from the files' text with a few line regexes (no parse): linear in the size of
 * the Go sources, built once per workspace on first use, at most `MAX_GO_FILES` files, and updated
 * per file when the language server says one changed. Implementations of an interface are the
 * types of the workspace whose method set (as declared in their package) holds every method the
 * interface declares; they are computed once per interface, at most `MAX_IMPLEMENTATIONS`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readTextFileSync } from '../readFile';
import { catalog } from './catalog';

/** Go files indexed per workspace at most. */
const MAX_GO_FILES = 6000;
/** Files larger than this are not indexed. */
const MAX_BYTES = 512 * 1024;
/** Implementations kept per interface (the most a call through it is followed into). */
export const MAX_IMPLEMENTATIONS = 48;
/** Folders never walked: dependencies, generated trees and tool state. */
const SKIP_DIRS = new Set(['vendor', 'node_modules', 'testdata', 'third_party', 'dist', 'build']);

const FUNC = /^func[ \t]+([A-Za-z_]\w*)[ \t]*[[(]/gm;
const METHOD = /^func[ \t]*\([ \t]*(?:[A-Za-z_]\w*[ \t]+)?\*?[ \t]*([A-Za-z_]\w*)(?:\[[^\]]*\])?[ \t]*\)[ \t]*([A-Za-z_]\w*)[ \t]*[[(]/gm;
const INTERFACE = /^(?:type[ \t]+|[ \t]+)([A-Za-z_]\w*)(?:\[[^\]]*\])?[ \t]+interface[ \t]*\{/gm;
const IFACE_METHOD = /^[ \t]*([A-Za-z_]\w*)[ \t]*\(/;
/** A quoted import path with a domain (standard-library paths have none). */
const IMPORT_PATH = /"([\w-]+(?:\.[\w-]+)+\/[^"\s]+)"/g;
/** Implementation candidates scanned per interface when the whole index is derived. */
const MAX_CANDIDATES = 256;
/** `const X = ...`, `var X T`, and the names of a `const (` / `var (` block. */
const VALUE = /^(?:const|var)[ \t]+([A-Za-z_]\w*)/gm;
const VALUE_BLOCK = /^(?:const|var)[ \t]*\(([^)]*)\)/gm;
const BLOCK_NAME = /^[ \t]+([A-Za-z_]\w*)\b/gm;
/** `type X struct {`, and a named field line inside it (`client *openai.Client`, `a, b int`; not an embedded type). */
const STRUCT = /^type[ \t]+[A-Za-z_]\w*(?:\[[^\]]*\])?[ \t]+struct[ \t]*\{/gm;
const FIELD_LINE = /^[ \t]+([A-Za-z_]\w*(?:[ \t]*,[ \t]*[A-Za-z_]\w*)*)[ \t]+[*[\]A-Za-z_]/;

/** One function or method the index knows: the file that declares it. */
export interface GoDecl {
  file: string;
  dir: string;
  /** The receiver type of a method; undefined for a function. */
  type: string | undefined;
  name: string;
  /** Its file names an SDK or endpoint, or its body makes an HTTP call. */
  hint?: boolean;
  /** The names its body calls (`x.Name(`, `Name(`), a superset. */
  calls?: readonly string[];
  /** Its first declared result type, as a package folder and type name, when the index can tell. */
  result?: { dir: string; name: string } | undefined;
}

interface FileFacts {
  dir: string;
  /** The text names an SDK module, endpoint or name-only path of the catalog. */
  hinted: boolean;
  /** Import paths with a domain (the project's own packages among them). */
  imports: string[];
  funcs: BodyFacts[];
  /** Package-level constants and variables. */
  values: string[];
  /** Named fields of the file's struct types (only for a file that names an SDK or endpoint). */
  fields: string[];
  methods: (BodyFacts & { type: string })[];
  interfaces: { name: string; methods: string[] }[];
}

/** A function's or method's name, and what its signature and body text say (see `GoDecl`). */
interface BodyFacts {
  name: string;
  http: boolean;
  calls: string[];
  /** The first declared result type as written, without `*` (`upstream.Vendor`, `Client`). */
  result: string | undefined;
}

/** The first result type of a signature whose parameter list starts at `from` (just after its `(`). */
function resultOf(text: string, from: number): string | undefined {
  let depth = 1;
  let i = from;
  for (; i < text.length && depth > 0 && i < from + 4000; i++) depth += text[i] === '(' ? 1 : text[i] === ')' ? -1 : 0;
  const brace = text.indexOf('{', i);
  const line = text.indexOf('\n', i);
  let rest = text.slice(i, brace < 0 || (line >= 0 && line < brace) ? line : brace).trim();
  if (rest.startsWith('(')) rest = rest.slice(1).split(',')[0]!.trim().split(/\s+/).pop() ?? '';
  const m = /^\*?([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?)/.exec(rest);
  return m?.[1];
}

/** Names called in a body: `name(`, `x.name(` (keywords and conversions too: a superset). */
const CALLED = /\b([A-Za-z_]\w*)[ \t]*\(/g;
/** Names a body may call at most are kept per function. */
const MAX_CALLED = 64;

/** The body of the declaration starting at `from`: up to the first line that is a lone `}` (gofmt). */
function bodyFacts(text: string, from: number, name: string): BodyFacts {
  const close = text.indexOf('\n}', from);
  const body = text.slice(from, close < 0 ? Math.min(text.length, from + 20000) : close);
  const calls = new Set<string>();
  for (const m of body.matchAll(CALLED)) {
    calls.add(m[1]!);
    if (calls.size >= MAX_CALLED) break;
  }
  return { name, http: catalog().mayCallHttp('go', body), calls: [...calls], result: resultOf(text, from) };
}

export class GoIndex {
  private files: Map<string, FileFacts> | undefined;
  /** The `go.mod` modules of the workspace: folder and module path. */
  private modules: { dir: string; path: string }[] = [];
  private derived: Derived | undefined;

  constructor(private readonly root: string) {}

  /** Forgets a changed file: it is read again, and what was derived from the whole is rebuilt, on next use. */
  invalidate(rel: string): void {
    if (!this.files || !rel.endsWith('.go')) return;
    this.files.delete(rel);
    const facts = this.read(rel);
    if (facts) this.files.set(rel, facts);
    this.derived = undefined;
  }

  /** The functions named `name` declared in the package folder `dir`. */
  functions(dir: string, name: string): GoDecl[] {
    return this.get().funcs.get(`${dir}\u0000${name}`) ?? [];
  }

  /** The methods `name` of type `type` declared in the package folder `dir`. */
  methods(dir: string, type: string, name: string): GoDecl[] {
    return (this.get().byMethod.get(name) ?? []).filter((m) => m.dir === dir && m.type === type);
  }

  /** The package-level values of `dir`'s files that name an SDK or endpoint, with their files. */
  hintedValues(dir: string): ReadonlyMap<string, string> | undefined {
    return this.get().values.get(dir);
  }

  /**
   * The struct fields declared by `dir`'s files that name an SDK or endpoint, with their files: a
   * method in another file of the package reads such a field (`c.client.CreateChatCompletion`)
   * whose type only the declaring file says.
   */
  hintedFields(dir: string): ReadonlyMap<string, string> | undefined {
    return this.get().fields.get(dir);
  }

  /** Whether `dir` declares an interface `name`, and its methods. */
  interfaceOf(dir: string, name: string): readonly string[] | undefined {
    return this.get().interfaces.get(`${dir}\u0000${name}`);
  }

  /**
   * The methods `method` of the workspace's types that satisfy the interface `name` of `dir` by
   * their declared method sets (Go's structural typing), in path order, at most MAX_IMPLEMENTATIONS.
   */
  implementations(dir: string, name: string, method: string): GoDecl[] {
    const d = this.get();
    const key = `${dir}\u0000${name}\u0000${method}`;
    let hit = d.impls.get(key);
    if (!hit) {
      const wanted = d.interfaces.get(`${dir}\u0000${name}`) ?? [];
      hit = [];
      if (wanted.includes(method)) {
        for (const m of d.byMethod.get(method) ?? []) {
          const set = d.typeMethods.get(`${m.dir}\u0000${m.type!}`);
          if (set && wanted.every((w) => set.has(w))) hit.push(m);
          if (hit.length >= MAX_IMPLEMENTATIONS) break;
        }
      }
      d.impls.set(key, hit);
    }
    return hit;
  }

  /**
   * Whether a package folder can make its importers' calls reach a generation call: one of its
   * files names an SDK or endpoint the catalog knows, or it declares an interface that a type
   * of such a package implements (the importer may call through it). For the parse-or-skip
   * decision only: findings still need the calls to resolve.
   */
  reachesGeneration(dir: string): boolean {
    return this.get().reaching.has(dir);
  }

  /**
   * Whether a function of package folder `dir` may make a generation call, directly or through
   * the project packages it imports and the implementations of the interfaces it declares (a
   * package whose files name an SDK or endpoint is where such paths end).
   * The Go dispatch follows calls only into such packages, and only into those within as many
   * hops as it has calls left to follow (`within`).
   */
  mayGenerate(dir: string, within = Infinity): boolean {
    const hops = this.get().generating.get(dir);
    return hops !== undefined && hops <= within;
  }

  /**
   * Whether a function or method may make a generation call within `calls` more calls, from its
   * body's text alone: its file names an SDK or endpoint, or the body makes an HTTP call, or it
   * calls a name that some function or method of the workspace declares that may (by name, a
   * superset). Memoised per declaration and depth; a cycle counts as no.
   */
  declMayGenerate(decl: GoDecl, calls: number): boolean {
    const d = this.get();
    let memo = d.declMemo.get(decl);
    if (!memo) d.declMemo.set(decl, (memo = []));
    const hit = memo[calls];
    if (hit !== undefined) return hit;
    memo[calls] = false;
    let out = !!decl.hint;
    if (!out && calls > 0) {
      outer: for (const n of decl.calls ?? []) {
        for (const other of d.byName.get(n) ?? []) {
          if (other !== decl && this.declMayGenerate(other, calls - 1)) {
            out = true;
            break outer;
          }
        }
      }
    }
    memo[calls] = out;
    return out;
  }

  /** Whether some type of a package that may generate (within `within` hops) has a method `name`. */
  methodMayGenerate(name: string, within = Infinity): boolean {
    const d = this.get();
    return (d.byMethod.get(name) ?? []).some((m) => (d.generating.get(m.dir) ?? Infinity) <= within);
  }

  /** The package folders for which `reachesGeneration` holds. */
  reachingDirs(): ReadonlySet<string> {
    return this.get().reaching;
  }

  private get(): Derived {
    if (!this.files) this.files = this.walk();
    this.derived ??= derive(this.files, this.modules);
    return this.derived;
  }

  private walk(): Map<string, FileFacts> {
    const out = new Map<string, FileFacts>();
    const stack = [''];
    while (stack.length && out.size < MAX_GO_FILES) {
      const dir = stack.pop()!;
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(path.join(this.root, dir), { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        const rel = dir ? `${dir}/${e.name}` : e.name;
        if (e.isDirectory()) {
          if (!e.name.startsWith('.') && !SKIP_DIRS.has(e.name)) stack.push(rel);
        } else if (e.isFile() && e.name === 'go.mod') {
          try {
            const m = /^\s*module\s+(\S+)/m.exec(readTextFileSync(path.join(this.root, rel), MAX_BYTES));
            if (m) this.modules.push({ dir, path: m[1]!.replace(/^"|"$/g, '') });
          } catch {
            // An unreadable go.mod names no module.
          }
        } else if (e.isFile() && e.name.endsWith('.go') && !e.name.endsWith('_test.go')) {
          const facts = this.read(rel);
          if (facts) out.set(rel, facts);
          if (out.size >= MAX_GO_FILES) break;
        }
      }
    }
    return out;
  }

  private read(rel: string): FileFacts | undefined {
    let text: string;
    try {
      text = readTextFileSync(path.join(this.root, rel), MAX_BYTES);
    } catch {
      return undefined;
    }
    return goFileFacts(rel, text);
  }
}

/** The declarations of one Go file, read from its text. */
export function goFileFacts(rel: string, text: string): FileFacts {
  const dir = path.posix.dirname(rel);
  const hinted = catalog().mayMatch('go', text);
  const facts: FileFacts = { dir: dir === '.' ? '' : dir, hinted, imports: [], funcs: [], values: [], fields: [], methods: [], interfaces: [] };
  for (const m of text.matchAll(IMPORT_PATH)) facts.imports.push(m[1]!);
  for (const m of text.matchAll(FUNC)) facts.funcs.push(bodyFacts(text, m.index + m[0].length, m[1]!));
  if (facts.hinted) {
    // Only the values of a file that names an SDK or endpoint can be one (a URL constant).
    for (const m of text.matchAll(VALUE)) facts.values.push(m[1]!);
    for (const b of text.matchAll(VALUE_BLOCK)) for (const m of b[1]!.matchAll(BLOCK_NAME)) facts.values.push(m[1]!);
    // Likewise only its struct fields can hold an SDK client (the lines at the struct's own level).
    for (const m of text.matchAll(STRUCT)) {
      forEachBlockLine(text, m.index + m[0].length, (line) => {
        const f = FIELD_LINE.exec(line);
        if (f) for (const name of f[1]!.split(',')) facts.fields.push(name.trim());
      });
    }
  }
  for (const m of text.matchAll(METHOD)) facts.methods.push({ type: m[1]!, ...bodyFacts(text, m.index + m[0].length, m[2]!) });
  for (const m of text.matchAll(INTERFACE)) {
    // The method lines, at the interface's own level.
    const methods: string[] = [];
    forEachBlockLine(text, m.index + m[0].length, (line) => {
      const mm = IFACE_METHOD.exec(line);
      if (mm) methods.push(mm[1]!);
    });
    facts.interfaces.push({ name: m[1]!, methods });
  }
  return facts;
}

/**
 * Calls `visit` with each line of the `{ ... }` block that opens just before `from` and is at the
 * block's own level (a struct's fields, an interface's methods, not the lines of a nested literal),
 * up to the closing brace; at most 8,000 characters are read.
 */
function forEachBlockLine(text: string, from: number, visit: (line: string) => void): void {
  let depth = 1;
  for (const line of text.slice(from, from + 8000).split('\n')) {
    if (depth === 1) visit(line);
    for (const ch of line) depth += ch === '{' ? 1 : ch === '}' ? -1 : 0;
    if (depth <= 0) break;
  }
}

interface Derived {
  funcs: Map<string, GoDecl[]>;
  byMethod: Map<string, GoDecl[]>;
  /** Functions and methods by name, whatever their package. */
  byName: Map<string, GoDecl[]>;
  /** Memo of `declMayGenerate` by declaration and hops left. */
  declMemo: Map<GoDecl, (boolean | undefined)[]>;
  typeMethods: Map<string, Set<string>>;
  interfaces: Map<string, string[]>;
  values: Map<string, Map<string, string>>;
  fields: Map<string, Map<string, string>>;
  impls: Map<string, GoDecl[]>;
  reaching: Set<string>;
  /** Packages that may generate, with the fewest hops (imports, interface implementations) to one that names an SDK or endpoint. */
  generating: Map<string, number>;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * A result type written in a file as a package folder and name: `Vendor` is the file's own
 * package's; `upstream.Vendor` is the project package the file imports under that name (its path's
 * last element; an aliased import is not seen here, and the dispatch then reads the file).
 */
function typeDir(f: FileFacts, written: string | undefined, modules: readonly { dir: string; path: string }[]): { dir: string; name: string } | undefined {
  if (!written) return undefined;
  const dot = written.indexOf('.');
  if (dot < 0) return /^[A-Z_a-z]/.test(written) && !GO_BUILTIN.has(written) ? { dir: f.dir, name: written } : undefined;
  const pkg = written.slice(0, dot);
  const p = f.imports.find((i) => i.slice(i.lastIndexOf('/') + 1) === pkg);
  if (!p) return undefined;
  for (const m of modules) {
    if (p !== m.path && !p.startsWith(`${m.path}/`)) continue;
    const rest = p.slice(m.path.length + 1);
    return { dir: m.dir ? (rest ? `${m.dir}/${rest}` : m.dir) : rest, name: written.slice(dot + 1) };
  }
  return undefined;
}

/** Go's predeclared types: never a project type. */
const GO_BUILTIN = new Set(['string', 'error', 'bool', 'byte', 'rune', 'int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr', 'float32', 'float64', 'complex64', 'complex128', 'any', 'interface', 'map', 'chan', 'func', 'struct']);

/** The lookups of the whole index, linear in the number of declarations. */
function derive(files: Map<string, FileFacts>, modules: readonly { dir: string; path: string }[]): Derived {
  const d: Derived = { funcs: new Map(), byMethod: new Map(), byName: new Map(), declMemo: new Map(), typeMethods: new Map(), interfaces: new Map(), values: new Map(), fields: new Map(), impls: new Map(), reaching: new Set(), generating: new Map() };
  const hintedDirs = new Set<string>();
  for (const [file, f] of [...files].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (f.hinted) hintedDirs.add(f.dir);
    for (const fn of f.funcs) {
      const decl: GoDecl = { file, dir: f.dir, type: undefined, name: fn.name, hint: f.hinted || fn.http, calls: fn.calls, result: typeDir(f, fn.result, modules) };
      push(d.funcs, `${f.dir}\u0000${fn.name}`, decl);
      push(d.byName, fn.name, decl);
    }
    for (const m of f.methods) {
      const decl: GoDecl = { file, dir: f.dir, type: m.type, name: m.name, hint: f.hinted || m.http, calls: m.calls, result: typeDir(f, m.result, modules) };
      push(d.byMethod, m.name, decl);
      push(d.byName, m.name, decl);
      const key = `${f.dir}\u0000${m.type}`;
      let set = d.typeMethods.get(key);
      if (!set) d.typeMethods.set(key, (set = new Set()));
      set.add(m.name);
    }
    for (const i of f.interfaces) if (i.methods.length) d.interfaces.set(`${f.dir}\u0000${i.name}`, i.methods);
    if (f.values.length) {
      let vals = d.values.get(f.dir);
      if (!vals) d.values.set(f.dir, (vals = new Map()));
      for (const v of f.values) if (!vals.has(v)) vals.set(v, file);
    }
    if (f.fields.length) {
      let fields = d.fields.get(f.dir);
      if (!fields) d.fields.set(f.dir, (fields = new Map()));
      for (const v of f.fields) if (!fields.has(v)) fields.set(v, file);
    }
  }
  for (const dir of hintedDirs) d.reaching.add(dir);
  // Which packages may generate: a reverse walk from the packages that name an SDK or endpoint
  // over "imports" edges and "declares an interface implemented in" edges. (An HTTP call in a
  // package without hints sends a URL made elsewhere: through an interface or an import, and
  // the walk gets there that way.)
  const dirs = new Set<string>();
  for (const f of files.values()) dirs.add(f.dir);
  const dependents = new Map<string, Set<string>>();
  const edge = (from: string, to: string): void => {
    if (from === to) return;
    let set = dependents.get(to);
    if (!set) dependents.set(to, (set = new Set()));
    set.add(from);
  };
  let work: string[] = [];
  for (const f of files.values()) {
    if (f.hinted && !d.generating.has(f.dir)) {
      d.generating.set(f.dir, 0);
      work.push(f.dir);
    }
    for (const p of f.imports) {
      for (const m of modules) {
        if (p !== m.path && !p.startsWith(`${m.path}/`)) continue;
        const rest = p.slice(m.path.length + 1);
        const target = m.dir ? (rest ? `${m.dir}/${rest}` : m.dir) : rest;
        if (dirs.has(target)) edge(f.dir, target);
      }
    }
  }
  for (const [key, methods] of d.interfaces) {
    const dir = key.slice(0, key.indexOf('\u0000'));
    let scanned = 0;
    for (const m of d.byMethod.get(methods[0]!) ?? []) {
      if (++scanned > MAX_CANDIDATES) break;
      const set = d.typeMethods.get(`${m.dir}\u0000${m.type!}`);
      if (set && methods.every((w) => set.has(w))) edge(dir, m.dir);
    }
  }
  // Breadth first, so each package gets its fewest hops.
  for (let hops = 1; work.length; hops++) {
    const next: string[] = [];
    for (const dir of work) {
      for (const from of dependents.get(dir) ?? []) {
        if (d.generating.has(from)) continue;
        d.generating.set(from, hops);
        next.push(from);
      }
    }
    work = next;
  }
  // An interface reaches generation when a type of a hinted package implements it (checked on
  // its first method's implementations, by method set).
  for (const [key, methods] of d.interfaces) {
    const dir = key.slice(0, key.indexOf('\u0000'));
    if (d.reaching.has(dir)) continue;
    for (const m of d.byMethod.get(methods[0]!) ?? []) {
      if (!hintedDirs.has(m.dir)) continue;
      const set = d.typeMethods.get(`${m.dir}\u0000${m.type!}`);
      if (set && methods.every((w) => set.has(w))) {
        d.reaching.add(dir);
        break;
      }
    }
  }
  return d;
}
