/**
 * Quick fixes for aireg diagnostics, keyed on `Diagnostic.data`. Per diagnostic, in order: the
 * rule's fix (explicit label, label function, opt-out guard, consent check, or a TODO when the
 * fix cannot be complete), "show the obligation card", "open the article", and last the
 * suppression with a reason.
 *
 * A fix either produces code that runs or leaves the finding in place. It calls only names the
 * file already has (see fixScope.ts): the project's declared `labelFunctions`, `optOutChecks` and
 * `consentChecks` first, then helpers the file imports that the rule itself accepts as a check,
 * with the function's own parameters as arguments, in the file's quote style. When a name it
 * needs is missing it inserts a `TODO(aireg)` comment instead, which the rules ignore, so the
 * finding stays until a person writes the check.
 */
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import bioData from '../../data/biometric.json';
import recData from '../../data/recommenders.json';
import { getObligation } from '../core/kb';
import type { LanguageInfo } from '../core/languages';
import { CODE_ACTION_KINDS, type SuppressFindingArgs } from '../shared/protocol';
import { isDiagnosticData, SOURCE, type DiagnosticData } from './convert';
import { type FixScope, inScope } from './fixScope';
import type { LabelTarget } from './labelTarget';
import { pick, t } from './locale';

/** The text the explicit-label fix prepends: both languages, as GB 45438 explicit labels read. */
export const EXPLICIT_LABEL = '[AI 生成 / AI-generated] ';

/** The rule's own patterns (data/*.json), so a helper the fix calls is one the rule accepts. */
const dataPattern = (list: readonly string[]): RegExp => new RegExp(list.map((p) => `(?:${p.replace(/^\(\?i\)/, '')})`).join('|'), 'i');
const CONSENT_NAME = dataPattern(bioData.consentNames);
const OPT_OUT_NAME = dataPattern(recData.optOutNames);

/** Check functions that raise on their own (`requireConsent(id)`) rather than return a boolean. */
const THROWING_CHECK = /^(?:require|ensure|assert|enforce)/i;
/** Checks that are true when the user opted out (`hasOptedOut`), not when personalisation is on. */
const OPTED_OUT_CHECK = /opt_?(?:ed)?_?out|disabled?(?![a-z])|_off$|Off$/i;
/** Parameters that identify the person whose face or voice is used. */
const SUBJECT_ID = /^(?:author|user|subject|person|speaker|owner|customer|member|account|uploader|creator|target|actor|model|voice|face|profile)_?(?:id|uid)$/i;
/** Parameters that identify the user whose recommendations these are. */
const USER_ID = /^(?:user|uid|member|account|customer|viewer|visitor|profile|subscriber|reader|person|principal)(?:_?id)?$/i;
const ANY_ID = /(?:^|_)(?:id|uid)$|[a-z](?:Id|ID|Uid)$/;

function lineIndent(doc: TextDocument, line: number): string {
  const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  return /^[ \t]*/.exec(text)?.[0] ?? '';
}

/** One indentation step in the file's style (tab when the line uses tabs). */
function indentUnit(indent: string, lang: LanguageInfo): string {
  if (indent.includes('\t') || lang.family === 'go') return '\t';
  return lang.family === 'python' ? '    ' : '  ';
}

