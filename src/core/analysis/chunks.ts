/**
 * Facts carried over an incremental parse, one top-level statement ("chunk") at a time.
 *
 * When the editor re-parses a file after an edit, tree-sitter reuses every subtree the edit did
 * not touch: a top-level statement of the new tree with the same node id as one of the old tree
 * IS that subtree, with the same text and shape, only moved by the edit. Whatever was extracted
 * from it (the review index's calls and functions, the model's bindings and call sites) is still
 * true once its nodes are moved to the new tree and position. So the per-edit cost of the fact
 * base is the changed statements plus a copy of the rest, instead of a query over the whole file.
 *
 * Only trees the caller keeps for the next edit record their chunks (`keepChunks`): a scan
 * analyses each file once and would pay for records it never reads.
 *
 * Why ids can be trusted: the old tree is alive while the new one is parsed from it (it is the
 * `oldTree` argument), so every id recorded for it still names one of its subtrees, and a subtree
 * of the new tree with that id is shared with it, not a new allocation at a recycled address.
 */
import type { Node, Point, Tree } from 'web-tree-sitter';

/** How a reused chunk moved: add `dIndex` to offsets, `dRow` to rows, and `dCol` to columns on its first row. */
export interface Shift {
  tree: Tree;
  dIndex: number;
  dRow: number;
  /** The chunk's first row before the edit: only nodes on it can have moved sideways. */
  firstRow: number;
  dCol: number;
}

/** A top-level statement as recorded with its facts: enough to recognise it in the next tree. */
interface ChunkRecord {
  id: number;
  startIndex: number;
  row: number;
  column: number;
}

interface Stored {
  chunks: ChunkRecord[];
  /** Per chunk: its facts as they were extracted, in the tree of the analysis that extracted them. */
  facts: unknown[];
  /** Per chunk: how far it has moved since (undefined: extracted from this tree). */
  shifts: (Shift | undefined)[];
}

/** `a`, then `b`: one shift from where the facts were extracted to where the chunk is now. */
function compose(a: Shift | undefined, b: Shift): Shift {
  // `b` moves columns on the chunk's current first row, which is `a`'s first row moved down.
  return a ? { tree: b.tree, dIndex: a.dIndex + b.dIndex, dRow: a.dRow + b.dRow, firstRow: a.firstRow, dCol: a.dCol + b.dCol } : b;
}

/** The tree each kept tree was incrementally parsed from, while the new tree's facts are built. */
const origins = new WeakMap<Tree, Tree>();
/** Trees whose facts are recorded per chunk for the next edit. */
const keepers = new WeakSet<Tree>();
/** Per tree and kind of fact: the chunks and their facts. */
const stores = new WeakMap<Tree, Map<string, Stored>>();
/** Per tree: its top-level statements (read once, shared by every kind of fact). */
const chunkLists = new WeakMap<Tree, Node[]>();
/** Per tree: its top-level statements that can hold facts (not comments). */
const factLists = new WeakMap<Tree, Node[]>();

/**
 * Marks `tree` as one the caller keeps for the next edit, parsed from `old` (if it was), so its
 * facts are recorded per chunk and those of `old` can be carried over.
 */
export function keepChunks(tree: Tree, old?: Tree): void {
  keepers.add(tree);
  if (old && old !== tree) origins.set(tree, old);
}

/**
 * Ends the incremental analysis of `tree`: it no longer needs the tree it was parsed from, which
 * the caller deletes now (a tree kept as an origin would keep every earlier tree alive through it).
 */
export function endIncremental(tree: Tree): void {
  const old = origins.get(tree);
  origins.delete(tree);
  if (old) {
    stores.delete(old);
    chunkLists.delete(old);
    factLists.delete(old);
  }
}

/** True when facts of `tree` should be built through {@link chunkPlan}. */
export function chunked(tree: Tree): boolean {
  return keepers.has(tree);
}

