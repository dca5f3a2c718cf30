/**
 * Python dispatch across project files: which calls of a file run a method or function of another
 * project file that generates, however many files lie between (chat-bot frameworks: a channel's
 * `super().build_reply_content(q)` → a bridge's `Bridge().fetch_reply_content(q)` →
 * `self.get_bot("chat").reply(q)` on a bot a factory made → `XBot.reply` → `self.reply_text(s)`
 * → the HTTP call to the provider).
 *
 * The model, per call of the analysed file:
 * - `super().m(...)` and an inherited `self.m(...)` run `m` of a base class of another file;
 * - `X(...).m(...)`, or `m` on a name or attribute assigned `X(...)`, runs `X.m` (its own, or one it
 *   inherits, in its file or a base class's file);
 * - `f(...)`, `mod.f(...)` run a function of an imported project file (followed only below the
 *   first step: a call of the analysed file must run a method);
 * - a method called on what a factory returns (`create_bot(kind).reply(q)`, `self.bots[k] =
 *   create_bot(k)` read back through a getter) runs `m` of each class the factory's returns
 *   construct (`if kind == A: return ABot()`, its imports often inside the function), a union.
 * A method or function generates when its body holds a generation call of its own file (the
 * generation rule run on that file without links: only what the catalog names for certain), or a
 * call that runs one that generates, down to `MAX_HOPS` such steps. Summaries are plain data,
 * memoised per workspace and (file, class, name); each question loads a file at most once per scan
 * and looks at a bounded number of calls, classes and assignments, so the cost is linear in the
 * files followed.
 */
import type { Node } from 'web-tree-sitter';
import { pythonSubmodule } from '../analysis/model';
import type { Confidence, Modality } from '../types';
import { type AssignInfo, type FileIndex, type FunctionInfo, enclosingFunction, fileIndex, within } from './flow/ast';
import type { FlowWorkspace } from './flow/crossFile';

/** What a followed method or function generates, first found. */
export interface DispatchSummary {
  provider: string;
  modality: Modality;
  api: string;
  confidence: Confidence;
}

/** A generation call of a file, as plain data (offsets in that file). */
export interface PlainGeneration extends DispatchSummary {
  start: number;
  end: number;
}

/** The generation calls of another file (the generation rule run on it without links), once per scan. */
export type GenerationsOf = (rel: string) => Promise<PlainGeneration[]>;

/** Whether a file can reach generating code within `hops` imports (text only; see `Workspace.reachesWithin`). */
export type ReachGate = (rel: string, hops: number) => Promise<boolean>;

/** Calls (method or function hops) a summary follows down at most. */
const MAX_HOPS = 5;
/** Classes a factory's returns are read for at most. */
const MAX_CLASSES = 24;
/** Calls of one body looked at at most. */
const MAX_CALLS_PER_BODY = 80;
/** Assignments of one name or attribute followed at most. */
const MAX_ASSIGNS = 8;
/** Nested expressions (a getter's return, a factory's return) followed at most when typing a value. */
const MAX_VALUE_DEPTH = 6;
/** Summaries computed per question of the analysed file (a bound on the files one call can load). */
const MAX_SUMMARIES_PER_QUESTION = 64;
/** Summaries computed for all the calls of one analysed file. */
const MAX_SUMMARIES_PER_FILE = 400;

/** An import binding of a Python file, as the file model records it. */
type ImportEntry = { module: string; member: string | undefined; raw?: string };
type ImportMap = ReadonlyMap<string, ImportEntry>;

/** A loaded Python file, for the duration of one question (its tree may be evicted afterwards). */
interface PyFile {
  rel: string;
  idx: FileIndex;
  imports: ImportMap;
  root: Node;
  classes: Map<string, Node>;
  /** Assignments by their left side (`self.bots[]` under `self.bots[`), built on first use. */
  byLeft?: Map<string, AssignInfo[]>;
}

/** The assignments of `file` whose left side is `key` (a subscript's container ends with `[`), indexed once per file. */
function assignsTo(file: PyFile, key: string): readonly AssignInfo[] {
  if (!file.byLeft) {
    file.byLeft = new Map();
    for (const a of file.idx.assigns) {
      const left = a.leftText.replace(/\s+/g, '');
      const bracket = left.indexOf('[');
      const k = bracket > 0 ? left.slice(0, bracket + 1) : left;
      const list = file.byLeft.get(k);
      if (list) list.push(a);
      else file.byLeft.set(k, [a]);
    }
  }
  return file.byLeft.get(key) ?? [];
}

