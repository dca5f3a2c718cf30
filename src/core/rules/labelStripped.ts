/**
 * `aigc-label-stripped` (Labeling Measures Art. 10; Deep Synthesis Art. 18): generated or labeled
 * media re-encoded or edited in a way that drops the metadata carrying its implicit label.
 *
 * Stripping metadata is also a privacy habit (GPS in user photos), so the rule only speaks in
 * files that deal with generated or labeled media: a generation call, GB 45438 `AIGC` metadata,
 * C2PA, watermarks or generation vocabulary. Confidence is high when the stripped media is traced
 * to a generation call or label code in the same file, medium on file context alone.
 */
import type { Node } from 'web-tree-sitter';
import { rangeOfNode } from '../position';
import { anyWithin } from '../sorted';
import type { Rule, RuleContext } from './rule';
import { type CallInfo, type FileIndex, enclosingFunction, indexFor, stringValue } from './flow/ast';
import { carries, flowFrom } from './flow/taint';
import { lowerText, mayApply, registerKeywords, testLines } from './flow/text';

/** Cheap prefilter: every pattern below needs one of these words. */
const TRIGGER = registerKeywords('aigc-label-stripped', ['sharp(', '.save(', 'map_metadata', 'exif', 'xmp', '.info.clear', '.info[', '-all=', '-strip', 'deletealltags', 'imwrite']);

/** Words that show a file deals with labeled or generated media. */
const LABEL_CONTEXT = /\bAIGC\b|c2pa|PngInfo|watermark|AI[-_ ]?generated|生成|合成/i;
/** Lower-case keywords that must appear before LABEL_CONTEXT / AI_CONTEXT are worth running. */
const CONTEXT_KEYWORDS = /aigc|c2pa|pnginfo|watermark|generated|生成|合成|diffus|txt2img|text2image|img2img|dall|images\.generate|generate_image|midjourney|text_to_speech|genai|seedream|cogview|wanx|jimeng/;
/** ffmpeg's and exiftool's metadata-stripping arguments, as written in a command line. */
const STRIP_FLAGS = /-map_metadata|-strip|-(?:all|xmp|exif|XMP-[\w-]+|AIGC)(?::all)?=/i;
const AI_CONTEXT = /diffusion|diffusers|txt2img|text2image|img2img|dall-?e|images\.generate|generate_image|midjourney|text_to_speech|genai|seedream|cogview|wanx|jimeng/i;

