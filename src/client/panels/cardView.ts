/**
 * Turns a knowledge-base obligation, the workspace's findings for it and a display language into
 * the card the webview renders, and resolves the URLs the card may open. Pure (no `vscode`), so
 * the card's content and the URL checks are unit-tested directly.
 */
import { ROLE_LABELS, allObligations, articleLabel, disclaimer, getInstrument, getObligation } from '../../core/kb';
import type { Force, Lang, Obligation, ReadOn, VerificationStatus } from '../../core/kb';
import { ruleMeta } from '../../core/ruleMeta';
import { type CardFinding, type CardView, type PanelFinding, fitCardView } from '../../shared/webviewMessages';

const CARD_LABELS: Record<Lang, Record<string, string>> = {
  en: {
    instrument: 'Instrument',
    articles: 'Articles',
    roles: 'Who it binds',
    phase: 'Phase',
    summary: 'Summary',
    codeImplications: 'What it means in code',
    orgImplications: 'What it means for the organisation',
    howToComply: 'How to comply',
    findings: 'Findings so far (open files and last scan)',
    confidence: 'How sure is this card',
    airegChecks: 'What aireg checks',
    reviewerChecks: 'What a reviewer must check',
    noFindings: 'No findings for this obligation in the latest scan.',
    findingsUnavailable: 'Findings are not available yet: run "aireg: Scan workspace".',
    relatedRules: 'Rules that give evidence',
    notDetectable: 'Not detectable in code: review it manually.',
    related: 'Related obligations',
    sources: 'Sources',
    lastChecked: 'Last checked',
    notes: 'Notes',
    openArticle: 'Open the official text',
  },
  zh: {
    instrument: '法规',
    articles: '条款',
    roles: '义务主体',
    phase: '阶段',
    summary: '概述',
    codeImplications: '对代码的要求',
    orgImplications: '对组织的要求',
    howToComply: '如何合规',
    findings: '目前的发现（已打开的文件和上次扫描）',
    confidence: '此卡片的可信程度',
    airegChecks: 'aireg 检查的内容',
    reviewerChecks: '审查人员须检查的内容',
    noFindings: '最近一次扫描未发现与此义务相关的问题。',
    findingsUnavailable: '暂无发现结果：请运行“aireg: 扫描工作区”。',
    relatedRules: '提供证据的规则',
    notDetectable: '无法在代码中检测：请人工审查。',
    related: '相关义务',
    sources: '来源',
    lastChecked: '最后核对',
    notes: '说明',
    openArticle: '打开官方文本',
  },
};

// What the provision does: a reader must see at a glance that 鼓励 is not a duty.
const FORCE: Record<Force, Record<Lang, string>> = {
  requires: { en: 'requires', zh: '要求' },
  prohibits: { en: 'prohibits', zh: '禁止' },
  encourages: { en: 'encourages (not a duty)', zh: '鼓励（非义务）' },
  permits: { en: 'permits (not a duty)', zh: '允许（非义务）' },
};

const READ_ON: Record<ReadOn, Record<Lang, string>> = {
  'official-page': { en: 'read on the official page', zh: '读自官方页面' },
  'official-page-copy': { en: 'read in a saved copy of the official page', zh: '读自官方页面存档' },
  'faithful-reprint': { en: 'read in a faithful reprint', zh: '读自完整转载' },
  'secondary-copy': { en: 'read in a secondary copy', zh: '读自二手引述' },
};

const VERIFICATION: Record<VerificationStatus, Record<Lang, string>> = {
  'verified-official': { en: 'mapping checked against the official text', zh: '对应关系已对照官方文本' },
  'secondary-source': { en: 'mapping from a secondary reading', zh: '对应关系来自二手解读' },
  unverified: { en: 'mapping unverified', zh: '对应关系未核实' },
};

/** How the article mapping was checked (the article's `verification`), as a clause of the confidence line. */
const MAPPING: Record<VerificationStatus, Record<Lang, string>> = {
  'verified-official': { en: 'article mapping checked against the official text', zh: '条款对应关系已对照官方文本核对' },
  'secondary-source': { en: 'article mapping from a secondary reading', zh: '条款对应关系来自二手解读' },
  unverified: { en: 'article mapping not yet verified', zh: '条款对应关系尚未核实' },
};

