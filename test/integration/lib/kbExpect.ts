/**
 * What an obligation card should show, read from the knowledge base the extension bundles, so the
 * browser tests check the card against the data rather than against copied strings.
 */
import { getInstrument, getObligation } from '../../../src/core/kb';
import type { Lang } from '../../../src/core/kb/types';

/** The title and the article references one card must show. */
export interface CardExpectation {
  id: string;
  title: string;
  /** Instrument short name plus article number, e.g. { instrument: "Labeling Measures", article: "4" }. */
  articles: { instrument: string; article: string }[];
}

/** Expectations for the cards of the given obligation ids, in one display language. */
export function cardExpectations(ids: string[], lang: Lang = 'en'): { cards: CardExpectation[]; anyTitle: RegExp } {
  const cards = ids.map((id) => {
    const o = getObligation(id);
    if (!o) throw new Error(`obligation ${id} is not in the knowledge base`);
    return {
      id,
      title: o.title[lang],
      articles: o.articles.map((a) => ({ instrument: getInstrument(a.instrument)?.shortName[lang] ?? a.instrument, article: a.article })),
    };
  });
  const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return { cards, anyTitle: new RegExp(cards.map((c) => escape(c.title)).join('|')) };
}

/** True when `body` shows at least one of the card's article references (instrument name and number). */
export function showsAnArticle(body: string, card: CardExpectation): boolean {
  return card.articles.some((a) => body.includes(a.instrument) && new RegExp(`(^|[^0-9])${a.article.replace(/\./g, '\\.')}([^0-9]|$)`).test(body));
}
