/**
 * `aigc-missing-label` (Labeling Measures Arts. 4-5, GB 45438, Deep Synthesis Arts. 16-17,
 * Generative AI Measures Art. 12; EU AI Act Art. 50(2)): the output of a generation call leaves
 * the program (HTTP response or stream, file, UI, queue or storage) without the labels its
 * modality needs on the path.
 *
 * How: for each generation call the detector found, `flowFrom` follows the value through its
 * function; sinks from data/sinks.json that receive it are checked for label evidence from
 * data/labels.json between the call and the end of the function (including same-file helpers
 * called there, and the team's declared label functions). A value returned from a non-handler
 * function continues at its same-file callers. Labels found only inside a branch that does not
 * contain the sink still leave the other path unlabeled: reported with medium confidence.
 *
 * Which labels are required (Labeling Measures Arts. 4-5 as GB 45438 applies them):
 * - text shown to people (response, stream, UI, queue): an explicit label; written to a file:
 *   explicit and implicit (file metadata);
 * - images, audio, video, faces, voices, 3D and multimodal content: both, wherever it goes.
 * A team that declares only the `user` role must label what it publishes explicitly (Art. 10),
 * so only the explicit label is required then.
 */
import type { Node } from 'web-tree-sitter';
import sinksData from '../../../data/sinks.json';
import { rangeOfNode } from '../position';
import type { RuleSetting } from '../config';
import type { Confidence, Modality } from '../types';
import type { GenerationCall, RawFinding, Rule, RuleContext } from './rule';
import { type CallInfo, type FileIndex, type FunctionInfo, type KeyedLiteral, callInfoOf, contains, enclosingFunction, fileIndex, functionNamed, indexFor, isStringNode, keyedKeys, keyedLiteralOf, nodeOfAssign, nodeOfCall, nodeOfFunction, nodeOfKeyed, nodeSelf, stringValue, within } from './flow/ast';
import { UI_REGISTRATION, compilePattern, labelCatalog } from './flow/catalog';
import { namesPattern } from './flow/guards';
import { type Family, type FileModel, getFileModel, pythonSubmodule } from '../analysis/model';
import { goCalledDecls } from './goDispatch';
import { generationRule } from './generation';
import { languageForPath } from '../languages';
import { type FlowWorkspace, type ForeignExit, foreignSummary, workspaceMemo, workspaceOf } from './flow/crossFile';
import { calleeFunction, callsTakingByName, parameterNames, paramsForArgument } from './flow/summaries';
import { type Flow, type TupleHook, type WrittenPath, bufferTargets, callersOf, carries, carriesContent, flowFromSeeds, isUnpacking, memoryBuffers, sourceOf } from './flow/taint';
import { type ForeignTuples, foreignTuplesOf, sameFileTuples, tupleHook } from './flow/tuples';
import { sessionOutputs } from './flow/sessions';
import { lineLocalPattern, lowerText, testLines } from './flow/text';
import { derivedGenerations, isDerived } from './flow/plugins';
import { OwnedMemo } from '../analysis/ownedMemo';

type SinkKind = 'http' | 'network' | 'stream' | 'file' | 'ui' | 'storage' | 'terminal';

interface CallSinkSpec {
  kind: SinkKind;
  families: string[];
  callee: RegExp;
  isNew: boolean;
  receiver: boolean;
  exclude?: RegExp;
  firstArg?: RegExp;
  argText?: RegExp;
  /** The file's text must match (the platform SDK is imported), so a generic method name of that SDK is an exit only there. */
  gate?: RegExp;
  label: string;
}

interface RawCallSink {
  kind: string;
  families: string[];
  callee: string;
  new?: boolean;
  taint?: string;
  exclude?: string;
  firstArg?: string;
  argText?: string;
  gate?: string;
  label: string;
}

const CALL_SINKS: CallSinkSpec[] = (sinksData.calls as RawCallSink[]).map((s) => ({
  kind: s.kind as SinkKind,
  families: s.families,
  callee: compilePattern(s.callee),
  isNew: !!s.new,
  receiver: s.taint === 'receiver',
  ...(s.exclude ? { exclude: compilePattern(s.exclude) } : {}),
  ...(s.firstArg ? { firstArg: compilePattern(s.firstArg) } : {}),
  ...(s.argText ? { argText: compilePattern(s.argText) } : {}),
  ...(s.gate ? { gate: compilePattern(s.gate) } : {}),
  label: s.label,
}));
const ASSIGN_SINKS = sinksData.assignments.map((s) => ({ kind: s.kind as SinkKind, families: s.families, left: compilePattern(s.left), label: s.label }));
const ROUTE_DECORATORS: Record<string, RegExp> = Object.fromEntries(Object.entries(sinksData.routeDecorators).map(([k, v]) => [k, compilePattern(v)]));
const STATE_HOOK = compilePattern(sinksData.reactStateHooks);
/** Per family: calls of a project's own logging helpers, which are not followed as exits (`logFunctions` in sinks.json). */
const LOG_FUNCTIONS: Partial<Record<Family, RegExp>> = Object.fromEntries(Object.entries(sinksData.logFunctions).map(([k, v]) => [k, compilePattern(v)]));
const CLIENT_STORES: Partial<Record<Family, { gate: RegExp; hooks: RegExp; members: RegExp; label: string; creator?: { imports: RegExp; setter: RegExp; calls: RegExp } }>> = Object.fromEntries(
  Object.entries(sinksData.clientStores).map(([k, v]) => [
    k,
    { gate: compilePattern(v.gate), hooks: compilePattern(v.hooks), members: compilePattern(v.members), label: v.label, ...(v.creator ? { creator: { imports: compilePattern(v.creator.imports), setter: compilePattern(v.creator.setter), calls: compilePattern(v.creator.calls) } } : {}) },
  ]),
);
const NEXT_HANDLER = /^(?:GET|POST|PUT|PATCH|DELETE)$/;
const HANDLER_DIRECTIVES: Record<string, RegExp> = Object.fromEntries(Object.entries(sinksData.handlerDirectives).map(([k, v]) => [k, compilePattern(v)]));
const HANDLER_BASES: Record<string, RegExp> = Object.fromEntries(Object.entries(sinksData.handlerBases).map(([k, v]) => [k, compilePattern(v)]));
interface ToolHandlerSpec {
  decorators?: RegExp;
  registrations?: RegExp;
  functionKeys?: RegExp;
}
const TOOL_HANDLERS: Record<string, ToolHandlerSpec> = Object.fromEntries(
  Object.entries(sinksData.toolHandlers as Record<string, { decorators?: string; registrations?: string; functionKeys?: string }>).map(([k, v]) => [
    k,
    {
      ...(v.decorators ? { decorators: compilePattern(v.decorators) } : {}),
      ...(v.registrations ? { registrations: compilePattern(v.registrations) } : {}),
      ...(v.functionKeys ? { functionKeys: compilePattern(v.functionKeys) } : {}),
    },
  ]),
);
const TOOL_OUTPUT = 'agent tool output (shown in the agent chat)';
const GENERATION_WRITES = compilePattern(sinksData.generationWrites.names);
const CALLBACK_KEYS: Record<string, RegExp> = Object.fromEntries(Object.entries(sinksData.callbackKeys).map(([k, v]) => [k, compilePattern(v)]));
const OUTPUT_CHANNELS: Record<string, RegExp> = Object.fromEntries(Object.entries(sinksData.outputChannels).map(([k, v]) => [k, compilePattern(v)]));

interface RawStreamCallback {
  families: string[];
  option?: string;
  objectMethods?: string;
  handlerType?: string;
  methods?: string;
  params: number[];
  label: string;
  /** For a handler type: the framework whose import makes a class of that type its handler. */
  provider?: { id: string; module: string };
}

/**
 * Named classes of a Java file that implement a framework's streaming handler (a `handlerType`
 * row of `streamCallbacks`, imported from the framework the row names), each standing for the
 * generation call that will stream into it from another file. One pass over the file's classes;
 * only when the text names such a type.
 */
function streamHandlerClasses(ctx: RuleContext): GenerationCall[] {
  if (ctx.language.family !== 'java') return [];
  const rows = STREAM_CALLBACKS.filter((r) => r.handlerType && r.families.includes('java') && r.provider && ctx.text.includes(r.provider.module));
  if (rows.length === 0 || !rows.some((r) => r.handlerType!.test(ctx.text))) return [];
  const out: GenerationCall[] = [];
  for (const cls of ctx.tree.rootNode.descendantsOfType('class_declaration')) {
    if (!cls) continue;
    const typeText = `${cls.childForFieldName('superclass')?.text ?? ''} ${cls.childForFieldName('interfaces')?.text ?? ''}`;
    const row = rows.find((r) => r.handlerType!.test(typeText));
    const name = cls.childForFieldName('name');
    if (!row || !name) continue;
    out.push({ provider: row.provider!.id, modality: 'text', api: `${name.text} (streaming handler)`, node: name, range: rangeOfNode(name), confidence: 'medium' });
  }
  return out;
}

/** Callbacks a generation call streams its output into (data/sinks.json `streamCallbacks`). */
const STREAM_CALLBACKS = (sinksData.streamCallbacks as RawStreamCallback[]).map((r) => ({
  families: r.families,
  option: r.option ? compilePattern(r.option) : undefined,
  objectMethods: r.objectMethods ? compilePattern(r.objectMethods) : undefined,
  handlerType: r.handlerType ? compilePattern(r.handlerType) : undefined,
  methods: r.methods ? compilePattern(r.methods) : undefined,
  params: r.params,
  label: r.label,
  provider: r.provider,
}));

/** Call rows the team declared in `.aireg.json` (`rules["aigc-missing-label"].exits`); bad patterns are skipped. */
function configuredSinks(setting: RuleSetting | undefined): CallSinkSpec[] {
  const out: CallSinkSpec[] = [];
  for (const row of setting?.exits ?? []) {
    try {
      out.push({ kind: row.kind, families: row.families ?? ['js', 'python', 'go', 'java'], callee: compilePattern(row.callee), isNew: false, receiver: row.taint === 'receiver', label: row.label ?? `declared exit ${row.callee}` });
    } catch {
      // The schema accepts any string; a pattern that does not compile declares nothing.
    }
  }
  return out;
}

interface Sink {
  node: Node;
  kind: SinkKind;
  label: string;
}

/** One step of the path a generated value takes between functions (for messages and codeFlows). */
interface Step {
  node: Node;
  message: string;
}

/** Where a tracked value came from and what happened to it before it reached the current function. */
interface Origin {
  gen: GenerationCall;
  path: Step[];
  depth: number;
  /** Labels already applied on the way (by a caller before passing it, by a helper before returning it). */
  explicit: boolean;
  implicit: boolean;
  /**
   * At a call of a function that returns a tuple (`return frames, path, progress`), the positions
   * that hold the generated value: unpacking the call (`a, b, c = f()`) taints only those names.
   */
  element?: readonly number[];
}

/** The values entering one function (or the module level) at one round of the fixpoint. */
interface Task {
  fn: FunctionInfo | null;
  seeds: { node: Node; origin: Origin }[];
  params: { name: string; origin: Origin }[];
}

type Status = 'full' | 'partial' | 'none';

interface Evidence {
  explicit: Status;
  implicit: Status;
  found: string[];
}

/** How many function boundaries a value is followed across (returns and arguments). */
const MAX_CALLER_DEPTH = 4;

export const missingLabelRule: Rule = {
  id: 'aigc-missing-label',
  // The generation detector's prefilter, plus files that switch a writer's watermark off (a
  // media helper in a file that generates nothing itself).
  // A Python file that wires Gradio events may show what another project file's function generates.
  mayApply: (input) => mayHoldSwitchedOffLabel(input.lower) || (input.workspace && input.language.family === 'python' && GRADIO_IMPORT.test(input.text)) || !!generationRule.mayApply?.(input),
  async run(ctx) {
    // The lower-cased text the prefilters share (an edit costs only the edited lines' test).
    const switchedOff = mayHoldSwitchedOffLabel(lowerText(ctx.tree, ctx.text)) ? await reportSwitchedOffLabels(ctx) : new Set<number>();
    const wsAny = workspaceOf(ctx);
    if (wsAny && ctx.language.family === 'python' && GRADIO_IMPORT.test(ctx.text) && !nested.has(ctx.report)) await reportForeignGradioHandlers(ctx, wsAny);
    // A Java streaming handler class in a file of its own receives the tokens of a generation call
    // made elsewhere (`model.chat(messages, new SseHandler(sink))`): its methods' parameters are
    // generated content even though this file generates nothing.
    // Frames a plugin module returns (`for p in get_processors(): frame = p.process_frame(frame)`),
    // and what a function of another file returns from such a call, are generated content here.
    const derived = wsAny && ctx.language.family === 'python' ? await derivedGenerations(ctx, wsAny) : [];
    const gens = derived.length ? [...ctx.generationCalls, ...derived] : ctx.generationCalls;
    const handlerGens = gens.length === 0 ? streamHandlerClasses(ctx) : [];
    if (gens.length === 0 && handlerGens.length === 0) return;
    const idx = await indexFor(ctx);
    const env = environment(ctx, idx);
    const ws0 = workspaceOf(ctx);
    // Importers are read for their Gradio wiring only when a named function here generates and
    // gives something back (the functions such wiring can show): most generating files skip it.
    const givesBack = (g: GenerationCall): boolean => {
      const f = enclosingFunction(g.node, idx);
      return !!f?.name && within(idx.returns, f.node.startIndex, f.node.endIndex, nodeSelf).some((r) => enclosingFunction(r, idx) === f);
    };
    if (ws0 && idx.family === 'python' && gens.some(givesBack)) for (const [id, label] of await registeredByImporters(ctx, ws0, idx)) if (!env.handlers.has(id)) env.handlers.set(id, label);
    const wiredFrom = nested.get(ctx.report);
    if (wiredFrom) for (const f of idx.functions) if (f.name === wiredFrom.fnName && f.body && !env.handlers.has(f.node.id)) env.handlers.set(f.node.id, wiredFrom.label);
    const tasks = new Map<number, Task>();
    const channel = OUTPUT_CHANNELS[idx.family];
    for (const gen of gens) {
      // A project wrapper that labels what it returns hands back labeled content.
      const origin: Origin = { gen, path: [], depth: 0, explicit: !!gen.labeled, implicit: false };
      const fn = enclosingFunction(gen.node, idx);
      taskIn(tasks, fn).seeds.push({ node: gen.node, origin });
      // A streamer object the model writes into (`TextIteratorStreamer`, often driven from a
      // thread in a nested function) carries the output in the function that made it.
      if (channel) {
        for (let f: FunctionInfo | null = fn, hops = 0; hops < 3; f = f ? enclosingFunction(f.node, idx) : null, hops++) {
          const scope = f?.node ?? ctx.tree.rootNode;
          for (const a of within(idx.assigns, scope.startIndex, scope.endIndex, nodeOfAssign)) {
            if (a.value.type !== 'call' || enclosingFunction(a.node, idx) !== f) continue;
            const c = env.callAt(a.value);
            if (c && channel.test(c.callee)) taskIn(tasks, f).seeds.push({ node: a.value, origin });
          }
          if (!f) break;
        }
      }
    }
    // Streaming callbacks (`llms.WithStreamingFunc(func(ctx, chunk []byte) error {...})`, a
    // LangChain4j `StreamingChatResponseHandler`) receive the output piece by piece: their
    // content parameters carry it. A callback written inside the generating function is followed
    // in that function's flow, so a label written to the same response before the stream counts.
    for (const cb of streamCallbacks(idx, handlerGens.length ? handlerGens : ctx.generationCalls)) {
      const origin: Origin = { gen: cb.gen, path: [{ node: cb.at, message: cb.label }], depth: 1, explicit: false, implicit: false };
      const outer = enclosingFunction(cb.fn.node, idx);
      const target = outer && outer === enclosingFunction(cb.gen.node, idx) ? outer : cb.fn;
      for (const name of cb.names) taskIn(tasks, target).params.push({ name, origin });
    }
    seedSessionOutputs(tasks, idx, ctx);
    const ws = workspaceOf(ctx);
    const foreign: Foreign | undefined = ws ? { calls: [], returned: [], callbacks: [], overrides: [], hooks: [], imported: new Set((await getFileModel(ctx)).imports.keys()) } : undefined;
    if (ws && foreign && idx.family === 'python') {
      const other = await importedTuples(ctx, ws, idx, foreign.imported);
      if (other.size > 0) env.tuples = tupleHook(idx, ctx.tree.rootNode, other);
    }
    // An agent tool's return is reported as the tool's output only when following it into the
    // code that dispatches the tool finds no exit there: that exit says more about where it goes.
    const held: RawFinding[] = [];
    const reportedAt = new Set<number>();
    const fctx: RuleContext = {
      ...ctx,
      report: (f) => {
        if (String(f.data?.exit ?? '').startsWith(TOOL_OUTPUT)) held.push(f);
        else {
          reportedAt.add(f.range.startOffset);
          ctx.report(f);
        }
      },
    };
    follow(fctx, idx, env, tasks, foreign, switchedOff);
    if (ws && foreign && foreign.calls.length > 0) await followIntoImports(fctx, ws, foreign.calls);
    if (ws && foreign && foreign.returned.length > 0) await followIntoImporters(fctx, ws, foreign.returned);
    if (ws && foreign && foreign.callbacks.length > 0) await followCallbacksIntoImporters(fctx, ws, foreign.callbacks);
    if (ws && foreign && foreign.overrides.length > 0) await followIntoSubclasses(fctx, ws, foreign.overrides);
    if (ws && foreign && foreign.hooks.length > 0) await followIntoBaseClasses(fctx, ws, foreign.hooks, reportedAt);
    for (const f of held) if (!reportedAt.has(f.range.startOffset)) ctx.report(f);
  },
};

