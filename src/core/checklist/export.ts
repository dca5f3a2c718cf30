/**
 * Exports the checklist with its evidence for a compliance review, as Markdown and as a
 * standalone HTML page. Every string from the workspace (notes, file names, finding messages,
 * even obligation text) is escaped: a note containing `<script>` or a `javascript:` link must
 * come out as visible text in any Markdown renderer or browser, never as markup.
 */
import { createHash } from 'node:crypto';
import { type ChecklistView, type Lang, progressPercent } from './model';
import { STATE_LABELS, UI_TEXT } from './text';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * Escapes text for Markdown so it renders literally and still reads well as plain text: only what
 * could start markup is escaped. `<` before a tag-like character and `&` before an entity become
 * entities (renderers pass raw HTML through); backticks, `*`, `[`, `]`, `|`, `\\`, `~~` and `_`
 * at a word edge get a backslash. Dates, dashes, colons, dots and parentheses stay as typed: with
 * `[` escaped no link can form, and the caller never starts a line with the text (so `#`, `-`, `+`
 * and `1.` cannot start a heading or a list).
 */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/&(?=#?\w+;)/g, '&amp;')
    .replace(/<(?=[A-Za-z/!?])/g, '&lt;')
    .replace(/[\\`*[\]|]/g, (c) => `\\${c}`)
    .replace(/~~/g, '\\~\\~')
    .replace(/_/g, (c, i: number, all: string) => (/[A-Za-z0-9]/.test(all[i - 1] ?? '') && /[A-Za-z0-9]/.test(all[i + 1] ?? '') ? c : `\\${c}`));
}

function md(s: string): string {
  return escapeMarkdown(s.replace(/\r\n?/g, '\n')).split('\n').join(' ');
}

function who(view: ChecklistView, by: string, at: string): string {
  if (!at) return '';
  return `${by || (view.lang === 'zh' ? '未知' : 'unknown')}, ${at}`;
}

/** The Markdown export. */
export function checklistToMarkdown(view: ChecklistView): string {
  const L = view.lang;
  const p = view.progress;
  const out: string[] = [];
  out.push(`# ${md(UI_TEXT.title[L])}`, '');
  out.push(`> ${md(UI_TEXT.disclaimer[L])}`, '');
  out.push(`- ${md(UI_TEXT.generated[L])}: ${md(view.generatedAt)}`);
  out.push(`- ${md(UI_TEXT.roles[L])}: ${md(view.roles.join(', '))}`);
  out.push(`- ${md(UI_TEXT.jurisdictions[L])}: ${md(view.jurisdictions.join(', '))}`);
  out.push(`- ${md(UI_TEXT.progress[L])}: ${progressPercent(p)}% (${p.done} ${md(STATE_LABELS.done[L])}, ${p.notApplicable} ${md(STATE_LABELS['not-applicable'][L])}, ${p.inProgress} ${md(STATE_LABELS['in-progress'][L])}, ${p.todo} ${md(STATE_LABELS.todo[L])} / ${p.total})`);
  let phase = '';
  for (const g of view.groups) {
    if (g.phaseLabel !== phase) {
      phase = g.phaseLabel;
      out.push('', `## ${md(g.phaseLabel)}`);
    }
    out.push('', `### ${md(g.instrument)}`, '');
    for (const r of g.rows) {
      const box = r.item.state === 'done' ? '[x]' : '[ ]';
      out.push(`- ${box} **${md(r.title)}** (${md(r.articles)}) — ${md(STATE_LABELS[r.item.state][L])} \`${r.id.replace(/[^a-z0-9-]/g, '')}\``);
      const changed = who(view, r.item.updatedBy, r.item.updatedAt);
      if (changed) out.push(`  - ${md(UI_TEXT.changed[L])}: ${md(changed)}`);
      if (r.item.note) out.push(`  - ${md(UI_TEXT.note[L])}: ${md(r.item.note)}`);
      out.push(`  - ${md(UI_TEXT.evidence[L])}: ${r.evidence.lines.map(md).join('; ')}`);
      for (const l of r.evidence.links) out.push(`    - ${md(`${l.file}:${l.line}`)} — ${md(l.message)}`);
      if (r.evidence.more > 0) out.push(`    - ${md(UI_TEXT.more[L].replace('{n}', String(r.evidence.more)))}`);
    }
  }
  return out.join('\n') + '\n';
}

const HTML_STYLE = `body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.4}
table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}th,td{border:1px solid #ccc;padding:.3rem .5rem;vertical-align:top;text-align:left}
.note{white-space:pre-wrap}.disclaimer{border-left:4px solid #c90;padding:.3rem .8rem;background:#fff8e5}code{font-size:90%}`;

/** The HTML export: one self-contained page with no script and a CSP that forbids scripts. */
export function checklistToHtml(view: ChecklistView): string {
  const L: Lang = view.lang;
  const e = escapeHtml;
  const p = view.progress;
  const out: string[] = [];
  out.push('<!DOCTYPE html>', `<html lang="${L === 'zh' ? 'zh-CN' : 'en'}">`, '<head>', '<meta charset="utf-8">');
  // The page has no script; the policy makes sure nothing injected could ever run.
  out.push(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-${'{STYLE_HASH}'}'">`);
  out.push(`<title>${e(UI_TEXT.title[L])}</title>`, `<style>${HTML_STYLE}</style>`, '</head>', '<body>');
  out.push(`<h1>${e(UI_TEXT.title[L])}</h1>`, `<p class="disclaimer">${e(UI_TEXT.disclaimer[L])}</p>`);
  out.push('<ul>');
  out.push(`<li>${e(UI_TEXT.generated[L])}: ${e(view.generatedAt)}</li>`);
  out.push(`<li>${e(UI_TEXT.roles[L])}: ${e(view.roles.join(', '))}</li>`);
  out.push(`<li>${e(UI_TEXT.jurisdictions[L])}: ${e(view.jurisdictions.join(', '))}</li>`);
  out.push(`<li>${e(UI_TEXT.progress[L])}: ${progressPercent(p)}% (${p.done + p.notApplicable} / ${p.total})</li>`, '</ul>');
  let phase = '';
  for (const g of view.groups) {
    if (g.phaseLabel !== phase) {
      phase = g.phaseLabel;
      out.push(`<h2>${e(g.phaseLabel)}</h2>`);
    }
    out.push(`<h3>${e(g.instrument)}</h3>`, '<table>');
    out.push(`<tr><th>${e(UI_TEXT.obligation[L])}</th><th>${e(UI_TEXT.state[L])}</th><th>${e(UI_TEXT.note[L])}</th><th>${e(UI_TEXT.evidence[L])}</th></tr>`);
    for (const r of g.rows) {
      const changed = who(view, r.item.updatedBy, r.item.updatedAt);
      const evidence = [
        ...r.evidence.lines.map((l) => `<div>${e(l)}</div>`),
        ...r.evidence.links.map((l) => `<div><code>${e(`${l.file}:${l.line}`)}</code> ${e(l.message)}</div>`),
        ...(r.evidence.more > 0 ? [`<div>${e(UI_TEXT.more[L].replace('{n}', String(r.evidence.more)))}</div>`] : []),
      ].join('');
      out.push(
        `<tr><td><strong>${e(r.title)}</strong><br>${e(r.articles)}<br><code>${e(r.id)}</code></td>` +
          `<td>${e(STATE_LABELS[r.item.state][L])}${changed ? `<br><small>${e(changed)}</small>` : ''}</td>` +
          `<td class="note">${e(r.item.note)}</td><td>${evidence}</td></tr>`,
      );
    }
    out.push('</table>');
  }
  out.push('</body>', '</html>');
  return out.join('\n').replace('{STYLE_HASH}', styleHash()) + '\n';
}

/** The CSP hash of the page's only style block, so the policy can stay `default-src 'none'`. */
function styleHash(): string {
  return createHash('sha256').update(HTML_STYLE, 'utf8').digest('base64');
}
