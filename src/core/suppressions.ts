/**
 * Inline suppressions (`aireg-disable-next-line <rule> -- <reason>`). Placeholder until the
 * suppression parser lands: findings pass through unchanged.
 */
import type { AiregConfig } from './config';
import type { LanguageInfo } from './languages';
import type { Finding } from './types';

export function applySuppressions(findings: Finding[], _text: string, _language: LanguageInfo, _config: AiregConfig, _file: string): Finding[] {
  return findings;
}
