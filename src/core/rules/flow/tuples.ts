/**
 * Tuple-return summaries: which positions of the tuples a Python function returns carry what one
 * of its parameters held on entry. Media code returns the image with its sizes, counters and
 * progress (`return image, latent, width, height, progress`); a caller that unpacks the call
 * (`image, latent, w, h, progress = vary(task, image, progress)`) then passes the content on only
 * in the names at those positions, so printing a counter or a size is not taken for showing the
 * content. Without a summary every name bound by the unpacking carries the value, as before.
 *
 * A summary is one flow of the function with the parameter as its only source, memoised per file
 * index, function and parameter; at most `MAX_PARAMS` parameters of a function are summarised,
 * so the work is bounded by a constant times the file's size. Calls the function itself unpacks
 * use the same summaries (a call being summarised counts as unknown, which ends recursion).
 */
import type { Node } from 'web-tree-sitter';
import { type FileIndex, type FunctionInfo, callInfoOf, enclosingFunction, nodeSelf, within } from './ast';
import { calleeFunction, parameterNames, paramsForArgument, paramsReceiving } from './summaries';
import { type Flow, type TupleHook, carries, flowFromSeeds, sourceOf } from './taint';
import { OwnedMemo } from '../../analysis/ownedMemo';

/** Parameters of one function that get a summary; further ones are treated as unknown. */
const MAX_PARAMS = 8;

/** Positions per parameter, `null` when not known (returned whole, a generator), `'busy'` while computed. */
type Entry = readonly number[] | null | 'busy';
const memo = new OwnedMemo<FileIndex, Map<number, Map<string, Entry>>>();

/**
 * The tuple positions of `fn`'s returns that carry parameter `param`, or undefined when the
 * function returns anything other than written-out tuples where the parameter reaches them
 * (a whole value, a yield, a starred item): then the caller keeps every name.
 */
export function tuplePositions(fn: FunctionInfo, param: string, idx: FileIndex, root: Node): readonly number[] | undefined {
  let byFn = memo.get(idx);
  if (!byFn) {
    byFn = new Map();
    memo.set(idx, byFn);
  }
  let byParam = byFn.get(fn.node.id);
  if (!byParam) {
    byParam = new Map();
    byFn.set(fn.node.id, byParam);
  }
  const known = byParam.get(param);
  if (known !== undefined) return known === 'busy' || known === null ? undefined : known;
  if (byParam.size >= MAX_PARAMS || !fn.body || (fn.body.type !== 'block' && fn.body.type !== 'statement_block')) return undefined;
  byParam.set(param, 'busy');
  const flow = flowFromSeeds([], [{ name: param, source: 0 }], fn, idx, root, [], undefined, sameFileTuples(idx, root));
  const out = positionsReturned(flow, fn, idx);
  byParam.set(param, out ?? null);
  return out;
}

function positionsReturned(flow: Flow, fn: FunctionInfo, idx: FileIndex): readonly number[] | undefined {
  const out = new Set<number>();
  for (const r of within(idx.returns, fn.node.startIndex, fn.node.endIndex, nodeSelf)) {
    if (enclosingFunction(r, idx) !== fn) continue;
    // A generator's values are not a tuple the caller unpacks.
    if (r.type !== 'return_statement') return undefined;
    const expr = r.namedChild(0);
    if (!expr) continue;
    if (expr.type !== 'expression_list' && expr.type !== 'tuple') {
      if (carries(flow, expr)) return undefined;
      continue;
    }
    const items = expr.namedChildren;
    if (items.some((n) => !n || n.type === 'list_splat')) return undefined;
    items.forEach((item, i) => {
      if (item && carries(flow, item)) out.add(i);
    });
  }
  return [...out].sort((a, b) => a - b);
}

/** A function of another file as the hook needs it: its parameters by position and their summaries. */
export interface ForeignTuples {
  params: readonly (readonly string[])[];
  /** Positions per parameter name; a name absent or `null` is not known. */
  positions: Readonly<Record<string, readonly number[] | null>>;
}

/** Summaries of the parameters of `fn` (the first `MAX_PARAMS`), for use from another file. */
export function foreignTuplesOf(fn: FunctionInfo, idx: FileIndex, root: Node): ForeignTuples {
  const params = parameterNames(fn);
  const positions: Record<string, readonly number[] | null> = {};
  for (const name of params.flat().slice(0, MAX_PARAMS)) positions[name] = tuplePositions(fn, name, idx, root) ?? null;
  return { params, positions };
}

const hooks = new OwnedMemo<FileIndex, TupleHook>();

/** The hook for unpacked calls of same-file functions, one per file index. */
export function sameFileTuples(idx: FileIndex, root: Node): TupleHook {
  let h = hooks.get(idx);
  if (!h) {
    h = tupleHook(idx, root, undefined);
    hooks.set(idx, h);
  }
  return h;
}

/**
 * The hook for a file: same-file functions by their summaries, and calls of functions of other
 * project files (by call node id) by the summaries read from those files.
 */
export function tupleHook(idx: FileIndex, root: Node, foreign: ReadonlyMap<number, ForeignTuples> | undefined): TupleHook {
  return (call, flow) => {
    const c = callInfoOf(idx, call);
    if (!c) return undefined;
    const fn = calleeFunction(c, idx);
    const other = fn ? undefined : foreign?.get(call.id);
    if (!fn && !other) return undefined;
    const paramsOf = (arg: Node): readonly string[] => (fn ? paramsForArgument(fn, c, arg) : paramsReceiving(other!.params, c, arg));
    const positionsOf = (name: string): readonly number[] | undefined => (fn ? tuplePositions(fn, name, idx, root) : other!.positions[name] ?? undefined);
    const out = new Set<number>();
    let passed = false;
    for (const arg of [...c.args, ...c.kwargs.values()]) {
      if (sourceOf(flow, arg) < 0) continue;
      passed = true;
      if (arg.type === 'list_splat' || arg.type === 'dictionary_splat') return undefined;
      const names = paramsOf(arg);
      if (names.length === 0) return undefined;
      for (const name of names) {
        const p = positionsOf(name);
        if (!p) return undefined;
        for (const i of p) out.add(i);
      }
    }
    // The value reaches the call other than through an argument (its receiver): not summarised.
    if (!passed) return undefined;
    return [...out].sort((a, b) => a - b);
  };
}
