/**
 * Go calls into the project's other files, followed the way Go dispatches them: a function of a
 * project package (`adaptor.DoRequestHelper(a, ...)`), a function of the file's own package in
 * another file, and a method called on a value whose type is a project type, or a project
 * interface, whose implementations are the workspace's types with that method set (see
 * analysis/goIndex.ts). A value's type comes from its declaration (`a Adaptor`, a struct field),
 * from a composite literal (`&openai.Adaptor{}`), or from the declared result of the project
 * function or method that made it (`adaptor := relay.GetAdaptor(t)`).
 *
 * A call is a generation call when one of its targets makes one: directly (an SDK call, an HTTP
 * call to an endpoint, whose URL may itself come from an interface method's returns), or through
 * the targets of its own calls, up to MAX_DEPTH calls down. Everything is memoised per function,
 * loads go through the workspace model's bounded cache, and a step budget per workspace bounds
 * the whole.
 *
 * Loading is asynchronous, the detectors are not: `prepare` resolves the targets of a file's calls
 * (storing them on the model, `FileModel.goTargets`) before any of them reads a string.
 */
import * as path from 'node:path';
import type { Node } from 'web-tree-sitter';
import type { Binding, CallSite, FileModel, GoCallTarget } from '../analysis/model';
import type { GoDecl } from '../analysis/goIndex';
import type { Workspace } from '../analysis/workspace';
import { catalog } from '../analysis/catalog';
import type { Confidence, Modality } from '../types';
import { OwnedMemo } from '../analysis/ownedMemo';

/** What a detector decided about one call (the generation rule's own type, structurally). */
export interface GoDetection {
  provider: string;
  modality: Modality;
  api: string;
  confidence: Confidence;
}

/** The generation rule's detectors for one call of one file, without following it anywhere. */
export type DirectDetector = (model: FileModel, call: CallSite) => GoDetection | undefined;

/** Calls followed down from a call site at most (the call itself, a helper, the helper's helper). */
const MAX_DEPTH = 3;
/** Calls of one file whose targets are resolved at most. */
const MAX_CALLS_PER_FILE = 4000;
/** Targets followed per call at most (implementations of one interface method). */
const MAX_TARGETS = 48;
/** Files read for package-level values per file at most. */
const MAX_VALUE_FILES = 16;
/** Summaries, target resolutions and loads per workspace (the guarantee behind the memos). */
const STEP_BUDGET = 200_000;
const FUNCTION_DECLS = new Set(['function_declaration', 'method_declaration']);

const dispatchers = new WeakMap<Workspace, GoDispatch>();

/** The dispatcher of a workspace (one per workspace: its memos are the workspace's). */
export function goDispatchOf(ws: Workspace, direct: DirectDetector): GoDispatch {
  let d = dispatchers.get(ws);
  if (!d || d.version !== ws.version) {
    d = new GoDispatch(ws, direct);
    dispatchers.set(ws, d);
  }
  return d;
}

interface TypeRef {
  dir: string;
  name: string;
}

/** A function or method the index declares: the file, receiver type (for a method) and name. */
type Decl = GoDecl;

