/**
 * `rec-no-opt-out` (Algorithm Recommendation Provisions Art. 17; DSA Arts. 27/38): personalised
 * recommendation with no checked user setting that switches to non-personalised results.
 *
 * Two kinds of sites: calls into recommender libraries and services (high confidence; gated on
 * the library being imported, since names like `predict` are generic), and code that ranks items
 * by a user's profile, history or embedding (low confidence, so a lower default severity). A site
 * is quiet when an opt-out flag or a configured opt-out check appears on the path before it.
 */
import type { Node, Tree } from 'web-tree-sitter';
import { chunked, statementStart } from '../analysis/chunks';
import type { Family } from '../analysis/model';
import recData from '../../../data/recommenders.json';
import { rangeOfNode } from '../position';
import type { Rule, RuleContext } from './rule';
import { type FileIndex, type FunctionInfo, enclosingFunction, indexFor } from './flow/ast';
import { compilePattern } from './flow/catalog';
import { guardOnPath, namesPattern } from './flow/guards';
import { keywordPattern, lowerText, mayApply, registerKeywords, testLines } from './flow/text';
import { personalMayApply, personalMayApplyByStatement, personalSites } from './recbio/personal';

interface Library {
  name: string;
  keywords: string[];
  imports: RegExp;
  callee: RegExp;
  families: string[];
}

const LIBRARIES: Library[] = recData.libraries.map((l) => ({ name: l.name, keywords: l.keyword.split('|'), imports: compilePattern(l.imports), callee: compilePattern(l.callee), families: l.families }));
/** Per library, its keywords as one pattern (for `testLines`, which remembers its last answer). */
const KEYWORD_PATTERNS = new Map(LIBRARIES.map((l) => [l, keywordPattern(l.keywords)]));
const KEYWORDS = registerKeywords('rec-no-opt-out', [...recData.libraries.flatMap((l) => l.keyword.split('|')), ...recData.userSignalKeywords]);
/** Opt-out recognisers, joined into one pattern so the guard search is one regex run. */
const OPT_OUT = new RegExp(recData.optOutNames.map((p) => `(?:${p.replace(/^\(\?i\)/, '')})`).join('|'), 'i');

/** The recommender libraries a file imports (their keyword in the text, then their import pattern). */
function librariesIn(text: string, lower: string, family: Family): Library[] {
  // Asked by the prefilter and again by the rule, for the same text.
  if (lastLibraries && lastLibraries.text === text && lastLibraries.family === family) return lastLibraries.found;
  const found = LIBRARIES.filter((l) => l.families.includes(family) && testLines(KEYWORD_PATTERNS.get(l)!, lower) && l.imports.test(text));
  lastLibraries = { text, family, found };
  return found;
}

let lastLibraries: { text: string; family: Family; found: Library[] } | undefined;

export const recNoOptOutRule: Rule = {
  id: 'rec-no-opt-out',
  // The same test as the run's own first step: a recommender library imported, or names that can
  // form an in-house personal ranking. Most files mention some user and some sort; few have both
  // as words of names.
  mayApply: ({ text, lower, language }) => librariesIn(text, lower, language.family).length > 0 || personalMayApply(text, language.family),
  async run(ctx) {
    const family = ctx.language.family;
    if (!mayApply(ctx.tree, ctx.text, KEYWORDS)) return;
    const lower = lowerText(ctx.tree, ctx.text);
    const libs = librariesIn(ctx.text, lower, family);
    // In a scan, a file whose user names and ranking names lie in different top-level statements
    // is passed over before its review index is built. A tree kept for edits has its index
    // carried over from the last keystroke, which costs less than this test.
    const heuristic = chunked(ctx.tree) ? personalMayApply(ctx.text, family) : personalMayApplyByStatement(ctx.text, family, (at) => statementStart(ctx.tree, at));
    if (libs.length === 0 && !heuristic) return;
    const idx = await indexFor(ctx);
    const configured = namesPattern(ctx.config.optOutChecks);
    const reportedCalls = new Set<number>();

    for (const c of idx.calls) {
      const lib = libs.find((l) => l.callee.test(c.callee));
      if (!lib) continue;
      const fn = enclosingFunction(c.node, idx);
      report(ctx, idx, c.node, `${lib.name} (${c.callee})`, 'high', configured, fn);
      reportedCalls.add(c.node.id);
    }

    if (!heuristic) return;
    // A function that delegates to a library on one path and ranks in house on another (an
    // approximate index with an exact fallback) serves two rankings; the same call is one.
    for (const site of personalSites(idx, reportedCalls)) {
      if (reportedCalls.has(site.node.id)) continue;
      report(ctx, idx, site.node, `in-house ranking: ${site.what}`, 'low', configured, site.fn);
    }
  },
};

