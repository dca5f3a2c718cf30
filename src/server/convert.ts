/**
 * Findings to LSP: diagnostics with `source`, `code` and `codeDescription`, related locations
 * and the `data` the quick fixes need; finding summaries for the custom requests; command links.
 */
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver/node';
import type { AiregConfig } from '../core/config';
import { obligationsFor } from '../core/kb';
import { ruleHelpUri } from '../core/ruleMeta';
import type { Finding } from '../core/types';
import { shortMessage } from '../shared/findingText';
import type { FindingSummary, OpenObligationArgs } from '../shared/protocol';
import { displayLang, t } from './locale';

/** The source every aireg diagnostic carries (error lens, ESLint-style filters and tests key on it). */
export const SOURCE = 'aireg';

/**
 * What the server keeps in `Diagnostic.data`; the code action handler reads it back. Everything
 * is plain JSON because the editor round-trips it.
 */
export interface DiagnosticData {
  ruleId: string;
  fingerprint: string;
  obligations: string[];
  /** The obligation the code link opens: the first that applies to the configured roles. */
  primaryObligation?: string;
  generation?: { provider: string; modality: string; api: string };
  /** The rule's free-form facts (e.g. where the unlabeled value starts). */
  facts?: Record<string, string | number | boolean>;
  /** Document version the diagnostic was computed for. */
  version?: number;
}

/** Narrows an unknown `data` value received from the client. */
export function isDiagnosticData(v: unknown): v is DiagnosticData {
  if (typeof v !== 'object' || v === null) return false;
  const d = v as Partial<DiagnosticData>;
  return typeof d.ruleId === 'string' && typeof d.fingerprint === 'string' && Array.isArray(d.obligations);
}

/** A `command:` URI; arguments are JSON, percent-encoded as VS Code's command links expect. */
export function commandUri(command: string, args: unknown[]): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
}

/** The link that opens an obligation card, optionally focused on one finding. */
export function openObligationUri(id: string, focus?: OpenObligationArgs[1]): string {
  const args: OpenObligationArgs = focus ? [id, focus] : [id];
  return commandUri('aireg.openObligation', args);
}

/** Obligation ids of a finding that bind the configured roles in the configured jurisdictions. */
export function applicableObligations(ids: readonly string[], config: AiregConfig): string[] {
  const applicable = new Set(obligationsFor({ roles: config.roles, jurisdictions: config.jurisdictions }).map((o) => o.id));
  return ids.filter((id) => applicable.has(id));
}

export function primaryObligation(f: Finding, config: AiregConfig): string | undefined {
  return applicableObligations(f.obligations, config)[0] ?? f.obligations[0];
}

const SEVERITY: Record<Finding['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

function lspRange(r: Finding['range']): Diagnostic['range'] {
  return { start: { line: r.start.line, character: r.start.character }, end: { line: r.end.line, character: r.end.character } };
}

/** How findings are presented in the editor (from the user's settings). */
export interface PresentationOptions {
  /** Generation calls at severity info become hints (no squiggle): they are an inventory. */
  generationCallsAsHints?: boolean;
}

/** The editor severity of a finding: its own, except inventory entries shown as hints. */
export function diagnosticSeverity(f: Pick<Finding, 'ruleId' | 'severity'>, options: PresentationOptions = {}): DiagnosticSeverity {
  if (options.generationCallsAsHints !== false && f.ruleId === 'aigc-generation-call' && f.severity === 'info') return DiagnosticSeverity.Hint;
  return SEVERITY[f.severity];
}

/**
 * Converts one finding. `uriOf` maps a finding-relative path (its `file`, or a related
 * location's) to a document URI.
 */
export function toDiagnostic(f: Finding, config: AiregConfig, uriOf: (file: string) => string, version?: number, options: PresentationOptions = {}): Diagnostic {
  const primary = primaryObligation(f, config);
  // The code link opens the finding's obligation card. VS Code follows command links from the
  // Problems panel; rules without obligations link to their documentation instead.
  const href = primary ? openObligationUri(primary, { ruleId: f.ruleId, fingerprint: f.fingerprint }) : ruleHelpUri(f.ruleId);
  // The generation call behind an unlabeled output, in the display language; other notes as the rule wrote them.
  const related: DiagnosticRelatedInformation[] | undefined = f.related?.map((r, i) => ({
    location: { uri: uriOf(r.file), range: lspRange(r.range) },
    message: i === 0 && f.ruleId === 'aigc-missing-label' && f.generation ? t('generated here by {0} {1}', f.generation.provider, f.generation.api) : r.message,
  }));
  const data: DiagnosticData = {
    ruleId: f.ruleId,
    fingerprint: f.fingerprint,
    obligations: f.obligations,
    ...(primary ? { primaryObligation: primary } : {}),
    ...(f.generation ? { generation: { ...f.generation } } : {}),
    ...(f.data ? { facts: f.data } : {}),
    ...(version !== undefined ? { version } : {}),
  };
  return {
    range: lspRange(f.range),
    severity: diagnosticSeverity(f, options),
    source: SOURCE,
    code: f.ruleId,
    codeDescription: { href },
    // One line naming the article; the reasoning is in the hover and on the card.
    message: shortMessage(f, primary, displayLang(), t),
    ...(related?.length ? { relatedInformation: related } : {}),
    data,
  };
}

export function toSummary(f: Finding, uri: string, config?: AiregConfig): FindingSummary {
  const primary = config ? primaryObligation(f, config) : f.obligations[0];
  return {
    uri,
    file: f.file,
    ruleId: f.ruleId,
    range: lspRange(f.range),
    message: shortMessage(f, primary, displayLang(), t),
    detail: f.message,
    severity: f.severity,
    obligations: f.obligations,
    ...(primary ? { primaryObligation: primary } : {}),
    fingerprint: f.fingerprint,
    ...(f.suppression ? { suppressed: true } : {}),
    ...(f.generation ? { generation: { ...f.generation } } : {}),
  };
}
