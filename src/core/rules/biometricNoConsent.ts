/**
 * `biometric-no-consent` (Deep Synthesis Provisions Art. 14; Art. 17 conspicuous labels for face
 * and voice; EU AI Act Art. 50(4)): face swap, reenactment/talking heads, face attribute editing
 * and voice cloning from a reference speaker, with no check of the depicted person's separate
 * consent on the path (earlier in the function or in a same-file caller).
 *
 * The operations come from data/biometric.json. Library-specific entries are gated on the library
 * appearing in the file; generic names (`face_swap`) give medium confidence and are skipped when
 * they call a same-file helper that already holds a specific site, so one operation is one finding.
 */
import type { Node, Tree } from 'web-tree-sitter';
import bioData from '../../../data/biometric.json';
import { catalog } from '../analysis/catalog';
import { rememberByText } from '../analysis/textMemo';
import { getFileModel } from '../analysis/model';
import { rangeOfNode } from '../position';
import type { Confidence } from '../types';
import type { Rule, RuleContext } from './rule';
import { type CallInfo, type FileIndex, callInfoOf, contains, enclosingFunction, indexFor, isStringNode, keyedKeys, keyedLiteralOf, nodeOfAssign, nodeOfCall, stringValue, within } from './flow/ast';
import { callersOf } from './flow/taint';
import { UI_REGISTRATION, compilePattern } from './flow/catalog';
import { consultedOnPath, namesPattern } from './flow/guards';
import { mayApply, registerKeywords, testLines } from './flow/text';
import { instanceUses } from './recbio/instances';

export type Kind = 'face-swap' | 'reenactment' | 'face-edit' | 'face-identity' | 'voice-clone';

interface Operation {
  name: string;
  kind: Kind;
  families: string[];
  gate?: RegExp;
  callee?: RegExp;
  receiver?: RegExp;
  argText?: RegExp;
  commandText?: RegExp;
  key?: RegExp;
  kwarg?: string;
  kwargPattern?: RegExp;
  minArgs?: number;
  /** The callee builds or loads a model; the edit happens where these methods of the instance are called. */
  instanceMethods?: RegExp;
  /** In a file that defines the operation itself (a function named like `callee`), the model call inside it. */
  engine?: RegExp;
  confidence: Confidence;
  generic: boolean;
  fallback: boolean;
}

interface RawOperation {
  name: string;
  kind: string;
  families: string[];
  gate?: string;
  callee?: string;
  receiver?: string;
  argText?: string;
  commandText?: string;
  key?: string;
  kwarg?: string;
  kwargPattern?: string;
  minArgs?: number;
  instanceMethods?: string;
  engine?: string;
  confidence: string;
  generic?: boolean;
  fallback?: boolean;
}

const OPERATIONS: Operation[] = (bioData.operations as RawOperation[]).map((o) => ({
  name: o.name,
  kind: o.kind as Kind,
  families: o.families,
  ...(o.gate ? { gate: compilePattern(o.gate) } : {}),
  ...(o.callee ? { callee: compilePattern(o.callee) } : {}),
  ...(o.receiver ? { receiver: compilePattern(o.receiver) } : {}),
  ...(o.argText ? { argText: compilePattern(o.argText) } : {}),
  ...(o.commandText ? { commandText: compilePattern(o.commandText) } : {}),
  ...(o.key ? { key: compilePattern(o.key) } : {}),
  ...(o.kwarg ? { kwarg: o.kwarg } : {}),
  ...(o.kwargPattern ? { kwargPattern: compilePattern(o.kwargPattern) } : {}),
  ...(o.minArgs ? { minArgs: o.minArgs } : {}),
  ...(o.instanceMethods ? { instanceMethods: compilePattern(o.instanceMethods) } : {}),
  ...(o.engine ? { engine: compilePattern(o.engine) } : {}),
  confidence: o.confidence as Confidence,
  generic: !!o.generic,
  fallback: !!o.fallback,
}));

