/**
 * Glob and gitignore matching in time linear in the path length (times the pattern length), for
 * patterns that come from files in the workspace: `.aireg.json` include/exclude, `.gitignore`
 * and `.airegignore`. The usual matchers compile globs to backtracking regular expressions, so a
 * pattern such as `**\/*a*a*a*a*a*a*a*a*b.ts` takes exponential time on a long name and a planted
 * ignore file can stop a scan (or the language server) for hours. Here a pattern becomes a small
 * automaton that is simulated on a set of states, one pass over the path, never backtracking.
 *
 * Supported syntax: `*` (any run without `/`), `?` (one character other than `/`), `[...]`
 * classes with ranges and `!`/`^` negation, `**` as a whole path segment (any number of
 * segments), `{a,b}` alternatives (nested, bounded), and `\` escapes. A leading `!` negates a
 * glob. Extended globs such as `@(a|b)` are matched literally.
 */

/** Upper bound on the alternatives one pattern's braces may expand to. */
const MAX_EXPANSIONS = 256;
/** Upper bound on the length of one pattern; longer lines are ignored (no real glob is this long). */
const MAX_PATTERN = 4096;

const SLASH = 47;

type Token =
  | { k: 'ch'; c: number }
  | { k: 'one' }
  | { k: 'class'; test: (c: number) => boolean }
  | { k: 'star' }
  | { k: 'anyseq' }
  | { k: 'segments' };

/** Expands `{a,b}` alternatives (nested), bounded by {@link MAX_EXPANSIONS}. */
export function expandBraces(pattern: string): string[] {
  const out: string[] = [];
  const queue = [pattern];
  while (queue.length) {
    const p = queue.pop()!;
    const group = findBraceGroup(p);
    if (!group || out.length + queue.length >= MAX_EXPANSIONS) {
      out.push(p);
      continue;
    }
    const [open, close, commas] = group;
    const head = p.slice(0, open);
    const tail = p.slice(close + 1);
    let from = open + 1;
    for (const comma of [...commas, close]) {
      queue.push(head + p.slice(from, comma) + tail);
      from = comma + 1;
    }
  }
  return out.reverse();
}

/** The first `{...}` with a top-level comma: its open and close offsets and its commas. */
function findBraceGroup(p: string): [number, number, number[]] | undefined {
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '\\') {
      i++;
      continue;
    }
    if (p[i] !== '{') continue;
    let depth = 0;
    const commas: number[] = [];
    for (let j = i; j < p.length; j++) {
      const ch = p[j];
      if (ch === '\\') j++;
      else if (ch === '{') depth++;
      else if (ch === '}') {
        depth--;
        if (depth === 0) {
          if (commas.length) return [i, j, commas];
          break;
        }
      } else if (ch === ',' && depth === 1) commas.push(j);
    }
  }
  return undefined;
}

/** Parses a `[...]` class starting at `start` (the `[`); undefined when it is not closed. */
function parseClass(p: string, start: number): { test: (c: number) => boolean; end: number } | undefined {
  let i = start + 1;
  const negate = p[i] === '!' || p[i] === '^';
  if (negate) i++;
  const ranges: Array<[number, number]> = [];
  let first = true;
  for (; i < p.length; i++) {
    let ch = p.charCodeAt(i);
    if (p[i] === ']' && !first) {
      return { test: (c) => ranges.some(([lo, hi]) => c >= lo && c <= hi) !== negate, end: i };
    }
    first = false;
    if (p[i] === '\\' && i + 1 < p.length) ch = p.charCodeAt(++i);
    let hi = ch;
    if (p[i + 1] === '-' && i + 2 < p.length && p[i + 2] !== ']') {
      i += 2;
      hi = p[i] === '\\' && i + 1 < p.length ? p.charCodeAt(++i) : p.charCodeAt(i);
    }
    ranges.push([Math.min(ch, hi), Math.max(ch, hi)]);
  }
  return undefined;
}

/** Compiles one brace-free glob into tokens. */
function tokenize(p: string): Token[] {
  const toks: Token[] = [];
  for (let i = 0; i < p.length; ) {
    const ch = p[i];
    if (ch === '\\' && i + 1 < p.length) {
      toks.push({ k: 'ch', c: p.charCodeAt(i + 1) });
      i += 2;
    } else if (ch === '*') {
      let j = i;
      while (p[j] === '*') j++;
      const wholeSegment = j - i >= 2 && (i === 0 || p[i - 1] === '/') && (j === p.length || p[j] === '/');
      if (wholeSegment && j === p.length) {
        toks.push({ k: 'anyseq' });
      } else if (wholeSegment) {
        toks.push({ k: 'segments' });
        j++; // The slash after `**` belongs to the segments token (it matches "" or "a/b/").
      } else if (toks[toks.length - 1]?.k !== 'star') {
        toks.push({ k: 'star' });
      }
      i = j;
    } else if (ch === '?') {
      toks.push({ k: 'one' });
      i++;
    } else if (ch === '[') {
      const cls = parseClass(p, i);
      if (cls) {
        toks.push({ k: 'class', test: cls.test });
        i = cls.end + 1;
      } else {
        toks.push({ k: 'ch', c: 91 });
        i++;
      }
    } else {
      toks.push({ k: 'ch', c: p.charCodeAt(i) });
      i++;
    }
  }
  return toks;
}