/** A string literal in the file's quote style (Go and Java only have double-quoted strings). */
function stringLiteral(text: string, lang: LanguageInfo, quote: '"' | "'" = '"'): string {
  const json = JSON.stringify(text);
  if (quote === '"' || lang.family === 'go' || lang.family === 'java') return json;
  return `'${json.slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

/** Inserts lines above `line`, each indented like it. */
function insertAbove(doc: TextDocument, line: number, lines: string[]): TextEdit {
  const indent = lineIndent(doc, line);
  return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: lines.map((l) => indent + l + '\n').join('') };
}

/** A TODO comment: rules ignore comments, so the finding stays until the work is done. */
function todo(lang: LanguageInfo, text: string): string[] {
  return [`${lang.lineComment} TODO(aireg): ${text}`];
}

/**
 * The label edit at the value the server located in the sink (see labelTarget.ts): the label
 * prepended, or the value wrapped in the project's label function. JS shorthand properties
 * (`{ reply }`) become `reply: <labelled reply>`.
 */
function labelEdit(doc: TextDocument, target: LabelTarget, wrap: (value: string, simple: boolean) => string): TextEdit {
  const range = { start: doc.positionAt(target.start), end: doc.positionAt(target.end) };
  if (target.shorthandName) return { range, newText: `${target.shorthandName}: ${wrap(target.shorthandName, true)}` };
  const value = doc.getText(range);
  return { range, newText: wrap(value, /^[\w.$[\]'"()]+$/.test(value)) };
}

function metadataStub(lang: LanguageInfo, quote: '"' | "'"): string[] {
  const q = lang.family === 'python' ? quote : '"';
  const fields: [string, string][] = [['Label', '1'], ['ContentProducer', '<your service id>'], ['ProduceID', '<content id>'], ['ReservedCode1', ''], ['ContentPropagator', ''], ['PropagateID', ''], ['ReservedCode2', '']];
  const kv = (sep: string, keyQuote: string): string => fields.map(([k, v]) => `${keyQuote}${k}${keyQuote}${sep}${q}${v}${q}`).join(', ');
  const note = t('TODO(aireg): write this GB 45438 implicit label into the file\'s metadata (or a watermark), then add the visible label');
  switch (lang.family) {
    case 'python':
      return [`aigc_metadata = {${q}AIGC${q}: {${kv(': ', q)}}}  # ${note}`];
    case 'go':
      // Go rejects an unused variable; `_ =` keeps the stub compiling until it is written out.
      return [`aigcMetadata := map[string]map[string]string{"AIGC": {${kv(': ', '"')}}} // ${note}`, '_ = aigcMetadata'];
    case 'java':
      return [`java.util.Map<String, String> aigcMetadata = java.util.Map.of(${kv(', ', '"')}); // ${note}`];
    default:
      return [`const aigcMetadata = { AIGC: { ${kv(': ', '')} } }; // ${note}`];
  }
}

/** The first name in scope that the project declared, else the first in-file helper the rule accepts, preferring the modality's word. */
function chooseCheck(declared: readonly string[], scope: FixScope, accepts: RegExp, prefer?: RegExp, avoid?: RegExp): string | undefined {
  const declaredHere = declared.filter((n) => inScope(scope, n));
  const helpers = [...scope.fileNames].filter((n) => accepts.test(n) && !declaredHere.includes(n) && !/^[A-Z][a-z]/.test(n));
  const all = [...declaredHere, ...helpers];
  return (prefer && all.find((n) => prefer.test(n))) ?? all.find((n) => !avoid?.test(n)) ?? declaredHere[0];
}

function chooseArg(scope: FixScope, preferred: RegExp): string | undefined {
  const names = [...scope.params, ...scope.locals];
  return names.find((n) => preferred.test(n)) ?? scope.params.find((n) => ANY_ID.test(n));
}

/** `check(arg)`, awaited where the function may await. */
function callText(fn: string, arg: string, lang: LanguageInfo, scope: FixScope): string {
  const call = `${fn}(${arg})`;
  return lang.family === 'js' && scope.isAsync ? `await ${call}` : call;
}

/** `if <not> cond:` + body, in the language's syntax. */
function guardBlock(lang: LanguageInfo, unit: string, cond: string, negate: boolean, body: string[]): string[] {
  switch (lang.family) {
    case 'python':
      return [`if ${negate ? 'not ' : ''}${cond}:`, ...body.map((b) => unit + b)];
    case 'go':
      return [`if ${negate ? '!' : ''}${cond} {`, ...body.map((b) => unit + b), '}'];
    default: {
      const c = negate ? (/^await /.test(cond) ? `!(${cond})` : `!${cond}`) : cond;
      return [`if (${c}) {`, ...body.map((b) => unit + b), '}'];
    }
  }
}

/** The statement that refuses the operation, or undefined when the language needs more than we know (Go results). */
function refusal(lang: LanguageInfo, scope: FixScope, message: string): string | undefined {
  const lit = stringLiteral(message, lang, scope.quote);
  switch (lang.family) {
    case 'python':
      return scope.fileNames.has('HTTPException') ? `raise HTTPException(status_code=403, detail=${lit})` : `raise PermissionError(${lit})`;
    case 'java':
      return `throw new SecurityException(${lit});`;
    case 'go':
      if (scope.resultType?.trim() === 'error' && scope.fileNames.has('errors')) return `return errors.New(${lit})`;
      if (scope.resultType?.trim() === 'error' && scope.fileNames.has('fmt')) return `return fmt.Errorf(${lit})`;
      return undefined;
    default:
      return `throw new Error(${lit});`;
  }
}