/** Checks the uploader ticks about themselves (terms, licence); they are not the depicted person's consent. */
const ATTESTATION = new RegExp(bioData.attestationNames.map((p) => `(?:${p.replace(/^\(\?i\)/, '')})`).join('|'), 'i');
/** A consent record passed to the editing call itself (`voices.create({ consent: consentId })`). */
const CONSENT_ARGUMENT = compilePattern(bioData.consentArguments);
const CONSENT = new RegExp(bioData.consentNames.map((p) => `(?:${p.replace(/^\(\?i\)/, '')})`).join('|'), 'i');
/** Prefilter over the whole file (lower-cased): without one of these no operation can match. */
const TRIGGER = [
  'inswapper', 'roop', 'facefusion', 'sadtalker', 'wav2lip', 'liveportrait', 'live_portrait', 'audio2coeff', 'animatefromcoeff',
  'speaker_wav', 'tone_colo', 'tonecolo', 'se_extractor', 'sovits', 'rvc_python', 'rvcinference', 'infer.modules.vc', 'import rvc', 'from rvc', 'vc_single', 'vc_multi', 'infer_file', 'elevenlabs',
  'faceswap', 'face_swap', 'swapface', 'swap_face', 'deepfake', 'deep_fake', 'fuseface', 'fuse_face', 'mergeimageface', 'merge_image_face',
  'swapfacial', 'swap_facial', 'changeagepic', 'change_age_pic', 'swapgenderpic', 'swap_gender_pic', 'faceattribute', 'face_attribute',
  'editface', 'edit_face', 'age_progression', 'animestyle', 'anime_style', 'facebeauty', 'face_beauty', 'liquifyface', 'liquify_face',
  'facemakeup', 'face_makeup', 'createvoice', 'create_voice', 'voiceclone', 'voice_clone', 'clonevoice', 'clone_voice', 'voiceenrollment',
  'voice_enrollment', 'enrollvoice', 'enroll_voice', 'mega_tts', 'refer_wav', 'ref_audio', 'reference_audio', 'prompt_wav', 'ref_wav', '/voice/clone',
  'inference_zero_shot', 'inference_cross_lingual', 'inference_instruct2', 'inference_vc', 'infer_process', 'infer_batch_process', 'f5tts', 'e2tts',
  'make_animation', 'voice_conversion', 'get_conditioning_latents', 'referenceaudio', 'sample_audio_speaker', 'slice_inference', 'inferencesession',
  'faceanalysis', 'audio.voices.create', 'inswapper', 'simswap', 'sim_swap', 'blendswap', 'ghostswap', 'hififace', 'uniface', 'sync_lip', 'prompt_speech', 'prompt_audio', 'ref_file', 'speaker_audio', 'voice_sample', 'audio_prompt',
  'voices/add', 'voices/pvc', 'cartesia', 'play.ht', 'voicecloningkey', 'audio/voices', 'target_voice',
];
/** Argument kinds whose value the file model can resolve to a URL. */
const URL_ARG = /^(?:template_string|identifier|binary_expression|member_expression|attribute|concatenated_string|selector_expression|field_access|call|call_expression|formatted_string|string)$/;
const MODEL_FILE = /\.(?:onnx|pth|pt|ckpt|safetensors|bin|dfm|tar)$/i;
const KEYWORDS = registerKeywords('biometric-no-consent', TRIGGER);

const KIND_TEXT: Record<Kind, string> = {
  'face-swap': 'Face swap',
  reenactment: 'Face reenactment / talking-head generation',
  'face-edit': 'Face attribute editing',
  'face-identity': 'Face identity cloning (identity-preserving generation from a reference face)',
  'voice-clone': 'Voice cloning from a reference speaker',
};

interface Site {
  node: Node;
  op: Operation;
}

/**
 * A biometric editing operation of a file, once per operation: two calls of one API in a function
 * are one operation, while `inference_zero_shot` and `inference_cross_lingual` in two branches
 * are two, and a client built and used in one function is one.
 */
export interface BiometricSite {
  node: Node;
  kind: Kind;
  name: string;
  confidence: Confidence;
  /** The operation is a named library's or project's own API (its row has a text gate). */
  gated: boolean;
}

const sitesOfTree = new WeakMap<Tree, Promise<{ idx: FileIndex; sites: BiometricSite[] } | undefined>>();

/**
 * The biometric editing operations of the context's file, found once per tree: this rule checks
 * each for a consent, and the generation rule reports each as the synthesis it is (a cloned voice,
 * a swapped face) where no catalog entry already did.
 */
