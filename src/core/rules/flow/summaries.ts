/**
 * Per-function facts for following generated content across functions in one file: which
 * parameter a call's argument lands in, and which same-file function a call reaches. They are
 * computed on first use and memoised per file index, so following a value through N calls costs
 * N map lookups rather than N walks of the file.
 *
 * The flow itself (`missingLabel.ts`) uses these to build Pysa-style summaries lazily: a
 * function's flow is computed once per kind of entry (its generation calls, a parameter a caller
 * passes generated content to, a call of a function that returns it), and what it finds (exits
 * reached, values returned, arguments passed on) is reused for every caller.
 */
import type { Node } from 'web-tree-sitter';
import { type CallInfo, type FileIndex, type FunctionInfo, argumentStarts, contains, enclosingFunction, functionNamed, patternNames } from './ast';
import { OwnedMemo } from '../../analysis/ownedMemo';

const positional = new OwnedMemo<FunctionInfo, string[][]>();

/** The names each declared parameter binds, by position (`({ a, b }, c)` gives `[[a, b], [c]]`). */
export function parameterNames(fn: FunctionInfo): string[][] {
  let out = positional.get(fn);
  if (out) return out;
  out = [];
  const params = fn.node.childForFieldName('parameters') ?? fn.node.childForFieldName('parameter');
  if (params?.type === 'identifier') out.push([params.text]);
  else if (params) {
    for (const p of params.namedChildren) {
      if (!p || p.type === 'comment') continue;
      if (p.type === 'identifier') {
        out.push([p.text]);
        continue;
      }
      // Go declares several names of one type together (`a, b string`): one position each.
      const goNames = p.type === 'parameter_declaration' ? p.childrenForFieldName('name').filter((n): n is Node => !!n) : [];
      if (goNames.length > 1) {
        for (const n of goNames) out.push([n.text]);
        continue;
      }
      const n = p.childForFieldName('pattern') ?? p.childForFieldName('name');
      if (n) out.push(patternNames(n));
      else if (p.namedChild(0)?.type === 'identifier') out.push([p.namedChild(0)!.text]);
      else out.push([]);
    }
  }
  positional.set(fn, out);
  return out;
}

/** The same-file function a call reaches by name (`helper(x)`, `self.helper(x)`, `this.helper(x)`). */
export function calleeFunction(c: CallInfo, idx: FileIndex): FunctionInfo | undefined {
  if (!/^(?:(?:this|self|cls)\.)?[A-Za-z_$][\w$]*$/.test(c.callee)) return undefined;
  const f = functionNamed(idx, c.name);
  return f && f.body ? f : undefined;
}

/**
 * The parameter names of `fn` that receive the call's argument `arg` (positional or keyword).
 * A Python method called through `self.`/an object skips its `self`/`cls` parameter.
 */
export function paramsForArgument(fn: FunctionInfo, c: CallInfo, arg: Node): readonly string[] {
  return paramsReceiving(parameterNames(fn), c, arg);
}

/**
 * The same for a function known only by its parameter names by position (`parameterNames`), as
 * a function of another file is known from a summary.
 */
export function paramsReceiving(byPos: readonly (readonly string[])[], c: CallInfo, arg: Node): readonly string[] {
  for (const [k, v] of c.kwargs) if (v.id === arg.id) return byPos.some((names) => names.includes(k)) ? [k] : [];
  const i = c.args.findIndex((a) => a.id === arg.id);
  if (i < 0) return [];
  const offset = byPos[0]?.length === 1 && (byPos[0][0] === 'self' || byPos[0][0] === 'cls') ? 1 : 0;
  return byPos[i + offset] ?? [];
}

/** Per index: for each offset where an argument starts, the (call, argument) positions there, flattened. */
const argumentsByStart = new OwnedMemo<FileIndex, Map<number, number[]>>();

/**
 * Calls that take the function by name as an argument (`await run_in_threadpool(infer)`,
 * `loop.run_in_executor(None, render)`, `pool.submit(work)`): like a lambda given to a call,
 * what the function returns becomes that call's result. The name's occurrences in the file's
 * `text` are looked up among where arguments start (one pass over the calls, reading positions
 * only), and only the arguments found there are read; calls inside the function itself are not
 * its callers.
 */
export function callsTakingByName(fn: FunctionInfo, idx: FileIndex, text: string): Node[] {
  const name = fn.name;
  if (!name) return [];
  let byStart = argumentsByStart.get(idx);
  if (!byStart) {
    byStart = new Map();
    for (let ci = 0; ci < idx.calls.length; ci++) {
      const starts = argumentStarts(idx.calls[ci]!);
      for (let ai = 0; ai < starts.length; ai++) {
        const list = byStart.get(starts[ai]!);
        if (list) list.push(ci, ai);
        else byStart.set(starts[ai]!, [ci, ai]);
      }
    }
    argumentsByStart.set(idx, byStart);
  }
  const hits: [number, number][] = [];
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
    const here = byStart.get(at);
    if (!here) continue;
    for (let k = 0; k < here.length; k += 2) {
      const c = idx.calls[here[k]!]!;
      const ai = here[k + 1]!;
      const a = ai < c.args.length ? c.args[ai]! : [...c.kwargs.values()][ai - c.args.length]!;
      if (a.type === 'identifier' && a.text === name) hits.push([here[k]!, ai]);
    }
  }
  // In the order of the file's calls, then of their arguments, as a pass over every call finds them.
  hits.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const passing = hits.map(([ci]) => idx.calls[ci]!.node);
  // The function is visible in the scope that defines it: calls elsewhere name something else.
  const scope = enclosingFunction(fn.node, idx)?.node;
  return passing.filter((n) => !contains(fn.node, n) && (!scope || contains(scope, n)));
}
