/**
 * Article numbers in both languages: Chinese numerals (第十七条), Arabic forms (第17条, Art. 17,
 * Article 50(2)) and the labels cards show. Kept separate from search so the parsing can be unit
 * tested exhaustively (every article 1-99 must round-trip).
 */
import type { ArticleRef, Instrument, Lang } from './types';

const DIGITS: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};
const DIGIT_CHARS = '一二三四五六七八九';

/**
 * Parses a Chinese numeral from 1 to 999 (十七, 二十, 二十一, 一百零五) or Arabic digits.
 * Returns undefined for anything else, so callers can treat the text as an ordinary word.
 */
export function parseChineseNumber(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^[零〇一二两三四五六七八九十百]+$/.test(text)) return undefined;
  let total = 0;
  let current = 0;
  let sawUnit = false;
  for (const ch of text) {
    if (ch === '百') {
      total += (current || 1) * 100;
      current = 0;
      sawUnit = true;
    } else if (ch === '十') {
      total += (current || 1) * 10;
      current = 0;
      sawUnit = true;
    } else {
      // Two digits in a row without a unit (e.g. 一二) is not a number we recognise, except
      // the zero that fills a gap in 一百零五.
      const d = DIGITS[ch];
      if (d === undefined) return undefined;
      if (current !== 0 && d !== 0) return undefined;
      current = d;
    }
  }
  total += current;
  if (!sawUnit && text.length > 1) return undefined;
  return total > 0 ? total : undefined;
}

/** Writes 1-999 as a Chinese numeral the way statutes number articles (十七, 二十一, 一百零二). */
export function toChineseNumber(n: number): string {
  if (!Number.isInteger(n) || n <= 0 || n >= 1000) return String(n);
  const hundreds = Math.floor(n / 100);
  const tens = Math.floor((n % 100) / 10);
  const ones = n % 10;
  let out = '';
  if (hundreds) out += DIGIT_CHARS[hundreds - 1] + '百';
  if (tens) {
    // Statutes write 十七 rather than 一十七 for 10-19, but 一百一十 after hundreds.
    out += (tens === 1 && !hundreds ? '' : DIGIT_CHARS[tens - 1]) + '十';
  } else if (hundreds && ones) {
    out += '零';
  }
  if (ones) out += DIGIT_CHARS[ones - 1];
  return out;
}

/** An article reference found in a search query. */
export interface QueryArticle {
  article: string;
  paragraph?: string;
}

// Patterns for article mentions; each captures the article number and an optional paragraph.
const ARTICLE_PATTERNS: RegExp[] = [
  // 第十七条, 第17条, 第十七条第一款, 第 17 条, 第四条第（三）项
  /第\s*(?<num>[零〇一二两三四五六七八九十百\d]+)\s*条(?:\s*第\s*(?<p>[零〇一二两三四五六七八九十\d]+)\s*款)?(?:\s*第\s*[（(]?\s*(?<i>[零〇一二两三四五六七八九十\d]+)\s*[）)]?\s*项)?/g,
  // Art. 17, Art 17, Article 50(2), Arts. 27, art.50 para 2
  /\bart(?:icle|s)?\.?\s*(?<num>\d+[a-z]?)(?:\s*\(\s*(?<p>\d+)\s*\)|\s*(?:para(?:graph)?\.?|§)\s*(?<p2>\d+))?/gi,
  // Clause forms used by standards: cl. 4.1, clause 5, §4.2, 条款 4.2
  /(?:\bcl(?:ause)?\.?|§|条款)\s*(?<num>\d+(?:\.\d+)*)/gi,
  // A standard's chapter as Chinese citations write it: 第5章
  /第\s*(?<num>\d+)\s*章/g,
  // An annex of a standard: Annex E, 附录E
  /(?:\bannex\s*|附录\s*)(?<annex>[A-Z])(?![A-Za-z])/gi,
];

/**
 * Finds article mentions in a query and returns them with the query text that remains after
 * removing them. Bare numbers ("算法推荐 17", "AI Act 50(2)") are returned too, as the caller
 * decides whether a bare number means an article (it does when an instrument was named).
 */
