/**
 * The obligation knowledge base model. Every card, hover, checklist row and SARIF help link is
 * rendered from these records, so the shapes here are a contract with the server, the CLI and the
 * webviews. Text meant for people is always bilingual ({@link LocalizedText}).
 */

/** A text in both languages aireg ships. Both members are required and non-empty. */
export interface LocalizedText {
  en: string;
  zh: string;
}

/** The two languages of {@link LocalizedText}. */
export type Lang = 'en' | 'zh';

/**
 * How sure we are that an article mapping is right:
 * - `verified-official`: the article text was read in an official publication (cac.gov.cn, gov.cn,
 *   eur-lex.europa.eu, samr/openstd for standards);
 * - `secondary-source`: taken from commentary, a law-firm alert, a reprint or independent
 *   implementations that agree;
 * - `unverified`: our own reading, not yet checked against any text.
 */
export type VerificationStatus = 'verified-official' | 'secondary-source' | 'unverified';

/** Who bears an obligation. EU roles map onto these (AI Act provider → service-provider). */
export type Role =
  | 'service-provider'
  | 'technical-supporter'
  | 'user'
  | 'app-distribution-platform'
  | 'content-platform'
  | 'research-institution'
  | 'deployer'
  | 'very-large-platform';

export const ROLES: readonly Role[] = [
  'service-provider',
  'technical-supporter',
  'user',
  'app-distribution-platform',
  'content-platform',
  'research-institution',
  'deployer',
  'very-large-platform',
];

/** When in a product's life an obligation bites. */
export type Phase = 'before-launch' | 'operation' | 'periodic';

export const PHASES: readonly Phase[] = ['before-launch', 'operation', 'periodic'];

export type Jurisdiction = 'CN' | 'EU';

export const JURISDICTIONS: readonly Jurisdiction[] = ['CN', 'EU'];

/** Legal standing of an instrument on the last-checked date. */
export type InstrumentStatus = 'in-force' | 'draft' | 'superseded' | 'not-yet-applicable';

/**
 * How an instrument numbers its parts: laws by article (第十七条 / Art. 17), standards by clause
 * (第5章, 5.1 / clause 5), and a notice without numbered parts is cited as a whole (`document`).
 */
export type ArticleStyle = 'article' | 'clause' | 'document';

/** The article number used for an instrument cited as a whole ({@link ArticleStyle} `document`). */
export const WHOLE_DOCUMENT = 'whole';

/**
 * What the cited wording does with the conduct it names. A binding card rests on at least one
 * `requires` or `prohibits` mapping; `encourages` (鼓励) and `permits` (可以) never make a duty.
 */
export type Force = 'requires' | 'prohibits' | 'encourages' | 'permits';

export const FORCES: readonly Force[] = ['requires', 'prohibits', 'encourages', 'permits'];

/**
 * Where a quoted wording was read:
 * - `official-page`: on the publisher's own page (cac.gov.cn, gov.cn, eur-lex.europa.eu, openstd);
 * - `official-page-copy`: in a saved copy of that page (its HTML names the publisher and address);
 * - `faithful-reprint`: in a full-text reprint that names the official publication it reproduces;
 * - `secondary-copy`: in commentary, code or notes that quote the text; never enough for
 *   `verified-official`.
 */
export type ReadOn = 'official-page' | 'official-page-copy' | 'faithful-reprint' | 'secondary-copy';

export const READ_ON: readonly ReadOn[] = ['official-page', 'official-page-copy', 'faithful-reprint', 'secondary-copy'];

/** A short verbatim quote of the provision an article mapping rests on. */
export interface Wording {
  /** The words exactly as read, in the instrument's language (Chinese or the EU language). */
  text: string;
  lang: 'zh' | 'en';
  /** The address where the quote was read (for a copy or reprint, the copy's address). */
  readAt: string;
  readOn: ReadOn;
  /** For a copy or reprint: the official publication it reproduces, e.g. a cac.gov.cn address. */
  publisher?: string;
}

/** One article (or clause) of an instrument that obligations point at. */
export interface Article {
  /** Article number as written in references: "17", "50", "4.1" (clauses), "Annex E". */
  number: string;
  title: LocalizedText;
  /** Direct link to the article where the publisher offers one. */
  url?: string;
}

/** A penalty provision of an instrument, summarised in our own words. */
export interface PenaltyProvision {
  article: string;
  summary: LocalizedText;
  verification: VerificationStatus;
}

