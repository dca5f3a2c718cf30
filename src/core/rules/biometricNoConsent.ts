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
import type { Node } from 'web-tree-sitter';
import bioData from '../../../data/biometric.json';
import { rangeOfNode } from '../position';
import type { Confidence } from '../types';
import type { Rule } from './rule';
import { type CallInfo, type FileIndex, contains, enclosingFunction, indexFor, isStringNode, stringValue } from './flow/ast';
import { compilePattern } from './flow/catalog';
import { guardOnPath, namesPattern } from './flow/guards';
import { mayApply, registerKeywords } from './flow/text';

type Kind = 'face-swap' | 'reenactment' | 'face-edit' | 'voice-clone';

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
  minArgs?: number;
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
  minArgs?: number;
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
  ...(o.minArgs ? { minArgs: o.minArgs } : {}),
  confidence: o.confidence as Confidence,
  generic: !!o.generic,
  fallback: !!o.fallback,
}));

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
];
const KEYWORDS = registerKeywords('biometric-no-consent', TRIGGER);

const KIND_TEXT: Record<Kind, string> = {
  'face-swap': 'Face swap',
  reenactment: 'Face reenactment / talking-head generation',
  'face-edit': 'Face attribute editing',
  'voice-clone': 'Voice cloning from a reference speaker',
};

interface Site {
  node: Node;
  op: Operation;
}

export const biometricNoConsentRule: Rule = {
  id: 'biometric-no-consent',
  async run(ctx) {
    if (!mayApply(ctx.tree, ctx.text, KEYWORDS)) return;
    const idx = await indexFor(ctx);
    const ops = OPERATIONS.filter((o) => o.families.includes(idx.family) && (!o.gate || o.gate.test(ctx.text)));
    if (ops.length === 0) return;
    const sites = collectSites(idx, ops);
    const configured = namesPattern(ctx.config.consentChecks);
    // One finding per function and kind: `get_model('inswapper')` and `swapper.get(...)` in one
    // function are the same operation.
    const seen = new Set<string>();
    for (const s of sites) {
      const fn = enclosingFunction(s.node, idx);
      const key = `${fn?.node.id ?? -1}:${s.op.kind}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const guard = guardOnPath(s.node, idx, ctx.text, CONSENT, configured);
      if (guard.guarded) continue;
      const entry = guard.entry ?? fn;
      const entryName = entry?.node.childForFieldName('name') ?? entry?.node;
      const voice = s.op.kind === 'voice-clone';
      ctx.report({
        ruleId: 'biometric-no-consent',
        range: rangeOfNode(s.node),
        message: `${KIND_TEXT[s.op.kind]} (${s.op.name}) with no check of the depicted person's separate consent on the path. Deep Synthesis Provisions Art. 14 require the separate consent of the person whose ${voice ? 'voice' : 'face'} is edited (and Art. 17 a conspicuous label; EU AI Act Art. 50(4) deepfake disclosure): check a consent record before this call, or declare your check in consentChecks.`,
        confidence: s.op.confidence,
        ...(entry && entryName ? { related: [{ file: ctx.file, range: rangeOfNode(entryName), message: `entry point ${entry.name ?? '(anonymous function)'} reaches the ${voice ? 'voice' : 'face'} editing without a consent check` }] } : {}),
        data: { kind: s.op.kind },
      });
    }
  },
};

function matchCall(c: CallInfo, op: Operation): boolean {
  if (!op.callee || !op.callee.test(c.callee)) return false;
  if (op.minArgs && c.args.length + c.kwargs.size < op.minArgs) return false;
  if (op.kwarg && !c.kwargs.has(op.kwarg)) return false;
  if (op.receiver && !(c.receiver && op.receiver.test(c.receiver.text))) return false;
  if (op.argText && !c.args.some((a) => op.argText!.test(a.text))) return false;
  return true;
}

function collectSites(idx: FileIndex, ops: Operation[]): Site[] {
  const specific: Site[] = [];
  const generic: Site[] = [];
  const fallback: Site[] = [];
  for (const c of idx.calls) {
    for (const op of ops) {
      if (op.commandText) {
        if (c.args.some((a) => isStringNode(a, idx.family) && op.commandText!.test(stringValue(a))) || c.args.some((a) => /^(?:list|array|array_type|composite_literal)$/.test(a.type) && op.commandText!.test(a.text))) {
          specific.push({ node: c.node, op });
          break;
        }
        continue;
      }
      if (!matchCall(c, op)) continue;
      // Constructing a model or client at module level loads it; the edit happens where it is used.
      if (/^[A-Z]/.test(c.name) && !enclosingFunction(c.node, idx)) break;
      (op.generic ? generic : op.fallback ? fallback : specific).push({ node: c.node, op });
      break;
    }
  }
  for (const k of idx.keyed) {
    for (const op of ops) {
      if (!op.key) continue;
      const e = k.entries.find((x) => op.key!.test(x.key));
      if (e) specific.push({ node: e.keyNode, op });
    }
  }
  const out = [...specific];
  // A fallback site (loading the swapper model) counts only when no use of it was found in the file.
  for (const f of fallback) if (!specific.some((s) => s.op.kind === f.op.kind)) out.push(f);
  for (const g of generic) {
    const name = /[A-Za-z_$][\w$]*$/.exec(g.node.childForFieldName('function')?.text ?? '')?.[0];
    const helper = name ? idx.functions.find((f) => f.name === name) : undefined;
    if (helper && out.some((s) => contains(helper.node, s.node))) continue;
    if (helper && contains(helper.node, g.node)) continue;
    out.push(g);
  }
  return out.sort((a, b) => a.node.startIndex - b.node.startIndex);
}
