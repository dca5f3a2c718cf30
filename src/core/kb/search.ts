/**
 * Search over obligations by id, article, instrument, role and keyword in either language. The
 * index is built once per knowledge base: lower-cased haystacks per field, an article map and an
 * alias table, so a keystroke costs one pass over a few hundred short strings.
 */
import { extractArticles, type QueryArticle } from './articles';
import type { Instrument, MatchKind, Obligation, Role, SearchHit, SearchOptions } from './types';

/** Names people use for roles, in both languages. */
export const ROLE_LABELS: Record<Role, { en: string; zh: string; aliases: string[] }> = {
  'service-provider': { en: 'Service provider', zh: '服务提供者', aliases: ['provider', 'service provider', '提供者'] },
  'technical-supporter': { en: 'Technical supporter', zh: '技术支持者', aliases: ['technical supporter', 'technology supporter', 'api provider', 'model provider'] },
  user: { en: 'User', zh: '使用者', aliases: ['user', 'users', '用户'] },
  'app-distribution-platform': { en: 'App distribution platform', zh: '互联网应用程序分发平台', aliases: ['app store', 'app stores', 'app distribution', '应用商店', '应用程序分发平台', '分发平台'] },
  'content-platform': { en: 'Content dissemination platform', zh: '网络信息内容传播平台', aliases: ['content platform', 'online platform', 'platform', '传播平台', '平台'] },
  'research-institution': { en: 'Research institution', zh: '科研机构', aliases: ['research institution', 'university', 'research', '高校', '科研'] },
  deployer: { en: 'Deployer', zh: '部署者', aliases: ['deployer', 'deployers'] },
  'very-large-platform': { en: 'Very large online platform or search engine', zh: '超大型在线平台或搜索引擎', aliases: ['vlop', 'vlose', 'very large online platform', '超大型平台'] },
};

const SCORE = { primary: 20, id: 1000, idPart: 300, article: 200, articleWithInstrument: 400, instrument: 60, role: 40, title: 50, tag: 30, summary: 20, text: 10, cjkPartial: 6, synonym: 0.8 };

interface IndexedObligation {
  ob: Obligation;
  id: string;
  title: string;
  tags: string;
  summary: string;
  text: string;
  /** "instrument#article" and "#article" keys, with and without paragraph or item. */
  articleKeys: Set<string>;
  /** Keys of the first (primary) article reference, which ranks above secondary mentions. */
  primaryKeys: Set<string>;
  instruments: Set<string>;
}

interface Alias {
  text: string;
  instrument?: string;
  role?: Role;
  /** Compiled once: Latin aliases match whole words, CJK aliases anywhere. */
  re?: RegExp;
}

const CJK = /[\u3400-\u9fff]/;

/**
 * Small English words that say little on their own ("out" of "opt out" must not find "keep content
 * out"): they score as plain text and do not count as a matched word; the phrase still counts.
 */
const STOPWORDS = new Set(['a', 'an', 'and', 'at', 'by', 'for', 'in', 'is', 'it', 'of', 'off', 'on', 'or', 'out', 'the', 'to', 'up', 'with']);

/**
 * Phrases that name one duty in different words, so a query in the user's words finds the
 * obligations that use the regulation's: "opt out" is what Art. 17 calls switching
 * recommendation off and DSA Art. 38 a non-profiling option. Matched at phrase weight, a little
 * below the literal phrase.
 */
const SYNONYMS: readonly (readonly string[])[] = [
  ['opt out', 'switch off', 'turn off', 'non-personalised', 'non-personalized', 'not based on profiling', 'non-profiling', '关闭', '退出'],
  ['consent', 'permission', 'authorisation', 'authorization', '同意', '授权'],
  ['label', 'mark', 'marking', 'watermark', '标识', '水印'],
  ['deepfake', 'deep synthesis', 'synthetic media', '深度合成'],
];

