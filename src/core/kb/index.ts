/**
 * The obligation knowledge base: instruments (laws, rules, standards) and the obligations they
 * impose, bilingual, sourced and with a verification status per article mapping. The data lives in
 * data/instruments.json and data/obligations/*.json and is bundled into the server and the CLI.
 *
 * Module-level functions serve the bundled data; {@link createKnowledgeBase} builds an isolated
 * instance from other data (tests, or a future user-supplied overlay).
 */
import instrumentsData from '../../../data/instruments.json';
import seedBeforeLaunch from '../../../data/obligations/cn-seed-before-launch.json';
import seedOperation from '../../../data/obligations/cn-seed-operation.json';
import labeling from '../../../data/obligations/cn-labeling.json';
import cnOther from '../../../data/obligations/cn-other.json';
import euData from '../../../data/obligations/eu.json';
import { DOCS_BASE } from '../ruleMeta';
import { formatArticle } from './articles';
import { ObligationIndex } from './search';
import type { ArticleRef, Instrument, InstrumentsFile, Jurisdiction, Lang, LocalizedText, Obligation, ObligationsFile, Role, SearchHit, SearchOptions } from './types';
import { KnowledgeBaseError, checkInstrumentsFile, checkObligationsFile, checkReferences } from './validate';

export * from './types';
export { KnowledgeBaseError } from './validate';
export { parseChineseNumber, toChineseNumber } from './articles';
export { ROLE_LABELS } from './search';

/** The obligation files in the order cards and docs list them. */
export const OBLIGATION_FILES = ['cn-seed-before-launch', 'cn-seed-operation', 'cn-labeling', 'cn-other', 'eu'] as const;

/** A loaded, validated and indexed knowledge base. */
export class KnowledgeBase {
  readonly disclaimer: LocalizedText;
  private readonly instruments: readonly Instrument[];
  private readonly obligations: readonly Obligation[];
  private readonly instById: Map<string, Instrument>;
  private readonly obById: Map<string, Obligation>;
  private index?: ObligationIndex;

  constructor(instruments: InstrumentsFile, obligationFiles: ObligationsFile[]) {
    this.disclaimer = instruments.disclaimer;
    this.instruments = instruments.instruments;
    this.obligations = obligationFiles.flatMap((f) => f.obligations);
    this.instById = new Map(this.instruments.map((i) => [i.id, i]));
    this.obById = new Map(this.obligations.map((o) => [o.id, o]));
  }

  getObligation(id: string): Obligation | undefined {
    return this.obById.get(id);
  }

  allObligations(): readonly Obligation[] {
    return this.obligations;
  }

  getInstrument(id: string): Instrument | undefined {
    return this.instById.get(id);
  }

  allInstruments(): readonly Instrument[] {
    return this.instruments;
  }

  searchObligations(query: string, opts?: SearchOptions): SearchHit[] {
    // The index is built on first search, so loading the data for a single card stays cheap.
    this.index ??= new ObligationIndex(this.obligations, this.instruments);
    return this.index.search(query, opts);
  }

  obligationsFor(filter: { roles?: readonly Role[]; jurisdictions?: readonly Jurisdiction[] }): Obligation[] {
    return this.obligations.filter(
      (o) =>
        (!filter.roles || filter.roles.length === 0 || o.roles.some((r) => filter.roles!.includes(r))) &&
        (!filter.jurisdictions || filter.jurisdictions.length === 0 || filter.jurisdictions.includes(o.jurisdiction)),
    );
  }

  articleLabel(ref: Pick<ArticleRef, 'instrument' | 'article' | 'paragraph' | 'item'>, lang: Lang, withInstrument = true): string {
    return formatArticle(ref, this.instById.get(ref.instrument), lang, withInstrument);
  }
}

/**
 * Validates and indexes knowledge-base data. Throws {@link KnowledgeBaseError} listing every
 * structural or referential problem, so broken data fails loudly at startup.
 */
