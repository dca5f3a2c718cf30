/**
 * Python plugin modules, and generated content that reaches a file through calls of other files.
 *
 * Media tools (face swappers, enhancers, lip-sync) load their frame processors by name:
 * `importlib.import_module(f'app.processors.{name}')`, `import_module('app.processors.' + name +
 * '.core')` or `__import__(...)`, usually in a small loader function whose result is kept in a list
 * (`get_processors(names)`), and then call one fixed interface on every module
 * (`for p in get_processors(names): frame = p.process_frame(frame)`). No import statement names
 * the modules, so the reverse-import index never links the call to them. Here a module object made
 * by a dynamic import with a literal package prefix stands for every module of that package
 * folder (`Workspace.pluginFiles`), and a call `m.fn(...)` on it, directly, through a loader
 * function of the same or an imported file, or through a list or loop variable filled from one, is
 * a call of `fn` in those modules.
 *
 * A call of such a function whose return carries generated content (a per-file summary: the
 * file's own generation calls, followed through its functions' returns to their same-file callers)
 * is a source of generated content in the calling file (a *derived* generation). So is a call of a
 * project function whose return carries a derived generation of its own file, a few files deep:
 * the file that writes or shows the frame is where the finding is reported. Content a function
 * returns from its own file's direct generation call is left to that file's own following of
 * returned values into its importers, so nothing is reported twice.
 *
 * Bounds: a plugin package is listed once (at most 32 modules), each file's summary is computed
 * once per scan and depth (memoised per workspace), derived sources are followed at most
 * {@link DERIVED_DEPTH} files back, and the text test that gates all of this reads each imported
 * file's text once.
 */
import type { Node, Tree } from 'web-tree-sitter';
import { pythonSubmodule } from '../../analysis/model';
import { languageForPath } from '../../languages';
import { rangeOfNode } from '../../position';
import type { Confidence, Modality } from '../../types';
import { generationRule } from '../generation';
import type { GenerationCall, RuleContext } from '../rule';
import { type CallInfo, type FileIndex, type FunctionInfo, callInfoOf, enclosingFunction, fileIndex, indexFor } from './ast';
import { type FlowWorkspace, workspaceMemo } from './crossFile';
import { calleeFunction, paramsForArgument } from './summaries';
import { callersOf, flowFromSeeds, sourceOf } from './taint';
import { OwnedMemo } from '../../analysis/ownedMemo';

/**
 * Text of a file that loads modules by a computed name under a literal package prefix:
 * `import_module('pkg.' + name`, `import_module(f'pkg.{name}'`, `__import__('pkg.%s' % name`.
 */
