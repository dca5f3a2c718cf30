/**
 * A cheap structural check of the knowledge-base data, run once at load. The full JSON Schemas in
 * data/schemas are enforced by the tests with ajv; this check exists so that a broken data file
 * fails at startup with a message naming the exact field, instead of as an undefined deep in a
 * renderer. It does not pull ajv into the bundled server and CLI.
 */
import type { Instrument, InstrumentsFile, ObligationsFile } from './types';
import { FORCES, JURISDICTIONS, PHASES, READ_ON, ROLES, WHOLE_DOCUMENT } from './types';

/** Thrown when bundled or supplied knowledge-base data is malformed. Lists every problem found. */
export class KnowledgeBaseError extends Error {
  constructor(readonly problems: string[]) {
    super(`aireg: the obligation knowledge base is invalid:\n  ${problems.slice(0, 20).join('\n  ')}${problems.length > 20 ? `\n  … and ${problems.length - 20} more` : ''}`);
    this.name = 'KnowledgeBaseError';
  }
}

const VERIFICATION = ['verified-official', 'secondary-source', 'unverified'];
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Checker {
  readonly problems: string[] = [];

  fail(path: string, what: string): void {
    this.problems.push(`${path}: ${what}`);
  }

  str(o: Obj, key: string, path: string, optional = false): void {
    const v = o[key];
    if (v === undefined && optional) return;
    if (typeof v !== 'string' || v.trim() === '') this.fail(`${path}.${key}`, 'expected a non-empty string');
  }

  date(o: Obj, key: string, path: string, optional = false): void {
    const v = o[key];
    if (v === undefined && optional) return;
    if (typeof v !== 'string' || !ISO_DATE.test(v)) this.fail(`${path}.${key}`, 'expected an ISO date YYYY-MM-DD');
  }

  text(o: Obj, key: string, path: string, optional = false): void {
    const v = o[key];
    if (v === undefined && optional) return;
    if (!isObj(v)) {
      this.fail(`${path}.${key}`, 'expected {en, zh}');
      return;
    }
    this.str(v, 'en', `${path}.${key}`);
    this.str(v, 'zh', `${path}.${key}`);
  }

  oneOf(o: Obj, key: string, allowed: readonly string[], path: string, optional = false): void {
    const v = o[key];
    if (v === undefined && optional) return;
    if (typeof v !== 'string' || !allowed.includes(v)) this.fail(`${path}.${key}`, `expected one of ${allowed.join(', ')}`);
  }

  array(o: Obj, key: string, path: string, optional = false): unknown[] {
    const v = o[key];
    if (v === undefined && optional) return [];
    if (!Array.isArray(v)) {
      this.fail(`${path}.${key}`, 'expected an array');
      return [];
    }
    return v;
  }
}

/** Checks the shape of data/instruments.json; returns the problems found (empty when valid). */
export function checkInstrumentsFile(data: unknown, file = 'instruments.json'): string[] {
  const c = new Checker();
  if (!isObj(data)) return [`${file}: expected an object`];
  c.text(data, 'disclaimer', file);
  c.array(data, 'instruments', file).forEach((inst, i) => {
    const p = `${file}.instruments[${i}]`;
    if (!isObj(inst)) return c.fail(p, 'expected an object');
    c.str(inst, 'id', p);
    c.oneOf(inst, 'jurisdiction', JURISDICTIONS, p);
    c.text(inst, 'name', p);
    c.text(inst, 'shortName', p);
    c.array(inst, 'aliases', p).forEach((a, j) => typeof a !== 'string' && c.fail(`${p}.aliases[${j}]`, 'expected a string'));
    c.array(inst, 'issuers', p).forEach((iss, j) => (isObj(iss) ? (c.str(iss, 'en', `${p}.issuers[${j}]`), c.str(iss, 'zh', `${p}.issuers[${j}]`)) : c.fail(`${p}.issuers[${j}]`, 'expected {en, zh}')));
    c.date(inst, 'issued', p);
    c.date(inst, 'effective', p);
    c.oneOf(inst, 'status', ['in-force', 'draft', 'superseded', 'not-yet-applicable'], p);
    c.str(inst, 'officialUrl', p);
    c.oneOf(inst, 'articleStyle', ['article', 'clause', 'document'], p);
    c.array(inst, 'structure', p).forEach((n, j) => (typeof n !== 'string' || n.trim() === '') && c.fail(`${p}.structure[${j}]`, 'expected a non-empty string'));
    c.text(inst, 'structureNote', p, true);
    c.oneOf(inst, 'verification', VERIFICATION, p);
    c.date(inst, 'lastChecked', p);
    c.text(inst, 'notes', p, true);
    c.array(inst, 'articles', p).forEach((a, j) => {
      const ap = `${p}.articles[${j}]`;
      if (!isObj(a)) return c.fail(ap, 'expected an object');
      c.str(a, 'number', ap);
      c.text(a, 'title', ap);
    });
    c.array(inst, 'penalties', p).forEach((pen, j) => {
      const pp = `${p}.penalties[${j}]`;
      if (!isObj(pen)) return c.fail(pp, 'expected an object');
      c.str(pen, 'article', pp);
      c.text(pen, 'summary', pp);
      c.oneOf(pen, 'verification', VERIFICATION, pp);
    });
  });
  return c.problems;
}

