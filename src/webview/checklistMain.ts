/**
 * Browser code of the checklist. Renders rows grouped by phase and instrument with a state select,
 * a note, who changed it and when, the scan evidence and a link to the card. Every change goes to
 * the extension as an id plus the new value; the extension stamps, saves and sends the new view.
 * At fifty rows it needs a way through: a search box, filters (state, has evidence, detectable in
 * code) and collapsible groups, all local to the page and kept across re-renders.
 */
import { type ChecklistRowView, type ChecklistView, type FromChecklistMessage, type ItemState, parseToChecklist } from '../shared/webviewMessages';
import { h, onExtensionMessage, replaceChildren } from './dom';

const vscode = acquireVsCodeApi();
const STATES: readonly ItemState[] = ['todo', 'in-progress', 'done', 'not-applicable'];

/** What the person filters by; applied to the rendered rows without a round trip. */
const filters = { search: '', state: '', evidence: false, detectable: false };
/** Instrument groups the person collapsed (by phase/instrument key). */
const collapsed = new Set<string>();
let lastView: { view: ChecklistView; labels: Record<string, string> } | undefined;

/** Hides rows that do not match the filters and groups left empty; returns how many rows show. */
function applyFilters(L: Record<string, string>): void {
  const q = filters.search.trim().toLowerCase();
  let shown = 0;
  let total = 0;
  for (const tr of Array.from(document.querySelectorAll<HTMLTableRowElement>('tr.row'))) {
    total++;
    const note = tr.querySelector('textarea')?.value ?? '';
    const ok =
      (!q || (tr.dataset.search ?? '').includes(q) || note.toLowerCase().includes(q)) &&
      (!filters.state || tr.dataset.state === filters.state) &&
      (!filters.evidence || tr.dataset.evidence === 'true') &&
      (!filters.detectable || tr.dataset.detectable === 'true');
    tr.hidden = !ok;
    if (ok) shown++;
  }
  for (const g of Array.from(document.querySelectorAll<HTMLElement>('.group'))) g.hidden = !g.querySelector('tr.row:not([hidden])');
  for (const sec of Array.from(document.querySelectorAll<HTMLElement>('section.phase'))) sec.hidden = !sec.querySelector('.group:not([hidden])');
  const count = document.getElementById('filter-count');
  if (count) count.textContent = (L.shown ?? '{shown} / {total}').replace('{shown}', String(shown)).replace('{total}', String(total));
  const none = document.getElementById('no-match');
  if (none) none.hidden = shown > 0 || total === 0;
}

function filterBar(L: Record<string, string>): HTMLElement {
  const search = h('input', { id: 'filter-search', attrs: { type: 'search', placeholder: L.search ?? '', 'aria-label': L.search ?? 'search' } });
  search.value = filters.search;
  const state = h('select', { id: 'filter-state', attrs: { 'aria-label': L.filterState ?? 'state' } }, [
    h('option', { text: L.allStates ?? 'all', attrs: { value: '' } }),
    ...STATES.map((st) => h('option', { text: L[`state.${st}`] ?? st, attrs: { value: st } })),
  ]);
  state.value = filters.state;
  const box = (id: string, key: 'evidence' | 'detectable', label: string): HTMLElement => {
    const input = h('input', { id, attrs: { type: 'checkbox' } });
    input.checked = filters[key];
    return h('label', { className: 'filter-check' }, [input, h('span', { text: ` ${label}` })]);
  };
  return h('div', { id: 'filters', className: 'toolbar filters' }, [
    search,
    state,
    box('filter-evidence', 'evidence', L.hasEvidence ?? 'has evidence'),
    box('filter-detectable', 'detectable', L.detectable ?? 'detectable'),
    h('span', { id: 'filter-count', className: 'muted' }),
  ]);
}

function post(msg: FromChecklistMessage): void {
  vscode.postMessage(msg);
}

function button(text: string, attrs: Record<string, string>, className = 'link'): HTMLButtonElement {
  return h('button', { text, className, attrs: { type: 'button', ...attrs } });
}

