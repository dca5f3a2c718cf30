/**
 * The CLI's display language: `--locale`, else the system locale (LC_ALL, LC_MESSAGES, LANG, then
 * the runtime's). Chinese text comes from the extension's own l10n bundle (bundled into the CLI at
 * build time), so the terminal and the editor say the same thing in the same words.
 */
import zhBundle from '../../l10n/bundle.l10n.zh-cn.json';
import type { Lang } from '../core/kb';
import type { Translate } from '../shared/findingText';

/** The display language for a `--locale` value and an environment. */
export function resolveLocale(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Lang {
  const raw = flag || env.LC_ALL || env.LC_MESSAGES || env.LANG || Intl.DateTimeFormat().resolvedOptions().locale || 'en';
  return /^zh/i.test(raw) ? 'zh' : 'en';
}

/** `@vscode/l10n`-style `t` over the bundle of a display language (English: the keys themselves). */
export function translator(lang: Lang): Translate {
  const bundle: Record<string, string> = lang === 'zh' ? (zhBundle as Record<string, string>) : {};
  return (message, ...args) => (bundle[message] ?? message).replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m));
}