export function biometricSites(ctx: RuleContext): Promise<{ idx: FileIndex; sites: BiometricSite[] } | undefined> {
  let found = sitesOfTree.get(ctx.tree);
  if (!found) {
    const finding = findSites(ctx);
    sitesOfTree.set(ctx.tree, finding);
    // Found under the asking rule's time budget: a search stopped by it is not an answer the
    // next rule may reuse (it would end that rule too, without its own notice), so it is dropped.
    finding.catch(() => {
      if (sitesOfTree.get(ctx.tree) === finding) sitesOfTree.delete(ctx.tree);
    });
    found = finding;
  }
  return found;
}

/** Forgets the sites found in a tree that is about to be deleted (see `forgetTree` in the engine). */
export function forgetBiometricSites(tree: Tree): void {
  sitesOfTree.delete(tree);
}

async function findSites(ctx: RuleContext): Promise<{ idx: FileIndex; sites: BiometricSite[] } | undefined> {
  if (!mayApply(ctx.tree, ctx.text, KEYWORDS)) return undefined;
  const idx = await indexFor(ctx);
  const ops = OPERATIONS.filter((o) => o.families.includes(idx.family) && (!o.gate || testLines(o.gate, ctx.text)));
  if (ops.length === 0) return undefined;
  // An endpoint URL is often built from a base constant (`${API_BASE}/voices/add`), here or in an
  // imported config file: the file model resolves it.
  const model = ops.some((o) => o.commandText) ? await getFileModel(ctx) : undefined;
  const out: BiometricSite[] = [];
  const seen = new Set<string>();
  const built = new Set<string>();
  for (const s of collectSites(idx, ops, model ? (n) => model.stringValue(n) : undefined)) {
    const fn = enclosingFunction(s.node, idx);
    const opKey = `${fn?.node.id ?? -1}:${s.op.kind}:${s.op.name}`;
    const name = calleeName(s.node);
    const ctor = /^[A-Z]/.test(name) || /new_expression|object_creation/.test(s.node.type);
    if (built.has(opKey) || (ctor && seen.has(opKey))) continue;
    const key = `${opKey}:${name}`;
    // Two catalog rows can describe one call (or one line: a request literal passed to the call).
    const lineKey = `${fn?.node.id ?? -1}:${s.op.kind}@${s.node.startPosition.row}`;
    if (seen.has(key) || seen.has(lineKey)) continue;
    seen.add(key);
    seen.add(lineKey);
    seen.add(opKey);
    if (ctor) built.add(opKey);
    out.push({ node: s.node, kind: s.op.kind, name: s.op.name, confidence: s.op.confidence, gated: !!s.op.gate });
  }
  return { idx, sites: out };
}

export const biometricNoConsentRule: Rule = {
  id: 'biometric-no-consent',
  async run(ctx) {
    const found = await biometricSites(ctx);
    if (!found) return;
    const { idx, sites } = found;
    const configured = namesPattern(ctx.config.consentChecks);
    for (const s of sites) {
      const fn = enclosingFunction(s.node, idx);
      const guard = consultedOnPath(s.node, idx, ctx.text, CONSENT, configured);
      if (guard.guarded) continue;
      const args = s.node.childForFieldName('arguments');
      if (args && CONSENT_ARGUMENT.test(args.text)) continue;
      const entry = guard.entry ?? fn;
      const entryName = entry?.node.childForFieldName('name') ?? entry?.node;
      const voice = s.kind === 'voice-clone';
      const attested = consultedOnPath(s.node, idx, ctx.text, ATTESTATION, undefined);
      const note = attested.guarded
        ? ` The path checks \`${(attested.evidence ?? '').trim()}\`, a box the uploader ticks about themselves (terms, licence): that is not the separate consent of the person whose ${voice ? 'voice' : 'face'} is used.`
        : '';
      ctx.report({
        ruleId: 'biometric-no-consent',
        range: rangeOfNode(s.node),
        message: `${KIND_TEXT[s.kind]} (${s.name}) with no check of the depicted person's separate consent on the path.${note} Deep Synthesis Provisions Art. 14 require the separate consent of the person whose ${voice ? 'voice' : 'face'} is edited (and Art. 17 a conspicuous label; EU AI Act Art. 50(4) deepfake disclosure): check a consent record before this call, or declare your check in consentChecks.`,
        confidence: s.confidence,
        ...(entry && entryName ? { related: [{ file: ctx.file, range: rangeOfNode(entryName), message: `entry point ${entry.name ?? '(anonymous function)'} reaches the ${voice ? 'voice' : 'face'} editing without a consent check` }] } : {}),
        data: { kind: s.kind },
      });
    }
  },
};