/** The top-level statements of a tree, in document order. */
export function chunksOf(tree: Tree): Node[] {
  let list = chunkLists.get(tree);
  if (!list) {
    list = tree.rootNode.children.filter((c): c is Node => !!c);
    chunkLists.set(tree, list);
  }
  return list;
}

/**
 * The top-level statements facts are kept by: all but comments, which hold none. tree-sitter
 * re-creates a comment's node on most re-parses (a file's top-level comments are nearly all of
 * the statements an edit elsewhere leaves unreused, 48 of 53 in a 5,000-line TypeScript file), and
 * each was queried anew.
 */
export function factChunksOf(tree: Tree): Node[] {
  let list = factLists.get(tree);
  if (!list) {
    list = chunksOf(tree).filter((c) => !isComment(c.type));
    factLists.set(tree, list);
  }
  return list;
}

function isComment(type: string): boolean {
  return type === 'comment' || type.endsWith('_comment');
}

/**
 * A node to run a fact query on: a chunk that was not carried over, or the root when none was
 * (one query over the file, its results bucketed with `chunkAt`). A query cannot be limited to a
 * byte range instead: web-tree-sitter 0.25 reads the range in bytes of its UTF-16 text, which are
 * not the offsets its nodes report, so a range query silently misses half of what it should find.
 */
export interface Target {
  node: Node;
  /** The chunk the node is; undefined for the root. */
  chunk: number | undefined;
}

export interface ChunkPlan<T> {
  chunks: readonly Node[];
  /** Per chunk: its facts carried over from the old tree (already moved), or undefined. */
  carried: (T | undefined)[];
  /** What to query for the chunks that were not carried over. */
  targets: Target[];
  /** The chunk holding offset `index` (for bucketing a query over the root), or -1. */
  chunkAt(index: number): number;
  /** Records each chunk's facts with the tree, when the tree is kept for the next edit. */
  save(facts: readonly T[]): void;
}

/**
 * The plan for building facts of kind `kind` over `tree`: which chunks carry their facts over
 * from the tree it was parsed from (moved by `move`), and which must be extracted.
 */
export function chunkPlan<T>(tree: Tree, kind: string, move: (facts: T, shift: Shift) => T, detach: (facts: T) => T, options: { comments?: boolean } = {}): ChunkPlan<T> {
  const chunks = options.comments ? chunksOf(tree) : factChunksOf(tree);
  const old = origins.get(tree);
  const prev = old ? stores.get(old)?.get(kind) : undefined;
  const byId = new Map<number, number>();
  if (prev) prev.chunks.forEach((c, i) => byId.set(c.id, i));
  const carried: (T | undefined)[] = new Array(chunks.length);
  const bases: unknown[] = new Array(chunks.length);
  const shifts: (Shift | undefined)[] = new Array(chunks.length);
  const missing: number[] = [];
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i]!;
    const at = prev ? byId.get(c.id) : undefined;
    if (at !== undefined) {
      const rec = prev!.chunks[at]!;
      const pos = c.startPosition;
      const step: Shift = { tree, dIndex: c.startIndex - rec.startIndex, dRow: pos.row - rec.row, firstRow: rec.row, dCol: pos.column - rec.column };
      // Facts are always moved from where they were extracted, so a statement carried over a
      // thousand edits costs one move per edit, not a chain of a thousand.
      bases[i] = prev!.facts[at];
      shifts[i] = compose(prev!.shifts[at], step);
      carried[i] = move(bases[i] as T, shifts[i]!);
    } else missing.push(i);
  }
  // Most of the file missing (a first analysis, an edit that re-parsed much): one query over the root.
  const targets: Target[] = missing.length > chunks.length / 2 ? [{ node: tree.rootNode, chunk: undefined }] : missing.map((i) => ({ node: chunks[i]!, chunk: i }));
  return {
    chunks,
    carried,
    targets,
    chunkAt: (index) => chunkAt(chunks, index),
    save(facts) {
      if (!keepers.has(tree)) return;
      let kinds = stores.get(tree);
      if (!kinds) stores.set(tree, (kinds = new Map()));
      kinds.set(kind, {
        chunks: chunks.map((c) => ({ id: c.id, startIndex: c.startIndex, row: c.startPosition.row, column: c.startPosition.column })),
        // Kept detached from this tree: facts that held its nodes would keep it, its text and
        // every cache keyed on it alive for as long as the statement is carried.
        facts: facts.map((f, i) => (carried[i] ? bases[i] : detach(f))),
        shifts,
      });
      // The old tree's facts are not needed again: it is deleted once this analysis is over.
      if (old) stores.get(old)?.delete(kind);
    },
  };
}

