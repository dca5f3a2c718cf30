/**
 * A per-tree index of the syntax the review rules look at (calls, functions, assignments, loops,
 * returns, string literals and key/value literals), built in ONE cursor walk and shared by every
 * review rule through a WeakMap keyed on the tree. The rules then work on these flat lists instead
 * of walking the tree again, which keeps the full rule set close to the generation-only scan time.
 *
 * The index is language-neutral on purpose: each family's node kinds are mapped to the same small
 * shapes so the data-flow in `taint.ts` and the rules are written once.
 */
import type { Node, Query, Tree } from 'web-tree-sitter';
import { type Shift, chunkPlan, chunked, detachNode, moveNode, moveOpt } from '../../analysis/chunks';
import type { LanguageInfo } from '../../languages';
import type { RuleContext } from '../rule';
import { OwnedMemo } from '../../analysis/ownedMemo';

export type Family = LanguageInfo['family'];

/** A call (or constructor call) with its callee reduced to a dotted path without arguments. */
export interface CallInfo {
  node: Node;
  /** Callee text with whitespace removed and argument lists collapsed, e.g. `sharp().resize().toFile`. */
  callee: string;
  /** Last name in the callee path, e.g. `toFile`. */
  name: string;
  /** The receiver expression of a method call (`res` in `res.json(x)`), if any. */
  receiver: Node | null;
  /** Positional argument nodes (keyword arguments excluded). */
  args: Node[];
  /** Keyword / named arguments (Python `k=v`). */
  kwargs: Map<string, Node>;
  isNew: boolean;
}

export interface FunctionInfo {
  node: Node;
  name: string | null;
  body: Node | null;
  params: string[];
  /** Decorator / annotation texts (Python decorators, Java annotations). */
  decorators: string[];
  /** Memos about this function, made by the rules during one analysis (see `ownedMemo.ts`). */
  memos: Map<object, unknown> | undefined;
}

export interface AssignInfo {
  node: Node;
  /** Plain identifiers bound (destructuring expanded). */
  targets: string[];
  /** Left side text for member targets such as `ctx.body`. */
  leftText: string;
  value: Node;
}

export interface LoopInfo {
  node: Node;
  vars: string[];
  iter: Node;
}

/** A key/value literal: JS object, Python dict, Go composite literal, Java `Map.of` call. */
export interface KeyedLiteral {
  node: Node;
  entries: { key: string; keyNode: Node; value: Node | null }[];
  /** Type name for Go composite literals (`AIGC`, `map[string]string`), empty otherwise. */
  typeName: string;
}

export interface FileIndex {
  family: Family;
  calls: CallInfo[];
  functions: FunctionInfo[];
  assigns: AssignInfo[];
  loops: LoopInfo[];
  returns: Node[];
  strings: Node[];
  keyed: KeyedLiteral[];
  /** Start offsets of function nodes → info, for `enclosingFunction`. */
  fnById: Map<number, FunctionInfo>;
  /** Memos about this index, made by the rules during one analysis (see `ownedMemo.ts`). */
  memos: Map<object, unknown> | undefined;
}

const FUNCTION_KINDS: Record<Family, ReadonlySet<string>> = {
  js: new Set(['function_declaration', 'function_expression', 'arrow_function', 'method_definition', 'generator_function_declaration', 'generator_function', 'function']),
  python: new Set(['function_definition', 'lambda']),
  go: new Set(['function_declaration', 'method_declaration', 'func_literal']),
  java: new Set(['method_declaration', 'constructor_declaration', 'lambda_expression']),
};

const STRING_KINDS: Record<Family, ReadonlySet<string>> = {
  js: new Set(['string', 'template_string']),
  python: new Set(['string']),
  go: new Set(['interpreted_string_literal', 'raw_string_literal']),
  java: new Set(['string_literal', 'text_block']),
};

const cache = new WeakMap<Tree, FileIndex>();

