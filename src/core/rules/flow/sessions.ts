/**
 * Output read back from a session: some generation calls return nothing useful and their output
 * arrives later on the object they were made on. A realtime session is sent `response.create`
 * and its events carry the text and audio (`async for event in conn`, `await conn.recv()`,
 * `rt.on('response.output_text.delta', cb)`); a vLLM engine queues a request with `add_request`
 * and `engine.step()` returns the outputs. The rows are data (data/sinks.json `sessionReads`, and
 * `streamCallbacks` rows with a `listener`); this module finds, for a file's generation calls,
 * the reads and listeners on the same session, in one pass over the file's calls and loops.
 */
import type { Node } from 'web-tree-sitter';
import sinksData from '../../../../data/sinks.json';
import type { GenerationCall } from '../rule';
import { type FileIndex, type FunctionInfo, argumentStarts, callInfoOf, contains, enclosingFunction, nodeOfAssign, stringValue, within } from './ast';
import { compilePattern } from './catalog';
import { calleeFunction, paramsForArgument } from './summaries';

interface RawSessionRead {
  families: string[];
  methods?: string;
  iterate?: boolean;
  path?: string;
  generatedBy?: string;
  label: string;
}

interface RawListener {
  families: string[];
  listener?: string;
  event?: string;
  callbackArg?: number;
  property?: string;
  sessionOptions?: string;
  params: number[];
  label: string;
}

const READS = ((sinksData as { sessionReads?: RawSessionRead[] }).sessionReads ?? []).map((r) => ({
  families: r.families,
  methods: r.methods ? compilePattern(r.methods) : undefined,
  iterate: !!r.iterate,
  path: r.path ? compilePattern(r.path) : undefined,
  generatedBy: r.generatedBy ? compilePattern(r.generatedBy) : undefined,
  label: r.label,
}));

const LISTENERS = (sinksData.streamCallbacks as RawListener[])
  .filter((r) => r.listener || r.property || r.sessionOptions)
  .map((r) => ({
    families: r.families,
    listener: r.listener ? compilePattern(r.listener) : undefined,
    event: r.event ? compilePattern(r.event) : undefined,
    callbackArg: r.callbackArg ?? 1,
    property: r.property ? compilePattern(r.property) : undefined,
    sessionOptions: r.sessionOptions ? compilePattern(r.sessionOptions) : undefined,
    params: r.params,
    label: r.label,
  }));

/** A place where a session's output enters the program. */
export interface SessionOutput {
  gen: GenerationCall;
  /** An expression producing the output (a read call, or the session iterated by a loop). */
  seed?: Node;
  /** Or: a listener callback (the argument denoting it, or the function itself) and its parameters that receive the output. */
  callback?: { arg?: Node; fn?: FunctionInfo; params: number[] };
  /** The read or the listener registration. */
  at: Node;
  label: string;
}

const NAME = /^[A-Za-z_$][\w$]*$/;
const SELF = new Set(['self', 'this', 'cls']);
/** Function boundaries walked up to find the scope a local session variable lives in. */
const MAX_SCOPE_HOPS = 4;

/**
 * The session a generation call was made on: the root variable of its receiver (`conn` for
 * `conn.response.create()`, `rt` for `rt.send(...)`, `self.engine` for `self.engine.add_request`).
 * Undefined for a call without a plain receiver (a chained constructor, a bare function).
 */
function sessionOf(callee: string): string | undefined {
  const parts = callee.split('.');
  if (parts.length < 2 || !parts.every((p) => NAME.test(p))) return undefined;
  const keep = SELF.has(parts[0]!) ? 2 : 1;
  return parts.length > keep ? parts.slice(0, keep).join('.') : undefined;
}

/** The outermost function around `node` (at most MAX_SCOPE_HOPS levels up), or null at module level. */
function outermostFunction(node: Node, idx: FileIndex): FunctionInfo | null {
  let fn: FunctionInfo | null = enclosingFunction(node, idx);
  for (let hops = 0; fn && hops < MAX_SCOPE_HOPS; hops++) {
    const outer = enclosingFunction(fn.node, idx);
    if (!outer) break;
    fn = outer;
  }
  return fn;
}

