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
import { type CallInfo, type FileIndex, type FunctionInfo, callInfoOf, contains, enclosingFunction, keyedLiteralOf, nodeOfAssign, nodeOfCall, nodeOfLoop, nodeSelf, within } from './ast';
import { MEMORY_BUFFERS } from './catalog';
import { OwnedMemo } from '../../analysis/ownedMemo';

export interface Flow {
  /** The function the value lives in (null: module level). */
  fn: FunctionInfo | null;
  /** The scope node searched (function node or the tree root). */
  scope: Node;
  /** The first node that produced the value (a generation call, or a call to a same-file function returning it). */
  seed: Node;
  /**
   * Every expression producing a tracked value in this scope, sorted by position. One flow
   * follows all the generation calls of a function at once, so the work per function does not
   * grow with the number of calls in it.
   */
  seeds: Node[];
  /** Names holding the value, with the offset from which they hold it. */
  names: Map<string, number>;
  /** For each name, the index of the source it holds (into `seeds`, then the parameter sources). */
  origin: Map<string, number>;
  /** Return / yield statements (or expression bodies) of `fn` that give the value back. */
  returns: Node[];
  /**
   * In-memory buffers of the scope (`buf = io.BytesIO()`) and the writers opened on them
   * (`with wave.open(buf, "wb") as wf`), each with the buffer it writes to: content written into
   * one is held by the buffer, and a write into one is not an exit of the program.
   */
  buffers: ReadonlyMap<string, string>;
}

/**
 * For a call on the right of an unpacking assignment, the tuple positions of its result that carry
 * the flow's value (from a summary of the called function), or undefined when not known (then
 * every name bound carries it).
 */
export type TupleHook = (call: Node, flow: Flow) => readonly number[] | undefined;

/** A parameter of the flow's function that holds a tracked value on entry (from a caller). */
export interface ParamSource {
  name: string;
  /** The source index reported for values derived from it (after the expression seeds). */
  source: number;
}

/**
 * A path expression a call wrote generated content to (`file_path=tmp.name` of a TTS call that
 * writes its own output): its root name holds the generated file from offset `after` onward, so
 * returning or passing on the path passes on the content (names, not memory locations).
 */
export interface WrittenPath {
  path: Node;
  after: number;
  source: number;
}

/** Steps spent by `flowFromSeeds` and `carries` (tests assert that the work grows linearly). */
export const flowSteps = { count: 0 };

