/**
 * The engine: one file in, findings out. It decides whether a file is worth parsing (binary,
 * minified and over-size files get a notice instead), parses once, runs every enabled rule on
 * the same tree, and resolves severity, obligations, fingerprints and suppressions the same way
 * for the CLI and the language server.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { Node, Query, QueryOptions, Tree } from 'web-tree-sitter';
import { type AiregConfig, defaultConfig } from './config';
import { type LanguageInfo, languageForPath } from './languages';
import { ParseTimeoutError, TreeSitterHost } from './parser';
import { endIncremental, forgetStatementSlots, keepChunks } from './analysis/chunks';
import { forgetBiometricSites } from './rules/biometricNoConsent';
import { forgetFileModel } from './analysis/model';
import { forgetIndex } from './rules/flow/ast';
import { forgetText } from './rules/flow/text';
import { isTestFile } from './analysis/testFiles';
import { Workspace } from './analysis/workspace';
import { readTextFile } from './readFile';
import { ruleMeta } from './ruleMeta';
import { ALL_RULES } from './rules';
import { anyRuleMayMatch, linkRelevant, linkRelevantFilter } from './rules/prefilter';
import type { GenerationCall, RawFinding, Rule, RuleBudget, RuleContext } from './rules/rule';
import { applySuppressions } from './suppressions';
import type { Finding, Range, RuleId, Severity } from './types';
import { fixLoneCRPositions } from './position';

/**
 * `outside-root`: a symbolic link leaving the scanned folder, not followed; `not-analysed`: a path
 * named explicitly that is not a source file aireg reads; `rule-timeout`: a rule stopped at its
 * per-file time budget (its findings for that file may be incomplete).
 */
export type NoticeKind =
  | 'binary' | 'minified' | 'too-large' | 'parse-timeout' | 'grammar-failed' | 'read-error' | 'syntax-errors' | 'config'
  | 'outside-root' | 'not-analysed' | 'rule-timeout';

/** Something the user should know about a file that was skipped or only partly analysed. */
export interface Notice {
  file: string;
  kind: NoticeKind;
  message: string;
}

export interface FileResult {
  file: string;
  findings: Finding[];
  notices: Notice[];
  parseMs: number;
  analyzeMs: number;
}

export interface AnalyzeOptions {
  /** Restrict to these rules (after config); the bench uses it for generation-only runs. */
  onlyRules?: ReadonlySet<RuleId>;
  /** Language override (e.g. from the editor's language id). */
  language?: LanguageInfo;
  /** Previous tree of the same document for incremental reparse (edited by the caller). */
  oldTree?: Tree;
  /** Keep the tree alive and return it instead of deleting it (the server caches trees). */
  keepTree?: boolean;
  /**
   * A tree the caller already parsed from `text`, analysed instead of a parse of its own and left
   * to the caller to delete. The carrying tests compare an edited tree's incremental analysis with
   * a full analysis of that same tree: a parse from scratch recovers from syntax errors
   * differently from an incremental one, so it is not the same tree.
   */
  tree?: Tree;
  /**
   * The workspace root (absolute) that `file` is relative to. With it, rules may read the files
   * the analysed file imports from its own project (see analysis/workspace.ts), once per scan.
   */
  root?: string;
  /** The caller already triaged this file and wants it parsed (the CLI's main thread did). */
  triaged?: boolean;
  /**
   * Workspace-relative files that import this one (with `root`; the CLI computes them in its
   * read-ahead pass), so a rule can follow a value this file returns to where an importer sends it.
   */
  importers?: readonly string[];
}

/**
 * How long one rule may work on one file. Like the parser's time limit, it keeps one pathological
 * file (a generated bundle, a function with thousands of calls) from holding up a whole scan or
 * the editor: the rule is stopped, the findings it reported so far are kept, and a
 * `rule-timeout` notice names the file and the rule.
 */
export const DEFAULT_RULE_BUDGET_MS = 2000;

/**
 * Extra budget per 1,000 characters of the file. The rules are linear, so a large file that is
 * analysed correctly needs proportionally more time; a fixed budget would cut off exactly the big,
 * legitimate files (a 20,000-line handler) while the budget's purpose is to stop work that grows
 * faster than the file.
 */
export const RULE_BUDGET_MS_PER_1000_CHARS = 4;