let lastText: string | undefined;
let lastSwitch: string | undefined;

/**
 * The first opt-out-like name anywhere in the file's code, outside comments and URLs (memoised for
 * the file being analysed). The tree says which matches are comments: blanking them from the
 * whole text, as a lexer would, made two copies of the file per keystroke for one message.
 */
function unusedSwitch(tree: Tree, text: string): string | undefined {
  if (text !== lastText) {
    lastText = text;
    lastSwitch = undefined;
    for (const m of text.matchAll(OPT_OUT_ALL)) {
      // Comments are leaves in every grammar: the smallest node holding a match inside one is it.
      if (inUrl(text, m.index) || tree.rootNode.descendantForIndex(m.index, m.index + m[0].length)?.type.endsWith('comment')) continue;
      lastSwitch = m[0].trim();
      break;
    }
  }
  return lastSwitch;
}

const OPT_OUT_ALL = new RegExp(OPT_OUT.source, 'gi');

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** How far back a URL's start is looked for: URLs are shorter than this; the look is bounded so many matches on one huge line stay linear. */
const URL_LOOKBACK = 2048;

/** True when offset `at` lies in a URL: an `http(s)://` before it with no white space between. */
function inUrl(text: string, at: number): boolean {
  let start = at;
  const floor = Math.max(0, at - URL_LOOKBACK);
  while (start > floor && !isSpace(text.charCodeAt(start - 1))) start--;
  return /https?:\/\//.test(text.slice(start, at + 1)) || text.startsWith('http://', at) || text.startsWith('https://', at);
}

function report(ctx: RuleContext, idx: FileIndex, site: Node, what: string, confidence: 'high' | 'low', configured: RegExp | undefined, fn: FunctionInfo | null): void {
  const guard = guardOnPath(site, idx, ctx.text, OPT_OUT, configured);
  if (guard.guarded) return;
  const entry = guard.entry ?? fn;
  const entryName = entry?.node.childForFieldName('name') ?? entry?.node;
  // A switch that exists in the file but is not consulted before this ranking does not count; say so.
  const unused = unusedSwitch(ctx.tree, ctx.text);
  const seen = unused ? ` The file mentions \`${unused.slice(0, 60)}\`, but no such check runs before this ranking.` : ' No user setting (a personalisation flag, a ranking/sort choice) is consulted before it.';
  ctx.report({
    ruleId: 'rec-no-opt-out',
    range: rangeOfNode(site),
    message: `Personalised recommendation via ${what}${confidence === 'low' ? ' (heuristic)' : ''}.${seen} Algorithm Recommendation Provisions Art. 17 require a convenient way to switch off personalised recommendation (and DSA Art. 38 a non-profiling option): check the user's setting and fall back to non-personalised results, or declare your check in optOutChecks.`,
    confidence,
    ...(entry && entryName ? { related: [{ file: ctx.file, range: rangeOfNode(entryName), message: `entry point ${entry.name ?? '(anonymous function)'} reaches the recommendation without checking an opt-out` }] } : {}),
    data: { kind: confidence === 'high' ? 'library' : 'heuristic' },
  });
}