/** Cheap text test (lower case) for the words a switched-off label can be named by. */
const SWITCH_OFF_HINT = /watermark|ai_?label|aigc|c2pa|content_?credentials|ai_?notice/;
const SWITCH_OFF = {
  writers: compilePattern(sinksData.labelSwitchedOff.writers),
  keys: compilePattern(sinksData.labelSwitchedOff.keys),
  offValues: compilePattern(sinksData.labelSwitchedOff.offValues),
  label: sinksData.labelSwitchedOff.label,
};

/**
 * The body of an anchored catalog pattern (`(?i)^(?:...)$` or `^\\s*(?:...)\\s*$`), to be searched
 * for in running text. The schema requires these two patterns to be anchored this way.
 */
function unanchored(source: string): string {
  const m = /^(?:\(\?i\))?\^(?:\\s\*)?(.*?)(?:\\s\*)?\$$/.exec(source);
  if (!m) throw new Error(`data/sinks.json labelSwitchedOff: pattern ${source} must be anchored with ^ and $`);
  return m[1]!;
}

/**
 * A key named like a label switch given a value that switches it off, written out in the text
 * (`watermark=False`, `addWatermark: false`, `"add_watermark": False`): the only shape
 * {@link reportSwitchedOffLabels} reports, since it reads the key and the literal value of a keyword
 * argument or an object entry. Searching for it first spares the review index of a file that merely
 * mentions a watermark: a stream's `highWaterMark`, an API's `addWatermark` parameter passed
 * through. Searched in the lower-cased text, so the case of the value does not narrow it.
 *
 * A match stays within one line, so that the editor's keystrokes test only the edited lines
 * (`testLines`): a key and value on one line, or a key whose line ends after it or after its `=` or
 * `:` (the value on a later line), which keeps the test a superset of what the rule reports.
 */
const SWITCHED_OFF_TEXT = lineLocalPattern(
  new RegExp(`(?<![\\w$])(?:${unanchored(sinksData.labelSwitchedOff.keys)})["'\`]?[ \\t]*(?:[:=][ \\t]*(?:${unanchored(sinksData.labelSwitchedOff.offValues)})(?![\\w$])|[:=]?[ \\t]*(?![^\\r\\n]))`, 'i'),
);

/** Whether the text may hold a media writer told to switch its label off (see {@link SWITCHED_OFF_TEXT}). */
function mayHoldSwitchedOffLabel(lower: string): boolean {
  return testLines(SWITCH_OFF_HINT, lower) && testLines(SWITCHED_OFF_TEXT, lower);
}

/** What a media writer writes, from its name and arguments (`save_video_with_watermark(..., 'out.mp4')`). */
function writtenModality(text: string): Modality {
  if (/video|mp4|\.avi|\.mov|webm|\.mkv|\bgif\b/i.test(text)) return 'video';
  if (/audio|\.wav|\.mp3|\.flac|\.ogg|speech|voice|sound/i.test(text)) return 'audio';
  return 'image';
}

/**
 * A media writer told not to watermark or label what it writes (`save_video(src, audio, out,
 * watermark=False)`, `writeImage(path, img, { addWatermark: false })`): the code itself says the
 * output is generated media and that this exit goes without its label, so the call is reported
 * whether or not this file generates (the generating code may call it from another file). The
 * call's node ids are returned so the flow does not report the same exit twice. One pass over the
 * file's calls.
 */
async function reportSwitchedOffLabels(ctx: RuleContext): Promise<Set<number>> {
  const idx = await indexFor(ctx);
  const out = new Set<number>();
  for (const c of idx.calls) {
    if (!SWITCH_OFF.writers.test(c.name)) continue;
    let key: string | undefined;
    for (const [k, v] of c.kwargs) if (SWITCH_OFF.keys.test(k) && SWITCH_OFF.offValues.test(v.text)) key = `${k}=${v.text.trim()}`;
    if (!key) {
      // An options object given to the writer (`{ watermark: false }`).
      for (const a of c.args) {
        if (a.type !== 'object' && a.type !== 'dictionary') continue;
        const lit = keyedLiteralOf(idx, a);
        const e = lit?.entries.find((x) => SWITCH_OFF.keys.test(x.key) && !!x.value && SWITCH_OFF.offValues.test(x.value.text));
        if (e) key = `${e.key}: ${e.value!.text.trim()}`;
      }
    }
    if (!key) continue;
    const gen = ctx.generationCalls.find((g) => enclosingFunction(g.node, idx) === enclosingFunction(c.node, idx)) ?? ctx.generationCalls[0];
    const modality = gen && gen.modality !== 'text' ? gen.modality : writtenModality(c.node.text);
    const need = required(modality, 'file', ctx);
    const missing = need.implicit ? 'both' : 'explicit';
    out.add(c.node.id);
    ctx.report({
      ruleId: 'aigc-missing-label',
      range: rangeOfNode(c.node),
      message: `${c.callee}() writes ${modality} with its label switched off (${key}): ${gen ? `the ${gen.modality} generated by ${gen.provider} (${gen.api}) in this file` : 'the code asks for no watermark, so what it writes is generated media, and it'} leaves without ${missing === 'both' ? 'an explicit label and implicit label metadata' : 'an explicit label'}; Labeling Measures Arts. 4-5 and GB 45438 require both for generated ${modality} written to a file.`,
      // Without a generation call in view the content is known only from the code's own words.
      confidence: gen && gen.confidence !== 'low' ? 'high' : 'medium',
      ...(gen ? { generation: { provider: gen.provider, modality: gen.modality, api: gen.api }, related: [{ file: ctx.file, range: gen.range, message: `generated here by ${gen.provider} ${gen.api}` }] } : {}),
      data: { modality, missing, sinkKind: 'file', exit: SWITCH_OFF.label, partial: false, switchedOff: key },
      fingerprintKey: `file:switched-off:${c.callee}`,
    });
  }
  return out;
}

/** A Gradio event wiring (`btn.click(fn=obj.method, outputs=[video])`) whose function is defined in another project file. */
interface Registration {
  call: CallInfo;
  /** The workspace-relative file that defines the function. */
  target: string;
  fnName: string;
}

/**
 * The Gradio events a Python file wires to functions of other project files: the `fn` (or first
 * argument) of a registration call, possibly wrapped (`fn=wrap(talker.run)`), is a name imported
 * from a project file (`from .tts import speak`), a member of an imported module (`tts.speak`), or
 * a method of an object made from an imported class (`talker = Talker(); ... fn=talker.run`).
 * One pass over the file's calls and assignments.
 */
type ImportMap = ReadonlyMap<string, { module: string; member: string | undefined; raw?: string }>;

/** The project file a Python local name was imported from, with the member it names (none for a module). */
function importedFileOf(ws: FlowWorkspace, rel: string, imports: ImportMap): (local: string) => { file: string; member: string | undefined } | undefined {
  return (local) => {
    const imp = imports.get(local);
    if (!imp) return undefined;
    const spec = imp.raw ?? imp.module;
    const direct = ws.resolveModule('python', rel, spec);
    // `from . import tts` binds the submodule itself.
    if (imp.member !== undefined) {
      const sub = ws.resolveModule('python', rel, pythonSubmodule(spec, imp.member));
      if (sub) return { file: sub, member: undefined };
    }
    return direct ? { file: direct, member: imp.member } : undefined;
  };
}

/**
 * Agent tool registries of a Python file that hold functions of other project files: a dict or
 * list whose name says it holds tools (`ALL_TOOLS = {"cogview": cogview}`, `tools = [search]`)
 * with a name imported from a project file as a value. The agent calls the function by its key and
 * shows what it returns, so that return is an exit in the defining file.
 */
function toolRegistryEntries(ws: FlowWorkspace, rel: string, imports: ImportMap, fidx: FileIndex): { target: string; fnName: string; line: number }[] {
  const fileOf = importedFileOf(ws, rel, imports);
  const out: { target: string; fnName: string; line: number }[] = [];
  for (const a of fidx.assigns) {
    if (a.targets.length !== 1 || !TOOL_REGISTRY_NAME.test(a.targets[0]!) || !/^(?:dictionary|list)$/.test(a.value.type)) continue;
    for (const item of a.value.namedChildren) {
      const v = item?.type === 'pair' ? item.childForFieldName('value') : item;
      if (v?.type !== 'identifier') continue;
      const f = fileOf(v.text);
      if (f?.member) out.push({ target: f.file, fnName: f.member, line: v.startPosition.row + 1 });
    }
  }
  return out;
}

/** A variable named for the tools it holds: `TOOLS`, `ALL_TOOLS`, `tool_map`, `available_tools`, `TOOL_REGISTRY`. */
const TOOL_REGISTRY_NAME = /(?:^|_)(?:tools?|TOOLS?)(?:_|$)|[a-z]Tools?(?:[A-Z]|$)|^tools?[A-Z]/;

function gradioRegistrations(ws: FlowWorkspace, rel: string, imports: ImportMap, fidx: FileIndex, text: string): Registration[] {
  if (!/gradio|\bgr\./.test(text)) return [];
  const fileOf = importedFileOf(ws, rel, imports);
  // Objects made from an imported class (`talker = Talker(...)`, `talker = tts.Talker(...)`).
  const instances = new Map<string, string>();
  for (const a of fidx.assigns) {
    if (a.targets.length !== 1 || !/call$/.test(a.value.type)) continue;
    const callee = a.value.childForFieldName('function')?.text ?? '';
    const m = /^([A-Za-z_]\w*)(?:\.([A-Z]\w*))?$/.exec(callee);
    const f = m ? fileOf(m[1]!) : undefined;
    if (f && (m![2] || (f.member && /^[A-Z]/.test(f.member)))) instances.set(a.targets[0]!, f.file);
  }
  const out: Registration[] = [];
  for (const c of fidx.calls) {
    if (!UI_REGISTRATION.test(c.callee)) continue;
    let fnArg: Node | undefined = c.kwargs.get('fn') ?? c.args[0];
    if (fnArg && /call$/.test(fnArg.type)) fnArg = fnArg.childForFieldName('arguments')?.namedChild(0) ?? undefined;
    const m = fnArg ? /^([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?$/.exec(fnArg.text) : null;
    if (!m) continue;
    const [, root, attr] = m;
    const f = fileOf(root!);
    if (f && !attr && f.member) out.push({ call: c, target: f.file, fnName: f.member });
    else if (f && attr && !f.member) out.push({ call: c, target: f.file, fnName: attr });
    else if (attr && instances.has(root!)) out.push({ call: c, target: instances.get(root!)!, fnName: attr });
  }
  return out;
}

/**
 * Functions of this file that the files importing it wire into Gradio events: what they return
 * is shown in the event's output components, as for a function wired in this file. Read once per
 * importer and scan.
 */
async function registeredByImporters(ctx: RuleContext, ws: FlowWorkspace, idx: FileIndex): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const rel of ws.importersOf?.(ctx.file) ?? []) {
    if (!rel.endsWith('.py')) continue;
    const regs = await workspaceMemo<{ target: string; fnName: string; line: number }[]>(ws, `gradio-registrations:${rel}`, [], async () => {
      const loaded = await ws.load(rel);
      if (!loaded) return [];
      return gradioRegistrations(ws, rel, loaded.model.imports, fileIndex(loaded.tree, 'python'), loaded.model.text).map((r) => ({ target: r.target, fnName: r.fnName, line: r.call.node.startPosition.row + 1 }));
    });
    for (const r of regs) {
      if (r.target !== ctx.file) continue;
      for (const f of idx.functions) if (f.name === r.fnName && f.body && !out.has(f.node.id)) out.set(f.node.id, `Gradio output (the event wired in ${rel}:${r.line})`);
    }
    const tools = await workspaceMemo<{ target: string; fnName: string; line: number }[]>(ws, `tool-registries:${rel}`, [], async () => {
      const loaded = await ws.load(rel);
      return loaded ? toolRegistryEntries(ws, rel, loaded.model.imports, fileIndex(loaded.tree, 'python')) : [];
    });
    for (const r of tools) {
      if (r.target !== ctx.file) continue;
      for (const f of idx.functions) if (f.name === r.fnName && f.body && !out.has(f.node.id)) out.set(f.node.id, `${TOOL_OUTPUT} (registered in ${rel}:${r.line})`);
    }
  }
  return out;
}

const GRADIO_IMPORT = /^\s*(?:import\s+gradio\b|from\s+gradio\b)/m;

/**
 * Report functions of the runs made for another file's Gradio events, with the wired function's
 * name and where it is wired (those runs do not look for further wirings themselves).
 */
const nested = new WeakMap<RuleContext['report'], { fnName: string; label: string }>();

/**
 * Gradio events of this file wired to a function of another project file that generates and
 * returns the content (`submit.click(fn=talker.run, outputs=[video])`): the event shows it in
 * its output components, so the wiring is where it reaches users, reported here with the
 * function's return in the other file as the last step. The other file's generation calls and
 * exits are computed once per scan (the rule runs there with this file's wiring in view) and
 * reused by every file that wires the same function.
 */
async function reportForeignGradioHandlers(ctx: RuleContext, ws: FlowWorkspace): Promise<void> {
  const idx = await indexFor(ctx);
  const model = await getFileModel(ctx);
  for (const reg of gradioRegistrations(ws, ctx.file, model.imports, idx, ctx.text)) {
    if (reg.target === ctx.file) continue;
    const raws = await workspaceMemo<{ raw: RawFinding; fn: string | null }[]>(ws, `gradio-handler:${reg.target}#${reg.fnName}`, [], async () => {
      const loaded = await ws.load(reg.target);
      const language = languageForPath(reg.target);
      if (!loaded || !language || language.family !== 'python') return [];
      const base: RuleContext = { ...ctx, file: reg.target, text: loaded.model.text, tree: loaded.tree, language, generationCalls: [], report: () => undefined };
      await generationRule.run(base);
      if (base.generationCalls.length === 0) return [];
      const found: RawFinding[] = [];
      const report = (f: RawFinding): void => void found.push(f);
      nested.set(report, { fnName: reg.fnName, label: `Gradio output (the event wired in ${ctx.file}:${reg.call.node.startPosition.row + 1})` });
      await missingLabelRule.run({ ...base, report });
      // Each exit the event shows, with the function it is in: the wired function's return, or an
      // exit inside its return statement (`return export_to_video(frames)` writes the file whose
      // path the event then shows).
      const tidx = fileIndex(loaded.tree, 'python');
      const out: { raw: RawFinding; fn: string | null }[] = [];
      for (const raw of found) {
        const at = loaded.tree.rootNode.descendantForIndex(raw.range.startOffset, Math.max(raw.range.startOffset, raw.range.endOffset - 1));
        if (!at) continue;
        const fn = enclosingFunction(at, tidx);
        let returned = String(raw.data?.exit ?? '').startsWith('Gradio output (the event wired in ');
        for (let p: Node | null = at; !returned && p && p.id !== fn?.node.id; p = p.parent) if (p.type === 'return_statement' || p.type === 'yield') returned = true;
        if (returned) out.push({ raw, fn: fn?.name ?? null });
      }
      return out;
    });
    const hit = raws.find((r) => r.fn === reg.fnName)?.raw;
    if (!hit || !hit.generation) continue;
    const gen = hit.generation;
    const missing = String(hit.data?.missing ?? 'explicit');
    const what = missing === 'both' ? 'an explicit label and implicit label metadata' : missing === 'explicit' ? 'an explicit label' : 'implicit label metadata';
    ctx.report({
      ruleId: 'aigc-missing-label',
      range: rangeOfNode(reg.call.node),
      message: `This Gradio event shows what ${reg.fnName}() in ${reg.target} returns, generated ${gen.modality} from ${gen.provider} (${gen.api}) (${reg.target}:${hit.range.start.line + 1}), in its output components without ${what}; Labeling Measures Arts. 4-5 require the labels wherever generated content reaches users.`,
      confidence: hit.confidence,
      generation: gen,
      related: [...(hit.related ?? []).map((r) => ({ ...r, file: r.file })), { file: reg.target, range: hit.range, message: `returned here to the Gradio event` }],
      data: { modality: gen.modality, missing, sinkKind: 'ui', exit: 'Gradio event output components', partial: false, hops: 1, exitFile: reg.target },
      fingerprintKey: `ui:${gen.api}:gradio:${reg.target}#${reg.fnName}`,
    });
  }
}