/**
 * A compiled glob: an automaton simulated on a set of states (no backtracking). State `i` means
 * "token i is next"; a `**\/` token also has a looping state (inside the skipped folders) that
 * leaves only through a `/`, so the empty skip applies at a segment start and nowhere else. The
 * active states are kept as short lists (usually one to three entries), so a step costs what is
 * active, not the pattern's length; and a pattern whose literal part is absent from the path is
 * rejected with one native `includes` before any simulation.
 */
class Automaton {
  private readonly n: number;
  /** Set when the pattern has no wildcard at all: a plain comparison. */
  private readonly literal: string | undefined;
  /** The longest run of literal characters; a path without it cannot match. */
  private readonly required: string;
  /** `**\/` + a literal suffix after a star (`**\/*.pyc`): the last segment ends with it. */
  private readonly lastSegmentSuffix: string | undefined;
  private readonly mark: Uint32Array;
  private stamp = 0;

  constructor(private readonly toks: Token[]) {
    this.n = toks.length;
    this.mark = new Uint32Array(2 * (this.n + 1));
    const lit = (t: Token[]): string | undefined => (t.every((x) => x.k === 'ch') ? String.fromCharCode(...t.map((x) => (x as { c: number }).c)) : undefined);
    this.literal = lit(toks);
    let best = '';
    let run = '';
    for (const t of toks) {
      if (t.k === 'ch') run += String.fromCharCode(t.c);
      else run = '';
      if (run.length > best.length) best = run;
    }
    this.required = best;
    const tail = toks.slice(2);
    const suffix = toks.length > 2 && toks[0]!.k === 'segments' && toks[1]!.k === 'star' ? lit(tail) : undefined;
    this.lastSegmentSuffix = suffix !== undefined && !suffix.includes('/') ? suffix : undefined;
  }

  matches(s: string): boolean {
    if (this.literal !== undefined) return s === this.literal;
    if (this.required && !s.includes(this.required)) return false;
    if (this.lastSegmentSuffix !== undefined) return s.endsWith(this.lastSegmentSuffix) && s.lastIndexOf('/') < s.length - this.lastSegmentSuffix.length;
    return this.simulate(s);
  }

  /**
   * Adds state `i` (or its loop twin, `loop` true) to `list` once per step, following the empty
   * moves of star, `**` and segments tokens.
   */
  private add(list: number[], i: number, loop: boolean): void {
    for (;;) {
      const key = loop ? this.n + 1 + i : i;
      if (this.mark[key] === this.stamp) return;
      this.mark[key] = this.stamp;
      list.push(loop ? -1 - i : i);
      if (loop || i >= this.n) return;
      const k = this.toks[i]!.k;
      if (k !== 'star' && k !== 'anyseq' && k !== 'segments') return;
      i++;
    }
  }

  private simulate(s: string): boolean {
    let cur: number[] = [];
    this.stamp++;
    this.add(cur, 0, false);
    for (let p = 0; p < s.length && cur.length; p++) {
      const c = s.charCodeAt(p);
      const next: number[] = [];
      this.stamp++;
      for (const st of cur) {
        if (st < 0) {
          // Inside the folders a `**\/` skips: stay, or leave after a slash.
          const i = -1 - st;
          this.add(next, i, true);
          if (c === SLASH) this.add(next, i + 1, false);
          continue;
        }
        if (st >= this.n) continue;
        const t = this.toks[st]!;
        switch (t.k) {
          case 'ch':
            if (c === t.c) this.add(next, st + 1, false);
            break;
          case 'one':
            if (c !== SLASH) this.add(next, st + 1, false);
            break;
          case 'class':
            if (c !== SLASH && t.test(c)) this.add(next, st + 1, false);
            break;
          case 'star':
            if (c !== SLASH) this.add(next, st, false);
            break;
          case 'anyseq':
            this.add(next, st, false);
            break;
          case 'segments':
            this.add(next, st, true);
            if (c === SLASH) this.add(next, st + 1, false);
            break;
        }
      }
      cur = next;
    }
    return cur.includes(this.n);
  }
}

export interface GlobOptions {
  /** Compare case-insensitively (the `ignore` package's default, kept for .gitignore files). */
  nocase?: boolean;
  /** `a/**` also matches `a` itself (picomatch's behaviour for include/exclude globs). */
  trailingGlobstarMatchesParent?: boolean;
}