/** A method (`cls` set) or top-level function of a project file. */
interface Target {
  rel: string;
  cls: string | undefined;
  name: string;
}

const done = new WeakMap<object, { version: number | undefined; map: Map<string, DispatchSummary | null> }>();

function memoOf(ws: FlowWorkspace): Map<string, DispatchSummary | null> {
  let entry = done.get(ws);
  if (!entry || entry.version !== ws.version) {
    entry = { version: ws.version, map: new Map() };
    done.set(ws, entry);
  }
  return entry.map;
}

/** One question's state: the files loaded for it, the summaries being computed (a cycle is no answer) and its budget. */
interface Question {
  ws: FlowWorkspace;
  gensOf: GenerationsOf;
  reach: ReachGate;
  /** Shared by the questions of one analysed file: the files loaded, the answers cut short, the budget left. */
  files: Map<string, PyFile | null>;
  unfinished: Set<string>;
  file: { left: number };
  active: Set<string>;
  left: number;
}

/** Takes one step of the question's and the file's budgets; false once either is spent. */
function step(q: Question): boolean {
  if (q.left <= 0 || q.file.left <= 0) return false;
  q.left--;
  q.file.left--;
  return true;
}

async function pyFile(q: Question, rel: string): Promise<PyFile | undefined> {
  const have = q.files.get(rel);
  if (have !== undefined) return have ?? undefined;
  let out: PyFile | null = null;
  if (rel.endsWith('.py')) {
    const loaded = await q.ws.load(rel);
    if (loaded) {
      const idx = fileIndex(loaded.tree, 'python');
      const classes = new Map<string, Node>();
      for (const n of loaded.tree.rootNode.descendantsOfType('class_definition')) {
        const name = n?.childForFieldName('name')?.text;
        if (n && name && !classes.has(name)) classes.set(name, n);
      }
      out = { rel, idx, imports: loaded.model.imports, root: loaded.tree.rootNode, classes };
    }
  }
  q.files.set(rel, out);
  return out ?? undefined;
}

/** The project file (and the member it names) a local name of `file` was imported from; `from pkg import mod` names the module file. */
function importedFrom(ws: FlowWorkspace, file: PyFile, local: string): { rel: string; member: string | undefined } | undefined {
  const imp = file.imports.get(local);
  return imp ? importTarget(ws, file.rel, imp) : undefined;
}

/** The project file (and the member it names) an import of the file `fromRel` resolves to (see `importedFrom`). */
function importTarget(ws: FlowWorkspace, fromRel: string, imp: ImportEntry): { rel: string; member: string | undefined } | undefined {
  const spec = imp.raw ?? imp.module;
  if (imp.member !== undefined) {
    const sub = ws.resolveModule('python', fromRel, pythonSubmodule(spec, imp.member));
    if (sub) return { rel: sub, member: undefined };
  }
  const rel = ws.resolveModule('python', fromRel, spec);
  return rel ? { rel, member: imp.member } : undefined;
}

/** The class a name of `file` names: one defined there, or one imported from a project file. */
function classNamed(ws: FlowWorkspace, file: PyFile, name: string): { rel: string; cls: string } | undefined {
  if (file.classes.has(name)) return { rel: file.rel, cls: name };
  const dot = name.indexOf('.');
  if (dot > 0) {
    // `bots.DoubaoBot` for `from app import bots`.
    const from = importedFrom(ws, file, name.slice(0, dot));
    return from && from.member === undefined && !name.slice(dot + 1).includes('.') ? { rel: from.rel, cls: name.slice(dot + 1) } : undefined;
  }
  const from = importedFrom(ws, file, name);
  return from?.member && /^[A-Z]/.test(from.member) ? { rel: from.rel, cls: from.member } : undefined;
}

/** The class around a node of `file`, by name. */
function classAround(node: Node): string | undefined {
  for (let p = node.parent; p; p = p.parent) if (p.type === 'class_definition') return p.childForFieldName('name')?.text ?? undefined;
  return undefined;
}

/** The method `name` a class body defines itself. */
function ownMethod(file: PyFile, cls: string, name: string): FunctionInfo | undefined {
  const node = file.classes.get(cls);
  const body = node?.childForFieldName('body');
  if (!node || !body) return undefined;
  for (const st of body.namedChildren) {
    const def = st?.type === 'decorated_definition' ? st.childForFieldName('definition') : st;
    if (def?.type === 'function_definition' && def.childForFieldName('name')?.text === name) return file.idx.fnById.get(def.id) ?? within(file.idx.functions, def.startIndex, def.endIndex, (f) => f.node).find((f) => f.node.id === def.id);
  }
  return undefined;
}

