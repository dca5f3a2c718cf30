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
import { catalog } from '../analysis/catalog';
import type { LanguageInfo } from '../languages';
import type { RuleId } from '../types';
import { keywordsOf } from './flow/text';

export type Prefilter = (text: string, lower: string, language: LanguageInfo) => boolean;

/** The generation detector's own whole-file test (module names, method names, endpoint fragments). */
const generationPrefilter: Prefilter = (text, _lower, language) => catalog().mayMatch(language.family, text);

/** Rules whose findings all start at a generation call in the same file share its prefilter. */
const FOLLOWS_GENERATION: ReadonlySet<RuleId> = new Set(['aigc-generation-call', 'aigc-missing-label']);

/**
 * The prefilter of a rule: the generation detector's for the rules that start from generation
 * calls, else the keywords the rule registered (`registerKeywords`), else none.
 */
export function prefilterOf(ruleId: RuleId): Prefilter | undefined {
  if (FOLLOWS_GENERATION.has(ruleId)) return generationPrefilter;
  const own = keywordsOf(ruleId);
  return own ? (_text, lower) => own.test(lower) : undefined;
}

/** True when some rule in `ruleIds` may report in this text (so the file must be parsed). */
export function anyRuleMayMatch(ruleIds: readonly RuleId[], text: string, language: LanguageInfo): boolean {
  let lower: string | undefined;
  for (const id of ruleIds) {
    const test = prefilterOf(id);
    if (!test) return true;
    lower ??= text.toLowerCase();
    if (test(text, lower, language)) return true;
  }
  return false;
}

const JS_IMPORT = /\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]|\b(?:require|import)\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
const PY_IMPORT = /^[ \t]*(?:from[ \t]+([.\w]+)[ \t]+import[ \t]*\(?([\w, \t]*)|import[ \t]+([\w.]+))/gm;

/**
 * The module specifiers a file imports, read from its text without a parse (a superset is fine:
 * a specifier that is not really an import only costs a lookup). Used to give a parse to a file
 * that imports a file the prefilter accepted, because with the workspace model a constant, a
 * client or a wrapper defined there makes calls in the importing file generation calls.
 */
export function importSpecifiers(text: string, language: LanguageInfo): string[] {
  const out = new Set<string>();
  if (language.family === 'js') {
    JS_IMPORT.lastIndex = 0;
    for (let m = JS_IMPORT.exec(text); m; m = JS_IMPORT.exec(text)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (spec) out.add(spec);
    }
  } else if (language.family === 'python') {
    PY_IMPORT.lastIndex = 0;
    for (let m = PY_IMPORT.exec(text); m; m = PY_IMPORT.exec(text)) {
      const from = m[1];
      if (!from) {
        if (m[3]) out.add(m[3]);
        continue;
      }
      out.add(from);
      // `from pkg import module` imports a module file as much as `import pkg.module` does.
      for (const name of (m[2] ?? '').split(',')) {
        const n = name.trim();
        if (/^\w+$/.test(n)) out.add(from.endsWith('.') ? from + n : `${from}.${n}`);
      }
    }
  }
  return [...out];
}