interface StreamCallback {
  fn: FunctionInfo;
  names: string[];
  gen: GenerationCall;
  /** Where the callback is handed over (the option call, or the handler method's name). */
  at: Node;
  label: string;
}

/**
 * The streaming callbacks of a file with generation calls, each with the generation call it
 * belongs to: one pass over the calls (Go call options) and one over the functions (Java handler
 * methods), so the cost is linear in the file and paid only where something is generated.
 */
function streamCallbacks(idx: FileIndex, gens: readonly GenerationCall[]): StreamCallback[] {
  const rows = STREAM_CALLBACKS.filter((r) => r.families.includes(idx.family));
  if (rows.length === 0 || gens.length === 0) return [];
  const out: StreamCallback[] = [];
  const genFor = (at: Node, fallback: boolean): GenerationCall | undefined => {
    const fn = enclosingFunction(at, idx);
    return gens.find((g) => contains(g.node, at)) ?? gens.find((g) => enclosingFunction(g.node, idx) === fn) ?? (fallback ? gens[0] : undefined);
  };
  const namesOf = (fn: FunctionInfo, params: number[]): string[] => {
    const byPos = parameterNames(fn);
    return params.flatMap((i) => byPos[i] ?? []);
  };
  const options = rows.filter((r) => r.option);
  if (options.length > 0) {
    for (const c of idx.calls) {
      const row = options.find((r) => r.option!.test(c.callee));
      if (!row || !c.args[0]) continue;
      const fn = callbackFunction(c.args[0], c.node, idx);
      const gen = fn ? genFor(c.node, false) : undefined;
      if (!fn || !gen) continue;
      const names = namesOf(fn, row.params);
      if (names.length) out.push({ fn, names, gen, at: c.node, label: row.label });
    }
  }
  const methods = rows.filter((r) => r.objectMethods);
  if (methods.length > 0) {
    // `fetchEventSource(url, { onmessage(msg) {...} })`: a callback entry of an options object
    // given directly to the generation call.
    for (const gen of gens) {
      for (const fn of within(idx.functions, gen.node.startIndex, gen.node.endIndex, nodeOfFunction)) {
        const holder = fn.node.parent?.type === 'pair' ? fn.node.parent.parent : fn.node.parent;
        if (!fn.name || holder?.type !== 'object' || holder.parent?.parent?.id !== gen.node.id) continue;
        const row = methods.find((r) => r.objectMethods!.test(fn.name!));
        const names = row ? namesOf(fn, row.params) : [];
        if (row && names.length) out.push({ fn, names, gen, at: fn.node.childForFieldName('name') ?? fn.node, label: row.label });
      }
    }
  }
  const handlers = rows.filter((r) => r.handlerType && r.methods);
  if (handlers.length > 0) {
    for (const fn of idx.functions) {
      if (!fn.name || fn.node.parent?.type !== 'class_body') continue;
      const row = handlers.find((r) => r.methods!.test(fn.name!));
      const cls = fn.node.parent.parent;
      if (!row || !cls) continue;
      const anonymous = cls.type === 'object_creation_expression';
      const typeText = anonymous ? cls.childForFieldName('type')?.text ?? '' : `${cls.childForFieldName('superclass')?.text ?? ''} ${cls.childForFieldName('interfaces')?.text ?? ''}`;
      if (!row.handlerType!.test(typeText)) continue;
      // An anonymous handler belongs to the call it is given to (or the function it is made in);
      // a named handler class to the file's generation call.
      const gen = genFor(cls, !anonymous);
      const names = gen ? namesOf(fn, row.params) : [];
      if (gen && names.length) out.push({ fn, names, gen, at: fn.node.childForFieldName('name') ?? fn.node, label: row.label });
    }
  }
  return out;
}

/** The function an argument denotes: a function literal, a local variable holding one, or a same-file function by name. */
function callbackFunction(arg: Node, at: Node, idx: FileIndex): FunctionInfo | undefined {
  const direct = idx.fnById.get(arg.id);
  if (direct) return direct;
  if (arg.type !== 'identifier') return undefined;
  const scope = enclosingFunction(at, idx);
  const from = scope ? scope.node.startIndex : 0;
  let found: FunctionInfo | undefined;
  for (const a of within(idx.assigns, from, at.startIndex, nodeOfAssign)) {
    if (!a.targets.includes(arg.text)) continue;
    const v = a.value.type === 'expression_list' ? a.value.namedChild(0) : a.value;
    const f = v ? idx.fnById.get(v.id) : undefined;
    if (f) found = f;
  }
  return found ?? (functionNamed(idx, arg.text)?.body ? functionNamed(idx, arg.text) : undefined);
}

function taskIn(map: Map<number, Task>, fn: FunctionInfo | null): Task {
  const key = fn ? fn.node.id : -1;
  let t = map.get(key);
  if (!t) {
    t = { fn, seeds: [], params: [] };
    map.set(key, t);
  }
  return t;
}

/**
 * Runs the rounds: each round processes every function with new entries once, with one flow
 * for all of them; a function is met at most once per round, so the work is linear in the file
 * per round, and the rounds are bounded.
 */
function follow(ctx: RuleContext, idx: FileIndex, env: Env, first: Map<number, Task>, foreign: Foreign | undefined, already?: ReadonlySet<number>): void {
  const reported = new Set<number>(already);
  const seen = new Set<string>();
  let tasks = first;
  for (let round = 0; round <= MAX_CALLER_DEPTH && tasks.size > 0; round++) {
    const next = new Map<number, Task>();
    for (const task of tasks.values()) runTask(ctx, idx, env, task, reported, seen, (fn) => taskIn(next, fn), round < MAX_CALLER_DEPTH, foreign);
    tasks = next;
  }
}

/** Calls to imported names that receive generated content, gathered while following this file. */
interface Foreign {
  calls: ForeignCall[];
  /** Values returned by functions nothing in this file calls: their callers are in other files. */
  returned: ReturnedValue[];
  /** Local names bound by imports (only calls rooted at one may reach another project file). */
  imported: Set<string>;
  /** Content handed to a function a top-level function's caller gave it: the callers are in other files. */
  callbacks: HandedCallback[];
  /** Content passed to `self.m(...)` where `m` is left to subclasses, some of them in other files. */
  overrides: OverrideCall[];
  /** Content returned by a Python method whose class derives from a class of another project file. */
  hooks: ReturnedValue[];
}

/** Generated content a Python method passes to `self.<method>(...)` that subclasses define. */
interface OverrideCall {
  className: string;
  method: string;
  call: CallInfo;
  arg: Node;
  at: Node;
  origin: Origin;
}

/** Generated content a top-level function hands to a function its caller gives (`process?.(partial)`). */
interface HandedCallback {
  fnName: string;
  slot: CallbackSlot;
  /** The position of the content among the handed function's arguments. */
  argIndex: number;
  at: Node;
  origin: Origin;
}

/** Generated content a top-level function gives back (return or yield) to callers in other files. */
interface ReturnedValue {
  fnName: string;
  at: Node;
  origin: Origin;
  /**
   * The function's own body generates: its direct calls in an importer are generation calls
   * there (wrappers, reported by that file), so only calls through a registry are followed.
   */
  ownGen: boolean;
  /** For a method, the class it belongs to: importers call it on instances of that class. */
  className?: string;
}

/** A call passing generated content to a function that is not defined in this file. */
interface ForeignCall {
  call: CallInfo;
  arg: Node;
  origin: Origin;
}

/** A Go call of a name or of a method on a name (`send(x)`, `msg.Reply(x)`), not of a built value. */
const GO_PLAIN_CALL = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?$/;
/** Declarations a Go call is followed into at most (implementations of an interface method). */
const MAX_GO_TARGETS = 4;

/** Distinct functions of other files whose tuple returns one file reads (a bound on the files loaded for it). */
const MAX_IMPORTED_TUPLES = 16;

/**
 * Tuple-return summaries of the functions of other project files that this file calls on the
 * right of an unpacking assignment (`mask, boxes, segments = mask_from_image(img)`), by call node
 * id: read once per scan and function (the other file is loaded and its function summarised by
 * `flow/tuples.ts`), so the flow, which is synchronous, can use them.
 */
async function importedTuples(ctx: RuleContext, ws: FlowWorkspace, idx: FileIndex, imported: ReadonlySet<string>): Promise<Map<number, ForeignTuples>> {
  const out = new Map<number, ForeignTuples>();
  const model = await getFileModel(ctx);
  const keys = new Set<string>();
  for (const a of idx.assigns) {
    if (a.value.type !== 'call' || !isUnpacking(a)) continue;
    const c = callInfoOf(idx, a.value);
    const root = c ? /^[A-Za-z_$][\w$]*/.exec(c.callee)?.[0] : undefined;
    if (!c || !root || !imported.has(root) || calleeFunction(c, idx)) continue;
    const target = importedFunction(ctx, ws, model.imports, c);
    if (!target) continue;
    const key = `${target.rel}#${target.fnName}`;
    if (!keys.has(key) && keys.size >= MAX_IMPORTED_TUPLES) continue;
    keys.add(key);
    const summary = await workspaceMemo<ForeignTuples | undefined>(ws, `tuple-returns:${key}`, undefined, async () => {
      const loaded = await ws.load(target.rel);
      if (!loaded || languageForPath(target.rel)?.family !== 'python') return undefined;
      const fidx = fileIndex(loaded.tree, 'python');
      const fn = functionNamed(fidx, target.fnName);
      return fn?.body && !enclosingFunction(fn.node, fidx) ? foreignTuplesOf(fn, fidx, loaded.tree.rootNode) : undefined;
    });
    if (summary) out.set(a.value.id, summary);
  }
  return out;
}

/**
 * The project file and top-level function a call of an imported name reaches (`f(...)` for
 * `from .m import f`, `m.f(...)` for a module), as `followIntoImports` resolves it.
 */
function importedFunction(ctx: RuleContext, ws: FlowWorkspace, imports: ImportMap, c: CallInfo): { rel: string; fnName: string } | undefined {
  const family = ctx.language.family;
  const root = /^[A-Za-z_$][\w$]*/.exec(c.callee)?.[0];
  const imp = root ? imports.get(root) : undefined;
  if (!root || !imp) return undefined;
  const fnName = c.callee === root ? imp.member ?? root : /\.([A-Za-z_$][\w$]*)$/.exec(c.callee)?.[1];
  if (!fnName || (c.callee !== root && c.callee !== `${root}.${fnName}`)) return undefined;
  const spec = imp.raw ?? imp.module;
  // `from pkg import media` ... `media.save(x)`: the submodule, not the package's `__init__`.
  const sub = family === 'python' && imp.member !== undefined && c.callee !== root ? ws.resolveModule(family, ctx.file, pythonSubmodule(spec, imp.member)) : undefined;
  const rel = sub ?? ws.resolveModule(family, ctx.file, spec);
  return rel && rel !== ctx.file ? { rel, fnName } : undefined;
}

/**
 * Follows values passed to functions imported from the project's own files: the imported
 * function's parameter flow is summarised once per (file, function, argument, modality) and
 * reused; each unlabeled exit it reaches is reported at the call in this file, with the exit in
 * the other file as the last step of the path.
 */
async function followIntoImports(ctx: RuleContext, ws: FlowWorkspace, calls: ForeignCall[]): Promise<void> {
  const model = await getFileModel(ctx);
  const family = ctx.language.family;
  const done = new Set<number>();
  const generating = new Set(ctx.generationCalls.map((g) => g.node.id));
  for (const fc of calls) {
    if (done.has(fc.call.node.id)) continue;
    const targets = family === 'go' ? goTargets(ctx, model, fc.call) : [importedFunction(ctx, ws, model.imports, fc.call)];
    for (const target of targets) {
      if (!target || done.has(fc.call.node.id)) continue;
      await followIntoImport(ctx, ws, fc, target, done, generating.has(fc.call.node.id));
    }
  }
}

/** The other files' Go functions and methods a call runs (see `goCalledDecls`), at most MAX_GO_TARGETS. */
function goTargets(ctx: RuleContext, model: FileModel, c: CallInfo): { rel: string; fnName: string; type?: string }[] {
  // A project's logging helpers (`logger.Errorf(ctx, ...)`, `log.SysError(...)`) write a log,
  // however they write it (a writer that may be a file or the console): not where content is delivered.
  if (!ctx.workspace || LOG_FUNCTIONS.go?.test(c.callee)) return [];
  return goCalledDecls(ctx.workspace, model, ctx.file, c.node)
    .slice(0, MAX_GO_TARGETS)
    .map((d) => ({ rel: d.file, fnName: d.name, ...(d.type !== undefined ? { type: d.type } : {}) }));
}

/** The method `name` of the receiver type `type` (`func (m *Incoming) Reply(...)`) in a Go file. */
function goMethodNamed(idx: FileIndex, type: string, name: string): FunctionInfo | undefined {
  return idx.functions.find((f) => {
    if (f.name !== name || f.node.type !== 'method_declaration') return false;
    let t = f.node.childForFieldName('receiver')?.namedChildren.find((p) => p?.type === 'parameter_declaration')?.childForFieldName('type') ?? null;
    while (t && (t.type === 'pointer_type' || t.type === 'generic_type')) t = t.type === 'generic_type' ? t.childForFieldName('type') ?? t.firstNamedChild : t.lastNamedChild;
    return t?.text === type;
  });
}

/** Follows one call of `followIntoImports` into one function of another file, and reports what it reaches. */
async function followIntoImport(ctx: RuleContext, ws: FlowWorkspace, fc: ForeignCall, target: { rel: string; fnName: string; type?: string }, done: Set<number>, wrapper: boolean): Promise<void> {
  const family = ctx.language.family;
  const { rel, fnName } = target;
  const kw = [...fc.call.kwargs].find(([, v]) => v.id === fc.arg.id)?.[0];
  const argKey = kw ?? String(fc.call.args.findIndex((a) => a.id === fc.arg.id));
  const gen = fc.origin.gen;
  const key = `${rel}#${target.type ?? ''}.${fnName}#${argKey}#${gen.modality}#${fc.origin.explicit}${fc.origin.implicit}`;
  const exits = await foreignSummary(ws, key, async () => {
    const loaded = await ws.load(rel);
    const language = languageForPath(rel);
    if (!loaded || !language || language.family !== family) return [];
    const fidx = fileIndex(loaded.tree, family);
    const fn = target.type !== undefined ? goMethodNamed(fidx, target.type, fnName) : functionNamed(fidx, fnName);
    if (!fn?.body) return [];
    const names = paramsForArgument(fn, fc.call, fc.arg);
    if (names.length === 0) return [];
    const raws: RawFinding[] = [];
    const fctx: RuleContext = { ...ctx, file: rel, text: loaded.model.text, tree: loaded.tree, language, generationCalls: [], report: (f) => raws.push(f) };
    const tasks = new Map<number, Task>();
    const origin: Origin = { ...fc.origin, path: [] };
    for (const name of names) taskIn(tasks, fn).params.push({ name, origin });
    follow(fctx, fidx, environment(fctx, fidx), tasks, undefined);
    return raws.map((r) => ({ file: rel, range: r.range, label: String(r.data?.exit ?? 'an exit'), kind: String(r.data?.sinkKind ?? 'http'), missing: (r.data?.missing ?? 'explicit') as ForeignExit['missing'] }));
  });
  // A helper in another file that only prints what it is given (a tool dispatcher's debug
  // output) is not where the content reaches its audience: only network, file, UI and storage exits count.
  // A generation wrapper given earlier replies (a chat history) sends them to the model as its
  // input: its requests are not content sent out.
  const exit = exits.find((e) => e.kind !== 'terminal' && !(wrapper && e.kind === 'network'));
  if (!exit) return;
  done.add(fc.call.node.id);
  const callName = `${fnName}()`;
  const what = exit.missing === 'both' ? 'an explicit label and implicit label metadata' : exit.missing === 'explicit' ? 'an explicit label' : 'implicit label metadata';
  const steps = [...fc.origin.path];
  ctx.report({
    ruleId: 'aigc-missing-label',
    range: rangeOfNode(fc.call.node),
    message: `Generated ${gen.modality} from ${gen.provider} (${gen.api}) is passed to ${callName} in ${rel}, which sends it out via ${exit.label} (${rel}:${exit.range.start.line + 1}) without ${what}; Labeling Measures Arts. 4-5 require the labels wherever generated content leaves.${steps.length ? ` Path: ${steps.map((p) => `${p.message} (line ${p.node.startPosition.row + 1})`).join(' → ')}.` : ''}`,
    confidence: gen.confidence === 'low' || exit.kind === 'terminal' ? 'low' : 'high',
    generation: { provider: gen.provider, modality: gen.modality, api: gen.api },
    related: [
      { file: ctx.file, range: gen.range, message: `generated here by ${gen.provider} ${gen.api}` },
      ...steps.map((p) => ({ file: ctx.file, range: rangeOfNode(p.node), message: p.message })),
      { file: exit.file, range: exit.range, message: `leaves here via ${exit.label}` },
    ],
    data: { modality: gen.modality, missing: exit.missing, sinkKind: exit.kind, partial: false, hops: steps.length + 1, exitFile: exit.file },
    fingerprintKey: `${exit.kind}:${gen.api}:${rel}`,
  });
}