/** The base classes of `cls` in `file`, resolved to their files (at most three). */
function basesOf(ws: FlowWorkspace, file: PyFile, cls: string): { rel: string; cls: string }[] {
  const out: { rel: string; cls: string }[] = [];
  for (const b of file.classes.get(cls)?.childForFieldName('superclasses')?.namedChildren ?? []) {
    if (!b || (b.type !== 'identifier' && b.type !== 'attribute') || out.length >= 3) continue;
    const found = classNamed(ws, file, b.text);
    if (found && !(found.rel === file.rel && found.cls === cls)) out.push(found);
  }
  return out;
}

/**
 * The classes whose instances `expr` of `file` may hold (at most `MAX_CLASSES`): a constructor call
 * of a project class, a call of a project function or of a method of the same class (what their
 * returns construct), a name, attribute or element (`self.bots[kind]`) read back from its
 * assignments in the same scope or class.
 */
async function classesOf(q: Question, file: PyFile, expr: Node, depth: number, out: Map<string, { rel: string; cls: string }>): Promise<void> {
  if (depth > MAX_VALUE_DEPTH || out.size >= MAX_CLASSES) return;
  let e = expr;
  // A return statement holds its value; parentheses and `await` hold theirs.
  while ((e.type === 'return_statement' || e.type === 'parenthesized_expression' || e.type === 'await') && e.firstNamedChild) e = e.firstNamedChild;
  if (e.type === 'conditional_expression' || e.type === 'boolean_operator') {
    for (const c of e.namedChildren) if (c) await classesOf(q, file, c, depth + 1, out);
    return;
  }
  if (e.type === 'call') {
    const fn = e.childForFieldName('function');
    if (!fn) return;
    if (fn.type === 'identifier' || (fn.type === 'attribute' && fn.childForFieldName('object')?.type === 'identifier' && fn.childForFieldName('object')?.text !== 'self')) {
      const cls = /^[A-Z]|\.[A-Z]\w*$/.test(fn.text) ? classNamed(q.ws, file, fn.text) : undefined;
      if (cls) {
        out.set(`${cls.rel}#${cls.cls}`, cls);
        return;
      }
      // A factory: a function of this file or of an imported project file.
      const target = functionTarget(q.ws, file, fn.text);
      if (target) await returnedClasses(q, target, depth + 1, out);
      return;
    }
    if (fn.type === 'attribute' && fn.childForFieldName('object')?.text === 'self') {
      // A getter of the same class (`self.get_bot(kind)`) returns what its returns hold.
      const cls = classAround(e);
      const name = fn.childForFieldName('attribute')?.text;
      if (cls && name) await returnedClasses(q, { rel: file.rel, cls, name }, depth + 1, out);
    }
    return;
  }
  if (e.type === 'identifier' || e.type === 'attribute' || e.type === 'subscript') {
    const key = e.type === 'subscript' ? `${(e.childForFieldName('value')?.text ?? '').replace(/\s+/g, '')}[` : e.text.replace(/\s+/g, '');
    // A local name is read from its own function; `self.x` from every method of the class.
    const fn = key.startsWith('self.') ? undefined : enclosingFunction(e, file.idx);
    const cls = key.startsWith('self.') ? classAround(e) : undefined;
    let seen = 0;
    for (const a of assignsTo(file, key)) {
      if (cls ? classAround(a.node) !== cls : enclosingFunction(a.node, file.idx) !== fn) continue;
      if (++seen > MAX_ASSIGNS) break;
      await classesOf(q, file, a.value, depth + 1, out);
    }
  }
}

/** The function of `file` or of an imported project file that a callee (`create_bot`, `factory.create_bot`) names. */
function functionTarget(ws: FlowWorkspace, file: PyFile, callee: string): Target | undefined {
  const parts = callee.split('.');
  if (parts.length === 1) {
    const from = importedFrom(ws, file, callee);
    if (from?.member) return { rel: from.rel, cls: undefined, name: from.member };
    if (!from && file.idx.functions.some((f) => f.name === callee && !enclosingFunction(f.node, file.idx) && !classAround(f.node))) return { rel: file.rel, cls: undefined, name: callee };
    return undefined;
  }
  if (parts.length === 2) {
    const from = importedFrom(ws, file, parts[0]!);
    if (from && from.member === undefined) return { rel: from.rel, cls: undefined, name: parts[1]! };
  }
  return undefined;
}

