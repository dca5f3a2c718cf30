/**
 * Hovers over aireg findings. On a generation call: provider, modality, API and the obligations
 * that bind the configured roles in the configured jurisdictions, each a command link to its
 * card. On any other finding: the obligations it is evidence for, linked the same way (VS Code's
 * own diagnostic hover does not follow command links, so this is how the card opens from there).
 * The client marks these hovers trusted for the aireg commands only.
 */
import type { Hover, MarkupContent, Position } from 'vscode-languageserver/node';
import type { AiregConfig } from '../core/config';
import { articleLabel, getObligation } from '../core/kb';
import { ruleMeta } from '../core/ruleMeta';
import type { Finding } from '../core/types';
import { applicableObligations, commandUri, openObligationUri } from './convert';
import { displayLang, pick, t } from './locale';

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
export function hoverFor(findings: readonly Finding[], position: Position, config: AiregConfig): Hover | undefined {
  const here = findings.filter((f) => !f.suppression && contains(f, position) && (f.obligations.length > 0 || f.generation));
  if (here.length === 0) return undefined;
  const parts: string[] = [];
  const shown = new Set<string>();
  for (const f of here) {
    const meta = ruleMeta(f.ruleId);
    const lines: string[] = [`**aireg** · ${escapeMarkdown(meta ? pick(meta.name) : f.ruleId)} (\`${f.ruleId}\`)`];
    if (f.generation) {
      lines.push('', t('Provider: {0} · Modality: {1} · API: {2}', f.generation.provider, f.generation.modality, f.generation.api).replace(/[\\`*_[\]<>]/g, '\\$&'));
    }
    const applicable = applicableObligations(f.obligations, config).filter((id) => !shown.has(id));
    const others = f.obligations.filter((id) => !applicable.includes(id) && !shown.has(id));
    if (applicable.length) {
      lines.push('', t('Obligations for your roles ({0}; {1}):', config.roles.join(', '), config.jurisdictions.join(', ')));
      for (const id of applicable) lines.push(obligationLine(id, f));
    } else if (f.obligations.length) {
      lines.push('', t('None of its obligations bind the roles {0} in {1}.', config.roles.join(', '), config.jurisdictions.join(', ')));
    }
    if (others.length && applicable.length) {
      lines.push('', t('Also related: {0}', others.map((id) => `[${id}](${openObligationUri(id)})`).join(', ')));
    }
    for (const id of f.obligations) shown.add(id);
    parts.push(lines.join('\n'));
  }
  parts.push(`[${t('Look up another obligation')}](${commandUri('aireg.lookupObligation', [])})`);
  const contents: MarkupContent = { kind: 'markdown', value: parts.join('\n\n---\n\n') };
  const first = here[0]!;
  return { contents, range: { start: first.range.start, end: first.range.end } };
}