function row(r: ChecklistRowView, L: Record<string, string>): HTMLElement {
  const select = h('select', { id: `state-${r.id}`, className: 'state', attrs: { 'data-id': r.id, 'aria-label': `${L.state}: ${r.title}` } },
    STATES.map((s) => h('option', { text: L[`state.${s}`] ?? s, attrs: { value: s, ...(s === r.item.state ? { selected: '' } : {}) } })),
  );
  select.value = r.item.state;
  // A note is a review record, not a tag: room for a few sentences, and it grows on demand.
  const note = h('textarea', { id: `note-${r.id}`, className: 'note', attrs: { 'data-id': r.id, rows: '4', 'aria-label': `${L.note}: ${r.title}` } });
  note.value = r.item.note;
  const changed = r.item.updatedAt ? `${r.item.updatedBy || '?'} · ${r.item.updatedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')}` : L.neverChanged;
  const evidence = h('div', { className: 'evidence' }, [
    ...r.evidence.lines.map((l) => h('div', { className: r.evidence.notDetectable ? 'muted' : 'evidence-line', text: l })),
    r.evidence.links.length
      ? h('ul', { className: 'evidence-links' }, r.evidence.links.map((l) =>
          h('li', {}, [button(`${l.file}:${l.line}`, { 'data-action': 'finding', 'data-index': String(l.index) }, 'link evidence-link'), h('span', { className: 'muted', text: ` ${l.message}` })]),
        ))
      : null,
    r.evidence.more > 0 ? h('div', { className: 'muted', text: (L.more ?? '+{n}').replace('{n}', String(r.evidence.more)) }) : null,
  ]);
  const search = `${r.title} ${r.articles} ${r.id} ${r.evidence.lines.join(' ')} ${r.evidence.links.map((l) => `${l.file} ${l.message}`).join(' ')}`.toLowerCase();
  return h('tr', {
    className: `row state-${r.item.state}`,
    attrs: { 'data-id': r.id, 'data-state': r.item.state, 'data-evidence': String(r.evidence.links.length > 0), 'data-detectable': String(!r.evidence.notDetectable), 'data-search': search },
  }, [
    h('td', { className: 'title' }, [
      button(r.title, { 'data-action': 'card', 'data-id': r.id }, 'link open-card'),
      h('div', { className: 'muted', text: `${r.articles} · ${r.id}` }),
    ]),
    h('td', {}, [select, h('div', { className: 'changed muted', text: changed })]),
    h('td', {}, [note]),
    h('td', {}, [evidence]),
  ]);
}