/** A matcher for a phrase whose words may be joined by spaces, hyphens or underscores. */
function phraseMatcher(phrase: string): (h: string) => boolean {
  const parts = norm(phrase).split(/[\s\-_]+/).filter(Boolean).map(escapeRe);
  if (parts.length === 0) return () => false;
  if (CJK.test(phrase)) return (h: string) => h.includes(norm(phrase));
  const re = new RegExp(`(?<![a-z0-9])${parts.join('[\\s\\-_]*')}(?![a-z0-9])`);
  return (h: string) => re.test(h);
}

function norm(s: string): string {
  return s.normalize('NFKC').toLowerCase();
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Splits the remaining query into terms; CJK runs stay whole (matched by substring and bigrams). */
function terms(rest: string): string[] {
  return norm(rest)
    .split(/[\s,，、;；:：/|()（）《》"'“”]+/)
    .map((t) => t.replace(/^[.\-_]+|[.\-_]+$/g, ''))
    .filter((t) => t.length >= 2 || CJK.test(t));
}

function bigramCoverage(term: string, hay: string): number {
  if (term.length < 3) return hay.includes(term) ? 1 : 0;
  let hit = 0;
  for (let i = 0; i < term.length - 1; i++) if (hay.includes(term.slice(i, i + 2))) hit++;
  return hit / (term.length - 1);
}

/** A search index over one set of obligations and instruments. */
export class ObligationIndex {
  private readonly items: IndexedObligation[];
  private readonly aliases: Alias[];

  constructor(obligations: readonly Obligation[], instruments: readonly Instrument[]) {
    const instById = new Map(instruments.map((i) => [i.id, i]));
    this.items = obligations.map((ob) => {
      const articleKeys = new Set<string>();
      const insts = new Set<string>();
      const instText: string[] = [];
      const first = ob.articles[0];
      const primaryKeys = new Set<string>(first ? [`${first.instrument}#${first.article}`, `#${first.article}`] : []);
      for (const r of ob.articles) {
        insts.add(r.instrument);
        articleKeys.add(`${r.instrument}#${r.article}`);
        articleKeys.add(`#${r.article}`);
        // A query's "(n)" can mean a paragraph (Art. 50(2)) or an item (第四条第（三）项).
        const sub = r.paragraph ?? r.item;
        if (sub) {
          articleKeys.add(`${r.instrument}#${r.article}(${sub})`);
          articleKeys.add(`#${r.article}(${sub})`);
        }
        const inst = instById.get(r.instrument);
        if (inst) instText.push(inst.shortName.en, inst.shortName.zh, inst.name.en, inst.name.zh);
      }
      const roleText = ob.roles.flatMap((r) => [ROLE_LABELS[r].en, ROLE_LABELS[r].zh]);
      return {
        ob,
        id: ob.id,
        title: norm(`${ob.title.en}\n${ob.title.zh}`),
        tags: norm(ob.tags.join('\n')),
        summary: norm(`${ob.summary.en}\n${ob.summary.zh}`),
        text: norm([ob.codeImplications, ob.orgImplications, ob.howToComply].flatMap((t) => [t.en, t.zh]).concat(instText, roleText).join('\n')),
        articleKeys,
        primaryKeys,
        instruments: insts,
      };
    });
    const aliases: Alias[] = [];
    for (const i of instruments) {
      for (const a of [i.id, i.shortName.en, i.shortName.zh, i.name.en, i.name.zh, ...i.aliases, ...(i.documentNumber ? [i.documentNumber] : [])]) {
        aliases.push({ text: norm(a), instrument: i.id });
      }
    }
    for (const [role, l] of Object.entries(ROLE_LABELS) as [Role, (typeof ROLE_LABELS)[Role]][]) {
      for (const a of [role, l.en, l.zh, ...l.aliases]) aliases.push({ text: norm(a), role });
    }
    // Longest aliases first, so "AI Act" wins over "Act" and "深度合成规定" over "深度合成".
    this.aliases = aliases
      .filter((a) => a.text.length >= 2)
      .sort((a, b) => b.text.length - a.text.length)
      .map((a) => ({ ...a, re: CJK.test(a.text) ? new RegExp(escapeRe(a.text), 'g') : new RegExp(`(?<![\\w-])${escapeRe(a.text)}(?![\\w-])`, 'g') }));
  }

  /** Ranked obligations for a free-text query. Empty queries return nothing. */
  search(query: string, opts: SearchOptions = {}): SearchHit[] {
    const limit = opts.limit ?? 20;
    const q = norm(query).trim();
    if (!q) return [];

    // Pull out instrument and role names first: "GB 45438" must not be read as article 45438.
    let rest = ` ${q} `;
    const instruments = new Set<string>();
    const roles = new Set<Role>();
    for (const a of this.aliases) {
      // Quick substring pre-check before the regex; lastIndex is reset because the regex is global.
      if (!rest.includes(a.text)) continue;
      const re = a.re!;
      re.lastIndex = 0;
      if (!re.test(rest)) continue;
      // A bare role word like "user" or "platform" is also an ordinary keyword; keep it in the text.
      if (a.instrument) instruments.add(a.instrument);
      if (a.role) roles.add(a.role);
      if (a.instrument) rest = rest.replace(re, ' ');
    }

    const { articles, bare, rest: textRest } = extractArticles(rest);
    // A bare number is an article when an instrument was named or nothing else was typed.
    const arts: QueryArticle[] = [...articles];
    if (bare.length && (instruments.size > 0 || (articles.length === 0 && textRest.trim() === ''))) arts.push(...bare);
    const words = terms(textRest);
    // Latin words match at a word start ("label" finds "labels", "out" does not find "without");
    // CJK has no word boundaries, so CJK terms match anywhere.
    // Short Latin words (≤ 3 letters, e.g. "opt", "app") must match a whole word.
    const matchers = words.map((w) => {
      if (CJK.test(w)) return (h: string) => h.includes(w);
      const re = new RegExp(`(?<![a-z0-9])${escapeRe(w)}${w.length <= 3 ? '(?![a-z0-9])' : ''}`);
      return (h: string) => re.test(h);
    });

    // The words as one phrase ("opt out" = "opt-out"), and the phrases that mean the same duty.
    const phrase = words.length > 1 || /[-_]/.test(textRest.trim()) ? words.join(' ') : '';
    const phraseMatchers: { m: (h: string) => boolean; weight: number }[] = [];
    if (phrase) {
      phraseMatchers.push({ m: phraseMatcher(phrase), weight: 1 });
      const literal = phraseMatcher(phrase);
      const group = SYNONYMS.find((g) => g.some((p) => literal(norm(p))));
      for (const p of group ?? []) if (!literal(norm(p))) phraseMatchers.push({ m: phraseMatcher(p), weight: SCORE.synonym });
    } else if (words.length === 1) {
      const group = SYNONYMS.find((g) => g.some((p) => norm(p) === words[0]));
      for (const p of group ?? []) if (norm(p) !== words[0]) phraseMatchers.push({ m: phraseMatcher(p), weight: SCORE.synonym * 0.5 });
    }
    const stop = words.map((w) => STOPWORDS.has(w));

    const hits: SearchHit[] = [];
    for (const it of this.items) {
      let score = 0;
      const matched = new Set<MatchKind>();
      if (it.id === q) {
        score += SCORE.id;
        matched.add('id');
      } else if (q.length >= 3 && /^[a-z0-9-]+$/.test(q) && it.id.includes(q)) {
        score += SCORE.idPart;
        matched.add('id');
      }
      let instrumentHit = false;
      for (const i of instruments) if (it.instruments.has(i)) instrumentHit = true;
      if (arts.length) {
        let best = 0;
        for (const a of arts) {
          const keys = a.paragraph ? [`${a.article}(${a.paragraph})`, a.article] : [a.article];
          for (const k of keys) {
            const exact = k.includes('(') ? 1.2 : 1;
            if (instruments.size) {
              for (const i of instruments) {
                const key = `${i}#${k}`;
                if (it.articleKeys.has(key)) best = Math.max(best, SCORE.articleWithInstrument * exact + (it.primaryKeys.has(key) ? SCORE.primary : 0));
              }
            } else if (it.articleKeys.has(`#${k}`)) best = Math.max(best, SCORE.article * exact + (it.primaryKeys.has(`#${k}`) ? SCORE.primary : 0));
          }
        }
        if (best) {
          score += best;
          matched.add('article');
        }
      }
      if (instrumentHit) {
        score += SCORE.instrument;
        matched.add('instrument');
      }
      for (const r of roles) {
        if (it.ob.roles.includes(r)) {
          score += SCORE.role;
          matched.add('role');
        }
      }
      let wordsMatched = 0;
      for (let wi = 0; wi < words.length; wi++) {
        const w = words[wi];
        const m = matchers[wi];
        let s = 0;
        let kind: MatchKind | undefined;
        if (stop[wi]) {
          if (m(it.title) || m(it.tags) || m(it.summary)) s = SCORE.text / 5;
          score += s;
          continue;
        }
        if (m(it.title)) [s, kind] = [SCORE.title, 'title'];
        else if (m(it.tags)) [s, kind] = [SCORE.tag, 'tag'];
        else if (m(it.summary)) [s, kind] = [SCORE.summary, 'summary'];
        else if (m(it.text) || m(it.id)) [s, kind] = [SCORE.text, 'text'];
        else if (CJK.test(w)) {
          // A CJK phrase typed without spaces ("人脸编辑同意") rarely occurs verbatim; score it by
          // how many of its character pairs occur in the field.
          const cov = Math.max(bigramCoverage(w, it.title) * 2, bigramCoverage(w, it.tags) * 1.5, bigramCoverage(w, it.summary), bigramCoverage(w, it.text) * 0.7);
          if (cov >= 0.6) [s, kind] = [SCORE.cjkPartial * cov * 2, cov >= 1 ? 'summary' : 'text'];
        }
        if (kind) matched.add(kind);
        if (s) wordsMatched++;
        score += s;
      }
      // A phrase (or a phrase of the same meaning) in the title, tags or summary is worth all its words.
      let phraseScore = 0;
      for (const { m, weight } of phraseMatchers) {
        const [field, kind]: [number, MatchKind | undefined] = m(it.title) ? [SCORE.title, 'title'] : m(it.tags) ? [SCORE.tag, 'tag'] : m(it.summary) ? [SCORE.summary, 'summary'] : [0, undefined];
        if (kind) matched.add(kind);
        phraseScore = Math.max(phraseScore, field * weight * Math.max(2, words.length));
      }
      if (phraseScore) {
        score += phraseScore;
        wordsMatched = Math.max(wordsMatched, words.filter((_, i) => !stop[i]).length);
      }
      // When the query names an article, the article decides; words only rank within it.
      if (arts.length && !matched.has('article') && !matched.has('id')) continue;
      // Every typed word should find something, unless other evidence already matched.
      if (words.length && wordsMatched === 0 && !matched.has('article') && !matched.has('instrument') && !matched.has('role') && !matched.has('id')) continue;
      const content = words.filter((_, i) => !stop[i]).length;
      if (content > 1) score *= 0.5 + (0.5 * Math.min(wordsMatched, content)) / content;
      if (score > 0) hits.push({ obligation: it.ob, score: Math.round(score * 100) / 100, matched: [...matched] });
    }
    // Ties break by id so results are stable between keystrokes; both languages are always searched.
    hits.sort((a, b) => b.score - a.score || a.obligation.id.localeCompare(b.obligation.id));
    return hits.slice(0, limit);
  }
}