/** The kind of the best source behind the card. */
const SOURCE_KIND: Record<'official' | 'secondary' | 'seed' | 'none', Record<Lang, string>> = {
  official: { en: 'official source', zh: '官方来源' },
  secondary: { en: 'secondary source only', zh: '仅有二手来源' },
  seed: { en: 'seed notes only', zh: '仅有初始笔记' },
  none: { en: 'no source recorded', zh: '未记录来源' },
};

/**
 * "official source; article mapping from a secondary reading": the kind of source and, apart
 * from it, the weakest mapping status among the card's articles (one unverified article makes the
 * card's mapping unverified).
 */
export function confidenceLine(ob: Obligation, lang: Lang): string {
  const kinds = ob.sources.map((s) => s.kind);
  const kind = kinds.includes('official') ? 'official' : kinds.includes('secondary') ? 'secondary' : kinds.includes('seed') ? 'seed' : 'none';
  const order: VerificationStatus[] = ['unverified', 'secondary-source', 'verified-official'];
  const weakest = order.find((v) => ob.articles.some((a) => a.verification === v)) ?? 'unverified';
  return `${SOURCE_KIND[kind][lang]}${lang === 'zh' ? '；' : '; '}${MAPPING[weakest][lang]}`;
}

const REVIEWER: Record<string, Record<Lang, string>> = {
  paths: { en: 'Every path the output takes to people, including ones aireg cannot follow (other services, templates, mobile clients).', zh: '输出到达用户的每条路径，包括 aireg 无法跟踪的路径（其他服务、模板、移动端）。' },
  roles: { en: 'That the roles and jurisdictions in .aireg.json fit the service, since they decide which obligations apply.', zh: '.aireg.json 中的角色和法域是否符合该服务，因为它们决定适用哪些义务。' },
  partial: { en: 'The parts of this duty that are not in code: records, processes and documents.', zh: '此义务中不体现在代码里的部分：记录、流程和文件。' },
  notDetectable: { en: 'All of it: aireg has no rule that can see this duty in code.', zh: '全部内容：aireg 没有能在代码中发现此义务的规则。' },
};

/** The concrete checks behind "What it means in code": the rules' descriptions, and the reviewer's share. */
export function cardChecks(ob: Obligation, lang: Lang): { aireg: string[]; reviewer: string[] } {
  const aireg = ob.relatedRules.map((r) => {
    const m = ruleMeta(r);
    return m ? `${m.name[lang]} (${r}): ${m.description[lang]}` : r;
  });
  const reviewer: string[] = [];
  if (ob.detectability === 'not-detectable-in-code' || aireg.length === 0) reviewer.push(REVIEWER.notDetectable![lang]);
  else {
    reviewer.push(REVIEWER.paths![lang]);
    if (ob.detectability === 'partially-detectable') reviewer.push(REVIEWER.partial![lang]);
  }
  reviewer.push(REVIEWER.roles![lang]);
  return { aireg, reviewer };
}

const PHASE: Record<string, Record<Lang, string>> = {
  'before-launch': { en: 'Before launch', zh: '上线前' },
  operation: { en: 'Operation', zh: '运营中' },
  periodic: { en: 'Periodic', zh: '定期' },
};

const JURISDICTION: Record<string, Record<Lang, string>> = { CN: { en: 'China', zh: '中国' }, EU: { en: 'European Union', zh: '欧盟' } };

/** How many related obligations a card lists. */
const MAX_RELATED = 12;

/** Findings of this obligation, each with its index in the list the panel holds. */
export function cardFindings(findings: readonly PanelFinding[], obligationId: string): CardFinding[] {
  const out: CardFinding[] = [];
  findings.forEach((f, index) => {
    if (!f.obligations.includes(obligationId) || f.suppressed) return;
    out.push({ index, file: f.file, line: f.range.start.line + 1, message: f.message, severity: f.severity, ruleId: f.ruleId });
  });
  return out;
}

/** Obligations that share an article with `ob`, then ones that share a rule. */
function relatedObligations(ob: Obligation, lang: Lang): { id: string; title: string }[] {
  const keys = new Set(ob.articles.map((a) => `${a.instrument}/${a.article}`));
  const byArticle: Obligation[] = [];
  const byRule: Obligation[] = [];
  for (const o of allObligations()) {
    if (o.id === ob.id) continue;
    if (o.articles.some((a) => keys.has(`${a.instrument}/${a.article}`))) byArticle.push(o);
    else if (ob.relatedRules.length && o.relatedRules.some((r) => ob.relatedRules.includes(r))) byRule.push(o);
  }
  return [...byArticle, ...byRule].slice(0, MAX_RELATED).map((o) => ({ id: o.id, title: o.title[lang] }));
}