export function createKnowledgeBase(instruments: unknown, obligationFiles: { name: string; data: unknown }[]): KnowledgeBase {
  const problems = checkInstrumentsFile(instruments);
  for (const f of obligationFiles) problems.push(...checkObligationsFile(f.data, `obligations/${f.name}.json`));
  if (problems.length) throw new KnowledgeBaseError(problems);
  const files = obligationFiles.map((f) => f.data as ObligationsFile);
  const refProblems = checkReferences(instruments as InstrumentsFile, files);
  if (refProblems.length) throw new KnowledgeBaseError(refProblems);
  return new KnowledgeBase(instruments as InstrumentsFile, files);
}

/** The raw bundled data, for the docs generator and the consistency tests. */
export const BUNDLED_DATA = {
  instruments: instrumentsData as unknown,
  obligationFiles: [
    { name: 'cn-seed-before-launch', data: seedBeforeLaunch as unknown },
    { name: 'cn-seed-operation', data: seedOperation as unknown },
    { name: 'cn-labeling', data: labeling as unknown },
    { name: 'cn-other', data: cnOther as unknown },
    { name: 'eu', data: euData as unknown },
  ],
};

let bundled: KnowledgeBase | undefined;

/** The knowledge base built from the bundled data (validated once, on first use). */
export function knowledgeBase(): KnowledgeBase {
  bundled ??= createKnowledgeBase(BUNDLED_DATA.instruments, BUNDLED_DATA.obligationFiles);
  return bundled;
}

/** The obligation with this id, or undefined. */
export function getObligation(id: string): Obligation | undefined {
  return knowledgeBase().getObligation(id);
}

/** Every obligation, in data order (seed before-launch rows, seed operation rows, labeling, other CN, EU). */
export function allObligations(): readonly Obligation[] {
  return knowledgeBase().allObligations();
}

/**
 * Ranked obligations for a query typed by a person: an id, an article ("Art. 17", "第十七条",
 * "算法推荐 17", "AI Act 50(2)"), an instrument ("GB 45438", "深度合成"), a role or keywords in
 * either language.
 */
export function searchObligations(query: string, opts?: SearchOptions): SearchHit[] {
  return knowledgeBase().searchObligations(query, opts);
}

/** Obligations borne by any of the roles in any of the jurisdictions (an empty filter matches all). */
export function obligationsFor(filter: { roles?: readonly Role[]; jurisdictions?: readonly Jurisdiction[] }): Obligation[] {
  return knowledgeBase().obligationsFor(filter);
}

/** The instrument with this id, or undefined. */
export function getInstrument(id: string): Instrument | undefined {
  return knowledgeBase().getInstrument(id);
}

/** Every instrument, including drafts and superseded texts (check `status`). */
export function allInstruments(): readonly Instrument[] {
  return knowledgeBase().allInstruments();
}

/** The card disclaimer: aireg assists review and is not legal advice. */
export function disclaimer(): LocalizedText {
  return knowledgeBase().disclaimer;
}

/** Where an obligation's reference entry lives (docs/obligations.md#<id>); diagnostics link here. */
export function obligationDocUrl(id: string): string {
  return `${DOCS_BASE}/obligations.md#${id}`;
}

/**
 * The official text behind an obligation's primary article (the article's own link when the data
 * has one, else the instrument's official publication). `aireg.openArticle` opens this; the URL
 * always comes from bundled data, never from a webview message.
 */
export function obligationArticleUrl(id: string): string | undefined {
  const kb = knowledgeBase();
  const ref = kb.getObligation(id)?.articles[0];
  if (!ref) return undefined;
  const inst = kb.getInstrument(ref.instrument);
  return inst?.articles.find((a) => a.number === ref.article)?.url ?? inst?.officialUrl;
}

/** "Algorithm Recommendation Provisions, Art. 17" / "《算法推荐规定》第十七条". */
export function articleLabel(ref: Pick<ArticleRef, 'instrument' | 'article' | 'paragraph' | 'item'>, lang: Lang, withInstrument = true): string {
  return knowledgeBase().articleLabel(ref, lang, withInstrument);
}