/** Compiles one glob (with braces) into its automata. */
function compileOne(pattern: string, opts: GlobOptions): Automaton[] {
  const p = opts.nocase ? pattern.toLowerCase() : pattern;
  const out: Automaton[] = [];
  for (const expanded of expandBraces(p)) {
    // `**/**` is one `**`; collapsing it keeps the automaton small and the meaning the same.
    let alt = expanded;
    for (let prev = ''; prev !== alt; ) {
      prev = alt;
      alt = alt.replace(/(^|\/)\*\*\/\*\*(?=\/|$)/, '$1**');
    }
    out.push(new Automaton(tokenize(alt)));
    // picomatch lets `src/**` match the folder `src` itself, when the folder is named literally.
    const parent = alt.slice(0, -3);
    if (opts.trailingGlobstarMatchesParent && alt.endsWith('/**') && parent && !/[*?[\]]/.test(parent.slice(parent.lastIndexOf('/') + 1))) out.push(new Automaton(tokenize(parent)));
  }
  return out;
}

/**
 * Compiles a list of globs into one test: true when the path matches any of them. A pattern
 * starting with `!` matches the paths its rest does not match.
 */
export function compileGlobs(patterns: readonly string[], opts: GlobOptions = { trailingGlobstarMatchesParent: true }): (path: string) => boolean {
  const positive: Automaton[] = [];
  const negative: Automaton[][] = [];
  for (const pattern of patterns) {
    if (pattern.length > MAX_PATTERN) continue;
    if (pattern.startsWith('!') && pattern.length > 1) negative.push(compileOne(pattern.slice(1), opts));
    else positive.push(...compileOne(pattern, opts));
  }
  return (path: string): boolean => {
    const s = opts.nocase ? path.toLowerCase() : path;
    for (const a of positive) if (a.matches(s)) return true;
    for (const alts of negative) if (!alts.some((a) => a.matches(s))) return true;
    return false;
  };
}

interface IgnoreRule {
  negate: boolean;
  dirOnly: boolean;
  automata: Automaton[];
}

/** The answer for one path, shaped like the `ignore` package's `test()`. */
export interface IgnoreResult {
  ignored: boolean;
  unignored: boolean;
}

/**
 * The rules of gitignore-style files with git's semantics: the last matching rule wins, `!`
 * re-includes, a trailing `/` matches folders only, a pattern with a `/` before its end is
 * anchored to the file's folder (otherwise it matches at any depth), and nothing inside an
 * ignored folder can be re-included. Paths are relative to the folder of the file, with `/`,
 * and end with `/` when they name a folder. Case-insensitive, as the `ignore` package was.
 */
export class IgnoreRules {
  private readonly rules: IgnoreRule[] = [];
  private readonly dirCache = new Map<string, IgnoreResult>();

  /** Adds the lines of one ignore file. */
  add(text: string): this {
    for (const raw of text.split(/\r?\n|\r/)) this.addLine(raw);
    this.dirCache.clear();
    return this;
  }

  private addLine(raw: string): void {
    // Trailing spaces are dropped unless escaped; `#` starts a comment; blank lines separate.
    let line = raw.replace(/(?<!\\)[ \t]+$/, '');
    if (!line || line.startsWith('#') || line.length > MAX_PATTERN) return;
    let negate = false;
    if (line.startsWith('!')) {
      negate = true;
      line = line.slice(1);
    } else if (line.startsWith('\\!') || line.startsWith('\\#')) {
      line = line.slice(1);
    }
    line = line.replace(/\\ $/, ' ');
    let dirOnly = false;
    if (line.endsWith('/')) {
      dirOnly = true;
      line = line.replace(/\/+$/, '');
    }
    if (!line) return;
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.replace(/^\/+/, '');
    const glob = anchored ? line : `**/${line}`;
    this.rules.push({ negate, dirOnly, automata: compileOne(glob, { nocase: true }) });
  }

  /** Tests one path against the rules only (no parent folders). */
  private testSelf(rel: string, isDir: boolean): IgnoreResult {
    const s = rel.toLowerCase();
    // The last matching rule decides, so the search runs from the end and stops at the first match.
    for (let i = this.rules.length - 1; i >= 0; i--) {
      const rule = this.rules[i]!;
      if (rule.dirOnly && !isDir) continue;
      if (rule.automata.some((a) => a.matches(s))) return { ignored: !rule.negate, unignored: rule.negate };
    }
    return { ignored: false, unignored: false };
  }

  /** Tests a path (ending with `/` for a folder), its parent folders first. */
  test(path: string): IgnoreResult {
    const isDir = path.endsWith('/');
    const rel = isDir ? path.slice(0, -1) : path;
    if (!rel) return { ignored: false, unignored: false };
    for (let slash = rel.indexOf('/'); slash > 0; slash = rel.indexOf('/', slash + 1)) {
      const parent = rel.slice(0, slash);
      let r = this.dirCache.get(parent);
      if (!r) {
        r = this.testSelf(parent, true);
        this.dirCache.set(parent, r);
      }
      if (r.ignored) return r;
    }
    return this.testSelf(rel, isDir);
  }

  /** True when the path is ignored. */
  ignores(path: string): boolean {
    return this.test(path).ignored;
  }
}
