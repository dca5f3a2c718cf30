/**
 * `aigc-invalid-label-metadata`: an `AIGC` implicit-label object built in code whose fields do
 * not match GB 45438-2025 (Annex E, the normative file-metadata format): required fields missing, field
 * names misspelt or in the wrong case, `Label` outside "1"/"2"/"3", or values that are not
 * strings. Readers of the metadata match the names and values exactly, so any of these makes the
 * implicit label unreadable, which the Labeling Measures Art. 5 treat as no label.
 *
 * Deliberately not checked (issue 12, unverified against the standard's text): the character set
 * of values (implementations quote Annex E as saying values "should mainly" use printable ASCII
 * without space, quote and backslash, a preference rather than a limit), whether the generating
 * provider must also fill ContentPropagator/PropagateID at first write, and one label per file.
 */
import type { Node } from 'web-tree-sitter';
import { statementStart } from '../analysis/chunks';
import { anyWithin } from '../sorted';
import { rangeOfNode } from '../position';
import type { Rule, RuleContext } from './rule';
import { type FileIndex, type KeyedLiteral, enclosingFunction, indexFor, isStringNode, keyedKeys, keyedStart, stringValue } from './flow/ast';
import { editDistance, labelCatalog } from './flow/catalog';
import { mayApply, registerKeywords } from './flow/text';

/** Cheap prefilter: without one of these words no AIGC metadata can be in the file. */
const TRIGGER = registerKeywords('aigc-invalid-label-metadata', ['aigc', 'contentproduc', 'produceid', 'produce_id', 'contentpropagat', 'propagateid', 'propagate_id']);

const NUMBER_KINDS = new Set(['number', 'integer', 'float', 'int_literal', 'float_literal', 'decimal_integer_literal', 'decimal_floating_point_literal', 'hex_integer_literal']);
const BOOL_KINDS = new Set(['true', 'false', 'none', 'null', 'nil', 'null_literal', 'undefined']);

function norm(s: string): string {
  return s.toLowerCase().replace(/[_\-\s]/g, '');
}

/** The GB 45438 field a key was probably meant to be, with whether it is exact. */
/**
 * Answers per field list and key, because every object literal of every analysis asks again and
 * the same keys (`id`, `name`, `type`...) recur across a file and between keystrokes.
 */
const matchCache = new WeakMap<readonly string[], Map<string, { field: string; exact: boolean } | null>>();

function matchField(key: string, fields: readonly string[]): { field: string; exact: boolean } | undefined {
  let cache = matchCache.get(fields);
  if (!cache) matchCache.set(fields, (cache = new Map()));
  let hit = cache.get(key);
  if (hit === undefined) {
    hit = matchFieldUncached(key, fields) ?? null;
    // Keys are bounded by the code being read; cap the memo so a generated file cannot grow it forever.
    if (cache.size > 10_000) cache.clear();
    cache.set(key, hit);
  }
  return hit ?? undefined;
}

function matchFieldUncached(key: string, fields: readonly string[]): { field: string; exact: boolean } | undefined {
  if (fields.includes(key)) return { field: key, exact: true };
  const nk = norm(key);
  for (const f of fields) if (norm(f) === nk) return { field: f, exact: false };
  let best: { field: string; d: number } | undefined;
  for (const f of fields) {
    // Short names tolerate one slip, long names two; anything further is a different key.
    const limit = f.length <= 5 ? 1 : 2;
    const nf = norm(f);
    // The edit distance is at least the difference in length: skip the quadratic work.
    if (Math.abs(nk.length - nf.length) > limit) continue;
    const d = editDistance(nk, nf);
    if (d <= limit && (!best || d < best.d)) best = { field: f, d };
  }
  return best ? { field: best.field, exact: false } : undefined;
}