/** Where the top-level statement holding offset `index` starts (0 before the first). */
export function statementStart(tree: Tree, index: number): number {
  const chunks = chunksOf(tree);
  const i = chunkAt(chunks, index);
  return i < 0 ? 0 : chunks[i]!.startIndex;
}

/** The last chunk starting at or before `index` (chunks are sorted and do not overlap). */
function chunkAt(chunks: readonly Node[], index: number): number {
  let lo = 0;
  let hi = chunks.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (chunks[mid]!.startIndex <= index) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * Builds moved nodes: a plain constructor whose prototype derives from web-tree-sitter's node
 * class (set on first use), so every moved node gets one hidden class and allocation stays cheap.
 * It sets the same own fields as web-tree-sitter's constructor, plus the node's end and type.
 */
const MovedNode = function (this: MutableNode, src: MutableNode, s: Shift): void {
  const pos = src.startPosition;
  this[0] = src[0];
  this._children = undefined;
  this._namedChildren = undefined;
  this.id = src.id;
  this.tree = s.tree;
  this.startIndex = src.startIndex + s.dIndex;
  this.startPosition = { row: pos.row + s.dRow, column: pos.row === s.firstRow ? pos.column + s.dCol : pos.column };
  this.movedEnd = src.endIndex + s.dIndex;
  this.movedTypeId = src.typeId;
} as unknown as { new (src: MutableNode, s: Shift): MutableNode; prototype: object };
let prototypeSet = false;

/**
 * The node of the new tree that `node` (of a reused chunk of the old tree) has become: the same
 * subtree id, at the moved position. Built without a parser call, since the subtree is shared.
 *
 * Its end and type are known without one too: a shared subtree keeps its length and kind. Moved
 * nodes are most of the nodes an edit's analysis reads (every statement it did not touch), and
 * their end (for containment tests and their text) and type were two calls into the parser each
 * time a rule asked, thousands per keystroke in a 5,000-line file.
 */
export function moveNode(node: Node, s: Shift): Node {
  if (!prototypeSet) {
    // From a node of the tree, not from `node`, which may be detached (a plain record).
    MovedNode.prototype = Object.create(Object.getPrototypeOf(s.tree.rootNode) as object, {
      endIndex: {
        get(this: MutableNode) {
          return this.movedEnd;
        },
      },
      typeId: {
        get(this: MutableNode) {
          return this.movedTypeId;
        },
      },
    }) as object;
    prototypeSet = true;
  }
  return new MovedNode(node as unknown as MutableNode, s) as unknown as Node;
}

/**
 * A node's place without its tree: what {@link moveNode} reads (id, offset, position, alias, end,
 * type), so facts kept for the next edit do not keep the tree they were read from. Not a usable
 * node. The end and type are read now: by the next edit the old tree has been edited.
 */
export function detachNode(node: Node): Node {
  const src = node as unknown as MutableNode;
  const pos = node.startPosition;
  return { 0: src[0], id: src.id, startIndex: src.startIndex, startPosition: { row: pos.row, column: pos.column }, endIndex: node.endIndex, typeId: node.typeId } as unknown as Node;
}

/** {@link moveNode} for a node that may be absent. */
export function moveOpt(node: Node | null, s: Shift): Node | null {
  return node ? moveNode(node, s) : null;
}

/** A web-tree-sitter node's own fields (its class declares them internal). */
interface MutableNode {
  0: number;
  _children: unknown;
  _namedChildren: unknown;
  id: number;
  startIndex: number;
  startPosition: Point;
  tree: Tree;
  /** Read from a moved node's source (a detached record or a node): see {@link moveNode}. */
  readonly endIndex: number;
  readonly typeId: number;
  /** A moved node's own end and type. */
  movedEnd: number;
  movedTypeId: number;
}

/**
 * Answers about a node that depend only on the top-level statement holding it (its ancestors up
 * to that statement, the functions nested there), carried across edits with the statement like
 * its facts (`chunkPlan`): a statement an edit did not touch is the same subtree, so it has the
 * same shape and the same answers, wherever it moved. Per statement, then per question; a node
 * is named by its offset from the statement's start, which a move does not change.
 *
 * They were kept by the statement's text until this round; finding each statement's entry hashed
 * and compared its text once per question and keystroke, 1.7 ms of a 5,000-line file's keystroke.
 */
type StatementMemo = Map<string, Map<number, unknown>>;
/** Per tree: each statement's memo and end (by statement index; an end is read once, from the parser). */
const statementSlots = new WeakMap<Tree, { memos: StatementMemo[]; ends: number[] }>();

const sameMemo = (m: StatementMemo): StatementMemo => m;

function statementSlotsOf(tree: Tree): { memos: StatementMemo[]; ends: number[] } {
  let slots = statementSlots.get(tree);
  if (!slots) {
    // By every top-level statement, as `statementMemo` finds them (comments included).
    const plan = chunkPlan<StatementMemo>(tree, 'statement-memo', sameMemo, sameMemo, { comments: true });
    // `carried` has holes where nothing was carried, which `map` would skip.
    const memos = Array.from(plan.carried, (m) => m ?? new Map<string, Map<number, unknown>>());
    // Saved now and filled as the analysis asks: the next edit carries the same maps.
    plan.save(memos);
    slots = { memos, ends: new Array<number>(memos.length).fill(-1) };
    statementSlots.set(tree, slots);
  }
  return slots;
}

/**
 * Forgets which memos belong to a tree whose analysis is over (the next edit's tree finds them
 * through the tree's chunk records). A `WeakMap` entry outlives young-generation collections for
 * as long as it exists, whatever its key (see `ownedMemo.ts`), so it is deleted rather than left
 * for its tree to die.
 */
export function forgetStatementSlots(tree: Tree): void {
  statementSlots.delete(tree);
}

/**
 * `compute()`, an answer about `node` (a function; one per offset) that depends only on its
 * top-level statement, memoised as described above.
 */
export function statementMemo<T>(question: string, node: Node, compute: () => T): T {
  const tree = node.tree;
  // Only the editor's trees meet their statements again: a scan reads each file once.
  if (!keepers.has(tree)) return compute();
  const chunks = chunksOf(tree);
  const i = chunkAt(chunks, node.startIndex);
  const chunk = i >= 0 ? chunks[i] : undefined;
  if (!chunk) return compute();
  const slots = statementSlotsOf(tree);
  if (slots.ends[i] === -1) slots.ends[i] = chunk.endIndex;
  // A node outside every statement (text after the last one) is asked directly.
  if (node.startIndex >= slots.ends[i]!) return compute();
  const byQuestion = slots.memos[i]!;
  let memo = byQuestion.get(question);
  if (!memo) byQuestion.set(question, (memo = new Map()));
  const rel = node.startIndex - chunk.startIndex;
  if (memo.has(rel)) return memo.get(rel) as T;
  const value = compute();
  memo.set(rel, value);
  return value;
}
