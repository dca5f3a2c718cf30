/**
 * Maps knowledge-base obligations to checklist rows and builds the view and labels the checklist
 * panel and the export use. Pure (no `vscode`).
 */
import { type ChecklistFile, type ChecklistObligation, type ChecklistView, type EvidenceFinding, ITEM_STATES, STATE_LABELS, UI_TEXT, buildChecklistView } from '../../core/checklist';
import { articleLabel, getInstrument, obligationsFor } from '../../core/kb';
import type { Jurisdiction, Lang, Obligation, Role } from '../../core/kb';
import type { Scope } from './scope';
import { fitChecklistView } from '../../shared/webviewMessages';

/** A checklist row for one obligation in the display language. */
export function toChecklistObligation(ob: Obligation, lang: Lang): ChecklistObligation {
  const first = ob.articles[0]?.instrument;
  const inst = first ? getInstrument(first) : undefined;
  return {
    id: ob.id,
    title: ob.title[lang],
    instrument: inst?.shortName[lang] ?? first ?? '',
    articles: ob.articles.map((a) => articleLabel(a, lang, a.instrument !== first)).join(lang === 'zh' ? '、' : ', '),
    phase: ob.phase,
    rules: ob.relatedRules,
  };
}

/** The obligations that apply to a scope, as checklist rows. */
export function checklistObligations(scope: Scope, lang: Lang): ChecklistObligation[] {
  return obligationsFor({ roles: scope.roles as Role[], jurisdictions: scope.jurisdictions as Jurisdiction[] }).map((o) => toChecklistObligation(o, lang));
}

/** Builds the checklist view for a scope, state and scan. */
export function checklistView(input: { scope: Scope; state: ChecklistFile; findings: readonly EvidenceFinding[] | undefined; lang: Lang; fileError?: string }): ChecklistView {
  // Trimmed to the message limits: one huge note or finding must not blank the whole panel.
  return fitChecklistView(buildChecklistView({
    obligations: checklistObligations(input.scope, input.lang),
    state: input.state,
    findings: input.findings,
    lang: input.lang,
    roles: input.scope.roles,
    jurisdictions: input.scope.jurisdictions,
    ...(input.fileError ? { fileError: input.fileError } : {}),
  }));
}

const PANEL_TEXT: Record<string, Record<Lang, string>> = {
  export: { en: 'Export…', zh: '导出…' },
  rescan: { en: 'Scan workspace', zh: '扫描工作区' },
  configure: { en: 'Roles & jurisdictions…', zh: '角色与法域…' },
  repair: { en: 'Write a repaired copy…', zh: '写入修复后的文件…' },
  neverChanged: { en: 'not changed yet', zh: '尚未修改' },
  empty: { en: 'No obligations apply to the selected roles and jurisdictions.', zh: '所选角色和法域下没有适用的义务。' },
  search: { en: 'Search obligations, articles, notes…', zh: '搜索义务、条款、备注…' },
  filterState: { en: 'State', zh: '状态' },
  allStates: { en: 'All states', zh: '全部状态' },
  hasEvidence: { en: 'Has evidence in code', zh: '代码中有证据' },
  detectable: { en: 'Detectable in code', zh: '可在代码中检测' },
  shown: { en: '{shown} of {total} shown', zh: '显示 {shown} / {total} 项' },
  noMatch: { en: 'No obligation matches the filters.', zh: '没有符合筛选条件的义务。' },
};

/** Every label the checklist page shows, in the display language. */
export function checklistLabels(lang: Lang): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(UI_TEXT)) labels[k] = v[lang];
  for (const [k, v] of Object.entries(PANEL_TEXT)) labels[k] = v[lang];
  for (const s of ITEM_STATES) labels[`state.${s}`] = STATE_LABELS[s][lang];
  return labels;
}