/** The definition of a target in its file, a method found in its class or the class's bases of the same file. */
function definitionIn(file: PyFile, t: Target): FunctionInfo | undefined {
  if (t.cls === undefined) return file.idx.functions.find((f) => f.name === t.name && !!f.body && !enclosingFunction(f.node, file.idx) && !classAround(f.node));
  return ownMethod(file, t.cls, t.name);
}

/** The classes the returns of a function or method construct (a factory's union). */
async function returnedClasses(q: Question, t: Target, depth: number, out: Map<string, { rel: string; cls: string }>): Promise<void> {
  if (depth > MAX_VALUE_DEPTH || !(await q.reach(t.rel, MAX_HOPS)) || !step(q)) return;
  const file = await pyFile(q, t.rel);
  const def = file ? definitionIn(file, t) : undefined;
  if (!file || !def) return;
  for (const r of within(file.idx.returns, def.node.startIndex, def.node.endIndex, (n) => n)) {
    if (enclosingFunction(r, file.idx) !== def) continue;
    await classesOf(q, file, r, depth, out);
    if (out.size >= MAX_CLASSES) break;
  }
}

/**
 * The methods and functions a call of `file` runs in project code (see the module comment); a
 * call whose receiver is a factory's product names one target per class.
 */
async function targetsOf(q: Question, file: PyFile, call: Node): Promise<Target[]> {
  const fn = call.childForFieldName('function');
  if (!fn) return [];
  if (fn.type === 'identifier') {
    const t = /^[A-Z]/.test(fn.text) ? undefined : functionTarget(q.ws, file, fn.text);
    return t ? [t] : [];
  }
  if (fn.type !== 'attribute') return [];
  const name = fn.childForFieldName('attribute')?.text;
  const recv = fn.childForFieldName('object');
  if (!name || !recv) return [];
  const cls = classAround(call);
  if (recv.type === 'identifier' && recv.text === 'self') return cls ? [{ rel: file.rel, cls, name }] : [];
  if (recv.type === 'call' && recv.childForFieldName('function')?.text === 'super') return cls ? basesOf(q.ws, file, cls).map((b) => ({ rel: b.rel, cls: b.cls, name })) : [];
  if (recv.type === 'identifier') {
    const t = functionTarget(q.ws, file, fn.text);
    if (t && t.rel !== file.rel) return [t];
  }
  const classes = new Map<string, { rel: string; cls: string }>();
  await classesOf(q, file, recv, 0, classes);
  return [...classes.values()].map((c) => ({ rel: c.rel, cls: c.cls, name }));
}

/** What a method or function generates (see the module comment), memoised per workspace. */
async function summaryOf(q: Question, t: Target, hops: number): Promise<DispatchSummary | null> {
  const key = `${t.rel}#${t.cls ?? ''}.${t.name}`;
  const memo = memoOf(q.ws);
  const known = memo.get(key);
  if (known !== undefined) return known;
  // A cycle, or a chain longer than the bound, has no answer here (and none is remembered); a
  // file that imports nothing generating within the hops left is not loaded.
  if (q.active.has(key) || q.unfinished.has(key) || hops > MAX_HOPS || !(await q.reach(t.rel, MAX_HOPS - hops))) return null;
  if (!step(q)) return null;
  q.active.add(key);
  let found: DispatchSummary | null = null;
  let complete = true;
  try {
    const file = await pyFile(q, t.rel);
    if (!file) return null;
    const def = definitionIn(file, t);
    if (!def?.body) {
      // A method the class inherits: its bases' (of this file or another).
      if (t.cls !== undefined && file.classes.has(t.cls)) {
        for (const b of basesOf(q.ws, file, t.cls)) {
          found = await summaryOf(q, { ...b, name: t.name }, hops);
          if (found) break;
        }
      }
      return found;
    }
    const gens = await q.gensOf(t.rel);
    const own = gens.find((g) => g.start >= def.node.startIndex && g.end <= def.node.endIndex);
    if (own) {
      found = { provider: own.provider, modality: own.modality, api: own.api, confidence: own.confidence };
      return found;
    }
    let looked = 0;
    for (const c of within(file.idx.calls, def.node.startIndex, def.node.endIndex, (x) => x.node)) {
      if (enclosingFunction(c.node, file.idx) !== def) continue;
      if (++looked > MAX_CALLS_PER_BODY) break;
      for (const next of await targetsOf(q, file, c.node)) {
        const s = await summaryOf(q, next, hops + 1);
        if (s) {
          found = { ...s, api: `${next.cls ? `${next.cls}.` : ''}${next.name} → ${s.api}`, confidence: s.confidence === 'low' ? 'low' : 'medium' };
          return found;
        }
        if (q.left <= 0 || q.file.left <= 0) complete = false;
      }
    }
    return found;
  } finally {
    q.active.delete(key);
    // An answer cut short by a cycle or the budget may differ from another question's: only a
    // found one, or one the walk finished, is remembered.
    if (found || (complete && q.left > 0 && q.file.left > 0)) memo.set(key, found);
    else q.unfinished.add(key);
  }
}