/** An empty, non-personalised result, or undefined when the declared result type does not allow one we can write. */
function emptyResult(lang: LanguageInfo, scope: FixScope): string | undefined {
  const r = scope.resultType?.trim() ?? '';
  switch (lang.family) {
    case 'python':
      return 'return []';
    case 'go':
      if (/^\[\]/.test(r)) return 'return nil';
      if (/^\(\s*\[\][^,]*,\s*error\s*\)$/.test(r)) return 'return nil, nil';
      return undefined;
    case 'java':
      return /^(?:java\.util\.)?List\b/.test(r) ? 'return java.util.List.of();' : undefined;
    default:
      // TypeScript: only when no declared type, or an array (or a promise of one), is expected.
      return !r || /\[\]\s*>?$|^(?:Promise<)?Array</.test(r) ? 'return [];' : undefined;
  }
}

/** The obligation's title in the display language, for fix titles; the id only when unknown. */
export function obligationName(id: string | undefined): string {
  if (!id) return '';
  const o = getObligation(id);
  return o ? pick(o.title) : id;
}

interface Fix {
  title: string;
  kind: string;
  lines?: string[];
  edit?: TextEdit;
  preferred?: boolean;
}

function labelFixes(doc: TextDocument, data: DiagnosticData, lang: LanguageInfo, ctx: ActionContext): Fix[] {
  const modality = String(data.generation?.modality ?? data.facts?.modality ?? 'text');
  const scope = ctx.scope;
  const name = obligationName(data.primaryObligation);
  const declared = scope ? (ctx.declared?.labelFunctions ?? []).find((n) => inScope(scope, n)) : undefined;
  if (declared && ctx.labelTarget) {
    return [{ title: t('Label the output with {0} ({1})', declared, name), kind: CODE_ACTION_KINDS.label, preferred: true, edit: labelEdit(doc, ctx.labelTarget, (v) => `${declared}(${v})`) }];
  }
  if (modality === 'text') {
    if (ctx.labelTarget) {
      const literal = stringLiteral(EXPLICIT_LABEL, lang, scope?.quote);
      return [{ title: t('Prepend an explicit AI-generated label ({0})', name), kind: CODE_ACTION_KINDS.label, preferred: true, edit: labelEdit(doc, ctx.labelTarget, (v, simple) => (simple ? `${literal} + ${v}` : `${literal} + (${v})`)) }];
    }
    return [{ title: t('Add a TODO to label this generated text ({0})', name), kind: CODE_ACTION_KINDS.label, lines: todo(lang, t('show an explicit AI-generated label with this generated text before it leaves here ({0})', name)) }];
  }
  // Media: a visible label needs a watermark or caption the fix cannot draw; the metadata stub is a starting point that keeps the finding.
  return [{ title: t('Insert a GB 45438 metadata stub with a TODO ({0})', name), kind: CODE_ACTION_KINDS.label, lines: metadataStub(lang, scope?.quote ?? '"') }];
}

function consentFixes(data: DiagnosticData, lang: LanguageInfo, ctx: ActionContext, unit: string): Fix[] {
  const voice = data.facts?.kind === 'voice-clone' || data.generation?.modality === 'voice';
  const name = obligationName(data.primaryObligation);
  const scope = ctx.scope;
  const message = voice ? t("the speaker's separate consent to clone their voice is required") : t("the depicted person's separate consent to edit their face is required");
  const check = scope && chooseCheck(ctx.declared?.consentChecks ?? [], scope, CONSENT_NAME, voice ? /voice|speaker|audio/i : /face|portrait|likeness|photo/i, voice ? /face|portrait/i : /voice|speaker/i);
  const subject = scope && chooseArg(scope, SUBJECT_ID);
  const stop = scope && refusal(lang, scope, message);
  if (scope && scope.statementLine !== undefined && check && subject && stop) {
    const call = callText(check, subject, lang, scope);
    const lines = THROWING_CHECK.test(check.split('.').pop()!) ? [call + (lang.family === 'python' || lang.family === 'go' ? '' : ';')] : guardBlock(lang, unit, call, true, [stop]);
    return [{ title: t('Check consent with {0}({1}) before this call ({2})', check, subject, name), kind: CODE_ACTION_KINDS.guard, lines }];
  }
  const what = voice ? t('check the separate consent of the person whose voice is cloned before this call') : t('check the separate consent of the person whose face is edited before this call');
  const hint = t('declare the check in consentChecks in .aireg.json');
  return [{ title: t('Add a TODO for the consent check ({0})', name), kind: CODE_ACTION_KINDS.guard, lines: todo(lang, `${what} (${name}); ${hint}`) }];
}

