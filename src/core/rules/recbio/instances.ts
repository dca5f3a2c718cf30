/**
 * Where a loaded face or voice model is used. Real code builds the model once (`model =
 * load_model(path)` around `Wav2Lip()`, `tts_pipeline = TTS(config)` at module level,
 * `self.renderer = AnimateFromCoeff(...)`) and edits faces or voices where it calls the instance
 * (`model(mel, img)`, `tts_pipeline.run(req)`, `self.renderer.generate(...)`). This follows the
 * constructor to the names it is bound to, through aliases (`model = model.to(device)`) and
 * same-file factory functions that return it (three levels), and returns the calls of those names.
 * File-local and flow-insensitive on purpose, like the rest of the review index.
 */
import type { Node } from 'web-tree-sitter';
import { type CallInfo, type FileIndex, enclosingFunction } from '../flow/ast';

const CHAIN = new Set(['call', 'call_expression', 'method_invocation', 'attribute', 'member_expression', 'selector_expression', 'field_access', 'await', 'await_expression', 'parenthesized_expression']);

/** The expression a value flows into: `Wav2Lip().to(device).eval()` for the `Wav2Lip()` node. */
function topOfChain(node: Node): Node {
  let n = node;
  while (n.parent && CHAIN.has(n.parent.type) && n.parent.firstNamedChild?.id === n.id) n = n.parent;
  return n;
}

function unwrap(node: Node): Node {
  let n = node;
  while ((n.type === 'await' || n.type === 'await_expression' || n.type === 'parenthesized_expression') && n.firstNamedChild) n = n.firstNamedChild;
  return n;
}

function normaliseTarget(text: string): string {
  return text.replace(/\s+/g, '').replace(/^this\./, 'self.');
}

/**
 * Calls that use an instance made by one of `ctors`: calling the instance itself when `methods`
 * accepts `__call__`, or a method whose name `methods` accepts.
 */
export function instanceUses(idx: FileIndex, ctors: readonly Node[], methods: RegExp): CallInfo[] {
  const names = new Set<string>();
  const factories = new Set<string>();
  let frontier: Node[] = [...ctors];
  for (let depth = 0; depth < 3 && frontier.length > 0; depth++) {
    for (const node of frontier) {
      const top = topOfChain(node);
      for (const a of idx.assigns) {
        if (unwrap(a.value).id === top.id) bindTargets(a.leftText, a.targets, names);
      }
      if (top.parent?.type === 'return_statement') {
        const fn = enclosingFunction(top, idx);
        if (fn?.name) factories.add(fn.name);
      }
    }
    addAliases(idx, names, factories);
    frontier = idx.calls.filter((c) => factories.has(c.name) && (!c.receiver || /^(?:self|this|cls)$/.test(c.receiver.text))).map((c) => c.node);
    // Factories found in this round seed the next; stop when none are new.
    if (depth > 0 && frontier.length === 0) break;
  }
  if (names.size === 0) return [];
  const direct = methods.test('__call__');
  const out: CallInfo[] = [];
  for (const c of idx.calls) {
    const callee = normaliseTarget(c.callee);
    if (direct && names.has(callee)) out.push(c);
    else if (c.receiver && names.has(normaliseTarget(c.receiver.text)) && methods.test(c.name)) out.push(c);
  }
  return out;
}

function bindTargets(leftText: string, targets: readonly string[], names: Set<string>): void {
  const left = normaliseTarget(leftText);
  if (/^[A-Za-z_$][\w$]*$/.test(left)) names.add(left);
  else if (/^[\w$.]+$/.test(left)) names.add(left);
  else for (const t of targets) names.add(t);
}

/** `model = model.to(device)`, `m = model`, and `return model.eval()` keep the instance. */
function addAliases(idx: FileIndex, names: Set<string>, factories: Set<string>): void {
  for (let round = 0; round < 3; round++) {
    const before = names.size + factories.size;
    for (const a of idx.assigns) {
      const root = normaliseTarget(/^\s*(?:await\s+)?([\w$.]+)/.exec(a.value.text)?.[1] ?? '');
      if (!root) continue;
      const base = [...names].find((n) => root === n || root.startsWith(`${n}.`));
      if (base) bindTargets(a.leftText, a.targets, names);
    }
    for (const r of idx.returns) {
      const m = /^return\s+([\w$.]+)/.exec(r.text);
      if (!m) continue;
      const root = normaliseTarget(m[1]!);
      if ([...names].some((n) => root === n || root.startsWith(`${n}.`))) {
        const fn = enclosingFunction(r, idx);
        if (fn?.name) factories.add(fn.name);
      }
    }
    if (names.size + factories.size === before) break;
  }
}