const IDENT = /[A-Za-z_$\u4e00-\u9fff][\w$\u4e00-\u9fff]*/g;
/** Members of a generation result that describe it rather than carry its content. */
const METADATA_MEMBER = /^\s*(?:\?\.|\.)\s*(?:length|size|usage|id|type|model|created|created_at|status|status_code|statusCode|finish_reason|finishReason|object|system_fingerprint|headers|request_id|requestId|elapsed|total_tokens|prompt_tokens|completion_tokens|error|error_message|errorMessage)\b(?!\s*[[(]|\s*\.\s*(?:choices|content|text|data|output))/;
/**
 * The same facts read through Java accessors, bean style or record style (`messages.size()`,
 * `reply.isEmpty()`, `response.getMetadata()`, `result.errorMessage()`): an error message comes
 * from the service, not from the model.
 */
const METADATA_ACCESSOR = /^\s*\.\s*(?:size|length|isEmpty|isBlank|hashCode|isSuccess|hasError|getUsage|getMetadata|getId|getModel|getStatus|getStatusCode|getFinishReason|getError|getErrorMessage|usage|metadata|finishReason|statusCode|error|errorMessage)\s*\(\s*\)/;
/**
 * Facts about an array or tensor, also read through subscripts and attributes (`image.shape[0]`,
 * `latent["samples"].shape`, `task.image.shape[:2]`, `boxes.size(0)`, `x.dtype`): its dimensions
 * and type, not its content.
 */
const ARRAY_METADATA = /^(?:\s*\[[^\]\n]{0,40}\]|\s*\.\s*[A-Za-z_]\w*(?=\s*[.[]))*\s*\.\s*(?:shape|dtype|ndim|device|nbytes|size\s*\(\s*-?\d*\s*\))(?![\w$(])/;
/** Calls that measure a value rather than pass it on. */
const MEASURING_CALL = /(?:\blen|\bcount_tokens|\bcountTokens|\bhash|\bNumber|\bBoolean|\bbool|\bint|\bfloat|\bisinstance|\bsha256|\bmd5|\btypeof)\s*\(\s*$|\btypeof\s+$/;

/** Methods that add their argument to the receiving collection or buffer. */
const COLLECTING = /^(?:append|appendleft|extend|push|unshift|add|addAll|insert)$/;
const PLAIN_NAME = /^[A-Za-z_$][\w$]*$/;
/** A member or element read rooted at a plain name (`chats[i].messages`, `state.items`): its root. */
const VIEW_BASE = /^([A-Za-z_$][\w$]*)\s*(?:\?\.|\.|\[)(?:[^()]*)$/;
/** Assignments that write an existing variable (not declarations): JS `x = v`/`x += v`, Go `x = v`. */
const CLOSURE_ASSIGN = new Set(['assignment_expression', 'augmented_assignment_expression', 'assignment_statement']);

/** True when `expr` carries the flow's value at its position. */
export function carries(flow: Flow, expr: Node): boolean {
  return sourceOf(flow, expr) >= 0;
}

/** The first seed lying within `expr` (binary search over the sorted seeds), or -1. */
function seedWithin(flow: Flow, expr: Node): number {
  const seeds = flow.seeds;
  let lo = 0;
  let hi = seeds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (seeds[mid]!.startIndex < expr.startIndex) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < seeds.length && seeds[i]!.startIndex < expr.endIndex; i++) {
    if (seeds[i]!.endIndex <= expr.endIndex) return i;
  }
  return -1;
}

/**
 * Names of an asynchronous job's handle (`task_id`, `jobId`, `prediction_id`, `request_ids`):
 * what a request sends to poll the provider for the result, not the content itself.
 */
const HANDLE_NAME = /^(?:[A-Za-z]*_)?(?:task|job|request|prediction|generation|run)_?[Ii]ds?$/;

/**
 * Whether `expr` carries the content itself rather than only a job's handle derived from it (see
 * {@link HANDLE_NAME}): a request that sends `{"task_ids": [task_id]}` polls the job, it does
 * not send the content anywhere.
 */
export function carriesContent(flow: Flow, expr: Node): boolean {
  return sourceOf(flow, expr, HANDLE_NAME) >= 0;
}

/** Which source `expr` carries at its position (a seed index or a parameter source), or -1; names matching `skip` do not count. */
export function sourceOf(flow: Flow, expr: Node, skip?: RegExp): number {
  flowSteps.count++;
  const inside = seedWithin(flow, expr);
  if (inside >= 0) return inside;
  if (flow.names.size === 0) return -1;
  const text = expr.text;
  IDENT.lastIndex = 0;
  for (let m = IDENT.exec(text); m; m = IDENT.exec(text)) {
    flowSteps.count++;
    const since = flow.names.get(m[0]);
    if (since === undefined || since > expr.startIndex) continue;
    if (skip?.test(m[0])) continue;
    // `obj.text` mentions the property `text`, not the variable `text`.
    const before = text[m.index - 1];
    if (before === '.' && text[m.index - 2] !== '.') continue;
    // Quoted words are data, not references.
    if (inQuotes(text, m.index)) continue;
    // Facts about the value are not the value: `text.length`, `len(text)`, `completion.usage`.
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 80);
    if (METADATA_MEMBER.test(after.slice(0, 40)) || METADATA_ACCESSOR.test(after.slice(0, 40)) || ARRAY_METADATA.test(after)) continue;
    if (MEASURING_CALL.test(text.slice(Math.max(0, m.index - 24), m.index))) continue;
    return flow.origin.get(m[0]) ?? 0;
  }
  return -1;
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
  return flowFromSeeds([seed], [], enclosingFunction(seed, idx), idx, root);
}

/**
 * Builds one flow for every value produced in `fn` (or at module level): the seeds are
 * expressions of that scope, the parameters hold a value passed in by a caller. Each name
 * remembers which source it came from, so a finding can name its generation call.
 */
export function flowFromSeeds(seedList: readonly Node[], params: readonly ParamSource[], fn: FunctionInfo | null, idx: FileIndex, root: Node, written: readonly WrittenPath[] = [], elements?: ReadonlyMap<number, readonly number[]>, tuples?: TupleHook): Flow {
  const scope = fn?.node ?? root;
  const seeds = [...seedList].sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
  const assigns = within(idx.assigns, scope.startIndex, scope.endIndex, nodeOfAssign);
  const buffers = memoryBuffers(idx, assigns);
  const flow: Flow = { fn, scope, seed: seeds[0] ?? scope, seeds, names: new Map(), origin: new Map(), returns: [], buffers };
  for (const p of params) {
    flow.names.set(p.name, scope.startIndex);
    flow.origin.set(p.name, p.source);
  }
  const loops = within(idx.loops, scope.startIndex, scope.endIndex, nodeOfLoop);
  const scopeCalls = within(idx.calls, scope.startIndex, scope.endIndex, nodeOfCall);
  const callbacks = scopeCalls.filter((c) => c.receiver && c.args.some((a) => idx.fnById.has(a.id)));
  // Functions handed to a call that produces the value (`api.send(msg, { onProgress: (p) => ... })`,
  // `chatReply({ message, process: (chunk) => res.write(chunk) })`): what they receive is the
  // content, streamed or finished, so their parameters hold it.
  const seedIds = new Set(seeds.map((n) => n.id));
  const handed: { call: Node; fns: FunctionInfo[] }[] = [];
  for (const c of scopeCalls) {
    if (!seedIds.has(c.node.id)) continue;
    const fns: FunctionInfo[] = [];
    for (const a of c.args) {
      const f = idx.fnById.get(a.id);
      if (f) fns.push(f);
      else if (a.type === 'object') {
        for (const e of keyedLiteralOf(idx, a)?.entries ?? []) {
          const g = e.value ? idx.fnById.get(e.value.id) : undefined;
          if (g) fns.push(g);
        }
      }
    }
    if (fns.length) handed.push({ call: c.node, fns });
  }
  // A collection a statement adds the value to (`replies.append(text)`, `parts.push(chunk)`,
  // `sb.append(token)`) holds it from then on, as an assignment would.
  const collects = scopeCalls.filter((c) => c.receiver && c.args.length > 0 && COLLECTING.test(c.name) && PLAIN_NAME.test(c.receiver.text) && c.node.parent?.type === 'expression_statement');
  // A statement that writes into an in-memory buffer (`sf.write(buf, wav, sr)`, `image.save(buf,
  // format="PNG")`, `buf.write(chunk)`, `wf.writeframes(pcm)` on a writer opened on `buf`) moves
  // the content into the buffer: the buffer holds it from then on, and it leaves where the buffer
  // does (`StreamingResponse(buf)`, `buf.getvalue()` returned).
  const bufferWrites = buffers.size === 0 ? [] : scopeCalls.filter((c) => c.node.parent?.type === 'expression_statement' && bufferTargets(flow, c).length > 0);
  const add = (name: string, at: number, source: number): boolean => {
    const prev = flow.names.get(name);
    if (prev !== undefined && prev <= at) return false;
    flow.names.set(name, at);
    flow.origin.set(name, source);
    return true;
  };
  // The path a generation call wrote its output to names the generated file from then on.
  for (const w of written) {
    const name = /^[A-Za-z_$][\w$]*/.exec(w.path.text)?.[0];
    if (name) add(name, w.after, w.source);
  }
  for (const h of handed) {
    const s = sourceOf(flow, h.call);
    if (s >= 0) for (const f of h.fns) for (const p of f.params) add(p, f.node.startIndex, s);
  }
  // An assignment to an outer variable from inside a nested function (`remainText += delta` in
  // a stream's message callback) runs later than the code around it, so the variable carries the
  // value in the whole scope: another closure (an animation loop, a timer) written above the
  // callback reads it. Declarations in the nested function (`const x = ...`) stay local.
  const closureWrite = new Set<number>();
  if (fn) for (const a of assigns) if (CLOSURE_ASSIGN.has(a.node.type) && enclosingFunction(a.node, idx) !== fn) closureWrite.add(a.node.id);
  // A name declared as a view into another object (`const msgs = chats[i].messages`) is the same
  // memory: writing generated content into a member of the view (`msgs[n].content += delta`)
  // changes the object it was read from, which the code then hands on (`setChats(chats)`).
  const viewOf = new Map<string, string>();
  for (const a of assigns) {
    if (a.node.type !== 'variable_declarator' || a.targets.length !== 1) continue;
    const base = VIEW_BASE.exec(a.value.text)?.[1];
    if (base && base !== a.targets[0]) viewOf.set(a.targets[0]!, base);
  }
  // A few rounds reach a fixed point for realistic functions (each round follows one more hop
  // through assignments that appear out of order, e.g. inside loops).
  for (let round = 0; round < 4; round++) {
    let changed = false;
    for (const a of assigns) {
      const s = sourceOf(flow, a.value);
      if (s < 0) continue;
      // Unpacking a call of a function whose tuple returns say which positions carry what its
      // arguments held (`img, w, h = vary(img)`) binds only those names.
      const only = elements?.get(a.value.id) ?? (tuples && a.value.type === 'call' && isUnpacking(a) && seedWithin(flow, a.value) < 0 ? tuples(a.value, flow) : undefined);
      const at = closureWrite.has(a.node.id) ? scope.startIndex : a.node.startIndex;
      for (const t of only ? unpacked(a, only) : a.targets) if (!goError(idx, a, t)) changed = add(t, at, s) || changed;
      // A member write into a view reaches the objects it views (a bounded chain of declarations).
      if (viewOf.size > 0 && a.targets.length === 1 && a.leftText !== a.targets[0]) {
        let base = viewOf.get(a.targets[0]!);
        for (let hop = 0; base !== undefined && hop < 4; hop++, base = viewOf.get(base)) changed = add(base, at, s) || changed;
      }
    }
    for (const l of loops) {
      const s = sourceOf(flow, l.iter);
      if (s >= 0) for (const v of loopVars(flow, l)) changed = add(v, l.node.startIndex, s) || changed;
    }
    for (const c of callbacks) {
      let s = sourceOf(flow, c.receiver!);
      for (const a of c.args) if (s < 0 && !idx.fnById.has(a.id)) s = sourceOf(flow, a);
      if (s < 0) continue;
      for (const a of c.args) {
        const f = idx.fnById.get(a.id);
        if (f) for (const p of f.params) changed = add(p, a.startIndex, s) || changed;
      }
    }
    for (const c of collects) {
      const s = c.args.reduce((found, a) => (found >= 0 ? found : sourceOf(flow, a)), -1);
      if (s >= 0) changed = add(c.receiver!.text, c.node.startIndex, s) || changed;
    }
    for (const c of bufferWrites) {
      let s = c.receiver ? sourceOf(flow, c.receiver) : -1;
      for (const a of [...c.args, ...c.kwargs.values()]) if (s < 0) s = sourceOf(flow, a);
      if (s >= 0) for (const b of bufferTargets(flow, c)) changed = add(b, c.node.startIndex, s) || changed;
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

/** Go's error result by convention (`reply, err := ask(q)`, `usage, respErr := ...`): the last of several names, named for an error. */
const GO_ERROR_NAME = /^(?:err|e)(?:[A-Z0-9_]\w*)?$|[a-z0-9]Err(?:or)?$/;

/**
 * A Go name that holds an error on its own (`err := json.Unmarshal(reply, &args)`, a call that
 * returns only an error). `e` alone is left out: a single `e` is as often an element or an event.
 */
const GO_LONE_ERROR_NAME = /^err(?:[A-Z0-9_]\w*)?$|[a-z0-9]Err(?:or)?$/;

/**
 * Whether `name` is the error result of a Go call: the last of several names, or a lone name
 * named for an error and given a call's result. It holds no content: the call's input reaches it
 * only as a failure to read that input, and the flow follows names, not scopes, so one `err`
 * tainted in an `if err := f(reply); err != nil` would taint every later `err` of the function.
 */
function goError(idx: FileIndex, a: FileIndex['assigns'][number], name: string): boolean {
  if (idx.family !== 'go') return false;
  if (a.targets.length > 1) return a.targets[a.targets.length - 1] === name && GO_ERROR_NAME.test(name);
  if (!GO_LONE_ERROR_NAME.test(name)) return false;
  // `err := json.Unmarshal(reply, &v)`: Go's right-hand side is a list, here of one call.
  const value = a.value.type === 'expression_list' && a.value.namedChildCount === 1 ? a.value.namedChild(0) : a.value;
  return value?.type === 'call_expression';
}

/** A file mode that writes (`"wb"`, `'w'`, `"a"`, `"x+"`), quotes included. */
const WRITE_MODE = /^['"][rbt+]*[wax][bt+]*['"]$/;
/** Calls named for the writer they open (`imageio.get_writer`, `csv.writer`, `pd.ExcelWriter`). */
const WRITER_CALL = /writer$/i;

/**
 * The in-memory buffers made in a scope (a constructor of `MEMORY_BUFFERS`: `io.BytesIO()`) and
 * the writers opened on one (a call given the buffer and a writing mode, or named for a writer,
 * bound by an assignment or a `with` item after it), each mapped to its buffer. One pass over the
 * scope's assignments.
 */
export function memoryBuffers(idx: FileIndex, assigns: readonly FileIndex['assigns'][number][]): Map<string, string> {
  const out = new Map<string, string>();
  const ctor = MEMORY_BUFFERS[idx.family];
  if (!ctor) return out;
  for (const a of assigns) {
    if (a.targets.length !== 1 || !/call|creation/.test(a.value.type)) continue;
    const c = callInfoOf(idx, a.value);
    if (!c) continue;
    if (ctor.test(c.callee)) {
      out.set(a.targets[0]!, a.targets[0]!);
      continue;
    }
    if (out.size === 0 || out.has(a.targets[0]!)) continue;
    const given = [...c.args, ...c.kwargs.values()].find((x) => x.type === 'identifier' && out.has(x.text));
    // Only a writer (`wave.open(buf, "wb")`, `ZipFile(buf, "a")`, `imageio.get_writer(buf)`):
    // a reader (`AudioSegment.from_file(buf)`, `Image.open(buf)`) makes a new value from the content.
    if (given && (WRITER_CALL.test(c.name) || [...c.args, ...c.kwargs.values()].some((x) => x.type === 'string' && WRITE_MODE.test(x.text)))) out.set(a.targets[0]!, out.get(given.text)!);
  }
  return out;
}

/** The buffers a call writes into: its receiver's root, or an argument, naming a buffer or a writer on one. */
export function bufferTargets(flow: Flow, c: CallInfo): string[] {
  if (flow.buffers.size === 0) return [];
  const out: string[] = [];
  const root = c.receiver ? /^[A-Za-z_$][\w$]*/.exec(c.receiver.text)?.[0] : undefined;
  const recv = root && c.receiver!.text === root ? flow.buffers.get(root) : undefined;
  if (recv) out.push(recv);
  for (const a of [...c.args, ...c.kwargs.values()]) {
    const b = a.type === 'identifier' ? flow.buffers.get(a.text) : undefined;
    if (b && !out.includes(b)) out.push(b);
  }
  return out;
}

/**
 * The variables of a loop that receive the iterated value. A Python loop over `enumerate(xs)`
 * binds a counter and an item, and one over `zip(a, b)` binds one name per sequence: only the
 * item, and only the names of the sequences that carry the value, do (an index printed as
 * progress is not the content). Every variable otherwise.
 */
function loopVars(flow: Flow, l: FileIndex['loops'][number]): readonly string[] {
  if (l.node.type !== 'for_statement' || l.iter.type !== 'call') return l.vars;
  const callee = l.iter.childForFieldName('function')?.text;
  const args = l.iter.childForFieldName('arguments')?.namedChildren ?? [];
  if ((callee !== 'enumerate' && callee !== 'zip') || !isFlatTuple(l.node.childForFieldName('left'), l.vars)) return l.vars;
  if (callee === 'enumerate') return l.vars.length === 2 ? [l.vars[1]!] : l.vars;
  // `zip(*rows)` or `zip(a, b, strict=True)`: positions are not the arguments'.
  if (l.vars.length !== args.length || args.some((a) => !a || /splat|keyword_argument/.test(a.type))) return l.vars;
  return l.vars.filter((_, i) => sourceOf(flow, args[i]!) >= 0);
}

/** Whether an assignment unpacks its value into a tuple of targets (`a, b = f()`, `(a, b) = f()`). */
export function isUnpacking(a: FileIndex['assigns'][number]): boolean {
  const t = a.node.childForFieldName('left')?.type;
  return t === 'pattern_list' || t === 'tuple_pattern';
}

/**
 * The names at `positions` of a flat unpacking (`a, b, c = f()`, `(a, b) = f()`); every target
 * when the left side is not a flat list of names (nested or starred patterns).
 */
function unpacked(a: FileIndex['assigns'][number], positions: readonly number[]): readonly string[] {
  if (!isFlatTuple(a.node.childForFieldName('left'), a.targets)) return a.targets;
  return positions.filter((i) => i < a.targets.length).map((i) => a.targets[i]!);
}

/** Whether `left` is a flat tuple of plain names (`a, b, c`, `(a, b)`), one for each of `names`. */
function isFlatTuple(left: Node | null, names: readonly string[]): boolean {
  if (!left || (left.type !== 'pattern_list' && left.type !== 'tuple_pattern')) return false;
  const items = left.namedChildren;
  return items.length === names.length && items.every((n) => n?.type === 'identifier');
}

const callsByName = new OwnedMemo<FileIndex, Map<string, CallInfo[]>>();

/** Same-file calls of `fn` (by name; `this.f`/`self.f` included), the places a returned value goes next. */
export function callersOf(fn: FunctionInfo, idx: FileIndex): Node[] {
  const name = fn.name;
  if (!name || !/^[A-Za-z_$][\w$]*$/.test(name)) return [];
  // One pass over the file's calls builds the map for every function (linear in the file).
  let byName = callsByName.get(idx);
  if (!byName) {
    byName = new Map();
    for (const c of idx.calls) {
      // Bare names and `this.`/`self.` methods only: `client.create(...)` is not a call of a local `create`.
      const m = /^(?:(?:this|self|cls)\.)?([A-Za-z_$][\w$]*)$/.exec(c.callee);
      if (!m) continue;
      // The call itself, not its node: only the calls of the functions asked for are read.
      const list = byName.get(m[1]!);
      if (list) list.push(c);
      else byName.set(m[1]!, [c]);
    }
    callsByName.set(idx, byName);
  }
  return (byName.get(name) ?? []).map((c) => c.node).filter((n) => !contains(fn.node, n));
}
