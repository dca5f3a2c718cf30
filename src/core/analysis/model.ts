/**
 * A per-file semantic model for the generation detector and the rules that follow its calls.
 *
 * It is built from ONE tree-sitter query per grammar (see `queries.ts`) in a single pass over the
 * matches, and records:
 * - imports with their local names (`import openai`, `from openai import OpenAI as O`,
 *   `import OpenAI from 'openai'`, `import * as x`, `require`, dynamic `import()`, Go import paths
 *   with aliases, Java single-type and on-demand imports);
 * - bindings of names and attributes to expressions (`client = OpenAI()`, `self.client = ...`,
 *   `this.openai = new OpenAI()`, Go `client := openai.NewClient()`, Java fields and builders);
 * - every call, with lazy resolution of its callee to an import-rooted path.
 *
 * Resolution is file-local and flow-insensitive on purpose: it answers "which SDK object is this
 * receiver made from" for the common shapes in a few map lookups, without a type checker.
 */
import type { Node, Query, QueryMatch, Tree } from 'web-tree-sitter';
import type { LanguageInfo } from '../languages';
import type { TreeSitterHost } from '../parser';
import { type Shift, chunkPlan, chunked, detachNode, moveNode, moveOpt } from './chunks';
import { catalog } from './catalog';
import { MODEL_QUERIES, MODEL_QUERY_KEY } from './queries';
import { lowerBound } from '../sorted';

export type Family = LanguageInfo['family'];

/** A name brought in by an import statement (or `require`/dynamic `import()`). */
export interface ImportBinding {
  /** The local name the file uses. */
  local: string;
  /** The module as written: `openai`, `@google/genai`, `google.generativeai`, `github.com/openai/openai-go`, `com.openai.client`. */
  module: string;
  /** The imported member (`OpenAI` in `from openai import OpenAI`); undefined for the module itself. */
  member: string | undefined;
  node: Node;
  /** The module exactly as written when it differs (Python relative imports keep their dots here). */
  raw?: string;
}

/** A name or attribute bound to an expression somewhere in the file. */
export interface Binding {
  /** `client`, `self.client`, `this.openai`, or `.client` (the attribute under any receiver). */
  key: string;
  /** The bound expression, or null for a declaration without value (Java field, Go `var x T`). */
  value: Node | null;
  /** The declared type where the language has one (Java, Go), else null. */
  type: Node | null;
  /** The declaring / assigning node. */
  node: Node;
  /** Declared as a test double (`@Mock` field). */
  mock: boolean;
  /** For `a, b = f()`: the position of the name in the tuple; the value is the whole right side. */
  index?: number;
}

/** One call (or constructor call) in the file. */
export interface CallSite {
  node: Node;
  /** The callee expression (for Java method invocations, the whole invocation minus arguments is not a node; this is the name). */
  callee: Node;
  /** The name node the finding points at: the method or function name (the last identifier of the callee). */
  name: Node;
  nameText: string;
  /** The receiver of a method call (`client.chat.completions` in `client.chat.completions.create()`), if any. */
  receiver: Node | null;
  /** The argument list node, if any. */
  args: Node | null;
  isNew: boolean;
  /**
   * A method passed as a value rather than called here (`Thread(target=model.generate)`,
   * `run(client.chat.completions.create, body)`): the callee runs it, so it counts as a call.
   */
  reference?: boolean;
}

/** A function or method of a (usually other) project file that a Go call runs. */
export interface GoCallTarget {
  model: FileModel;
  /** Its workspace-relative path. */
  rel: string;
  /** Its `function_declaration` or `method_declaration`. */
  def: Node;
}

/** A callee or expression traced back through bindings to an import (or to an unresolved root name). */
export interface ResolvedPath {
  /** The module of the import the path starts at; undefined when the root is not an import. */
  module: string | undefined;
  /** The root name as written in the file. */
  root: string;
  /**
   * Names after the module (for a member import, starting with the member). A call appends `()`
   * to the last name: `OpenAI()`, `chat`, `completions`, `create`.
   */
  segments: string[];
  /** Every call met while resolving (constructors, builders, factories), outermost last. */
  chain: Node[];
  /** The value comes from a test double (MagicMock, jest.fn, Mockito mock, `@Mock`). */
  mock: boolean;
  /**
   * The model of the file whose imports `root` names, when the resolution went into another file
   * (an attribute a base class of another file sets: `self.nets` set in the base's `__init__`).
   */
  owner?: FileModel;
}

/** Joins segments into the catalog's path form: inner `()` dropped, a trailing `()` kept. */
export function normalisePath(segments: readonly string[]): string {
  let out = '';
  for (let i = 0; i < segments.length; i++) {
    let seg = segments[i]!;
    if (i < segments.length - 1 && seg.endsWith('()')) seg = seg.slice(0, -2);
    if (!seg) continue;
    out = out ? (seg === '()' ? out + seg : `${out}.${seg}`) : seg;
  }
  return out;
}

const MAX_DEPTH = 12;
/** Files of base classes followed up from a Python subclass for an attribute it inherits. */
const MAX_BASE_HOPS = 2;
/** The per-file resolution budget: a fixed allowance plus a share proportional to the file size. */
const STEP_BASE = 20_000;
const STEP_PER_CHAR = 2;
/** Bindings of one name tried per resolution (nearest first). */
const MAX_BINDINGS_TRIED = 6;
/** Nodes visited when collecting a helper's return statements. */
const MAX_RETURN_WALK = 4000;
const FUNCTION_KINDS = new Set(['function_definition', 'function_declaration', 'arrow_function', 'function_expression', 'method_definition', 'lambda', 'class_definition', 'class_declaration', 'func_literal', 'method_declaration']);
const UNRESOLVED = '{}';

const WRAPPERS = new Set(['parenthesized_expression', 'await_expression', 'await', 'non_null_expression', 'as_expression', 'satisfies_expression', 'type_assertion', 'cast_expression']);
const IDENT = new Set(['identifier', 'type_identifier', 'property_identifier', 'shorthand_property_identifier', 'package_identifier', 'field_identifier', 'this', 'self']);
const MEMBER = new Set(['member_expression', 'attribute', 'selector_expression', 'field_access', 'scoped_type_identifier', 'scoped_identifier', 'qualified_type']);
const CALL = new Set(['call_expression', 'new_expression', 'call', 'method_invocation', 'object_creation_expression']);
/** Methods that hand out an element of a collection, stream, iterator or optional. */
const ELEMENT_ACCESSORS = new Set(['get', 'getFirst', 'getLast', 'first', 'last', 'next', 'peek', 'poll', 'pop', 'elementAt', 'orElse', 'orElseGet', 'orElseThrow', 'getOrDefault', 'findFirst', 'findAny']);
/** Spring's `ObjectProvider<T>` (and similar holders) hand out their T through these. */
const JAVA_PROVIDER_ACCESSORS = new Set(['getObject', 'getIfAvailable', 'getIfUnique']);
/** Python's wrappers of a type that say nothing of its class (`Optional[OpenAI]`, `typing.Union[...]`). */
const TYPING_WRAPPER = /^(?:typing\.)?(?:Optional|Union|Annotated)$/;
const ALTERNATIVES = new Set(['binary_expression', 'boolean_operator', 'ternary_expression', 'conditional_expression']);

/** The module `from <spec> import <member>` imports when `member` is a module of the package. */
export function pythonSubmodule(spec: string, member: string): string {
  return spec.endsWith('.') ? spec + member : `${spec}.${member}`;
}

/** Go's package name for an import path: last element, without a major-version element or go- affixes. */
export function goPackageName(path: string): string {
  const parts = path.split('/');
  let last = parts[parts.length - 1] ?? path;
  if (/^v\d+$/.test(last) && parts.length > 1) last = parts[parts.length - 2]!;
  return last.replace(/^go-/, '').replace(/-sdk-go$|-go$/, '').replace(/[-.]/g, '');
}

/** One fact the model's construction adds, as recorded per top-level statement (see `addChunks`). */
type ModelOp =
  | { k: 'import'; v: ImportBinding }
  | { k: 'star'; module: string }
  | { k: 'package'; name: string }
  /** `id`: the call node's id, the same in every tree the statement is carried to. */
  | { k: 'call'; v: CallSite; id: number }
  | { k: 'bind' | 'append'; v: Binding }
  | { k: 'func'; name: string; node: Node }
  | { k: 'class'; name: string; node: Node; iface: boolean };

/**
 * A call site of a statement carried over an edit. Its nodes are moved to the new tree when first
 * read: resolution looks at the few calls whose names could matter, so most are never moved.
 */