/** The class a method is defined in (Python `class_definition`, TS/JS `class_declaration`), if any. */
function classOf(fn: FunctionInfo): string | undefined {
  for (let p = fn.node.parent, hops = 0; p && hops < 4; p = p.parent, hops++) {
    if (/^class_(?:definition|declaration)$|^class$/.test(p.type)) return p.childForFieldName('name')?.text ?? undefined;
  }
  return undefined;
}

/** A method called on the instance itself (`self.send(...)`). */
const SELF_METHOD_CALL = /^self\.[A-Za-z_]\w*$/;

/**
 * A method left to subclasses: its body only raises (`raise NotImplementedError`), passes or has
 * a docstring, or it is decorated `@abstractmethod`.
 */
function isAbstract(fn: FunctionInfo): boolean {
  if (fn.decorators.some((d) => /abstractmethod/.test(d))) return true;
  const body = fn.body;
  if (!body) return true;
  return body.namedChildren.every((st) => {
    if (!st || st.type === 'comment' || st.type === 'pass_statement') return true;
    if (st.type === 'raise_statement') return /NotImplemented/.test(st.text);
    return st.type === 'expression_statement' && (st.namedChild(0)?.type === 'string' || st.namedChild(0)?.type === 'ellipsis');
  });
}

/** The class node a Python method is defined in (through its decorators), if any. */
function classNodeOf(fn: FunctionInfo): Node | undefined {
  let p = fn.node.parent;
  if (p?.type === 'decorated_definition') p = p.parent;
  return p?.type === 'block' && p.parent?.type === 'class_definition' ? p.parent : undefined;
}

/** At most this many overriding methods are followed per call (a channel per messaging platform). */
const MAX_OVERRIDES = 12;

const overridesMemo = new OwnedMemo<FileIndex, Map<string, FunctionInfo[]>>();

/**
 * The methods named `method` of the classes of a Python file that derive from one of `bases`
 * (names as the file writes them: `Channel`, `base.Channel`), memoised per file and query. One
 * pass over the file's functions.
 */
function overridesIn(idx: FileIndex, bases: string | readonly string[], method: string): FunctionInfo[] {
  const names = typeof bases === 'string' ? [bases] : bases;
  const key = `${names.join(',')}#${method}`;
  let memo = overridesMemo.get(idx);
  if (!memo) overridesMemo.set(idx, (memo = new Map()));
  let out = memo.get(key);
  if (out) return out;
  out = [];
  for (const f of idx.functions) {
    if (f.name !== method || !f.body || out.length >= MAX_OVERRIDES) continue;
    const cls = classNodeOf(f);
    const supers = cls?.childForFieldName('superclasses')?.namedChildren ?? [];
    if (supers.some((b) => !!b && (b.type === 'identifier' || b.type === 'attribute') && names.includes(b.text)) && !isAbstract(f)) out.push(f);
  }
  memo.set(key, out);
  return out;
}

/**
 * Content a base class passes to `self.<method>(...)` that subclasses in the files importing this
 * one define (`class TelegramChannel(Channel)` with its own `send`): each override continues the
 * flow with the content in the parameter the call fills (per importer, class, method, argument,
 * modality and labels carried); the first unlabeled exit found is reported at the call in the
 * base class, with the override's exit as the last step.
 */
function followIntoSubclasses(ctx: RuleContext, ws: FlowWorkspace, overrides: readonly OverrideCall[]): Promise<void> {
  return followIntoImporterFiles(ctx, ws, overrides, {
    key: (o, rel) => `override:${ctx.file}#${o.className}.${o.method}#${[...o.call.kwargs].find(([, v]) => v.id === o.arg.id)?.[0] ?? o.call.args.findIndex((a) => a.id === o.arg.id)}#${rel}#${o.origin.gen.modality}#${o.origin.explicit}${o.origin.implicit}`,
    exitsIn: (o, importer) => {
      const { rel, loaded } = importer;
      if (ctx.language.family !== 'python') return [];
      const locals = namesInImporter(o.className, ctx.file, rel, 'python', loaded.model.imports, ws);
      if (locals.length === 0) return [];
      const fidx = importer.fidx;
      const found = overridesIn(fidx, locals, o.method);
      const tasks = new Map<number, Task>();
      const origin: Origin = { ...o.origin, path: [] };
      for (const f of found) for (const name of paramsForArgument(f, o.call, o.arg)) taskIn(tasks, f).params.push({ name, origin });
      if (tasks.size === 0) return [];
      return importerExits(ctx, importer, tasks, (offset) => {
        const f = found.find((x) => x.node.startIndex <= offset && offset <= x.node.endIndex) ?? found[0]!;
        return f.node.childForFieldName('name') ?? f.node;
      });
    },
    describe: (o, exit) => ({ how: `is passed to self.${o.method}(), overridden by a subclass of ${o.className} in ${exit.file}`, via: `${o.method}() overrides ${o.className}.${o.method}()`, tag: 'override' }),
  });
}

/** Base classes of other files followed per returning method (a class lists one or two). */
const MAX_BASES = 3;

/**
 * Values that methods of this file return where their class derives from a class imported from
 * another project file (`class OpenAITrans(BaseTrans)` overriding `_item_task`): the base class
 * calls the hook on itself (`result = self._item_task(batch)`) and goes on with what it returns,
 * so those calls seed the base file's flow (per base file, class, method, modality and labels
 * carried, computed once); the first unlabeled exit found there is reported at the return here,
 * unless a finding is already there (`reportedAt`, offsets). One level of bases; the base file's own imports and importers are not followed from here.
 */
