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
import type { AiregConfig } from '../config';
import type { LanguageInfo } from '../languages';
import type { RuleId } from '../types';
import { keywordsOf } from './flow/text';
import { generationRule, linkTargetMayApply } from './generation';
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
  return own ? ({ lower }) => own.test(lower) : undefined;
}

/**
 * Whether a file can matter to the files that import it: the workspace model links only files
 * whose text passes the generation prefilter (a client, constant, wrapper or AI-service interface
 * is defined there), so a file that imports none of those gains nothing from a parse of its own.
 */
export function linkRelevant(text: string, language: LanguageInfo, config: AiregConfig): boolean {
  return linkTargetMayApply(text, language.family, config);
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
    input ??= { text, lower: text.toLowerCase(), language, config, workspace };
    if (test(input)) return true;
  }
  return false;
}

const JS_IMPORT = /\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]|\b(?:require|import)\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
const JAVA_IMPORT = /^[ \t]*import[ \t]+(?:static[ \t]+)?([\w.]+)[ \t]*;/gm;
/**
 * `Type name;`, `Type<X> name =`, `(Type name,`: a declared field, local or parameter type; also
 * `new Type(` and a static call `Type.method(`.
 */
const JAVA_DECLARED_TYPE = /\b([A-Z]\w*)(?:<[^<>;]*(?:<[^<>;]*>[^<>;]*)*>)?[ \t]+[a-z_]\w*[ \t]*[;=,)]|\bnew[ \t]+([A-Z]\w*)|\b([A-Z]\w*)\.[a-z]\w*\(/g;
/** A quoted Go import path with a domain (standard-library paths have none). */
const GO_IMPORT = /"([\w-]+(?:\.[\w-]+)+\/[^"\s]+)"/g;
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
  } else if (language.family === 'java') {
    // Imported classes, and the types the file declares values with: a class of its own package
    // needs no import (a bare name is looked up in the file's folder).
    JAVA_IMPORT.lastIndex = 0;
    for (let m = JAVA_IMPORT.exec(text); m; m = JAVA_IMPORT.exec(text)) if (!/^javax?\./.test(m[1]!)) out.add(m[1]!);
    JAVA_DECLARED_TYPE.lastIndex = 0;
    for (let m = JAVA_DECLARED_TYPE.exec(text); m && out.size < 96; m = JAVA_DECLARED_TYPE.exec(text)) out.add(m[1] ?? m[2] ?? m[3]!);
  } else if (language.family === 'go') {
    GO_IMPORT.lastIndex = 0;
    for (let m = GO_IMPORT.exec(text); m; m = GO_IMPORT.exec(text)) out.add(m[1]!);
  }
  return [...out];
}