function optOutFixes(data: DiagnosticData, lang: LanguageInfo, ctx: ActionContext, unit: string): Fix[] {
  const name = obligationName(data.primaryObligation);
  const scope = ctx.scope;
  const check = scope && chooseCheck(ctx.declared?.optOutChecks ?? [], scope, OPT_OUT_NAME);
  const user = scope && chooseArg(scope, USER_ID);
  const fallback = scope && emptyResult(lang, scope);
  if (scope && scope.statementLine !== undefined && check && user && fallback) {
    const call = callText(check, user, lang, scope);
    const lines = guardBlock(lang, unit, call, !OPTED_OUT_CHECK.test(check.split('.').pop()!), [fallback]);
    return [{ title: t('Skip personalisation when {0}({1}) says the user opted out ({2})', check, user, name), kind: CODE_ACTION_KINDS.guard, lines }];
  }
  const hint = t('declare the check in optOutChecks in .aireg.json');
  return [{ title: t('Add a TODO for the opt-out check ({0})', name), kind: CODE_ACTION_KINDS.guard, lines: todo(lang, `${t("check the user's opt-out of personalised recommendation here and return non-personalised results")} (${name}); ${hint}`) }];
}

/** The suppression comment as a snippet: the reason is the first tab stop. */
export function suppressionSnippet(indent: string, lang: LanguageInfo, ruleId: string): string {
  const escape = (s: string): string => s.replace(/[$}\\]/g, '\\$&');
  return `${escape(indent)}${lang.lineComment} aireg-disable-next-line ${ruleId} -- \${1:${escape(t('reason'))}}\n`;
}

/** Facts the server computed from the current tree for this diagnostic. */
export interface ActionContext {
  /** Where the generated value sits in an `aigc-missing-label` sink, when it could be found. */
  labelTarget?: LabelTarget;
  /** The names a fix may use at the diagnostic; without it the rule fixes are TODOs. */
  scope?: FixScope;
  /** The project's declared check and label functions (`.aireg.json`). */
  declared?: { labelFunctions: readonly string[]; optOutChecks: readonly string[]; consentChecks: readonly string[] };
}

/** The code actions for one aireg diagnostic. */
export function actionsFor(doc: TextDocument, d: Diagnostic, lang: LanguageInfo, ctx: ActionContext = {}): CodeAction[] {
  if (d.source !== SOURCE || !isDiagnosticData(d.data)) return [];
  const data = d.data;
  const out: CodeAction[] = [];
  const line = d.range.start.line;
  const indent = lineIndent(doc, line);
  const unit = indentUnit(indent, lang);
  const edit = (edits: TextEdit[]): CodeAction['edit'] => ({ changes: { [doc.uri]: edits } });

  const fixes: Fix[] =
    data.ruleId === 'aigc-missing-label' ? labelFixes(doc, data, lang, ctx)
    : data.ruleId === 'rec-no-opt-out' ? optOutFixes(data, lang, ctx, unit)
    : data.ruleId === 'biometric-no-consent' ? consentFixes(data, lang, ctx, unit)
    : [];
  // Guards and TODOs go above the statement that holds the finding (a chained call can span lines).
  const at = ctx.scope?.statementLine ?? line;
  for (const f of fixes) {
    const e = f.edit ?? insertAbove(doc, at, f.lines ?? []);
    out.push({ title: f.title, kind: f.kind, diagnostics: [d], ...(f.preferred ? { isPreferred: true } : {}), edit: edit([e]) });
  }

  if (data.primaryObligation) {
    out.push({
      title: t('Show obligation: {0}', obligationName(data.primaryObligation)),
      kind: CODE_ACTION_KINDS.openCard,
      diagnostics: [d],
      command: { title: t('Show obligation'), command: 'aireg.openObligation', arguments: [data.primaryObligation, { ruleId: data.ruleId, fingerprint: data.fingerprint }] },
    });
    out.push({
      title: t('Open the article behind: {0}', obligationName(data.primaryObligation)),
      kind: CODE_ACTION_KINDS.openArticle,
      diagnostics: [d],
      command: { title: t('Open article'), command: 'aireg.openArticle', arguments: [data.primaryObligation] },
    });
  }

  if (data.ruleId !== 'aireg-suppression-without-reason') {
    const args: SuppressFindingArgs = { uri: doc.uri, line, snippet: suppressionSnippet(indent, lang, data.ruleId) };
    out.push({
      title: t('Suppress {0} on this line with a reason', data.ruleId),
      kind: CODE_ACTION_KINDS.suppress,
      diagnostics: [d],
      command: { title: t('Suppress with a reason'), command: 'aireg.suppressFinding', arguments: [args] },
    });
  }
  return out;
}

/** Whether a requested `only` filter admits a kind (LSP kinds are hierarchical, dot-separated). */
export function kindAllowed(kind: string, only: readonly string[] | undefined): boolean {
  if (!only?.length) return true;
  return only.some((o) => kind === o || kind.startsWith(o + '.'));
}