async function followIntoBaseClasses(ctx: RuleContext, ws: FlowWorkspace, hooks: readonly ReturnedValue[], reportedAt: ReadonlySet<number>): Promise<void> {
  const model = await getFileModel(ctx);
  const idx = await indexFor(ctx);
  const fileOf = importedFileOf(ws, ctx.file, model.imports);
  const done = new Set<number>();
  const classes = new Map<string, Node>();
  for (const f of idx.functions) {
    const cls = classNodeOf(f);
    const name = cls?.childForFieldName('name')?.text;
    if (cls && name && !classes.has(name)) classes.set(name, cls);
  }
  for (const hook of hooks) {
    // A return already reported where an importer sends it is not reported again.
    if (done.has(hook.at.id) || reportedAt.has(hook.at.startIndex)) continue;
    const supers = classes.get(hook.className!)?.childForFieldName('superclasses')?.namedChildren ?? [];
    let bases = 0;
    for (const sup of supers) {
      const m = sup ? /^([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?$/.exec(sup.text) : null;
      const f = m ? fileOf(m[1]!) : undefined;
      const baseName = m?.[2] ?? f?.member;
      if (!f || !baseName || f.file === ctx.file || (m![2] && f.member)) continue;
      if (++bases > MAX_BASES) break;
      const rel = f.file;
      const key = `hook:${ctx.file}#${hook.className}.${hook.fnName}#${rel}#${baseName}#${hook.origin.gen.modality}#${hook.origin.explicit}${hook.origin.implicit}`;
      const exits = await foreignSummary(ws, key, async () => {
        const loaded = await ws.load(rel);
        const language = languageForPath(rel);
        if (!loaded || !language || language.family !== 'python') return [];
        const fidx = fileIndex(loaded.tree, 'python');
        const calls = fidx.calls.filter((c) => {
          if (c.callee !== `self.${hook.fnName}`) return false;
          const fn = enclosingFunction(c.node, fidx);
          return !!fn && classOf(fn) === baseName;
        });
        if (calls.length === 0) return [];
        const tasks = new Map<number, Task>();
        const origin: Origin = { ...hook.origin, path: [] };
        for (const c of calls) taskIn(tasks, enclosingFunction(c.node, fidx)).seeds.push({ node: c.node, origin });
        return importerExits(ctx, { rel, loaded, language, fidx }, tasks, (offset) => {
          const c = calls.find((x) => {
            const fn = enclosingFunction(x.node, fidx);
            return !!fn && fn.node.startIndex <= offset && offset <= fn.node.endIndex;
          });
          return (c ?? calls[0]!).node;
        });
      });
      const exit = exits.find((e) => e.kind !== 'terminal');
      if (!exit) continue;
      done.add(hook.at.id);
      reportImporterExit(ctx, hook.at, hook.origin, exit, { how: `is returned by ${hook.fnName}() to the base class ${baseName} in ${rel}, which calls it on itself`, via: `self.${hook.fnName}() called here`, tag: 'hook' });
      break;
    }
  }
}

/**
 * The names under which the importer `rel` refers to the top-level `member` of `file`: `f` for a
 * member import (`from .utils import f`, `import { f } from './utils'`), `m.f` for the module
 * (`import utils as m`), and in Python `answers.f` for a submodule bound by `from ..llm import answers`.
 */
function namesInImporter(member: string, file: string, rel: string, family: Family, imports: ImportMap, ws: FlowWorkspace): string[] {
  const out: string[] = [];
  for (const [local, imp] of imports) {
    const spec = imp.raw ?? imp.module;
    if (imp.member === member && ws.resolveModule(family, rel, spec) === file) out.push(local);
    else if (imp.member === undefined && ws.resolveModule(family, rel, spec) === file) out.push(`${local}.${member}`);
    else if (imp.member !== undefined && family === 'python' && ws.resolveModule(family, rel, pythonSubmodule(spec, imp.member)) === file) out.push(`${local}.${member}`);
  }
  return out;
}

/**
 * The callees (`svc.answer`, `this.svc.answer`) under which an importer calls method `method` of
 * class `className` defined in `file`: receivers declared with the class as their type, or
 * assigned an instance of it, in the importer's text. One regular expression per receiver name,
 * memoised, over the text.
 */
function methodCallsOn(className: string, method: string, file: string, rel: string, family: Family, imports: ImportMap, text: string, fidx: FileIndex, ws: FlowWorkspace, built?: Set<string>): string[] {
  const locals = namesInImporter(className, file, rel, family, imports, ws);
  if (locals.length === 0) return [];
  const cls = `(?:${locals.map((l) => l.replace(/[.$]/g, (ch) => `\\${ch}`)).join('|')})`;
  return [...new Set(callsOnInstances(cls, method, family, text, fidx, built).map((c) => c.callee))];
}

/**
 * The calls of method `method` on an instance of the class `cls` (a pattern of its names): on a
 * new instance (`LLMService().answer(q)`, `new LLMService().answer(q)`), or on a receiver
 * (`svc`, `this.svc`, `self.svc`) that the text assigns an instance or declares with the class
 * as its type (`svc: LLMService`, Java's `LLMService svc`). One regular expression per receiver
 * name, memoised, over the text. Callees of instances built here are added to `built`.
 */
function callsOnInstances(cls: string, method: string, family: Family, text: string, fidx: FileIndex, built?: Set<string>): CallInfo[] {
  const out: CallInfo[] = [];
  const memo = new Map<string, boolean | 'built'>();
  for (const c of methodCallsNamed(fidx, method)) {
    if (!c.receiver) continue;
    const recv = c.receiver.text;
    if (new RegExp(`^(?:new\\s+)?${cls}\\s*\\(`).test(recv)) {
      out.push(c);
      built?.add(c.callee);
      continue;
    }
    const name = /^(?:(?:self|this)\.)?([A-Za-z_$][\w$]*)$/.exec(recv)?.[1];
    if (!name) continue;
    let typed = memo.get(name);
    if (typed === undefined) {
      const n = name.replace(/\$/g, '\\$');
      const assigned = new RegExp(`(?<![\\w$])${n}\\s*(?::[^=\\n]{0,80})?=\\s*(?:await\\s+)?(?:new\\s+)?${cls}\\s*\\(`).test(text);
      typed = assigned ? 'built' : new RegExp(family === 'java' ? `(?<![\\w$.])${cls}(?:<[^>\\n]{0,80}>)?\\s+${n}\\b` : `(?<![\\w$.])${n}\\s*\\??\\s*:\\s*(?:Optional\\[|Annotated\\[)?["']?${cls}\\b`).test(text);
      memo.set(name, typed);
    }
    if (typed) out.push(c);
    if (typed === 'built') built?.add(c.callee);
  }
  return out;
}

const callsByMethodName = new OwnedMemo<FileIndex, Map<string, CallInfo[]>>();

/** The calls of a file with a receiver, by method name: one pass over the calls per file, however many methods are asked about. */
function methodCallsNamed(fidx: FileIndex, name: string): readonly CallInfo[] {
  let byName = callsByMethodName.get(fidx);
  if (!byName) {
    byName = new Map();
    for (const c of fidx.calls) {
      if (c.name === c.callee) continue;
      const list = byName.get(c.name);
      if (list) list.push(c);
      else byName.set(c.name, [c]);
    }
    callsByMethodName.set(fidx, byName);
  }
  return byName.get(name) ?? [];
}

/**
 * Same-file calls of a method on instances of its class (`service.ask(q)` after
 * `service = ChatService()`), where the value it returns goes next. `callersOf` takes bare names
 * and `self.`/`this.` calls only: by its name alone, `x.ask(q)` could be any object's method.
 */
function instanceCallers(fn: FunctionInfo, idx: FileIndex, text: string): Node[] {
  const className = classOf(fn);
  if (!className || !fn.name) return [];
  const cls = className.replace(/[$]/g, '\\$');
  return callsOnInstances(cls, fn.name, idx.family, text, idx).filter((c) => !contains(fn.node, c.node)).map((c) => c.node);
}

/** An importer as the workspace loads it, with its language and syntax index (built on first use). */
interface Importer {
  rel: string;
  loaded: NonNullable<Awaited<ReturnType<FlowWorkspace['load']>>>;
  language: NonNullable<ReturnType<typeof languageForPath>>;
  readonly fidx: FileIndex;
}

/** How content of one kind (returned values, handed callbacks) is followed into an importer. */
interface ImporterFollow<T> {
  /** The key of the importer's answer, reused across files and analyses (see `foreignSummary`). */
  key(item: T, rel: string): string;
  /** The exits the content reaches in the importer. */
  exitsIn(item: T, importer: Importer): ForeignExit[];
  /** How the content got there, for the finding. */
  describe(item: T, exit: ForeignExit): { how: string; via: string; tag: string };
}

/**
 * Follows content of this file into the files that import it (the scan's reverse-import index):
 * each importer's answer is computed once per `spec.key` and reused. The first unlabeled exit
 * found is reported once, at the item's node in this file, with the importer's call and exit as
 * the last steps of the path. One level: the importer's own imports and importers are not
 * followed from here.
 */
async function followIntoImporterFiles<T extends { at: Node; origin: Origin }>(ctx: RuleContext, ws: FlowWorkspace, items: readonly T[], spec: ImporterFollow<T>): Promise<void> {
  const importers = ws.importersOf?.(ctx.file) ?? [];
  if (importers.length === 0) return;
  const family = ctx.language.family;
  const done = new Set<number>();
  for (const item of items) {
    if (done.has(item.at.id)) continue;
    for (const rel of importers) {
      const exits = await foreignSummary(ws, spec.key(item, rel), async () => {
        const loaded = await ws.load(rel);
        const language = languageForPath(rel);
        if (!loaded || !language || language.family !== family) return [];
        return spec.exitsIn(item, {
          rel,
          loaded,
          language,
          get fidx() {
            return fileIndex(loaded.tree, family);
          },
        });
      });
      // As for imported helpers: an importer that only prints the content is not where it reaches its audience.
      const exit = exits.find((e) => e.kind !== 'terminal');
      if (!exit) continue;
      done.add(item.at.id);
      reportImporterExit(ctx, item.at, item.origin, exit, spec.describe(item, exit));
      break;
    }
  }
}

/**
 * Runs the flow of `tasks` in an importer and returns the exits it reports, each with the call of
 * this file's function that brought the content there (`callFor` the exit's offset).
 */
function importerExits(ctx: RuleContext, importer: Importer, tasks: Map<number, Task>, callFor: (offset: number) => Node): ForeignExit[] {
  const raws: RawFinding[] = [];
  const { rel, loaded, language, fidx } = importer;
  const fctx: RuleContext = { ...ctx, file: rel, text: loaded.model.text, tree: loaded.tree, language, generationCalls: [], report: (f) => raws.push(f) };
  follow(fctx, fidx, environment(fctx, fidx), tasks, undefined);
  return raws.map((r) => ({ file: rel, range: r.range, label: String(r.data?.exit ?? 'an exit'), kind: String(r.data?.sinkKind ?? 'http'), missing: (r.data?.missing ?? 'explicit') as ForeignExit['missing'], via: { range: rangeOfNode(callFor(r.range.startOffset)) } }));
}

/**
 * Values that functions of this file return, followed to their callers in the importers: there,
 * the calls of the function are seeds of the importer's flow (per importer, function, modality and
 * labels carried); the finding is at the return in this file.
 */
function followIntoImporters(ctx: RuleContext, ws: FlowWorkspace, returned: readonly ReturnedValue[]): Promise<void> {
  return followIntoImporterFiles(ctx, ws, returned, {
    key: (rv, rel) => `returned:${ctx.file}#${rv.className ?? ''}.${rv.fnName}#${rel}#${rv.origin.gen.modality}#${rv.origin.explicit}${rv.origin.implicit}#${rv.ownGen}`,
    exitsIn: (rv, importer) => {
      const { rel, loaded, fidx } = importer;
      const family = ctx.language.family;
      // The local names under which the importer calls the function (`f(...)`, `m.f(...)`).
      const callees = new Set(namesInImporter(rv.fnName, ctx.file, rel, family, loaded.model.imports, ws));
      // A method is called on instances of its class: `svc.answer(q)` where `svc: LLMService`
      // (a typed parameter, FastAPI's `Depends`, a TypeScript parameter property) or
      // `svc = LLMService(...)`. Its body generating does not make these calls generation calls
      // in the importer (the generation rule does not follow typed receivers into methods).
      // A Python method that generates, called on an instance the importer builds
      // (`self.renderer = Renderer(cfg)`), is a generation call there (the generation rule's
      // wrappers): the importer's own flow reports its exits, so it is not followed from here.
      const built = family === 'python' && rv.ownGen ? new Set<string>() : undefined;
      if (rv.className) for (const c of methodCallsOn(rv.className, rv.fnName, ctx.file, rel, family, loaded.model.imports, loaded.model.text, fidx, ws, built)) if (!built?.has(c)) callees.add(c);
      if (callees.size === 0) return [];
      const tasks = new Map<number, Task>();
      const origin: Origin = { ...rv.origin, path: [] };
      const registries = registriesHolding(fidx, callees);
      const calls = fidx.calls.filter((c) => ((!rv.ownGen || (rv.className && c.name === rv.fnName)) && callees.has(c.callee)) || registries.has(c.callee));
      for (const c of calls) taskIn(tasks, enclosingFunction(c.node, fidx)).seeds.push({ node: c.node, origin });
      if (tasks.size === 0) return [];
      // The call that received the value: the one in the function holding the exit, else the first.
      return importerExits(ctx, importer, tasks, (offset) => {
        const c = calls.find((x) => {
          const fn = enclosingFunction(x.node, fidx);
          return fn ? fn.node.startIndex <= offset && offset <= fn.node.endIndex : false;
        });
        return (c ?? calls[0]!).node;
      });
    },
    describe: (rv, exit) => ({ how: `is returned by ${rv.fnName}() to ${exit.file}`, via: `${rv.fnName}() called here`, tag: 'returned' }),
  });
}

/**
 * Content a top-level function of this file hands to a function its caller gives it
 * (`process?.(partial)`, `push(delta)`), followed into the importers: there, the functions given
 * for that slot at the calls of the function continue the flow with the content in their
 * parameter (per importer, function, slot, modality and labels carried); the finding is at the
 * call of the given function in this file.
 */
function followCallbacksIntoImporters(ctx: RuleContext, ws: FlowWorkspace, handed: readonly HandedCallback[]): Promise<void> {
  return followIntoImporterFiles(ctx, ws, handed, {
    key: (h, rel) => `handed:${ctx.file}#${h.fnName}#${h.slot.position}.${h.slot.key ?? ''}#${h.argIndex}#${rel}#${h.origin.gen.modality}#${h.origin.explicit}${h.origin.implicit}`,
    exitsIn: (h, importer) => {
      const { rel, loaded } = importer;
      const callees = new Set(namesInImporter(h.fnName, ctx.file, rel, ctx.language.family, loaded.model.imports, ws));
      if (callees.size === 0) return [];
      const fidx = importer.fidx;
      const tasks = new Map<number, Task>();
      const origin: Origin = { ...h.origin, path: [] };
      const calls: { node: Node; cb: FunctionInfo }[] = [];
      for (const c of fidx.calls) {
        if (!callees.has(c.callee)) continue;
        const cb = slotFunction(c, h.slot, fidx);
        if (!cb) continue;
        calls.push({ node: c.node, cb });
        for (const name of parameterNames(cb)[h.argIndex] ?? []) taskIn(tasks, cb).params.push({ name, origin });
      }
      if (tasks.size === 0) return [];
      return importerExits(ctx, importer, tasks, (offset) => (calls.find((x) => x.cb.node.startIndex <= offset && offset <= x.cb.node.endIndex) ?? calls[0]!).node);
    },
    describe: (h, exit) => ({
      how: `is handed to the function ${exit.file} gives ${h.fnName}() (${h.slot.key ?? `argument ${h.slot.position + 1}`})`,
      via: `${h.fnName}() called here with the function`,
      tag: 'handed',
    }),
  });
}

/**
 * Reports content of this file that leaves, unlabeled, in a file that imports it: at `at` (the
 * return or the call of the given function), with the path in this file, the importer's call and
 * the exit. `how` says how the content got to the importer.
 */
function reportImporterExit(ctx: RuleContext, at: Node, origin: Origin, exit: ForeignExit, parts: { how: string; via: string; tag: string }): void {
  const gen = origin.gen;
  const what = exit.missing === 'both' ? 'an explicit label and implicit label metadata' : exit.missing === 'explicit' ? 'an explicit label' : 'implicit label metadata';
  const steps = origin.path;
  ctx.report({
    ruleId: 'aigc-missing-label',
    range: rangeOfNode(at),
    message: `Generated ${gen.modality} from ${gen.provider} (${gen.api}) ${parts.how}, which sends it out via ${exit.label} (${exit.file}:${exit.range.start.line + 1}) without ${what}; Labeling Measures Arts. 4-5 require the labels wherever generated content leaves.${steps.length ? ` Path: ${steps.map((p) => `${p.message} (line ${p.node.startPosition.row + 1})`).join(' → ')}.` : ''}`,
    confidence: gen.confidence === 'low' ? 'low' : 'high',
    generation: { provider: gen.provider, modality: gen.modality, api: gen.api },
    related: [
      { file: ctx.file, range: gen.range, message: `generated here by ${gen.provider} ${gen.api}` },
      ...steps.map((p) => ({ file: ctx.file, range: rangeOfNode(p.node), message: p.message })),
      ...(exit.via ? [{ file: exit.file, range: exit.via.range, message: parts.via }] : []),
      { file: exit.file, range: exit.range, message: `leaves here via ${exit.label}` },
    ],
    data: { modality: gen.modality, missing: exit.missing, sinkKind: exit.kind, partial: false, hops: steps.length + 1, exitFile: exit.file },
    fingerprintKey: `${exit.kind}:${gen.api}:${parts.tag}:${exit.file}`,
  });
}

/**
 * Calls through a registry that holds one of `names` (`TOOLS = {"draw": draw_image}`, a module
 * level dict or list): `TOOLS[name](...)` and `TOOLS.get(name)(...)`, as the index writes their
 * callees. Dynamic dispatch of tools and handlers reaches the function this way.
 */
function registriesHolding(fidx: FileIndex, names: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const a of fidx.assigns) {
    if (a.targets.length !== 1 || (a.value.type !== 'dictionary' && a.value.type !== 'object' && a.value.type !== 'list' && a.value.type !== 'array')) continue;
    const holds = a.value.namedChildren.some((e) => {
      const v = e?.type === 'pair' ? e.childForFieldName('value') : e;
      return !!v && v.type === 'identifier' && names.has(v.text);
    });
    if (holds) for (const callee of [`${a.targets[0]}[]`, `${a.targets[0]}.get()`]) out.add(callee);
  }
  return out;
}

function runTask(ctx: RuleContext, idx: FileIndex, env: Env, task: Task, reported: Set<number>, seen: Set<string>, nextTask: (fn: FunctionInfo | null) => Task, propagate: boolean, foreign: Foreign | undefined): void {
  const fnKey = task.fn ? task.fn.node.id : -1;
  const seeds = task.seeds.filter((s) => {
    const k = `${fnKey}:${s.node.id}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  }).sort((a, b) => a.node.startIndex - b.node.startIndex || b.node.endIndex - a.node.endIndex);
  const params = task.params.filter((p) => {
    const k = `${fnKey}:p:${p.name}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  if (seeds.length === 0 && params.length === 0) return;
  const origins = [...seeds.map((s) => s.origin), ...params.map((p) => p.origin)];
  const elements = new Map<number, readonly number[]>();
  for (const sd of seeds) if (sd.origin.element) elements.set(sd.node.id, sd.origin.element);
  const flow = flowFromSeeds(seeds.map((s) => s.node), params.map((p, i) => ({ name: p.name, source: seeds.length + i })), task.fn, idx, ctx.tree.rootNode, writtenPaths(seeds, env, () => memoryBuffers(idx, within(idx.assigns, (task.fn?.node ?? ctx.tree.rootNode).startIndex, (task.fn?.node ?? ctx.tree.rootNode).endIndex, nodeOfAssign))), elements, env.tuples);
  const originOf = (n: Node): Origin => origins[Math.max(0, sourceOf(flow, n))]!;
  const sinks = findSinks(flow, idx, env);
  // A generation call that writes its own output (`tts_to_file(..., file_path=out)`) is an exit too.
  for (const s of seeds) {
    if (s.origin.gen.node.id !== s.node.id || sinks.some((k) => k.node.id === s.node.id)) continue;
    const c = env.callAt(s.node);
    if (c && GENERATION_WRITES.test(c.name) && bufferTargets(flow, c).length === 0) sinks.push({ node: s.node, kind: 'file', label: 'the generation call writing its output to a file' });
    else if (c && handsToCallbacks(c, flow, idx)) sinks.push({ node: s.node, kind: 'ui', label: 'callbacks given to the generation call (onUpdate/onFinish)' });
  }
  for (const sink of sinks) {
    if (reported.has(sink.node.id)) continue;
    if (check(ctx, idx, env, flow, originOf(sink.node), sink, sinks)) reported.add(sink.node.id);
  }
  if (!propagate) return;
  const sinkIds = new Set(sinks.map((s) => s.node.id));
  const toolReturns = new Set(sinks.filter((s) => s.label.startsWith(TOOL_OUTPUT)).map((s) => s.node.id));
  // A value returned from a function that is not itself an exit continues at its callers.
  // An agent tool's return is its output, and is also what the code that dispatches it goes on
  // with: both are followed (a dispatcher that shows it says more about where it goes).
  const handler = flow.fn ? env.handlers.get(flow.fn.node.id) : undefined;
  if (flow.fn && flow.returns.length > 0 && (!handler || handler.startsWith(TOOL_OUTPUT))) {
    // Each source returned goes back to its own callers: a value made here to every caller, a
    // value that came in through a parameter only to the call that passed it (so a helper that
    // returns whatever `method(...)` gives is not a source for its other callers).
    const done = new Set<number>();
    const elementsOf = returnedElements(flow);
    for (const r of flow.returns) {
      const src = Math.max(0, sourceOf(flow, r));
      if (done.has(src)) continue;
      done.add(src);
      const from = origins[src]!;
      const passed = passOn(ctx, idx, env, flow, from, r, `returned by ${flow.fn.name ?? 'a function'}()`);
      if (!passed) continue;
      const element = elementsOf.get(src);
      const origin: Origin = element ? { ...passed, element } : passed;
      const passedAt = src >= seeds.length ? from.path[from.path.length - 1]?.node : undefined;
      const direct = passedAt ? [passedAt] : flow.fn.name ? [...callersOf(flow.fn, idx), ...instanceCallers(flow.fn, idx, ctx.text)] : callTakingCallback(flow.fn);
      // A named function nothing calls directly may be handed by name to a runner that calls it.
      const callers = direct.length > 0 || passedAt || !flow.fn.name ? direct : callsTakingByName(flow.fn, idx, ctx.text);
      for (const caller of callers) nextTask(enclosingFunction(caller, idx)).seeds.push({ node: caller, origin });
      // A public generator that yields content made here and is iterated nowhere in this file is
      // a streaming interface: its consumer (a UI loop, a streaming response, often reached by
      // dynamic dispatch from another file) shows each yielded value, so the yield is the exit.
      if (direct.length === 0 && !passedAt && (r.type === 'yield' || r.type === 'yield_expression') && flow.fn.name && !flow.fn.name.startsWith('_') && !reported.has(r.id) && !sinkIds.has(r.id)) {
        const sink: Sink = { node: r, kind: 'stream', label: `values yielded by ${flow.fn.name}() to the code iterating it` };
        if (check(ctx, idx, env, flow, originOf(r), sink, [...sinks, sink])) reported.add(r.id);
      }
      // A top-level function that returns generated content and that nothing here calls is
      // called from other files: followed into the files that import this one, after this file.
      // A function whose own body generates is left to the importer, whose generation rule sees
      // its call as a generation call (a wrapper) and reports the exit there: reported once.
      // Such a function is still followed where an importer calls it through a registry
      // (`TOOLS = {"draw": draw}` ... `TOOLS[name](args)`), which no generation rule sees.
      // A tool's own output exit is held back until this is known (see `run`), so it does not stop it.
      // Content derived from another file's generation is reported by each file it reaches
      // (see flow/plugins.ts): the importers find it themselves.
      if (direct.length === 0 && !passedAt && foreign && !isDerived(from.gen) && flow.fn.name && !flow.fn.name.startsWith('_') && !enclosingFunction(flow.fn.node, idx) && ((!reported.has(r.id) && !sinkIds.has(r.id)) || toolReturns.has(r.id))) {
        const className = classOf(flow.fn);
        foreign.returned.push({ fnName: flow.fn.name, at: r, origin, ownGen: enclosingFunction(from.gen.node, idx) === flow.fn, ...(className ? { className } : {}) });
      }
      // A method that overrides a hook of a base class of another file (`_item_task`, often
      // private) returns to that base class's `self._item_task(...)` calls (a template method):
      // followed into the base class's file after this file.
      if (direct.length === 0 && !passedAt && foreign && idx.family === 'python' && !isDerived(from.gen) && flow.fn.name && !reported.has(r.id) && !sinkIds.has(r.id)) {
        const cls = classNodeOf(flow.fn);
        const className = cls?.childForFieldName('name')?.text;
        if (className && cls?.childForFieldName('superclasses')) foreign.hooks.push({ fnName: flow.fn.name, at: r, origin, ownGen: false, className });
      }
    }
  }
  if (flow.fn) followHandedCallbacks(ctx, idx, env, flow, origins, sinkIds, nextTask, foreign);
  // An argument passed to a same-file function continues in that function's parameter.
  for (const c of within(idx.calls, flow.scope.startIndex, flow.scope.endIndex, nodeOfCall)) {
    if (sinkIds.has(c.node.id) || c.args.length + c.kwargs.size === 0) continue;
    const callee = calleeFunction(c, idx);
    if (!flow.fn && enclosingFunction(c.node, idx)) continue;
    // Go calls another file's code without naming a file: a function of the package declared
    // elsewhere (`send(x)`), or a method of a value of a project type (`msg.Reply(x)`).
    const goCall = env.family === 'go' && !callee && GO_PLAIN_CALL.test(c.callee);
    if (!callee && foreign && (goCall || foreign.imported.has(/^[A-Za-z_$][\w$]*/.exec(c.callee)?.[0] ?? '')) && !env.labelCall(c)) {
      // Possibly a function of another project file: followed after this file (see followIntoImports).
      for (const arg of [...c.args, ...c.kwargs.values()]) {
        const src = sourceOf(flow, arg);
        if (src < 0) continue;
        const origin = passOn(ctx, idx, env, flow, origins[src]!, c.node, `passed to ${c.callee}()`);
        if (origin) foreign.calls.push({ call: c, arg, origin: { ...origin, path: origin.path.slice(0, -1) } });
        break;
      }
      continue;
    }
    // `self.send(reply)` in a base class whose own `send` is abstract or absent runs the
    // subclasses' overrides: those of this file continue the flow here, those of the files that
    // import this one are followed after it (`followIntoSubclasses`).
    if (idx.family === 'python' && flow.fn && SELF_METHOD_CALL.test(c.callee) && (!callee || isAbstract(callee))) {
      const className = classOf(flow.fn);
      if (className) {
        for (const arg of [...c.args, ...c.kwargs.values()]) {
          const src = sourceOf(flow, arg);
          if (src < 0) continue;
          const origin = passOn(ctx, idx, env, flow, origins[src]!, c.node, `passed to ${c.callee}(), which subclasses of ${className} define`);
          if (!origin) break;
          for (const o of overridesIn(idx, className, c.name)) for (const name of paramsForArgument(o, c, arg)) nextTask(o).params.push({ name, origin });
          if (foreign) foreign.overrides.push({ className, method: c.name, call: c, arg, at: c.node, origin: { ...origin, path: origin.path.slice(0, -1) } });
          break;
        }
        continue;
      }
    }
    if (!callee || callee === flow.fn || contains(callee.node, c.node)) continue;
    for (const arg of [...c.args, ...c.kwargs.values()]) {
      const src = sourceOf(flow, arg);
      if (src < 0) continue;
      const names = paramsForArgument(callee, c, arg);
      if (names.length === 0) continue;
      const origin = passOn(ctx, idx, env, flow, origins[src]!, c.node, `passed to ${callee.name ?? 'a function'}()`);
      if (origin) for (const name of names) nextTask(callee).params.push({ name, origin });
    }
  }
  // A module-level result (`pipe = Pipeline.from_pretrained(...)`, a model object) is used
  // inside functions: each use there is followed in its own function, so labels in one
  // function never count for another.
  if (!flow.fn && flow.names.size > 0) {
    const moduleNames = new Set<string>();
    for (const a of idx.assigns) if (!enclosingFunction(a.node, idx)) for (const t of a.targets) if (flow.names.has(t)) moduleNames.add(t);
    if (moduleNames.size === 0) return;
    for (const c of idx.calls) {
      const root = /^[A-Za-z_$][\w$]*/.exec(c.callee)?.[0];
      if (!root || !moduleNames.has(root) || !(c.callee === root || c.callee.startsWith(`${root}(`) || c.callee.startsWith(`${root}.`))) continue;
      const fn = enclosingFunction(c.node, idx);
      if (fn) nextTask(fn).seeds.push({ node: c.node, origin: { ...origins[flow.origin.get(root) ?? 0]!, path: [] } });
    }
  }
}

/** Where a function's caller gives it a function: the argument position, and the options key when it is an entry of an options object. */
interface CallbackSlot {
  position: number;
  key?: string;
}

const callbackSlotMemo = new OwnedMemo<FunctionInfo, Map<string, CallbackSlot>>();

/**
 * The names under which `fn` can call a function its caller gave it: a parameter (`push`), a
 * name destructured from an options parameter in the signature (`({ onChunk })`) or in the body
 * (`const { process } = options`, `const emit = options.emit`). A member of a parameter
 * (`options.process`) is looked up by `callbackSlotOf`. One pass over the function's
 * assignments, memoised per function.
 */
function callbackSlots(fn: FunctionInfo, idx: FileIndex): Map<string, CallbackSlot> {
  let out = callbackSlotMemo.get(fn);
  if (out) return out;
  out = new Map();
  const declared = (fn.node.childForFieldName('parameters') ?? fn.node.childForFieldName('parameter'))?.namedChildren.filter((p) => p && p.type !== 'comment') ?? [];
  const plain = new Map<string, number>();
  parameterNames(fn).forEach((names, position) => {
    const pattern = /^\s*\{/.test(declared[position]?.text ?? '');
    for (const name of names) out!.set(name, pattern ? { position, key: name } : { position });
    if (!pattern && names.length === 1) plain.set(names[0]!, position);
  });
  if (plain.size > 0) {
    for (const a of within(idx.assigns, fn.node.startIndex, fn.node.endIndex, nodeOfAssign)) {
      if (enclosingFunction(a.node, idx) !== fn) continue;
      const m = /^([A-Za-z_$][\w$]*)(?:\??\.([A-Za-z_$][\w$]*))?$/.exec(a.value.text);
      const position = m ? plain.get(m[1]!) : undefined;
      if (position === undefined) continue;
      if (m![2] && a.targets.length === 1) out.set(a.targets[0]!, { position, key: m![2] });
      else if (!m![2] && /^\s*(?:const|let|var)?\s*\{/.test(a.node.text)) for (const t of a.targets) out.set(t, { position, key: t });
    }
  }
  callbackSlotMemo.set(fn, out);
  return out;
}

/** The slot a call's callee names in `fn` (`push(x)`, `process?.(x)`, `options.onChunk?.(x)`), if any. */
function callbackSlotOf(c: CallInfo, fn: FunctionInfo, idx: FileIndex): CallbackSlot | undefined {
  const m = /^([A-Za-z_$][\w$]*)(?:\.([A-Za-z_$][\w$]*))?$/.exec(c.callee.replace(/\?/g, ''));
  if (!m) return undefined;
  const slots = callbackSlots(fn, idx);
  const slot = slots.get(m[1]!);
  if (!slot) return undefined;
  if (!m[2]) return slot;
  return slot.key === undefined ? { position: slot.position, key: m[2] } : undefined;
}

/**
 * The function a caller gives for a slot: the argument itself (a function literal, a variable
 * holding one, a same-file function by name) or the slot's entry of an options object literal.
 */
function slotFunction(call: CallInfo, slot: CallbackSlot, idx: FileIndex): FunctionInfo | undefined {
  const arg = call.args[slot.position];
  if (!arg) return undefined;
  if (arg.type === 'object') {
    if (slot.key === undefined) return undefined;
    const entry = keyedLiteralOf(idx, arg)?.entries.find((e) => e.key === slot.key);
    return entry?.value ? callbackFunction(entry.value, call.node, idx) : undefined;
  }
  return callbackFunction(arg, call.node, idx);
}

/**
 * Generated content handed to a function the caller gave (`push(delta)`, `process?.(partial)`
 * after `const { process } = options`) goes wherever that function sends it. Same-file callers'
 * functions continue the flow with the content in their parameter at the same position; callers
 * in the files that import this one are followed after the file (`followCallbacksIntoImporters`).
 * Calls that are exits by themselves (`options.onFinish(x)`) are not looked at again.
 */
function followHandedCallbacks(ctx: RuleContext, idx: FileIndex, env: Env, flow: Flow, origins: readonly Origin[], sinkIds: ReadonlySet<number>, nextTask: (fn: FunctionInfo | null) => Task, foreign: Foreign | undefined): void {
  const fn = flow.fn!;
  if (callbackSlots(fn, idx).size === 0) return;
  const top = fn.name && !fn.name.startsWith('_') && !enclosingFunction(fn.node, idx);
  for (const c of within(idx.calls, flow.scope.startIndex, flow.scope.endIndex, nodeOfCall)) {
    if (sinkIds.has(c.node.id) || c.args.length === 0) continue;
    const slot = callbackSlotOf(c, fn, idx);
    if (!slot) continue;
    const argIndex = c.args.findIndex((a) => sourceOf(flow, a) >= 0);
    if (argIndex < 0) continue;
    const from = origins[Math.max(0, sourceOf(flow, c.args[argIndex]!))]!;
    const origin = passOn(ctx, idx, env, flow, from, c.node, `handed to ${c.callee.replace(/\?/g, '')}(), the function the caller gave`);
    if (!origin) continue;
    for (const caller of fn.name ? callersOf(fn, idx) : []) {
      const ci = env.callAt(caller);
      const cb = ci ? slotFunction(ci, slot, idx) : undefined;
      if (cb && !contains(cb.node, c.node)) for (const name of parameterNames(cb)[argIndex] ?? []) nextTask(cb).params.push({ name, origin });
    }
    if (top && foreign && !isDerived(from.gen)) foreign.callbacks.push({ fnName: fn.name!, slot, argIndex, at: c.node, origin: { ...origin, path: origin.path.slice(0, -1) } });
  }
}

/** Keyword arguments that name the file a call writes to. */
const PATH_KWARG = /^(?:file_?path|filepath|file_?name|filename|path|out(?:put)?_?(?:path|file)?|save_?path|dest(?:ination)?|target_?path|wav_?path|audio_?path)$/i;

/**
 * For generation calls that write their own output (`tts.tts_to_file(text, file_path=out)`):
 * the path argument, so the flow follows the written file by its name (a handler that returns
 * the path shows the generated file). The path is the keyword argument naming a file, else the
 * last positional argument when there are two or more, or an in-memory buffer given alone.
 */
function writtenPaths(seeds: readonly { node: Node; origin: Origin }[], env: Env, scopeBuffers: () => ReadonlyMap<string, string>): WrittenPath[] {
  const out: WrittenPath[] = [];
  const sorted = seeds.map((s) => s.node).sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
  for (const s of seeds) {
    if (s.origin.gen.node.id !== s.node.id) continue;
    const c = env.callAt(s.node);
    if (!c || !GENERATION_WRITES.test(c.name)) continue;
    // A buffer given as the only argument (`tts.write_to_fp(buf)`) holds the output as a path names the file.
    const path = [...c.kwargs].find(([k]) => PATH_KWARG.test(k))?.[1] ?? (c.args.length >= 2 ? c.args[c.args.length - 1] : c.args.find((a) => a.type === 'identifier' && scopeBuffers().has(a.text)));
    if (path && !isStringNode(path, env.family)) out.push({ path, after: s.node.endIndex, source: sorted.indexOf(s.node) });
  }
  return out;
}

/**
 * The call an anonymous function is an argument of (`run_in_executor(None, lambda: pipe(p))`,
 * `items.map((x) => generate(x))`, `Thread(target=lambda: ...)`): what the callback returns
 * becomes that call's result, so the value continues there.
 */
function callTakingCallback(fn: FunctionInfo): Node[] {
  let p = fn.node.parent;
  if (p?.type === 'keyword_argument') p = p.parent;
  if (!p || (p.type !== 'argument_list' && p.type !== 'arguments')) return [];
  const call = p.parent;
  return call && /call/.test(call.type) ? [call] : [];
}

/**
 * A streaming helper given the caller's callbacks (`stream(url, body, options)` where the function
 * also calls `options.onFinish(...)`, or `{ onUpdate: ..., onFinish: ... }` inline) hands the
 * generated output to them, and through them to the UI.
 */
function handsToCallbacks(c: CallInfo, flow: Flow, idx: FileIndex): boolean {
  const keys = CALLBACK_KEYS[idx.family];
  if (!keys) return false;
  for (const a of c.args) {
    if (a.type === 'object') {
      if (keyedLiteralOf(idx, a)?.entries.some((e) => keys.test(e.key))) return true;
    } else if (a.type === 'identifier' && callbackObjects(flow, keys).has(a.text)) return true;
  }
  return false;
}

const callbackMemo = new WeakMap<Flow, Set<string>>();

/** Names in the flow's scope whose UI callbacks are called (`options` in `options.onFinish(x)`), once per flow. */
function callbackObjects(flow: Flow, keys: RegExp): Set<string> {
  let names = callbackMemo.get(flow);
  if (!names) {
    names = new Set();
    for (const m of flow.scope.text.matchAll(/(?<![\w$.])([A-Za-z_$][\w$]*)\s*\.\s*(on[A-Z][\w$]*)/g)) if (keys.test(m[2]!)) names.add(m[1]!);
    callbackMemo.set(flow, names);
  }
  return names;
}

/**
 * The origin a value carries into the next function, or undefined when it stops here. Labels
 * applied before it leaves this function (a helper that prepends "AI生成" and returns) travel
 * with it, so an exit further on needs only what is still missing.
 */
/**
 * For each source a function returns, the tuple positions that carry it when every return of
 * that source is a tuple written out (`return frames, path, progress`); sources returned whole
 * anywhere are absent (the whole value carries it).
 */
function returnedElements(flow: Flow): Map<number, readonly number[]> {
  const out = new Map<number, number[]>();
  const whole = new Set<number>();
  for (const r of flow.returns) {
    const src = Math.max(0, sourceOf(flow, r));
    const expr = r.type === 'return_statement' ? r.namedChild(0) : null;
    if (!expr || (expr.type !== 'expression_list' && expr.type !== 'tuple')) {
      whole.add(src);
      continue;
    }
    const items = expr.namedChildren;
    const carrying: number[] = [];
    items.forEach((item, i) => {
      if (item && carries(flow, item)) carrying.push(i);
    });
    if (carrying.length === 0 || carrying.length === items.length) whole.add(src);
    else out.set(src, [...new Set([...(out.get(src) ?? []), ...carrying])].sort((a, b) => a - b));
  }
  for (const src of whole) out.delete(src);
  return out;
}

function passOn(ctx: RuleContext, idx: FileIndex, env: Env, flow: Flow, origin: Origin, at: Node, message: string): Origin | undefined {
  const ev = labelEvidence(ctx, idx, env, flow, { node: at, kind: 'http', label: message }, []);
  const explicit = origin.explicit || ev.explicit === 'full';
  const implicit = origin.implicit || ev.implicit === 'full';
  if (explicit && implicit) return undefined;
  return { gen: origin.gen, path: [...origin.path, { node: at, message }], depth: origin.depth + 1, explicit, implicit };
}

interface Env {
  family: FileIndex['family'];
  callSinks: CallSinkSpec[];
  assignSinks: typeof ASSIGN_SINKS;
  /** React state setters (`setText` from `const [text, setText] = useState()`). */
  setters: Set<string>;
  /** What a call writes into a client state store the UI renders, if it does (see `storeWriter`). */
  storeWrite(c: CallInfo): string | undefined;
  /** Node ids of the file's generation calls: a request that asks a model is not content sent out. */
  generating: ReadonlySet<number>;
  /** Functions whose return value is the response or UI output (route handlers, Gradio fns). */
  handlers: Map<number, string>;
  labelFunctions: RegExp | undefined;
  /**
   * Sink patterns a call matches, label facts about a call, string or key/value literal: computed
   * on first use and memoised, so only the functions the generated values pass through are examined.
   */
  sinkSpecs(c: CallInfo): CallSinkSpec[];
  labelCall(c: CallInfo): LabelCallCandidate | undefined;
  isLabelString(n: Node): boolean;
  labelKeys(k: KeyedLiteral): { node: Node; kind: 'explicit' | 'implicit'; label: string }[];
  /** The index's call record of a node, if it is a call. */
  callAt(n: Node): CallInfo | undefined;
  /** Tuple-return summaries for unpacked calls (same-file functions; imported ones once read, see `importedTuples`). */
  tuples: TupleHook;
  itemMemo: Map<string, LabelItem[]>;
  helperMemo: Map<number, LabelItem[]>;
  labelNameMemo: Map<number, boolean>;
}

interface LabelCallCandidate {
  call: CallInfo;
  declared: boolean;
  explicit: string[];
  /** Label builders and in-value watermarks: count only when connected to the output. */
  implicit: string[];
  /** Writers onto the file or response (EXIF insert, exiftool, C2PA sign, AIGC header). */
  implicitContainer: string[];
  /** Implicit labels from keyword arguments (`aigc_meta=...`, `watermark=True`). */
  kwExplicit: string[];
  kwImplicit: string[];
  helper: FunctionInfo | undefined;
}

function environment(ctx: RuleContext, idx: FileIndex): Env {
  const family = idx.family;
  const setters = new Set<string>();
  if (family === 'js' && /useState/.test(ctx.text)) {
    for (const a of idx.assigns) {
      const callee = a.value.type === 'call_expression' ? a.value.childForFieldName('function')?.text ?? '' : '';
      if (STATE_HOOK.test(callee) && a.targets.length === 2) setters.add(a.targets[1]!);
    }
  }
  const storeWrite = storeWriter(idx, family, ctx.text);
  const handlers = new Map<number, string>();
  const route = ROUTE_DECORATORS[family];
  for (const f of idx.functions) {
    if (route && f.decorators.some((d) => route.test(d))) handlers.set(f.node.id, 'route handler return');
    if (family === 'js' && f.name && NEXT_HANDLER.test(f.name) && f.decorators.includes('export')) handlers.set(f.node.id, 'Next.js route handler return');
  }
  // A `'use server'` file: every exported function is a server action whose result goes to the browser.
  const directive = HANDLER_DIRECTIVES[family];
  if (directive && directive.test(ctx.text.slice(0, 200).replace(/^(?:\s*\/\/[^\n]*\n|\s*\/\*[\s\S]*?\*\/)*/, ''))) {
    for (const f of idx.functions) if (f.decorators.includes('export') || f.node.parent?.parent?.parent?.type === 'export_statement') handlers.set(f.node.id, 'Next.js server action result');
  }
  // Methods of a service class (`class TTS(pb2_grpc.TTSServicer)`) answer remote callers with what they return or yield.
  const base = HANDLER_BASES[family];
  if (base) {
    for (const f of idx.functions) {
      const cls = f.node.parent?.type === 'block' ? f.node.parent.parent : f.node.parent?.type === 'decorated_definition' && f.node.parent.parent?.type === 'block' ? f.node.parent.parent.parent : null;
      const supers = cls?.type === 'class_definition' ? cls.childForFieldName('superclasses')?.text ?? '' : '';
      if (supers && base.test(supers)) handlers.set(f.node.id, 'gRPC service response');
    }
  }
  const tools = TOOL_HANDLERS[family];
  if (tools) for (const id of toolFunctions(idx, tools)) if (!handlers.has(id)) handlers.set(id, TOOL_OUTPUT);
  if (family === 'python' && /gradio|\bgr\./.test(ctx.text)) {
    // Functions wired into Gradio (`gr.Interface(fn=generate)`, `btn.click(generate, ...)`) render what they return.
    const names = new Set<string>();
    for (const c of idx.calls) {
      if (!UI_REGISTRATION.test(c.callee)) continue;
      const fnArg = c.kwargs.get('fn') ?? c.args[0];
      if (fnArg?.type === 'identifier') names.add(fnArg.text);
    }
    for (const f of idx.functions) if (f.name && names.has(f.name)) handlers.set(f.node.id, 'Gradio output');
  }
  const setting = typeof ctx.config.rules['aigc-missing-label'] === 'object' ? ctx.config.rules['aigc-missing-label'] : undefined;
  const terminal = setting?.terminalExits !== false;
  // Gated rows (a chat platform SDK's send methods) apply only in files that import the SDK: one test of the file text per row.
  const callSinks = [...CALL_SINKS, ...configuredSinks(setting)].filter((s) => s.families.includes(family) && (terminal || s.kind !== 'terminal') && (!s.gate || testLines(s.gate, ctx.text)));
  const labelFunctions = namesPattern(ctx.config.labelFunctions);
  const cat = labelCatalog();
  const sinkMemo = new Map<number, CallSinkSpec[]>();
  const labelMemo = new Map<number, LabelCallCandidate | undefined>();
  const stringMemo = new Map<number, boolean>();
  const keyedMemo = new Map<number, { node: Node; kind: 'explicit' | 'implicit'; label: string }[]>();
  let aliases: Map<string, string> | undefined;
  const sinkSpecs = (c: CallInfo): CallSinkSpec[] => {
    let specs = sinkMemo.get(c.node.id);
    if (!specs) {
      const matching = (callee: string): CallSinkSpec[] => callSinks.filter((sp) => !(sp.isNew && !c.isNew) && sp.callee.test(callee) && !(sp.exclude && sp.exclude.test(callee)));
      specs = matching(c.callee);
      // A module imported under a name of the file's own (`import torchaudio as ta`): the rows
      // name the module, so its calls are matched as the module's (`ta.save` as `torchaudio.save`).
      const root = /^[A-Za-z_]\w*(?=\.)/.exec(c.callee)?.[0];
      if (root && family === 'python') {
        aliases ??= moduleAliases(ctx.text);
        const module = aliases.get(root);
        if (module) specs = [...new Set([...specs, ...matching(module + c.callee.slice(root.length))])];
      }
      sinkMemo.set(c.node.id, specs);
    }
    return specs;
  };
  const labelCall = (c: CallInfo): LabelCallCandidate | undefined => {
    if (labelMemo.has(c.node.id)) return labelMemo.get(c.node.id);
    const declared = !!labelFunctions?.test(c.callee);
    const explicit = cat.explicitCalls.filter((l) => l.callee.test(c.callee) && (!l.argText || c.args.some((a) => l.argText!.test(a.text)))).map((l) => l.label);
    const implicitMatches = cat.implicitCalls.filter((l) => l.callee.test(c.callee) && (!l.receiver || (c.receiver && l.receiver.test(c.receiver.text)) || l.receiver.test(c.callee)) && (!l.argText || c.args.some((a) => l.argText!.test(a.text))));
    const implicit = implicitMatches.filter((l) => !l.container).map((l) => l.label);
    const implicitContainer = implicitMatches.filter((l) => l.container).map((l) => l.label);
    const kwExplicit: string[] = [];
    const kwImplicit: string[] = [];
    for (const [k, v] of c.kwargs) {
      for (const l of cat.implicitKeys) if (l.key.test(k) && (!l.valueText || l.valueText.test(v.text))) kwImplicit.push(l.label);
      for (const l of cat.explicitKeys) if (l.key.test(k) && (!l.valueText || l.valueText.test(v.text))) kwExplicit.push(l.label);
    }
    const helper = sameFileFunction(c, idx);
    const cand = declared || explicit.length || implicitMatches.length || kwExplicit.length || kwImplicit.length || helper ? { call: c, declared, explicit, implicit, implicitContainer, kwExplicit, kwImplicit, helper } : undefined;
    labelMemo.set(c.node.id, cand);
    return cand;
  };
  const isLabelString = (n: Node): boolean => {
    let r = stringMemo.get(n.id);
    if (r === undefined) {
      const v = stringValue(n);
      r = cat.explicitText.some((re) => re.test(v));
      stringMemo.set(n.id, r);
    }
    return r;
  };
  const labelKeys = (k: KeyedLiteral): { node: Node; kind: 'explicit' | 'implicit'; label: string }[] => {
    const known = keyedMemo.get(k.node.id);
    if (known) return known;
    const r: { node: Node; kind: 'explicit' | 'implicit'; label: string }[] = [];
    // The keys first: a literal none of whose keys is a label key keeps its nodes unmoved.
    keyedKeys(k).forEach((key, i) => {
      const implicit = cat.implicitKeys.filter((l) => l.key.test(key));
      const explicit = cat.explicitKeys.filter((l) => l.key.test(key));
      if (!implicit.length && !explicit.length) return;
      const e = k.entries[i]!;
      const value = e.value?.text ?? '';
      for (const l of implicit) if (!l.valueText || l.valueText.test(value)) r.push({ node: e.keyNode, kind: 'implicit', label: l.label });
      for (const l of explicit) if (!l.valueText || l.valueText.test(value)) r.push({ node: e.keyNode, kind: 'explicit', label: l.label });
    });
    keyedMemo.set(k.node.id, r);
    return r;
  };
  return { family, callSinks, assignSinks: ASSIGN_SINKS.filter((x) => x.families.includes(family)), setters, storeWrite, generating: new Set(ctx.generationCalls.map((g) => g.node.id)), handlers, labelFunctions, sinkSpecs, labelCall, isLabelString, labelKeys, callAt: (n) => callInfoOf(idx, n), tuples: sameFileTuples(idx, ctx.tree.rootNode), itemMemo: new Map(), helperMemo: new Map(), labelNameMemo: new Map() };
}

/**
 * Client state stores as exits: a chat page streams the completion into a store (a zustand store,
 * a pinia store) and the components subscribed to it render each update. A call writes into one
 * when it calls an action read from a store hook (`const setChats = useStore((s) => s.setChats)`,
 * `const { updateChat } = useChatStore()`), a method of the whole store (`const chat = useChatStore();
 * chat.updateMessage(...)`), or the store's static API (`useStore.getState().setChats(...)`,
 * `useStore.setState(...)`). The hooks and static members are data (`clientStores` in sinks.json).
 * One pass over the file's declarations; each call is then two set lookups and a regex.
 */
function storeWriter(idx: FileIndex, family: Family, text: string): (c: CallInfo) => string | undefined {
  const spec = CLIENT_STORES[family];
  if (!spec || !testLines(spec.gate, text)) return () => undefined;
  // Names bound to something a store hook gave: called themselves (an action) ...
  const actions = new Set<string>();
  // ... or, bound to the whole store, with methods called on them.
  const wholes = new Set<string>();
  for (const a of idx.assigns) {
    if (a.node.type !== 'variable_declarator' || a.value.type !== 'call_expression') continue;
    const hook = a.value.childForFieldName('function')?.text ?? '';
    if (!spec.hooks.test(hook)) continue;
    for (const t of a.targets) actions.add(t);
    const left = a.node.childForFieldName('name');
    if (left?.type === 'identifier' && (a.value.childForFieldName('arguments')?.namedChildCount ?? 0) === 0) wholes.add(left.text);
  }
  // The store's own actions (`create((set, get) => ({ send: async (q) => { ... set(...) } }))`, a
  // slice creator `(set, get) => ({ ... })`): `set(...)` and `get().action(...)` inside write it.
  const creators = spec.creator && spec.creator.imports.test(text) ? idx.functions.filter((f) => spec.creator!.setter.test(f.params[0] ?? '')).map((f) => f.node) : [];
  const inCreator = (c: CallInfo): boolean => creators.length > 0 && spec.creator!.calls.test(c.callee) && creators.some((n) => contains(n, c.node));
  const hooksAndStatics = (c: CallInfo): boolean => {
    const dot = c.callee.indexOf('.');
    return dot > 0 && spec.hooks.test(c.callee.slice(0, dot)) && spec.members.test(c.callee.slice(dot + 1));
  };
  return (c) => {
    if (actions.has(c.callee)) return `${spec.label}: ${c.callee}()`;
    const dot = c.callee.indexOf('.');
    if (dot > 0 && c.callee.indexOf('.', dot + 1) < 0 && wholes.has(c.callee.slice(0, dot))) return `${spec.label}: ${c.callee}()`;
    return hooksAndStatics(c) || inCreator(c) ? `${spec.label}: ${c.callee}()` : undefined;
  };
}

/**
 * Python modules the file imports under another name, by that name: `import torchaudio as ta`
 * gives `ta` → `torchaudio`, `from scipy.io import wavfile as wv` gives `wv` → `wavfile` (the
 * name the catalog's rows use). One pass over the text's import lines.
 */
function moduleAliases(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^[ \t]*import[ \t]+([A-Za-z_][\w.]*)[ \t]+as[ \t]+([A-Za-z_]\w*)[ \t]*(?:#.*)?$/gm)) if (m[2] !== m[1]) out.set(m[2]!, m[1]!);
  for (const m of text.matchAll(/^[ \t]*from[ \t]+[A-Za-z_][\w.]*[ \t]+import[ \t]+([A-Za-z_]\w*)[ \t]+as[ \t]+([A-Za-z_]\w*)[ \t]*(?:#.*)?$/gm)) if (m[2] !== m[1]) out.set(m[2]!, m[1]!);
  return out;
}

/**
 * Functions registered as agent tools: decorated (`@tool`, `@mcp.tool()`, a project's
 * `@register_tool`), or handed to a registering call by name, inline, or under a function key
 * (`StructuredTool.from_function(func=lookup)`, `server.tool("draw", schema, async (a) => ...)`,
 * `tool({ execute: async (a) => ... })`). What they return is the tool's output, which agent UIs show.
 */
function toolFunctions(idx: FileIndex, spec: ToolHandlerSpec): Set<number> {
  const out = new Set<number>();
  if (spec.decorators) for (const f of idx.functions) if (f.decorators.some((d) => spec.decorators!.test(d))) out.add(f.node.id);
  if (!spec.registrations) return out;
  const take = (n: Node | null | undefined): void => {
    if (!n) return;
    const f = idx.fnById.get(n.id) ?? (n.type === 'identifier' ? functionNamed(idx, n.text) : undefined);
    if (f) out.add(f.node.id);
  };
  const keyed = spec.functionKeys;
  for (const c of idx.calls) {
    if (!spec.registrations.test(c.callee)) continue;
    for (const a of c.args) {
      take(a);
      // An options object: `tool({ description, inputSchema, execute: async (input) => ... })`.
      if (keyed && a.type === 'object') {
        for (const pair of a.namedChildren) {
          if (pair?.type === 'pair' && keyed.test(pair.childForFieldName('key')?.text ?? '')) take(pair.childForFieldName('value'));
          else if (pair?.type === 'method_definition' && keyed.test(pair.childForFieldName('name')?.text ?? '')) take(pair);
        }
      }
    }
    if (keyed) for (const [k, v] of c.kwargs) if (keyed.test(k)) take(v);
  }
  return out;
}

function callCarries(flow: Flow, c: CallInfo): boolean {
  if (c.args.some((a) => carries(flow, a))) return true;
  for (const v of c.kwargs.values()) if (carries(flow, v)) return true;
  return false;
}

/** URL arguments taken whole from a value (`prediction.urls.get`, `statusUrl`), not built around content. */
const PLAIN_URL = /^(?:identifier|member_expression|attribute|subscript|subscript_expression|selector_expression|field_access)$/;
/** What such an argument is named when it is a URL (a request's first argument is not always one: `SetBody(card)`). */
const URL_NAME = /(?:url|uri|href|endpoint|link|location)s?\b|\burls\b/i;

/**
 * A request that polls an asynchronous generation job: what it sends of the flow is the job's
 * handle (`{"task_ids": [task_id]}`), or its URL is one the provider returned for the job
 * (`fetch(prediction.urls.get)`), with no content in its other arguments. Its response is the
 * job's result, which the flow follows on as before.
 */
function pollsJob(flow: Flow, c: CallInfo): boolean {
  const [url, ...rest] = c.args;
  if (rest.some((a) => carriesContent(flow, a))) return false;
  for (const v of c.kwargs.values()) if (carriesContent(flow, v)) return false;
  // A URL built around the content (`?text=${reply}`) sends it.
  return !url || !carriesContent(flow, url) || (PLAIN_URL.test(url.type) && URL_NAME.test(url.text));
}

function findSinks(flow: Flow, idx: FileIndex, env: Env): Sink[] {
  const found = findSinksIn(flow, idx, env);
  // At module level only module-level code counts; functions are followed from their own uses.
  return flow.fn ? found : found.filter((s) => !enclosingFunction(s.node, idx));
}

function findSinksIn(flow: Flow, idx: FileIndex, env: Env): Sink[] {
  const out: Sink[] = [];
  const scope = flow.scope;
  for (const c of within(idx.calls, scope.startIndex, scope.endIndex, nodeOfCall)) {
    if (c.node === flow.seed) continue;
    const specs = env.sinkSpecs(c);
    const store = env.storeWrite(c);
    if (specs.length === 0 && !env.setters.has(c.callee) && !store) continue;
    if (env.setters.has(c.callee) && callCarries(flow, c)) {
      out.push({ node: c.node, kind: 'ui', label: `React state ${c.callee}()` });
      continue;
    }
    if (store && callCarries(flow, c)) {
      out.push({ node: c.node, kind: 'ui', label: store });
      continue;
    }
    for (const s of specs) {
      // A conversation sent back to the model (the history with earlier replies) is its input;
      // a request that polls an asynchronous job for its result sends no content anywhere.
      if (s.kind === 'network' && (env.generating.has(c.node.id) || pollsJob(flow, c))) continue;
      // A write into an in-memory buffer keeps the content in the program (taint.ts moves it into the buffer).
      if (s.kind === 'file' && bufferTargets(flow, c).length > 0) continue;
      if (s.firstArg && !(c.args[0] && s.firstArg.test(c.args[0].text))) continue;
      if (s.argText && !c.args.some((a) => s.argText!.test(a.text))) continue;
      const hit = s.receiver ? !!c.receiver && carries(flow, c.receiver) : callCarries(flow, c);
      if (!hit) continue;
      out.push({ node: c.node, kind: s.kind, label: s.label });
      break;
    }
  }
  for (const a of env.assignSinks.length ? within(idx.assigns, scope.startIndex, scope.endIndex, nodeOfAssign) : []) {
    const s = env.assignSinks.find((x) => x.left.test(a.leftText));
    if (s && carries(flow, a.value)) out.push({ node: a.node, kind: s.kind, label: s.label });
  }
  const handler = flow.fn ? env.handlers.get(flow.fn.node.id) : undefined;
  if (handler) {
    for (const r of flow.returns) {
      // `return jsonify(text)` is already the jsonify sink.
      if (out.some((s) => contains(r, s.node))) continue;
      out.push({ node: r, kind: handler.startsWith('Gradio') || handler.startsWith(TOOL_OUTPUT) ? 'ui' : 'http', label: handler });
    }
  }
  return dropWrappers(out, idx, scope);
}

/**
 * A response wrapping a stream whose chunks already leave through a sink (`new Response(body)`
 * around `controller.enqueue(chunk)`, inline or through a variable) is the same output again:
 * the inner, more specific place is kept. Sorting and one sweep keep this linear in the sinks.
 */
function dropWrappers(found: Sink[], idx: FileIndex, scope: Node): Sink[] {
  if (found.length < 2) return found;
  const out = [...found].sort((a, b) => a.node.startIndex - b.node.startIndex || b.node.endIndex - a.node.endIndex);
  const outer = new Set<number>();
  const open: Sink[] = [];
  for (const s of out) {
    while (open.length > 0 && !contains(open[open.length - 1]!.node, s.node)) open.pop();
    for (const o of open) if (o.node.id !== s.node.id) outer.add(o.node.id);
    open.push(s);
  }
  // Names assigned a value that holds another sink (`const body = new ReadableStream({... enqueue ...})`).
  const starts = out.map((s) => s.node.startIndex);
  const wrapping = new Map<string, number[]>();
  for (const a of within(idx.assigns, scope.startIndex, scope.endIndex, nodeOfAssign)) {
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! < a.value.startIndex) lo = mid + 1;
      else hi = mid;
    }
    const inner: number[] = [];
    for (let i = lo; i < out.length && starts[i]! < a.value.endIndex; i++) if (out[i]!.node.endIndex <= a.value.endIndex) inner.push(out[i]!.node.id);
    if (inner.length) for (const t of a.targets) wrapping.set(t, [...(wrapping.get(t) ?? []), ...inner]);
  }
  return out.filter((s) => {
    if (outer.has(s.node.id)) return false;
    if (wrapping.size === 0) return true;
    return !identifiers(s.node.text).some((n) => (wrapping.get(n) ?? []).some((id) => id !== s.node.id));
  });
}

/** Node kinds whose children are alternative branches (the condition itself is not a branch). */
const BRANCH_PARENTS = new Set(['if_statement', 'else_clause', 'elif_clause', 'ternary_expression', 'conditional_expression', 'switch_case', 'switch_default', 'case_clause', 'expression_case', 'default_case', 'switch_block_statement_group', 'case_block', 'match_statement', 'type_case', 'communication_case']);

/** True when `e` sits in a branch that does not also contain `sink` (so some path skips it). */
function conditional(e: Node, sink: Node, scope: Node): boolean {
  for (let p: Node | null = e; p && p.id !== scope.id; p = p.parent) {
    const parent: Node | null = p.parent;
    if (!parent || !BRANCH_PARENTS.has(parent.type)) continue;
    if (parent.childForFieldName('condition')?.id === p.id) continue;
    if (!contains(p, sink)) return true;
  }
  return false;
}

const IDENT = /(?<![\w$.])[A-Za-z_$][\w$]*/g;

function identifiers(text: string): string[] {
  return text.match(IDENT) ?? [];
}

/**
 * Names the sink's value is built from: those it mentions, then (backwards through assignments
 * in the scope) the names their values mention. Label evidence must touch one of them.
 */
function relevantNames(idx: FileIndex, flow: Flow, sink: Node): Set<string> {
  const names = new Set(identifiers(sink.text));
  const assigns = within(idx.assigns, flow.scope.startIndex, sink.startIndex, nodeOfAssign);
  // Statement-level calls that fill a relevant object (`req.from_json_string(json.dumps(params))`).
  const fills = within(idx.calls, flow.scope.startIndex, sink.startIndex, nodeOfCall).filter((c) => c.receiver && c.node.parent && /statement$/.test(c.node.parent.type));
  const add = (text: string): boolean => {
    let changed = false;
    for (const n of identifiers(text)) {
      if (!names.has(n)) {
        names.add(n);
        changed = true;
      }
    }
    return changed;
  };
  for (let round = 0; round < 3; round++) {
    let changed = false;
    for (const a of assigns) if (a.targets.some((t) => names.has(t))) changed = add(a.value.text) || changed;
    for (const c of fills) {
      const root = /^[A-Za-z_$][\w$]*/.exec(c.receiver!.text)?.[0];
      if (root && names.has(root)) for (const arg of c.args) changed = add(arg.text) || changed;
    }
    if (!changed) break;
  }
  return names;
}

/** A piece of label evidence in a scope, found once per scope and tested against each exit. */
interface LabelItem {
  at: Node;
  kind: 'explicit' | 'implicit';
  what: string;
  /** `linked`: must act on the exit's value; `container`: also counts when written onto the file or response. */
  mode: 'linked' | 'container';
  /** The same-file helper whose body supplied it (not counted for exits inside that helper). */
  helper?: FunctionInfo;
}

/**
 * Label evidence between the start of the scope and its end: label texts, label keys, label
 * calls, and labels added inside same-file helpers called there (two levels deep). Computed once
 * per scope, so a function with many exits is read once.
 */
function labelItems(idx: FileIndex, env: Env, flow: Flow): LabelItem[] {
  const key = `${flow.scope.id}:${flow.seed.startIndex}`;
  const memo = env.itemMemo.get(key);
  if (memo) return memo;
  const items: LabelItem[] = [];
  const start = Math.min(flow.fn?.body?.startIndex ?? flow.scope.startIndex, flow.seed.startIndex);
  collectItems(idx, env, start, flow.scope.endIndex, items, undefined, 0);
  env.itemMemo.set(key, items);
  return items;
}

function collectItems(idx: FileIndex, env: Env, from: number, to: number, items: LabelItem[], anchor: { node: Node; helper: FunctionInfo } | undefined, depth: number): void {
  const push = (at: Node, kind: 'explicit' | 'implicit', what: string, mode: 'linked' | 'container'): void => {
    items.push(anchor ? { at: anchor.node, kind, what, mode: 'linked', helper: anchor.helper } : { at, kind, what, mode });
  };
  for (const str of within(idx.strings, from, to, nodeSelf)) if (env.isLabelString(str)) push(str, 'explicit', 'label text', 'linked');
  for (const lit of within(idx.keyed, from, to, nodeOfKeyed)) for (const k of env.labelKeys(lit)) push(k.node, k.kind, k.label, 'linked');
  for (const call of within(idx.calls, from, to, nodeOfCall)) {
    const cand = env.labelCall(call);
    if (!cand) continue;
    const c = cand.call;
    if (cand.declared) {
      push(c.node, 'explicit', `${c.callee}()`, 'container');
      push(c.node, 'implicit', `${c.callee}()`, 'container');
      continue;
    }
    for (const l of cand.explicit) push(c.node, 'explicit', l, 'linked');
    for (const l of cand.implicit) push(c.node, 'implicit', l, 'linked');
    for (const l of cand.implicitContainer) push(c.node, 'implicit', l, 'container');
    for (const l of cand.kwExplicit) push(c.node, 'explicit', l, 'linked');
    for (const l of cand.kwImplicit) push(c.node, 'implicit', l, 'linked');
    // A same-file helper called on the path: the labels its body adds count at the call.
    const helper = cand.helper;
    if (depth < 2 && helper && !(anchor && helper === anchor.helper)) {
      for (const it of helperItems(idx, env, helper, depth + 1)) items.push({ at: anchor?.node ?? c.node, kind: it.kind, what: it.what, mode: 'linked', helper: anchor?.helper ?? helper });
    }
  }
}

/** Labels a helper's body adds (its inferred "labeling function" summary), memoised per helper. */
function helperItems(idx: FileIndex, env: Env, helper: FunctionInfo, depth: number): LabelItem[] {
  let items = env.helperMemo.get(helper.node.id);
  if (!items) {
    items = [];
    env.helperMemo.set(helper.node.id, items);
    collectItems(idx, env, helper.node.startIndex, helper.node.endIndex, items, { node: helper.node, helper }, depth);
  }
  return items;
}

/** Whether the scope mentions a label constant or a label-named identifier at all (once per scope). */
function scopeNamesLabel(env: Env, flow: Flow, constants: string[]): boolean {
  let r = env.labelNameMemo.get(flow.scope.id);
  if (r === undefined) {
    const cat = labelCatalog();
    const consts = new Set(constants);
    r = identifiers(flow.scope.text).some((n) => consts.has(n) || cat.explicitNames.test(n));
    env.labelNameMemo.set(flow.scope.id, r);
  }
  return r;
}

function labelEvidence(ctx: RuleContext, idx: FileIndex, env: Env, flow: Flow, sink: Sink, allSinks: Sink[]): Evidence {
  const cat = labelCatalog();
  const ev: Evidence = { explicit: 'none', implicit: 'none', found: [] };
  const note = (kind: 'explicit' | 'implicit', at: Node, what: string): void => {
    const status: Status = conditional(at, sink.node, flow.scope) ? 'partial' : 'full';
    if (ev[kind] !== 'full') ev[kind] = status;
    ev.found.push(`${what}${status === 'partial' ? ' (one branch)' : ''}`);
  };
  const items = labelItems(idx, env, flow);
  // Label constants need the names the sink is built from; nothing else to do without items.
  const names = labelConstants(idx, ctx.text);
  if (items.length === 0 && !scopeNamesLabel(env, flow, names)) return ev;
  const relevant = relevantNames(idx, flow, sink.node);
  if (items.length > 0) {
    const scopeAssigns = within(idx.assigns, flow.scope.startIndex, flow.scope.endIndex, nodeOfAssign);
    const scopeCalls = within(idx.calls, flow.scope.startIndex, flow.scope.endIndex, nodeOfCall);
    const otherSinks = allSinks.filter((x) => x.node.id !== sink.node.id);
    const mentionsRelevant = (n: Node): boolean => identifiers(n.text).some((i) => relevant.has(i));
    // A label written to the same output as the content (`res.write("AI生成")` before or after the
    // streamed chunks) labels that output.
    const sinkRoot = sinkReceiverRoot(sink.node, idx);
    /**
     * Whether evidence at `n` acts on this output: inside the sink or the generation call, in a
     * value assigned to a name the sink is built from, or in a statement-level call that works on
     * the generated value in place (`draw.text(...)`, `add_watermark(img)`) and is not itself
     * another output.
     */
    const connected = (n: Node): boolean => {
      if (contains(sink.node, n) || contains(flow.seed, n)) return true;
      if (sinkRoot) for (const o of otherSinks) if (contains(o.node, n) && sinkReceiverRoot(o.node, idx) === sinkRoot) return true;
      for (const a of scopeAssigns) if (contains(a.value, n) && a.targets.some((t) => relevant.has(t))) return true;
      for (const c of scopeCalls) {
        if (c.node.startIndex > n.startIndex) break;
        if (!contains(c.node, n)) continue;
        if (otherSinks.some((o) => contains(o.node, c.node))) return false;
        const stmt = c.node.parent;
        if (stmt && /statement$|^block$/.test(stmt.type) && ((c.receiver && (carries(flow, c.receiver) || mentionsRelevant(c.receiver))) || c.args.some((x) => carries(flow, x) || mentionsRelevant(x)))) return true;
      }
      return false;
    };
    // Metadata writers and header setters act on the file path or the response, not on the value.
    const actsOnContainer = sink.kind === 'file' || sink.kind === 'http' || sink.kind === 'network' || sink.kind === 'storage';
    const linked = new Map<number, boolean>();
    for (const it of items) {
      if (it.helper && contains(it.helper.node, sink.node)) continue;
      let ok = linked.get(it.at.id);
      if (ok === undefined) {
        ok = connected(it.at);
        linked.set(it.at.id, ok);
      }
      if (ok || (it.mode === 'container' && actsOnContainer)) note(it.kind, it.at, it.what);
    }
  }
  // A module-level label constant (`LABEL = "【AI生成】"`) or a label-named identifier imported
  // from elsewhere (`EXPLICIT_LABEL`) used in the sink or its inputs.
  if (ev.explicit !== 'full') {
    for (const name of names) if (relevant.has(name)) note('explicit', sink.node, `label constant ${name}`);
    for (const name of relevant) if (cat.explicitNames.test(name)) note('explicit', sink.node, `label constant ${name}`);
  }
  void ctx;
  return ev;
}

/** `res` in `res.write(x)`, `controller` in `controller.enqueue(x)`: the output a sink writes to. */
function sinkReceiverRoot(n: Node, idx: FileIndex): string | undefined {
  const c = within(idx.calls, n.startIndex, n.endIndex, nodeOfCall)[0];
  if (!c || c.node.id !== n.id || !c.receiver) return undefined;
  return /^[A-Za-z_$][\w$]*/.exec(c.receiver.text)?.[0];
}

const labelConstCache = new OwnedMemo<FileIndex, string[]>();

/** Names assigned a label text anywhere in the file (`text`, the file's text). */
function labelConstants(idx: FileIndex, text: string): string[] {
  let names = labelConstCache.get(idx);
  if (!names) {
    const cat = labelCatalog();
    names = [];
    // A string's value is its text without the quotes, so a label text in one is in the file's
    // text too (the patterns' word boundaries fall on the quotes): most files have none at all.
    if (cat.explicitText.some((re) => testLines(re, text))) {
      for (const a of idx.assigns) {
        if (a.targets.length !== 1 || !/^[A-Za-z_$][\w$]*$/.test(a.targets[0]!) || enclosingFunction(a.node, idx)) continue;
        if (isStringNode(a.value, idx.family) && cat.explicitText.some((re) => re.test(stringValue(a.value)))) names.push(a.targets[0]!);
      }
    }
    labelConstCache.set(idx, names);
  }
  return names;
}

function sameFileFunction(c: CallInfo, idx: FileIndex): FunctionInfo | undefined {
  if (!/^(?:(?:this|self)\.)?[A-Za-z_$][\w$]*$/.test(c.callee)) return undefined;
  return functionNamed(idx, c.name);
}

function required(modality: Modality, sink: SinkKind, ctx: RuleContext): { explicit: boolean; implicit: boolean } {
  const provider = ctx.config.roles.some((r) => r === 'service-provider' || r === 'technical-supporter');
  if (!provider || sink === 'terminal') return { explicit: true, implicit: false };
  if (modality === 'text') return { explicit: true, implicit: sink === 'file' };
  return { explicit: true, implicit: true };
}

function check(ctx: RuleContext, idx: FileIndex, env: Env, flow: Flow, origin: Origin, sink: Sink, sinks: Sink[]): boolean {
  const gen = origin.gen;
  const need = required(gen.modality, sink.kind, ctx);
  const ev = labelEvidence(ctx, idx, env, flow, sink, sinks);
  const missingExplicit = need.explicit && ev.explicit !== 'full' && !origin.explicit;
  const missingImplicit = need.implicit && ev.implicit !== 'full' && !origin.implicit;
  if (!missingExplicit && !missingImplicit) return false;
  const partial = (!missingExplicit || ev.explicit === 'partial') && (!missingImplicit || ev.implicit === 'partial');
  const missing = missingExplicit && missingImplicit ? 'both' : missingExplicit ? 'explicit' : 'implicit';
  const what = missing === 'both' ? 'an explicit label and implicit label metadata' : missing === 'explicit' ? 'an explicit label (visible "AI生成"/"AI-generated" text or watermark)' : 'implicit label metadata (GB 45438 AIGC metadata, C2PA, or an invisible watermark)';
  const why = gen.modality === 'text'
    ? sink.kind === 'file'
      ? 'Labeling Measures Art. 4 require an explicit label on generated text and Art. 5 implicit metadata in files'
      : 'Labeling Measures Art. 4 require an explicit label at the start, end or middle of generated text shown to users'
    : `Labeling Measures Arts. 4-5 and GB 45438 require both an explicit label and implicit metadata for generated ${gen.modality}`;
  // A terminal is seen by whoever runs the program (often its developer): reported, one step lighter.
  const base: Confidence = gen.confidence === 'low' || sink.kind === 'terminal' ? 'low' : partial ? 'medium' : 'high';
  const via = origin.path.length > 0 ? ` Path: ${origin.path.map((p) => `${p.message} (line ${p.node.startPosition.row + 1})`).join(' → ')}.` : '';
  ctx.report({
    ruleId: 'aigc-missing-label',
    range: rangeOfNode(sink.node),
    message: `Generated ${gen.modality} from ${gen.provider} (${gen.api}) leaves via ${sink.label} without ${what}${partial ? ' on every path (a label is applied only on some branches)' : ''}; ${why}.${via}`,
    confidence: base,
    generation: { provider: gen.provider, modality: gen.modality, api: gen.api },
    related: [
      { file: ctx.file, range: gen.range, message: `generated here by ${gen.provider} ${gen.api}` },
      ...origin.path.map((p) => ({ file: ctx.file, range: rangeOfNode(p.node), message: p.message })),
    ],
    data: { modality: gen.modality, missing, sinkKind: sink.kind, exit: sink.label, partial, ...(origin.path.length ? { hops: origin.path.length } : {}) },
    fingerprintKey: `${sink.kind}:${gen.api}`,
  });
  void idx;
  return true;
}

/**
 * Output read back from the session a generation call was made on (flow/sessions.ts: a realtime
 * session's events, a vLLM engine's `step()`): a read seeds the flow of the function it is in, a
 * listener's callback gets its content parameters.
 */
function seedSessionOutputs(tasks: Map<number, Task>, idx: FileIndex, ctx: RuleContext): void {
  for (const out of sessionOutputs(idx, ctx.generationCalls, ctx.tree.rootNode, ctx.text)) {
    const origin: Origin = { gen: out.gen, path: [{ node: out.at, message: out.label }], depth: 1, explicit: false, implicit: false };
    if (out.seed) taskIn(tasks, enclosingFunction(out.seed, idx)).seeds.push({ node: out.seed, origin });
    const fn = out.callback?.fn ?? (out.callback?.arg ? callbackFunction(out.callback.arg, out.at, idx) : undefined);
    if (!fn || !out.callback) continue;
    const byPos = parameterNames(fn);
    for (const i of out.callback.params) for (const name of byPos[i] ?? []) taskIn(tasks, fn).params.push({ name, origin });
  }
}
