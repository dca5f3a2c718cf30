/**
 * Text prefilters that decide, before a file is parsed, whether any enabled rule could report
 * something in it. Parsing is most of a scan's cost and most files of a real code base mention no
 * AI SDK, endpoint, recommender or biometric keyword at all, so a file that no rule's prefilter
 * accepts is never parsed.
 *
 * A prefilter must be a superset of what its rule needs: it may say "maybe" for a file the rule
 * ignores, never "no" for a file where the rule could report. A rule without a prefilter always
 * gets its parse.
 */
import type { LinkFilter } from '../analysis/workspace';
import type { AiregConfig } from '../config';
import type { LanguageInfo } from '../languages';
import type { RuleId } from '../types';
import { keywordsOf, lowerCase, testLines } from './flow/text';
import { generationRule, linkFilterFor, linkTargetMayApply } from './generation';
import { ALL_RULES } from './index';
import type { PrefilterInput, Rule } from './rule';

export type Prefilter = (input: PrefilterInput) => boolean;

/** Rules whose findings all start at a generation call in the same file share its prefilter. */
const FOLLOWS_GENERATION: ReadonlySet<RuleId> = new Set(['aigc-missing-label']);

/**
 * The prefilter of a rule: its own `mayApply`; for the built-in rules that start from generation
 * calls, the generation detector's; for the other built-in rules, the keywords they registered
 * (`registerKeywords`). A rule without any (a test's own rule, say) always gets its parse.
 */
export function prefilterOf(rule: Rule): Prefilter | undefined {
  if (rule.mayApply) return (input) => rule.mayApply!(input);
  if (!ALL_RULES.includes(rule)) return undefined;
  if (FOLLOWS_GENERATION.has(rule.id)) return (input) => generationRule.mayApply!(input);
  const own = keywordsOf(rule.id);
  return own ? ({ lower }) => testLines(own, lower) : undefined;
}

/**
 * Whether a file can matter to the files that import it: the workspace model links only files
 * whose text passes the generation prefilter (a client, constant, wrapper or AI-service interface
 * is defined there), so a file that imports none of those gains nothing from a parse of its own.
 */
export function linkRelevant(text: string, language: LanguageInfo, config: AiregConfig): boolean {
  return linkTargetMayApply(text, language.family, config);
}

/** {@link linkRelevant} as the workspace model's link filter (its answers memoised per file). */
export function linkRelevantFilter(language: LanguageInfo, config: AiregConfig): LinkFilter {
  return linkFilterFor(language.family, config);
}

/** The built-in rule with this id (for tests and tools that name rules by id). */
export function builtinRule(id: RuleId): Rule | undefined {
  return ALL_RULES.find((r) => r.id === id);
}

/** True when some rule in `rules` may report in this text (so the file must be parsed). */
export function anyRuleMayMatch(rules: readonly Rule[], text: string, language: LanguageInfo, config: AiregConfig, workspace: boolean): boolean {
  let input: PrefilterInput | undefined;
  for (const rule of rules) {
    const test = prefilterOf(rule);
    if (!test) return true;
    input ??= { text, lower: lowerCase(text), language, config, workspace };
    if (test(input)) return true;
  }
  return false;
}

// The import reader lives with the workspace model, which needs it too; re-exported for callers here.
export { importSpecifiers } from '../analysis/importText';