export class GoDispatch {
  readonly version: number;
  /** Calls whose targets were resolved in this analysis, per model. */
  private prepared = new OwnedMemo<FileModel, Set<number>>();
  /** Models given `goTargets` in this analysis (cleared at the next: their targets' trees may be evicted). */
  private touched: FileModel[] = [];
  /** Whether a declaration generates, by `file, type, name` (plain data, valid for the workspace version). */
  private readonly summaries = new Map<string, Promise<GoDetection | null>>();
  private readonly inFlight = new Set<string>();
  private steps = STEP_BUDGET;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ws: Workspace,
    private readonly direct: DirectDetector,
  ) {
    this.version = ws.version;
  }

  /**
   * Resolves the targets of every call of `model` (the file `rel`), then returns the calls whose
   * targets in other files generate, with what they generate.
   */
  prepareFile(model: FileModel, rel: string): Promise<Map<number, GoDetection>> {
    // One file at a time per workspace: the summaries in flight are then one chain of calls, so a
    // cycle is seen as such and no analysis waits on another's pending summary.
    const run = this.queue.then(() => this.prepareFileNow(model, rel));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async prepareFileNow(model: FileModel, rel: string): Promise<Map<number, GoDetection>> {
    // Targets found in an earlier analysis may point into trees the workspace has evicted since.
    for (const m of this.touched) {
      m.goTargets = undefined;
      m.goValues = undefined;
      m.goFields = undefined;
    }
    this.touched = [];
    this.prepared = new WeakMap();
    const calls = model.calls.slice(0, MAX_CALLS_PER_FILE);
    const decls = await this.prepare(model, rel, calls, sendsHttp(model, calls));
    const out = new Map<number, GoDetection>();
    for (const call of calls) {
      const targets = decls.get(call.node.id);
      if (!targets) continue;
      for (const t of targets) {
        // A helper of this very file is not a finding of its own: its calls are.
        if (t.file === rel) continue;
        const d = await this.summarize(t, 1);
        if (d) {
          const label = t.type !== undefined && targets.length > 1 ? `${call.nameText} (${targets.length} implementations; wraps ${d.api})` : `${call.nameText} (wraps ${d.api})`;
          out.set(call.node.id, { ...d, api: label, confidence: d.confidence === 'low' ? 'low' : 'medium' });
          break;
        }
      }
    }
    return out;
  }

  /**
   * Resolves the declarations `calls` run. Where the calls send HTTP (`withStrings`), the targets
   * are also loaded and stored on the model, so a URL returned by one is read from its returns.
   */
  private async prepare(model: FileModel, rel: string, calls: readonly CallSite[], withStrings: boolean): Promise<Map<number, Decl[]>> {
    let done = this.prepared.get(model);
    if (!done) {
      this.prepared.set(model, (done = new Set()));
      await this.prepareValues(model, rel);
    }
    const out = new Map<number, Decl[]>();
    for (const call of calls) {
      const decls = await this.targets(model, rel, call, 0);
      if (!decls.length) continue;
      out.set(call.node.id, decls);
      if (!withStrings || done.has(call.node.id)) continue;
      done.add(call.node.id);
      const idx = this.ws.goIndex();
      // A returned URL is read from the target's own package or one hop away.
      const loaded = await this.load(decls.filter((d) => idx.mayGenerate(dirOf(d.file), 1)));
      if (!loaded.length) continue;
      if (!model.goTargets) {
        model.goTargets = new Map();
        if (!model.goValues && !model.goFields) this.touched.push(model);
      }
      model.goTargets.set(call.node.id, loaded);
    }
    return out;
  }

  /**
   * Finds the package-level values the file names from its package's other files (`chatURL`) and
   * from project packages (`conf.ChatURL`), among those of files that name an SDK or endpoint,
   * and records their files on the model (`FileModel.goValues`), so their strings resolve.
   */
  private async prepareValues(model: FileModel, rel: string): Promise<void> {
    const idx = this.ws.goIndex();
    const wanted: { key: string; name: string; file: string }[] = [];
    const own = idx.hintedValues(dirOf(rel));
    if (own) {
      const tokens = new Set(model.text.match(/[A-Za-z_]\w*/g) ?? []);
      for (const [name, file] of own) if (file !== rel && tokens.has(name) && !model.bindings.has(name)) wanted.push({ key: name, name, file });
    }
    for (const imp of model.imports.values()) {
      const pkgDir = this.packageDir(rel, imp.module);
      const vals = pkgDir !== undefined ? idx.hintedValues(pkgDir) : undefined;
      if (!vals) continue;
      for (const m of model.text.matchAll(new RegExp(`\\b${imp.local.replace(/\W/g, '')}\\.([A-Za-z_]\\w*)`, 'g'))) {
        const file = vals.get(m[1]!);
        if (file) wanted.push({ key: `${imp.local}.${m[1]!}`, name: m[1]!, file });
      }
    }
    // Struct fields this file reads (`c.client`) but whose struct another file of the package declares.
    const fields = idx.hintedFields(dirOf(rel));
    if (fields) {
      const read = new Set([...model.text.matchAll(/\.[ \t]*([A-Za-z_]\w*)/g)].map((m) => m[1]!));
      for (const [name, file] of fields) if (file !== rel && read.has(name) && !model.bindings.has(`.${name}`)) wanted.push({ key: `.${name}`, name, file });
    }
    for (const w of wanted.slice(0, MAX_VALUE_FILES)) {
      if (--this.steps < 0) return;
      const loaded = await this.ws.load(w.file);
      if (!loaded) continue;
      if (!model.goValues && !model.goFields && !model.goTargets) this.touched.push(model);
      if (w.key.startsWith('.')) (model.goFields ??= new Map()).set(w.key, loaded.model);
      else (model.goValues ??= new Map()).set(w.key, loaded.model);
    }
  }

  /** Whether a declaration generates (directly, or through its calls' targets). Memoised per declaration. */
  private summarize(decl: Decl, depth: number): Promise<GoDetection | null> {
    const key = `${decl.file}\u0000${decl.type ?? ''}\u0000${decl.name}`;
    // Keyed by depth too: a summary cut short by the depth bound says nothing at a shallower one.
    let p = this.summaries.get(`${key}\u0000${depth}`);
    if (!p) {
      p = this.summarizeUncached(key, decl, depth).catch(() => null);
      this.summaries.set(`${key}\u0000${depth}`, p);
    }
    return p;
  }

  private async summarizeUncached(key: string, decl: Decl, depth: number): Promise<GoDetection | null> {
    // A package that cannot reach an SDK, an endpoint or an HTTP call is not read at all.
    // At depth k, the calls left to follow and one more hop (a URL or constant read from
    // another package) are what can still reach a package that names an SDK or endpoint.
    const idx = this.ws.goIndex();
    if (--this.steps < 0 || !idx.mayGenerate(dirOf(decl.file), MAX_DEPTH - depth + 1) || !idx.declMayGenerate(decl, MAX_DEPTH - depth)) return null;
    this.inFlight.add(key);
    try {
      const [t] = await this.load([decl]);
      if (!t) return null;
      const calls = t.model.callsIn(t.def);
      const decls = await this.prepare(t.model, t.rel, calls, sendsHttp(t.model, calls));
      for (const inner of calls) {
        const d = this.direct(t.model, inner);
        if (d) return d;
      }
      if (depth >= MAX_DEPTH) return null;
      for (const inner of calls) {
        for (const next of decls.get(inner.node.id) ?? []) {
          // A cycle (a method that reaches itself through an interface) is not followed again.
          if (this.inFlight.has(`${next.file}\u0000${next.type ?? ''}\u0000${next.name}`)) continue;
          const d = await this.summarize(next, depth + 1);
          if (d) return { ...d, api: `${inner.nameText} → ${d.api}` };
        }
      }
      return null;
    } finally {
      this.inFlight.delete(key);
    }
  }

  /** The functions or methods a call runs, in project files (this one included), from the index. */
  private async targets(model: FileModel, rel: string, call: CallSite, depth: number): Promise<Decl[]> {
    if (--this.steps < 0 || depth > MAX_DEPTH) return [];
    const dir = dirOf(rel);
    const idx = this.ws.goIndex();
    const recv = call.receiver;
    if (!recv) {
      if (call.callee.type !== 'identifier') return [];
      // A function of the file's own package: this file's, else the folder's other files'.
      const inPackage = idx.functions(dir, call.nameText);
      if ((model.functions.get(call.nameText) ?? []).some((d) => d.type === 'function_declaration')) {
        // This file's own (the index may know it by its text on disk, an editor's buffer may differ).
        return inPackage.filter((d) => d.file === rel).slice(0, 1).concat(inPackage.some((d) => d.file === rel) ? [] : [{ file: rel, dir, type: undefined, name: call.nameText, hint: true }]);
      }
      return inPackage;
    }
    if (recv.type === 'identifier') {
      const name = model.textOf(recv);
      const imp = model.imports.get(name);
      if (imp && !scopedBinding(model, name, recv)) {
        // `pkg.F(...)`: a function of a project package.
        const pkgDir = this.packageDir(rel, imp.module);
        return pkgDir === undefined ? [] : idx.functions(pkgDir, call.nameText);
      }
    }
    // Typing the receiver may read a factory's file: only worth it when a type of a package that
    // may generate has a method of this name.
    if (!idx.methodMayGenerate(call.nameText, MAX_DEPTH)) return [];
    const type = await this.typeOf(model, rel, recv, depth + 1);
    if (!type) return [];
    const iface = idx.interfaceOf(type.dir, type.name);
    return (iface ? idx.implementations(type.dir, type.name, call.nameText) : idx.methods(type.dir, type.name, call.nameText)).slice(0, MAX_TARGETS);
  }

  /** Loads the files of declarations and finds each declaration's node. */
  private async load(decls: readonly Decl[]): Promise<GoCallTarget[]> {
    const out: GoCallTarget[] = [];
    for (const d of decls) {
      if (--this.steps < 0) break;
      const loaded = await this.ws.load(d.file);
      if (!loaded) continue;
      for (const def of loaded.model.functions.get(d.name) ?? []) {
        if (d.type !== undefined ? def.type === 'method_declaration' && receiverType(loaded.model, def) === d.type : def.type === 'function_declaration') {
          out.push({ model: loaded.model, rel: d.file, def });
          break;
        }
      }
    }
    return out;
  }

  /** The project package folder of an import path, if the workspace holds it. */
  private packageDir(rel: string, module: string): string | undefined {
    return packageDirOf(this.ws, rel, module);
  }

  /** The project type of an expression (a variable, a struct field, a built value), if known. */
  private async typeOf(model: FileModel, rel: string, expr: Node, depth: number): Promise<TypeRef | undefined> {
    if (depth > MAX_DEPTH + 2) return undefined;
    let e = expr;
    while (e.type === 'parenthesized_expression' && e.firstNamedChild) e = e.firstNamedChild;
    if (e.type === 'identifier') {
      const b = scopedBinding(model, model.textOf(e), e);
      if (!b) return undefined;
      if (b.type) return this.typeRef(model, rel, b.type);
      return b.value && b.index === undefined ? this.valueType(model, rel, b.value, depth + 1) : undefined;
    }
    if (e.type === 'selector_expression') {
      // `s.client` read from a struct whose field declares its type.
      const operand = e.childForFieldName('operand');
      const field = e.childForFieldName('field');
      if (operand?.type !== 'identifier' || !field || model.imports.has(model.textOf(operand))) return undefined;
      const decl = model.bindings.get(`.${model.textOf(field)}`)?.find((b) => !!b.type && b.node.type === 'field_declaration');
      return decl?.type ? this.typeRef(model, rel, decl.type) : undefined;
    }
    return this.valueType(model, rel, e, depth + 1);
  }

  /** The type of a value: a composite literal's, or the declared result of the project function that made it. */
  private async valueType(model: FileModel, rel: string, value: Node, depth: number): Promise<TypeRef | undefined> {
    let v = value;
    while ((v.type === 'unary_expression' || v.type === 'parenthesized_expression') && v.lastNamedChild) v = v.lastNamedChild;
    if (v.type === 'composite_literal') {
      const t = v.childForFieldName('type');
      return t ? this.typeRef(model, rel, t) : undefined;
    }
    if (v.type === 'identifier' || v.type === 'selector_expression') return this.typeOf(model, rel, v, depth + 1);
    if (v.type !== 'call_expression') return undefined;
    const site = model.callAt(v);
    if (!site) return undefined;
    const decls = await this.targets(model, rel, site, depth + 1);
    // The declared result says what the function makes (an interface, or a concrete type).
    for (const d of decls.slice(0, 4)) {
      const ref = await this.resultType(d);
      if (ref) return ref;
    }
    return undefined;
  }

  /** Memo of `resultType` by declaration: a factory's file is read once per scan, not once per caller. */
  private readonly results = new Map<string, Promise<TypeRef | null>>();

  /** The project type a function or method declares as its (first) result. */
  private resultType(d: Decl): Promise<TypeRef | null> {
    const key = `${d.file}\u0000${d.type ?? ''}\u0000${d.name}`;
    let p = this.results.get(key);
    // The index read the result type from the signature's text: no file to parse.
    if (!p && d.result) p = Promise.resolve({ dir: d.result.dir, name: d.result.name });
    if (!p) {
      p = (async () => {
        const [t] = await this.load([d]);
        const result = t ? declaredResult(t.def) : null;
        return (t && result && this.typeRef(t.model, t.rel, result)) || null;
      })().catch(() => null);
      this.results.set(key, p);
    }
    return p;
  }

  /** A type node of `model` as a project package folder and type name (`*adaptor.Adaptor`, `Adaptor`). */
  private typeRef(model: FileModel, rel: string, node: Node): TypeRef | undefined {
    return typeRefOf(this.ws, model, rel, node);
  }
}

