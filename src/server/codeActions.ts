/**
 * Quick fixes for aireg diagnostics, keyed on `Diagnostic.data`. Per diagnostic, in order: the
 * rule's fix (explicit label, AIGC metadata stub, opt-out guard, consent check), "show the
 * obligation card", "open the article", and last the suppression with a reason. Only the label
 * fix, which makes the finding go away without changing behaviour beyond the visible text, is
 * marked preferred; the stubs need the developer's names and are offered as starting points.
 */
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LanguageInfo } from '../core/languages';
import { CODE_ACTION_KINDS, type SuppressFindingArgs } from '../shared/protocol';
import { isDiagnosticData, SOURCE } from './convert';
import type { LabelTarget } from './labelTarget';
import { t } from './locale';

/** The text the explicit-label fix prepends: both languages, as GB 45438 explicit labels read. */
export const EXPLICIT_LABEL = '[AI 生成 / AI-generated] ';

function lineIndent(doc: TextDocument, line: number): string {
  const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  return /^[ \t]*/.exec(text)?.[0] ?? '';
}

/** One indentation step in the file's style (tab when the line uses tabs). */
function indentUnit(indent: string, lang: LanguageInfo): string {
  if (indent.includes('\t') || lang.family === 'go') return '\t';
  return lang.family === 'python' ? '    ' : '  ';
}

/** A double-quoted literal; every supported language reads JSON escapes for these characters. */
function stringLiteral(text: string): string {
  return JSON.stringify(text);
}

/** Inserts lines above `line`, each indented like it. */
function insertAbove(doc: TextDocument, line: number, lines: string[]): TextEdit {
  const indent = lineIndent(doc, line);
  return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: lines.map((l) => indent + l + '\n').join('') };
}

/**
 * The label edit at the value the server located in the sink (see labelTarget.ts). JS shorthand
 * properties (`{ reply }`) become `reply: "<label>" + reply`.
 */
function explicitLabelEdit(doc: TextDocument, target: LabelTarget): TextEdit {
  const range = { start: doc.positionAt(target.start), end: doc.positionAt(target.end) };
  const literal = stringLiteral(EXPLICIT_LABEL);
  if (target.shorthandName) return { range, newText: `${target.shorthandName}: ${literal} + ${target.shorthandName}` };
  const value = doc.getText(range);
  // Parentheses keep the concatenation right when the value is itself a compound expression.
  const simple = /^[\w.$[\]'"()]+$/.test(value);
  return { range, newText: simple ? `${literal} + ${value}` : `${literal} + (${value})` };
}

function metadataStub(lang: LanguageInfo): string[] {
  const fields = `Label: "1", ContentProducer: "<your service id>", ProduceID: "<content id>", ReservedCode1: "", ContentPropagator: "", PropagateID: "", ReservedCode2: ""`;
  switch (lang.family) {
    case 'python':
      return [`aigc_metadata = {"AIGC": {${fields.replace(/(\w+): /g, '"$1": ')}}}  # GB 45438 implicit label: write it into the file's metadata`];
    case 'go':
      return [`aigcMetadata := map[string]map[string]string{"AIGC": {${fields.replace(/(\w+): /g, '"$1": ')}}} // GB 45438 implicit label: write it into the file's metadata`];
    case 'java':
      return [`java.util.Map<String, String> aigcMetadata = java.util.Map.of(${fields.replace(/(\w+): ("[^"]*")/g, '"$1", $2')}); // GB 45438 implicit label (AIGC): write it into the file's metadata`];
    default:
      return [`const aigcMetadata = { AIGC: { ${fields} } }; // GB 45438 implicit label: write it into the file's metadata`];
  }
}

function optOutGuard(lang: LanguageInfo, unit: string): string[] {
  switch (lang.family) {
    case 'python':
      return ['if not user.personalization_enabled:', `${unit}return non_personalized(items)`];
    case 'go':
      return ['if !user.PersonalizationEnabled {', `${unit}return nonPersonalized(items)`, '}'];
    default:
      return ['if (!user.personalizationEnabled) {', `${unit}return nonPersonalized(items);`, '}'];
  }
}

function consentCheck(lang: LanguageInfo, unit: string): string[] {
  switch (lang.family) {
    case 'python':
      return ['if not has_separate_consent(subject_id, "face_edit"):', `${unit}raise PermissionError("the depicted person's separate consent is required")`];
    case 'go':
      return ['if !hasSeparateConsent(subjectID, "face_edit") {', `${unit}return errors.New("the depicted person's separate consent is required")`, '}'];
    case 'java':
      return ['if (!consent.hasSeparateConsent(subjectId, "face_edit")) {', `${unit}throw new SecurityException("the depicted person's separate consent is required");`, '}'];
    default:
      return ['if (!(await hasSeparateConsent(subjectId, "face_edit"))) {', `${unit}throw new Error("the depicted person's separate consent is required");`, '}'];
  }
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
  const modality = data.generation?.modality ?? data.facts?.modality;

  switch (data.ruleId) {
    case 'aigc-missing-label':
      // Text gets a visible label in the text itself; media need a watermark or metadata instead.
      if (ctx.labelTarget && (modality === 'text' || modality === undefined)) {
        out.push({
          title: t('Prepend an explicit AI-generated label'),
          kind: CODE_ACTION_KINDS.label,
          diagnostics: [d],
          isPreferred: true,
          edit: edit([explicitLabelEdit(doc, ctx.labelTarget)]),
        });
      }
      out.push({
        title: t('Insert a GB 45438 AIGC metadata stub'),
        kind: CODE_ACTION_KINDS.label,
        diagnostics: [d],
        edit: edit([insertAbove(doc, line, metadataStub(lang))]),
      });
      break;
    case 'rec-no-opt-out':
      out.push({ title: t('Insert an opt-out guard (non-personalised results)'), kind: CODE_ACTION_KINDS.guard, diagnostics: [d], edit: edit([insertAbove(doc, line, optOutGuard(lang, unit))]) });
      break;
    case 'biometric-no-consent':
      out.push({ title: t('Insert a separate-consent check'), kind: CODE_ACTION_KINDS.guard, diagnostics: [d], edit: edit([insertAbove(doc, line, consentCheck(lang, unit))]) });
      break;
    default:
      break;
  }

  if (data.primaryObligation) {
    out.push({
      title: t('Show obligation {0}', data.primaryObligation),
      kind: CODE_ACTION_KINDS.openCard,
      diagnostics: [d],
      command: { title: t('Show obligation'), command: 'aireg.openObligation', arguments: [data.primaryObligation, { ruleId: data.ruleId, fingerprint: data.fingerprint }] },
    });
    out.push({
      title: t('Open the article behind {0}', data.primaryObligation),
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