/** Checks the shape of one obligations file; returns the problems found (empty when valid). */
export function checkObligationsFile(data: unknown, file = 'obligations.json'): string[] {
  const c = new Checker();
  if (!isObj(data)) return [`${file}: expected an object`];
  c.array(data, 'obligations', file).forEach((ob, i) => {
    const p = `${file}.obligations[${i}]${isObj(ob) && typeof ob.id === 'string' ? ` (${ob.id})` : ''}`;
    if (!isObj(ob)) return c.fail(p, 'expected an object');
    c.str(ob, 'id', p);
    if (typeof ob.id === 'string' && !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(ob.id)) c.fail(`${p}.id`, 'expected lower-case words joined by hyphens');
    c.oneOf(ob, 'jurisdiction', JURISDICTIONS, p);
    c.oneOf(ob, 'phase', PHASES, p);
    for (const key of ['title', 'summary', 'codeImplications', 'orgImplications', 'howToComply']) c.text(ob, key, p);
    c.text(ob, 'supersededNote', p, true);
    const roles = c.array(ob, 'roles', p);
    if (roles.length === 0) c.fail(`${p}.roles`, 'expected at least one role');
    roles.forEach((r, j) => typeof r === 'string' && ROLES.includes(r as never) ? undefined : c.fail(`${p}.roles[${j}]`, `unknown role ${String(r)}`));
    const arts = c.array(ob, 'articles', p);
    if (arts.length === 0) c.fail(`${p}.articles`, 'expected at least one article reference');
    arts.forEach((a, j) => {
      const ap = `${p}.articles[${j}]`;
      if (!isObj(a)) return c.fail(ap, 'expected an object');
      c.str(a, 'instrument', ap);
      c.str(a, 'article', ap);
      c.str(a, 'paragraph', ap, true);
      c.str(a, 'item', ap, true);
      c.oneOf(a, 'force', FORCES, ap);
      c.oneOf(a, 'verification', VERIFICATION, ap);
      c.text(a, 'note', ap, true);
      const w = a.wording;
      if (w !== undefined) {
        if (!isObj(w)) return c.fail(`${ap}.wording`, 'expected {text, lang, readAt, readOn}');
        c.str(w, 'text', `${ap}.wording`);
        c.oneOf(w, 'lang', ['zh', 'en'], `${ap}.wording`);
        c.str(w, 'readAt', `${ap}.wording`);
        c.oneOf(w, 'readOn', READ_ON, `${ap}.wording`);
        c.str(w, 'publisher', `${ap}.wording`, true);
      }
      // A mapping may only claim the official text when its wording was read there (issue 12).
      if (a.verification === 'verified-official' && (!isObj(w) || w.readOn === 'secondary-copy')) {
        c.fail(`${ap}.verification`, 'verified-official needs a wording read on an official page, a copy of it or a faithful reprint');
      }
    });
    // A card presented as a duty needs a provision that requires or prohibits something.
    if (ob.binding === true && !arts.some((a) => isObj(a) && (a.force === 'requires' || a.force === 'prohibits'))) {
      c.fail(`${p}.binding`, 'a binding obligation needs at least one article that requires or prohibits');
    }
    c.array(ob, 'examples', p, true).forEach((e, j) => {
      const ep = `${p}.examples[${j}]`;
      if (!isObj(e)) return c.fail(ep, 'expected an object');
      c.oneOf(e, 'language', ['typescript', 'python'], ep);
      c.text(e, 'title', ep);
      c.str(e, 'code', ep);
    });
    c.array(ob, 'relatedRules', p).forEach((r, j) => typeof r !== 'string' && c.fail(`${p}.relatedRules[${j}]`, 'expected a string'));
    c.oneOf(ob, 'detectability', ['detectable-in-code', 'partially-detectable', 'not-detectable-in-code'], p);
    if (typeof ob.binding !== 'boolean') c.fail(`${p}.binding`, 'expected true or false');
    c.str(ob, 'seedRef', p, true);
    c.date(ob, 'appliesFrom', p, true);
    c.array(ob, 'tags', p).forEach((t, j) => typeof t !== 'string' && c.fail(`${p}.tags[${j}]`, 'expected a string'));
    const sources = c.array(ob, 'sources', p);
    if (sources.length === 0) c.fail(`${p}.sources`, 'expected at least one source');
    sources.forEach((s, j) => {
      const sp = `${p}.sources[${j}]`;
      if (!isObj(s)) return c.fail(sp, 'expected an object');
      c.str(s, 'url', sp);
      c.str(s, 'title', sp);
      c.oneOf(s, 'kind', ['official', 'secondary', 'seed'], sp);
    });
    c.date(ob, 'lastChecked', p);
  });
  return c.problems;
}