/** Every node kind the index records, across the grammars; each language keeps those it has. */
const INDEXED_KINDS = [
  'call_expression', 'call', 'new_expression', 'method_invocation', 'object_creation_expression',
  'function_declaration', 'function_expression', 'arrow_function', 'method_definition', 'generator_function_declaration', 'generator_function',
  'function_definition', 'lambda', 'method_declaration', 'func_literal', 'constructor_declaration', 'lambda_expression',
  'string', 'template_string', 'interpreted_string_literal', 'raw_string_literal', 'string_literal', 'text_block',
  'object', 'dictionary', 'literal_value',
  'variable_declarator', 'resource', 'assignment', 'assignment_expression', 'augmented_assignment', 'augmented_assignment_expression', 'short_var_declaration', 'assignment_statement', 'var_spec', 'with_item',
  'for_in_statement', 'for_statement', 'enhanced_for_statement', 'range_clause',
  'return_statement', 'yield', 'yield_expression',
];

const INDEXED: ReadonlySet<string> = new Set(INDEXED_KINDS);

/**
 * The index of the context's tree, built on first use and cached for the tree's lifetime. A
 * tree-sitter query (compiled once per language and owned by the host) hands over only the
 * nodes of interest, which is several times cheaper than visiting every node from JavaScript.
 */
export async function indexFor(ctx: RuleContext): Promise<FileIndex> {
  let idx = cache.get(ctx.tree);
  if (!idx) {
    // A tree kept for the next edit always goes through the query, which is what carries over.
    if (ctx.text.length < CURSOR_WALK_MAX_CHARS && !compiled.has(ctx.language.id) && !chunked(ctx.tree)) {
      // Compiling the query costs more than walking a small file: the first files of a process
      // (a cold start, the editor's first document) are indexed by the cursor walk.
      idx = buildIndex(ctx.tree, ctx.language.family);
    } else {
      const language = ctx.tree.language;
      const kinds = INDEXED_KINDS.filter((k) => language.idForNodeType(k, true));
      // One pattern per kind: the same captures as an alternation, and quicker to compile.
      const query = await ctx.host.query(ctx.language.id, 'aireg.review.index', kinds.map((k) => `(${k}) @n`).join('\n'));
      compiled.add(ctx.language.id);
      if (chunked(ctx.tree)) idx = chunkedIndex(ctx.tree, ctx.language.family, query);
      else {
        idx = emptyIndex(ctx.language.family);
        const visit = visitor(idx);
        for (const cap of query.captures(ctx.tree.rootNode)) visit(cap.node);
      }
    }
    cache.set(ctx.tree, idx);
  }
  return idx;
}

/**
 * The index of a tree the editor keeps, one top-level statement at a time: statements the last
 * edit did not touch bring their entries over from the previous tree (see `analysis/chunks.ts`),
 * the others are captured by one query per stretch of them. The lists stay in document order.
 */
function chunkedIndex(tree: Tree, family: Family, query: Query): FileIndex {
  const plan = chunkPlan<FileIndex>(tree, 'review.index', moveIndex, detachIndex);
  const parts = plan.carried.slice();
  for (const target of plan.targets) {
    let at = -1;
    let visit: ((node: Node) => void) | undefined;
    for (const cap of query.captures(target.node)) {
      const i = target.chunk ?? plan.chunkAt(cap.node.startIndex);
      // A query over the root also sees the carried statements, whose entries are in already.
      if (i < 0 || plan.carried[i]) continue;
      if (i !== at) {
        at = i;
        visit = visitor((parts[i] ??= emptyIndex(family)));
      }
      visit!(cap.node);
    }
  }
  for (let i = 0; i < parts.length; i++) parts[i] ??= emptyIndex(family);
  plan.save(parts as FileIndex[]);
  const idx = emptyIndex(family);
  for (const part of parts as FileIndex[]) {
    idx.calls.push(...part.calls);
    idx.functions.push(...part.functions);
    idx.assigns.push(...part.assigns);
    idx.loops.push(...part.loops);
    idx.returns.push(...part.returns);
    idx.strings.push(...part.strings);
    idx.keyed.push(...part.keyed);
    for (const f of part.functions) idx.fnById.set(f.node.id, f);
  }
  return idx;
}