export function extractArticles(query: string): { articles: QueryArticle[]; bare: QueryArticle[]; rest: string } {
  const articles: QueryArticle[] = [];
  let rest = query;
  for (const re of ARTICLE_PATTERNS) {
    rest = rest.replace(re, (...args: unknown[]) => {
      // With named groups the replacer's last argument is the groups object; positional
      // arguments would shift with the number of groups in each pattern.
      const g = args[args.length - 1] as { num?: string; annex?: string; p?: string; p2?: string; i?: string };
      if (g.annex) {
        articles.push({ article: `Annex ${g.annex.toUpperCase()}` });
        return ' ';
      }
      const num = g.num ?? '';
      const n = parseChineseNumber(num);
      const article = n !== undefined ? String(n) : num;
      // Queries carry one sub-number; an item (项) is used when no paragraph (款) is given.
      const pRaw = g.p ?? g.p2 ?? g.i;
      const pn = pRaw !== undefined ? parseChineseNumber(pRaw) : undefined;
      articles.push(pn !== undefined ? { article, paragraph: String(pn) } : { article });
      return ' ';
    });
  }
  const bare: QueryArticle[] = [];
  rest = rest.replace(/(?<![\w.-])(\d{1,3}(?:\.\d+)*)(?:\s*\(\s*(\d+)\s*\))?(?![\w-])/g, (_m, num: string, p?: string) => {
    bare.push(p !== undefined ? { article: num, paragraph: p } : { article: num });
    return ' ';
  });
  return { articles, bare, rest };
}

/**
 * The label of an article reference as cards, hovers, SARIF and checklists show it, e.g.
 * "Algorithm Recommendation Provisions, Art. 17" / "《算法推荐规定》第十七条",
 * "AI Act, Art. 50(2)" / "《人工智能法案》（欧盟）第50条第2款". Standards are cited by clause, never as an
 * article: "GB 45438-2025, clause 5" / "GB 45438-2025 第5章", "clause 6.1" / "6.1",
 * "Annex E" / "附录E". A notice cited as a whole shows only its name.
 */
export function formatArticle(ref: Pick<ArticleRef, 'article' | 'paragraph' | 'item'>, instrument: Instrument | undefined, lang: Lang, withInstrument = true): string {
  const style = instrument?.articleStyle ?? 'article';
  if (style === 'document') {
    if (instrument) return lang === 'en' ? instrument.shortName.en : `《${instrument.shortName.zh}》`;
    return ref.article;
  }
  const local = style === 'clause' ? clauseLabel(ref.article, lang) : articleLabel(ref, instrument, lang);
  if (!withInstrument || !instrument) return local;
  if (style === 'clause') {
    // Standards are named by their number (GB 45438-2025), which takes no title marks.
    return lang === 'en' ? `${instrument.shortName.en}, ${local}` : `${instrument.shortName.zh} ${local}`;
  }
  // EU instruments carry （欧盟） after the title in Chinese, so 《人工智能法案》 is not read as a Chinese law.
  return lang === 'en' ? `${instrument.shortName.en}, ${local}` : `《${instrument.shortName.zh}》${instrument.jurisdiction === 'EU' ? '（欧盟）' : ''}${local}`;
}

/** A standard's clause: top-level clauses are chapters (第5章), sub-clauses keep their number. */
function clauseLabel(num: string, lang: Lang): string {
  const annex = /^Annex\s*(.*)$/.exec(num);
  if (annex) return lang === 'en' ? `Annex ${annex[1]}` : `附录${annex[1]}`;
  if (lang === 'en') return `clause ${num}`;
  return /^\d+$/.test(num) ? `第${num}章` : num;
}

/** A statute's article with its paragraph (款) and item (项). */
function articleLabel(ref: Pick<ArticleRef, 'article' | 'paragraph' | 'item'>, instrument: Instrument | undefined, lang: Lang): string {
  const n = Number(ref.article);
  const isCn = instrument?.jurisdiction !== 'EU';
  const zhNum = (s: string): string => (isCn && /^\d+$/.test(s) ? toChineseNumber(Number(s)) : s);
  const annex = /^Annex\s*(.*)$/.exec(ref.article);
  // Chinese normative documents have attachments (附件), not annexes.
  if (annex) return lang === 'en' ? ref.article : `附件${annex[1]}`;
  if (lang === 'en') {
    // English citations write both paragraph and item in parentheses: Art. 4(1)(3).
    const sub = `${ref.paragraph ? `(${ref.paragraph})` : ''}${ref.item ? `(${ref.item})` : ''}`;
    return `Art. ${ref.article}${sub}`;
  }
  const para = ref.paragraph ? `第${zhNum(ref.paragraph)}款` : '';
  const item = ref.item ? `第（${zhNum(ref.item)}）项` : '';
  const head = !isCn || !Number.isInteger(n) ? `第${ref.article}条` : `第${toChineseNumber(n)}条`;
  return `${head}${para}${item}`;
}