/** How a standard's clause or annex is numbered: "5", "6.1", "Annex E". */
const CLAUSE_NUMBER = /^(?:\d+(?:\.\d+)*|Annex [A-Z])$/;

/** Problems with how one reference fits its instrument's numbering (empty when it fits). */
function refProblems(i: Instrument, ref: { article: string; paragraph?: string; item?: string }): string[] {
  const out: string[] = [];
  if (!i.structure.includes(ref.article)) out.push(`${i.id} has no ${i.articleStyle === 'clause' ? 'clause' : 'article'} ${ref.article} in its recorded structure`);
  if (!i.articles.some((a) => a.number === ref.article)) out.push(`${i.id} lists no title for ${ref.article}`);
  if (i.articleStyle === 'clause' && (!CLAUSE_NUMBER.test(ref.article) || ref.paragraph !== undefined || ref.item !== undefined)) {
    // Standards are cited by clause (5.1) or annex, never with an article's 款/项.
    out.push(`${i.id} is a standard: cite it by clause or annex, not as ${ref.article}${ref.paragraph ? `(${ref.paragraph})` : ''}`);
  }
  if (i.articleStyle === 'document' && ref.article !== WHOLE_DOCUMENT) out.push(`${i.id} is cited as a whole: use article "${WHOLE_DOCUMENT}"`);
  return out;
}

/**
 * Cross-file consistency: unique ids, and every article reference names an instrument and an
 * article, clause or annex that the instrument's recorded structure has.
 */
export function checkReferences(instruments: InstrumentsFile, files: ObligationsFile[]): string[] {
  const problems: string[] = [];
  const inst = new Map(instruments.instruments.map((i) => [i.id, i]));
  if (inst.size !== instruments.instruments.length) problems.push('instruments: duplicate instrument ids');
  const seen = new Set<string>();
  for (const f of files) {
    for (const ob of f.obligations) {
      if (seen.has(ob.id)) problems.push(`obligation ${ob.id}: duplicate id`);
      seen.add(ob.id);
      for (const ref of ob.articles) {
        const i = inst.get(ref.instrument);
        if (!i) problems.push(`obligation ${ob.id}: unknown instrument ${ref.instrument}`);
        else for (const what of refProblems(i, ref)) problems.push(`obligation ${ob.id}: ${what}`);
      }
    }
  }
  for (const i of instruments.instruments) {
    for (const a of i.articles) if (!i.structure.includes(a.number)) problems.push(`instrument ${i.id}: article ${a.number} is not in its structure`);
    for (const pen of i.penalties) if (!i.structure.includes(pen.article)) problems.push(`instrument ${i.id}: penalty article ${pen.article} is not in its structure`);
    if (i.supersededBy && !inst.has(i.supersededBy)) problems.push(`instrument ${i.id}: supersededBy names unknown instrument ${i.supersededBy}`);
  }
  return problems;
}