/** The project package folder of an import path, if the workspace holds it (`''` at the root). */
function packageDirOf(ws: Workspace, rel: string, module: string): string | undefined {
  const dir = ws.resolveModule('go', rel, module);
  return dir === undefined ? undefined : dir === '.' ? '' : dir;
}

/** A type node of `model` as a project package folder and type name (`*adaptor.Adaptor`, `Adaptor`). */
function typeRefOf(ws: Workspace, model: FileModel, rel: string, node: Node): TypeRef | undefined {
  let t: Node | null = node;
  while (t && (t.type === 'pointer_type' || t.type === 'generic_type' || t.type === 'parenthesized_type')) t = t.type === 'generic_type' ? t.childForFieldName('type') ?? t.firstNamedChild : t.lastNamedChild;
  if (!t) return undefined;
  if (t.type === 'type_identifier') return { dir: dirOf(rel), name: model.textOf(t) };
  if (t.type === 'qualified_type') {
    const pkg = t.childForFieldName('package');
    const name = t.childForFieldName('name');
    const imp = pkg ? model.imports.get(model.textOf(pkg)) : undefined;
    const dir = imp ? packageDirOf(ws, rel, imp.module) : undefined;
    return dir !== undefined && name ? { dir, name: model.textOf(name) } : undefined;
  }
  return undefined;
}

