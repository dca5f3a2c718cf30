/**
 * The server's display language. Obligation text comes from the bilingual knowledge base in the
 * language the client reports; UI strings go through `@vscode/l10n` with the bundle the client
 * passes in `initializationOptions`.
 */
import * as l10n from '@vscode/l10n';
import type { Lang, LocalizedText } from '../core/kb';
import type { InitializationOptions } from '../shared/protocol';

let lang: Lang = 'en';

/** Configures l10n from the initialization options; a missing or broken bundle leaves English. */
export function configureLocale(options: Partial<InitializationOptions> | undefined): void {
  lang = typeof options?.locale === 'string' && options.locale.toLowerCase().startsWith('zh') ? 'zh' : 'en';
  if (options?.l10nBundle && typeof options.l10nBundle === 'object') {
    try {
      l10n.config({ contents: options.l10nBundle });
    } catch {
      // An unreadable bundle must not stop the server; English text is the fallback.
    }
  }
}

export function displayLang(): Lang {
  return lang;
}

/** Picks the display-language member of a bilingual text. */
export function pick(text: LocalizedText | undefined): string {
  if (!text) return '';
  return text[lang] || text.en;
}

export const t = l10n.t;
