/**
 * In-house personalised ranking, as real recommenders write it: items scored, searched or selected
 * with data keyed by the current user (an id, a history, a latent factor, a follow graph).
 *
 * The model is small and language-neutral, over the shared review index (`flow/ast.ts`):
 * - names are classified by their words (`user_factors` → user data, `userId` → a user key,
 *   `followedUsers` → the follow graph, `user_count`/`username`/`userRepository` → nothing), with
 *   the word lists in data/recommenders.json;
 * - inside each function, assignments and loops carry that class to new names (a call made with a
 *   user key returns user data: `queries = GetVectors(ctx, c, []string{userId})`); a loop variable
 *   takes its class from what it iterates when that is known (`for member in zf.infolist()` is
 *   not a customer), a property that is a query or text is that (`entry.searchQuery`), and
 *   comments, constant keyword arguments and functions bound to names carry none;
 * - a site is a call whose callee words say it ranks or scores (`topk`, `SearchScores`, `predict`,
 *   `.dot`, `knnQuery`, `Rerank`) with user-keyed input, or, inside a function whose name says it
 *   recommends or builds a feed, a query/fetch fed with user data (`findArticlesOfAuthors(followed)`,
 *   `external.Pull(userId)`), or a score term read from the viewer's follow graph;
 * - calls of a same-file function that holds a site are sites too (fixpoint, three rounds), so
 *   `recommend_k_items` → `self.score(test)` is reported where it serves the result.
 * One site per function: the strongest, then the first. Offline code (fit/train/evaluate), content
 * review (moderation, copyright) and searches by what the user typed, scoped only by their id, are
 * skipped; a React hook's callback is a function of its own.
 */
import type { Node } from 'web-tree-sitter';
import recData from '../../../../data/recommenders.json';
import type { Family } from '../../analysis/model';
import { chunked, statementMemo } from '../../analysis/chunks';
import { TextMemo, rememberByText } from '../../analysis/textMemo';
import { codeWithoutProse } from '../flow/lexical';
import { type CallInfo, type FileIndex, type FunctionInfo, type LoopInfo, callInfoOf, callNodeId, enclosingFunction, enclosingFunctionOfCall, functionNamed, nodeOfAssign, nodeOfCall, nodeOfLoop, within } from '../flow/ast';

export type UserKind = 'id' | 'data';

export interface PersonalSite {
  node: Node;
  fn: FunctionInfo;
  /** 3 ranking/scoring call, 2 query fed with user data or a follow-graph score term, 1 a sort. */
  strength: number;
  /** What the rule saw, for the message: `topk(item_factors, user)` with `user` from `userid`. */
  what: string;
}

const P = recData.personal;
const SUBJECT = new RegExp(P.subjectTokens);
const DATA = new Set(P.dataTokens);
const SOCIAL = new Set(P.socialTokens);
const INANIMATE_FOLLOW = new Set(P.inanimateFollowObjects);
const EXCLUDE = new Set(P.excludeTokens);
const OBJECT = new Set(P.objectTokens);
const STRONG = new Set(P.strongSinkTokens);
const SORT = new Set(P.sortTokens);
const WEAK_VERBS = new Set(P.queryVerbs);
const KEY_VERBS = new Set(P.keyedQueryVerbs);
const WRITE_VERBS = new Set(P.writeVerbs);
const PURPOSE = new Set(P.purposeTokens);
const NON_PERSONAL = new Set(P.nonPersonalTokens);
const CONTENT_REVIEW = new Set(P.contentReviewTokens);
const OFFLINE = new RegExp(P.offlineFunctions);
const OFFLINE_WORDS = new Set(P.offlineTokens);
const VECTOR = new Set(['vector', 'vectors', 'embedding', 'embeddings']);

/**
 * A pattern that finds any of `tokens` as a word of a name, the way `words` splits names:
 * `user_factors`, `userId`, `getUserFeedback`, `USER_ID`. A superset of `words` (a token after a
 * digit also counts), so a file it rejects has no such word in any name.
 */
export function wordPattern(tokens: readonly string[]): RegExp {
  const alts: string[] = [];
  for (const t of new Set(tokens)) {
    const cap = t[0]!.toUpperCase() + t.slice(1);
    alts.push(`(?<![A-Za-z])${t}(?![a-z])`, `${cap}(?![a-z])`, `(?<![A-Z])${t.toUpperCase()}(?![A-Z])`);
  }
  return new RegExp(alts.join('|'));
}

/** The alternatives of an anchored alternation such as `^(?:user|users|uid)$`. */
function alternatives(pattern: string): string[] {
  const m = /^\^\(\?:(.*)\)\$$/.exec(pattern);
  return (m ? m[1]! : pattern).split('|');
}

/** A name that can hold a user key or user data: its words name the person served or their follow graph. */
const USER_WORD = wordPattern([...alternatives(P.subjectTokens), ...P.socialTokens]);
/** A name that can rank, sort, select for a purpose, or query by vector (every kind of site below). */
const SITE_WORD = wordPattern([...P.strongSinkTokens, ...P.sortTokens, ...P.purposeTokens, 'rate', 'top', 'topn', 'query']);

/**
 * True when the text can hold a personal ranking site: a site needs a name whose words say
 * "user" (or the follow graph) and a name whose words say it ranks, sorts, serves a feed or
 * queries by vector. Word-level, so `build`, `fluid`, `border` and `underscore` do not count.
 */
export function personalMayApply(text: string, family: Family): boolean {
  if (!USER_WORD.test(text) || !SITE_WORD.test(text)) return false;
  // Comments and docstrings say "the following", "user" and "order" far more often than names do.
  const code = codeWithoutProse(text, family);
  return hasUserName(code) && hasSiteName(code);
}

