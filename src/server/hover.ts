/**
 * Hovers over aireg findings. On a generation call: provider, modality, API and the obligations
 * that bind the configured roles in the configured jurisdictions, each a command link to its
 * card. On any other finding: the obligations it is evidence for, linked the same way (VS Code's
 * own diagnostic hover does not follow command links, so this is how the card opens from there).
 * The client marks these hovers trusted for the aireg commands only.
 */
import type { Hover, MarkupContent, Position } from 'vscode-languageserver/node';
import type { AiregConfig } from '../core/config';
import { ROLE_LABELS, articleLabel, getObligation } from '../core/kb';
import { ruleMeta } from '../core/ruleMeta';
import type { Finding } from '../core/types';
import { modalityName, shortMessage } from '../shared/findingText';
import { applicableObligations, commandUri, openObligationUri, primaryObligation } from './convert';
import { displayLang, pick, t } from './locale';

/** What the hover knows about the configuration besides the merged config. */
export interface HoverOptions {
  /** True when `.aireg.json` or the settings declare roles; otherwise the hover says "default roles". */
  rolesDeclared?: boolean;
}

/** The "Fix:" line of a rule: what to do and which command does it. */
function fixLine(ruleId: string): string | undefined {
  switch (ruleId) {
    case 'aigc-missing-label': return t('Fix: Quick Fix (Ctrl+.) labels the output, or wrap it in a function listed in labelFunctions in .aireg.json.');
    case 'rec-no-opt-out': return t('Fix: Quick Fix (Ctrl+.) inserts an opt-out check; declare your own check in optOutChecks in .aireg.json.');
    case 'biometric-no-consent': return t('Fix: Quick Fix (Ctrl+.) inserts a consent check; declare your own check in consentChecks in .aireg.json.');
    case 'aigc-invalid-label-metadata': return t('Fix: correct the field as the message says; GB 45438 names and values are matched exactly.');
    case 'aigc-label-stripped': return t('Fix: keep the metadata when re-encoding, or write the AIGC fields again.');
    case 'aigc-generation-call': return t('Nothing to fix here: this is an inventory entry. Its output needs a label where it leaves.');
    default: return undefined;
  }
}

function titleOf(id: string): string {
  const o = getObligation(id);
  return o ? pick(o.title) : id;
}

function contains(f: Finding, p: Position): boolean {
  const { start, end } = f.range;
  if (p.line < start.line || p.line > end.line) return false;
  if (p.line === start.line && p.character < start.character) return false;
  if (p.line === end.line && p.character > end.character) return false;
  return true;
}

/** Escapes text for Markdown so data never turns into markup or links. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

function obligationLine(id: string, f: Finding): string {
  const o = getObligation(id);
  const title = o ? pick(o.title) : id;
  const first = o?.articles[0];
  const article = first ? ` — ${escapeMarkdown(articleLabel(first, displayLang()))}` : '';
  return `- [${escapeMarkdown(title)}](${openObligationUri(id, { ruleId: f.ruleId, fingerprint: f.fingerprint })} "${id}")${article}`;
}

/** The markdown for the findings under the cursor, or undefined when there are none. */
export function hoverFor(findings: readonly Finding[], position: Position, config: AiregConfig, options: HoverOptions = {}): Hover | undefined {
  const here = findings.filter((f) => !f.suppression && contains(f, position) && (f.obligations.length > 0 || f.generation));
  if (here.length === 0) return undefined;
  const parts: string[] = [];
  const shown = new Set<string>();
  for (const f of here) {
    const meta = ruleMeta(f.ruleId);
    const lines: string[] = [`**aireg** · ${escapeMarkdown(meta ? pick(meta.name) : f.ruleId)} (\`${f.ruleId}\`)`];
    lines.push('', escapeMarkdown(shortMessage(f, primaryObligation(f, config), displayLang(), t)));
    if (f.generation) {
      lines.push('', t('Provider: {0} · Modality: {1} · API: {2}', f.generation.provider, modalityName(f.generation.modality, t), f.generation.api).replace(/[\\`*_[\]<>]/g, '\\$&'));
    }
    // The rule's full reasoning (articles, why, what counts as a fix) is one hover away, not in the Problems row.
    // The rules write their reasoning in English; in another display language the hover gives
    // the rule's own description in that language (what the rule saw is in the short message above).
    const why = displayLang() === 'en' || !meta ? f.message : pick(meta.description);
    if (f.ruleId !== 'aigc-generation-call') lines.push('', `${t('Why:')} ${escapeMarkdown(why)}`);
    const fix = fixLine(f.ruleId);
    if (fix) lines.push('', escapeMarkdown(fix));
    const applicable = applicableObligations(f.obligations, config).filter((id) => !shown.has(id));
    const others = f.obligations.filter((id) => !applicable.includes(id) && !shown.has(id));
    // Role and jurisdiction names in the display language, not the configuration's ids.
    const roles = config.roles.map((r) => ROLE_LABELS[r]?.[displayLang()] ?? r).join(displayLang() === 'zh' ? '、' : ', ');
    const places = config.jurisdictions.map((j) => (j === 'CN' ? t('China') : j === 'EU' ? t('EU') : j)).join(displayLang() === 'zh' ? '、' : ', ');
    if (applicable.length) {
      lines.push('', options.rolesDeclared === false ? t('Obligations for the default roles ({0}; {1}); declare yours in .aireg.json:', roles, places) : t('Obligations for your roles ({0}; {1}):', roles, places));
      for (const id of applicable) lines.push(obligationLine(id, f));
    } else if (f.obligations.length) {
      lines.push('', t('None of its obligations bind the roles {0} in {1}.', roles, places));
    }
    if (others.length && applicable.length) {
      lines.push('', t('Also related: {0}', others.map((id) => `[${escapeMarkdown(titleOf(id))}](${openObligationUri(id)} "${id}")`).join(', ')));
    }
    for (const id of f.obligations) shown.add(id);
    parts.push(lines.join('\n'));
  }
  parts.push(`[${t('Look up another obligation')}](${commandUri('aireg.lookupObligation', [])})`);
  const contents: MarkupContent = { kind: 'markdown', value: parts.join('\n\n---\n\n') };
  const first = here[0]!;
  return { contents, range: { start: first.range.start, end: first.range.end } };
}