/**
 * The node within which a read of the session belongs to the call: an attribute of `self`/`this`
 * is shared by the whole file (the class's other methods read it); a local is shared by the
 * outermost function around the call (a nested receive loop or listener reads the same variable).
 */
function scopeOf(gen: Node, session: string, idx: FileIndex, root: Node, memo: Map<string, Node>): Node {
  if (SELF.has(session.split('.')[0]!)) return root;
  const fn = outermostFunction(gen, idx);
  if (!fn) return root;
  // Many calls on one session in one function share the answer (the walk over its assignments).
  const key = `${fn.node.id}\u0000${session}`;
  const known = memo.get(key);
  if (known) return known;
  // A session bound at module level (a script's `rt = new OpenAIRealtimeWS(...)`) is read anywhere.
  const binds = fn.params.includes(session) || within(idx.assigns, fn.node.startIndex, fn.node.endIndex, nodeOfAssign).some((a) => a.targets.includes(session));
  const scope = binds ? fn.node : root;
  memo.set(key, scope);
  return scope;
}

/**
 * The reads and listeners of the sessions the file's generation calls were made on. Linear in
 * the file: the calls and loops are walked once, each matched against a map of session names.
 */
export function sessionOutputs(idx: FileIndex, gens: readonly GenerationCall[], root: Node, text?: string): SessionOutput[] {
  const reads = READS.filter((r) => r.families.includes(idx.family));
  const listeners = LISTENERS.filter((r) => r.families.includes(idx.family));
  if ((reads.length === 0 && listeners.length === 0) || gens.length === 0) return [];
  // The callee of each generation call, found by position (not by a pass over every call's node).
  const byId = new Map<number, string>();
  for (const gen of gens) {
    const c = callInfoOf(idx, gen.node);
    if (c) byId.set(gen.node.id, c.callee);
  }
  const sessions = new Map<string, { gen: GenerationCall; scope: Node }[]>();
  const scopes = new Map<string, Node>();
  for (const gen of gens) {
    const callee = byId.get(gen.node.id);
    const session = callee ? sessionOf(callee) : undefined;
    if (!session) continue;
    const list = sessions.get(session) ?? [];
    list.push({ gen, scope: scopeOf(gen.node, session, idx, root, scopes) });
    sessions.set(session, list);
  }
  if (sessions.size === 0) return [];
  // A session handed to a same-file function (`asyncio.create_task(receive_events(conn))`) is read
  // there under its parameter's name: one level, one pass over the calls.
  const handed: [string, { gen: GenerationCall; scope: Node }][] = [];
  // Only an argument written as a session's name can hand it on: the file's text says which
  // start so, without asking the parser for every argument's text.
  const names = [...sessions.keys()];
  const mayName = (at: number): boolean => !text || names.some((n) => text.startsWith(n, at));
  for (const c of idx.calls) {
    // Where the arguments start is enough to rule most calls out.
    const starts = argumentStarts(c);
    if (!starts.some(mayName)) continue;
    for (const arg of [...c.args, ...c.kwargs.values()]) {
      if (!mayName(arg.startIndex)) continue;
      const holders = sessions.get(arg.text);
      const held = holders?.find((h) => contains(h.scope, c.node));
      const fn = held ? calleeFunction(c, idx) : undefined;
      if (!fn || !held) continue;
      for (const name of paramsForArgument(fn, c, arg)) handed.push([name, { gen: held.gen, scope: fn.node }]);
    }
  }
  for (const [name, entry] of handed) {
    const list = sessions.get(name) ?? [];
    list.push(entry);
    sessions.set(name, list);
  }
  // A read belongs to the generation call of the same session whose scope holds it (the nearest above, else the first).
  const owner = (session: string, at: Node): GenerationCall | undefined => {
    const list = sessions.get(session)?.filter((s) => contains(s.scope, at));
    if (!list?.length) return undefined;
    return (list.filter((s) => s.gen.node.startIndex < at.startIndex).pop() ?? list[0]!).gen;
  };
  const out: SessionOutput[] = [];
  // Reads named by their path under the client (`openai.beta.threads.messages.list(...)` after a
  // run on the thread), owned by a generation call of the kind the row names.
  const byPath = reads.filter((r) => r.path);
  for (const c of idx.calls) {
    if (byPath.length) {
      // The client is the callee's first name (its first two after `self`/`this`), the rest its
      // path: cut with index lookups, as this runs for every call of the file.
      const callee = c.callee;
      const d1 = callee.indexOf('.');
      const cut = SELF.has(d1 < 0 ? callee : callee.slice(0, d1)) ? (d1 < 0 ? -1 : callee.indexOf('.', d1 + 1)) : d1;
      const client = cut < 0 ? callee : callee.slice(0, cut);
      const rest = cut < 0 ? '' : callee.slice(cut + 1);
      const read = rest && sessions.has(client) ? byPath.find((r) => r.path!.test(rest)) : undefined;
      if (read) {
        // The client is usually shared by the whole module; the run and the listing that reads its
        // result are in one function (the outermost around the run).
        const list = sessions.get(client)!.filter((h) => contains(outermostFunction(h.gen.node, idx)?.node ?? root, c.node) && (!read.generatedBy || read.generatedBy.test(byId.get(h.gen.node.id) ?? '')));
        const gen = (list.filter((h) => h.gen.node.startIndex < c.node.startIndex).pop() ?? list[0])?.gen;
        if (gen && gen.node.id !== c.node.id) out.push({ gen, seed: c.node, at: c.node, label: read.label });
        continue;
      }
    }
    const dot = c.callee.lastIndexOf('.');
    if (dot < 0) continue;
    const session = c.callee.slice(0, dot);
    if (!sessions.has(session)) continue;
    const read = reads.find((r) => r.methods?.test(c.name));
    if (read) {
      const gen = owner(session, c.node);
      if (gen && gen.node.id !== c.node.id) out.push({ gen, seed: c.node, at: c.node, label: read.label });
      continue;
    }
    const first = c.args[0];
    if (!first || !listeners.length) continue;
    const event = idx.family === 'js' || idx.family === 'python' ? stringValue(first) : first.text;
    const row = listeners.find((r) => r.listener?.test(c.name) && (!r.event || r.event.test(event)));
    const arg = row ? c.args[row.callbackArg] : undefined;
    const gen = arg ? owner(session, c.node) : undefined;
    if (row && arg && gen) out.push({ gen, callback: { arg, params: row.params }, at: c.node, label: row.label });
  }
  // Handlers assigned to the session (`dc.onmessage = (e) => ...`) or given to the call that opened
  // it (`ai.live.connect({ callbacks: { onmessage: (msg) => ... } })`).
  const byProperty = listeners.filter((r) => r.property);
  const byOption = listeners.filter((r) => r.sessionOptions);
  if (byProperty.length || byOption.length) {
    const opened: { session: string; value: Node }[] = [];
    if (byOption.length) for (const a of idx.assigns) for (const t of a.targets) if (sessions.has(t)) opened.push({ session: t, value: a.value });
    for (const fn of idx.functions) {
      if (!fn.name) continue;
      const dot = fn.name.lastIndexOf('.');
      const prop = dot > 0 ? byProperty.find((r) => sessions.has(fn.name!.slice(0, dot)) && r.property!.test(fn.name!.slice(dot + 1))) : undefined;
      if (prop) {
        const gen = owner(fn.name.slice(0, dot), fn.node);
        if (gen) out.push({ gen, callback: { fn, params: prop.params }, at: fn.node, label: prop.label });
        continue;
      }
      const opt = byOption.find((r) => r.sessionOptions!.test(fn.name!));
      const site = opt ? opened.find((o) => contains(o.value, fn.node)) : undefined;
      const gen = site ? owner(site.session, site.value) : undefined;
      if (opt && gen) out.push({ gen, callback: { fn, params: opt.params }, at: fn.node, label: opt.label });
    }
  }
  const iterating = reads.filter((r) => r.iterate);
  if (iterating.length) {
    for (const l of idx.loops) {
      const session = l.iter.text;
      if (!sessions.has(session)) continue;
      const gen = owner(session, l.node);
      if (gen) out.push({ gen, seed: l.iter, at: l.node, label: iterating[0]!.label });
    }
  }
  return out;
}
