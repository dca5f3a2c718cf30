/**
 * What a rule is and what it gets to work with. Rules are plain objects registered in
 * `rules/index.ts`; the engine parses once and hands every rule the same tree and context.
 */
import type { Node, Tree } from 'web-tree-sitter';
import type { AiregConfig } from '../config';
import type { Workspace } from '../analysis/workspace';
import type { LanguageInfo } from '../languages';
import type { TreeSitterHost } from '../parser';
import type { Confidence, GenerationInfo, Range, RelatedLocation, RuleId } from '../types';

/** A generation call found by `aigc-generation-call`, kept with its node for rules that follow it. */
export interface GenerationCall extends GenerationInfo {
  /** The call expression node in the current tree (valid only while the tree lives). */
  node: Node;
  /** Range of the callee name (the finding's location). */
  range: Range;
  confidence: Confidence;
  /**
   * A call of a project wrapper whose every return already carries a visible AI label
   * (`return "【AI生成】" + chat(...)`): what it hands back is labeled content.
   */
  labeled?: boolean;
}

/** A finding as a rule reports it; the engine fills in severity, obligations and fingerprint. */
export interface RawFinding {
  ruleId: RuleId;
  range: Range;
  message: string;
  confidence: Confidence;
  generation?: GenerationInfo;
  related?: RelatedLocation[];
  data?: Record<string, string | number | boolean>;
  /** Extra text mixed into the fingerprint when the range alone is not distinctive. */
  fingerprintKey?: string;
}

export interface RuleContext {
  /** Workspace-relative path with forward slashes. */
  file: string;
  text: string;
  language: LanguageInfo;
  tree: Tree;
  host: TreeSitterHost;
  config: AiregConfig;
  /** Generation calls in this file, filled by the generation detector before other rules run. */
  generationCalls: GenerationCall[];
  /** The workspace model, when the file was analysed as part of a workspace (the CLI scan). */
  workspace?: Workspace;
  report(finding: RawFinding): void;
  /**
   * This rule's time budget for this file (set by the engine). `report` and tree-sitter queries
   * run through `host` check it already; a long loop of its own should call `check()`, which
   * throws once the budget is spent (the engine then reports a `rule-timeout` notice).
   */
  budget?: RuleBudget;
}

/** A rule's per-file time budget. */
export interface RuleBudget {
  /** `performance.now()` value after which the rule is stopped. */
  readonly deadline: number;
  /** True once the budget is spent. */
  expired(): boolean;
  /** Throws once the budget is spent, stopping the rule. */
  check(): void;
}

/** What a rule's prefilter sees: the text only, before any parse. */
export interface PrefilterInput {
  text: string;
  /** `text` lower-cased, computed once for all rules. */
  lower: string;
  language: LanguageInfo;
  config: AiregConfig;
  /** The file is analysed with a workspace model (the CLI scan), so other files' names count. */
  workspace: boolean;
}

export interface Rule {
  id: RuleId;
  /**
   * False only when the rule cannot report anything in this text: a file that no rule's
   * prefilter accepts is not parsed. May say true for files the rule ignores; never false where
   * it could report. Rules without one always get a parse.
   */
  mayApply?(input: PrefilterInput): boolean;
  /**
   * Rules run in registration order; the generation detector runs first so the review rules can
   * follow what each call produces.
   */
  run(ctx: RuleContext): Promise<void> | void;
}