export const PLUGIN_LOADER_HINT = /\b(?:import_module|__import__)\s*\(\s*[fF]?(['"])[A-Za-z_][\w.]*\.(?:\1\s*\+|\{|%s)/;

/** Files back from the analysed file a derived generation is looked for (importers of importers). */
const DERIVED_DEPTH = 2;
/** Rounds of same-file callers a summary follows a returned value through. */
const RETURN_ROUNDS = 4;

/** Where a dynamic import loads from: the package spelled by its literal prefix, and what follows the name. */
interface PluginRef {
  /** The file holding the dynamic import (the package is looked up from its folder). */
  from: string;
  pkg: string;
  /** `.core` for `'pkg.' + name + '.core'`; empty when the name is the module itself. */
  suffix: string;
}

const DYNAMIC_IMPORT = /^(?:importlib\.)?import_module$|^__import__$/;
const PREFIX = String.raw`([A-Za-z_][\w.]*\.)`;
const SUFFIX = String.raw`((?:\.[A-Za-z_]\w*)*)`;
/** `'pkg.' + name [+ '.core']`. */
const CONCAT = new RegExp(String.raw`^(['"])${PREFIX}\1 ?\+ ?[^'"+]+?(?: ?\+ ?(['"])(\.[A-Za-z_][\w.]*)\3)?$`);
/** `f'pkg.{name}[.core]'`. */
const FSTRING = new RegExp(String.raw`^[fF](['"])${PREFIX}\{[^{}]+\}${SUFFIX}\1$`);
/** `'pkg.%s' % name`, `'pkg.{}'.format(name)`. */
const FORMATTED = new RegExp(String.raw`^(['"])${PREFIX}(?:%s|\{\w*\})${SUFFIX}\1 ?(?:%|\.format\()`);

/** The package a dynamic import with a literal package prefix loads its module from. */
export function dynamicImport(c: CallInfo, rel: string): PluginRef | undefined {
  if (!DYNAMIC_IMPORT.test(c.callee)) return undefined;
  // `__import__('pkg.' + name)` returns the top package `pkg`; only with a `fromlist` the module.
  if (c.callee === '__import__' && !c.kwargs.has('fromlist') && c.args.length < 4) return undefined;
  const arg = c.args[0] ?? c.kwargs.get('name');
  if (!arg) return undefined;
  const text = arg.text.replace(/\s+/g, ' ').trim();
  const cat = CONCAT.exec(text);
  if (cat) return { from: rel, pkg: cat[2]!.slice(0, -1), suffix: cat[4] ?? '' };
  const m = FSTRING.exec(text) ?? FORMATTED.exec(text);
  return m ? { from: rel, pkg: m[2]!.slice(0, -1), suffix: m[3] ?? '' } : undefined;
}

/** Methods that add their argument to the receiving collection. */
const COLLECTING = /^(?:append|appendleft|extend|add|insert)$/;

/** Literals and comprehensions whose elements a plugin module can be (`[load(n) for n in names]`). */
const CONTAINERS = new Set(['list', 'tuple', 'set', 'dictionary']);
const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);
/** Calls that hand back the modules of a collection they are given (`list(mods)`, `mods.values()`). */
const PASSING = /^(?:list|tuple|sorted|reversed|filter|iter|enumerate|values|copy)$/;

/**
 * The names of a file that hold plugin modules (or lists of them), each with the function it is
 * bound in: assigned a call that loads one, a loop variable over such a value, a collection one is
 * added to, a parameter of a same-file function given one. `refOf` says which calls load a plugin
 * module. A few rounds over the assignments, loops and calls, each linear in the file. Returns
 * the package a value expression holds there: a holding name, a loading call, an element of a
 * holding collection, or a literal or comprehension made of those.
 */
function holders(idx: FileIndex, refOf: (c: CallInfo) => PluginRef | undefined): (expr: Node, at: Node) => PluginRef | undefined {
  const loading = idx.calls.map((c) => ({ c, ref: refOf(c) })).filter((x): x is { c: CallInfo; ref: PluginRef } => !!x.ref);
  const named = new Map<string, { scope: number; ref: PluginRef }[]>();
  const moduleLevel = new Set<string>();
  for (const a of idx.assigns) if (!enclosingFunction(a.node, idx)) for (const t of a.targets) moduleLevel.add(t);
  const scopeOf = (n: Node): number => enclosingFunction(n, idx)?.node.id ?? -1;
  const callAt = (n: Node): { c: CallInfo; ref: PluginRef | undefined } | undefined => {
    const c = callInfoOf(idx, n);
    return c ? { c, ref: loading.find((x) => x.c === c)?.ref } : undefined;
  };
  const nameRef = (name: string, scope: number): PluginRef | undefined =>
    // A global list filled in one function and read in another is the same list.
    named.get(name)?.find((h) => h.scope === scope || h.scope === -1 || moduleLevel.has(name))?.ref;
  const refAt = (expr: Node, at: Node, depth = 0): PluginRef | undefined => {
    let e: Node | null = expr;
    while (e && (e.type === 'parenthesized_expression' || e.type === 'await' || e.type === 'return_statement' || e.type === 'expression_list')) e = e.type === 'expression_list' ? null : e.firstNamedChild;
    if (!e || depth > 3) return undefined;
    if (e.type === 'identifier') return nameRef(e.text, scopeOf(at));
    if (e.type === 'subscript') {
      const v = e.childForFieldName('value');
      return v ? refAt(v, at, depth + 1) : undefined;
    }
    if (e.type === 'call') {
      const found = callAt(e);
      if (!found) return undefined;
      if (found.ref) return found.ref;
      // `list(mods)`, `mods.values()`, `mods.get(name)`.
      if (!PASSING.test(found.c.name) && found.c.name !== 'get') return undefined;
      const from = found.c.receiver ?? found.c.args[0];
      return from ? refAt(from, at, depth + 1) : undefined;
    }
    if (e.type === 'pair') {
      const v = e.childForFieldName('value');
      return v ? refAt(v, at, depth + 1) : undefined;
    }
    if (COMPREHENSIONS.has(e.type)) {
      // `[load(n) for n in names]`, `{n: load(n) for n in names}`, `[m for m in mods if m.ok]`.
      const body = e.childForFieldName('body');
      if (!body) return undefined;
      if (body.type === 'identifier') {
        for (const clause of e.namedChildren) {
          if (clause?.type !== 'for_in_clause' || clause.childForFieldName('left')?.text !== body.text) continue;
          const right = clause.childForFieldName('right');
          if (right) return refAt(right, at, depth + 1);
        }
      }
      return refAt(body, at, depth + 1);
    }
    if (CONTAINERS.has(e.type)) {
      for (const item of e.namedChildren) {
        const r = item ? refAt(item, at, depth + 1) : undefined;
        if (r) return r;
      }
    }
    return undefined;
  };
  const bind = (name: string, scope: number, ref: PluginRef): boolean => {
    const list = named.get(name) ?? [];
    if (list.some((h) => h.scope === scope)) return false;
    list.push({ scope, ref });
    named.set(name, list);
    return true;
  };
  if (loading.length === 0) return refAt;
  const collects = idx.calls.filter((c) => COLLECTING.test(c.name) && c.receiver?.type === 'identifier' && c.args.length > 0);
  const passing = idx.calls.filter((c) => c.args.length + c.kwargs.size > 0 && calleeFunction(c, idx));
  for (let round = 0; round < 3; round++) {
    let changed = false;
    for (const a of idx.assigns) {
      const ref = refAt(a.value, a.node);
      if (!ref) continue;
      // `mods[name] = load(name)` fills the dict `mods`.
      const targets = a.targets.length ? a.targets : [/^[A-Za-z_]\w*/.exec(a.leftText)?.[0] ?? ''].filter(Boolean);
      for (const t of targets) changed = bind(t, scopeOf(a.node), ref) || changed;
    }
    for (const l of idx.loops) {
      const ref = refAt(l.iter, l.node);
      if (ref) for (const v of l.vars) changed = bind(v, scopeOf(l.node), ref) || changed;
    }
    for (const c of collects) {
      const ref = c.args.map((a) => refAt(a, c.node)).find((r) => r);
      if (ref) changed = bind(c.receiver!.text, scopeOf(c.node), ref) || changed;
    }
    // `run_pipeline(frame, processors)`: the helper's parameter holds what the caller gave it.
    for (const c of passing) {
      const fn = calleeFunction(c, idx)!;
      for (const arg of [...c.args, ...c.kwargs.values()]) {
        const ref = refAt(arg, c.node);
        if (ref) for (const p of paramsForArgument(fn, c, arg)) changed = bind(p, fn.node.id, ref) || changed;
      }
    }
    if (!changed) break;
  }
  return refAt;
}

/** A top-level function (not a method, not nested). */
function topLevel(fn: FunctionInfo, idx: FileIndex): boolean {
  if (!fn.name || enclosingFunction(fn.node, idx)) return false;
  for (let p = fn.node.parent; p; p = p.parent) if (p.type === 'class_definition') return false;
  return true;
}

const loaderMemo = new OwnedMemo<FileIndex, Map<string, PluginRef>>();

/**
 * The top-level functions of a file that return plugin modules, or collections of them: a dynamic
 * import's result, or what another such function of the file returns (`load(name)` used by
 * `get_all(names)`). Memoised per file index.
 */
export function pluginLoaders(idx: FileIndex, rel: string): Map<string, PluginRef> {
  let fns = loaderMemo.get(idx);
  if (fns) return fns;
  fns = new Map();
  const found = fns;
  const refOf = (c: CallInfo): PluginRef | undefined => dynamicImport(c, rel) ?? found.get(/^(?:(?:self|cls)\.)?([A-Za-z_]\w*)$/.exec(c.callee)?.[1] ?? '');
  for (let round = 0; round < 3; round++) {
    const size = found.size;
    const refAt = holders(idx, refOf);
    for (const r of idx.returns) {
      const fn = enclosingFunction(r, idx);
      if (!fn?.name || found.has(fn.name) || !topLevel(fn, idx)) continue;
      const ref = refAt(r, r);
      if (ref) found.set(fn.name, ref);
    }
    if (found.size === size) break;
  }
  loaderMemo.set(idx, found);
  return found;
}

/** A call of a function on a plugin module object, with the package the object stands for. */
interface PluginCall {
  call: CallInfo;
  ref: PluginRef;
}

/**
 * The calls `m.fn(...)` of a file whose receiver is a plugin module: a name holding one (see
 * `holders`), or a call of a loader (`load(name).fn()`). `imported` maps callee texts of loaders
 * defined in other files (`get_processors`, `loader.get_processors`) to their packages.
 */
function pluginCalls(idx: FileIndex, rel: string, imported: ReadonlyMap<string, PluginRef>): PluginCall[] {
  const local = pluginLoaders(idx, rel);
  const refOf = (c: CallInfo): PluginRef | undefined => dynamicImport(c, rel) ?? local.get(c.callee) ?? imported.get(c.callee);
  const refAt = holders(idx, refOf);
  const out: PluginCall[] = [];
  for (const c of idx.calls) {
    const recv = c.receiver;
    if (!recv || c.name.startsWith('__')) continue;
    // `m.fn()`, `load(name).fn()`, `mods[name].fn()`; not a collection's own methods (`mods.append`).
    if (recv.type !== 'identifier' && recv.type !== 'call' && recv.type !== 'subscript') continue;
    const ref = COLLECTING.test(c.name) || c.name === 'remove' ? undefined : refAt(recv, c.node);
    if (ref) out.push({ call: c, ref });
  }
  return out;
}

/** Generated content a function of another file gives back, as the summaries record it. */
interface Returned {
  provider: string;
  modality: Modality;
  api: string;
  confidence: Confidence;
  /** Where it was generated (file and 1-based line). */
  file: string;
  line: number;
}

/** What a file's top-level functions return: content of the file's own generation calls, and derived content. */
interface ReturnSummary {
  own: Map<string, Returned>;
  derived: Map<string, Returned>;
}

type Imports = ReadonlyMap<string, { module: string; member: string | undefined; raw?: string }>;

/** The project file and function a callee text names through the file's imports (`f`, `m.f`, a submodule's `sub.f`). */
function importedFunction(ws: FlowWorkspace, rel: string, imports: Imports, callee: string): { file: string; fn: string } | undefined {
  const m = /^([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?$/.exec(callee);
  const imp = m ? imports.get(m[1]!) : undefined;
  if (!m || !imp) return undefined;
  const spec = imp.raw ?? imp.module;
  if (m[2] === undefined) {
    if (imp.member === undefined) return undefined;
    const file = resolvePy(ws, rel, spec);
    return file && file !== rel ? { file, fn: imp.member } : undefined;
  }
  // `from pkg import module` binds the submodule; `import pkg.module as m` the module itself.
  const sub = imp.member !== undefined ? submodule(ws, rel, spec, imp.member) : undefined;
  const file = sub ?? (imp.member === undefined ? resolvePy(ws, rel, spec) : undefined);
  return file && file !== rel ? { file, fn: m[2] } : undefined;
}

/** `from X import a, b as c` (parenthesised lists too) and `import X.Y [as Z]`, read from the text. */
const FROM_IMPORT = /^[ \t]*from[ \t]+([.\w]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]*)/gm;
const PLAIN_IMPORT = /^[ \t]*import[ \t]+([\w.]+)(?:[ \t]+as[ \t]+(\w+))?[ \t]*$/gm;

/**
 * The imports of a Python file read from its text, in the shape of a file model's: what the
 * analysed file needs to resolve its calls, without building its model.
 */
function textImports(text: string): Imports {
  const out = new Map<string, { module: string; member: string | undefined; raw?: string }>();
  for (const m of text.matchAll(FROM_IMPORT)) {
    for (const part of m[2]!.replace(/[()\\]/g, ' ').split(',')) {
      const bits = /^\s*([A-Za-z_]\w*)(?:\s+as\s+([A-Za-z_]\w*))?\s*$/.exec(part);
      if (bits) out.set(bits[2] ?? bits[1]!, { module: m[1]!, member: bits[1]!, raw: m[1]! });
    }
  }
  for (const m of text.matchAll(PLAIN_IMPORT)) if (m[2] || !m[1]!.includes('.')) out.set(m[2] ?? m[1]!, { module: m[1]!, member: undefined, raw: m[1]! });
  return out;
}

/** A function of another project file a file calls by name (`f(...)`, `m.f(...)`), read from its text. */
interface CalledImport {
  file: string;
  fn: string;
}

const calledMemo = new WeakMap<FlowWorkspace, { version: number | undefined; map: Map<string, { text: string; list: CalledImport[] }> }>();

/**
 * The functions of other project files a Python file calls through its imports, found in its text
 * without a parse: a name imported from a module and called (`from .core import run` ... `run(`),
 * or a member called on an imported module (`from app import media` ... `media.save(`). Once per
 * file and workspace version.
 */
function calledImports(ws: FlowWorkspace, rel: string, text: string): CalledImport[] {
  let memo = calledMemo.get(ws);
  if (!memo || memo.version !== ws.version) {
    memo = { version: ws.version, map: new Map() };
    calledMemo.set(ws, memo);
  }
  // Kept with the text it was read from: the analysed file's text may change between analyses.
  const hit = memo.map.get(rel);
  if (hit && hit.text === text) return hit.list;
  const out = new Map<string, CalledImport>();
  // Every name the text calls, in one pass (`run`), and the members called on each dotted prefix
  // (`media.save` under `media`, `app.media.save` under `app.media`).
  const called = new Set<string>();
  const members = new Map<string, string[]>();
  for (const m of text.matchAll(/(?<![\w.])([A-Za-z_][\w.]*)\s*\(/g)) {
    const c = m[1]!;
    const dot = c.lastIndexOf('.');
    if (dot < 0) called.add(c);
    else if (dot > 0 && dot < c.length - 1) {
      const list = members.get(c.slice(0, dot));
      if (list) list.push(c.slice(dot + 1));
      else members.set(c.slice(0, dot), [c.slice(dot + 1)]);
    }
  }
  const moduleCalls = (local: string, file: string): void => {
    for (const fn of members.get(local) ?? []) out.set(`${file}#${fn}`, { file, fn });
  };
  for (const m of text.matchAll(FROM_IMPORT)) {
    const spec = m[1]!;
    for (const part of m[2]!.replace(/[()\\]/g, ' ').split(',')) {
      const bits = /^\s*([A-Za-z_]\w*)(?:\s+as\s+([A-Za-z_]\w*))?\s*$/.exec(part);
      if (!bits) continue;
      const [, name, alias] = bits;
      const local = alias ?? name!;
      // Names the file never calls (types, constants) are not looked up.
      if (!called.has(local) && !members.has(local)) continue;
      const sub = submodule(ws, rel, spec, name!);
      if (sub && sub !== rel) {
        moduleCalls(local, sub);
        continue;
      }
      const file = resolvePy(ws, rel, spec);
      if (file && file !== rel && called.has(local)) out.set(`${file}#${name!}`, { file, fn: name! });
    }
  }
  for (const m of text.matchAll(PLAIN_IMPORT)) {
    if (!members.has(m[2] ?? m[1]!)) continue;
    const file = resolvePy(ws, rel, m[1]!);
    if (file && file !== rel) moduleCalls(m[2] ?? m[1]!, file);
  }
  const list = [...out.values()];
  memo.map.set(rel, { text, list });
  return list;
}

const valueMemo = new WeakMap<FlowWorkspace, { version: number | undefined; map: Map<string, Set<string>> }>();

/**
 * The top-level functions of a Python file that return a value (`return x`, not a bare `return`
 * or `return None`), read from its text: the lines from `def f(` at the start of a line to the
 * next line that starts at column 0. One pass over the lines, once per file and workspace version.
 */
function valueReturning(ws: FlowWorkspace, rel: string, text: string): Set<string> {
  let memo = valueMemo.get(ws);
  if (!memo || memo.version !== ws.version) {
    memo = { version: ws.version, map: new Map() };
    valueMemo.set(ws, memo);
  }
  let hit = memo.map.get(rel);
  if (!hit) {
    hit = new Set();
    let current: string | undefined;
    for (const line of text.split('\n')) {
      const def = /^(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)/.exec(line);
      if (def) current = def[1];
      else if (/^[^\s#)\]]/.test(line)) current = undefined;
      else if (current && /^\s+return[ \t(]+(?!None\b)\S/.test(line)) hit.add(current);
    }
    memo.map.set(rel, hit);
  }
  return hit;
}

/** Whether a call's result is used as a value (assigned, returned, passed on), not only tested or dropped. */
function resultUsed(call: Node): boolean {
  let at = call;
  let p = call.parent;
  while (p && (p.type === 'parenthesized_expression' || p.type === 'await')) {
    at = p;
    p = p.parent;
  }
  if (!p) return false;
  // `a if p.ok() else b` tests the call; `p.run(f) if p else f` uses it.
  if (p.type === 'conditional_expression') return p.namedChild(1)?.id !== at.id;
  return !/^(?:expression_statement|not_operator|boolean_operator|comparison_operator|if_statement|elif_clause|while_statement|assert_statement)$/.test(p.type);
}

const resolveMemo = new WeakMap<FlowWorkspace, { version: number | undefined; map: Map<string, string | undefined> }>();

/**
 * `ws.resolveModule` for Python, memoised per importing folder and specifier: the files of one
 * package import the same modules, and each lookup tries several paths on disk.
 */
function resolvePy(ws: FlowWorkspace, rel: string, spec: string): string | undefined {
  let memo = resolveMemo.get(ws);
  if (!memo || memo.version !== ws.version) {
    memo = { version: ws.version, map: new Map() };
    resolveMemo.set(ws, memo);
  }
  const slash = rel.lastIndexOf('/');
  const key = `${slash < 0 ? '' : rel.slice(0, slash)}|${spec}`;
  if (memo.map.has(key)) return memo.map.get(key);
  const hit = ws.resolveModule('python', rel, spec);
  memo.map.set(key, hit);
  return hit;
}

/**
 * The submodule `from spec import name` binds, if any: only a package (`__init__.py`, or a folder
 * the lookup does not find as a file) has submodules, so a plain module's members cost no lookup.
 */
function submodule(ws: FlowWorkspace, rel: string, spec: string, name: string): string | undefined {
  const pkg = resolvePy(ws, rel, spec);
  if (pkg !== undefined && !pkg.endsWith('__init__.py')) return undefined;
  return resolvePy(ws, rel, pythonSubmodule(spec, name));
}

/** The index of a loaded file, built with the analysed file's host (the query-based index). */
function indexOf(base: RuleContext, rel: string, tree: Tree, text: string): Promise<FileIndex> {
  const language = languageForPath(rel);
  return language ? indexFor({ ...base, file: rel, tree, text, language }) : Promise.resolve(fileIndex(tree, 'python'));
}

async function textOf(ws: FlowWorkspace, rel: string): Promise<string | undefined> {
  if (ws.text) return ws.text(rel);
  return (await ws.load(rel))?.model.text;
}

/** The plugin loader functions a file defines (parsed only when its text loads modules by name). */
function loadersIn(ws: FlowWorkspace, rel: string): Promise<Map<string, PluginRef>> {
  return workspaceMemo(ws, `plugin-loaders:${rel}`, new Map<string, PluginRef>(), async () => {
    const t = await textOf(ws, rel);
    if (t === undefined || !PLUGIN_LOADER_HINT.test(t)) return new Map<string, PluginRef>();
    const loaded = await ws.load(rel);
    return loaded ? new Map(pluginLoaders(fileIndex(loaded.tree, 'python'), rel)) : new Map<string, PluginRef>();
  });
}

/**
 * Whether a file may call plugin modules: it loads some itself, or it imports a file that defines
 * a loader function and calls one by its name (a file importing the loader's module for other
 * names does not count). Text tests, and a parse of the few loader files.
 */
function mayCallPlugins(ws: FlowWorkspace, rel: string, text: string, fresh = false): Promise<boolean> {
  const compute = async (): Promise<boolean> => {
    if (PLUGIN_LOADER_HINT.test(text)) return true;
    for (const c of calledImports(ws, rel, text)) if ((await loadersIn(ws, c.file)).has(c.fn)) return true;
    return false;
  };
  // The analysed file's text may be newer than the disk's (the editor): its own verdict is not kept.
  return fresh ? compute() : workspaceMemo(ws, `plugin-caller:${rel}`, false, compute);
}

/**
 * Whether a file may have derived generations within `depth` files back: it may call plugin
 * modules, or it calls a function of another project file that returns a value there and whose
 * file may have them one file less deep. Text only, memoised (except for the analysed file, `fresh`).
 */
function mayDerive(ws: FlowWorkspace, rel: string, text: string, depth: number, fresh = false): Promise<boolean> {
  const compute = async (): Promise<boolean> => {
    if (await mayCallPlugins(ws, rel, text, fresh)) return true;
    if (depth <= 0) return false;
    for (const c of calledImports(ws, rel, text)) {
      const other = await textOf(ws, c.file);
      if (other !== undefined && valueReturning(ws, c.file, other).has(c.fn) && (await mayDerive(ws, c.file, other, depth - 1))) return true;
    }
    return false;
  };
  return fresh ? compute() : workspaceMemo(ws, `plugin-derive:${rel}#${depth}`, false, compute);
}

/** A call of a file whose result is generated content made in another file. */
interface DerivedCall {
  node: Node;
  callee: string;
  src: Returned;
}

/**
 * The derived generations of a file: calls of plugin functions whose return carries generated
 * content (own or derived), and, with depth left, calls of imported project functions whose
 * return carries derived content of their file.
 */
async function derivedCalls(base: RuleContext, ws: FlowWorkspace, rel: string, tree: Tree, text: string, imports: Imports, depth: number): Promise<DerivedCall[]> {
  const idx = rel === base.file && tree === base.tree ? await indexFor(base) : await indexOf(base, rel, tree, text);
  const out: DerivedCall[] = [];
  if (ws.pluginFiles && (await mayCallPlugins(ws, rel, text, rel === base.file && text === base.text))) {
    // Loaders defined in the files this one imports, under the callee texts that call them here.
    const imported = new Map<string, PluginRef>();
    for (const [local, imp] of imports) {
      const spec = imp.raw ?? imp.module;
      const viaMember = imp.member !== undefined ? resolvePy(ws, rel, spec) : undefined;
      const viaModule = imp.member !== undefined ? submodule(ws, rel, spec, imp.member) : resolvePy(ws, rel, spec);
      for (const [file, member] of [[viaMember, imp.member], [viaModule, undefined]] as const) {
        if (!file || file === rel) continue;
        const loaders = await loadersIn(ws, file);
        if (loaders.size === 0) continue;
        if (member !== undefined) {
          const ref = loaders.get(member);
          if (ref) imported.set(local, ref);
        } else for (const [fn, ref] of loaders) imported.set(`${local}.${fn}`, ref);
      }
    }
    for (const { call, ref } of pluginCalls(idx, rel, imported)) {
      if (!resultUsed(call.node)) continue;
      for (const file of ws.pluginFiles(ref.from, ref.pkg, ref.suffix)) {
        if (file === rel) continue;
        const t = await textOf(ws, file);
        if (t === undefined || !valueReturning(ws, file, t).has(call.name)) continue;
        const s = await returnSummary(base, ws, file, 0, true);
        const src = s.derived.get(call.name) ?? s.own.get(call.name);
        if (!src) continue;
        out.push({ node: call.node, callee: `${call.callee}() (plugin modules of ${ref.pkg})`, src });
        break;
      }
    }
  }
  if (depth > 0) {
    const seen = new Set(out.map((d) => d.node.id));
    // Per callee text: the imported function it names, when its file may return derived content.
    const targets = new Map<string, Promise<{ file: string; fn: string } | undefined>>();
    const targetOf = (callee: string): Promise<{ file: string; fn: string } | undefined> => {
      let p = targets.get(callee);
      if (!p) {
        p = (async () => {
          const target = importedFunction(ws, rel, imports, callee);
          if (!target) return undefined;
          const t = await textOf(ws, target.file);
          return t !== undefined && valueReturning(ws, target.file, t).has(target.fn) && (await mayDerive(ws, target.file, t, depth - 1)) ? target : undefined;
        })();
        targets.set(callee, p);
      }
      return p;
    };
    for (const c of idx.calls) {
      if (seen.has(c.node.id) || !imports.has(/^[A-Za-z_]\w*/.exec(c.callee)?.[0] ?? '') || !resultUsed(c.node)) continue;
      const target = await targetOf(c.callee);
      if (!target) continue;
      const src = (await returnSummary(base, ws, target.file, depth - 1, false)).derived.get(target.fn);
      if (src) out.push({ node: c.node, callee: `${c.callee}() (${target.file})`, src });
    }
  }
  return out;
}

/**
 * Which top-level functions of `rel` return generated content: the file's own generation calls
 * (found by the generation rule run on that file) and its derived generations (`depth` files
 * back), each followed through its function's returns to the same-file callers, a few rounds.
 * Computed once per scan, file and depth.
 */
function returnSummary(base: RuleContext, ws: FlowWorkspace, rel: string, depth: number, withOwn: boolean): Promise<ReturnSummary> {
  const empty: ReturnSummary = { own: new Map(), derived: new Map() };
  return workspaceMemo(ws, `plugin-returns:${rel}#${depth}#${withOwn}`, empty, async () => {
    const language = languageForPath(rel);
    const raw = await textOf(ws, rel);
    if (raw === undefined || language?.family !== 'python') return empty;
    // Only a file that may generate, or that may call what does, is parsed for its summary. The
    // file's own generation calls matter only to the callers of a plugin module: a static importer
    // is reached by the file's own following of what it returns.
    const generates = withOwn && !!generationRule.mayApply?.({ text: raw, lower: raw.toLowerCase(), language, config: base.config, workspace: true });
    if (!generates && !(await mayDerive(ws, rel, raw, depth))) return empty;
    const loaded = await ws.load(rel);
    if (!loaded) return empty;
    const text = loaded.model.text;
    // The module's own generation calls, found without linking its imports: a processor runs its
    // model itself, and linking would load every helper module it imports once more per worker.
    const { workspace: _ignored, ...unlinked } = base;
    const gctx: RuleContext = { ...unlinked, file: rel, text, tree: loaded.tree, language, generationCalls: [], report: () => undefined };
    if (generates) await generationRule.run(gctx);
    const sources: { src: Returned; own: boolean }[] = [];
    const byNode = new Map<number, number>();
    const idx = await indexOf(base, rel, loaded.tree, text);
    const tasks = new Map<number, { fn: FunctionInfo; nodes: Node[] }>();
    const seen = new Set<string>();
    const seed = (node: Node, source: number): void => {
      const fn = enclosingFunction(node, idx);
      if (!fn || seen.has(`${fn.node.id}:${node.id}`)) return;
      seen.add(`${fn.node.id}:${node.id}`);
      byNode.set(node.id, source);
      const t = tasks.get(fn.node.id) ?? { fn, nodes: [] };
      t.nodes.push(node);
      tasks.set(fn.node.id, t);
    };
    for (const g of gctx.generationCalls) {
      sources.push({ src: { provider: g.provider, modality: g.modality, api: g.api, confidence: g.confidence, file: rel, line: g.range.start.line + 1 }, own: true });
      seed(g.node, sources.length - 1);
    }
    for (const d of await derivedCalls(base, ws, rel, loaded.tree, text, loaded.model.imports, depth)) {
      sources.push({ src: d.src, own: false });
      seed(d.node, sources.length - 1);
    }
    const out: ReturnSummary = { own: new Map(), derived: new Map() };
    for (let round = 0; round < RETURN_ROUNDS && tasks.size > 0; round++) {
      const current = [...tasks.values()];
      tasks.clear();
      for (const { fn, nodes } of current) {
        const flow = flowFromSeeds(nodes, [], fn, idx, loaded.tree.rootNode);
        if (flow.returns.length === 0) continue;
        const at = flow.seeds[Math.max(0, sourceOf(flow, flow.returns[0]!))];
        const source = (at && byNode.get(at.id)) ?? byNode.get(nodes[0]!.id) ?? 0;
        const s = sources[source]!;
        if (fn.name && topLevel(fn, idx)) {
          const into = s.own ? out.own : out.derived;
          if (!into.has(fn.name)) into.set(fn.name, s.src);
        }
        for (const call of callersOf(fn, idx)) seed(call, source);
      }
    }
    return out;
  });
}

const derivedGens = new WeakSet<GenerationCall>();

/** Whether a generation call of the flow stands for content generated in another file (see `derivedGenerations`). */
export function isDerived(g: GenerationCall): boolean {
  return derivedGens.has(g);
}

/**
 * The calls of the analysed Python file whose result is generated content made in another file:
 * through plugin modules, or returned by an imported function that has it from further away.
 * Empty unless the file's imports (read from the texts, a few files deep) reach a plugin loader.
 */
export async function derivedGenerations(ctx: RuleContext, ws: FlowWorkspace): Promise<GenerationCall[]> {
  if (ctx.language.family !== 'python' || !ws.pluginFiles) return [];
  if (!(await mayDerive(ws, ctx.file, ctx.text, DERIVED_DEPTH, true))) return [];
  const known = new Set(ctx.generationCalls.map((g) => g.node.id));
  const out: GenerationCall[] = [];
  for (const d of await derivedCalls(ctx, ws, ctx.file, ctx.tree, ctx.text, textImports(ctx.text), DERIVED_DEPTH)) {
    if (known.has(d.node.id)) continue;
    known.add(d.node.id);
    const g: GenerationCall = {
      provider: d.src.provider,
      modality: d.src.modality,
      api: `${d.callee} returning ${d.src.api} (${d.src.file}:${d.src.line})`,
      node: d.node,
      range: rangeOfNode(d.node.childForFieldName('function') ?? d.node),
      confidence: d.src.confidence === 'low' ? 'low' : 'medium',
    };
    derivedGens.add(g);
    out.push(g);
  }
  return out;
}
