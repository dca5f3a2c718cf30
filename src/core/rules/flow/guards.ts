/**
 * "Is this site guarded by a check?" for the opt-out and consent rules. A guard counts when it
 * appears on the path to the site: earlier in the enclosing function, or earlier in a same-file
 * caller of that function (up to a few levels, since handlers often delegate to a helper). The
 * check is recognised by name (a pattern of flag/function names) or by a team-declared function
 * name from the configuration.
 */
import type { Node } from 'web-tree-sitter';
import { type FileIndex, type FunctionInfo, enclosingFunction, nodeOfAssign, nodeOfCall, within } from './ast';
import { callersOf } from './taint';
import { codeWithoutProse } from './lexical';
import { OwnedMemo } from '../../analysis/ownedMemo';

export interface GuardResult {
  guarded: boolean;
  /** What matched, for tests and messages. */
  evidence?: string;
  /** The outermost same-file function on the path (the entry point), if any. */
  entry: FunctionInfo | null;
}

/** Source text with line and block comments blanked out, so a TODO note never counts as a check. */
export function codeOnly(text: string, family: FileIndex['family']): string {
  // The lexer, not a regular expression, finds the comments: `"a//b"` holds no comment.
  return codeWithoutProse(text, family, { keepStrings: true }).replace(/https?:\/\/\S+/g, (m) => ' '.repeat(m.length));
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Builds a matcher for configured names: `labels.apply` matches `labels.apply(` and `apply` alone does not. */
export function namesPattern(names: readonly string[]): RegExp | undefined {
  const clean = names.map((n) => n.trim()).filter((n) => n.length > 0);
  if (clean.length === 0) return undefined;
  return new RegExp(`(?<![\\w$.])(?:[\\w$]+\\.)*(?:${clean.map(escapeRe).join('|')})(?![\\w$])`);
}

/**
 * Looks for `pattern` (or a configured name) in the code that runs before `site`: the enclosing
 * function up to the site, then each same-file caller up to its call.
 */
export function guardOnPath(site: Node, idx: FileIndex, text: string, pattern: RegExp, configured: RegExp | undefined, maxDepth = 3): GuardResult {
  return searchPath(site, idx, maxDepth, (fn, upTo) => {
    // From the body on: a function named `personalizedFeed` is not a check of anything.
    const start = fn ? (fn.body ?? fn.node).startIndex : 0;
    const before = codeOnly(text.slice(start, upTo.startIndex), idx.family);
    return (pattern.exec(before) ?? (configured ? configured.exec(before) : null))?.[0];
  });
}

/**
 * Walks the path to `site`: its function up to the site, then each same-file caller up to its
 * call, `maxDepth` callers deep, each function once. `look` says what it found in one function
 * before `upTo`; the last function reached is the entry point of the path.
 */
function searchPath(site: Node, idx: FileIndex, maxDepth: number, look: (fn: FunctionInfo | null, upTo: Node) => string | undefined): GuardResult {
  const visited = new Set<number>();
  let entry: FunctionInfo | null = null;
  const check = (upTo: Node, depth: number): string | undefined => {
    const fn = enclosingFunction(upTo, idx);
    if (fn) entry = fn;
    const found = look(fn, upTo);
    if (found) return found;
    if (!fn || depth >= maxDepth || visited.has(fn.node.id)) return undefined;
    visited.add(fn.node.id);
    for (const call of callersOf(fn, idx)) {
      const deeper = check(call, depth + 1);
      if (deeper) return deeper;
    }
    return undefined;
  };
  const evidence = check(site, 0);
  return evidence ? { guarded: true, evidence, entry } : { guarded: false, entry };
}

/** Statements that leave the current path: the branch of a guard that refuses. */
const EXIT_STATEMENTS = ['return_statement', 'raise_statement', 'throw_statement', 'continue_statement', 'break_statement'];
/** Calls that end a request or a process without a statement: `abort(403)`, `panic(err)`, `redirect('/consent')`. */
const EXIT_CALLEE = /(?:^|\.)(?:abort|exit|_exit|panic|redirect|notFound|forbidden|Fatal|Fatalf|Exit|Abort|AbortWithStatus\w*)$/;

const CHECK_VERB = /^(?:assert\w*|invariant|require\w*|check\w*|ensure\w*|verify\w*|validate\w*|enforce\w*|authori[sz]e\w*)$/i;

interface CheckSpan {
  /** Where the check starts; it guards a site that comes after this point. */
  from: number;
  /** For a conditional the site may sit inside (`if consent_ok: clone()`), where the branch ends. */
  encloses?: number;
  evidence: string;
}

const spanMemo = new OwnedMemo<FileIndex, Map<string, CheckSpan[]>>();

function exits(branch: Node | null, idx: FileIndex): boolean {
  if (!branch) return false;
  if (EXIT_STATEMENTS.includes(branch.type)) return true;
  if (branch.descendantsOfType(EXIT_STATEMENTS).length > 0) return true;
  return within(idx.calls, branch.startIndex, branch.endIndex, nodeOfCall).some((c) => EXIT_CALLEE.test(c.callee));
}

/** The value of a call statement is dropped, so a check called that way must raise or exit to refuse. */
function calledForEffect(call: Node): boolean {
  let p = call.parent;
  while (p && (p.type === 'await_expression' || p.type === 'await' || p.type === 'parenthesized_expression')) p = p.parent;
  return p?.type === 'expression_statement';
}

/**
 * The consent checks of one function, in source order: conditions that name a consent record (or a
 * value read from one) and refuse in their branch or hold the site in it, asserts, check calls made
 * for their effect (`require_consent(user)`, which raises), decorators (`@requires_consent`) and
 * dependencies in the parameters (`Depends(verify_consent)`). Computed once per function.
 */
function checkSpans(fn: FunctionInfo | null, root: Node, idx: FileIndex, text: string, pattern: RegExp): CheckSpan[] {
  let byFn = spanMemo.get(idx);
  if (!byFn) spanMemo.set(idx, (byFn = new Map()));
  const key = `${fn?.node.id ?? -1}:${pattern.source}`;
  const memo = byFn.get(key);
  if (memo) return memo;
  const scope = fn ? (fn.body ?? fn.node) : null;
  const from = scope ? scope.startIndex : 0;
  const to = scope ? scope.endIndex : text.length;
  const own = (n: Node): boolean => enclosingFunction(n, idx) === fn;
  const test = (s: string): string | undefined => {
    const m = pattern.exec(codeOnly(s, idx.family));
    return m ? m[0] : undefined;
  };
  const spans: CheckSpan[] = [];
  if (fn) {
    // Decorators and annotations (`@requires_consent`, `@RequiresConsent`), and for TypeScript class
    // methods the decorators the grammar keeps beside the method (`@UseGuards(SpeakerConsentGuard)`).
    const decorators = [...fn.decorators];
    if (idx.family === 'js') {
      for (const c of fn.node.namedChildren) if (c?.type === 'decorator') decorators.push(c.text);
      for (let p = fn.node.previousNamedSibling; p?.type === 'decorator'; p = p.previousNamedSibling) decorators.push(p.text);
    }
    for (const d of decorators) if (test(d)) spans.push({ from: 0, evidence: d });
    const params = fn.node.childForFieldName('parameters') ?? fn.node.childForFieldName('parameter');
    if (params) for (const c of within(idx.calls, params.startIndex, params.endIndex, nodeOfCall)) if (test(c.node.text)) spans.push({ from: 0, evidence: c.node.text });
  }
  // Names bound from a consent lookup (`consent = Consent.find(id)`, `ok, _ = verify_consent(a)`):
  // a condition on them is a condition on the consent.
  const derived = new Set<string>();
  for (const a of within(idx.assigns, from, to, nodeOfAssign)) if (own(a.node) && test(a.value.text)) for (const t of a.targets) derived.add(t);
  const derivedRe = derived.size > 0 ? new RegExp(`(?<![\\w$])(?:${[...derived].map(escapeRe).join('|')})(?![\\w$])`) : undefined;
  const onConsent = (s: string): string | undefined => test(s) ?? (derivedRe ? derivedRe.exec(codeOnly(s, idx.family))?.[0] : undefined);
  // Module-level code (a script) is searched from the root; `own` keeps its top-level checks only.
  const conditionals = (scope ?? root).descendantsOfType(['if_statement', 'assert_statement']);
  for (const n of conditionals) {
    if (!n || !own(n)) continue;
    if (n.type === 'assert_statement') {
      const m = onConsent(n.text);
      if (m) spans.push({ from: n.endIndex, evidence: m });
      continue;
    }
    const cond = n.childForFieldName('condition');
    const init = n.childForFieldName('initializer');
    const m = onConsent(`${init?.text ?? ''} ${cond?.text ?? ''}`);
    if (!m) continue;
    const consequence = n.childForFieldName('consequence');
    if (exits(consequence, idx)) spans.push({ from: n.endIndex, evidence: m });
    // The site may be the guarded branch itself.
    spans.push({ from: n.startIndex, encloses: n.endIndex, evidence: m });
  }
  for (const c of within(idx.calls, from, to, nodeOfCall)) {
    if (!own(c.node) || !calledForEffect(c.node)) continue;
    // The check's own name says consent (`require_subject_consent`, `assertConsent`), or a check
    // verb is asked of a consent store or about a consent value (`consents.require(user)`).
    const checkVerb = CHECK_VERB.test(c.name) && ((c.receiver && test(c.receiver.text)) || c.args.some((a) => onConsent(a.text)));
    if (test(c.name) || checkVerb) spans.push({ from: c.node.endIndex, evidence: c.node.text });
  }
  byFn.set(key, spans);
  return spans;
}

/**
 * Like `guardOnPath`, but a consent name only counts where it is consulted: in a condition whose
 * branch refuses or holds the site, an assert, a check called for its effect, a decorator or a
 * parameter dependency. A consent id that is read and never tested, a column named in a query, or
 * a consent flag stored elsewhere is not a check. Team-declared check names (`consentChecks`) still
 * count wherever they are called on the path.
 */
export function consultedOnPath(site: Node, idx: FileIndex, text: string, pattern: RegExp, configured: RegExp | undefined, maxDepth = 3): GuardResult {
  return searchPath(site, idx, maxDepth, (fn, upTo) => {
    for (const s of checkSpans(fn, upTo.tree.rootNode, idx, text, pattern)) {
      if (s.encloses !== undefined ? s.from <= upTo.startIndex && upTo.endIndex <= s.encloses : s.from <= upTo.startIndex) return s.evidence;
    }
    if (!configured) return undefined;
    const start = fn ? (fn.body ?? fn.node).startIndex : 0;
    return configured.exec(codeOnly(text.slice(start, upTo.startIndex), idx.family))?.[0];
  });
}
