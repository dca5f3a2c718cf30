/**
 * The checklist's own words in both display languages: phase and state labels and the evidence
 * sentences. Obligation text comes from the knowledge base; these are only the frame around it.
 */
import type { ItemState, Lang, Phase } from './model';

export const PHASE_LABELS: Record<Phase, Record<Lang, string>> = {
  'before-launch': { en: 'Before launch', zh: '上线前' },
  operation: { en: 'Operation', zh: '运营中' },
  periodic: { en: 'Periodic', zh: '定期' },
};

export const STATE_LABELS: Record<ItemState, Record<Lang, string>> = {
  todo: { en: 'To do', zh: '待办' },
  'in-progress': { en: 'In progress', zh: '进行中' },
  done: { en: 'Done', zh: '已完成' },
  'not-applicable': { en: 'Not applicable', zh: '不适用' },
};

/** How one rule's finding count reads: singular, plural (with `{n}`) and none. */
interface CountPhrase {
  one: string;
  many: string;
  none: string;
}

const RULE_PHRASES: Record<string, Record<Lang, CountPhrase>> = {
  'aigc-generation-call': {
    en: { one: '1 generation call', many: '{n} generation calls', none: 'no generation calls found' },
    zh: { one: '1 处生成调用', many: '{n} 处生成调用', none: '未发现生成调用' },
  },
  'aigc-missing-label': {
    en: { one: '1 unlabeled output', many: '{n} unlabeled outputs', none: 'no unlabeled outputs found' },
    zh: { one: '1 处未加标识的输出', many: '{n} 处未加标识的输出', none: '未发现未加标识的输出' },
  },
  'aigc-invalid-label-metadata': {
    en: { one: '1 invalid label metadata object', many: '{n} invalid label metadata objects', none: 'no invalid label metadata found' },
    zh: { one: '1 处不合规的标识元数据', many: '{n} 处不合规的标识元数据', none: '未发现不合规的标识元数据' },
  },
  'aigc-label-stripped': {
    en: { one: '1 place that strips label metadata', many: '{n} places that strip label metadata', none: 'no label stripping found' },
    zh: { one: '1 处删除标识元数据', many: '{n} 处删除标识元数据', none: '未发现删除标识元数据' },
  },
  'rec-no-opt-out': {
    en: { one: '1 recommendation without opt-out', many: '{n} recommendations without opt-out', none: 'no recommendation without opt-out found' },
    zh: { one: '1 处个性化推荐缺少关闭选项', many: '{n} 处个性化推荐缺少关闭选项', none: '未发现缺少关闭选项的个性化推荐' },
  },
  'biometric-no-consent': {
    en: { one: '1 face/voice edit without consent check', many: '{n} face/voice edits without consent check', none: 'no face/voice editing without consent found' },
    zh: { one: '1 处人脸/人声编辑缺少同意检查', many: '{n} 处人脸/人声编辑缺少同意检查', none: '未发现缺少同意检查的人脸/人声编辑' },
  },
};

/** The evidence sentence for `n` findings of one rule. */
export function countPhrase(ruleId: string, n: number, lang: Lang): string {
  const p = RULE_PHRASES[ruleId]?.[lang];
  if (!p) return lang === 'zh' ? `${ruleId}：${n} 处` : `${ruleId}: ${n}`;
  if (n === 0) return p.none;
  return n === 1 ? p.one : p.many.replace('{n}', String(n));
}

export const UI_TEXT = {
  notDetectable: { en: 'not detectable in code — review manually', zh: '无法在代码中检测——请人工审查' },
  noScan: { en: 'no scan yet — run "aireg: Scan workspace"', zh: '尚未扫描——请运行“aireg: 扫描工作区”' },
  suppressed: { en: '{n} suppressed', zh: '{n} 处已抑制' },
  title: { en: 'aireg compliance checklist', zh: 'aireg 合规检查清单' },
  progress: { en: 'Progress', zh: '进度' },
  roles: { en: 'Roles', zh: '角色' },
  jurisdictions: { en: 'Jurisdictions', zh: '法域' },
  obligation: { en: 'Obligation', zh: '义务' },
  state: { en: 'State', zh: '状态' },
  note: { en: 'Note', zh: '备注' },
  changed: { en: 'Changed', zh: '修改' },
  evidence: { en: 'Evidence from the latest scan', zh: '最近一次扫描的证据' },
  generated: { en: 'Generated', zh: '生成时间' },
  disclaimer: {
    en: 'aireg assists review; it is not legal advice. Confirm obligations against the official texts.',
    zh: 'aireg 仅辅助审查，不构成法律意见。请以官方文本为准核实各项义务。',
  },
  more: { en: '… and {n} more', zh: '……另有 {n} 处' },
} satisfies Record<string, Record<Lang, string>>;
