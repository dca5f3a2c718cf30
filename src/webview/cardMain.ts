/**
 * Browser code of the obligation card. It renders the card the extension sends after `ready`,
 * only with createElement/textContent, and sends back nothing but ids and indices: which card,
 * which article, which source, which finding. The extension resolves each one from its own data.
 */
import { type CardView, type FromCardMessage, parseToCard } from '../shared/webviewMessages';
import { h, onExtensionMessage, replaceChildren } from './dom';

const vscode = acquireVsCodeApi();

function post(msg: FromCardMessage): void {
  vscode.postMessage(msg);
}

/** A labelled section; omitted when it has no content. */
function section(id: string, heading: string, body: (Node | null)[]): HTMLElement {
  return h('section', { id, className: 'card-section' }, [h('h2', { text: heading }), ...body]);
}

function paragraphs(text: string): HTMLElement[] {
  return text
    .split(/\n{2,}/)
    .filter((p) => p.trim())
    .map((p) => h('p', { text: p }));
}

function button(text: string, attrs: Record<string, string>, className = 'link'): HTMLButtonElement {
  return h('button', { text, className, attrs: { type: 'button', ...attrs } });
}

function render(card: CardView): void {
  const L = card.labels;
  const root = document.getElementById('root');
  if (!root) return;
  document.documentElement.lang = card.lang === 'zh' ? 'zh-CN' : 'en';
  const header = h('header', { className: 'card-header' }, [
    h('div', { className: 'toolbar' }, [
      button('English', { 'data-action': 'lang', 'data-lang': 'en', 'aria-pressed': String(card.lang === 'en') }, 'toggle'),
      button('中文', { 'data-action': 'lang', 'data-lang': 'zh', 'aria-pressed': String(card.lang === 'zh') }, 'toggle'),
    ]),
    h('h1', { id: 'card-title', text: card.title }),
    h('p', { className: 'meta' }, [h('code', { id: 'card-id', text: card.id }), document.createTextNode(` · ${card.jurisdiction} · ${card.binding}`)]),
    h('p', { id: 'card-disclaimer', className: 'disclaimer', text: card.disclaimer, attrs: { role: 'note' } }),
  ]);
  const facts = h('dl', { className: 'facts' }, [
    h('dt', { text: L.instrument }),
    h('dd', { id: 'card-instruments', text: card.instruments.join(' · ') }),
    h('dt', { text: L.articles }),
    h('dd', { id: 'card-articles' }, [
      h('ul', {}, card.articles.map((a) => h('li', {}, [
        h('span', { className: 'article', text: a.label }),
        a.forceLabel ? h('span', { className: 'badge force', text: a.forceLabel }) : null,
        h('span', { className: `badge verification-${a.verification.replace(/[^a-z-]/g, '')}`, text: a.verificationLabel }),
        // The quoted wording lets a reviewer check the mapping; the address is text, not a link.
        a.quote ? h('blockquote', { className: 'quote', text: a.quote }) : null,
        a.quoteSource ? h('div', { className: 'muted', text: a.quoteSource }) : null,
        a.note ? h('div', { className: 'muted', text: a.note }) : null,
      ]))),
      button(L.openArticle, { id: 'open-article', 'data-action': 'article' }, 'primary'),
    ]),
    h('dt', { text: L.roles }),
    h('dd', { id: 'card-roles', text: card.roles.join(', ') }),
    h('dt', { text: L.phase }),
    h('dd', { id: 'card-phase', text: card.phase }),
    ...(card.confidence ? [h('dt', { text: L.confidence ?? '' }), h('dd', { id: 'card-confidence', text: card.confidence })] : []),
  ]);
  const checks = card.checks
    ? [
        h('h3', { text: L.airegChecks ?? '' }),
        card.checks.aireg.length ? h('ul', { id: 'card-aireg-checks' }, card.checks.aireg.map((c) => h('li', { text: c }))) : h('p', { id: 'card-aireg-checks', className: 'muted', text: L.notDetectable }),
        h('h3', { text: L.reviewerChecks ?? '' }),
        h('ul', { id: 'card-reviewer-checks' }, card.checks.reviewer.map((c) => h('li', { text: c }))),
      ]
    : [];
  const examples = card.examples.map((ex) => h('figure', { className: 'example' }, [h('figcaption', { text: `${ex.title} (${ex.language})` }), h('pre', {}, [h('code', { text: ex.code })])]));
  const sources = h('ul', { id: 'card-sources' }, card.sources.map((s) =>
    h('li', {}, [
      button(s.title, { 'data-action': 'source', 'data-index': String(s.index), title: s.url }),
      h('span', { className: 'muted', text: ` ${s.kind} · ${s.url}` }),
    ]),
  ));
  const rules = h('ul', { id: 'card-rules' }, card.relatedRules.map((r) => h('li', {}, [h('code', { text: r.id }), document.createTextNode(` ${r.name}`)])));
  const related = card.related.length
    ? h('ul', { id: 'card-related' }, card.related.map((r) => h('li', {}, [button(r.title, { 'data-action': 'obligation', 'data-id': r.id })])))
    : null;
  let findings: HTMLElement;
  if (card.findingsState === 'unavailable') findings = h('p', { id: 'card-findings', className: 'muted', text: L.findingsUnavailable });
  else if (card.findings.length === 0) findings = h('p', { id: 'card-findings', className: 'muted', text: L.noFindings });
  else
    findings = h('ul', { id: 'card-findings' }, card.findings.map((f) =>
      h('li', { className: `finding severity-${f.severity.replace(/[^a-z]/g, '')}` }, [
        button(`${f.file}:${f.line}`, { 'data-action': 'finding', 'data-index': String(f.index), 'data-rule': f.ruleId }),
        h('span', { text: ` ${f.message}` }),
      ]),
    ));
  replaceChildren(root, [
    header,
    facts,
    section('card-summary', L.summary, paragraphs(card.summary)),
    section('card-code', L.codeImplications, [...paragraphs(card.codeImplications), ...checks]),
    section('card-org', L.orgImplications, paragraphs(card.orgImplications)),
    section('card-how', L.howToComply, [...paragraphs(card.howToComply), ...examples]),
    section('card-findings-section', `${L.findings} (${card.findings.length})`, [findings]),
    section('card-rules-section', L.relatedRules, [card.relatedRules.length ? rules : h('p', { className: 'muted', text: L.notDetectable })]),
    related ? section('card-related-section', L.related, [related]) : null,
    section('card-sources-section', L.sources, [sources, h('p', { id: 'card-last-checked', className: 'muted', text: `${L.lastChecked}: ${card.lastChecked}` })]),
    card.notes.length ? section('card-notes', L.notes, card.notes.flatMap(paragraphs)) : null,
  ].filter((n): n is HTMLElement => n !== null));
  // Only the id is kept, so a restored panel asks the extension for fresh data.
  vscode.setState({ id: card.id });
  document.body.dataset.rendered = card.id;
}

let current: CardView | undefined;

document.addEventListener('click', (ev) => {
  const target = (ev.target as Element | null)?.closest('button[data-action]');
  if (!(target instanceof HTMLButtonElement) || !current) return;
  const action = target.dataset.action;
  if (action === 'lang' && (target.dataset.lang === 'en' || target.dataset.lang === 'zh')) post({ type: 'setLanguage', lang: target.dataset.lang });
  else if (action === 'article') post({ type: 'openArticle', id: current.id });
  else if (action === 'source') post({ type: 'openSource', id: current.id, index: Number(target.dataset.index) });
  else if (action === 'finding') post({ type: 'revealFinding', index: Number(target.dataset.index) });
  else if (action === 'obligation' && target.dataset.id) post({ type: 'openObligation', id: target.dataset.id });
});

onExtensionMessage(parseToCard, (msg) => {
  current = msg.card;
  render(msg.card);
});

post({ type: 'ready' });