/**
 * A call of a statement carried over an edit. Its nodes are moved to the new tree when first
 * read: the rules pick calls by name, so most are never moved.
 */
class CarriedCall implements CallInfo {
  readonly callee: string;
  readonly name: string;
  readonly isNew: boolean;
  #node: Node | undefined;
  #receiver: Node | null | undefined;
  #args: Node[] | undefined;
  #kwargs: Map<string, Node> | undefined;
  constructor(
    private readonly src: CallInfo,
    private readonly s: Shift,
  ) {
    this.callee = src.callee;
    this.name = src.name;
    this.isNew = src.isNew;
  }
  get node(): Node {
    return (this.#node ??= moveNode(this.src.node, this.s));
  }
  get receiver(): Node | null {
    if (this.#receiver === undefined) this.#receiver = moveOpt(this.src.receiver, this.s);
    return this.#receiver;
  }
  get args(): Node[] {
    return (this.#args ??= this.src.args.map((a) => moveNode(a, this.s)));
  }
  get kwargs(): Map<string, Node> {
    return (this.#kwargs ??= new Map([...this.src.kwargs].map(([k, v]) => [k, moveNode(v, this.s)])));
  }
  /** Where the arguments start, without moving their nodes (see {@link argumentStarts}). */
  argumentStarts(): number[] {
    return startsOf(this.src, this.s.dIndex);
  }
  /** Where the call starts and ends, and its node's id, without moving the node (as the model's carried calls' `start`). */
  get start(): number {
    return this.src.node.startIndex + this.s.dIndex;
  }
  get end(): number {
    return this.src.node.endIndex + this.s.dIndex;
  }
  /** A moved node keeps its id. */
  get id(): number {
    return this.src.node.id;
  }
}

/**
 * Where a call's positional and keyword arguments start, in that order: for a pass over every
 * call of a file that reads only where they are, this spares moving the nodes of carried calls.
 */
export function argumentStarts(c: CallInfo): number[] {
  return c instanceof CarriedCall ? c.argumentStarts() : startsOf(c, 0);
}

/** Where a call's positional, then keyword, arguments start, shifted by `delta`. */
function startsOf(c: CallInfo, delta: number): number[] {
  const out: number[] = [];
  for (const a of c.args) out.push(a.startIndex + delta);
  for (const v of c.kwargs.values()) out.push(v.startIndex + delta);
  return out;
}

/** A key/value literal of a carried statement, its nodes moved when first read (see {@link CarriedCall}). */
class CarriedKeyed implements KeyedLiteral {
  readonly typeName: string;
  #node: Node | undefined;
  #entries: KeyedLiteral['entries'] | undefined;
  constructor(
    private readonly src: KeyedLiteral,
    private readonly s: Shift,
  ) {
    this.typeName = src.typeName;
  }
  get node(): Node {
    return (this.#node ??= moveNode(this.src.node, this.s));
  }
  get entries(): KeyedLiteral['entries'] {
    return (this.#entries ??= this.src.entries.map((e) => ({ key: e.key, keyNode: moveNode(e.keyNode, this.s), value: moveOpt(e.value, this.s) })));
  }
  /** The keys, without moving any node (see {@link keyedKeys}). */
  keys(): string[] {
    return this.src.entries.map((e) => e.key);
  }
  /** Where the literal starts now, without moving its node (see {@link keyedStart}). */
  start(): number {
    return this.src.node.startIndex + this.s.dIndex;
  }
}

/**
 * The keys of a key/value literal, in order: for a pass over every literal of a file that reads
 * the keys first, this spares moving the nodes of carried literals whose keys do not matter.
 */
export function keyedKeys(k: KeyedLiteral): string[] {
  return k instanceof CarriedKeyed ? k.keys() : k.entries.map((e) => e.key);
}

/** Where a key/value literal starts, without moving a carried literal's node. */
export function keyedStart(k: KeyedLiteral): number {
  return k instanceof CarriedKeyed ? k.start() : k.node.startIndex;
}

/**
 * A statement's index entries with every node mapped by `f`: detached from the tree (kept for the
 * next edit), or moved by `carry` to where an edit put the statement, in which case calls and
 * key/value literals move their nodes only when first read.
 */
function mapIndex(part: FileIndex, f: (n: Node) => Node, carry?: Shift): FileIndex {
  const opt = (n: Node | null): Node | null => (n ? f(n) : null);
  return {
    family: part.family,
    calls: part.calls.map((c): CallInfo => (carry ? new CarriedCall(c, carry) : { callee: c.callee, name: c.name, isNew: c.isNew, node: f(c.node), receiver: opt(c.receiver), args: c.args.map(f), kwargs: new Map([...c.kwargs].map(([k, v]) => [k, f(v)])) })),
    functions: part.functions.map((fn) => ({ ...fn, node: f(fn.node), body: opt(fn.body), memos: undefined })),
    assigns: part.assigns.map((x) => ({ ...x, node: f(x.node), value: f(x.value) })),
    loops: part.loops.map((l) => ({ ...l, node: f(l.node), iter: f(l.iter) })),
    returns: part.returns.map(f),
    strings: part.strings.map(f),
    keyed: part.keyed.map((k): KeyedLiteral => (carry ? new CarriedKeyed(k, carry) : { typeName: k.typeName, node: f(k.node), entries: k.entries.map((e) => ({ key: e.key, keyNode: f(e.keyNode), value: opt(e.value) })) })),
    fnById: new Map(),
    memos: undefined,
  };
}

/** A statement's index entries with their nodes detached from the tree (kept for the next edit). */
function detachIndex(part: FileIndex): FileIndex {
  return mapIndex(part, detachNode);
}

/** A statement's index entries as they are in the tree after an edit that moved it by `s`. */
function moveIndex(part: FileIndex, s: Shift): FileIndex {
  return mapIndex(part, (n) => moveNode(n, s), s);
}

/** Forgets the index of a tree that is about to be deleted. */
export function forgetIndex(tree: Tree): void {
  cache.delete(tree);
}


/** Files below this size are indexed by a cursor walk until the index query has been compiled. */
const CURSOR_WALK_MAX_CHARS = 16 * 1024;
/** Languages whose index query this process has compiled. */
const compiled = new Set<string>();

/** The index of `tree` if a rule already built it (tests and helpers that only have a tree). */
export function fileIndex(tree: Tree, family: Family): FileIndex {
  let idx = cache.get(tree);
  if (!idx) {
    idx = buildIndex(tree, family);
    cache.set(tree, idx);
  }
  return idx;
}

/** Removes whitespace and the contents of argument lists and subscripts from a callee text. */
export function normalizeCallee(text: string): string {
  let out = '';
  let depth = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote && text[i - 1] !== '\\') quote = '';
      continue;
    }
    if (depth > 0 && (c === '"' || c === "'" || c === '`')) {
      quote = c;
      continue;
    }
    if (c === '(' || c === '[') {
      if (depth === 0) out += c;
      depth++;
    } else if (c === ')' || c === ']') {
      depth = Math.max(0, depth - 1);
      if (depth === 0) out += c;
    } else if (depth === 0 && !/\s/.test(c)) {
      out += c;
    }
  }
  return out.replace(/\?\./g, '.').replace(/!\./g, '.');
}

/** The string value of a literal node, without quotes and prefixes (interpolations kept as text). */
export function stringValue(node: Node): string {
  const t = node.text;
  const m = /^[rbufRBUF]*("""|'''|"|'|`)([\s\S]*)\1$/.exec(t);
  return m ? m[2]! : t;
}

export function isStringNode(node: Node, family: Family): boolean {
  return STRING_KINDS[family].has(node.type);
}

export function isFunctionNode(node: Node, family: Family): boolean {
  return FUNCTION_KINDS[family].has(node.type);
}

/**
 * The functions of an index as an interval tree made of two arrays: `idx.functions` is in
 * document order (pre-order, so an outer function comes before the functions it holds), and
 * `parent[i]` is the index of the innermost function that holds function `i`, or -1.
 */
interface Nesting {
  starts: number[];
  ends: number[];
  parent: Int32Array;
}

const nestings = new OwnedMemo<FileIndex, Nesting>();

function nestingOf(idx: FileIndex): Nesting {
  let n = nestings.get(idx);
  if (n) return n;
  const fns = idx.functions;
  const starts = fns.map((f) => f.node.startIndex);
  const ends = fns.map((f) => f.node.endIndex);
  const parent = new Int32Array(fns.length);
  const stack: number[] = [];
  for (let i = 0; i < fns.length; i++) {
    // Functions nest or are disjoint: the open functions that end before this one starts are done.
    while (stack.length && ends[stack[stack.length - 1]!]! < ends[i]!) stack.pop();
    parent[i] = stack.length ? stack[stack.length - 1]! : -1;
    stack.push(i);
  }
  n = { starts, ends, parent };
  nestings.set(idx, n);
  return n;
}

/**
 * The innermost function containing `node` (not `node` itself), or null at module level. Found
 * from offsets in the function nesting (a binary search, then up the few functions that hold the
 * nearest one) rather than by walking the node's parents, each of which is a call into the parser.
 */
export function enclosingFunction(node: Node, idx: FileIndex): FunctionInfo | null {
  return enclosingAt(node.startIndex, node.endIndex, node.id, idx, () => node);
}

/**
 * {@link enclosingFunction} of a call's node, without moving the node of a call carried over an
 * edit: a pass over every call of a file (which function owns it) reads only where each is.
 */
export function enclosingFunctionOfCall(c: CallInfo, idx: FileIndex): FunctionInfo | null {
  if (!(c instanceof CarriedCall)) return enclosingFunction(c.node, idx);
  return enclosingAt(c.start, c.end, c.id, idx, () => c.node);
}

/** A call's node id, without moving a carried call's node (a moved node keeps its id). */
export function callNodeId(c: CallInfo): number {
  return c instanceof CarriedCall ? c.id : c.node.id;
}

/** The innermost function around the span [s, e] of the node `id` (`node()` for the rare tie). */
function enclosingAt(s: number, e: number, id: number, idx: FileIndex, node: () => Node): FunctionInfo | null {
  const n = nestingOf(idx);
  let lo = 0;
  let hi = n.starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (n.starts[mid]! <= s) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo - 1; i >= 0; i = n.parent[i]!) {
    if (n.ends[i]! < e) continue;
    const f = idx.functions[i]!;
    if (f.node.id === id) continue;
    // Same span, different node: a wrapper around a function (or one inside it); only the
    // parents can tell which holds which.
    if (n.starts[i] === s && n.ends[i] === e) return enclosingByParents(node(), idx);
    return f;
  }
  return null;
}

function enclosingByParents(node: Node, idx: FileIndex): FunctionInfo | null {
  for (let p = node.parent; p; p = p.parent) {
    if (FUNCTION_KINDS[idx.family].has(p.type)) return idx.fnById.get(p.id) ?? null;
  }
  return null;
}

/** True when `inner` lies within `outer` (inclusive). */
export function contains(outer: Node, inner: Node): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

/** Identifiers bound by a pattern (destructuring, tuples, Go expression lists). */
export function patternNames(node: Node | null): string[] {
  if (!node) return [];
  if (node.type === 'identifier' || node.type === 'shorthand_property_identifier_pattern') return [node.text];
  const out: string[] = [];
  for (const child of node.namedChildren) {
    if (!child) continue;
    // In `{ data: first }` only the value side binds a name.
    if (child.type === 'pair_pattern') out.push(...patternNames(child.childForFieldName('value')));
    else if (child.type !== 'property_identifier' && child.type !== 'type_annotation') out.push(...patternNames(child));
  }
  return out;
}

function keyText(node: Node, family: Family): string {
  if (STRING_KINDS[family].has(node.type)) return stringValue(node);
  if (family === 'go' && node.type === 'literal_element') {
    const inner = node.namedChild(0);
    return inner ? keyText(inner, family) : node.text;
  }
  return node.text;
}

function callInfo(node: Node, family: Family): CallInfo | null {
  let fn: Node | null = null;
  let receiver: Node | null = null;
  let argsNode: Node | null = null;
  let isNew = false;
  let calleeText = '';
  if (family === 'java') {
    if (node.type === 'method_invocation') {
      receiver = node.childForFieldName('object');
      const name = node.childForFieldName('name');
      calleeText = (receiver ? receiver.text + '.' : '') + (name?.text ?? '');
      argsNode = node.childForFieldName('arguments');
    } else if (node.type === 'object_creation_expression') {
      calleeText = node.childForFieldName('type')?.text ?? '';
      argsNode = node.childForFieldName('arguments');
      isNew = true;
    } else return null;
  } else if (node.type === 'call_expression' || node.type === 'call' || node.type === 'new_expression') {
    isNew = node.type === 'new_expression';
    fn = node.childForFieldName(isNew ? 'constructor' : 'function');
    argsNode = node.childForFieldName('arguments');
    if (!fn) return null;
    calleeText = fn.text;
    if (fn.type === 'member_expression' || fn.type === 'attribute' || fn.type === 'selector_expression') {
      receiver = fn.childForFieldName('object') ?? fn.childForFieldName('operand');
    }
  } else return null;
  const callee = normalizeCallee(calleeText);
  const m = /([A-Za-z_$][\w$]*)\W*$/.exec(callee);
  const args: Node[] = [];
  const kwargs = new Map<string, Node>();
  if (argsNode) {
    for (const a of argsNode.namedChildren) {
      if (!a || a.type === 'comment') continue;
      if (a.type === 'keyword_argument') {
        const k = a.childForFieldName('name')?.text;
        const v = a.childForFieldName('value');
        if (k && v) kwargs.set(k, v);
      } else args.push(a);
    }
  }
  return { node, callee, name: m ? m[1]! : callee, receiver, args, kwargs, isNew };
}

function functionInfo(node: Node, family: Family): FunctionInfo {
  let name: string | null = node.childForFieldName('name')?.text ?? null;
  if (!name) {
    // `const handler = async () => {}` and `handler: function () {}` take the binding's name.
    const p = node.parent;
    if (p?.type === 'variable_declarator') name = p.childForFieldName('name')?.text ?? null;
    else if (p?.type === 'pair') name = p.childForFieldName('key')?.text ?? null;
    else if (p?.type === 'assignment' || p?.type === 'assignment_expression') name = p.childForFieldName('left')?.text ?? null;
  }
  const paramsNode = node.childForFieldName('parameters') ?? node.childForFieldName('parameter');
  const params = paramsNode ? patternNamesOfParams(paramsNode) : [];
  const decorators: string[] = [];
  if (family === 'python' && node.parent?.type === 'decorated_definition') {
    for (const d of node.parent.namedChildren) if (d?.type === 'decorator') decorators.push(d.text);
  }
  if (family === 'java') {
    const mods = node.namedChildren.find((c) => c?.type === 'modifiers');
    if (mods) for (const a of mods.namedChildren) if (a && /annotation/.test(a.type)) decorators.push(a.text);
  }
  // TypeScript decorators of a method (`@Post()` in a NestJS controller) precede it in the class body.
  if (family === 'js' && node.type === 'method_definition') {
    const found: string[] = [];
    for (let d = node.previousNamedSibling; d?.type === 'decorator' && found.length < 8; d = d.previousNamedSibling) found.unshift(d.text);
    decorators.push(...found);
  }
  if (family === 'js' && node.parent?.type === 'export_statement') decorators.push('export');
  return { node, name, body: node.childForFieldName('body'), params, decorators, memos: undefined };
}

function patternNamesOfParams(params: Node): string[] {
  if (params.type === 'identifier') return [params.text];
  const out: string[] = [];
  for (const p of params.namedChildren) {
    if (!p) continue;
    if (p.type === 'identifier') out.push(p.text);
    else {
      const n = p.childForFieldName('pattern') ?? p.childForFieldName('name');
      if (n) out.push(...patternNames(n));
      else if (p.namedChild(0)?.type === 'identifier') out.push(p.namedChild(0)!.text);
    }
  }
  return out;
}

function emptyIndex(family: Family): FileIndex {
  return { family, calls: [], functions: [], assigns: [], loops: [], returns: [], strings: [], keyed: [], fnById: new Map(), memos: undefined };
}

/** Slow path without a query: walks every node with a cursor. */
function buildIndex(tree: Tree, family: Family): FileIndex {
  const idx = emptyIndex(family);
  const visit = visitor(idx);
  const cursor = tree.walk();
  try {
    let done = false;
    while (!done) {
      // The query hands over named nodes only; the walk sees every node and keeps the same ones.
      if (cursor.nodeIsNamed && INDEXED.has(cursor.nodeType)) visit(cursor.currentNode);
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) {
          done = true;
          break;
        }
      }
    }
  } finally {
    cursor.delete();
  }
  return idx;
}

/** Records one node in the index (the same for the query and the cursor path). */
function visitor(idx: FileIndex): (node: Node) => void {
  const family = idx.family;
  const fnKinds = FUNCTION_KINDS[family];
  const strKinds = STRING_KINDS[family];
  return visit;

  function visit(node: Node): void {
    const t = node.type;
    if (fnKinds.has(t)) {
      const f = functionInfo(node, family);
      idx.functions.push(f);
      idx.fnById.set(node.id, f);
      return;
    }
    if (strKinds.has(t)) {
      idx.strings.push(node);
      return;
    }
    switch (t) {
      case 'call_expression':
      case 'call':
      case 'new_expression':
      case 'method_invocation':
      case 'object_creation_expression': {
        const c = callInfo(node, family);
        if (c) {
          idx.calls.push(c);
          if (family === 'java' && c.callee.endsWith('Map.of') && c.args.length >= 2) {
            const entries: KeyedLiteral['entries'] = [];
            for (let i = 0; i + 1 < c.args.length; i += 2) {
              const k = c.args[i]!;
              if (strKinds.has(k.type)) entries.push({ key: stringValue(k), keyNode: k, value: c.args[i + 1]! });
            }
            idx.keyed.push({ node, entries, typeName: 'Map' });
          }
          if (family === 'python' && c.callee === 'dict' && c.kwargs.size > 0) {
            const entries: KeyedLiteral['entries'] = [];
            for (const a of node.childForFieldName('arguments')?.namedChildren ?? []) {
              if (a?.type === 'keyword_argument') entries.push({ key: a.childForFieldName('name')!.text, keyNode: a.childForFieldName('name')!, value: a.childForFieldName('value') });
            }
            idx.keyed.push({ node, entries, typeName: 'dict' });
          }
        }
        return;
      }
      case 'object':
      case 'dictionary':
      case 'literal_value': {
        const entries: KeyedLiteral['entries'] = [];
        for (const ch of node.namedChildren) {
          if (!ch) continue;
          if (ch.type === 'pair' || ch.type === 'keyed_element') {
            const k = ch.childForFieldName('key') ?? ch.namedChild(0);
            const v = ch.childForFieldName('value') ?? ch.namedChild(1);
            if (k) entries.push({ key: keyText(k, family), keyNode: k, value: v && v.type === 'literal_element' ? v.namedChild(0) : v });
          } else if (ch.type === 'shorthand_property_identifier') {
            entries.push({ key: ch.text, keyNode: ch, value: null });
          }
        }
        const typeName = t === 'literal_value' ? (node.parent?.childForFieldName('type')?.text ?? '') : '';
        idx.keyed.push({ node, entries, typeName });
        return;
      }
      // Java's try-with-resources declares its stream like a variable: `try (var s = client.createStreaming(p))`.
      case 'resource':
      case 'variable_declarator': {
        const value = node.childForFieldName('value');
        const name = node.childForFieldName('name');
        if (value && name) idx.assigns.push({ node, targets: patternNames(name), leftText: name.text, value });
        return;
      }
      case 'assignment':
      case 'assignment_expression':
      case 'augmented_assignment':
      case 'augmented_assignment_expression':
      case 'short_var_declaration':
      case 'assignment_statement': {
        const left = node.childForFieldName('left');
        const value = node.childForFieldName('right') ?? node.childForFieldName('value');
        if (left && value) {
          const targets = left.type === 'identifier' ? [left.text] : left.type === 'member_expression' || left.type === 'attribute' || left.type === 'selector_expression' || left.type === 'subscript' || left.type === 'subscript_expression' ? [] : patternNames(left);
          // `self.text = x` and `obj.field = x` taint the whole object name for simplicity.
          if (targets.length === 0 && /^[A-Za-z_$][\w$]*[.[]/.test(left.text)) targets.push(/^[A-Za-z_$][\w$]*/.exec(left.text)![0]);
          idx.assigns.push({ node, targets, leftText: normalizeCallee(left.text), value });
        }
        return;
      }
      case 'var_spec': {
        const value = node.childForFieldName('value');
        if (value) idx.assigns.push({ node, targets: node.childrenForFieldName('name').filter((n): n is Node => !!n).map((n) => n.text), leftText: '', value });
        return;
      }
      case 'with_item': {
        const v = node.childForFieldName('value');
        if (v?.type === 'as_pattern') {
          const alias = v.childForFieldName('alias');
          const inner = v.namedChild(0);
          if (alias && inner) idx.assigns.push({ node, targets: patternNames(alias), leftText: alias.text, value: inner });
        }
        return;
      }
      case 'for_in_statement':
      case 'for_statement':
      case 'enhanced_for_statement':
      case 'range_clause': {
        const left = node.childForFieldName('left') ?? node.childForFieldName('name');
        const iter = node.childForFieldName('right') ?? node.childForFieldName('value');
        if (left && iter) idx.loops.push({ node, vars: patternNames(left), iter });
        return;
      }
      case 'return_statement':
      case 'yield':
      case 'yield_expression':
        idx.returns.push(node);
        return;
      default:
        return;
    }
  }
}

/**
 * The part of a list sorted by start offset (every index list is, since captures and the cursor
 * both come in document order) whose items lie within [from, to]. Binary search keeps per-function
 * work proportional to the function, not to the file.
 */
export function within<T>(list: readonly T[], from: number, to: number, nodeOf: (t: T) => Node): T[] {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (nodeOf(list[mid]!).startIndex < from) lo = mid + 1;
    else hi = mid;
  }
  const out: T[] = [];
  for (let i = lo; i < list.length; i++) {
    const n = nodeOf(list[i]!);
    if (n.startIndex > to) break;
    if (n.endIndex <= to) out.push(list[i]!);
  }
  return out;
}

export const nodeOfCall = (c: CallInfo): Node => c.node;
export const nodeOfAssign = (a: AssignInfo): Node => a.node;
export const nodeOfLoop = (l: LoopInfo): Node => l.node;
export const nodeOfKeyed = (k: KeyedLiteral): Node => k.node;

/** The key/value literal that `node` itself is (an object, dict or composite literal), if indexed. */
export function keyedLiteralOf(idx: FileIndex, node: Node): KeyedLiteral | undefined {
  return within(idx.keyed, node.startIndex, node.endIndex, nodeOfKeyed).find((l) => l.node.id === node.id);
}

/** The call the node is, as the index records it (undefined for a node that is not a call). */
export function callInfoOf(idx: FileIndex, node: Node): CallInfo | undefined {
  return within(idx.calls, node.startIndex, node.endIndex, nodeOfCall).find((c) => c.node.id === node.id);
}
export const nodeOfFunction = (f: FunctionInfo): Node => f.node;
export const nodeSelf = (n: Node): Node => n;

const byName = new OwnedMemo<FileIndex, Map<string, FunctionInfo>>();

/** The first function of that name declared in the file (for same-file helpers and callers). */
export function functionNamed(idx: FileIndex, name: string): FunctionInfo | undefined {
  let m = byName.get(idx);
  if (!m) {
    m = new Map();
    for (const f of idx.functions) if (f.name && f.body && !m.has(f.name)) m.set(f.name, f);
    byName.set(idx, m);
  }
  return m.get(name);
}