/**
 * Whether some project file `rel` imports (as `importedFrom` resolves them, where every target in
 * another file comes from) reaches generating code within the hops a first step leaves.
 */
async function someImportReaches(ws: FlowWorkspace, rel: string, imports: ImportMap, reach: ReachGate): Promise<boolean> {
  const seen = new Set<string>();
  for (const imp of imports.values()) {
    const target = importTarget(ws, rel, imp)?.rel;
    if (target === undefined || target === rel || seen.has(target)) continue;
    seen.add(target);
    if (await reach(target, MAX_HOPS - 1)) return true;
  }
  return false;
}

/**
 * The generation each call of the analysed file reaches through project code of other files
 * (keyed by the call node's id): only calls whose first target is in another file, so a file's
 * own helpers stay with the label rule's same-file flow. `skip` holds the calls already reported.
 */
export async function dispatchedGenerations(ws: FlowWorkspace, gensOf: GenerationsOf, reach: ReachGate, rel: string, tree: { rootNode: Node }, imports: ImportMap, skip: ReadonlySet<number>): Promise<Map<number, DispatchSummary & { via: string }>> {
  const out = new Map<number, DispatchSummary & { via: string }>();
  // Every target in another file is reached through an import of this one (a class, a factory,
  // a base class, a module's function), and a summary is computed only for a file that reaches
  // generating code within the hops left: when no import does, no call can have one, and the
  // file's review index is not built for nothing.
  if (!(await someImportReaches(ws, rel, imports, reach))) return out;
  const idx = fileIndex(tree as Parameters<typeof fileIndex>[0], 'python');
  const classes = new Map<string, Node>();
  for (const n of tree.rootNode.descendantsOfType('class_definition')) {
    const name = n?.childForFieldName('name')?.text;
    if (n && name && !classes.has(name)) classes.set(name, n);
  }
  const self: PyFile = { rel, idx, imports, root: tree.rootNode, classes };
  const files = new Map<string, PyFile | null>([[rel, self]]);
  const unfinished = new Set<string>();
  const budget = { left: MAX_SUMMARIES_PER_FILE };
  for (const c of idx.calls) {
    if (skip.has(c.node.id) || c.node.type !== 'call') continue;
    if (budget.left <= 0) break;
    const q: Question = { ws, gensOf, reach, files, unfinished, file: budget, active: new Set(), left: MAX_SUMMARIES_PER_QUESTION };
    const fn = c.node.childForFieldName('function');
    // Only calls that can leave the file: a name imported from the project, a method on anything
    // but `self` unless the class inherits it from another file.
    if (!fn || (fn.type === 'identifier' && !imports.has(fn.text))) continue;
    let targets = await targetsOf(q, self, c.node);
    const union = targets.length > 1 && fn.type === 'attribute' && !/^(?:self|super\(\))$/.test(fn.childForFieldName('object')?.text ?? '');
    if (fn.type === 'attribute' && fn.childForFieldName('object')?.text === 'self') {
      // `self.m(...)`: only when the class neither defines `m` nor inherits it from this file.
      const cls = targets[0]?.cls;
      if (!cls || ownMethod(self, cls, targets[0]!.name)) continue;
      targets = basesOf(ws, self, cls).filter((b) => b.rel !== rel).map((b) => ({ ...b, name: targets[0]!.name }));
    }
    for (const t of targets) {
      // A plain function of another file is left as it was: its direct generation makes the call
      // a wrapper (the generation rule's links), and what it returns from a deeper helper is
      // followed into this file by the label rule from that file.
      if (t.rel === rel || t.cls === undefined) continue;
      const s = await summaryOf(q, t, 1);
      if (s) {
        const many = union ? `one of ${targets.length} classes; ` : '';
        out.set(c.node.id, { ...s, via: `${c.name} (${many}wraps ${t.cls ? `${t.cls}.` : ''}${t.name} → ${s.api})`, confidence: s.confidence === 'low' ? 'low' : 'medium' });
        break;
      }
    }
  }
  return out;
}
