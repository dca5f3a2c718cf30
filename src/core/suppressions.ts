/**
 * Inline suppressions with a required reason:
 *
 *   // aireg-disable-next-line aigc-missing-label, rec-no-opt-out -- labeled by the CDN
 *   doSomething(); // aireg-disable-line aigc-generation-call -- internal evaluation only
 *
 * (`#` in Python). A suppression without a reason, or naming no or unknown rules, suppresses
 * nothing it cannot justify and is itself reported as `aireg-suppression-without-reason`.
 * Suppressed findings are kept and marked so SARIF can list them under `suppressions`; only
 * presentation layers hide them.
 */
import { createHash } from 'node:crypto';
import type { Tree } from 'web-tree-sitter';
import type { AiregConfig } from './config';
import type { LanguageInfo } from './languages';
import { positionsIn } from './position';
import { isRuleId, ruleMeta } from './ruleMeta';
import type { Finding, Range, RuleId, Severity } from './types';

/** The rule that reports malformed suppressions. */
export const SUPPRESSION_RULE: RuleId = 'aireg-suppression-without-reason';

/** One suppression comment as written in the source. */
export interface SuppressionComment {
  kind: 'next-line' | 'line';
  /** Rule ids as written (known or not). */
  ruleIds: string[];
  /** The reason after `--`, trimmed; empty when missing. */
  reason: string;
  /** 0-based line whose findings it suppresses. */
  targetLine: number;
  /** Range of the directive text (from `aireg-disable` to the end of the comment). */
  range: Range;
}

const DIRECTIVE = /aireg-disable-(next-line|line)\b/g;

/**
 * The comment token that must precede a directive on its line. The scan is cheap text work;
 * when a tree is available the engine also checks the position is inside a comment node, so a
 * directive quoted in a string literal never counts.
 */
function commentStarts(language: LanguageInfo): string[] {
  return language.family === 'python' ? ['#'] : ['//', '/*'];
}

function isInCommentNode(tree: Tree, offset: number): boolean {
  const node = tree.rootNode.descendantForIndex(offset);
  for (let n: typeof node | null = node; n; n = n.parent) {
    if (n.type.includes('comment')) return true;
    // Stop at the first node that clearly is not part of a comment.
    if (n.type.includes('string') || n.type === 'template_string') return false;
  }
  return false;
}

/** Finds every suppression directive written in a real comment of `text`. */
export function parseSuppressionComments(text: string, language: LanguageInfo, tree?: Tree): SuppressionComment[] {
  const out: SuppressionComment[] = [];
  if (!text.includes('aireg-disable-')) return out;
  const starts = commentStarts(language);
  const position = positionsIn(text);
  for (const m of text.matchAll(DIRECTIVE)) {
    const offset = m.index;
    const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    let lineEnd = text.indexOf('\n', offset);
    if (lineEnd < 0) lineEnd = text.length;
    const before = text.slice(lineStart, offset);
    // The directive must be the first thing in its comment: `// aireg-disable-...`.
    const token = starts.find((t) => before.trimEnd().endsWith(t));
    if (!token) continue;
    if (tree && !isInCommentNode(tree, offset)) continue;

    let body = text.slice(offset + m[0].length, lineEnd);
    const blockEnd = body.indexOf('*/');
    if (token === '/*' && blockEnd >= 0) body = body.slice(0, blockEnd);
    const sep = body.search(/(^|\s)--(\s|$)/);
    const idsPart = sep >= 0 ? body.slice(0, sep) : body;
    const reason = sep >= 0 ? body.slice(sep).replace(/^\s*--/, '').trim() : '';
    const ruleIds = idsPart.split(/[\s,]+/).filter(Boolean);
    const directiveEnd = offset + m[0].length + body.replace(/\s+$/, '').length;
    const start = position(offset);
    const end = position(directiveEnd);
    out.push({
      kind: m[1] === 'next-line' ? 'next-line' : 'line',
      ruleIds,
      reason,
      targetLine: m[1] === 'next-line' ? start.line + 1 : start.line,
      range: { start, end, startOffset: offset, endOffset: directiveEnd },
    });
  }
  return out;
}

function severityOf(config: AiregConfig): Severity {
  const setting = config.rules[SUPPRESSION_RULE];
  if (typeof setting === 'string') return setting;
  return setting?.severity ?? ruleMeta(SUPPRESSION_RULE)?.defaultSeverity ?? 'warning';
}

function problem(file: string, c: SuppressionComment, message: string, severity: Exclude<Severity, 'off'>, key: string): Finding {
  return {
    ruleId: SUPPRESSION_RULE,
    file,
    range: c.range,
    message,
    severity,
    confidence: 'high',
    obligations: [],
    // The directive text and the problem identify it; line numbers would break baselines on edits above.
    fingerprint: createHash('sha256').update(`${SUPPRESSION_RULE}\u0000${file}\u0000${c.kind}\u0000${c.ruleIds.join(',')}\u0000${key}`).digest('hex').slice(0, 32),
    data: { directive: `aireg-disable-${c.kind}` },
  };
}

/**
 * Marks findings covered by a valid suppression comment (`suppression.kind = 'inSource'`) and
 * appends a finding for every suppression comment that lacks a reason or names no or unknown
 * rules. Pass the parse tree when it is still alive so directives in strings are ignored.
 */
export function applySuppressions(findings: Finding[], text: string, language: LanguageInfo, config: AiregConfig, file: string, tree?: Tree): Finding[] {
  const comments = parseSuppressionComments(text, language, tree);
  if (comments.length === 0) return findings;
  const severity = severityOf(config);
  const problems: Finding[] = [];
  const report = (c: SuppressionComment, message: string, key: string): void => {
    if (severity !== 'off') problems.push(problem(file, c, message, severity, key));
  };

  // Valid directives by target line; only these suppress anything.
  const byLine = new Map<number, { ids: Set<string>; comment: SuppressionComment }[]>();
  for (const c of comments) {
    const directive = `aireg-disable-${c.kind}`;
    if (c.ruleIds.length === 0) {
      report(c, `${directive} must name the rule(s) it suppresses, e.g. \`${directive} aigc-missing-label -- <reason>\`; nothing is suppressed`, 'no-rule');
      continue;
    }
    for (const id of c.ruleIds.filter((r) => !isRuleId(r))) {
      report(c, `${directive} names unknown rule id "${id}"; it suppresses nothing`, `unknown:${id}`);
    }
    if (!c.reason) {
      report(c, `${directive} needs a reason after \`--\` (e.g. \`${directive} ${c.ruleIds.join(', ')} -- <why this is acceptable>\`); nothing is suppressed`, 'no-reason');
      continue;
    }
    const ids = new Set(c.ruleIds.filter(isRuleId));
    if (ids.size === 0) continue;
    const list = byLine.get(c.targetLine) ?? [];
    list.push({ ids, comment: c });
    byLine.set(c.targetLine, list);
  }

  const marked = findings.map((f) => {
    if (f.suppression || f.ruleId === SUPPRESSION_RULE) return f;
    const match = byLine.get(f.range.start.line)?.find((s) => s.ids.has(f.ruleId));
    if (!match) return f;
    return { ...f, suppression: { kind: 'inSource' as const, reason: match.comment.reason, range: match.comment.range } };
  });
  return problems.length ? [...marked, ...problems] : marked;
}
