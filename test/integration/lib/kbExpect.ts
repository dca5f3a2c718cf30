/**
 * What an obligation card should show, read from the knowledge base the extension bundles, so the
 * browser tests check the card against the data rather than against copied strings.
 */
import { articleLabel, getObligation } from '../../../src/core/kb';
import type { Lang } from '../../../src/core/kb/types';

/** The title and the article references one card must show. */
export interface CardExpectation {
  id: string;
  title: string;
  /** Article references as the knowledge base labels them (the card shows these labels). */
  articles: string[];
  /** First paragraph of the summary. */
  summary: string;
}

/** Expectations for the cards of the given obligation ids, in one display language. */
export function cardExpectations(ids: string[], lang: Lang = 'en'): { cards: CardExpectation[]; anyTitle: RegExp } {
  const cards = ids.map((id) => {
    const o = getObligation(id);
    if (!o) throw new Error(`obligation ${id} is not in the knowledge base`);
    return {
      id,
      title: o.title[lang],
      articles: o.articles.map((a) => articleLabel(a, lang)),
      summary: o.summary[lang].split(/\n{2,}/)[0]!.trim(),
    };
  });
  const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return { cards, anyTitle: new RegExp(cards.map((c) => escape(c.title)).join('|')) };
}

/** Collapses whitespace so text compares the same before and after layout. */
export function squash(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** True when `body` shows at least one of the card's article references. */
export function showsAnArticle(body: string, card: CardExpectation): boolean {
  return card.articles.some((a) => body.includes(a));
}