export interface EngineOptions {
  /**
   * Per-rule, per-file time budget in milliseconds (default {@link DEFAULT_RULE_BUDGET_MS} plus
   * {@link RULE_BUDGET_MS_PER_1000_CHARS} per 1,000 characters of the file).
   */
  ruleBudgetMs?: number;
  /** The rules to run, in order (default: every registered rule); tests pass their own. */
  rules?: readonly Rule[];
}

/** Thrown inside a rule once its budget is spent; the engine catches it. */
class RuleBudgetExceeded extends Error {
  constructor() {
    super('rule time budget exceeded');
  }
}

/** Forgets everything kept per tree for `tree`, which its owner is about to delete. */
function forgetTree(tree: Tree): void {
  forgetFileModel(tree);
  forgetIndex(tree);
  forgetText(tree);
  forgetStatementSlots(tree);
  forgetBiometricSites(tree);
}

/**
 * A view of the host whose queries run within the budget: a query is not started once the budget
 * is spent, and a running one is halted by tree-sitter at the deadline (then the rule is stopped,
 * since a halted query returns partial results).
 */
function budgetedHost(host: TreeSitterHost, budget: RuleBudget): TreeSitterHost {
  const wrapQuery = (q: Query): Query =>
    new Proxy(q, {
      get(target, prop) {
        if (prop === 'matches' || prop === 'captures') {
          return (node: Node, opts: QueryOptions = {}) => {
            budget.check();
            const micros = Math.max(1, Math.floor((budget.deadline - performance.now()) * 1000));
            const out = prop === 'matches' ? target.matches(node, { ...opts, timeoutMicros: micros }) : target.captures(node, { ...opts, timeoutMicros: micros });
            budget.check();
            return out;
          };
        }
        const v: unknown = Reflect.get(target, prop, target);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  return new Proxy(host, {
    get(target, prop) {
      if (prop === 'query') {
        return async (...args: Parameters<TreeSitterHost['query']>) => {
          budget.check();
          return wrapQuery(await target.query(...args));
        };
      }
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** Every range into this file a finding carries (its own, related locations here), for position fixes. */
function* findingRanges(findings: readonly Finding[]): Iterable<Range> {
  const seen = new Set<Range>();
  for (const f of findings) {
    for (const r of [f.range, ...(f.related ?? []).filter((x) => x.file === f.file).map((x) => x.range)]) {
      if (r && !seen.has(r)) {
        seen.add(r);
        yield r;
      }
    }
  }
}

/** Resolves a rule's effective severity: rule default, then `.aireg.json`. */
export function effectiveSeverity(ruleId: RuleId, config: AiregConfig): Severity {
  const setting = config.rules[ruleId];
  if (typeof setting === 'string') return setting;
  if (setting?.severity) return setting.severity;
  return ruleMeta(ruleId)?.defaultSeverity ?? 'warning';
}

/** True when text looks binary: a NUL byte or many control characters early in the file. */
export function looksBinary(text: string): boolean {
  const sample = text.length > 8000 ? text.slice(0, 8000) : text;
  // Source text has almost no control characters: one native search settles most files, where a
  // loop over the characters ran interpreted for the first few hundred files of every scan.
  if (!CONTROL_CHAR.test(sample)) return false;
  if (sample.includes('\u0000')) return true;
  const control = sample.match(CONTROL_CHARS)?.length ?? 0;
  return control / sample.length > 0.1;
}

/** Control characters other than tab, line feed, form feed and carriage return. */
const CONTROL_CHAR = /[\u0000-\u0008\u000B\u000E-\u001F]/;
const CONTROL_CHARS = new RegExp(CONTROL_CHAR.source, 'g');

/**
 * True for minified bundles: long average line length over a sizeable file. Such files are
 * machine output whose source is reviewed elsewhere, and parsing them wastes the budget.
 */
export function looksMinified(text: string): boolean {
  if (text.length < 20_000) return false;
  // Minified means fewer lines than one per 500 characters: counting stops once there are enough
  // (a 5,000-line file reads a sixteenth of its text here on every keystroke, not all of it).
  const enough = text.length / 500;
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0 && lines < enough; i = text.indexOf('\n', i + 1)) lines++;
  return lines < enough;
}

export function fingerprintOf(ruleId: string, file: string, text: string, raw: RawFinding): string {
  // The line's trimmed text rather than its number, so findings survive unrelated edits above.
  const lineStart = text.lastIndexOf('\n', raw.range.startOffset - 1) + 1;
  let lineEnd = text.indexOf('\n', raw.range.startOffset);
  if (lineEnd < 0) lineEnd = text.length;
  const lineText = text.slice(lineStart, lineEnd).trim();
  return createHash('sha256')
    .update(`${ruleId}\u0000${file}\u0000${lineText}\u0000${raw.fingerprintKey ?? ''}`)
    .digest('hex')
    .slice(0, 32);
}

/** Imported files larger than this are not read to decide whether an importer needs a parse. */
const RELEVANT_FILE_MAX_BYTES = 2 * 1024 * 1024;

export class Engine {
  constructor(
    readonly host: TreeSitterHost = new TreeSitterHost(),
    public config: AiregConfig = defaultConfig(),
    private readonly options: EngineOptions = {},
  ) {}

  private readonly workspaces = new Map<string, Workspace>();

  /** The lazily built workspace model of a root, shared by every file analysed under it. */
  workspace(root: string): Workspace {
    let ws = this.workspaces.get(root);
    if (!ws) {
      ws = new Workspace(root, this.host);
      this.workspaces.set(root, ws);
    }
    return ws;
  }

  /** The proxy interface names each workspace collected (see `Workspace.proxyNames`), for worker threads. */
  proxyNamesByRoot(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [root, ws] of this.workspaces) if (ws.proxyNames.size) out[root] = [...ws.proxyNames];
    return out;
  }

  /** The rules this configuration runs (the generation detector always, for the review rules). */
  private enabledRules(options: AnalyzeOptions): typeof ALL_RULES {
    return (this.options.rules ?? ALL_RULES).filter((r) => {
      if (options.onlyRules && !options.onlyRules.has(r.id)) return false;
      // The generation detector also feeds the review rules, so it runs even when its own
      // findings are switched off; its findings are dropped below in that case.
      return r.id === 'aigc-generation-call' || effectiveSeverity(r.id, this.config) !== 'off';
    });
  }

  /**
   * Decides a file without parsing it when that is possible: no language, too large, binary,
   * minified, or no enabled rule's text prefilter finds anything to look at. Returns the result
   * and why (`prefilter` when only the text prefilters decided, so a file that imports one they
   * accept may still deserve a parse; `skip` otherwise), or undefined when the file must be
   * parsed. Cheap: no grammar is loaded, so the CLI triages a whole tree on its main thread and
   * sends only the rest to workers.
   */
  triage(file: string, text: string, options: AnalyzeOptions = {}): { result: FileResult; why: 'skip' | 'prefilter' } | undefined {
    const result: FileResult = { file, findings: [], notices: [], parseMs: 0, analyzeMs: 0 };
    const language = options.language ?? languageForPath(file);
    if (!language) return { result, why: 'skip' };
    if (text.length > this.config.maxFileBytes) {
      result.notices.push({ file, kind: 'too-large', message: `skipped: ${text.length} characters exceeds maxFileBytes ${this.config.maxFileBytes}` });
      return { result, why: 'skip' };
    }
    if (looksBinary(text)) {
      result.notices.push({ file, kind: 'binary', message: 'skipped: the file looks binary' });
      return { result, why: 'skip' };
    }
    if (looksMinified(text)) {
      result.notices.push({ file, kind: 'minified', message: 'skipped: the file looks minified (very long lines)' });
      return { result, why: 'skip' };
    }
    // Parsing is most of the cost of a scan: a file in which no enabled rule's text prefilter
    // finds anything to look at is not parsed at all.
    if (!anyRuleMayMatch(this.enabledRules(options), text, language, this.config, options.root !== undefined)) return { result, why: 'prefilter' };
    return undefined;
  }

  /** Whether `file` can make the calls of the files that import it generation calls (see `linkRelevant`). */
  mayBeLinked(file: string, text: string): boolean {
    const language = languageForPath(file);
    return !!language && linkRelevant(text, language, this.config);
  }

  private readonly relevantFiles = new Map<string, Promise<boolean>>();

  /**
   * Tells the engine that the file `rel` of the workspace at `root` changed on disk (saved,
   * created, deleted): what the workspace model and the import triage remember of it is dropped.
   */
  fileChanged(root: string, rel: string): void {
    this.workspaces.get(root)?.invalidate(rel);
    this.relevantFiles.delete(`${root}\u0000${rel}`);
  }

  /** True when `file` imports a file of the workspace at `root` that the text prefilters accept. */
  private async importsRelevantFile(file: string, text: string, root: string, options: AnalyzeOptions): Promise<boolean> {
    const language = options.language ?? languageForPath(file);
    if (!language) return false;
    // A file the text prefilters accept, that the workspace model would link, is read once per root.
    return this.workspace(root).importsAny(file, text, language, (target) => {
      const key = `${root}\u0000${target}`;
      let verdict = this.relevantFiles.get(key);
      if (!verdict) {
        verdict = readTextFile(path.join(root, target), RELEVANT_FILE_MAX_BYTES).then(
          async (t) => {
            if (this.triage(target, t, { root, ...(options.onlyRules ? { onlyRules: options.onlyRules } : {}) }) === undefined && this.mayBeLinked(target, t)) return true;
            // Python wrappers are followed two files deep: the import of an import may generate.
            const lang = languageForPath(target);
            return lang?.family === 'python' && language.family === 'python' ? this.workspace(root).reaches(target, linkRelevantFilter(lang, this.config)) : false;
          },
          () => false,
        );
        this.relevantFiles.set(key, verdict);
      }
      return verdict;
    });
  }

  /** Analyses one file's text. Never throws for bad input: problems become notices. */
  async analyze(file: string, text: string, options: AnalyzeOptions = {}): Promise<FileResult & { tree?: Tree }> {
    if (!options.triaged) {
      const t = this.triage(file, text, options);
      // With a workspace, a file the text prefilters turn down still deserves a parse when it
      // imports a project file they accept (a client, constant or wrapper defined there).
      if (t && !(t.why === 'prefilter' && options.root !== undefined && (await this.importsRelevantFile(file, text, options.root, options)))) return t.result;
    }
    const result: FileResult & { tree?: Tree } = { file, findings: [], notices: [], parseMs: 0, analyzeMs: 0 };
    const language = (options.language ?? languageForPath(file))!;
    const enabled = this.enabledRules(options);

    // Linked files' trees stay alive while any analysis runs; the workspace evicts between them.
    // This analysis holds the workspace from before it borrows a tree until the tree is done with.
    const workspace = options.root ? this.workspace(options.root) : undefined;
    workspace?.begin();
    try {
      return await this.analyzeHeld(file, text, options, result, language, enabled, workspace);
    } finally {
      workspace?.end();
    }
  }

  private async analyzeHeld(file: string, text: string, options: AnalyzeOptions, result: FileResult & { tree?: Tree }, language: LanguageInfo, enabled: readonly Rule[], workspace: Workspace | undefined): Promise<FileResult & { tree?: Tree }> {
    // A scan may have parsed this text already, to link it into a file that imports it: the
    // workspace lends that tree. The editor's analyses keep their tree for the next edit, so
    // they parse their own.
    const shareable = !!workspace && !options.keepTree && !options.oldTree && !options.tree;
    const lent = options.tree ?? (shareable ? workspace.borrow(file, text) : undefined);
    let tree: Tree;
    const t0 = performance.now();
    if (lent) tree = lent;
    else {
      try {
        tree = await this.host.parse(language.id, text, file, options.oldTree);
      } catch (err) {
        const kind = err instanceof ParseTimeoutError ? 'parse-timeout' : 'grammar-failed';
        result.notices.push({ file, kind, message: err instanceof Error ? err.message : String(err) });
        return result;
      }
    }
    const t1 = performance.now();
    result.parseMs = t1 - t0;
    // The editor keeps the tree for the next edit: its facts are recorded per top-level
    // statement, and those of the statements this edit did not touch carry over from the last.
    if (options.keepTree) keepChunks(tree, options.oldTree);
    const raws: RawFinding[] = [];
    const generationCalls: GenerationCall[] = [];
    // Findings in test code stay visible as information unless the team asks for them as warnings.
    const testCode = !this.config.includeTests && isTestFile(file);
    if (workspace && options.importers?.length) workspace.setImporters(file, options.importers);
    const budgetMs = this.options.ruleBudgetMs ?? DEFAULT_RULE_BUDGET_MS + Math.ceil(text.length / 1000) * RULE_BUDGET_MS_PER_1000_CHARS;
    try {
      for (const rule of enabled) {
        const started = performance.now();
        let stopped = false;
        const budget: RuleBudget = {
          deadline: started + budgetMs,
          expired: () => performance.now() > started + budgetMs,
          check: () => {
            if (performance.now() > started + budgetMs) {
              stopped = true;
              throw new RuleBudgetExceeded();
            }
          },
        };
        const ctx: RuleContext = {
          file,
          text,
          language,
          tree,
          host: budgetedHost(this.host, budget),
          config: this.config,
          generationCalls,
          // A rule that keeps reporting past its budget is stopped at its next finding.
          report: (f) => {
            budget.check();
            raws.push(f);
          },
          budget,
          ...(workspace ? { workspace } : {}),
        };
        try {
          await rule.run(ctx);
        } catch (err) {
          // One rule's bug must not cost the user the other rules' findings.
          if (!(err instanceof RuleBudgetExceeded)) result.notices.push({ file, kind: 'syntax-errors', message: `rule ${rule.id} failed: ${err instanceof Error ? err.message : String(err)}` });
        }
        const took = Math.round(performance.now() - started);
        if (stopped) {
          result.notices.push({ file, kind: 'rule-timeout', message: `rule ${rule.id} was stopped after ${took} ms (budget ${budgetMs} ms); its findings in this file may be incomplete` });
        } else if (took > budgetMs) {
          // It finished, so its findings are complete, but the file is worth knowing about.
          result.notices.push({ file, kind: 'rule-timeout', message: `rule ${rule.id} took ${took} ms, over its budget of ${budgetMs} ms` });
        }
      }
    } finally {
      if (options.keepTree) result.tree = tree;
      // The caller deletes the tree this one was parsed from: what was kept for it goes now.
      if (options.keepTree && options.oldTree && options.oldTree !== tree) {
        endIncremental(tree);
        forgetTree(options.oldTree);
      }
    }

    for (const raw of raws) {
      const severity = effectiveSeverity(raw.ruleId, this.config);
      if (severity === 'off') continue;
      result.findings.push({
        ruleId: raw.ruleId,
        file,
        range: raw.range,
        message: raw.message,
        // Heuristic findings are one step lighter than definite ones by default.
        severity: (raw.confidence === 'low' && severity === 'warning' && typeof this.config.rules[raw.ruleId] !== 'string') || (testCode && (severity === 'warning' || severity === 'error')) ? 'info' : severity,
        confidence: raw.confidence,
        obligations: [...(ruleMeta(raw.ruleId)?.obligations ?? [])],
        ...(raw.generation ? { generation: raw.generation } : {}),
        ...(raw.related ? { related: raw.related } : {}),
        ...(raw.data ? { data: raw.data } : {}),
        fingerprint: fingerprintOf(raw.ruleId, file, text, raw),
      });
    }
    // Lone `\r` line ends: the editor's lines, not tree-sitter's rows (before suppressions match lines).
    fixLoneCRPositions(text, findingRanges(result.findings));
    try {
      // Suppressions use the tree to tell real comments from directives quoted in strings.
      result.findings = applySuppressions(result.findings, text, language, this.config, file, tree);
    } finally {
      if (!options.keepTree) {
        // The analysis's own model is not the workspace's (see `adopt`), and must not outlive it.
        forgetFileModel(tree);
        // A tree the workspace lent stays its own; one parsed here may serve a later import.
        if (!lent && !(shareable && workspace.adopt(file, text, tree))) tree.delete();
      } else {
        // The index, model and text caches the rules built for a kept tree are not read again:
        // the next edit carries the facts recorded per statement (chunks.ts), not these objects.
        // Released now, they die young, in the first collection, instead of living through the
        // next analysis into the old generation, where each edit's copy was garbage for a major GC.
        forgetTree(tree);
      }
    }
    result.findings.sort((a, b) => a.range.startOffset - b.range.startOffset || a.ruleId.localeCompare(b.ruleId));
    result.analyzeMs = performance.now() - t1;
    return result;
  }
}
