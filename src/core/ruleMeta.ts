/**
 * Rule metadata from data/rules.json: names, descriptions, default severities and the obligations
 * each rule gives evidence for. Rule ids are a public contract and never change once shipped.
 */
import rulesData from '../../data/rules.json';
import type { RuleId, Severity } from './types';

export interface LocalizedText {
  en: string;
  zh: string;
}

export interface RuleMeta {
  id: RuleId;
  name: LocalizedText;
  description: LocalizedText;
  defaultSeverity: Exclude<Severity, 'off'>;
  obligations: string[];
}

export const RULES: readonly RuleMeta[] = rulesData.rules as RuleMeta[];

const byId = new Map<string, RuleMeta>(RULES.map((r) => [r.id, r]));

export function ruleMeta(id: string): RuleMeta | undefined {
  return byId.get(id);
}

export function isRuleId(id: string): id is RuleId {
  return byId.has(id);
}

/** Where the documentation of a rule lives; SARIF helpUri and diagnostic code links use it. */
export const DOCS_BASE = 'https://github.com/aireg/aireg/blob/main/docs';

export function ruleHelpUri(id: string): string {
  return `${DOCS_BASE}/rules.md#${id}`;
}
