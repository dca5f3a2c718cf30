/**
 * `rec-no-opt-out` (Algorithm Recommendation Provisions Art. 17; DSA Arts. 27/38): personalised
 * recommendation with no checked user setting that switches to non-personalised results.
 *
 * Two kinds of sites: calls into recommender libraries and services (high confidence; gated on
 * the library being imported, since names like `predict` are generic), and code that ranks items
 * by a user's profile, history or embedding (low confidence, so a lower default severity). A site
 * is quiet when an opt-out flag or a configured opt-out check appears on the path before it.
 */
import type { Node } from 'web-tree-sitter';
import recData from '../../../data/recommenders.json';
import { rangeOfNode } from '../position';
import type { Rule, RuleContext } from './rule';
import { type CallInfo, type FileIndex, type FunctionInfo, enclosingFunction, indexFor } from './flow/ast';
import { compilePattern } from './flow/catalog';
import { guardOnPath, namesPattern } from './flow/guards';
import { hasAnyKeyword, lowerText, mayApply, registerKeywords } from './flow/text';

interface Library {
  name: string;
  keywords: string[];
  imports: RegExp;
  callee: RegExp;
  families: string[];
}

const LIBRARIES: Library[] = recData.libraries.map((l) => ({ name: l.name, keywords: l.keyword.split('|'), imports: compilePattern(l.imports), callee: compilePattern(l.callee), families: l.families }));
const USER_SIGNALS = compilePattern(recData.userSignals);
const KEYWORDS = registerKeywords('rec-no-opt-out', [...recData.libraries.flatMap((l) => l.keyword.split('|')), ...recData.userSignalKeywords]);
const RANK_CALLEES = compilePattern(recData.rankCallees);
/** Opt-out recognisers, joined into one pattern so the guard search is one regex run. */
const OPT_OUT = new RegExp(recData.optOutNames.map((p) => `(?:${p.replace(/^\(\?i\)/, '')})`).join('|'), 'i');

export const recNoOptOutRule: Rule = {
  id: 'rec-no-opt-out',
  async run(ctx) {
    // Prefilter: a recommender library in the file, or user-signal words for the heuristic.
    const family = ctx.language.family;
    if (!mayApply(ctx.tree, ctx.text, KEYWORDS)) return;
    const lower = lowerText(ctx.tree, ctx.text);
    const libs = LIBRARIES.filter((l) => l.families.includes(family) && hasAnyKeyword(lower, l.keywords) && l.imports.test(ctx.text));
    const heuristic = hasAnyKeyword(lower, recData.userSignalKeywords) && USER_SIGNALS.test(ctx.text);
    if (libs.length === 0 && !heuristic) return;
    const idx = await indexFor(ctx);
    const configured = namesPattern(ctx.config.optOutChecks);
    const reportedFns = new Set<number>();

    for (const c of idx.calls) {
      const lib = libs.find((l) => l.callee.test(c.callee));
      if (!lib) continue;
      const fn = enclosingFunction(c.node, idx);
      report(ctx, idx, c.node, `${lib.name} (${c.callee})`, 'high', configured, fn);
      reportedFns.add(fn?.node.id ?? -1);
    }

    if (!heuristic) return;
    for (const c of idx.calls) {
      if (!isRanking(c)) continue;
      const fn = enclosingFunction(c.node, idx);
      const key = fn?.node.id ?? -1;
      if (reportedFns.has(key)) continue;
      if (!usesUserSignal(c, fn, idx)) continue;
      reportedFns.add(key);
      report(ctx, idx, c.node, `ranking by user profile/history (${c.callee})`, 'low', configured, fn);
    }
  },
};

function isRanking(c: CallInfo): boolean {
  const parts = c.callee.replace(/\(\)/g, '').split('.');
  const lastTwo = parts.slice(-2).join('.');
  return RANK_CALLEES.test(c.name) || RANK_CALLEES.test(lastTwo);
}

/**
 * True when the ranking call mentions a user signal, directly or through a variable computed from
 * one earlier in the same function (`emb = user_embedding(u); scores = items @ emb; argsort(scores)`).
 */
function usesUserSignal(c: CallInfo, fn: FunctionInfo | null, idx: FileIndex): boolean {
  const callText = c.node.text;
  if (USER_SIGNALS.test(callText)) return true;
  // Ranking inside a `forYouFeed` / `rank_by_user_history` function is personalised by purpose.
  if (fn?.name && USER_SIGNALS.test(fn.name)) return true;
  if (fn && USER_SIGNALS.test(fn.params.join(' '))) {
    for (const p of fn.params) if (USER_SIGNALS.test(p) && mentions(callText, p)) return true;
  }
  const scope = fn?.node;
  const personal = new Set<string>(fn ? fn.params.filter((p) => USER_SIGNALS.test(p)) : []);
  const assigns = idx.assigns.filter((a) => (!scope || (a.node.startIndex >= scope.startIndex && a.node.endIndex <= scope.endIndex)) && a.node.startIndex < c.node.startIndex);
  for (let round = 0; round < 3; round++) {
    let changed = false;
    for (const a of assigns) {
      const v = a.value.text;
      if (USER_SIGNALS.test(v) || [...personal].some((p) => mentions(v, p))) {
        for (const t of a.targets) {
          if (personal.has(t)) continue;
          personal.add(t);
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  return [...personal].some((p) => mentions(callText, p));
}

function mentions(text: string, name: string): boolean {
  return new RegExp(`(?<![\\w$.])${name.replace(/[$]/g, '\\$')}(?![\\w$])`).test(text);
}

function report(ctx: RuleContext, idx: FileIndex, site: Node, what: string, confidence: 'high' | 'low', configured: RegExp | undefined, fn: FunctionInfo | null): void {
  const guard = guardOnPath(site, idx, ctx.text, OPT_OUT, configured);
  if (guard.guarded) return;
  const entry = guard.entry ?? fn;
  const entryName = entry?.node.childForFieldName('name') ?? entry?.node;
  ctx.report({
    ruleId: 'rec-no-opt-out',
    range: rangeOfNode(site),
    message: `Personalised recommendation via ${what} with no user opt-out checked on the path${confidence === 'low' ? ' (heuristic: ranking uses user profile/history data)' : ''}. Algorithm Recommendation Provisions Art. 17 require a convenient way to switch off personalised recommendation (and DSA Art. 38 a non-profiling option): check the user's setting and fall back to non-personalised results, or declare your check in optOutChecks.`,
    confidence,
    ...(entry && entryName ? { related: [{ file: ctx.file, range: rangeOfNode(entryName), message: `entry point ${entry.name ?? '(anonymous function)'} reaches the recommendation without checking an opt-out` }] } : {}),
    data: { kind: confidence === 'high' ? 'library' : 'heuristic' },
  });
}