const ENGINE_METHODS = /^(?:forward|__call__|run|swap|predict|infer|inference)$/;

function enclosingClassName(node: Node): string {
  for (let p = node.parent; p; p = p.parent) if (p.type === 'class_definition' || p.type === 'class_declaration') return p.childForFieldName('name')?.text ?? '';
  return '';
}

function calleeName(node: Node): string {
  const f = node.childForFieldName('function') ?? node.childForFieldName('name') ?? node.childForFieldName('constructor') ?? node.childForFieldName('type');
  return /[A-Za-z_$][\w$]*$/.exec(f?.text ?? node.type)?.[0] ?? '';
}

const NO_VALUE = /^(?:None|null|undefined|nil|False|false|""|'')$/;

function matchCall(c: CallInfo, op: Operation, idx: FileIndex): boolean {
  if (!op.callee || !op.callee.test(c.callee)) return false;
  if (op.minArgs && c.args.length + c.kwargs.size < op.minArgs) return false;
  if (op.kwarg && !c.kwargs.has(op.kwarg)) return false;
  // A reference passed as `None` (`generate(text, ref_audio=None)`: the default voice) clones nobody.
  if (op.kwargPattern && ![...c.kwargs].some(([k, v]) => op.kwargPattern!.test(k) && !NO_VALUE.test(v.text)) && !c.args.some((a) => a.type === 'identifier' && op.kwargPattern!.test(a.text)) && !splatKeys(c, idx, (caller) => op.callee!.test(caller.callee)).some(([k, v]) => op.kwargPattern!.test(k) && !NO_VALUE.test(v.text))) return false;
  if (op.receiver && !(c.receiver && op.receiver.test(c.receiver.text))) return false;
  if (op.argText && !c.args.some((a) => op.argText!.test(a.text))) return false;
  return true;
}

/**
 * The keyword arguments a Python call receives through `**name`: the keys of a dict the function
 * builds under that name (`opts = {"exaggeration": 0.5}`, `dict(...)`, `opts["audio_prompt_path"] =
 * ref`), or, when `name` is the function's own `**kwargs` parameter (a wrapper forwarding what it is
 * given), the keywords its same-file callers pass, except callers that `siteByName` reports
 * themselves. Each with its value; only for calls that have such an argument.
 */
function splatKeys(c: CallInfo, idx: FileIndex, siteByName: (caller: CallInfo) => boolean): [string, Node][] {
  if (idx.family !== 'python') return [];
  const out: [string, Node][] = [];
  for (const a of c.args) {
    const name = a.type === 'dictionary_splat' ? a.namedChild(0) : null;
    if (name?.type !== 'identifier') continue;
    const fn = enclosingFunction(c.node, idx);
    const scope = fn?.node ?? c.node.tree.rootNode;
    for (const as of within(idx.assigns, scope.startIndex, c.node.startIndex, nodeOfAssign)) {
      const left = as.node.childForFieldName('left');
      if (left?.type === 'subscript' && left.childForFieldName('value')?.text === name.text) {
        const key = left.childForFieldName('subscript');
        if (key && isStringNode(key, 'python')) out.push([stringValue(key), as.value]);
      } else if (as.targets.length === 1 && as.targets[0] === name.text && left?.type === 'identifier') {
        for (const e of keyedLiteralOf(idx, as.value)?.entries ?? []) if (e.value) out.push([e.key, e.value]);
      }
    }
    const forwarded = fn?.node.childForFieldName('parameters')?.namedChildren.some((p) => p?.type === 'dictionary_splat_pattern' && p.namedChild(0)?.text === name.text);
    // A caller that is a site by its own name (`synthesize(text, audio_prompt_path=clip)`) is reported there, not again inside.
    if (fn && forwarded) {
      for (const caller of callersOf(fn, idx)) {
        const ci = callInfoOf(idx, caller);
        if (ci && !siteByName(ci)) out.push(...ci.kwargs);
      }
    }
  }
  return out;
}