/**
 * The declarations in other project files that a Go call runs, read from the index without
 * loading anything: a function of a project package (`notify.Send(...)`), a function of the
 * file's own package declared in another file (`send(...)`), or a method of a value declared with
 * a project type (`msg.Reply(...)` for `msg *bot.Incoming`; a method of an interface type gives
 * its implementations). The label rule follows generated content into them, as it does into an
 * imported function of the other languages. At most MAX_TARGETS.
 */
export function goCalledDecls(ws: Workspace, model: FileModel, rel: string, callNode: Node): GoDecl[] {
  const call = model.callAt(callNode);
  if (!call) return [];
  const idx = ws.goIndex();
  const recv = call.receiver;
  const own = (d: GoDecl): boolean => d.file !== rel;
  if (!recv) return call.callee.type === 'identifier' ? idx.functions(dirOf(rel), call.nameText).filter(own) : [];
  if (recv.type !== 'identifier') return [];
  const name = model.textOf(recv);
  const imp = model.imports.get(name);
  const b = scopedBinding(model, name, recv);
  if (imp && !b) {
    const dir = packageDirOf(ws, rel, imp.module);
    return dir === undefined ? [] : idx.functions(dir, call.nameText).filter(own);
  }
  // Declared (`msg *bot.Incoming`), or asserted (`c, ok := v.(*bot.Client)`: the first result has the asserted type).
  const asserted = !b?.type && b?.value?.type === 'type_assertion_expression' && !b.index ? b.value.childForFieldName('type') : null;
  const declared = b?.type ?? asserted;
  const type = declared ? typeRefOf(ws, model, rel, declared) : undefined;
  if (!type) return [];
  const iface = idx.interfaceOf(type.dir, type.name);
  return (iface ? idx.implementations(type.dir, type.name, call.nameText) : idx.methods(type.dir, type.name, call.nameText)).filter(own).slice(0, MAX_TARGETS);
}