class CarriedCall implements CallSite {
  readonly nameText: string;
  readonly isNew: boolean;
  readonly reference: boolean | undefined;
  #node: Node | undefined;
  #callee: Node | undefined;
  #name: Node | undefined;
  #receiver: Node | null | undefined;
  #args: Node | null | undefined;
  constructor(
    private readonly src: CallSite,
    private readonly s: Shift,
  ) {
    this.nameText = src.nameText;
    this.isNew = src.isNew;
    this.reference = src.reference;
  }
  get node(): Node {
    return (this.#node ??= moveNode(this.src.node, this.s));
  }
  /** Where the call starts, without moving its node (for sorting every call of the file). */
  get start(): number {
    return this.src.node.startIndex + this.s.dIndex;
  }
  get callee(): Node {
    return (this.#callee ??= moveNode(this.src.callee, this.s));
  }
  /** The callee's node type, without moving the node (a moved node keeps its type). */
  calleeType(): string {
    return this.s.tree.language.types[this.src.callee.typeId] || 'ERROR';
  }
  get name(): Node {
    return (this.#name ??= moveNode(this.src.name, this.s));
  }
  get receiver(): Node | null {
    if (this.#receiver === undefined) this.#receiver = moveOpt(this.src.receiver, this.s);
    return this.#receiver;
  }
  get args(): Node | null {
    if (this.#args === undefined) this.#args = moveOpt(this.src.args, this.s);
    return this.#args;
  }
}

/**
 * Whether a call's callee is a plain name (`generate(...)`, not `client.generate(...)`), read
 * without moving a carried call's node: the generation rule asks it of every call of the file.
 */
export function calleeIsIdentifier(call: CallSite): boolean {
  return (call instanceof CarriedCall ? call.calleeType() : call.callee.type) === 'identifier';
}

/** A binding of a statement carried over an edit, its nodes moved when first read (see {@link CarriedCall}). */
class CarriedBinding implements Binding {
  readonly key: string;
  readonly mock: boolean;
  readonly index: number | undefined;
  #value: Node | null | undefined;
  #type: Node | null | undefined;
  #node: Node | undefined;
  constructor(
    private readonly src: Binding,
    private readonly s: Shift,
  ) {
    this.key = src.key;
    this.mock = src.mock;
    this.index = src.index;
  }
  get value(): Node | null {
    if (this.#value === undefined) this.#value = moveOpt(this.src.value, this.s);
    return this.#value;
  }
  get type(): Node | null {
    if (this.#type === undefined) this.#type = moveOpt(this.src.type, this.s);
    return this.#type;
  }
  get node(): Node {
    return (this.#node ??= moveNode(this.src.node, this.s));
  }
}

/**
 * A statement's recorded facts with every node mapped by `f`: detached from the tree (kept for the
 * next edit), or moved by `carry` to where an edit put the statement, in which case call sites and
 * bindings move their nodes only when first read.
 */
function mapOps(ops: ModelOp[], f: (n: Node) => Node, carry?: Shift): ModelOp[] {
  const opt = (n: Node | null): Node | null => (n ? f(n) : null);
  return ops.map((op): ModelOp => {
    switch (op.k) {
      case 'import':
        return { k: op.k, v: { ...op.v, node: f(op.v.node) } };
      case 'call': {
        const v = op.v;
        return { k: op.k, id: op.id, v: carry ? new CarriedCall(v, carry) : { nameText: v.nameText, isNew: v.isNew, ...(v.reference ? { reference: true } : {}), node: f(v.node), callee: f(v.callee), name: f(v.name), receiver: opt(v.receiver), args: opt(v.args) } };
      }
      case 'bind':
      case 'append': {
        const v = op.v;
        return { k: op.k, v: carry ? new CarriedBinding(v, carry) : { key: v.key, mock: v.mock, ...(v.index !== undefined ? { index: v.index } : {}), value: opt(v.value), type: opt(v.type), node: f(v.node) } };
      }
      case 'func':
      case 'class':
        return { ...op, node: f(op.node) };
      default:
        return op;
    }
  });
}

/** A statement's recorded facts with their nodes detached from the tree (kept for the next edit). */
function detachOps(ops: ModelOp[]): ModelOp[] {
  return mapOps(ops, detachNode);
}

/** A statement's recorded facts as they are after an edit that moved it by `s`. */
function moveOps(ops: ModelOp[], s: Shift): ModelOp[] {
  return mapOps(ops, (n) => moveNode(n, s), s);
}

export class FileModel {
  readonly imports = new Map<string, ImportBinding>();
  /** Modules imported with `*` (Java on-demand imports, Python star imports). */
  readonly starModules: string[] = [];
  readonly bindings = new Map<string, Binding[]>();
  /** JavaScript/TypeScript `x += part` by `x`, in source order (kept out of `bindings`). */
  private readonly appends = new Map<string, Binding[]>();
  readonly calls: CallSite[] = [];
  /** Functions defined at any level of the file, by name (their returns summarise helpers). */
  readonly functions = new Map<string, Node[]>();
  /** Names of the classes this file defines (a local model class is known by its name). */
  readonly classes = new Set<string>();
  /** Python classes by name (the last definition wins), for attributes inherited by subclasses of other files. */
  private readonly classNodes = new Map<string, Node>();
  /** Java interfaces this file declares, by name (a LangChain4j AI service is one). */
  readonly interfaces = new Map<string, Node>();
  /**
   * Interfaces handed to a framework's proxy factory anywhere in the workspace, when a pass over
   * the whole tree collected them (set by the workspace model when it links this file).
   */
  workspaceProxies: ReadonlySet<string> | undefined;
  /**
   * Go: what a call of this file runs in other files (the implementations of an interface method,
   * a package's function), by call node id, set by the generation rule's asynchronous preparation
   * (`rules/goDispatch.ts`) before any string of the file is read. A URL returned by such a call
   * (`url, err := a.GetRequestURL(meta)`) is read from their returns.
   */
  goTargets: Map<number, readonly GoCallTarget[]> | undefined;
  /** Go: the files declaring the package-level values this file names from other files, by `name` or `pkg.Name`. */
  goValues: Map<string, FileModel> | undefined;
  /** Go: the files of this package declaring the struct fields this file reads but does not declare, by `.field`. */
  goFields: Map<string, FileModel> | undefined;
  /** The Java package this file declares (`package com.acme.ai;`), if any. */
  packageName: string | undefined;
  /**
   * Models of the project's own files this file imports, by module as written (see workspace.ts).
   * Java imports are keyed by the class (`com.acme.ai.ChatService`); a Go package's files by
   * `<import path>#<Name>` for each name the file uses from it.
   */
  readonly linked = new Map<string, FileModel>();
  private readonly returnsMemo = new Map<number, Node[]>();
  private readonly httpParamMemo = new Map<string, number>();
  private readonly callById = new Map<number, CallSite>();
  private readonly resolved = new Map<number, ResolvedPath | null>();
  /** Memo of `resolve` per expression node id (null: resolved to nothing). */
  private readonly nodeMemo = new Map<number, ResolvedPath | null>();
  /** Memo of `resolveKey` per key and position bucket (the index of the first binding after the use). */
  private readonly keyMemo = new Map<string, ResolvedPath | null>();
  /** Memo of `stringValue` per node id. */
  private readonly stringMemo = new Map<number, string | null>();
  /** Node ids and keys being resolved right now: a cycle (`a = b; b = a`) resolves to nothing. */
  private readonly inProgress = new Set<number | string>();
  /** Binding lists sorted once by end offset, split into valued and bare declarations. */
  private readonly sortedBindings = new Map<string, { valued: Binding[]; bare: Binding[] }>();
  /**
   * Resolution steps left for this file. Memoisation makes resolution linear in the number of
   * expressions and bindings; the budget is the guarantee when a generated bundle defeats it.
   */
  private stepsLeft: number;
  /** Resolution steps taken so far (tests assert that a large bundle stays linear). */
  steps = 0;
  private mockTargetsCache: string[] | undefined;
  /** Memos about this model, made by the rules during one analysis (see `ownedMemo.ts`). */
  memos: Map<object, unknown> | undefined = undefined;
  /** While a statement of a kept tree is read: what it adds, to replay after the next edit. */
  private log: ModelOp[] | undefined;

  /** The root node of the file's tree. */
  readonly rootNode: Node;

  constructor(readonly family: Family, readonly text: string, tree: Tree, query: Query) {
    this.rootNode = tree.rootNode;
    this.stepsLeft = STEP_BASE + STEP_PER_CHAR * text.length;
    if (chunked(tree)) this.addChunks(tree, query);
    else for (const match of query.matches(tree.rootNode)) this.addMatch(match);
  }

  /**
   * Builds the model of a tree the editor keeps for the next edit: the top-level statements the
   * edit did not touch replay what they added to the model last time (moved to the new tree, see
   * `chunks.ts`); the others are queried. Statements are added in document order either way, so
   * the model is the one a query over the whole file builds.
   */
  private addChunks(tree: Tree, query: Query): void {
    const plan = chunkPlan<ModelOp[]>(tree, 'model', moveOps, detachOps);
    const fresh: QueryMatch[][] = [];
    for (const target of plan.targets) {
      for (const match of query.matches(target.node)) {
        const first = match.captures[0];
        const i = target.chunk ?? (first ? plan.chunkAt(first.node.startIndex) : -1);
        if (i < 0 || plan.carried[i]) continue;
        (fresh[i] ??= []).push(match);
      }
    }
    const logs: ModelOp[][] = [];
    for (let i = 0; i < plan.chunks.length; i++) {
      const carried = plan.carried[i];
      if (carried) {
        for (const op of carried) this.apply(op);
        logs.push(carried);
        continue;
      }
      const log: ModelOp[] = [];
      this.log = log;
      try {
        for (const match of fresh[i] ?? []) this.addMatch(match);
      } finally {
        this.log = undefined;
      }
      logs.push(log);
    }
    plan.save(logs);
  }

  private addMatch(match: QueryMatch): void {
    const caps = match.captures;
    const main = caps.find((c) => c.name === 'import' || c.name === 'call' || c.name === 'bind' || c.name === 'bindlist' || c.name === 'func' || c.name === 'class');
    if (!main) return;
    switch (main.name) {
      case 'import':
        this.addImport(main.node);
        break;
      case 'call':
        this.addCall(main.node);
        break;
      case 'bind': {
        const name = caps.find((c) => c.name === 'name')?.node;
        const value = caps.find((c) => c.name === 'value')?.node ?? (main.node.type === 'enum_declaration' ? main.node : main.node.childForFieldName('value'));
        // `x += part` is kept apart: it appends to a string (see stringValue) and says nothing else of `x`.
        if (name && value && main.node.type === 'augmented_assignment_expression') {
          const key = this.textOf(name).replace(/\s+/g, '');
          this.apply({ k: 'append', v: { key, value, type: null, node: main.node, mock: false } });
        } else if (name) this.addBinding(name, value, main.node);
        break;
      }
      case 'bindlist':
        this.addGoBindings(main.node);
        break;
      case 'class': {
        const name = caps.find((c) => c.name === 'name')?.node;
        if (name) this.apply({ k: 'class', name: this.textOf(name), node: main.node, iface: main.node.type === 'interface_declaration' });
        break;
      }
      case 'func': {
        const name = caps.find((c) => c.name === 'name')?.node;
        if (name) this.apply({ k: 'func', name: this.textOf(name), node: main.node });
        break;
      }
    }
  }

  /** Adds one fact to the model (and to the log of the statement being read, if any). */
  private apply(op: ModelOp): void {
    this.log?.push(op);
    switch (op.k) {
      case 'import':
        this.imports.set(op.v.local, op.v);
        return;
      case 'star':
        this.starModules.push(op.module);
        return;
      case 'package':
        this.packageName = op.name;
        return;
      case 'call':
        this.calls.push(op.v);
        this.callById.set(op.id, op.v);
        return;
      case 'bind':
      case 'append': {
        const map = op.k === 'bind' ? this.bindings : this.appends;
        const list = map.get(op.v.key);
        if (list) list.push(op.v);
        else map.set(op.v.key, [op.v]);
        return;
      }
      case 'func': {
        const list = this.functions.get(op.name);
        if (list) list.push(op.node);
        else this.functions.set(op.name, [op.node]);
        return;
      }
      case 'class':
        this.classes.add(op.name);
        if (this.family === 'python') this.classNodes.set(op.name, op.node);
        if (op.iface) this.interfaces.set(op.name, op.node);
        return;
    }
  }

  /** Source text of a node (sliced from the file text, which is cheaper than `node.text`). */
  textOf(node: Node): string {
    return this.text.slice(node.startIndex, node.endIndex);
  }

  /** The call site whose call node is `node`, if the model recorded it. */
  callAt(node: Node): CallSite | undefined {
    return this.callById.get(node.id);
  }

  // ---------------------------------------------------------------- imports

  private importModule(local: string, module: string, member: string | undefined, node: Node, raw?: string): void {
    this.apply({ k: 'import', v: { local, module, member, node, ...(raw && raw !== module ? { raw } : {}) } });
  }

  private addImport(node: Node): void {
    switch (this.family) {
      case 'js': {
        const source = node.childForFieldName('source');
        if (!source) return;
        const module = stripQuotes(this.textOf(source));
        for (const clause of node.namedChildren) {
          if (clause?.type !== 'import_clause') continue;
          for (const part of clause.namedChildren) {
            if (!part) continue;
            if (part.type === 'identifier') this.importModule(this.textOf(part), module, undefined, node);
            else if (part.type === 'namespace_import') {
              const id = part.namedChildren.find((c) => c?.type === 'identifier');
              if (id) this.importModule(this.textOf(id), module, undefined, node);
            } else if (part.type === 'named_imports') {
              for (const spec of part.namedChildren) {
                if (spec?.type !== 'import_specifier') continue;
                const name = spec.childForFieldName('name');
                const alias = spec.childForFieldName('alias');
                if (name) this.importModule(this.textOf(alias ?? name), module, stripQuotes(this.textOf(name)), node);
              }
            }
          }
        }
        return;
      }
      case 'python': {
        if (node.type === 'import_statement') {
          for (const n of node.childrenForFieldName('name')) {
            if (!n) continue;
            if (n.type === 'aliased_import') {
              const name = n.childForFieldName('name');
              const alias = n.childForFieldName('alias');
              if (name && alias) this.importModule(this.textOf(alias), this.textOf(name), undefined, node);
            } else {
              // `import google.generativeai` binds `google`; the rest of the dotted name is
              // matched as a module prefix when the path is resolved.
              const full = this.textOf(n);
              const first = full.split('.')[0]!;
              this.importModule(first, first, undefined, node);
            }
          }
          return;
        }
        const moduleNode = node.childForFieldName('module_name');
        if (!moduleNode) return;
        const rawModule = this.textOf(moduleNode);
        const module = rawModule.replace(/^\.+/, '');
        if (node.namedChildren.some((c) => c?.type === 'wildcard_import')) {
          this.apply({ k: 'star', module });
          return;
        }
        for (const n of node.childrenForFieldName('name')) {
          if (!n) continue;
          if (n.type === 'aliased_import') {
            const name = n.childForFieldName('name');
            const alias = n.childForFieldName('alias');
            if (name && alias) this.importModule(this.textOf(alias), module, this.textOf(name), node, rawModule);
          } else {
            const name = this.textOf(n);
            this.importModule(name, module, name, node, rawModule);
          }
        }
        return;
      }
      case 'go': {
        const pathNode = node.childForFieldName('path');
        if (!pathNode) return;
        const module = stripQuotes(this.textOf(pathNode));
        const alias = node.childForFieldName('name');
        const local = alias ? this.textOf(alias) : goPackageName(module);
        if (local === '_') return;
        if (local === '.') this.apply({ k: 'star', module });
        else this.importModule(local, module, undefined, node);
        return;
      }
      case 'java': {
        const scoped = node.namedChildren.find((c) => c?.type === 'scoped_identifier' || c?.type === 'identifier');
        if (!scoped) return;
        const full = this.textOf(scoped);
        if (node.type === 'package_declaration') {
          this.apply({ k: 'package', name: full });
          return;
        }
        if (node.namedChildren.some((c) => c?.type === 'asterisk')) {
          this.apply({ k: 'star', module: full });
          return;
        }
        const dot = full.lastIndexOf('.');
        const isStatic = /^import\s+static\b/.test(this.textOf(node));
        const member = full.slice(dot + 1);
        const module = full.slice(0, dot);
        // A static import names a method of a class; the class's package is the module. The class
        // itself (what the workspace model links to its file) is kept as `raw`.
        this.importModule(member, isStatic ? module.slice(0, module.lastIndexOf('.')) : module, isStatic ? `${module.slice(module.lastIndexOf('.') + 1)}.${member}` : member, node, isStatic ? module : full);
        return;
      }
    }
  }

  // ---------------------------------------------------------------- calls

  private addCall(node: Node): void {
    let callee: Node | null;
    let name: Node | null;
    let receiver: Node | null = null;
    const isNew = node.type === 'new_expression' || node.type === 'object_creation_expression';
    if (node.type === 'method_invocation') {
      name = node.childForFieldName('name');
      receiver = node.childForFieldName('object');
      callee = name;
    } else {
      callee = node.childForFieldName(node.type === 'new_expression' ? 'constructor' : node.type === 'object_creation_expression' ? 'type' : 'function');
      name = callee;
      while (name && MEMBER.has(name.type)) {
        receiver = name.childForFieldName('object') ?? name.childForFieldName('operand') ?? name.childForFieldName('scope');
        name = name.childForFieldName('property') ?? name.childForFieldName('attribute') ?? name.childForFieldName('field') ?? name.childForFieldName('name') ?? name.lastNamedChild;
      }
      if (name?.type === 'generic_type') name = name.firstNamedChild;
    }
    if (!callee || !name) return;
    const site: CallSite = { node, callee, name, nameText: this.textOf(name), receiver, args: node.childForFieldName('arguments'), isNew };
    this.apply({ k: 'call', v: site, id: node.id });
    if (site.args && this.family !== 'java') this.addReferences(site.args);
  }

  /** Records methods passed as arguments (`target=model.generate`, `run(client.x.create, body)`). */
  private addReferences(args: Node): void {
    for (const a of args.namedChildren) {
      if (!a) continue;
      const value = a.type === 'keyword_argument' ? a.childForFieldName('value') : a;
      if (!value || !MEMBER.has(value.type) || this.callById.has(value.id)) continue;
      const receiver = value.childForFieldName('object') ?? value.childForFieldName('operand');
      const name = value.childForFieldName('property') ?? value.childForFieldName('attribute') ?? value.childForFieldName('field');
      if (!receiver || !name) continue;
      const site: CallSite = { node: value, callee: value, name, nameText: this.textOf(name), receiver, args: null, isNew: false, reference: true };
      this.apply({ k: 'call', v: site, id: value.id });
    }
  }

  // ---------------------------------------------------------------- bindings

  private bind(key: string, value: Node | null, type: Node | null, node: Node, mock = false): void {
    this.apply({ k: 'bind', v: { key, value, type, node, mock } });
  }

  /** Records `key` and, for attributes, `.attr` so `self.client` set in one method resolves `cls.client` in another. */
  private bindTarget(target: Node, value: Node | null, type: Node | null, node: Node, mock = false): void {
    const key = this.textOf(target).replace(/\s+/g, '');
    this.bind(key, value, type, node, mock);
    if (MEMBER.has(target.type)) this.bind(key.slice(key.lastIndexOf('.')), value, type, node, mock);
    else if (this.family === 'java' || (this.family === 'js' && (node.type === 'public_field_definition' || node.type === 'field_definition'))) {
      // Java fields are read as `name` or `this.name`; JS class fields as `this.name`.
      this.bind(`.${key}`, value, type, node, mock);
      if (this.family === 'js') this.bind(`this.${key}`, value, type, node, mock);
    }
  }

  private addBinding(name: Node, value: Node | null, node: Node): void {
    const v = value ? unwrap(value) : null;
    // `require('x')` and `await import('x')` behave like imports.
    const module = v ? this.moduleLoad(v) : undefined;
    if (module !== undefined) {
      if (name.type === 'identifier') this.importModule(this.textOf(name), module, undefined, node);
      else if (name.type === 'object_pattern') {
        for (const p of name.namedChildren) {
          if (!p) continue;
          if (p.type === 'shorthand_property_identifier_pattern') this.importModule(this.textOf(p), module, this.textOf(p), node);
          else if (p.type === 'pair_pattern') {
            const k = p.childForFieldName('key');
            const val = p.childForFieldName('value');
            if (k && val?.type === 'identifier') this.importModule(this.textOf(val), module, stripQuotes(this.textOf(k)), node);
          }
        }
      }
      return;
    }
    if (this.family === 'java') {
      // A parameter declares its own type (`ChatModel model`); a variable's is on its declaration.
      const decl = node.type === 'formal_parameter' || node.type === 'enhanced_for_statement' || node.type === 'resource' ? node : node.parent;
      const type = decl?.childForFieldName('type') ?? null;
      const modifiers = decl?.namedChildren.find((c) => c?.type === 'modifiers');
      const mock = !!modifiers && /@(Mock|MockBean|Spy|MockitoBean)\b/.test(this.textOf(modifiers));
      // `for (ChatModel m : models)`: the loop variable is an element, its type the declared one.
      this.bindTarget(name, node.type === 'enhanced_for_statement' ? null : value, type, node, mock);
      return;
    }
    if (name.type === 'pattern_list' || name.type === 'tuple_pattern' || name.type === 'array_pattern') {
      // `model, tokenizer = load(...)`: each name is bound to its element of the right side.
      name.namedChildren.forEach((n, i) => {
        if (n && (n.type === 'identifier' || MEMBER.has(n.type))) {
          const key = this.textOf(n).replace(/\s+/g, '');
          const b: Binding = { key, value, type: null, node, mock: false, index: i };
          this.apply({ k: 'bind', v: b });
          if (MEMBER.has(n.type)) this.apply({ k: 'bind', v: { ...b, key: key.slice(key.lastIndexOf('.')) } });
        }
      });
      return;
    }
    if (name.type === 'object_pattern') return;
    // Python and TypeScript declare types on parameters, annotated assignments and class fields
    // (`engine: TTSInferenceEngine`, `client: OpenAI`); Java and Go are handled above and below.
    const type = node.childForFieldName('type');
    this.bindTarget(name, value, type, node);
    if (!type) return;
    // A class-level annotation (`engine: T` in a class body, a dataclass or pydantic field) is read
    // as `self.engine`; a TypeScript parameter property (`private readonly client: OpenAI`) as `this.client`.
    if (this.family === 'python' && node.type === 'assignment' && node.parent?.parent?.parent?.type === 'class_definition') {
      this.bind(`.${this.textOf(name)}`, value, type, node);
    } else if (this.family === 'js' && node.type === 'required_parameter' && node.namedChildren.some((c) => c?.type === 'accessibility_modifier' || c?.type === 'override_modifier')) {
      this.bind(`this.${this.textOf(name)}`, null, type, node);
      this.bind(`.${this.textOf(name)}`, null, type, node);
    }
  }

  private addGoBindings(node: Node): void {
    if (node.type === 'field_declaration') {
      // A struct field declares its type (`llm llms.Model`); it is read as `s.llm` from any method.
      const type = node.childForFieldName('type');
      for (const n of node.childrenForFieldName('name')) if (n) this.bind(`.${this.textOf(n)}`, null, type, node);
      return;
    }
    if (node.type === 'var_spec' || node.type === 'const_spec' || node.type === 'parameter_declaration') {
      const names = node.childrenForFieldName('name').filter((n): n is Node => !!n);
      const values = node.childForFieldName('value')?.namedChildren ?? [];
      const type = node.childForFieldName('type');
      names.forEach((n, i) => this.bindTarget(n, values[i] ?? null, type, node));
      return;
    }
    const left = node.childForFieldName('left')?.namedChildren ?? [];
    const right = node.childForFieldName('right')?.namedChildren ?? [];
    left.forEach((n, i) => {
      // `resp, err := client.X()` binds only the first name to the call's value.
      if (n && n.type !== 'blank_identifier') this.bindTarget(n, right.length === left.length ? right[i] ?? null : i === 0 ? right[0] ?? null : null, null, node);
    });
  }

  /** The module of `require('x')` / `import('x')`, if `node` is one. */
  private moduleLoad(node: Node): string | undefined {
    if (this.family !== 'js' || node.type !== 'call_expression') return undefined;
    const fn = node.childForFieldName('function');
    if (!fn || (fn.type !== 'import' && !(fn.type === 'identifier' && this.textOf(fn) === 'require'))) return undefined;
    const arg = node.childForFieldName('arguments')?.firstNamedChild;
    return arg?.type === 'string' ? stripQuotes(this.textOf(arg)) : undefined;
  }

  // ---------------------------------------------------------------- resolution

  /**
   * Traces a call's callee to an import-rooted path. For `client.chat.completions.create(...)`
   * with `client = OpenAI()` and `from openai import OpenAI` this is module `openai`, segments
   * `OpenAI() chat completions create`. Results are cached per call.
   */
  resolveCall(call: CallSite): ResolvedPath | undefined {
    const cached = this.resolved.get(call.node.id);
    if (cached !== undefined) return cached ?? undefined;
    let r: ResolvedPath | undefined;
    if (call.node.type === 'method_invocation') {
      const base = call.receiver ? this.resolve(call.receiver, 0) : undefined;
      r = base ? { ...base, segments: [...base.segments, call.nameText] } : call.receiver ? undefined : this.resolveName(call.nameText, 0);
    } else {
      r = this.resolve(call.callee, 0);
    }
    this.resolved.set(call.node.id, r ?? null);
    return r;
  }

  /** Traces any expression (a receiver, a `model:` argument) the same way. */
  resolveExpression(node: Node): ResolvedPath | undefined {
    return this.resolve(node, 0);
  }

  private resolveName(name: string, depth: number, at = 0): ResolvedPath | undefined {
    const imp = this.imports.get(name);
    if (imp) {
      // A name imported from the project's own file resolves to what that file binds it to.
      const ext = imp.member ? this.linkedOf(imp) : undefined;
      if (ext && imp.member) {
        const [head, ...rest] = imp.member.split('.');
        const r = ext.exportedValue(head!);
        // Only an SDK (or a test double) found there is worth more than the import itself; a module
        // the other file imports relatively means nothing from here.
        if (r && (r.mock || (r.module !== undefined && catalog().providersForModule(this.family, r.module).length))) return { ...r, segments: [...r.segments, ...rest] };
      }
      return { module: imp.module, root: name, segments: imp.member ? imp.member.split('.') : [], chain: [], mock: false };
    }
    // Java reads fields by bare name; a field assigned in a constructor is bound as `.name`.
    const fromBinding = (this.family === 'java' ? this.resolveKey(`.${name}`, depth, at) : undefined) ?? this.resolveKey(name, depth, at);
    if (fromBinding) return fromBinding;
    // (A Java on-demand import brings classes, which are capitalised; a lower-case name is a
    // method or variable of the file, such as a helper whose return resolves below.)
    if (this.starModules.length && (this.family === 'java' ? /^[A-Z]/ : /^[A-Za-z_]/).test(name)) {
      const cat = catalog();
      const star = this.starModules.find((m) => cat.providersForModule(this.family, m).length > 0);
      if (star) return { module: star, root: name, segments: [name], chain: [], mock: false };
    }
    const passed = at > 0 ? this.fromCallers(name, at, depth) : undefined;
    if (passed) return passed;
    return { module: undefined, root: name, segments: [name], chain: [], mock: false };
  }

  /** Plain functions by parameter name, with the parameter's position. */
  private paramOwners: Map<string, { def: Node; index: number }[]> | undefined;
  private bareCalls: Map<string, CallSite[]> | undefined;
  private readonly callerMemo = new Map<string, ResolvedPath | null>();

  /**
   * A parameter of a plain function takes what the same-file calls of that function pass in its
   * place: `stream_chat(self.model, tokenizer, query)` makes `self` in a module-level
   * `def stream_chat(self, tokenizer, query)` the model, and `ask(client, q)` called with
   * `ask(OpenAI(), q)` makes `client` a client. Methods are left out (they are called through
   * objects, and their `self` is the class's). The first caller whose argument resolves to a
   * module wins; memoised per function and parameter, depth-bounded like every resolution.
   */
  private fromCallers(name: string, at: number, depth: number): ResolvedPath | undefined {
    if (this.family !== 'python' && this.family !== 'js') return undefined;
    if (!this.paramOwners) {
      this.paramOwners = new Map();
      for (const defs of this.functions.values()) {
        for (const def of defs) {
          if (def.type === 'method_definition' || def.parent?.parent?.type === 'class_definition') continue;
          paramNames(def, (n) => this.textOf(n)).forEach((p, index) => {
            if (!p) return;
            const list = this.paramOwners!.get(p);
            if (list) list.push({ def, index });
            else this.paramOwners!.set(p, [{ def, index }]);
          });
        }
      }
    }
    // The innermost plain function around `at` that has a parameter of this name.
    let owner: { def: Node; index: number } | undefined;
    for (const o of this.paramOwners.get(name) ?? []) {
      if (o.def.startIndex <= at && at < o.def.endIndex && (!owner || o.def.startIndex >= owner.def.startIndex)) owner = o;
    }
    const def = owner?.def;
    const fnName = def?.childForFieldName('name');
    if (!owner || !def || !fnName) return undefined;
    const key = `${def.id}\u0000${name}`;
    const memo = this.callerMemo.get(key);
    if (memo !== undefined) return memo ?? undefined;
    this.callerMemo.set(key, null);
    if (!this.bareCalls) {
      this.bareCalls = new Map();
      for (const c of this.calls) {
        if (c.receiver || c.reference) continue;
        const list = this.bareCalls.get(c.nameText);
        if (list) list.push(c);
        else this.bareCalls.set(c.nameText, [c]);
      }
    }
    const { index } = owner;
    let found: ResolvedPath | undefined;
    let tried = 0;
    for (const call of this.bareCalls.get(this.textOf(fnName)) ?? []) {
      // A recursive call passes the parameter to itself; a few callers are enough to decide.
      if (call.node.startIndex >= def.startIndex && call.node.endIndex <= def.endIndex) continue;
      if (tried++ >= MAX_BINDINGS_TRIED) break;
      const arg = this.positionalArgs(call)[index] ?? this.namedArg(call, new Set([name]));
      const r = arg ? this.resolve(arg, depth + 1) : undefined;
      if (r?.module !== undefined && !r.mock) {
        found = r;
        break;
      }
    }
    this.callerMemo.set(key, found ?? null);
    return found;
  }

  /** The linked model of an import, if the workspace linked its module. */
  linkedOf(imp: ImportBinding): FileModel | undefined {
    // `from pkg import module` names a module file of the package when there is one.
    if (this.family === 'python' && imp.member !== undefined) {
      const sub = this.linked.get(pythonSubmodule(imp.raw ?? imp.module, imp.member));
      if (sub) return sub;
    }
    return this.linked.get(imp.raw ?? imp.module) ?? this.linked.get(imp.module);
  }

  /** The linked files of the base classes of every Python class of this file (see `baseClassFiles`). */
  allBaseClassFiles(): Set<FileModel> {
    const out = new Set<FileModel>();
    for (const cls of this.classNodes.values()) for (const ext of this.baseClassFiles(cls)) out.add(ext);
    return out;
  }

  /**
   * The linked files of the base classes of the Python class around `at` that are imported from
   * project files (`class OpenAIEngine(BaseEngine)`, `class Voice(engines.Base)`), in the order the
   * class lists them: where `super().m(...)` and an inherited `self.m(...)` run.
   */
  baseClassFiles(at: Node): FileModel[] {
    if (this.family !== 'python' || this.linked.size === 0) return [];
    let cls: Node | null = at;
    while (cls && cls.type !== 'class_definition') cls = cls.parent;
    const out: FileModel[] = [];
    for (const base of cls?.childForFieldName('superclasses')?.namedChildren ?? []) {
      if (!base || (base.type !== 'identifier' && base.type !== 'attribute')) continue;
      const [head, member] = this.textOf(base).split('.');
      const imp = this.imports.get(head!);
      const ext = imp && (member ?? imp.member) && (member === undefined || imp.member === undefined) ? this.linkedOf(imp) : undefined;
      if (ext && ext !== this && !out.includes(ext)) out.push(ext);
    }
    return out;
  }

  /** The linked file that defines `name` of an imported Go package (or the import's one file). */
  linkedMember(imp: ImportBinding, name: string): FileModel | undefined {
    return this.linked.get(`${imp.raw ?? imp.module}#${name}`) ?? this.linkedOf(imp);
  }

  /**
   * Links a class of this file's own package (Java needs no import for it, nor for a class of an
   * on-demand `import pkg.*`): it is then resolved as if it were imported from `module`.
   */
  linkPackageClass(name: string, module: string, ext: FileModel, root: Node): void {
    const raw = module ? `${module}.${name}` : name;
    this.importModule(name, module, name, root, raw);
    this.linked.set(raw, ext);
  }

  /** What a top-level name of this file is (for another file that imports it). */
  exportedValue(name: string): ResolvedPath | undefined {
    return this.exporting(name, () => this.resolveName(name, 2, this.text.length));
  }

  /** What a function of this file returns (for another file that calls it). */
  exportedReturn(name: string, index?: number): ResolvedPath | undefined {
    return this.functions.has(name) ? this.exporting(`${name}()${index ?? ''}`, () => this.resolveReturns(name, index, 2)) : undefined;
  }

  /** The names other files are resolving in this one right now (see `exporting`). */
  private readonly inExport = new Set<string>();

  /**
   * Runs an answer to another file's question once at a time per name. Linked files keep their
   * own links (Python wrappers two files deep), so two modules that import each other, as Python
   * packages do, asked each other for the same name without end ("Maximum call stack size
   * exceeded"); a name asked for again while it is being answered has no value from here.
   */
  private exporting(key: string, answer: () => ResolvedPath | undefined): ResolvedPath | undefined {
    if (this.inExport.has(key)) return undefined;
    this.inExport.add(key);
    try {
      return answer();
    } finally {
      this.inExport.delete(key);
    }
  }

  /**
   * What `self.<attr>` is in a Python method whose class inherits it from a base class defined in
   * a linked project file (`class EditorPipeline(AvatarPipeline)`, the base's `__init__` setting
   * `self.nets = AvatarNetworks(cfg)`): the base file resolves the attribute, through its own
   * bases in turn, at most `MAX_BASE_HOPS` files up. Only a value rooted at an import counts; it
   * records that file as its `owner`, since its root names that file's import.
   */
  private inheritedAttr(attr: string, at: Node, depth: number, hops = 0): ResolvedPath | undefined {
    if (hops >= MAX_BASE_HOPS || depth > MAX_DEPTH || this.linked.size === 0) return undefined;
    let cls: Node | null = at;
    while (cls && cls.type !== 'class_definition') cls = cls.parent;
    const supers = cls?.childForFieldName('superclasses');
    if (!supers) return undefined;
    for (const base of supers.namedChildren) {
      if (!base || (base.type !== 'identifier' && base.type !== 'attribute')) continue;
      const [head, member] = this.textOf(base).split('.');
      const imp = this.imports.get(head!);
      const name = member ?? imp?.member;
      const ext = imp && name && (member === undefined || imp.member === undefined) ? this.linkedOf(imp) : undefined;
      const r = ext && ext !== this ? ext.classAttr(name!, attr, depth + 1, hops + 1) : undefined;
      if (r) return r;
    }
    return undefined;
  }

  /** `self.<attr>` as the class `className` of this file sets it or inherits it (see `inheritedAttr`). */
  private classAttr(className: string, attr: string, depth: number, hops: number): ResolvedPath | undefined {
    const cls = this.classNodes.get(className);
    if (!cls || !this.step()) return undefined;
    const r = this.resolveKey(`self.${attr}`, depth, this.text.length) ?? this.resolveKey(`.${attr}`, depth, this.text.length);
    if (r && (r.module !== undefined || r.mock)) return { ...r, owner: r.owner ?? this };
    if (this.bindings.has(`self.${attr}`)) return undefined;
    return this.inheritedAttr(attr, cls.childForFieldName('body') ?? cls, depth, hops);
  }

  /** Takes one resolution step; false once the file's budget is spent. */
  private step(): boolean {
    this.steps++;
    return --this.stepsLeft >= 0;
  }

  /** True once the file's resolution budget is spent (callers then treat names as unresolved). */
  get budgetExhausted(): boolean {
    return this.stepsLeft < 0;
  }

  private readonly javaScopeMemo = new Map<number, Node | null>();
  private readonly scopedSorted = new Map<string, { valued: Binding[]; bare: Binding[] } | null>();

  /** The Java method or constructor around a node (memoised per node), or null outside any. */
  private javaScopeOf(node: Node): Node | null {
    const memo = this.javaScopeMemo.get(node.id);
    if (memo !== undefined) return memo;
    let found: Node | null = null;
    for (let n = node.parent; n; n = n.parent) {
      if (n.type === 'method_declaration' || n.type === 'constructor_declaration' || n.type === 'compact_constructor_declaration') {
        found = n;
        break;
      }
    }
    this.javaScopeMemo.set(node.id, found);
    return found;
  }

  /** The Java method or constructor around an offset. */
  private javaScopeAt(at: number): Node | null {
    const node = this.rootNode.descendantForIndex(at);
    return node ? this.javaScopeOf(node) : null;
  }

  /** The bindings of `key` visible in a Java method: its own, and those outside every method (fields). */
  private scopedSortedOf(key: string, scope: Node): { valued: Binding[]; bare: Binding[] } | undefined {
    const memoKey = `${key}\u0000${scope.id}`;
    let out = this.scopedSorted.get(memoKey);
    if (out === undefined) {
      const all = this.sortedOf(key);
      // A method of an anonymous or local class sees the locals of the methods around it.
      const enclosing = new Set<number>();
      for (let m: Node | null = scope; m && enclosing.size < MAX_DEPTH; m = this.javaScopeOf(m)) enclosing.add(m.id);
      // (A field, or `this.x = ...` in a constructor, is seen from every method; a local
      // variable or parameter only from its own and the methods nested in it.)
      const visible = (b: Binding): boolean => {
        if (!isJavaLocal(b.node)) return true;
        const s = this.javaScopeOf(b.node);
        return s === null || enclosing.has(s.id);
      };
      out = all ? { valued: all.valued.filter(visible), bare: all.bare.filter(visible) } : null;
      if (out && !out.valued.length && !out.bare.length) out = null;
      this.scopedSorted.set(memoKey, out);
    }
    return out ?? undefined;
  }

  /** The bindings of `key` sorted once by end offset, valued ones apart from bare declarations. */
  private sortedOf(key: string): { valued: Binding[]; bare: Binding[] } | undefined {
    let sorted = this.sortedBindings.get(key);
    if (!sorted) {
      const list = this.bindings.get(key);
      if (!list) return undefined;
      const byEnd = (a: Binding, b: Binding): number => a.node.endIndex - b.node.endIndex;
      sorted = { valued: list.filter((b) => !!b.value).sort(byEnd), bare: list.filter((b) => !b.value).sort(byEnd) };
      this.sortedBindings.set(key, sorted);
    }
    return sorted;
  }

  /**
   * Resolves through the bindings of `key`, preferring one that reaches an import. Bindings with a
   * value say more than bare declarations (`private OpenAIClient c;`), and the nearest assignment
   * before the use beats others of the same name in other functions. The result depends on the
   * use only through how many bindings end before it, so it is memoised per (key, that count).
   */
  private resolveKey(key: string, depth: number, at = 0): ResolvedPath | undefined {
    if (depth > MAX_DEPTH) return undefined;
    // A Java local or parameter lives in its method: a bare name used in one method is never a
    // variable of another (a field of the same name is still seen).
    const scope = this.family === 'java' && at > 0 && /^\.?[\w$]+$/.test(key) ? this.javaScopeAt(at) : null;
    const sorted = scope ? this.scopedSortedOf(key, scope) : this.sortedOf(key);
    // Go: a struct field declared in another file of the package resolves through its declaration there.
    if (!sorted) return this.goFields?.get(key)?.fieldPath(key, depth + 1);
    const splitValued = countEndingBefore(sorted.valued, at);
    const splitBare = countEndingBefore(sorted.bare, at);
    const memoKey = `${key}\u0000${splitValued}\u0000${splitBare}${scope ? `\u0000${scope.id}` : ''}`;
    const memo = this.keyMemo.get(memoKey);
    if (memo !== undefined) return memo ?? undefined;
    if (this.inProgress.has(memoKey) || !this.step()) return undefined;
    this.inProgress.add(memoKey);
    let fallback: ResolvedPath | undefined;
    let result: ResolvedPath | undefined;
    let tried = 0;
    for (const b of nearestFirst(sorted.valued, splitValued, sorted.bare, splitBare)) {
      if (tried++ >= MAX_BINDINGS_TRIED) break;
      if (b.mock) {
        result = { module: undefined, root: key, segments: [key], chain: [], mock: true };
        break;
      }
      // An element taken out of a collection (`ChatModel m = models.get(i)`): the declared type says
      // what it is; the value would resolve to the collection's class.
      const element = !!b.type && !!b.value && this.isElementAccess(b.value);
      let r = b.value && !element ? (b.index !== undefined ? this.resolveElement(b.value, b.index, depth + 1) : this.resolve(b.value, depth + 1)) : undefined;
      // The declared type also wins over a value that comes from the project's own code
      // (`ChatClient client = sessions.clientFor(id)`): the type names the SDK, the value only a
      // project method.
      if (b.type && (!r || r.module === undefined || (!r.mock && !catalog().providersForModule(this.family, r.module).length))) {
        const t = this.resolveType(b.type, depth + 1);
        if (t?.module !== undefined && (!r || r.module === undefined || catalog().providersForModule(this.family, t.module).length)) r = { ...t, segments: [...t.segments.slice(0, -1), `${t.segments[t.segments.length - 1] ?? ''}()`], chain: r?.chain ?? t.chain };
      }
      if (r && (r.module !== undefined || r.mock)) {
        result = r;
        break;
      }
      fallback ??= r;
    }
    result ??= fallback;
    this.inProgress.delete(memoKey);
    this.keyMemo.set(memoKey, result ?? null);
    return result;
  }

  /** Go: what a struct field of this file (`.client`) holds, for another file of the package. */
  fieldPath(key: string, depth: number): ResolvedPath | undefined {
    return this.resolveKey(key, depth);
  }

  /**
   * Resolves a declared type to the class it names. Python and TypeScript wrap the name in
   * annotation nodes and add optionality (`Optional[OpenAI]`, `OpenAI | None`, `OpenAI | null`,
   * `"OpenAI"` as a forward reference); generic arguments are not the type (`BaseChatModel<T>` is a
   * BaseChatModel). Java and Go type nodes resolve as expressions.
   */
  private resolveType(node: Node, depth: number): ResolvedPath | undefined {
    if (depth > MAX_DEPTH) return undefined;
    switch (node.type) {
      case 'type':
      case 'type_annotation':
        return node.firstNamedChild ? this.resolveType(node.firstNamedChild, depth + 1) : undefined;
      case 'type_identifier':
        return this.resolveName(this.textOf(node), depth + 1);
      case 'nested_type_identifier': {
        const module = node.childForFieldName('module');
        const name = node.childForFieldName('name');
        const base = module ? this.resolve(module, depth + 1) : undefined;
        return base && name ? { ...base, segments: [...base.segments, this.textOf(name)] } : undefined;
      }
      case 'union_type':
      case 'binary_operator': {
        // `OpenAI | None`: the first side that names something known.
        for (const side of node.namedChildren) {
          const r = side ? this.resolveType(side, depth + 1) : undefined;
          if (r?.module !== undefined) return r;
        }
        return undefined;
      }
      case 'generic_type': {
        const base = node.childForFieldName('name') ?? node.firstNamedChild;
        if (!base) return undefined;
        // `Optional[OpenAI]` and `Union[OpenAI, None]` hold the type in their arguments.
        if (this.family === 'python' && TYPING_WRAPPER.test(this.textOf(base))) {
          const args = node.namedChildren.find((c) => c?.type === 'type_parameter');
          for (const a of args?.namedChildren ?? []) {
            const r = a ? this.resolveType(a, depth + 1) : undefined;
            if (r?.module !== undefined) return r;
          }
          return undefined;
        }
        return this.resolveType(base, depth + 1);
      }
      case 'string': {
        // A forward reference names the class in a string (`"ChatOpenAI | None"`, `"Optional[OpenAI]"`).
        for (const name of stripQuotes(this.textOf(node)).match(/[A-Za-z_][\w.]*/g) ?? []) {
          if (name === 'None' || TYPING_WRAPPER.test(name)) continue;
          const r = this.resolveDotted(name, depth + 1);
          if (r?.module !== undefined) return r;
        }
        return undefined;
      }
      case 'none':
      case 'literal_type':
      case 'predefined_type':
        return undefined;
      default:
        return this.resolve(node, depth + 1);
    }
  }

  /** `openai.OpenAI` or `OpenAI` written as text (a forward reference): its first name, then members. */
  private resolveDotted(text: string, depth: number): ResolvedPath | undefined {
    const [head, ...rest] = text.split('.');
    const base = head ? this.resolveName(head, depth) : undefined;
    return base && rest.length ? { ...base, segments: [...base.segments, ...rest] } : base;
  }

  /**
   * The SDK class a Java container's last type argument names (`Map<String, ChatModel>` gives
   * ChatModel), for a receiver that is a name or `this.name` declared with that container type;
   * undefined when the argument is not a type of a catalog module.
   */
  private javaElementType(receiver: Node, depth: number): ResolvedPath | undefined {
    const r = unwrap(receiver);
    const name = r.type === 'identifier' ? this.textOf(r) : r.type === 'field_access' && r.childForFieldName('object')?.type === 'this' ? this.textOf(r.childForFieldName('field') ?? r) : undefined;
    if (!name) return undefined;
    let type: Node | null = null;
    for (const key of r.type === 'identifier' ? [name, `.${name}`] : [`.${name}`]) {
      for (const b of this.bindings.get(key) ?? []) if (b.type && (!type || b.node.startIndex < receiver.startIndex)) type = b.type;
      if (type) break;
    }
    if (type?.type !== 'generic_type') return undefined;
    const args = type.namedChildren.find((c) => c?.type === 'type_arguments');
    const last = args?.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment').pop();
    const t = last ? this.resolveType(last, depth + 1) : undefined;
    if (t?.module === undefined || !catalog().providersForModule(this.family, t.module).length) return undefined;
    return { ...t, segments: [...t.segments.slice(0, -1), `${t.segments[t.segments.length - 1] ?? ''}()`] };
  }

  /** A call that reads an element of a collection or optional (`list.get(i)`, `it.next()`, `opt.orElseThrow()`). */
  private isElementAccess(value: Node): boolean {
    const v = unwrap(value);
    if (!CALL.has(v.type)) return false;
    const site = this.callById.get(v.id);
    return !!site?.receiver && ELEMENT_ACCESSORS.has(site.nameText);
  }

  /** Memoised per node: an expression resolves the same wherever it is reached from. */
  private resolve(input: Node, depth: number): ResolvedPath | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const node = unwrap(input);
    const memo = this.nodeMemo.get(node.id);
    if (memo !== undefined) return memo ?? undefined;
    if (this.inProgress.has(node.id) || !this.step()) return undefined;
    this.inProgress.add(node.id);
    const r = this.resolveUncached(node, depth);
    this.inProgress.delete(node.id);
    this.nodeMemo.set(node.id, r ?? null);
    return r;
  }

  private resolveUncached(node: Node, depth: number): ResolvedPath | undefined {
    const type = node.type;
    if (IDENT.has(type)) return this.resolveName(this.textOf(node), depth, node.startIndex);
    if (MEMBER.has(type)) {
      const key = this.textOf(node).replace(/\s+/g, '');
      // A Java fully-qualified name (`org.springframework.ai.openai.api.OpenAiApi` as a type): its
      // lower-case head is the package, as if the class were imported.
      const qualified = this.family === 'java' ? JAVA_QUALIFIED.exec(key) : null;
      if (qualified && !this.imports.has(qualified[1]!.split('.')[0]!) && !this.bindings.has(qualified[1]!.split('.')[0]!)) {
        return { module: qualified[1]!, root: qualified[2]!.split('.')[0]!, segments: qualified[2]!.split('.'), chain: [], mock: false };
      }
      if (!key.includes('(')) {
        const bound = this.resolveKey(key, depth, node.startIndex);
        if (bound) return bound;
      }
      const object = node.childForFieldName('object') ?? node.childForFieldName('operand') ?? node.childForFieldName('scope') ?? node.firstNamedChild;
      const prop = node.childForFieldName('property') ?? node.childForFieldName('attribute') ?? node.childForFieldName('field') ?? node.childForFieldName('name') ?? node.lastNamedChild;
      if (!object || !prop || object === prop) return undefined;
      const propText = this.textOf(prop);
      const objectText = this.textOf(object);
      if (object.type === 'this' || object.type === 'identifier' || objectText === 'self') {
        if (!this.imports.has(objectText)) {
          const attr = this.resolveKey(`.${propText}`, depth, node.startIndex);
          if (attr && (attr.module !== undefined || attr.mock)) return attr;
        }
        // `self.nets` in a subclass whose base class, imported from a project file, sets it.
        if (objectText === 'self' && this.family === 'python' && !this.bindings.has(key) && !this.bindings.has(`.${propText}`)) {
          const inherited = this.inheritedAttr(propText, node, depth + 1);
          if (inherited) return inherited;
        }
      }
      const base = this.resolve(object, depth + 1);
      return base ? { ...base, segments: [...base.segments, propText] } : undefined;
    }
    if (CALL.has(type)) return this.resolveCallValue(node, depth);
    // LangChain's `prompt | llm | parser` composes runnables into a sequence of the same framework.
    if (type === 'binary_operator' && this.textOf(node.childForFieldName('operator') ?? node).trim() === '|') {
      for (const side of [node.childForFieldName('left'), node.childForFieldName('right')]) {
        const r = side ? this.resolve(side, depth + 1) : undefined;
        if (r?.module !== undefined) return { module: r.module, root: r.root, segments: ['RunnableSequence()'], chain: r.chain, mock: r.mock };
      }
      return undefined;
    }
    if (ALTERNATIVES.has(type)) {
      let first: ResolvedPath | undefined;
      for (const child of node.namedChildren) {
        if (!child) continue;
        const r = this.resolve(child, depth + 1);
        if (r && (r.module !== undefined || r.mock)) return r;
        first ??= r;
      }
      return first;
    }
    if (type === 'qualified_type') {
      // Go's `llms.Model` as a declared type: the package's member.
      const pkg = node.childForFieldName('package');
      const name = node.childForFieldName('name');
      const base = pkg ? this.resolveName(this.textOf(pkg), depth + 1) : undefined;
      return base && name ? { ...base, segments: [...base.segments, this.textOf(name)] } : undefined;
    }
    if (type === 'generic_type') {
      const inner = node.firstNamedChild;
      return inner ? this.resolve(inner, depth + 1) : undefined;
    }
    if (type === 'unary_expression' || type === 'pointer_type') {
      const inner = node.childForFieldName('operand') ?? node.lastNamedChild;
      return inner ? this.resolve(inner, depth + 1) : undefined;
    }
    return undefined;
  }

  /** Resolves element `index` of a tuple-valued expression: a tuple literal or a local helper's returns. */
  private resolveElement(value: Node, index: number, depth: number): ResolvedPath | undefined {
    // A helper that returns its own call (`return f()`) would otherwise recurse without end.
    if (depth > MAX_DEPTH) return undefined;
    const v = unwrap(value);
    if (v.type === 'expression_list' || v.type === 'tuple' || v.type === 'array' || v.type === 'list') {
      const el = v.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment')[index];
      return el ? this.resolve(el, depth + 1) : undefined;
    }
    if (CALL.has(v.type)) {
      const site = this.callById.get(v.id);
      const fn = site && !site.receiver && site.callee.type === 'identifier' ? this.textOf(site.callee) : undefined;
      if (fn && this.functions.has(fn) && !this.imports.has(fn)) return this.resolveReturns(fn, index, depth + 1);
      const imp = fn ? this.imports.get(fn) : undefined;
      const ext = imp?.member ? this.linkedOf(imp) : undefined;
      const r = ext && imp?.member ? ext.exportedReturn(imp.member, index) : undefined;
      if (r && (r.mock || (r.module !== undefined && catalog().providersForModule(this.family, r.module).length))) return r;
      // A library factory that hands its product back inside a tuple (Flax pipelines with their
      // parameters, Unsloth models with their tokenizer): the catalog says which element it is.
      if (!fn || !this.functions.has(fn)) {
        const made = this.resolve(v, depth + 1);
        if (made?.module !== undefined && catalog().tupleProduct(made.module, normalisePath(made.segments)) === index) return made;
      }
    }
    return undefined;
  }

  /** What a local helper returns: the first return expression (or its element `index`) that reaches an import. */
  private resolveReturns(fn: string, index: number | undefined, depth: number): ResolvedPath | undefined {
    if (depth > MAX_DEPTH) return undefined;
    let fallback: ResolvedPath | undefined;
    for (const def of this.functions.get(fn) ?? []) {
      for (const expr of this.returnsOf(def)) {
        // Go returns a value with its error (`return llm, nil`): the first one is the value.
        const e = index === undefined && expr.type === 'expression_list' ? expr.firstNamedChild ?? expr : expr;
        const r = index !== undefined ? this.resolveElement(expr, index, depth + 1) : this.resolve(e, depth + 1);
        if (r && (r.module !== undefined || r.mock)) return r;
        fallback ??= r;
      }
    }
    if (index === undefined && (this.family === 'go' || this.family === 'java')) {
      // The declared result type says what the function makes (`func New() (llms.Model, error)`,
      // `ChatModel chatModel()`), whatever its body builds it from.
      for (const def of this.functions.get(fn) ?? []) {
        const type = declaredResult(def);
        const t = type ? this.resolve(type, depth + 1) : undefined;
        if (t?.module !== undefined) return { ...t, segments: [...t.segments.slice(0, -1), `${t.segments[t.segments.length - 1] ?? ''}()`] };
      }
    }
    return fallback;
  }

  /**
   * Which parameter of the local function `fn` a raw HTTP call of its body sends to
   * (`function streamWithThink(chatPath, ...) { fetchEventSource(chatPath, ...) }` gives 0).
   * Memoised; undefined when it sends none of its parameters.
   */
  httpParam(fn: string): number | undefined {
    const memo = this.httpParamMemo.get(fn);
    if (memo !== undefined) return memo < 0 ? undefined : memo;
    let found = -1;
    const http = catalog().httpCallees[this.family];
    for (const def of this.functions.get(fn) ?? []) {
      const names = paramNames(def, (n) => this.textOf(n));
      if (!names.length) continue;
      for (const call of this.callsIn(def)) {
        if (!http.has(call.nameText)) continue;
        const first = this.positionalArgs(call)[0];
        const i = first?.type === 'identifier' ? names.indexOf(this.textOf(first)) : -1;
        if (i >= 0) {
          found = i;
          break;
        }
      }
      if (found >= 0) break;
    }
    this.httpParamMemo.set(fn, found);
    return found < 0 ? undefined : found;
  }

  private sortedCalls: CallSite[] | undefined;
  /** `sortedCalls`' start offsets, in the same order. */
  private sortedStarts: number[] | undefined;

  /** The calls inside a node (a function's definition), found by binary search over calls sorted by start. */
  callsIn(node: Node): CallSite[] {
    const sorted = this.callsByStart();
    const starts = this.sortedStarts!;
    const end = node.endIndex;
    const out: CallSite[] = [];
    for (let k = lowerBound(starts, node.startIndex); k < sorted.length && starts[k]! < end; k++) if (sorted[k]!.node.endIndex <= end) out.push(sorted[k]!);
    return out;
  }

  /** The calls sorted by start offset (references are recorded out of order), computed once. */
  private callsByStart(): CallSite[] {
    if (!this.sortedCalls) {
      // Sorted on where each starts, read without moving the node of a carried call: a search
      // reads the nodes of the few calls it lands on, not all of the file's.
      const keyed = this.calls.map((c) => ({ c, at: c instanceof CarriedCall ? c.start : c.node.startIndex }));
      keyed.sort((a, b) => a.at - b.at);
      this.sortedCalls = keyed.map((k) => k.c);
      this.sortedStarts = keyed.map((k) => k.at);
    }
    return this.sortedCalls;
  }

  /** The returned expressions of a function, not those of functions nested in it (bounded walk). */
  returnsOf(def: Node): Node[] {
    let out = this.returnsMemo.get(def.id);
    if (out) return out;
    out = [];
    const body = def.childForFieldName('body');
    const stack: Node[] = body ? [body] : [];
    let visited = 0;
    while (stack.length && visited++ < MAX_RETURN_WALK && out.length < 8) {
      const n = stack.pop()!;
      // A `yield` hands out a value like a return does (`@contextmanager` helpers yield the client).
      if (n.type === 'return_statement' || n.type === 'yield') {
        const e = n.firstNamedChild;
        if (e) out.push(e);
        continue;
      }
      if (n !== body && FUNCTION_KINDS.has(n.type)) continue;
      for (let i = n.namedChildCount - 1; i >= 0; i--) {
        const c = n.namedChild(i);
        if (c) stack.push(c);
      }
    }
    this.returnsMemo.set(def.id, out);
    return out;
  }

  private resolveCallValue(node: Node, depth: number): ResolvedPath | undefined {
    const site = this.callById.get(node.id);
    const module = this.moduleLoad(node);
    if (module !== undefined) return { module, root: module, segments: [], chain: [node], mock: false };
    let base: ResolvedPath | undefined;
    // An element of a Java collection, optional or provider declared with an SDK type argument
    // (`Map<String, ChatModel> models` → `models.get(name)`, `ObjectProvider<ChatClient>` →
    // `clients.getObject()`) is an instance of that type.
    if (site?.receiver && this.family === 'java' && (ELEMENT_ACCESSORS.has(site.nameText) || JAVA_PROVIDER_ACCESSORS.has(site.nameText))) {
      const element = this.javaElementType(site.receiver, depth + 1);
      if (element) return { ...element, chain: [...element.chain, node] };
    }
    // A Java call without a receiver names a method of the class (`assistant()`), never a field
    // of the same name: what the method returns is the value.
    if (site && this.family === 'java' && site.node.type === 'method_invocation' && !site.receiver && this.functions.has(site.nameText) && !this.imports.has(site.nameText)) {
      const returned = this.resolveReturns(site.nameText, undefined, depth + 1);
      if (returned && (returned.module !== undefined || returned.mock)) return { ...returned, chain: [...returned.chain, node] };
    }
    if (site) base = site.node.type === 'method_invocation' ? (site.receiver ? (() => {
      const r = this.resolve(site.receiver, depth + 1);
      return r ? { ...r, segments: [...r.segments, site.nameText] } : undefined;
    })() : this.resolveName(site.nameText, depth + 1)) : this.resolve(site.callee, depth + 1);
    else {
      const fn = node.childForFieldName('function') ?? node.childForFieldName('constructor') ?? node.childForFieldName('type');
      base = fn ? this.resolve(fn, depth + 1) : undefined;
    }
    if (!base) return undefined;
    const cat = catalog();
    // `model.eval()`, `pipe.to("cuda")`, `m.half().cuda()` return the receiver itself.
    if (site?.receiver && cat.passThroughMethods.has(site.nameText) && base.segments.length > 1) {
      const inner = this.resolve(site.receiver, depth + 1);
      if (inner) return { ...inner, chain: [...inner.chain, node] };
    }
    // A helper defined in this file (`def load_model(): return AutoModel.from_pretrained(...)`)
    // returns what its return statements return.
    if (base.module === undefined && base.segments.length === 1 && site && !site.receiver && this.functions.has(base.root)) {
      const returned = this.resolveReturns(base.root, undefined, depth + 1);
      if (returned) return { ...returned, chain: [...returned.chain, node] };
    }
    // A helper imported from the project's own file: what it returns there. In Go the function is
    // called through its package (`ai.NewModel()`), which may spread over several files.
    const goPackage = this.family === 'go' && site?.receiver?.type === 'identifier' && this.imports.has(this.textOf(site.receiver));
    if (base.module !== undefined && base.segments.length === 1 && site && (!site.receiver || goPackage)) {
      const imp = this.imports.get(base.root);
      const ext = imp ? (goPackage ? this.linkedMember(imp, site.nameText) : this.linkedOf(imp)) : undefined;
      const returned = ext ? ext.exportedReturn(base.segments[0]!) : undefined;
      if (returned && (returned.mock || (returned.module !== undefined && cat.providersForModule(this.family, returned.module).length))) return { ...returned, chain: [...returned.chain, node] };
    }
    const calleePath = normalisePath(base.segments);
    const rawCallee = base.module === undefined ? calleePath : `${base.root}.${calleePath}`;
    const mock = base.mock || cat.mockConstructors.has(calleePath) || cat.mockConstructors.has(rawCallee) || (base.module !== undefined && cat.mockModules.has(base.module));
    let segments = base.segments.length ? [...base.segments.slice(0, -1), `${base.segments[base.segments.length - 1]}()`] : ['()'];
    if (this.family === 'java' && site?.nameText === 'build') segments = javaBuilt(segments);
    return { module: base.module, root: base.root, segments, chain: [...base.chain, node], mock };
  }

  // ---------------------------------------------------------------- arguments and strings

  /** Positional argument nodes of a call (keyword arguments excluded). */
  positionalArgs(call: CallSite): Node[] {
    if (!call.args) return [];
    return call.args.namedChildren.filter((c): c is Node => !!c && c.type !== 'keyword_argument' && c.type !== 'comment');
  }

  /**
   * A named argument: a Python keyword argument, or a property of a JS object literal argument
   * (`{ baseURL: ... }`), searched one level into nested objects such as `configuration`.
   */
  namedArg(call: CallSite | Node, names: ReadonlySet<string>): Node | undefined {
    const args = 'args' in call ? call.args : (call as Node).childForFieldName('arguments');
    if (!args) return undefined;
    for (const a of args.namedChildren) {
      if (!a) continue;
      if (a.type === 'keyword_argument') {
        const n = a.childForFieldName('name');
        if (n && names.has(this.textOf(n))) return a.childForFieldName('value') ?? undefined;
      } else if (a.type === 'object') {
        const found = this.objectProperty(a, names, 1);
        if (found) return found;
      }
    }
    return undefined;
  }

  private objectProperty(obj: Node, names: ReadonlySet<string>, nest: number): Node | undefined {
    for (const p of obj.namedChildren) {
      if (p?.type !== 'pair') continue;
      const k = p.childForFieldName('key');
      const v = p.childForFieldName('value');
      if (!k || !v) continue;
      if (names.has(stripQuotes(this.textOf(k)))) return v;
      if (nest > 0 && v.type === 'object') {
        const inner = this.objectProperty(v, names, nest - 1);
        if (inner) return inner;
      }
    }
    return undefined;
  }

  /**
   * The string value of an expression when it can be computed from literals and same-file
   * constants: template literals, f-strings, `+` concatenation, `fmt.Sprintf`/`String.format`,
   * `os.getenv("X", "default")`, `a ?? "default"`. Parts that cannot be computed become `{}`.
   * Returns undefined when nothing of the value is known.
   */
  stringValue(node: Node, depth = 0): string | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const n = unwrap(node);
    const memo = this.stringMemo.get(n.id);
    if (memo !== undefined) return memo ?? undefined;
    if (this.inProgress.has(-1 - n.id) || !this.step()) return undefined;
    // String ids are kept apart from resolution ids by sign: both memoise per node.
    this.inProgress.add(-1 - n.id);
    const v = this.stringValueUncached(n, depth);
    this.inProgress.delete(-1 - n.id);
    this.stringMemo.set(n.id, v ?? null);
    return v;
  }

  private stringValueUncached(n: Node, depth: number): string | undefined {
    switch (n.type) {
      case 'string':
      case 'template_string':
      case 'string_literal':
      case 'interpreted_string_literal':
      case 'raw_string_literal':
      case 'text_block':
        return this.literal(n, depth);
      case 'concatenated_string':
        return n.namedChildren.map((c) => (c ? this.stringValue(c, depth + 1) ?? UNRESOLVED : '')).join('');
      case 'binary_expression':
      case 'binary_operator':
      case 'boolean_operator': {
        const op = n.childForFieldName('operator');
        const opText = op ? this.textOf(op) : this.textOf(n).slice(n.firstNamedChild ? n.firstNamedChild.endIndex - n.startIndex : 0).trim().split(/\s/)[0];
        const l = n.childForFieldName('left') ?? n.firstNamedChild;
        const r = n.childForFieldName('right') ?? n.lastNamedChild;
        if (!l || !r) return undefined;
        if (opText === '+') {
          const a = this.stringValue(l, depth + 1);
          const b = this.stringValue(r, depth + 1);
          return a === undefined && b === undefined ? undefined : (a ?? UNRESOLVED) + (b ?? UNRESOLVED);
        }
        if (opText === '??' || opText === '||' || opText === 'or') return this.stringValue(l, depth + 1) ?? this.stringValue(r, depth + 1);
        return undefined;
      }
      case 'identifier':
      case 'field_access':
      case 'member_expression':
      case 'attribute':
      case 'selector_expression': {
        const key = this.textOf(n).replace(/\s+/g, '');
        const added = n.type === 'identifier' ? this.appends.get(key) : undefined;
        const bound = this.bindings.has(key) ? key : n.type !== 'identifier' && this.bindings.has(key.slice(key.lastIndexOf('.'))) ? key.slice(key.lastIndexOf('.')) : undefined;
        if (!bound && !added) return n.type === 'identifier' ? this.importedString(key, undefined) : this.memberString(n, depth);
        // The assignments in the function around the use first (in file order, so `base = cfg ||
        // DEFAULT; base = "https://" + base` starts from the first), then the rest: a `url` local
        // of each method of a file holds that method's endpoint, not the first one the file assigns.
        // (A name bound very often is read in file order: the reordering stays bounded per use.)
        const list = bound ? this.bindings.get(bound)! : [];
        const around = list.length > 1 || added ? functionAround(n) : null;
        const scope = list.length > 1 && list.length <= 64 ? around : null;
        const inScope = (b: Binding): boolean => !!scope && scope.startIndex <= b.node.startIndex && b.node.endIndex <= scope.endIndex;
        const ordered = scope ? [...list.filter(inScope), ...list.filter((b) => !inScope(b))] : list;
        // An empty initial value (`let path = ""`, later assigned in branches) says nothing.
        let empty: string | undefined;
        for (const b of ordered.slice(0, 4)) {
          if (!b.value || b.index !== undefined) continue;
          const v = this.stringValue(b.value, depth + 1);
          if (v === '') empty = v;
          else if (v !== undefined) return v;
        }
        // `url += '/'; url += path`: the parts appended, before this use and in its own function,
        // to a value not known here (a parameter). A few of the name's first bindings are looked at.
        let appended: string | undefined;
        let taken = 0;
        for (const b of added?.slice(0, 64) ?? []) {
          if (b.node.startIndex >= n.startIndex || taken >= 4) break;
          if (functionAround(b.node)?.id !== around?.id || this.textOf(b.node.childForFieldName('operator') ?? b.node).trim() !== '+=') continue;
          taken++;
          const v = this.stringValue(b.value!, depth + 1);
          if (v !== undefined) appended = (appended ?? UNRESOLVED) + v;
        }
        return appended !== undefined ? (empty ?? '') + appended : empty;
      }
      case 'ternary_expression':
      case 'conditional_expression': {
        // Either branch may be the URL; the first one that is known stands for both.
        const parts = n.type === 'ternary_expression' ? [n.childForFieldName('consequence'), n.childForFieldName('alternative')] : n.namedChildren.filter((_, i) => i !== 1);
        for (const part of parts) {
          const v = part ? this.stringValue(part, depth + 1) : undefined;
          if (v) return v;
        }
        return undefined;
      }
      case 'call':
      case 'call_expression':
      case 'method_invocation':
        return this.callString(n, depth);
      default:
        return undefined;
    }
  }

  private literal(n: Node, depth: number): string {
    const t = n.type;
    if (t === 'raw_string_literal') return this.textOf(n).slice(1, -1);
    if (t === 'text_block') return this.textOf(n).slice(3, -3);
    let out = '';
    let sawPart = false;
    for (const c of n.namedChildren) {
      if (!c) continue;
      switch (c.type) {
        case 'string_fragment':
        case 'string_content':
        case 'interpreted_string_literal_content':
          out += this.textOf(c);
          sawPart = true;
          break;
        case 'escape_sequence':
          out += this.textOf(c);
          sawPart = true;
          break;
        case 'template_substitution':
        case 'interpolation': {
          const e = c.childForFieldName('expression') ?? c.firstNamedChild;
          out += (e && this.stringValue(e, depth + 1)) ?? UNRESOLVED;
          sawPart = true;
          break;
        }
        default:
          break;
      }
    }
    if (!sawPart && (t === 'string' || t === 'string_literal')) {
      // Grammars that expose no content node for a simple string: strip the quotes.
      return this.textOf(n).replace(/^[a-zA-Z]*(['"`]{1,3})([\s\S]*)\1$/, '$2');
    }
    return out;
  }

  /** The string a name imported from a linked project file stands for there (`member` of it, if given). */
  private importedString(name: string, member: string | undefined): string | undefined {
    // Go: a package-level constant of another file of this package (`chatURL`), or of a project
    // package (`conf.ChatURL`), found by the Go dispatch's preparation.
    const goValue = this.goValues?.get(member === undefined ? name : `${name}.${member}`);
    if (goValue) return goValue.exportedString(member ?? name);
    const imp = this.imports.get(name);
    const ext = imp ? this.linkedOf(imp) : undefined;
    if (!imp || !ext) return undefined;
    if (imp.member) return member === undefined ? ext.exportedString(imp.member) : ext.exportedMemberString(imp.member, member);
    // `import * as C from './constants'`: `C.X` is the export `X`.
    return member === undefined ? undefined : ext.exportedString(member);
  }

  /** A top-level string constant of this file, for another file. */
  exportedString(name: string): string | undefined {
    const list = this.bindings.get(name);
    const b = list?.find((x) => !!x.value && x.index === undefined);
    return b?.value ? this.stringValue(b.value, 2) : undefined;
  }

  /** A member of a top-level object or enum of this file (`OpenaiPath.ChatPath`), for another file. */
  exportedMemberString(name: string, member: string): string | undefined {
    const list = this.bindings.get(name);
    const b = list?.find((x) => !!x.value && x.index === undefined);
    const prop = b?.value ? this.propertyOf(b.value, member) : undefined;
    return prop ? this.stringValue(prop, 2) : undefined;
  }

  /** The string an object member function returns (`ChatPath: (m) => \`chat/${m}\``), for another file. */
  exportedMemberFunctionString(name: string, member: string): string | undefined {
    const b = this.bindings.get(name)?.find((x) => !!x.value && x.index === undefined);
    const fn = b?.value ? this.propertyOf(b.value, member) : undefined;
    return fn ? this.functionString(fn, 2) : undefined;
  }

  /** The string a small function returns: an arrow's expression body or its first string return. */
  private functionString(fn: Node, depth: number): string | undefined {
    const f = unwrap(fn);
    if (f.type !== 'arrow_function' && f.type !== 'function_expression' && f.type !== 'function' && f.type !== 'method_definition' && f.type !== 'function_definition') return undefined;
    const body = f.childForFieldName('body');
    if (!body) return undefined;
    if (body.type !== 'statement_block') return this.stringValue(body, depth + 1);
    for (const e of this.returnsOf(f)) {
      const v = this.stringValue(e, depth + 1);
      if (v) return v;
    }
    return undefined;
  }

  /** `Obj.key` where `Obj` is an object literal, an enum or a class with that constant. */
  private memberString(n: Node, depth: number): string | undefined {
    const object = n.childForFieldName('object') ?? n.childForFieldName('operand');
    const prop = n.childForFieldName('property') ?? n.childForFieldName('attribute') ?? n.childForFieldName('field');
    if (!object || !prop || !IDENT.has(object.type)) return undefined;
    const objName = this.textOf(object);
    const member = this.textOf(prop);
    const list = this.bindings.get(objName);
    if (!list) return this.importedString(objName, member);
    for (const b of list.slice(0, 4)) {
      const v = b.value && b.index === undefined ? this.propertyOf(b.value, member) : undefined;
      if (v) return this.stringValue(v, depth + 1);
    }
    return undefined;
  }

  /** The value node of property `member` in an object literal, enum body or class body. */
  private propertyOf(container: Node, member: string): Node | undefined {
    const c = unwrap(container);
    const kids = c.type === 'enum_declaration' ? c.childForFieldName('body')?.namedChildren ?? [] : c.namedChildren;
    if (c.type !== 'object' && c.type !== 'enum_body' && c.type !== 'enum_declaration' && c.type !== 'dictionary') return undefined;
    for (const k of kids) {
      if (!k) continue;
      if (k.type === 'pair') {
        const key = k.childForFieldName('key');
        if (key && stripQuotes(this.textOf(key)) === member) return k.childForFieldName('value') ?? undefined;
      } else if (k.type === 'enum_assignment') {
        const key = k.childForFieldName('name');
        if (key && stripQuotes(this.textOf(key)) === member) return k.childForFieldName('value') ?? undefined;
      }
    }
    return undefined;
  }

  private callString(n: Node, depth: number): string | undefined {
    const site = this.callById.get(n.id);
    if (!site) return undefined;
    const targets = this.goTargets?.get(n.id);
    if (targets) {
      const v = goTargetsString(targets, depth);
      if (v !== undefined) return v;
    }
    const calleeText = (site.receiver ? `${this.textOf(site.receiver)}.` : '') + site.nameText;
    const simpleCallee = n.type === 'method_invocation' ? calleeText : this.textOf(site.callee).replace(/\s+/g, '');
    const args = this.positionalArgs(site);
    if (/^(os\.getenv|os\.environ\.get|getenv|System\.getenv|environ\.get)$/.test(simpleCallee)) {
      const def = args[1] ?? this.namedArg(site, new Set(['default']));
      return def ? this.stringValue(def, depth + 1) : undefined;
    }
    // A URL parsed from a string is that string (Go's `url.Parse(base)`).
    if (/^url\.(?:Parse|ParseRequestURI)$/.test(simpleCallee) && args[0]) return this.stringValue(args[0], depth + 1);
    if (/^(fmt\.Sprintf|String\.format|format|util\.format)$/.test(simpleCallee) && args[0]) {
      const fmt = this.stringValue(args[0], depth + 1);
      if (fmt === undefined) return undefined;
      let i = 1;
      return fmt.replace(/%[-+#0 ]*\d*(?:\.\d+)?[svdq]/g, () => (args[i] ? this.stringValue(args[i++]!, depth + 1) ?? UNRESOLVED : UNRESOLVED));
    }
    if (site.nameText === 'format' && site.receiver) {
      const fmt = this.stringValue(site.receiver, depth + 1);
      return fmt?.replace(/\{[^}]*\}/g, UNRESOLVED);
    }
    if (/^(join|urljoin|resolve)$/.test(site.nameText) && args.length >= 2) {
      const parts = args.map((a) => this.stringValue(a, depth + 1));
      if (parts.every((p) => p === undefined)) return undefined;
      return parts.map((p) => p ?? UNRESOLVED).join('/');
    }
    // `Paths.Chat(model)` where `Paths` is an object (here or in a linked file) whose member is a
    // function returning the path.
    if (site.receiver?.type === 'identifier') {
      const obj = this.textOf(site.receiver);
      const list = this.bindings.get(obj);
      if (list) {
        const b = list.find((x) => !!x.value && x.index === undefined);
        const fn = b?.value ? this.propertyOf(b.value, site.nameText) : undefined;
        const v = fn ? this.functionString(fn, depth + 1) : undefined;
        if (v !== undefined) return v;
      } else {
        const imp = this.imports.get(obj);
        const ext = imp ? this.linkedOf(imp) : undefined;
        if (imp?.member && ext) {
          const v = ext.exportedMemberFunctionString(imp.member, site.nameText);
          if (v !== undefined) return v;
        }
      }
    }
    // A project helper applied to a path (`this.path(Paths.Chat)`, `buildUrl(CHAT_PATH)`) makes a
    // URL that ends with it: the helper's base is unknown, the path is what names the endpoint.
    const own = site.receiver === null || /^(this|self)$/.test(this.textOf(site.receiver));
    // (Not a request object such as `Request(url)`: the call that sends it is the finding.)
    if (args.length === 1 && !site.isNew && own && /^[a-z_]/.test(site.nameText) && !catalog().httpCallees[this.family].has(site.nameText)) {
      const inner = this.stringValue(args[0]!, depth + 1);
      if (inner && /^https?:\/\//.test(inner)) return inner;
      if (inner && /^\/?[\w.{}-]+\//.test(inner)) return `${UNRESOLVED}/${inner.replace(/^\//, '')}`;
    }
    // A method of this class that returns a path (`this.getModelPath(type)`): its first known return.
    if (own && site.receiver && this.functions.has(site.nameText)) {
      for (const def of this.functions.get(site.nameText)!) {
        const v = this.functionString(def, depth + 1);
        if (v) return v;
      }
    }
    return undefined;
  }

  /**
   * Module paths (or dotted attribute paths) the file replaces with test doubles:
   * `jest.mock('openai')`, `vi.mock("@anthropic-ai/sdk")`, `@patch("openai.OpenAI")`.
   */
  mockTargets(): string[] {
    if (this.mockTargetsCache) return this.mockTargetsCache;
    const cat = catalog();
    const out: string[] = [];
    for (const call of this.calls) {
      if (!cat.interestingNames(this.family).has(call.nameText)) continue;
      const calleeText = this.textOf(call.callee).replace(/\s+/g, '');
      if (!cat.mockCallees.has(calleeText)) continue;
      const first = this.positionalArgs(call)[0];
      const value = first ? this.stringValue(first) : undefined;
      if (value) out.push(value);
    }
    this.mockTargetsCache = out;
    return out;
  }
}

/**
 * The string a Go call returns through its targets (each implementation's first returned value):
 * the first one that names an endpoint of the catalog, else the first one known. Any
 * implementation may be the one in use; the one that names an endpoint is the evidence.
 */
function goTargetsString(targets: readonly GoCallTarget[], depth: number): string | undefined {
  const endpoints = catalog().endpoints;
  let fallback: string | undefined;
  for (const t of targets) {
    for (const expr of t.model.returnsOf(t.def)) {
      const e = expr.type === 'expression_list' ? expr.firstNamedChild ?? expr : expr;
      const v = t.model.stringValue(e, depth + 1);
      if (v === undefined || v === UNRESOLVED) continue;
      if (endpoints.some((p) => p.pattern.test(v))) return v;
      fallback ??= v;
    }
  }
  return fallback;
}

/** How many bindings (sorted by end offset) end at or before `at`: a binary search. */
function countEndingBefore(list: readonly Binding[], at: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.node.endIndex <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Bindings in the order resolution tries them: valued before bare, and within each, those that
 * end before the use from the nearest back, then the rest (including one that contains the use,
 * `pipe = pipe.to("cuda")`, which does not precede it) in file order.
 */
function* nearestFirst(valued: readonly Binding[], splitValued: number, bare: readonly Binding[], splitBare: number): Generator<Binding> {
  for (let i = splitValued - 1; i >= 0; i--) yield valued[i]!;
  for (let i = splitValued; i < valued.length; i++) yield valued[i]!;
  for (let i = splitBare - 1; i >= 0; i--) yield bare[i]!;
  for (let i = splitBare; i < bare.length; i++) yield bare[i]!;
}

/** Parameter names of a function definition, in order (patterns and `self` count as positions). */
function paramNames(def: Node, text: (n: Node) => string): string[] {
  const params = def.childForFieldName('parameters') ?? def.childForFieldName('parameter');
  if (!params) return [];
  const out: string[] = [];
  for (const p of params.namedChildren) {
    if (!p || p.type === 'comment') continue;
    const id = p.type === 'identifier' ? p : p.childForFieldName('pattern') ?? p.childForFieldName('name') ?? p.namedChildren.find((c) => c?.type === 'identifier') ?? null;
    out.push(id ? text(id) : '');
  }
  return out;
}

/** A Java fully-qualified class name: a lower-case package, then the class and its nested classes. */
const JAVA_QUALIFIED = /^([a-z_][\w]*(?:\.[a-z_][\w]*)+)\.([A-Z][\w]*(?:\.[A-Z][\w]*)*)$/;

/** Node kinds that open a function scope, in every grammar (classes are not scopes here). */
const SCOPES = new Set([...FUNCTION_KINDS, 'generator_function_declaration', 'generator_function', 'constructor_declaration', 'lambda_expression'].filter((k) => !/^class_/.test(k)));

/** The innermost function whose body holds `node`, or null at the top level; a bounded walk up. */
function functionAround(node: Node): Node | null {
  let p = node.parent;
  for (let hops = 0; p && hops < 64; p = p.parent, hops++) if (SCOPES.has(p.type)) return p;
  return null;
}

/** Whether a Java binding node declares a local variable or parameter (scoped to its method). */
function isJavaLocal(node: Node): boolean {
  switch (node.type) {
    case 'formal_parameter':
    case 'spread_parameter':
    case 'catch_formal_parameter':
    case 'enhanced_for_statement':
    case 'resource':
      return true;
    case 'variable_declarator':
      return node.parent?.type === 'local_variable_declaration';
    default:
      return false;
  }
}

/** Segments that start a Java builder: `X.builder()`, a declared `X.Builder`, `x.mutate()`/`x.toBuilder()`. */
const JAVA_BUILDER_START = /^(?:builder|newBuilder|mutate|toBuilder)\(\)$|^Builder(?:\(\))?$/;

/**
 * What a Java builder's `build()` makes: an instance of the builder's owner class, whatever was
 * set on the way (`DashScopeChatModel.builder().dashScopeApi(api).build()` is a
 * `DashScopeChatModel()`, `builder.defaultSystem(s).build()` with a `ChatClient.Builder builder`
 * is a `ChatClient()`). The setters' calls stay in the chain (a base URL is read from there).
 * Segments without a builder start are returned as they are.
 */
function javaBuilt(segments: string[]): string[] {
  for (let i = segments.length - 2; i >= 1; i--) {
    if (!JAVA_BUILDER_START.test(segments[i]!)) continue;
    const owner = segments[i - 1]!.replace(/\(\)$/, '');
    return /^[A-Z]/.test(owner) ? [...segments.slice(0, i - 1), `${owner}()`] : segments;
  }
  return segments;
}

/** The declared result type of a Go function (the first result) or a Java method. */
function declaredResult(def: Node): Node | null {
  const t = def.childForFieldName('result') ?? (def.type === 'method_declaration' ? def.childForFieldName('type') : null);
  if (t?.type !== 'parameter_list') return t;
  const first = t.namedChildren.find((c) => c?.type === 'parameter_declaration');
  return first?.childForFieldName('type') ?? null;
}

function unwrap(node: Node): Node {
  let n = node;
  while (WRAPPERS.has(n.type)) {
    const inner = n.type === 'as_expression' || n.type === 'satisfies_expression' ? n.firstNamedChild : n.type === 'type_assertion' || n.type === 'cast_expression' ? n.childForFieldName('value') ?? n.lastNamedChild : n.firstNamedChild;
    if (!inner) break;
    n = inner;
  }
  return n;
}

function stripQuotes(s: string): string {
  return s.replace(/^['"`]|['"`]$/g, '');
}

const models = new WeakMap<Tree, FileModel>();

/**
 * The semantic model of a parsed file, built once per tree and shared by every rule.
 *
 * Review rules that start from generation calls get the call sites in `ctx.generationCalls`;
 * use `model.callAt(node)` to get the {@link CallSite} of such a node, `model.resolveCall(site)`
 * for its import-rooted {@link ResolvedPath} (`normalisePath(r.segments)` gives the
 * `chat.completions.create` form), `model.bindings` to follow what a name was assigned, and
 * `model.stringValue(node)` to read a string computed from same-file constants.
 */
export async function getFileModel(ctx: { tree: Tree; text: string; language: LanguageInfo; host: TreeSitterHost }): Promise<FileModel> {
  let model = models.get(ctx.tree);
  if (!model) {
    model = await buildFileModel(ctx);
    models.set(ctx.tree, model);
  }
  return model;
}

/**
 * A new model of the file, not the one `getFileModel` shares per tree: the workspace keeps its own
 * models of linked files, since what is linked into a model (`linked`, the Go maps) differs
 * between the analysis of a file and its use as an import, and a tree may serve both.
 */
export async function buildFileModel(ctx: { tree: Tree; text: string; language: LanguageInfo; host: TreeSitterHost }): Promise<FileModel> {
  const query = await ctx.host.query(ctx.language.id, MODEL_QUERY_KEY, MODEL_QUERIES[ctx.language.id]);
  return new FileModel(ctx.language.family, ctx.text, ctx.tree, query);
}

/** Whether a tree has its shared model (an analysis is using it). */
export function hasFileModel(tree: Tree): boolean {
  return models.has(tree);
}

/** Forgets the shared model of a tree (its analysis is over and the tree lives on elsewhere). */
export function forgetFileModel(tree: Tree): void {
  models.delete(tree);
}