/** True when the literal sits where AIGC metadata goes: under an `AIGC` key or in an `aigc*` variable / type. */
function inAigcContext(lit: KeyedLiteral): boolean {
  if (/aigc/i.test(lit.typeName)) return true;
  let n: Node | null = lit.node;
  for (let depth = 0; n && depth < 5; depth++, n = n.parent) {
    const p: Node | null = n.parent;
    if (!p) break;
    if (p.type === 'pair' || p.type === 'keyed_element') {
      const k: Node | null = p.childForFieldName('key') ?? p.namedChild(0);
      if (k && k !== n && /^["'`]?aigc["'`]?$/i.test(k.text.trim())) return true;
    }
    if (p.type === 'variable_declarator' || p.type === 'assignment' || p.type === 'assignment_expression' || p.type === 'short_var_declaration') {
      const left = p.childForFieldName('name') ?? p.childForFieldName('left');
      return !!left && /aigc/i.test(left.text);
    }
    if (/statement|declaration$/.test(p.type)) break;
  }
  return false;
}

function valueKind(v: Node, family: FileIndex['family']): 'string' | 'number' | 'bool' | 'other' {
  if (isStringNode(v, family)) return 'string';
  if (NUMBER_KINDS.has(v.type)) return 'number';
  if (BOOL_KINDS.has(v.type)) return 'bool';
  return 'other';
}

interface Entry {
  key: string;
  keyNode: Node | null;
  /** A literal value: its kind and string value; `other` means an expression we cannot judge. */
  kind: 'string' | 'number' | 'bool' | 'other' | 'object';
  value: string;
}

function checkEntries(ctx: RuleContext, entries: Entry[], anchor: Node, confident: boolean, where: string): void {
  const cat = labelCatalog();
  const required = new Set(cat.required);
  for (const role of ctx.config.roles) for (const f of cat.requiredForRoles[role] ?? []) required.add(f);
  const present = new Set<string>();
  const confidence = confident ? 'high' : 'medium';
  for (const e of entries) {
    const m = matchField(e.key, cat.fields);
    if (!m) continue;
    present.add(m.field);
    const range = rangeOfNode(e.keyNode ?? anchor);
    if (!m.exact) {
      ctx.report({
        ruleId: 'aigc-invalid-label-metadata',
        range,
        message: `GB 45438 implicit label field "${e.key}" is misspelt: the standard name is "${m.field}" (names are matched exactly, so readers will not find this field).`,
        confidence,
        data: { problem: 'misspelt', field: m.field, found: e.key },
        fingerprintKey: `misspelt:${e.key}`,
      });
    }
    if (e.kind === 'number' || e.kind === 'bool' || e.kind === 'object') {
      ctx.report({
        ruleId: 'aigc-invalid-label-metadata',
        range,
        message: `GB 45438 implicit label field "${m.field}" must be a string; found ${e.kind === 'object' ? 'an object' : `the ${e.kind === 'number' ? 'number' : 'literal'} ${e.value}`}${m.field === 'Label' ? ' (write "1", "2" or "3" in quotes)' : ''}.`,
        confidence,
        data: { problem: 'non-string', field: m.field },
        fingerprintKey: `type:${m.field}`,
      });
    } else if (m.field === 'Label' && e.kind === 'string' && !cat.labelValues.includes(e.value)) {
      ctx.report({
        ruleId: 'aigc-invalid-label-metadata',
        range,
        message: `GB 45438 "Label" must be "1" (AI-generated), "2" (possibly AI-generated) or "3" (suspected AI-generated); found "${e.value}".`,
        confidence,
        data: { problem: 'label-value', field: 'Label', found: e.value },
        fingerprintKey: `value:${e.value}`,
      });
    }
  }
  const missing = [...required].filter((f) => !present.has(f));
  if (missing.length > 0) {
    ctx.report({
      ruleId: 'aigc-invalid-label-metadata',
      range: rangeOfNode(anchor),
      message: `GB 45438 implicit label metadata${where} lacks required field${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (Labeling Measures Art. 5; GB 45438 Annex E needs Label, ContentProducer and ProduceID${required.has('PropagateID') ? ', and ContentPropagator/PropagateID for a content platform' : ''}).`,
      confidence,
      data: { problem: 'missing', fields: missing.join(',') },
      fingerprintKey: `missing:${missing.join(',')}`,
    });
  }
}

function entriesOfLiteral(lit: KeyedLiteral, family: FileIndex['family']): Entry[] {
  return lit.entries.map((e) => {
    const v = e.value;
    if (!v) return { key: e.key, keyNode: e.keyNode, kind: 'other' as const, value: '' };
    const kind = v.type === 'object' || v.type === 'dictionary' ? ('object' as const) : valueKind(v, family);
    return { key: e.key, keyNode: e.keyNode, kind, value: kind === 'string' ? stringValue(v) : v.text };
  });
}

/** How many keys look like GB 45438 fields other than the generic `Label`. */
let specificFields: readonly string[] | undefined;

function specificFieldHits(keys: string[]): number {
  // One array for the process, so matchField's memo (keyed by the array) is shared.
  const fields = (specificFields ??= labelCatalog().fields.filter((f) => f !== 'Label'));
  let hits = 0;
  for (const k of keys) if (matchField(k, fields)) hits++;
  return hits;
}

function checkJsonString(ctx: RuleContext, node: Node): void {
  const raw = stringValue(node);
  if (!raw.includes('AIGC') || !/^\s*\{/.test(raw)) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.replace(/\\"/g, '"'));
  } catch {
    return;
  }
  const aigc = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>).AIGC ?? parsed : undefined;
  const obj = typeof aigc === 'string' ? safeParse(aigc) : aigc;
  if (!obj || typeof obj !== 'object') return;
  const entries: Entry[] = Object.entries(obj as Record<string, unknown>).map(([key, v]) => ({
    key,
    keyNode: null,
    kind: typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : typeof v === 'boolean' || v === null ? 'bool' : 'object',
    value: typeof v === 'string' ? v : JSON.stringify(v),
  }));
  checkEntries(ctx, entries, node, true, ' in this JSON string');
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

export const invalidLabelMetadataRule: Rule = {
  id: 'aigc-invalid-label-metadata',
  async run(ctx) {
    if (!mayApply(ctx.tree, ctx.text, TRIGGER)) return;
    const idx = await indexFor(ctx);
    // An AIGC context (a key or a variable named for it) is written before the literal, in the
    // same top-level statement: a literal with no `aigc` there needs no walk up its parents,
    // each step of which is a call into the parser.
    const marks = [...ctx.text.matchAll(/aigc/gi)].map((m) => m.index);
    const markBefore = (lit: KeyedLiteral): boolean => {
      if (marks.length === 0) return false;
      // Every literal of the file is asked: its start is read without moving a carried one's node.
      const at = keyedStart(lit);
      return anyWithin(marks, statementStart(ctx.tree, at), at - 1);
    };
    for (const lit of idx.keyed) {
      const keys = keyedKeys(lit);
      // The wrapper `{ AIGC: {...} }` is not itself the metadata; its value is checked on its own.
      if (keys.some((k) => /^aigc$/i.test(k))) continue;
      const context = /aigc/i.test(lit.typeName) || (markBefore(lit) && inAigcContext(lit));
      if (!context && specificFieldHits(keys) < 2) continue;
      checkEntries(ctx, entriesOfLiteral(lit, idx.family), lit.node, context, '');
    }
    if (idx.family === 'java') checkJavaPuts(ctx, idx);
    for (const s of idx.strings) if (s.text.includes('AIGC')) checkJsonString(ctx, s);
  },
};

/** Java builds maps with `m.put("Label", "1")` statements; group them per map variable and function. */
function checkJavaPuts(ctx: RuleContext, idx: FileIndex): void {
  const groups = new Map<string, { anchor: Node; entries: Entry[]; name: string }>();
  for (const c of idx.calls) {
    if (c.name !== 'put' || !c.receiver || c.receiver.type !== 'identifier' || c.args.length !== 2) continue;
    const k = c.args[0]!;
    if (!isStringNode(k, 'java')) continue;
    const fn = enclosingFunction(c.node, idx);
    const id = `${fn?.node.id ?? 0}:${c.receiver.text}`;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { anchor: c.node, entries: [], name: c.receiver.text }));
    const v = c.args[1]!;
    const kind = valueKind(v, 'java');
    g.entries.push({ key: stringValue(k), keyNode: k, kind, value: kind === 'string' ? stringValue(v) : v.text });
  }
  for (const g of groups.values()) {
    const keys = g.entries.map((e) => e.key);
    if (keys.some((k) => /^aigc$/i.test(k))) continue;
    const context = /aigc/i.test(g.name);
    if (!context && specificFieldHits(keys) < 2) continue;
    checkEntries(ctx, g.entries, g.anchor, context, ` (map "${g.name}")`);
  }
}