/** Whether any of `calls` is an HTTP call (then the URLs of its file's targets matter). */
function sendsHttp(model: FileModel, calls: readonly CallSite[]): boolean {
  const http = catalog().httpCallees[model.family];
  return calls.some((c) => http.has(c.nameText));
}

/** The package folder of a file, `''` at the root (as the index writes it). */
function dirOf(rel: string): string {
  const d = path.posix.dirname(rel);
  return d === '.' ? '' : d;
}

/** The receiver type name of a method declaration (`func (a *Adaptor) X()` gives `Adaptor`). */
function receiverType(model: FileModel, def: Node): string | undefined {
  const params = def.childForFieldName('receiver');
  const p = params?.namedChildren.find((c) => c?.type === 'parameter_declaration');
  let t = p?.childForFieldName('type') ?? null;
  while (t && (t.type === 'pointer_type' || t.type === 'generic_type')) t = t.type === 'generic_type' ? t.childForFieldName('type') ?? t.firstNamedChild : t.lastNamedChild;
  return t ? model.textOf(t) : undefined;
}

/** The declared result type of a Go function (its first result). */
function declaredResult(def: Node): Node | null {
  const t = def.childForFieldName('result');
  if (t?.type !== 'parameter_list') return t;
  const first = t.namedChildren.find((c) => c?.type === 'parameter_declaration');
  return first?.childForFieldName('type') ?? null;
}