/** Calls that run a command line: process spawns (`subprocess.run`, `os.system`, `exec.Command`, `ProcessBuilder`, `child_process.exec`). */
const COMMAND_RUNNER = /^(?:system|popen|Popen|run|call|check_call|check_output|getoutput|getstatusoutput|create_subprocess_exec|create_subprocess_shell|spawn|spawnSync|exec|execSync|execFile|execFileSync|execa|Command|CommandContext|ProcessBuilder|command|start)$/;

const DOWNLOADER = /\b(?:wget|curl|aria2c|download|huggingface-cli|git)\b/;

/** The HTTP call names of a family (data/providers.json `httpCallees`), where endpoint paths are requested. */
function httpCallees(family: FileIndex['family']): ReadonlySet<string> {
  return catalog().httpCallees[family];
}

/**
 * The operations whose callee pattern matches a callee text, by text: the same callees recur
 * across a file and, in the editor, across keystrokes, so each is tested against the catalog once
 * instead of once per call. Bounded: a generated bundle has more distinct callees than are worth
 * keeping. Keys are copies (`ownString`): a callee cut from a document would keep the whole text.
 */
const calleeOps = new Map<string, ReadonlySet<Operation>>();
const CALLEE_OPS_MAX = 20_000;
const NO_OPS: ReadonlySet<Operation> = new Set();

function opsMatchingCallee(callee: string): ReadonlySet<Operation> {
  let hits = calleeOps.get(callee);
  if (!hits) {
    const found = new Set<Operation>();
    for (const op of OPERATIONS) if (op.callee?.test(callee)) found.add(op);
    hits = found.size > 0 ? found : NO_OPS;
    rememberByText(calleeOps, callee, hits, CALLEE_OPS_MAX);
  }
  return hits;
}

/** What an operation's UI wiring needs of it (see below): a callee pattern and nothing else to match. */
function wiredByUi(op: Operation): op is Operation & { callee: RegExp } {
  return !!op.callee && !op.kwarg && !op.kwargPattern && !op.argText && !op.receiver;
}