/** Builds the card for an obligation id, or undefined if the id is unknown. */
export function buildCardView(id: string, findings: readonly PanelFinding[] | undefined, lang: Lang): CardView | undefined {
  const ob = getObligation(id);
  if (!ob) return undefined;
  const instrumentIds = [...new Set(ob.articles.map((a) => a.instrument))];
  const notes: string[] = [];
  if (ob.supersededNote) notes.push(ob.supersededNote[lang]);
  if (ob.appliesFrom) notes.push(lang === 'zh' ? `自 ${ob.appliesFrom} 起适用。` : `Applies from ${ob.appliesFrom}.`);
  for (const iid of instrumentIds) {
    const inst = getInstrument(iid);
    if (inst && inst.status !== 'in-force') notes.push(`${inst.shortName[lang]}: ${inst.status}`);
  }
  const more = (n: number): string => (lang === 'zh' ? `另有 ${n} 条发现未在此列出，请在"问题"面板中查看。` : `${n} more finding(s) are not listed here; see the Problems panel.`);
  return fitCardView({
    lang,
    id: ob.id,
    title: ob.title[lang],
    jurisdiction: JURISDICTION[ob.jurisdiction]?.[lang] ?? ob.jurisdiction,
    binding: ob.binding ? (lang === 'zh' ? '强制性' : 'binding') : lang === 'zh' ? '非强制性' : 'not binding',
    instruments: instrumentIds.map((iid) => getInstrument(iid)?.name[lang] ?? iid),
    articles: ob.articles.map((a) => ({
      label: articleLabel(a, lang),
      verification: a.verification,
      verificationLabel: VERIFICATION[a.verification][lang],
      forceLabel: FORCE[a.force][lang],
      ...(a.wording ? { quote: a.wording.text, quoteSource: `${READ_ON[a.wording.readOn][lang]}: ${a.wording.readAt}` } : {}),
      ...(a.note ? { note: a.note[lang] } : {}),
    })),
    roles: ob.roles.map((r) => ROLE_LABELS[r]?.[lang] ?? r),
    phase: PHASE[ob.phase]?.[lang] ?? ob.phase,
    summary: ob.summary[lang],
    codeImplications: ob.codeImplications[lang],
    orgImplications: ob.orgImplications[lang],
    howToComply: ob.howToComply[lang],
    examples: (ob.examples ?? []).map((e) => ({ language: e.language, title: e.title[lang], code: e.code })),
    sources: ob.sources.map((s, index) => ({ index, title: s.title, kind: s.kind, url: s.url })),
    lastChecked: ob.lastChecked,
    relatedRules: ob.relatedRules.map((r) => ({ id: r, name: ruleMeta(r)?.name[lang] ?? r })),
    related: relatedObligations(ob, lang),
    findings: findings ? cardFindings(findings, ob.id) : [],
    confidence: confidenceLine(ob, lang),
    checks: cardChecks(ob, lang),
    findingsState: findings ? 'ready' : 'unavailable',
    disclaimer: disclaimer()[lang],
    notes,
    labels: CARD_LABELS[lang],
  }, more);
}

/** Only web pages may be opened from a card; anything else (javascript:, file:, command:) is refused. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname.length > 0 && !u.username && !u.password;
  } catch {
    return false;
  }
}

/**
 * The official URL of an obligation's first article: the article's own page when the data has
 * one, else the instrument's official page. Resolved only from the bundled data.
 */
export function articleUrl(id: string): string | undefined {
  const ob = getObligation(id);
  if (!ob) return undefined;
  for (const ref of ob.articles) {
    const inst = getInstrument(ref.instrument);
    const url = inst?.articles.find((a) => a.number === ref.article)?.url ?? inst?.officialUrl;
    if (url && isSafeExternalUrl(url)) return url;
  }
  const official = ob.sources.find((s) => s.kind === 'official' && isSafeExternalUrl(s.url));
  return official?.url;
}

/** The URL of source `index` of an obligation, from the bundled data, if it is a web page. */
export function sourceUrl(id: string, index: number): string | undefined {
  const url = getObligation(id)?.sources[index]?.url;
  return url && isSafeExternalUrl(url) ? url : undefined;
}