/** Per model: the top-level declarations' ranges, in file order (read once from the root's children). */
const topMemo = new OwnedMemo<FileModel, { start: number; end: number; fn: boolean }[]>();

/**
 * The top-level declaration an offset is in (a function, a method, or a `var` block), by binary
 * search over ranges read once per file: walking parents costs a WebAssembly call per step.
 */
function topLevelAt(model: FileModel, at: number): { start: number; fn: boolean } | undefined {
  let tops = topMemo.get(model);
  if (!tops) {
    tops = [];
    for (const c of model.rootNode.namedChildren) if (c) tops.push({ start: c.startIndex, end: c.endIndex, fn: FUNCTION_DECLS.has(c.type) });
    topMemo.set(model, tops);
  }
  let lo = 0;
  let hi = tops.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tops[mid]!.start <= at) lo = mid + 1;
    else hi = mid;
  }
  const t = tops[lo - 1];
  return t && at < t.end ? t : undefined;
}

/** Per model and name: the bindings sorted by start, with the start of the top-level declaration each is in. */
const scopeMemo = new OwnedMemo<FileModel, Map<string, { b: Binding; top: number; inFunction: boolean }[]>>();

/**
 * The binding of `name` visible at `use`: the nearest one before it in the same function (a local,
 * a parameter, a receiver), else a package-level one. In Go a local of the name shadows an
 * imported package (`adaptor := relay.GetAdaptor(t)` in a file importing package `adaptor`).
 * A binary search over the name's bindings sorted once per file.
 */
function scopedBinding(model: FileModel, name: string, use: Node): Binding | undefined {
  const list = model.bindings.get(name);
  if (!list) return undefined;
  let memo = scopeMemo.get(model);
  if (!memo) scopeMemo.set(model, (memo = new Map()));
  let sorted = memo.get(name);
  if (!sorted) {
    sorted = list
      .map((b) => {
        const t = topLevelAt(model, b.node.startIndex);
        return { b, top: t?.start ?? -1, inFunction: !!t?.fn };
      })
      .sort((x, y) => x.b.node.startIndex - y.b.node.startIndex);
    memo.set(name, sorted);
  }
  const top = topLevelAt(model, use.startIndex);
  if (top?.fn) {
    // The last binding that starts before the use, if it is in the same function.
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]!.b.node.startIndex < use.startIndex) lo = mid + 1;
      else hi = mid;
    }
    const last = sorted[lo - 1];
    if (last && last.inFunction && last.top === top.start) return last.b;
  }
  return sorted.find((s) => !s.inFunction)?.b;
}