const SITE_WORDS = new RegExp(SITE_WORD.source, 'g');
/** What follows a name that is called or declared with parameters: `rank(`, `topK<T>(`, `Slice[T](`. */
const CALLED = /^\s*(?:<[^<>()\n]{0,80}>|\[[^[\]()\n]{0,80}\])?\s*\(/;
/** What precedes a declared function or type name: `def `, `class `, Go's `func (s *`. */
const DECLARED_AFTER = /(?:\b(?:class|struct|interface|def|func|function|fn|type|object|trait|enum|record)\s+|\bfunc\s*\(\s*\w+\s+\*?)$/;
/** What follows a name bound to a function: `feed = async (`, `feed: function`, `feed = lambda`. */
const BOUND_TO_FUNCTION = /^\s*(?::[^=\n]{0,80})?[=:]\s*(?:async\s*)?(?:function\b|lambda\b|\(|[A-Za-z_$][\w$]*\s*=>)/;

/**
 * True when some name can make a site (see `personalSites`): a called or declared name whose
 * words rank, score or sort (`topk(`, `sorted(`, `getRecommendations(`), or a function or type
 * whose name gives the purpose that makes plain queries count (`def feed`, `class RecallService`,
 * `func (s *FeedService)`). SDK type files name fields `query`, `score` and `top_k` and pass the
 * word test; they declare no such function, so they are not parsed for this rule.
 */
function hasSiteName(code: string): boolean {
  return someWholeName(code, SITE_WORDS, (name, a, b) => isSiteName(code, name, a, b));
}

/** Whether the whole name `name` at `a`..`b` of `code` can make a site (see {@link hasSiteName}). */
function isSiteName(code: string, name: string, a: number, b: number): boolean {
  const ws = words(name);
  const purpose = ws.some((w) => PURPOSE.has(w));
  if (!purpose && !ranksByName(ws, ws.join('_')) && !sortsByName(ws)) return false;
  const after = code.slice(b, b + 120);
  if (CALLED.test(after)) return true;
  return purpose && (DECLARED_AFTER.test(code.slice(Math.max(0, a - 40), a)) || BOUND_TO_FUNCTION.test(after));
}

/**
 * {@link personalMayApply} per top-level statement: true when one statement holds both a user
 * name and a name that can make a site. Every site `personalSites` reports is in a function, and
 * what makes it one lies in that function's top-level statement: the user name (in the call's
 * arguments, in an assignment or loop of the function, or a parameter of a function around it)
 * and the ranking or purpose name (the call's own name, the function's, its class's or its Go
 * receiver type's). So a file whose user names and ranking calls lie in different statements has
 * no site. Generated bundles are such files: a chat role `user` in one function and a `sort(` in
 * another pass the file-wide test, and the review index of a megabyte of code found nothing.
 * `statementOf` gives the start of the top-level statement holding an offset. Linear in the text.
 */
export function personalMayApplyByStatement(text: string, family: Family, statementOf: (offset: number) => number): boolean {
  // The file-wide test's quick rejections; its name tests are implied by the pass below, which
  // accepts only a statement holding a name of each kind.
  if (!USER_WORD.test(text) || !SITE_WORD.test(text)) return false;
  const code = codeWithoutProse(text, family);
  const withUser = new Set<number>();
  someWholeName(code, USER_WORDS, (name, a) => {
    if (classifyName(name) !== null || followGraphWords(words(name))) withUser.add(statementOf(a));
    return false;
  });
  return someWholeName(code, SITE_WORDS, (name, a, b) => withUser.has(statementOf(a)) && isSiteName(code, name, a, b));
}

const USER_WORDS = new RegExp(USER_WORD.source, 'g');

/**
 * True when some whole name in the code is one the model starts from: a user key or user data
 * (`classifyName`), or a name of the follow graph (`userAgent`, `serialVersionUID` and
 * `createUserContent` hold the word and are still not about the person served).
 */
function hasUserName(code: string): boolean {
  return someWholeName(code, USER_WORDS, (name) => classifyName(name) !== null || followGraphWords(words(name)));
}

/**
 * True when `test` holds for some whole name (`[A-Za-z0-9_$]+`) around a match of the global
 * pattern `words`, given the name and its span. Each name is tested once: the scan resumes after
 * it, since the rest of a name cannot hold another candidate. Linear in the code.
 */
function someWholeName(code: string, pattern: RegExp, test: (name: string, start: number, end: number) => boolean): boolean {
  pattern.lastIndex = 0;
  for (let m = pattern.exec(code); m; m = pattern.exec(code)) {
    let a = m.index;
    let b = m.index + m[0].length;
    while (a > 0 && isNameChar(code.charCodeAt(a - 1))) a--;
    while (b < code.length && isNameChar(code.charCodeAt(b))) b++;
    if (test(code.slice(a, b), a, b)) return true;
    pattern.lastIndex = b;
  }
  return false;
}

/**
 * Whether a callee's words say it ranks or scores (`topk`, `SearchScores`, `.dot`, `knnQuery`,
 * `queryVectors`, `rate`): the strong sites of `callSite`, and the names the prefilter looks for.
 */
function ranksByName(ws: readonly string[], name: string): boolean {
  return ws.some((w) => STRONG.has(w)) || /(?:^|_)top_?[kn](?:_|$)/.test(ws.join('_')) || (ws.includes('query') && ws.some((w) => VECTOR.has(w))) || name === 'rate';
}

/**
 * Whether a callee's words say it sorts. `order` is a sort only as `order(...)` itself or as
 * `order by` (`orderBy`, `order_by`, `OrderByDescending`); elsewhere it is a purchase order
 * (`getOrderPromotionInfo`, `sumOrderTotal`), which e-commerce code names everywhere.
 */
function sortsByName(ws: readonly string[]): boolean {
  return ws.some((w, i) => SORT.has(w) && (w !== 'order' || ws.length === 1 || ws[i + 1] === 'by'));
}

/**
 * A query whose name says it filters by the person served (`findByCustomerIdOrderByViewedAtDesc`,
 * `listByUserIdAndStatusOrderByCreated`): a derived query over that person's own rows (their
 * history, orders, cart), listed for them. Its sort is not a ranking for them; it is still a
 * keyed query, which counts where the function serves a feed or recommendations.
 */
function ownRowsQuery(ws: readonly string[]): boolean {
  const by = ws.indexOf('by');
  if (by <= 0 || !WEAK_VERBS.has(ws[0]!) || by + 1 >= ws.length || !SUBJECT.test(ws[by + 1]!)) return false;
  // `findByCustomerIdIn(friendIds)` selects other people's rows (a follow graph's), not the person's own.
  const next = ws[by + 2] === 'id' ? ws[by + 3] : ws[by + 2];
  return next !== 'in';
}

function isNameChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}

/** `getUserFeedback` → `get_user_feedback` → [get, user, feedback]. */
export function words(name: string): readonly string[] {
  // The same few hundred names are split on every keystroke; the answers are shared (read-only).
  let ws = wordsMemo.get(name);
  if (!ws) {
    ws = Object.freeze(
      name
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter((w) => w.length > 0),
    );
    // Bounded: a generated bundle has more distinct names than are worth keeping.
    rememberByText(wordsMemo, name, ws, WORDS_MEMO_MAX);
  }
  return ws;
}

const WORDS_MEMO_MAX = 20_000;
const wordsMemo = new Map<string, readonly string[]>();

/**
 * Whether a name's words speak of the follow graph (`followedUsers`, `isFollow`, `friend_ids`).
 * A follow word whose next word is a thing is the verb `follow` with that object
 * (`follow_symlinks`, `followRedirects`, `follow_up`): file systems, HTTP clients and chat UIs say
 * it far more often than social code does.
 */
function followGraphWords(ws: readonly string[]): boolean {
  return ws.some((w, i) => SOCIAL.has(w) && !INANIMATE_FOLLOW.has(ws[i + 1] ?? ''));
}

const PREDICATE = new Set(['is', 'has', 'should', 'can', 'did', 'was', 'needs', 'must']);

const kindCache = new Map<string, UserKind | null>();

/** The class of a name by its words alone. */
export function classifyName(name: string): UserKind | null {
  const hit = kindCache.get(name);
  if (hit !== undefined) return hit;
  const ws = words(name);
  let out: UserKind | null = null;
  if (!ws.some((w) => EXCLUDE.has(w))) {
    if (followGraphWords(ws)) out = 'data';
    // `isUserUpload`, `has_user_voice`: a predicate is a yes/no about something, not the user's key
    // or profile (the follow graph's `isFollowing` is kept above).
    else if (PREDICATE.has(ws[0]!) && ws.length > 1) out = null;
    else {
      const subject = ws.findIndex((w) => SUBJECT.test(w));
      const object = ws.findIndex((w) => OBJECT.has(w));
      // `item_users` are the users of an item: keyed by the item, not by the person served.
      if (subject >= 0 && !(object >= 0 && object < subject)) out = ws.some((w) => DATA.has(w)) ? 'data' : 'id';
    }
  }
  rememberByText(kindCache, name, out, 5000);
  return out;
}

const IDENT = /[A-Za-z_$][\w$]*/g;
/** A name and the properties read from it: `video.user?.name`, `ctx.user.id`. */
/** Words of excluded names that still identify a person when read from a user object. */
const IDENTITY = new Set(['name', 'names', 'username', 'usernames', 'email']);
const CHAIN = /[A-Za-z_$][\w$]*(?:\s*\??\.\s*[A-Za-z_$][\w$]*)*/g;
/** Literal constants of every family's grammar: they carry no one's data. */
const CONSTANT = /^(?:true|false|none|null|nil|undefined|integer|float|number|int_literal|float_literal|decimal_integer_literal|decimal_floating_point_literal|string|string_literal|interpreted_string_literal|raw_string_literal)$/;
const RECEIVER = /^(?:self|this|cls)$/;
const STRINGS = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`/g;
/**
 * Strings, then comments, one alternation so a `//` inside a string stays in it. An expression's
 * text keeps the comments written inside it (a callback's "the user sees ..."); they are prose.
 */
const STRINGS_OR_COMMENTS = {
  hash: new RegExp(`${STRINGS.source}|#[^\\n]*`, 'g'),
  slash: new RegExp(`${STRINGS.source}|\\/\\*[\\s\\S]*?\\*\\/|\\/\\/[^\\n]*`, 'g'),
};

interface Scope {
  kinds: Map<string, UserKind>;
  /** Names holding the result of a library call the rule already reported. */
  library: Set<string>;
  /**
   * Names whose value is known to say nothing of a user, whatever their own words: the counter of
   * `enumerate`, or a loop variable over archive members (`for member in zf.infolist()`). A class
   * set in `kinds` by another binding still wins.
   */
  neutral: Set<string>;
  family: Family;
}

/** The strongest user class among the identifiers of an expression, with the name that gave it. */
function exprKind(text: string, scope: Scope): { kind: UserKind; name: string } | null {
  const code = text.length > 2000 ? text.slice(0, 2000) : text;
  let best: { kind: UserKind; name: string } | null = null;
  const clean = code.replace(STRINGS_OR_COMMENTS[scope.family === 'python' ? 'hash' : 'slash'], (t) => (t.startsWith('#') || t.startsWith('/') ? ' ' : '""'));
  for (const m of clean.matchAll(CHAIN)) {
    if (constantKeyword(clean, m.index, m[0].length)) continue;
    const parts = m[0].split(/\s*\??\.\s*/);
    // A property whose words say it is a name, a query, a text or a count (`entry.searchQuery`,
    // `video.user.name`, `ctx.user.email`) holds that, not the user's profile or key, whatever
    // object it is read from: the same words that exclude `username` and `user_query`.
    // A user's name or email read this way still names the user (`findByUsername(req.user.name)`).
    if (parts.length > 1 && words(parts[parts.length - 1]!).some((w) => EXCLUDE.has(w) && !IDENTITY.has(w))) continue;
    for (let i = 0; i < parts.length; i++) {
      const name = parts[i]!;
      // Only the root is a variable of this function; the properties are classed by their words.
      const k = i === 0 ? (scope.kinds.get(name) ?? (scope.neutral.has(name) ? null : classifyName(name))) : classifyName(name);
      // `video.user`, `post.author.followers`: the user of an item is its author or uploader, keyed
      // by the item (as `item_users` is), not the person served.
      if (!k && i < parts.length - 1 && words(name).some((w) => OBJECT.has(w))) break;
      if (!k) continue;
      if (k === 'data') return { kind: k, name };
      best ??= { kind: k, name };
    }
  }
  return best;
}

/**
 * Whether the name at `start` is a keyword argument given a constant (`f(x, follow_symlinks=False)`,
 * `g(top_k=5)`): the name is the callee's parameter, and a constant carries no one's data.
 */
function constantKeyword(code: string, start: number, length: number): boolean {
  return /[(,]\s*$/.test(code.slice(Math.max(0, start - 20), start)) && KEYWORD_CONSTANT.test(code.slice(start + length, start + length + 40));
}

const KEYWORD_CONSTANT = /^\s*=(?!=)\s*(?:True|False|None|true|false|null|nil|-?\d[\w.]*|"")\s*[,)]/;

/** Whether a call's name says it returns a user's key: `getAuthenticatedUserId`, `current_user_id`. */
function returnsUserKey(value: Node, idx: FileIndex): boolean {
  let v: Node = value;
  while ((v.type === 'await_expression' || v.type === 'await') && v.firstNamedChild) v = v.firstNamedChild;
  const c = /call|invocation/.test(v.type) ? callInfoOf(idx, v) : undefined;
  if (!c) return false;
  const ws = words(c.name);
  return classifyName(c.name) === 'id' && /^(?:id|ids|uid|uids|userid|userids|memberid|customerid|key)$/.test(ws[ws.length - 1] ?? '');
}

const FUNCTION_VALUE = /^(?:arrow_function|function_expression|function|lambda|func_literal|lambda_expression)$/;

function isCallLike(node: Node): boolean {
  let n: Node | null = node;
  while (n && (n.type === 'await_expression' || n.type === 'await' || n.type === 'parenthesized_expression')) n = n.firstNamedChild;
  return !!n && /call|invocation|creation/.test(n.type);
}

/** The nearest named function around `fn` (Go closures and Python lambdas take their parent's name). */
function purposeName(fn: FunctionInfo, idx: FileIndex): string {
  let f: FunctionInfo | null = fn;
  for (let i = 0; f && i < 4; i++) {
    if (f.name) return f.name;
    f = enclosingFunction(f.node, idx);
  }
  return '';
}

/**
 * The type a method belongs to: Go's receiver type, or the enclosing class (`UserGlobalHotRecall`).
 * Both lie within the method's top-level statement, so the answer is kept with its text.
 */
function ownerTypeName(fn: FunctionInfo, idx: FileIndex): string {
  return statementMemo('owner-type', fn.node, () => ownerTypeNameOf(fn, idx));
}

function ownerTypeNameOf(fn: FunctionInfo, idx: FileIndex): string {
  let f: FunctionInfo | null = fn;
  for (let i = 0; f && i < 4; i++) {
    if (f.node.type === 'method_declaration' && idx.family === 'go') {
      const recv = f.node.childForFieldName('receiver');
      return recv?.namedChildren.find((c) => c?.type === 'parameter_declaration')?.childForFieldName('type')?.text.replace(/^\*/, '') ?? '';
    }
    const next: FunctionInfo | null = enclosingFunction(f.node, idx);
    if (!next) break;
    f = next;
  }
  for (let p = f?.node.parent ?? null; p; p = p.parent) {
    if (/^class_(?:declaration|definition)$|^class$/.test(p.type)) return p.childForFieldName('name')?.text ?? '';
  }
  return '';
}

/** Go's method receiver name (`r` in `func (r *Recommender) ...`), which plays the part of `self`. */
function receiverName(fn: FunctionInfo, idx: FileIndex): string | undefined {
  let f: FunctionInfo | null = fn;
  for (let i = 0; f && i < 4; i++) {
    if (f.node.type === 'method_declaration' && idx.family === 'go') {
      const recv = f.node.childForFieldName('receiver');
      const name = recv?.namedChildren.find((c) => c?.type === 'parameter_declaration')?.childForFieldName('name');
      return name?.text;
    }
    f = enclosingFunction(f.node, idx);
  }
  return undefined;
}

/** A lambda passed as an argument (a sort key, a comparator, a map callback) is part of its caller. */
function isInlineArgument(node: Node, idx: FileIndex): boolean {
  // Asked for a function once per call it holds; each answer walks parents, a parser call each.
  // The parents up to the top-level statement decide it, so the answer is kept with the
  // statement's text and found again after edits elsewhere.
  return statementMemo('inline-argument', node, () => inlineArgument(node, idx));
}

function inlineArgument(node: Node, idx: FileIndex): boolean {
  const p = node.parent;
  // A handler passed to a module-level call (`router.get('/feed', async (req, res) => ...)`) is a function of its own.
  if (!enclosingFunction(node, idx)) return false;
  // React keeps a hook's callback for later (`useCallback`, `useEffect`) or memoises its result
  // (`useMemo`): it is a function of its own, and merging a component's dozens of handlers into
  // the component would let one `user` in it classify every handler's names.
  if (p?.type === 'arguments' && HOOK.test(p.parent?.childForFieldName('function')?.text ?? '')) return false;
  return !!p && (p.type === 'arguments' || p.type === 'argument_list' || p.type === 'keyword_argument' || (p.type === 'pair' && p.parent?.parent?.type === 'arguments'));
}

/** The function a node belongs to, looking through inline lambdas. */
function ownerFunction(node: Node, idx: FileIndex): FunctionInfo | null {
  return outOfLambdas(enclosingFunction(node, idx), idx);
}

/** `f`, or the function it is an inline lambda of (up to four levels). */
function outOfLambdas(f: FunctionInfo | null, idx: FileIndex): FunctionInfo | null {
  for (let i = 0; f && i < 4 && isInlineArgument(f.node, idx); i++) f = enclosingFunction(f.node, idx);
  return f;
}

/** A site inside an inline lambda is reported at the call that receives the lambda (`items.sort(...)`). */
function liftOutOfLambda(node: Node, owner: FunctionInfo, idx: FileIndex): Node {
  let n = node;
  for (let f = enclosingFunction(n, idx), i = 0; f && f !== owner && i < 4; f = enclosingFunction(n, idx), i++) {
    let p: Node | null = f.node.parent;
    while (p && !/call|invocation|creation/.test(p.type)) p = p.parent;
    if (!p) break;
    n = p;
  }
  return n;
}

const HOOK = /^(?:React\.)?use(?:Callback|Effect|LayoutEffect|Memo)$/;

function isPrivate(fn: FunctionInfo, idx: FileIndex): boolean {
  const name = fn.name ?? '';
  if (name.startsWith('_') || name.startsWith('#')) return true;
  if (idx.family === 'java') return /^\s*(?:@\w+(?:\([^)]*\))?\s+)*private\b/.test(fn.node.text.slice(0, 200));
  return false;
}

function isOffline(fn: FunctionInfo): boolean {
  // A training loss, negative sampling or a constructor scores users against items to fit or build
  // the model, not to serve anyone (`calculate_loss`, `_neg_sampling`, `__init__`).
  return (!!fn.name && (OFFLINE.test(fn.name) || words(fn.name).some((w) => OFFLINE_WORDS.has(w)))) || fn.decorators.some((d) => /@Test\b|pytest/.test(d));
}

/**
 * Personalised ranking sites in a file, at most one per function. `skip` holds call nodes the
 * caller already reported (library calls), so a function's in-house ranking is still found.
 */
export function personalSites(idx: FileIndex, skip: ReadonlySet<number> = new Set()): PersonalSite[] {
  const byFn = new Map<number, PersonalSite>();
  const fns = idx.functions.filter((f) => f.body && !isOffline(f) && !isInlineArgument(f.node, idx));
  // Names of functions that hold a site, grown to a fixpoint below.
  const personalFns = new Set<string>();
  const deferred: { target: FunctionInfo; site: PersonalSite }[] = [];

  const consider = (fn: FunctionInfo, site: PersonalSite): void => {
    const prev = byFn.get(fn.node.id);
    if (!prev || site.strength > prev.strength) byFn.set(fn.node.id, site);
  };

  // Each call's owner and enclosing function, found once: the loops below visit every function,
  // and nested functions would otherwise make each call be looked at once per enclosing function.
  const callsOwnedBy = new Map<number, CallInfo[]>();
  const callsEnclosedBy = new Map<number, CallInfo[]>();
  // Only where each call is is read here, so a carried call's node is not moved (most calls of a
  // file never are: the rules pick calls by name).
  for (const c of idx.calls) {
    const enclosing = enclosingFunctionOfCall(c, idx);
    if (!enclosing) continue;
    pushTo(callsEnclosedBy, enclosing.node.id, c);
    const owner = outOfLambdas(enclosing, idx);
    if (owner) pushTo(callsOwnedBy, owner.node.id, c);
  }

  for (const fn of fns) {
    // The user classes of a function's names are worked out only when one of its calls has a
    // ranking name (or its name says it serves a feed): most functions of a file have none.
    let scope: Scope | undefined;
    const scopeFor = (): Scope => (scope ??= scopeOfMemo(fn, idx, skip));
    const purpose = words(purposeName(fn, idx));
    const typeWords = words(ownerTypeName(fn, idx));
    // `get_popularity_based_topk`, `recommendLatest`, a method of `GlobalHotRecall`: a list the
    // function's or its type's name says is not personal.
    if (purpose.some((w) => NON_PERSONAL.has(w)) || typeWords.some((w) => NON_PERSONAL.has(w))) continue;
    // `runCopyrightMediaCheck`, a method of `ModerationPipeline`: content review scores content
    // against a policy; the user's id it carries is for attribution and quotas.
    if (purpose.some((w) => CONTENT_REVIEW.has(w)) || typeWords.some((w) => CONTENT_REVIEW.has(w))) continue;
    const byName = purpose.some((w) => PURPOSE.has(w));
    // A method of a `FeedConfigGenerator` or `RecommendService` serves that purpose whatever its own
    // name, but only user data (not a bare user key) counts there.
    const byType = !byName && typeWords.some((w) => PURPOSE.has(w));
    const purposeful = byName || byType;
    for (const c of callsOwnedBy.get(fn.node.id) ?? []) {
      if (skip.has(callNodeId(c))) continue;
      const site = callSite(c, fn, scopeFor, purposeful, byType);
      if (!site) continue;
      const lifted = { ...site, node: liftOutOfLambda(site.node, fn, idx) };
      // A same-file function is judged by its body first: when it ranks, it is reported there and
      // this call is its caller; when it does not (a generic scoring helper), this call is the site.
      const target = !c.receiver || /^(?:self|this|cls)$/.test(c.receiver.text) ? functionNamed(idx, c.name) : undefined;
      if (target) deferred.push({ target, site: lifted });
      else consider(fn, lifted);
    }
    if (purposeful) {
      // A score term read from the viewer's follow graph (`isFollow ? boost : 0`).
      for (const a of within(idx.assigns, fn.node.startIndex, fn.node.endIndex, nodeOfAssign)) {
        if (ownerFunction(a.node, idx) !== fn || isCallLike(a.value)) continue;
        const social = [...a.value.text.matchAll(IDENT)].find((m) => followGraphWords(words(m[0])));
        if (social) {
          consider(fn, { node: a.node, fn, strength: 2, what: `a score term from the viewer's follow graph (${social[0]})` });
          break;
        }
        // A profile attribute copied into the ranking request (`config.country = user.country`).
        const m = /^([A-Za-z_$][\w$]*)\??\./.exec(a.value.text);
        if (m && a.leftText.includes('.') && classifyName(m[1]!) !== null && scopeFor().kinds.get(m[1]!) === 'data') {
          consider(fn, { node: a.node, fn, strength: 2, what: `a profile attribute of \`${m[1]}\` copied into ${a.leftText.split('.')[0]}` });
          break;
        }
      }
    }
  }

  for (const d of deferred) if (!byFn.has(d.target.node.id)) consider(d.site.fn, d.site);

  // Calls of same-file functions that rank for a user are where that ranking is served.
  for (let round = 0; round < 3; round++) {
    let changed = false;
    for (const s of byFn.values()) if (s.fn.name && !personalFns.has(s.fn.name)) {
      personalFns.add(s.fn.name);
      changed = true;
    }
    if (!changed) break;
    for (const fn of fns) {
      if (byFn.get(fn.node.id)?.strength === 3) continue;
      const recv = receiverName(fn, idx);
      for (const c of callsEnclosedBy.get(fn.node.id) ?? []) {
        if (!personalFns.has(c.name)) continue;
        const r = c.receiver?.text;
        if (r !== undefined && r !== 'self' && r !== 'this' && r !== 'cls' && r !== recv) continue;
        const target = functionNamed(idx, c.name);
        // A private helper is reported where it ranks, with its public caller as the entry point.
        if (!target || target === fn || isPrivate(target, idx)) continue;
        consider(fn, { node: c.node, fn, strength: 3, what: `${c.name}(), which ranks for the user` });
        break;
      }
    }
  }
  return [...byFn.values()].sort((a, b) => a.node.startIndex - b.node.startIndex);
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Scopes by what decides them: the function's own text and node kind, the parameters of the
 * functions around it, the language. `scopeOf` reads nothing else (the assignments, loops and
 * calls inside the function, and the names of those calls), so a function an edit did not touch
 * gets back the scope it had, and the per-keystroke cost of the rule follows the edit. Keyed by
 * content (see `TextMemo`): by the function's text first, used as it is, not copied into a longer
 * key, then by the rest. At most 4,096 functions and 4 million characters of their text.
 */
const scopeMemo = new TextMemo<Map<string, Scope>>(4_000_000, 4096);

function scopeOfMemo(fn: FunctionInfo, idx: FileIndex, skip: ReadonlySet<number>): Scope {
  const scope = userClasses(fn, idx);
  // Names holding a reported library call's result depend on which calls were reported, so they
  // are found on each run (they are not read while the classes are worked out).
  return skip.size > 0 ? { ...scope, library: libraryResults(fn, idx, skip) } : scope;
}

/**
 * The names inside `fn` assigned the result of a call in `skip`: results of an already reported
 * library call (`scores = model.predict(user)`) are that ranking.
 */
function libraryResults(fn: FunctionInfo, idx: FileIndex, skip: ReadonlySet<number>): Set<string> {
  const library = new Set<string>();
  for (const a of within(idx.assigns, fn.node.startIndex, fn.node.endIndex, nodeOfAssign)) {
    if (within(idx.calls, a.value.startIndex, a.value.endIndex, nodeOfCall).some((c) => skip.has(c.node.id))) for (const t of a.targets) library.add(t);
  }
  return library;
}

/** {@link scopeOf} without library results, memoised (see `scopeMemo`). */
function userClasses(fn: FunctionInfo, idx: FileIndex): Scope {
  // Only the editor's trees meet their functions again: a scan reads each file once.
  if (!chunked(fn.node.tree)) return scopeOf(fn, idx);
  let context = `${idx.family}\u0000${fn.node.type}`;
  for (let f: FunctionInfo | null = fn, i = 0; f && i < 4; f = enclosingFunction(f.node, idx), i++) context += `\u0000${f.params.join(',')}`;
  const byContext = scopeMemo.get(fn.node.text, () => new Map());
  let scope = byContext.get(context);
  if (!scope) {
    scope = scopeOf(fn, idx);
    byContext.set(context, scope);
  }
  return scope;
}

/** The user classes of the names of `fn`, with no library results (see `scopeOfMemo`). */
function scopeOf(fn: FunctionInfo, idx: FileIndex): Scope {
  const kinds = new Map<string, UserKind>();
  const scope: Scope = { kinds, library: new Set(), neutral: new Set(), family: idx.family };
  // Parameters of an enclosing function are visible in closures (Go func literals, lambdas).
  for (let f: FunctionInfo | null = fn, i = 0; f && i < 4; f = enclosingFunction(f.node, idx), i++) {
    for (const p of f.params) {
      const k = classifyName(p);
      if (k && !kinds.has(p)) kinds.set(p, k);
    }
  }
  const assigns = within(idx.assigns, fn.node.startIndex, fn.node.endIndex, nodeOfAssign);
  const loops = within(idx.loops, fn.node.startIndex, fn.node.endIndex, nodeOfLoop);
  const calls = within(idx.calls, fn.node.startIndex, fn.node.endIndex, nodeOfCall);
  const locals = new Set(assigns.flatMap((a) => a.targets));
  // Loop variables known to say nothing of a user are set aside before the rounds, so the names
  // assigned from them (`base = basename(member.filename)`) do not take the variable's own words.
  for (const l of loops) for (const [v, iter] of loopBindings(l)) if (!iter || knownWithoutUsers(iter, locals)) scope.neutral.add(v);
  for (let round = 0; round < 2; round++) {
    // A call given user data fills its out-parameters with it (`tpl.Execute(&buf, userCtx)`).
    for (const c of calls) {
      const outs = c.args.filter((a) => a.type === 'unary_expression' && a.text.startsWith('&') && a.lastNamedChild?.type === 'identifier');
      if (outs.length === 0 || !c.args.some((a) => !outs.includes(a) && exprKind(a.text, scope))) continue;
      for (const o of outs) kinds.set(o.lastNamedChild!.text, 'data');
    }
    // A local builder given user data holds it (`gen.AddFeatures(nil, nil, userFeatures)`).
    for (const c of calls) {
      const r = c.receiver;
      if (r?.type !== 'identifier' || kinds.get(r.text) === 'data' || !locals.has(r.text)) continue;
      if (c.args.some((a) => exprKind(a.text, scope)?.kind === 'data')) kinds.set(r.text, 'data');
    }
    for (const a of assigns) {
      // A function bound to a name (`const emit = () => {...}`) is code, not a value about anyone;
      // its body is a function of its own.
      if (FUNCTION_VALUE.test(a.value.type)) continue;
      const k = exprKind(valueText(a.value, idx), scope);
      if (!k) continue;
      // A call made with a user key returns data about that user; an alias keeps the class.
      // A call whose name says it returns the key (`getAuthenticatedUserId(req)`) returns the key.
      const kind: UserKind = isCallLike(a.value) && !returnsUserKey(a.value, idx) ? 'data' : k.kind;
      // `self.user_history = ...` stores user data in the object; the object is not the user, and
      // taking it for one would make every `self.sort()` of the class personal.
      for (const t of a.targets) if (kinds.get(t) !== 'data' && !RECEIVER.test(t)) kinds.set(t, kind);
    }
    for (const l of loops) {
      for (const [v, iter] of loopBindings(l)) {
        if (v === '_') continue;
        const k = iter ? exprKind(iter.text, scope) : null;
        // A loop variable takes its class from what it iterates when that is known: an archive's
        // `member` or `enumerate`'s counter is not the person served, whatever the variable is
        // called (the pre-pass above). Only an iterable of unknown content (a parameter) leaves the
        // variable's own name to speak.
        if (k) kinds.set(v, k.kind === 'data' || isCallLike(iter!) ? 'data' : 'id');
      }
    }
  }
  return scope;
}

/**
 * Each variable a loop binds, with the expression its value comes from (null for a counter).
 * Python's `for i, x in enumerate(xs)` binds a counter and an item of `xs`, and
 * `for a, b in zip(as_, bs)` one item of each sequence; any other loop binds every variable to
 * the whole iterable.
 */
function loopBindings(l: LoopInfo): [string, Node | null][] {
  const all = (): [string, Node | null][] => l.vars.map((v) => [v, l.iter]);
  const left = l.node.childForFieldName('left');
  if (l.node.type !== 'for_statement' || l.iter.type !== 'call' || (left?.type !== 'pattern_list' && left?.type !== 'tuple_pattern')) return all();
  const names = left.namedChildren;
  if (names.length !== l.vars.length || names.some((n) => n?.type !== 'identifier')) return all();
  const callee = l.iter.childForFieldName('function')?.text;
  const args = (l.iter.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a);
  if (callee === 'enumerate' && l.vars.length === 2 && args[0] && args[0].type !== 'keyword_argument') return [[l.vars[0]!, null], [l.vars[1]!, args[0]]];
  // `zip(*rows)` or `zip(a, b, strict=True)`: positions are not the arguments'.
  if (callee === 'zip' && args.length === l.vars.length && args.every((a) => !/splat|keyword_argument/.test(a.type))) return l.vars.map((v, i) => [v, args[i]!]);
  return all();
}

/**
 * Whether an iterable is known and its names say nothing of a user: a call or attribute
 * (`zf.infolist()`, `os.scandir(d)`, `self.entries`) or a local bound in the function, with no
 * user word anywhere in it (`range(n_users)` still counts users).
 */
function knownWithoutUsers(iter: Node, locals: ReadonlySet<string>): boolean {
  if (iter.type === 'identifier' && !locals.has(iter.text)) return false;
  return !USER_WORD.test(iter.text.replace(STRINGS, '""'));
}

/**
 * The text whose names decide what an assigned value holds. For a method call on a collection of
 * people (`users.findByUsername(name)`) only the arguments count: the collection is not the user.
 */
function valueText(value: Node, idx: FileIndex): string {
  let v: Node = value;
  while ((v.type === 'await_expression' || v.type === 'await') && v.firstNamedChild) v = v.firstNamedChild;
  const c = /call|invocation/.test(v.type) ? callInfoOf(idx, v) : undefined;
  if (c?.receiver?.type === 'identifier' && /^(?:users|members|customers|subscribers|accounts)$/i.test(c.receiver.text)) return [...c.args.map((a) => a.text), ...[...c.kwargs.values()].map((a) => a.text)].join(' ');
  return value.text;
}

/** The input text of a call: its arguments and, for `x.dot(y)` shapes, its receiver. */
function inputsOf(c: CallInfo): string[] {
  // A callback's body is judged as part of its owner function, not as input to this call.
  const out = c.args.filter((a) => !/arrow_function|lambda|func_literal|function_expression|^function$/.test(a.type)).map((a) => a.text);
  for (const v of c.kwargs.values()) out.push(v.text);
  // Keyword names count too: `model.rate(user_idx=..., item_idx=...)`. A keyword is a parameter
  // name, not data: given a constant (`is_dir(follow_symlinks=False)`), it passes no one's data.
  for (const [k, v] of c.kwargs) if (!CONSTANT.test(v.type)) out.push(k);
  if (c.receiver && /subscript|index_expression|element_reference|array_access/.test(c.receiver.type)) out.push(c.receiver.text);
  else if (c.receiver && c.name === 'dot') out.push(c.receiver.text);
  return out;
}

const QUERY_CONTENT = new Set(['query', 'queries', 'keyword', 'keywords', 'q', 'term', 'terms', 'text', 'prompt', 'question']);

/** Whether an argument of the call is, by its name, a query the user typed (or its embedding). */
function queriedByContent(c: CallInfo): boolean {
  const names = [...c.args.map((a) => a.text), ...c.kwargs.keys(), ...[...c.kwargs.values()].map((v) => v.text)];
  return names.some((t) => /^[A-Za-z_$][\w$.]*$/.test(t) && words(t.slice(t.lastIndexOf('.') + 1)).some((w) => QUERY_CONTENT.has(w)));
}

/** A call of a Python class (`SearchResult(...)`, by PEP 8's CapWords) constructs a value. */
function pythonClass(c: CallInfo): boolean {
  return /^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)*$/.test(c.name) && c.name !== c.name.toUpperCase();
}

function callSite(c: CallInfo, fn: FunctionInfo, scopeFor: () => Scope, purposeful: boolean, byTypeOnly: boolean): PersonalSite | null {
  const ws = words(c.name);
  // Storing or sending (`saveSuggestions`, `updateScores`) is not selecting for anyone. A
  // constructor (`new URLSearchParams({ userId })`, `new SearchRequest(user)`) builds a value; the
  // ranking, if any, is the call that later uses it.
  if (ws.length === 0 || WRITE_VERBS.has(ws[0]!) || c.isNew) return null;
  const strong = ranksByName(ws, c.name);
  const sort = !strong && sortsByName(ws) && !ownRowsQuery(ws);
  const verb = ws[0]!;
  const weak = !strong && !sort && purposeful && (WEAK_VERBS.has(verb) || KEY_VERBS.has(verb));
  if (!strong && !sort && !weak) return null;
  const scope = scopeFor();
  if (scope.family === 'python' && pythonClass(c)) return null;
  let best: { kind: UserKind; name: string } | null = null;
  for (const t of inputsOf(c)) {
    const k = exprKind(t, scope);
    if (k && (!best || (k.kind === 'data' && best.kind === 'id'))) best = k;
  }
  if (!best || scope.library.has(best.name)) return null;
  // A popular/global/hot source called with the user only for its interface is not personal.
  if (c.receiver && words(c.receiver.text).some((w) => NON_PERSONAL.has(w))) return null;
  // A moderation, safety or copyright service (`moderationService.scoreText(text, { userId })`,
  // `Hive.searchMediaCopyright(url, ...)`) scores or matches content, not items for the user.
  if (words(c.callee).some((w) => CONTENT_REVIEW.has(w))) return null;
  // `SearchUserLogs(userId, keyword)`, `storage.search_vector(query_embedding, user_id=uid)`: a
  // search by what the user typed, with their id only scoping it to their own rows (their logs,
  // tokens, chat memories), ranks by the query. User data (a profile, a taste vector) still counts.
  if (best.kind === 'id' && queriedByContent(c)) return null;
  if (weak) {
    // A query keyed only by the user's id is personal when its verb or name says it ranks or
    // serves a feed (`Pull(userId)`, `findUserFeed(user)`); loading the user's own record is not.
    const namesFeed = ws.some((w) => PURPOSE.has(w));
    // `ListItemsByUser(user)`: the name says it selects items for the person served.
    const itemsForUser = ws.some((w) => OBJECT.has(w)) && ws.some((w) => SUBJECT.test(w));
    if (best.kind === 'id' && (byTypeOnly || (!KEY_VERBS.has(verb) && !namesFeed && !itemsForUser))) return null;
  }
  const strength = strong ? 3 : weak ? 2 : 1;
  const callee = c.callee.length > 60 ? `${c.name}()` : `${c.callee}()`;
  return { node: c.node, fn, strength, what: `${callee} with ${best.kind === 'data' ? 'user data' : 'the user key'} \`${best.name}\`` };
}