const SHARP_KEEP = /\.(?:withMetadata|keepMetadata|keepExif|withExif|withExifMerge|keepXmp|withXmp)\(/;
const SHARP_OUTPUT = /^(?:toFile|toBuffer|pipe)$/;

interface Strip {
  node: Node;
  what: string;
  /** The media expression whose provenance decides confidence, if any. */
  media?: Node | null;
}

export const labelStrippedRule: Rule = {
  id: 'aigc-label-stripped',
  async run(ctx) {
    if (!mayApply(ctx.tree, ctx.text, TRIGGER)) return;
    // The editor asks these of every keystroke's text: `testLines` reads only the edited lines.
    if (ctx.generationCalls.length === 0 && !testLines(CONTEXT_KEYWORDS, lowerText(ctx.tree, ctx.text))) return;
    const labelContext = testLines(LABEL_CONTEXT, ctx.text);
    const context = labelContext || ctx.generationCalls.length > 0 || testLines(AI_CONTEXT, ctx.text);
    if (!context) return;
    const idx = await indexFor(ctx);
    const strips: Strip[] = [];
    // Every sharp pipeline names `sharp`; without it no value needs its text read.
    if (ctx.text.includes('sharp')) findSharp(idx, ctx.text, strips);
    // Each of its argument patterns is written out in the file's text; without one, no string is read.
    if (testLines(STRIP_FLAGS, ctx.text)) findFfmpegAndExiftool(idx, strips);
    if (idx.family === 'python') {
      findPillow(idx, strips);
      findOpenCv(idx, strips);
    }
    for (const c of idx.calls) {
      if (/(?:^|\.)piexif\.remove$/.test(c.callee) || /(?:^|\.)deleteAllTags$/.test(c.callee)) strips.push({ node: c.node, what: `${c.callee}() deletes the EXIF block`, media: c.args[0] ?? null });
      else if (/\.(?:info|getexif\(\)|exif|metadata)\.clear$/.test(c.callee)) strips.push({ node: c.node, what: `${c.callee}() empties the image metadata`, media: c.receiver });
      else if (c.name === 'output' && c.kwargs.has('map_metadata') && /^["']?-1["']?$/.test(c.kwargs.get('map_metadata')!.text)) strips.push({ node: c.node, what: 'ffmpeg output with map_metadata=-1 drops all metadata' });
    }
    findDeletes(ctx, strips);

    const seen = new Set<number>();
    for (const s of strips) {
      if (seen.has(s.node.startIndex)) continue;
      seen.add(s.node.startIndex);
      const fromGeneration = !!s.media && ctx.generationCalls.some((g) => {
        if (enclosingFunction(g.node, idx) !== enclosingFunction(s.node, idx)) return false;
        return carries(flowFrom(g.node, idx, ctx.tree.rootNode), s.media!);
      });
      const confidence = fromGeneration || labelContext ? 'high' : 'medium';
      ctx.report({
        ruleId: 'aigc-label-stripped',
        range: rangeOfNode(s.node),
        message: `${s.what}, removing the implicit AI-generation label (GB 45438 metadata, C2PA or EXIF/XMP fields) ${fromGeneration ? 'of generated media' : 'of media in a file that handles generated or labeled content'}; Labeling Measures Art. 10 forbid deleting or altering labels. Keep the metadata (or re-write the AIGC fields) when re-encoding.`,
        confidence,
        data: { strip: s.what.split(' ')[0]!, fromGeneration },
      });
    }
  },
};

/** How far into a value `sharp` may start (`await` and any whitespace before it). */
const SHARP_LEAD = 64;

/** sharp drops all metadata unless the pipeline asks to keep it. */
function findSharp(idx: FileIndex, text: string, out: Strip[]): void {
  const sharpVars = new Map<string, Node>();
  // Where `sharp` is written: a value starts with it (`sharp(`, `await sharp(`) only if one of
  // these is a few characters into it, which spares reading every value's text from the parser.
  const at: number[] = [];
  for (let i = text.indexOf('sharp'); i >= 0; i = text.indexOf('sharp', i + 1)) at.push(i);
  for (const a of idx.assigns) {
    if (a.targets.length === 1 && anyWithin(at, a.value.startIndex, a.value.startIndex + SHARP_LEAD) && /^(?:await)?sharp\(/.test(a.value.text.replace(/\s/g, ''))) sharpVars.set(scopedName(a.node, a.targets[0]!, idx), a.value);
  }
  for (const c of idx.calls) {
    if (!SHARP_OUTPUT.test(c.name)) continue;
    // Only the outermost call of a chain decides; inner calls are part of the same pipeline.
    const chain = c.node.text;
    const root = /^([A-Za-z_$][\w$]*)/.exec(c.callee)?.[1];
    const rootValue = root ? sharpVars.get(scopedName(c.node, root, idx)) : undefined;
    if (!c.callee.startsWith('sharp(') && !rootValue) continue;
    if (SHARP_KEEP.test(chain)) continue;
    if (rootValue) {
      const fn = enclosingFunction(c.node, idx);
      // `const img = sharp(buf).withMetadata()` or `img.withMetadata()` elsewhere in the function keeps it.
      if (SHARP_KEEP.test(rootValue.text)) continue;
      if (idx.calls.some((o) => o.callee.startsWith(`${root}.`) && /^(?:withMetadata|keepMetadata|keepExif|withExif|withExifMerge)$/.test(o.name) && enclosingFunction(o.node, idx) === fn)) continue;
    }
    out.push({ node: c.node, what: `sharp pipeline writes without withMetadata()/keepMetadata()`, media: firstArgOfSharp(c) });
  }
}

function firstArgOfSharp(c: CallInfo): Node | null {
  let n: Node | null = c.node;
  while (n && (n.type === 'call_expression' || n.type === 'member_expression' || n.type === 'await_expression')) {
    const fn: Node | null = n.type === 'call_expression' ? n.childForFieldName('function') : n.type === 'member_expression' ? n.childForFieldName('object') : n.namedChild(0);
    if (n.type === 'call_expression' && fn?.text === 'sharp') return n.childForFieldName('arguments')?.namedChild(0) ?? null;
    n = fn;
  }
  return c.receiver;
}

/** ffmpeg `-map_metadata -1` and exiftool `-all=` in argument strings, lists and command lines. */
function findFfmpegAndExiftool(idx: FileIndex, out: Strip[]): void {
  // The string's own text first: walking a string's parents is a call into the parser each.
  for (const s of idx.strings) {
    const v = stringValue(s);
    if (v.length > 400) continue;
    if (/-map_metadata(?::g)?\s+-1\b/.test(v)) out.push({ node: s, what: 'ffmpeg "-map_metadata -1" drops all metadata' });
    else if (/^-map_metadata(?::g)?$/.test(v)) {
      const next = nextArg(s);
      if (next && /^["'`]?-1["'`]?$/.test(next.text.trim())) out.push({ node: s, what: 'ffmpeg "-map_metadata -1" drops all metadata' });
    } else if (/(?:^|\s)-strip(?:\s|$)/.test(v) && inCallArguments(s) && /\b(?:convert|magick|mogrify|gm)\b/.test(s.parent?.text.slice(0, 300) ?? '')) {
      out.push({ node: s, what: 'ImageMagick "-strip" removes every profile and comment' });
    } else if (/(?:^|\s)-(?:all|xmp(?::all)?|exif(?::all)?|XMP-[\w-]+:all|AIGC(?::all)?)=(?:\s|$)/i.test(v) && inCallArguments(s) && (/exiftool/i.test(v) || /exiftool/i.test(s.parent?.parent?.text.slice(0, 300) ?? '') || /exiftool/i.test(s.parent?.text.slice(0, 300) ?? ''))) {
      out.push({ node: s, what: 'exiftool "-all=" deletes every metadata tag' });
    }
  }
}

/** A variable name qualified by its enclosing function, so same-named locals do not mix. */
function scopedName(at: Node, name: string, idx: FileIndex): string {
  return `${enclosingFunction(at, idx)?.node.id ?? 0}:${name}`;
}

/** True when a string is (part of) a call's arguments, i.e. a command actually run. */
function inCallArguments(s: Node): boolean {
  for (let p = s.parent, depth = 0; p && depth < 3; p = p.parent, depth++) {
    if (p.type === 'arguments' || p.type === 'argument_list') return true;
  }
  return false;
}

function nextArg(s: Node): Node | null {
  let n = s.nextNamedSibling;
  while (n && n.type === 'comment') n = n.nextNamedSibling;
  return n;
}

/** OpenCV reads pixels only: `cv2.imwrite(out, cv2.imread(src))` writes a file without any metadata. */
function findOpenCv(idx: FileIndex, out: Strip[]): void {
  const read = new Set<string>();
  for (const a of idx.assigns) if (/^cv2\.imread\(/.test(a.value.text) && a.targets.length === 1) read.add(scopedName(a.node, a.targets[0]!, idx));
  for (const c of idx.calls) {
    if (c.callee !== 'cv2.imwrite' || c.args.length < 2) continue;
    const img = c.args[1]!;
    if (/^cv2\.imread\(/.test(img.text) || (img.type === 'identifier' && read.has(scopedName(c.node, img.text, idx)))) {
      out.push({ node: c.node, what: 'cv2.imwrite() of an image read with cv2.imread() re-encodes it without metadata', media: img });
    }
  }
}

/** Pillow `save()` without `exif=`/`pnginfo=` of an image that was opened, i.e. re-encoded. */
function findPillow(idx: FileIndex, out: Strip[]): void {
  const opened = new Map<string, Node>();
  for (const a of idx.assigns) {
    if (/(?:^|\.)Image\.open\(/.test(a.value.text) && a.targets.length === 1) opened.set(scopedName(a.node, a.targets[0]!, idx), a.node);
  }
  for (const c of idx.calls) {
    if (c.name !== 'save' || !c.receiver || c.receiver.type !== 'identifier') continue;
    if (c.kwargs.has('exif') || c.kwargs.has('pnginfo') || c.kwargs.has('xmp') || c.args.some((a) => a.type === 'dictionary_splat')) continue;
    const name = c.receiver.text;
    const open = opened.get(scopedName(c.node, name, idx));
    // A generated image that never had metadata is `aigc-missing-label`'s case, not stripping.
    if (open) out.push({ node: c.node, what: `Image.save() re-encodes "${name}" without exif=/pnginfo=`, media: c.receiver });
  }
}

/** `delete meta.exif` (JS) and `del img.info["AIGC"]` (Python). */
function findDeletes(ctx: RuleContext, out: Strip[]): void {
  const re = ctx.language.family === 'python'
    ? /\bdel\s+[\w.]+\.(?:info|exif|metadata)\b[^\n]*/g
    : /\bdelete\s+[\w$.]+(?:\.|\[\s*["'])(?:exif|xmp|iptc|AIGC|aigc|c2pa|metadata)\b[^\n;]*/g;
  for (let m = re.exec(ctx.text); m; m = re.exec(ctx.text)) {
    // The keyword token's parent is the delete expression/statement; matches inside comments
    // and strings have no such parent and are skipped.
    const keyword = ctx.tree.rootNode.descendantForIndex(m.index, m.index + 3);
    const stmt = keyword?.parent;
    if (!keyword || keyword.type !== (ctx.language.family === 'python' ? 'del' : 'delete') || !stmt) continue;
    out.push({ node: stmt, what: `"${stmt.text.trim()}" deletes label metadata` });
  }
}
