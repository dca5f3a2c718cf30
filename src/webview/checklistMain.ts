/**
 * Browser code of the checklist. Renders rows grouped by phase and instrument with a state select,
 * a note, who changed it and when, the scan evidence and a link to the card. Every change goes to
 * the extension as an id plus the new value; the extension stamps, saves and sends the new view.
 */
import { type ChecklistRowView, type ChecklistView, type FromChecklistMessage, type ItemState, parseToChecklist } from '../shared/webviewMessages';
import { h, onExtensionMessage, replaceChildren } from './dom';

const vscode = acquireVsCodeApi();
const STATES: readonly ItemState[] = ['todo', 'in-progress', 'done', 'not-applicable'];

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
  const note = h('textarea', { id: `note-${r.id}`, className: 'note', attrs: { 'data-id': r.id, rows: '2', 'aria-label': `${L.note}: ${r.title}` } });
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
  return h('tr', { className: `row state-${r.item.state}`, attrs: { 'data-id': r.id } }, [
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
  ]);
  const sections: HTMLElement[] = [];
  let phaseSection: HTMLElement | undefined;
  for (const g of view.groups) {
    if (!phaseSection || phaseSection.dataset.phase !== g.phase) {
      phaseSection = h('section', { className: 'phase', attrs: { 'data-phase': g.phase } }, [h('h2', { text: g.phaseLabel })]);
      sections.push(phaseSection);
    }
    phaseSection.appendChild(
      h('div', { className: 'group', attrs: { 'data-instrument': g.instrument } }, [
        h('h3', { text: g.instrument }),
        h('table', {}, [
          h('thead', {}, [h('tr', {}, [L.obligation, L.state, L.note, L.evidence].map((t) => h('th', { text: t })))]),
          h('tbody', {}, g.rows.map((r) => row(r, L))),
        ]),
      ]),
    );
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
  vscode.setState({ id: 'checklist' });
  document.body.dataset.rendered = view.generatedAt;
}

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
  if (t instanceof HTMLSelectElement && t.classList.contains('state') && t.dataset.id && (STATES as readonly string[]).includes(t.value)) {
    post({ type: 'setState', id: t.dataset.id, state: t.value as ItemState });
  } else if (t instanceof HTMLTextAreaElement && t.classList.contains('note') && t.dataset.id) {
    post({ type: 'setNote', id: t.dataset.id, note: t.value });
  }
});

onExtensionMessage(parseToChecklist, (msg) => render(msg.view, msg.labels));

post({ type: 'ready' });
