/**
 * Intra-file data-flow for the review rules: which names in a function hold the value an
 * expression produced. It is deliberately simple and fast: names, not memory locations; one
 * function scope at a time; assignments, destructuring, awaits, member access, loop variables
 * (`for await (const chunk of stream)`, `for c in stream`), callbacks on a tracked receiver
 * (`stream.on('data', chunk => ...)`, `.then(r => ...)`) and string building all carry the value
 * along because an expression counts as carrying it when it mentions a carrying name.
 *
 * Order matters only loosely: a name carries the value from the first assignment that gave it
 * the value onward, so a sink above that assignment does not count.
 */
import type { Node } from 'web-tree-sitter';
import { type FileIndex, type FunctionInfo, contains, enclosingFunction, nodeOfAssign, nodeOfCall, nodeOfLoop, nodeSelf, within } from './ast';

export interface Flow {
  /** The function the value lives in (null: module level). */
  fn: FunctionInfo | null;
  /** The scope node searched (function node or the tree root). */
  scope: Node;
  /** The node that produced the value (a generation call, or a call to a same-file function returning it). */
  seed: Node;
  /** Names holding the value, with the offset from which they hold it. */
  names: Map<string, number>;
  /** Return / yield statements (or expression bodies) of `fn` that give the value back. */
  returns: Node[];
}

const IDENT = /[A-Za-z_$\u4e00-\u9fff][\w$\u4e00-\u9fff]*/g;
/** Members of a generation result that describe it rather than carry its content. */
const METADATA_MEMBER = /^\s*(?:\?\.|\.)\s*(?:length|size|usage|id|model|created|created_at|status|status_code|statusCode|finish_reason|finishReason|object|system_fingerprint|headers|request_id|requestId|elapsed|total_tokens|prompt_tokens|completion_tokens)\b(?!\s*[[(]|\s*\.\s*(?:choices|content|text|data|output))/;
/** Calls that measure a value rather than pass it on. */
const MEASURING_CALL = /(?:\blen|\bcount_tokens|\bcountTokens|\bhash|\bNumber|\bBoolean|\bbool|\bint|\bfloat|\bisinstance|\bsha256|\bmd5|\btypeof)\s*\(\s*$|\btypeof\s+$/;

/** True when `expr` carries the flow's value at its position. */
export function carries(flow: Flow, expr: Node): boolean {
  if (contains(expr, flow.seed)) return true;
  if (flow.names.size === 0) return false;
  const text = expr.text;
  IDENT.lastIndex = 0;
  for (let m = IDENT.exec(text); m; m = IDENT.exec(text)) {
    const since = flow.names.get(m[0]);
    if (since === undefined || since > expr.startIndex) continue;
    // `obj.text` mentions the property `text`, not the variable `text`.
    const before = text[m.index - 1];
    if (before === '.' && text[m.index - 2] !== '.') continue;
    // Quoted words are data, not references.
    if (inQuotes(text, m.index)) continue;
    // Facts about the value are not the value: `text.length`, `len(text)`, `completion.usage`.
    if (METADATA_MEMBER.test(text.slice(m.index + m[0].length, m.index + m[0].length + 40))) continue;
    if (MEASURING_CALL.test(text.slice(Math.max(0, m.index - 24), m.index))) continue;
    return true;
  }
  return false;
}

function inQuotes(text: string, at: number): boolean {
  // A stack of open quotes ('"', "'", '`', 'f"', "f'") and code interpolations ('{'), so
  // `${x}` in template literals and `{x}` in Python f-strings count as code.
  const stack: string[] = [];
  for (let i = 0; i < at; i++) {
    const c = text[i]!;
    const top = stack[stack.length - 1];
    if (top !== undefined && top !== '{') {
      const q = top[top.length - 1];
      if (c === '\\') i++;
      else if (c === q) stack.pop();
      else if (top === '`' && c === '$' && text[i + 1] === '{') {
        stack.push('{');
        i++;
      } else if (top.startsWith('f') && c === '{') {
        if (text[i + 1] === '{') i++;
        else stack.push('{');
      }
      continue;
    }
    if (c === '"' || c === "'" || c === '`') stack.push(/[fF][rRbB]?$|[rRbB][fF]$/.test(text.slice(Math.max(0, i - 2), i)) ? `f${c}` : c);
    else if (c === '{') stack.push('{');
    else if (c === '}' && top === '{') stack.pop();
  }
  const top = stack[stack.length - 1];
  return top !== undefined && top !== '{';
}

/** Builds the flow of the value `seed` produces within its enclosing function. */
export function flowFrom(seed: Node, idx: FileIndex, root: Node): Flow {
  const fn = enclosingFunction(seed, idx);
  const scope = fn?.node ?? root;
  const flow: Flow = { fn, scope, seed, names: new Map(), returns: [] };
  const assigns = within(idx.assigns, scope.startIndex, scope.endIndex, nodeOfAssign);
  const loops = within(idx.loops, scope.startIndex, scope.endIndex, nodeOfLoop);
  const callbacks = within(idx.calls, scope.startIndex, scope.endIndex, nodeOfCall).filter((c) => c.receiver && c.args.some((a) => idx.fnById.has(a.id)));
  const add = (name: string, at: number): boolean => {
    const prev = flow.names.get(name);
    if (prev !== undefined && prev <= at) return false;
    flow.names.set(name, at);
    return true;
  };
  // A few rounds reach a fixed point for realistic functions (each round follows one more hop
  // through assignments that appear out of order, e.g. inside loops).
  for (let round = 0; round < 4; round++) {
    let changed = false;
    for (const a of assigns) {
      if (carries(flow, a.value)) for (const t of a.targets) changed = add(t, a.node.startIndex) || changed;
    }
    for (const l of loops) {
      if (carries(flow, l.iter)) for (const v of l.vars) changed = add(v, l.node.startIndex) || changed;
    }
    for (const c of callbacks) {
      if (!carries(flow, c.receiver!) && !c.args.some((a) => !idx.fnById.has(a.id) && carries(flow, a))) continue;
      for (const a of c.args) {
        const f = idx.fnById.get(a.id);
        if (f) for (const p of f.params) changed = add(p, a.startIndex) || changed;
      }
    }
    if (!changed) break;
  }
  for (const r of within(idx.returns, scope.startIndex, scope.endIndex, nodeSelf)) {
    if (enclosingFunction(r, idx) !== fn) continue;
    if (carries(flow, r)) flow.returns.push(r);
  }
  // Arrow functions with an expression body return it.
  if (fn?.body && fn.body.type !== 'statement_block' && fn.body.type !== 'block' && carries(flow, fn.body)) flow.returns.push(fn.body);
  return flow;
}

/** Same-file calls of `fn` (by name; `this.f`/`self.f` included), the places a returned value goes next. */
export function callersOf(fn: FunctionInfo, idx: FileIndex): Node[] {
  const name = fn.name;
  if (!name || !/^[A-Za-z_$][\w$]*$/.test(name)) return [];
  const out: Node[] = [];
  for (const c of idx.calls) {
    // Bare names and `this.`/`self.` methods only: `client.create(...)` is not a call of a local `create`.
    if ((c.callee === name || c.callee === `this.${name}` || c.callee === `self.${name}` || c.callee === `cls.${name}`) && !contains(fn.node, c.node)) out.push(c.node);
  }
  return out;
}