function collectSites(idx: FileIndex, ops: Operation[], resolve?: (n: Node) => string | undefined): Site[] {
  const specific: Site[] = [];
  const generic: Site[] = [];
  const fallback: Site[] = [];
  const ctors: Site[] = [];
  const commands = ops.some((op) => op.commandText);
  for (const c of idx.calls) {
    // An operation can only apply to a call that runs a command or makes a request (for the
    // command-line operations), that wires a function to a UI event, or whose callee its pattern
    // matches (`matchCall`). Most calls are none of these and are passed over here, without a
    // test of each operation.
    const spawn = commands && COMMAND_RUNNER.test(c.name);
    const runner = spawn || (commands && httpCallees(idx.family).has(c.name));
    const ui = idx.family === 'python' && UI_REGISTRATION.test(c.callee);
    const byCallee = opsMatchingCallee(c.callee);
    if (!runner && !ui && byCallee.size === 0) continue;
    for (const op of ops) {
      if (op.commandText ? !runner : !byCallee.has(op) && !(ui && wiredByUi(op))) continue;
      if (op.commandText) {
        // Only a process spawn or a request (`runner`) runs the command: a tool's name in a log
        // line, an import path or a model download (`roop.processors.frame.{name}`) edits nobody's face.
        // A model file (`inswapper_128.onnx`) requested over HTTP or fetched by a downloader is
        // loaded, not run; in a command line it names the tool being run (`--checkpoint_path wav2lip_gan.pth`).
        const download = !spawn || DOWNLOADER.test(c.node.text.slice(0, 400));
        const command = (v: string | undefined): boolean => v !== undefined && op.commandText!.test(v) && !(download && MODEL_FILE.test(v));
        // In a list (`["python", "inference.py", ...]`) only its strings are the command, not the code around them.
        const literal = c.args.some((a) => isStringNode(a, idx.family) && command(stringValue(a))) || c.args.some((a) => /^(?:list|array|array_type|composite_literal)$/.test(a.type) && a.namedChildren.some((e) => !!e && isStringNode(e, idx.family) && command(stringValue(e))));
        // The first argument of an HTTP call, resolved through constants and template strings.
        const first = c.args[0];
        if (literal || (resolve && first && URL_ARG.test(first.type) && command(resolve(first)))) {
          specific.push({ node: c.node, op });
          break;
        }
        continue;
      }
      // An operation wired by reference to a UI event (`convert.click(vc.vc_single, inputs, outputs)`)
      // runs when the user clicks: the wiring is the site.
      if (ui && wiredByUi(op)) {
        const fn = c.kwargs.get('fn') ?? c.args[0];
        if (fn && /^(?:identifier|attribute)$/.test(fn.type) && op.callee.test(fn.text)) {
          specific.push({ node: c.node, op });
          break;
        }
      }
      if (!matchCall(c, op, idx)) continue;
      // Building a model class whose inference method is the edit (`Inswapper(model_file=...)`) loads it.
      if (op.engine && /^[A-Z]/.test(c.name)) continue;
      if (op.instanceMethods) {
        ctors.push({ node: c.node, op });
        break;
      }
      // Constructing a model or client at module level loads it; the edit happens where it is used.
      if (/^[A-Z]/.test(c.name) && !enclosingFunction(c.node, idx)) break;
      (op.generic ? generic : op.fallback ? fallback : specific).push({ node: c.node, op });
      break;
    }
  }
  for (const k of idx.keyed) {
    for (const op of ops) {
      if (!op.key) continue;
      const at = keyedKeys(k).findIndex((key) => op.key!.test(key));
      if (at >= 0) specific.push({ node: k.entries[at]!.keyNode, op });
    }
  }
  // A model built here edits where its instance is called; with no call in the file, the build
  // itself is the site unless it runs at module level (loading is not editing).
  for (const op of new Set(ctors.map((c) => c.op))) {
    const mine = ctors.filter((c) => c.op === op);
    const uses = instanceUses(idx, mine.map((c) => c.node), op.instanceMethods!);
    if (uses.length > 0) for (const u of uses) specific.push({ node: u.node, op });
    else for (const c of mine) if (enclosingFunction(c.node, idx)) fallback.push(c);
  }
  // A file that implements the operation (`def inference_zero_shot(...)`) edits at the model call inside.
  for (const op of ops) {
    if (!op.engine || !op.callee) continue;
    const engine = op.engine;
    for (const f of idx.functions) {
      // The operation itself (`def face_swap`), or the inference method of a model class named
      // like it (`class Inswapper: def forward`).
      if (!f.name || !(op.callee.test(f.name) || (ENGINE_METHODS.test(f.name) && op.callee.test(enclosingClassName(f.node))))) continue;
      // Each model call inside is one edit (a DFM branch and an embedding branch are two).
      for (const c of within(idx.calls, f.node.startIndex, f.node.endIndex, nodeOfCall)) {
        if (engine.test(c.callee) && enclosingFunction(c.node, idx) === f) specific.push({ node: c.node, op });
      }
    }
  }
  const out = [...specific];
  // A fallback site (loading the swapper model) counts only when no use of it was found in the file.
  // A fallback site (loading a model, extracting a reference embedding) counts only when the file
  // holds no use of the same operation and its function holds no other edit of the same kind.
  for (const f of fallback) {
    const fn = enclosingFunction(f.node, idx);
    if (specific.some((s) => s.op.name === f.op.name || (s.op.kind === f.op.kind && enclosingFunction(s.node, idx) === fn))) continue;
    out.push(f);
  }
  for (const g of generic) {
    const name = /[A-Za-z_$][\w$]*$/.exec(g.node.childForFieldName('function')?.text ?? '')?.[0];
    const helper = name ? idx.functions.find((f) => f.name === name) : undefined;
    if (helper && out.some((s) => contains(helper.node, s.node))) continue;
    if (helper && contains(helper.node, g.node)) continue;
    out.push(g);
  }
  return out.sort((a, b) => a.node.startIndex - b.node.startIndex);
}
