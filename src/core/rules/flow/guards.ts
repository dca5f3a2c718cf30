/**
 * "Is this site guarded by a check?" for the opt-out and consent rules. A guard counts when it
 * appears on the path to the site: earlier in the enclosing function, or earlier in a same-file
 * caller of that function (up to a few levels, since handlers often delegate to a helper). The
 * check is recognised by name (a pattern of flag/function names) or by a team-declared function
 * name from the configuration.
 */
import type { Node } from 'web-tree-sitter';
import { type FileIndex, type FunctionInfo, enclosingFunction } from './ast';
import { callersOf } from './taint';

export interface GuardResult {
  guarded: boolean;
  /** What matched, for tests and messages. */
  evidence?: string;
  /** The outermost same-file function on the path (the entry point), if any. */
  entry: FunctionInfo | null;
}

/** Source text with line and block comments blanked out, so a TODO note never counts as a check. */
export function codeOnly(text: string, family: FileIndex['family']): string {
  const re = family === 'python' ? /#[^\n]*/g : /\/\/[^\n]*|\/\*[\s\S]*?\*\//g;
  return text.replace(re, (m) => ' '.repeat(m.length)).replace(/https?:\/\/\S+/g, (m) => ' '.repeat(m.length));
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
  const visited = new Set<number>();
  let entry: FunctionInfo | null = null;
  const check = (upTo: Node, depth: number): string | undefined => {
    const fn = enclosingFunction(upTo, idx);
    // From the body on: a function named `personalizedFeed` is not a check of anything.
    const start = fn ? (fn.body ?? fn.node).startIndex : 0;
    // The last function reached through callers is the entry point of the path.
    if (fn) entry = fn;
    const before = codeOnly(text.slice(start, upTo.startIndex), idx.family);
    const m = pattern.exec(before) ?? (configured ? configured.exec(before) : null);
    if (m) return m[0];
    if (!fn || depth >= maxDepth || visited.has(fn.node.id)) return undefined;
    visited.add(fn.node.id);
    for (const call of callersOf(fn, idx)) {
      const found = check(call, depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  const evidence = check(site, 0);
  return evidence ? { guarded: true, evidence, entry } : { guarded: false, entry };
}