function render(view: ChecklistView, L: Record<string, string>): void {
  const root = document.getElementById('root');
  if (!root) return;
  lastView = { view, labels: L };
  // Keep what the person is typing in a note across a re-render (a teammate's change arriving).
  const active = document.activeElement;
  const typing = active instanceof HTMLTextAreaElement ? { id: active.id, value: active.value, start: active.selectionStart, end: active.selectionEnd } : undefined;
  document.documentElement.lang = view.lang === 'zh' ? 'zh-CN' : 'en';
  const p = view.progress;
  const settled = p.done + p.notApplicable;
  const progress = h('progress', { id: 'progress-bar', attrs: { max: String(Math.max(p.total, 1)), value: String(settled) } });
  const header = h('header', {}, [
    h('div', { className: 'toolbar' }, [
      button('English', { 'data-action': 'lang', 'data-lang': 'en', 'aria-pressed': String(view.lang === 'en') }, 'toggle'),
      button('中文', { 'data-action': 'lang', 'data-lang': 'zh', 'aria-pressed': String(view.lang === 'zh') }, 'toggle'),
      button(L.export, { id: 'export', 'data-action': 'export' }, 'secondary'),
      button(L.rescan, { id: 'rescan', 'data-action': 'rescan' }, 'secondary'),
      button(L.configure, { id: 'configure', 'data-action': 'configure' }, 'secondary'),
    ]),
    h('h1', { id: 'checklist-title', text: L.title }),
    h('p', { id: 'checklist-scope', className: 'muted', text: `${L.roles}: ${view.roles.join(', ')} · ${L.jurisdictions}: ${view.jurisdictions.join(', ')}` }),
    h('div', { id: 'checklist-progress' }, [
      progress,
      h('span', { id: 'progress-text', text: `${settled} / ${p.total} (${p.done} ${L['state.done']}, ${p.notApplicable} ${L['state.not-applicable']}, ${p.inProgress} ${L['state.in-progress']}, ${p.todo} ${L['state.todo']})` }),
    ]),
    view.fileError
      ? h('div', { id: 'file-error', className: 'banner error', attrs: { role: 'alert' } }, [
          h('p', { text: view.fileError }),
          button(L.repair, { id: 'repair', 'data-action': 'repair' }, 'primary'),
        ])
      : null,
    view.scanned ? null : h('p', { id: 'no-scan', className: 'banner info', text: L.noScan }),
    h('p', { className: 'disclaimer', text: L.disclaimer, attrs: { role: 'note' } }),
    filterBar(L),
    h('p', { id: 'no-match', className: 'muted', text: L.noMatch ?? '', attrs: { hidden: '' } }),
  ]);
  const sections: HTMLElement[] = [];
  let phaseSection: HTMLElement | undefined;
  for (const g of view.groups) {
    if (!phaseSection || phaseSection.dataset.phase !== g.phase) {
      phaseSection = h('section', { className: 'phase', attrs: { 'data-phase': g.phase } }, [h('h2', { text: g.phaseLabel })]);
      sections.push(phaseSection);
    }
    const key = `${g.phase}/${g.instrument}`;
    const details = h('details', { className: 'group', attrs: { 'data-instrument': g.instrument, 'data-key': key, ...(collapsed.has(key) ? {} : { open: '' }) } }, [
      h('summary', {}, [h('h3', { text: g.instrument }), h('span', { className: 'muted group-count', text: ` (${g.rows.length})` })]),
      h('table', {}, [
          h('thead', {}, [h('tr', {}, [L.obligation, L.state, L.note, L.evidence].map((t) => h('th', { text: t })))]),
          h('tbody', {}, g.rows.map((r) => row(r, L))),
      ]),
    ]);
    details.addEventListener('toggle', () => {
      if ((details as HTMLDetailsElement).open) collapsed.delete(key);
      else collapsed.add(key);
    });
    phaseSection.appendChild(details);
  }
  if (view.groups.length === 0) sections.push(h('p', { id: 'empty', className: 'muted', text: L.empty }));
  replaceChildren(root, [header, ...sections].filter((n): n is HTMLElement => n !== null));
  if (typing) {
    const el = document.getElementById(typing.id);
    if (el instanceof HTMLTextAreaElement) {
      el.value = typing.value;
      el.focus();
      el.setSelectionRange(typing.start, typing.end);
    }
  }
  applyFilters(L);
  vscode.setState({ id: 'checklist' });
  document.body.dataset.rendered = view.generatedAt;
}

document.addEventListener('input', (ev) => {
  const t = ev.target;
  if (t instanceof HTMLInputElement && t.id === 'filter-search') {
    filters.search = t.value;
    if (lastView) applyFilters(lastView.labels);
  }
});

document.addEventListener('click', (ev) => {
  const target = (ev.target as Element | null)?.closest('button[data-action]');
  if (!(target instanceof HTMLButtonElement)) return;
  const a = target.dataset.action;
  if (a === 'lang' && (target.dataset.lang === 'en' || target.dataset.lang === 'zh')) post({ type: 'setLanguage', lang: target.dataset.lang });
  else if (a === 'card' && target.dataset.id) post({ type: 'openObligation', id: target.dataset.id });
  else if (a === 'finding') post({ type: 'revealFinding', index: Number(target.dataset.index) });
  else if (a === 'export' || a === 'repair' || a === 'configure' || a === 'rescan') post({ type: a });
});

document.addEventListener('change', (ev) => {
  const t = ev.target;
  if (t instanceof HTMLSelectElement && t.id === 'filter-state') {
    filters.state = t.value;
    if (lastView) applyFilters(lastView.labels);
    return;
  }
  if (t instanceof HTMLInputElement && (t.id === 'filter-evidence' || t.id === 'filter-detectable')) {
    filters[t.id === 'filter-evidence' ? 'evidence' : 'detectable'] = t.checked;
    if (lastView) applyFilters(lastView.labels);
    return;
  }
  if (t instanceof HTMLSelectElement && t.classList.contains('state') && t.dataset.id && (STATES as readonly string[]).includes(t.value)) {
    post({ type: 'setState', id: t.dataset.id, state: t.value as ItemState });
  } else if (t instanceof HTMLTextAreaElement && t.classList.contains('note') && t.dataset.id) {
    post({ type: 'setNote', id: t.dataset.id, note: t.value });
  }
});

onExtensionMessage(parseToChecklist, (msg) => render(msg.view, msg.labels));

post({ type: 'ready' });