/** A law, regulation, departmental rule, normative document or standard. */
export interface Instrument {
  /** Stable id used by obligations, e.g. `cn-ar` (Algorithm Recommendation Provisions). */
  id: string;
  jurisdiction: Jurisdiction;
  name: LocalizedText;
  shortName: LocalizedText;
  /** Further names people search by ("算法推荐", "AI Act", "GB 45438"). */
  aliases: string[];
  kind: 'law' | 'regulation' | 'departmental-rules' | 'normative-document' | 'standard' | 'draft';
  issuers: LocalizedText[];
  documentNumber?: string;
  /** ISO dates. */
  issued: string;
  effective: string;
  status: InstrumentStatus;
  /** Id of the instrument that replaced this one. */
  supersededBy?: string;
  officialUrl: string;
  articleStyle: ArticleStyle;
  /**
   * Every article, clause or annex number the instrument has, in order ("1" … "24"; "4", "5",
   * "5.1", "Annex E"). Article references must name one of these, so a mapping cannot point at a
   * number the text does not have.
   */
  structure: string[];
  /** Where the structure list was taken from and how sure it is, when not from the full text. */
  structureNote?: LocalizedText;
  articles: Article[];
  penalties: PenaltyProvision[];
  /** Corrections and caveats, e.g. where a secondary source gives a wrong date. */
  notes?: LocalizedText;
  verification: VerificationStatus;
  lastChecked: string;
}

/** A reference from an obligation to one article (and optionally a paragraph) of an instrument. */
export interface ArticleRef {
  instrument: string;
  article: string;
  /** Paragraph (款), e.g. "2" for Art. 50(2) or 第二款. */
  paragraph?: string;
  /** Numbered item (项), e.g. "3" for 第四条第（三）项. */
  item?: string;
  /** Whether the provision requires, prohibits, encourages or permits the conduct on the card. */
  force: Force;
  /** How the mapping of this obligation to this article was checked. */
  verification: VerificationStatus;
  /**
   * The wording the mapping rests on. Required for `verified-official` (and then read on an
   * official page, a copy of it or a faithful reprint); absent when no text could be read.
   */
  wording?: Wording;
  /** What in the article supports the mapping, or what is uncertain, in our own words. */
  note?: LocalizedText;
}

/** A short code example attached to an obligation. */
export interface CodeExample {
  language: 'typescript' | 'python';
  title: LocalizedText;
  code: string;
}

/** A source we consulted. Official sources come first in {@link Obligation.sources}. */
export interface SourceRef {
  url: string;
  title: string;
  kind: 'official' | 'secondary' | 'seed';
}

/** Whether aireg's rules can give evidence for an obligation. */
export type Detectability = 'detectable-in-code' | 'partially-detectable' | 'not-detectable-in-code';

/** One duty that one or more instruments impose. */
export interface Obligation {
  /** Stable id; never renamed once shipped (docs anchors, SARIF and checklists rely on it). */
  id: string;
  jurisdiction: Jurisdiction;
  title: LocalizedText;
  roles: Role[];
  phase: Phase;
  articles: ArticleRef[];
  summary: LocalizedText;
  codeImplications: LocalizedText;
  orgImplications: LocalizedText;
  howToComply: LocalizedText;
  examples?: CodeExample[];
  /** aireg rule ids that give evidence for this obligation. */
  relatedRules: string[];
  detectability: Detectability;
  /** False for drafts, recommendations ("鼓励") and voluntary guidance. */
  binding: boolean;
  /** Row of the 2023 seed alert this obligation comes from, e.g. "seed:before-3" or "seed:op-17". */
  seedRef?: string;
  /** Where the seed has been overtaken by later law, in our own words. */
  supersededNote?: LocalizedText;
  /** Date from which the obligation applies, when later than the instrument's entry into force. */
  appliesFrom?: string;
  tags: string[];
  sources: SourceRef[];
  lastChecked: string;
}

/** What a search hit matched on, strongest first. */
export type MatchKind = 'id' | 'article' | 'title' | 'instrument' | 'role' | 'tag' | 'summary' | 'text';

/** One ranked search result. */
export interface SearchHit {
  obligation: Obligation;
  score: number;
  matched: MatchKind[];
}

export interface SearchOptions {
  /** Maximum number of hits (default 20). */
  limit?: number;
  /** The caller's display language. Accepted for API stability; both languages are always searched and ranked alike. */
  lang?: Lang;
}

/** The shape of data/instruments.json. */
export interface InstrumentsFile {
  $schema?: string;
  disclaimer: LocalizedText;
  instruments: Instrument[];
}

/** The shape of each data/obligations/*.json file. */
export interface ObligationsFile {
  $schema?: string;
  obligations: Obligation[];
}
