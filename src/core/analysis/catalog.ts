/**
 * The provider catalog (data/providers.json) compiled once into lookup structures: method paths
 * indexed by their last name, module patterns per language family, endpoint and host regexes,
 * and a cheap text prefilter. The JSON is the single place to add an SDK; nothing here names a
 * provider.
 */
import providersData from '../../../data/providers.json';
import type { Confidence, Modality } from '../types';
import type { Family } from './model';

interface RawMethod {
  path: string;
  modality: Modality;
  api?: string;
  unresolved?: Confidence;
  tasks?: Record<string, Modality>;
  chainArg?: string;
  argText?: string;
  builderCalls?: string;
  kwModality?: Record<string, Modality>;
}

interface RawProvider {
  id: string;
  name: string;
  region: 'CN' | 'global' | 'local';
  kind: 'sdk' | 'framework' | 'local' | 'library';
  modules: Partial<Record<Family, string[]>>;
  openaiCompatible?: boolean;
  classProviders?: Record<string, string>;
  modelArgument?: boolean;
  methods: RawMethod[];
  negative?: string[];
  proxies?: { factory: string; annotations?: string[]; streamingTypes?: string[]; modality: Modality; api?: string }[];
}

interface RawCatalog {
  providers: RawProvider[];
  endpoints: { pattern: string; provider?: string; modality: Modality; api: string }[];
  baseUrlHosts: { pattern: string; provider: string }[];
  httpCallees: Record<Family, string[]>;
  httpClientHints?: Partial<Record<Family, string[]>>;
  mockCallees: string[];
  mockConstructors: string[];
  mockModules: string[];
  passThroughMethods?: string[];
  tupleProducts?: { module: string; path: string; index: number }[];
  envUrlPrefixes?: Record<string, string>;
  localModels?: { methods: string; unresolvedMethods?: string; unresolvedReceivers?: string; excludedMethods?: string; analysisModules?: string[]; hints: { pattern: string; modality: Modality }[] };
}

/** Local inference through the project's own model classes, compiled (see `localModels` in the schema). */
export interface LocalModelSpec {
  methods: RegExp;
  unresolvedMethods: RegExp | undefined;
  unresolvedReceivers: RegExp | undefined;
  excludedMethods: RegExp | undefined;
  /** True for a module of a library whose models analyse rather than generate (ASR, OCR, embeddings). */
  analyses(module: string): boolean;
  /** The modality a class or module name suggests, if any. */
  modalityOf(name: string): Modality | undefined;
  /** True when the text calls something named like a local model method (the prefilter). */
  mayCall(text: string): boolean;
}

/**
 * Interfaces a framework turns into generation proxies (LangChain4j AI Services), compiled: see
 * `proxies` in the provider schema.
 */
export interface ProxySpec {
  provider: ProviderSpec;
  /** Matches the normalised path of the factory call. */
  factory: RegExp;
  /** A literal every file that calls the factory contains (a cheap text gate). */
  factoryHint: string;
  /** Finds, in a file's text, the interfaces handed to the factory (`AiServices.create(Assistant.class`). */
  classArg: RegExp;
  annotations: ReadonlySet<string>;
  streamingTypes: ReadonlySet<string>;
  modality: Modality;
  api: string;
}

/** One generation method of a provider, compiled. */
export interface MethodSpec {
  provider: ProviderSpec;
  path: string;
  modality: Modality;
  api: string;
  unresolved?: Confidence;
  tasks?: Record<string, Modality>;
  chainArg?: RegExp;
  /**
   * What the call's own arguments must say (`response.create` in a realtime session's
   * `send({ type: 'response.create' })`): a generic send method generates only for such a message.
   */
  argText?: RegExp;
  /** Methods that must be called on the builder the receiver was compiled from (see the schema). */
  builderCalls?: RegExp;
  kwModality?: Record<string, Modality>;
  /** True when the path ends in `()`: the call invokes the value the path produces. */
  callsResult: boolean;
  /** Matches a normalised callee path (see `normalisePath`). */
  test(path: string): boolean;
}

export interface ProviderSpec {
  id: string;
  name: string;
  region: 'CN' | 'global' | 'local';
  kind: RawProvider['kind'];
  openaiCompatible: boolean;
  classProviders: Record<string, string>;
  modelArgument: boolean;
  methods: MethodSpec[];
  negative: ((path: string) => boolean)[];
  proxies: ProxySpec[];
}

export interface EndpointSpec {
  pattern: RegExp;
  provider?: string;
  modality: Modality;
  api: string;
}

export interface CompiledCatalog {
  providers: Map<string, ProviderSpec>;
  /** Providers whose module list matches a module name in a family (memoised). */
  providersForModule(family: Family, module: string): ProviderSpec[];
  /** Methods by the last name of their path (`create`, `generate_content`), plus `()` for call-of-result paths. */
  methodsByName: Map<string, MethodSpec[]>;
  /** Every provider's proxy interfaces (LangChain4j AI Services). */
  proxies: ProxySpec[];
  /** Methods usable without an import, by last name. */
  unresolvedByName: Map<string, MethodSpec[]>;
  /** Every name a callee must end with to be worth resolving, per family (methods + HTTP + mocks). */
  interestingNames(family: Family): ReadonlySet<string>;
  httpCallees: Record<Family, ReadonlySet<string>>;
  endpoints: EndpointSpec[];
  hostProvider(url: string): string | undefined;
  mockCallees: ReadonlySet<string>;
  mockConstructors: ReadonlySet<string>;
  mockModules: ReadonlySet<string>;
  localModels: LocalModelSpec | undefined;
  /** The provider an environment variable holding a URL names (`ANTHROPIC_API_URL`), if any. */
  envUrlProvider(name: string): string | undefined;
  /** Methods that return their receiver (`eval`, `to`, `cuda`): resolution looks through them. */
  passThroughMethods: ReadonlySet<string>;
  /**
   * The tuple element that holds the product of a library factory (`pipe, params =
   * FlaxStableDiffusionPipeline.from_pretrained(...)`): `module` is the call's import, `path` its
   * normalised path; undefined when the call is not such a factory.
   */
  tupleProduct(module: string, path: string): number | undefined;
  /** True when the text mentions anything the detector could match; false lets a file be skipped. */
  mayMatch(family: Family, text: string): boolean;
  /**
   * {@link mayMatch} where a Python module counts only in an import statement (`import openai`,
   * `from ldm.models import ...`): an SDK call the detector names for certain needs its import,
   * and a module's first segment alone (`ldm`, `google`, `replicate`) is found in identifiers,
   * prose and strings of code that uses no provider (`oldmode`, "google-chrome"). Other families
   * and the other tokens (endpoints, hosts, name-only paths) as `mayMatch`.
   */
  namesForCertain(family: Family, text: string): boolean;
  /**
   * True when the text makes a raw HTTP or websocket call: with a workspace model, such a file may
   * send to an endpoint named in another file, so it is analysed even if `mayMatch` is false.
   */
  mayCallHttp(family: Family, text: string): boolean;
  /** The literal tokens behind `mayMatch`, longest first (for tests and tuning; JS module specifiers are matched apart). */
  prefilterTokens(family: Family): string[];
}

/** Converts a method path with `*` wildcards (or a `^` regex) into a tester over normalised paths. */
function pathTester(path: string): (p: string) => boolean {
  if (path.startsWith('^')) {
    const re = new RegExp(path);
    return (p) => re.test(p);
  }
  if (!path.includes('*')) return (p) => p === path || (p.endsWith(path) && p.charCodeAt(p.length - path.length - 1) === 46 /* . */);
  const body = path.split('.').map((seg) => seg.split('*').map(escapeRegex).join('\\w*')).join('\\.');
  const re = new RegExp(`(?:^|\\.)${body}$`);
  return (p) => re.test(p);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Compiles a catalog regex; a leading `(?i)` means case-insensitive (JSON cannot carry flags). */
function compile(source: string, flags = ''): RegExp {
  if (source.startsWith('(?i)')) return new RegExp(source.slice(4), flags + 'i');
  return new RegExp(source, flags);
}

/** The last plain name(s) a path can end with, used to index it. Regex paths list their final alternation. */
function lastNames(path: string): string[] {
  if (path.endsWith('()') || path.endsWith('\\(\\)$')) return ['()'];
  if (path.startsWith('^')) {
    // `…\.(?:a|b)$`, or `(?:\w+\.)*(?:a|b)$` where the names may also stand alone (`ws.send`, `send`).
    const alt = /(?:\\\.|\)\*)\(\?:([\w|]+)\)\$$/.exec(path);
    if (alt) return alt[1]!.split('|');
    const one = /\\\.(\w+)\$$/.exec(path);
    return one ? [one[1]!] : [];
  }
  const last = path.slice(path.lastIndexOf('.') + 1);
  return last.includes('*') ? [] : [last];
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** True when `module` (as written in an import) is covered by the catalog pattern `pattern`. */
function moduleMatches(family: Family, pattern: string, module: string): boolean {
  if (pattern.endsWith('*')) return module.startsWith(pattern.slice(0, -1));
  if (module === pattern) return true;
  const sep = family === 'js' || family === 'go' ? '/' : '.';
  return module.startsWith(pattern + sep);
}

/** Keywords that declare the function named after them (`def f(`, `static f(`). */
const DEFINITION_KEYWORDS = ['def', 'function', 'static', 'async'];

/**
 * Whether the name at `at` follows a definition keyword and whitespace (`def `, `static\n  `),
 * the same test as the lookbehind `(?<!\b(?:def|function|static|async)\s+)`. The whitespace
 * scanned belongs to this match alone, so a pass over all matches stays linear.
 */
function afterDefinitionKeyword(text: string, at: number): boolean {
  let j = at;
  while (j > 0 && /\s/.test(text[j - 1]!)) j--;
  if (j === at) return false;
  for (const k of DEFINITION_KEYWORDS) {
    if (j >= k.length && text.startsWith(k, j - k.length) && (j === k.length || !/\w/.test(text[j - k.length - 1]!))) return true;
  }
  return false;
}

/** The longest literal run of a regex source, used as a cheap `includes` prefilter token. */
function literalHint(source: string): string {
  const cleaned = source.replace(/\\\./g, '.').replace(/\\w|\\d|\\s/g, '\u0000');
  let best = '';
  for (const piece of cleaned.split(/[()[\]?*+|{}^$\\\u0000]/)) {
    const trimmed = piece.replace(/^[:!=<]+/, '');
    if (trimmed.length > best.length) best = trimmed;
  }
  return best;
}

function compileLocalModels(raw: NonNullable<RawCatalog['localModels']>): LocalModelSpec {
  const hints = raw.hints.map((h) => ({ re: compile(h.pattern), modality: h.modality }));
  return {
    methods: compile(raw.methods),
    unresolvedMethods: raw.unresolvedMethods ? compile(raw.unresolvedMethods) : undefined,
    unresolvedReceivers: raw.unresolvedReceivers ? compile(raw.unresolvedReceivers) : undefined,
    excludedMethods: raw.excludedMethods ? compile(raw.excludedMethods) : undefined,
    analyses: (module) => (raw.analysisModules ?? []).some((m) => module === m || module.startsWith(`${m}.`) || module.startsWith(`${m}/`)),
    modalityOf: (name) => hints.find((h) => h.re.test(name))?.modality,
    // The method-name pattern, unanchored, followed by a call's parenthesis; or a class whose name
    // says what it makes built by its constructor or a factory (`Wav2Lip()`, `Net.from_pretrained(`),
    // since the model object may then be called directly (`pred = model(mel, frames)`).
    mayCall: (() => {
      const re = new RegExp(`\\b(?:${raw.methods.replace(/\^|\$/g, '')})\\s*\\(`, 'g');
      // A definition is not a call: `def generate(self, ...)`, `static generate(...)`,
      // `async infer(...)` declare a method the body of which may or may not call a model.
      // Checked on each match rather than as a leading lookbehind, which kept V8 from scanning
      // for the names' first characters: the test took about 1.5 times as long.
      const calls = (text: string): boolean => {
        re.lastIndex = 0;
        for (let m = re.exec(text); m; m = re.exec(text)) if (!afterDefinitionKeyword(text, m.index)) return true;
        return false;
      };
      const built = /\b([A-Z][A-Za-z0-9_]*)\s*(?:\.\s*\w+\s*)?\(/g;
      // Whether a class name says what it makes, per name: a Java or TypeScript file names the
      // same classes many times, and each test runs every hint's regex.
      const verdicts = new Map<string, boolean>();
      const says = (name: string): boolean => {
        let v = verdicts.get(name);
        if (v === undefined) {
          v = hints.some((h) => h.re.test(name));
          if (verdicts.size >= 50_000) verdicts.clear();
          verdicts.set(name, v);
        }
        return v;
      };
      return (text: string) => {
        if (calls(text)) return true;
        for (const m of text.matchAll(built)) if (says(m[1]!)) return true;
        return false;
      };
    })(),
  };
}

let compiled: CompiledCatalog | undefined;

/** The compiled catalog (built on first use, then shared). */
export function catalog(): CompiledCatalog {
  compiled ??= build(providersData as unknown as RawCatalog);
  return compiled;
}

function build(raw: RawCatalog): CompiledCatalog {
  const providers = new Map<string, ProviderSpec>();
  const methodsByName = new Map<string, MethodSpec[]>();
  const unresolvedByName = new Map<string, MethodSpec[]>();
  for (const rp of raw.providers) {
    const p: ProviderSpec = {
      id: rp.id,
      name: rp.name,
      region: rp.region,
      kind: rp.kind,
      openaiCompatible: !!rp.openaiCompatible,
      classProviders: rp.classProviders ?? {},
      modelArgument: !!rp.modelArgument,
      methods: [],
      negative: (rp.negative ?? []).map(pathTester),
      proxies: [],
    };
    for (const rx of rp.proxies ?? []) {
      // The factory's class name, a dot apart from its method or not: Java chains are often
      // broken across lines (`AgenticServices\n    .agentBuilder(CvWriter.class)`).
      const hint = literalHint(rx.factory);
      const className = hint.replace(/\.$/, '');
      const classArg = new RegExp(`${escapeRegex(className)}${hint.endsWith('.') ? '\\s*\\.\\s*' : ''}\\w+\\s*\\(\\s*([A-Z]\\w*)\\.class\\b`, 'g');
      p.proxies.push({ provider: p, factory: compile(rx.factory), factoryHint: className, classArg, annotations: new Set(rx.annotations ?? []), streamingTypes: new Set(rx.streamingTypes ?? []), modality: rx.modality, api: rx.api ?? 'proxy' });
    }
    for (const rm of rp.methods) {
      const spec: MethodSpec = {
        provider: p,
        path: rm.path,
        modality: rm.modality,
        api: rm.api ?? rm.path,
        ...(rm.unresolved ? { unresolved: rm.unresolved } : {}),
        ...(rm.tasks ? { tasks: rm.tasks } : {}),
        ...(rm.chainArg ? { chainArg: compile(rm.chainArg) } : {}),
        ...(rm.argText ? { argText: compile(rm.argText) } : {}),
        ...(rm.builderCalls ? { builderCalls: compile(rm.builderCalls) } : {}),
        ...(rm.kwModality ? { kwModality: rm.kwModality } : {}),
        callsResult: rm.path.endsWith('()') || rm.path.endsWith('\\(\\)$'),
        test: pathTester(rm.path),
      };
      p.methods.push(spec);
      for (const name of lastNames(rm.path)) {
        push(methodsByName, name, spec);
        if (spec.unresolved) push(unresolvedByName, name, spec);
      }
    }
    providers.set(p.id, p);
  }

  const moduleCache = new Map<string, ProviderSpec[]>();
  const providersForModule = (family: Family, module: string): ProviderSpec[] => {
    const key = `${family}\u0000${module}`;
    let hit = moduleCache.get(key);
    if (!hit) {
      hit = raw.providers.filter((rp) => (rp.modules[family] ?? []).some((pat) => moduleMatches(family, pat, module))).map((rp) => providers.get(rp.id)!);
      moduleCache.set(key, hit);
    }
    return hit;
  };

  const httpCallees = {} as Record<Family, ReadonlySet<string>>;
  for (const fam of ['js', 'python', 'go', 'java'] as Family[]) httpCallees[fam] = new Set(raw.httpCallees[fam] ?? []);

  const mockCallees = new Set(raw.mockCallees);
  const lastOf = (s: string): string => s.slice(s.lastIndexOf('.') + 1);
  const interesting = new Map<Family, Set<string>>();
  const interestingNames = (family: Family): ReadonlySet<string> => {
    let set = interesting.get(family);
    if (!set) {
      set = new Set([...methodsByName.keys()].filter((k) => k !== '()'));
      for (const n of httpCallees[family]) set.add(n);
      for (const n of mockCallees) set.add(lastOf(n));
      interesting.set(family, set);
    }
    return set;
  };

  const endpoints: EndpointSpec[] = raw.endpoints.map((e) => ({ pattern: compile(e.pattern, 'i'), ...(e.provider ? { provider: e.provider } : {}), modality: e.modality, api: e.api }));
  const hosts = raw.baseUrlHosts.map((h) => ({ re: compile(h.pattern, 'i'), provider: h.provider }));
  const hostProvider = (url: string): string | undefined => hosts.find((h) => h.re.test(url))?.provider;

  // The prefilter: module names as they appear in imports, endpoint literals, and the
  // distinctive segment of every name-only method. One regex, run once per file.
  const hints = new Map<Family, RegExp>();
  /** The module names of every provider in `family`, a trailing `*` wildcard cut off. */
  const moduleBases = (family: Family): string[] => raw.providers.flatMap((rp) => (rp.modules[family] ?? []).map((mod) => mod.replace(/\*$/, '')));
  const prefilterTokens = (family: Family): string[] => {
    const tokens = new Set<string>();
      // JS module names are read where a specifier stands (see `jsModuleHint`): as plain
      // tokens, `'ai` matched every string that starts with "ai", and `"ai"` every such value.
      if (family !== 'js') for (const base of moduleBases(family)) tokens.add(family === 'python' ? base.split('.')[0]! : base);
      for (const e of raw.endpoints) tokens.add(literalHint(e.pattern));
      // A provider's API host alone (`PROVIDER_BASE_URL = "https://api.openai.com"`) names where a
      // request in an importing file goes: the constants file must pass for that file to be opened.
      // Local hosts (`^(localhost|127.0.0.1...)`) are in every code base and say nothing alone.
      for (const h of raw.baseUrlHosts) if (!h.pattern.startsWith('^')) tokens.add(literalHint(h.pattern));
      // The host of each endpoint too: `BASE = 'https://api.elevenlabs.io/v1'` joined with a path in
      // a template names the endpoint without its full literal anywhere in the text.
      for (const e of raw.endpoints) {
        const host = /^[\w-]*(?:\\\.[\w-]+)+/.exec(e.pattern)?.[0].replace(/\\\./g, '.');
        if (host && /^[\w-]+\.[\w.-]+$/.test(host)) tokens.add(host);
      }
      // Name-only methods need their whole dotted path in the text (one segment alone, such as
    // `generate`, is in half of all files).
    for (const list of unresolvedByName.values()) for (const m of list) tokens.add(m.path);
    return [...tokens].filter((t) => t.length >= 2).sort((a, b) => b.length - a.length);
  };
  /**
   * A JS module specifier of a provider where a specifier stands: after `from` or `import`, in
   * `require(`, `import(` or a test double's `mock(`, whole or with a subpath (`'ai'`, `"ai/rsc"`).
   */
  const jsModuleHint = (): string => {
    const alts = moduleBases('js').map((base) => (base.endsWith('/') ? escapeRegex(base) : `${escapeRegex(base)}(?=['"\`/])`));
    return `(?:\\b(?:from|import)\\s*\\(?|\\b(?:require|mock)\\s*\\()\\s*['"\`](?:${[...new Set(alts)].join('|')})`;
  };
  // `fetch(process.env.ANTHROPIC_API_URL)`: an environment variable whose name says where the
  // request goes is as good a hint as the endpoint's own literal (see `envUrlProvider`).
  const envPrefixes = Object.keys(raw.envUrlPrefixes ?? {});
  const envUrl = envPrefixes.length ? new RegExp(`\\b(?:${envPrefixes.map(escapeRegex).join('|')})_(?:[A-Z0-9]+_)*?(?:API_)?(?:BASE_)?(?:URL|URI|ENDPOINT|HOST)\\b`) : undefined;
  // The last answer: the triage asks it of one text for the generation prefilter and again for
  // the link check (a pointer comparison for the same string).
  let last: { family: Family; text: string; verdict: boolean } | undefined;
  const mayMatch = (family: Family, text: string): boolean => {
    if (last && last.text === text && last.family === family) return last.verdict;
    let re = hints.get(family);
    if (!re) {
      re = new RegExp([...prefilterTokens(family).map(escapeRegex), ...(family === 'js' ? [jsModuleHint()] : [])].join('|'));
      hints.set(family, re);
    }
    const verdict = re.test(text) || (!!envUrl && envUrl.test(text) && mayCallHttp(family, text));
    last = { family, text, verdict };
    return verdict;
  };

  // Python: the modules where an import statement names them, and the other tokens anywhere.
  let pyCertain: { imports: RegExp; others: RegExp } | undefined;
  const namesForCertain = (family: Family, text: string): boolean => {
    if (family !== 'python') return mayMatch(family, text);
    if (!pyCertain) {
      const modules = new Set(moduleBases('python').map((b) => b.split('.')[0]!));
      const mods = [...modules].map(escapeRegex).join('|');
      // `import a, openai as o` and `from openai.types import X`, indented too (imports inside functions).
      const imports = new RegExp(`^[ \\t]*(?:from[ \\t]+(?:${mods})\\b|import[ \\t]+(?:[\\w.]+(?:[ \\t]+as[ \\t]+\\w+)?[ \\t]*,[ \\t]*)*(?:${mods})\\b)`, 'm');
      const others = prefilterTokens('python').filter((t) => !modules.has(t));
      pyCertain = { imports, others: others.length ? new RegExp(others.map(escapeRegex).join('|')) : /(?!)/ };
    }
    return pyCertain.imports.test(text) || pyCertain.others.test(text) || (!!envUrl && envUrl.test(text) && mayCallHttp(family, text));
  };

  const httpHints = new Map<Family, RegExp>();
  // In a language whose requests all go through a client library the file names (Java), a call
  // named like a request (`URI.create(`, `.post(`) counts only next to one of them.
  const clientHints = new Map<Family, RegExp>();
  for (const [fam, hints] of Object.entries(raw.httpClientHints ?? {}) as [Family, string[]][]) if (hints.length) clientHints.set(fam, new RegExp(hints.map(escapeRegex).join('|')));
  const mayCallHttp = (family: Family, text: string): boolean => {
    let re = httpHints.get(family);
    if (!re) {
      re = new RegExp(`\\b(?:${[...httpCallees[family]].map(escapeRegex).join('|')})\\s*\\(`);
      httpHints.set(family, re);
    }
    const hints = clientHints.get(family);
    return (!hints || hints.test(text)) && re.test(text);
  };

  const tupleProducts = (raw.tupleProducts ?? []).map((t) => ({ module: t.module, path: new RegExp(t.path), index: t.index }));
  return {
    providers,
    proxies: [...providers.values()].flatMap((p) => p.proxies),
    mayCallHttp,
    providersForModule,
    methodsByName,
    unresolvedByName,
    interestingNames,
    httpCallees,
    endpoints,
    hostProvider,
    mockCallees,
    mockConstructors: new Set(raw.mockConstructors),
    mockModules: new Set(raw.mockModules),
    passThroughMethods: new Set(raw.passThroughMethods ?? []),
    tupleProduct: (module, path) => {
      for (const t of tupleProducts) if ((module === t.module || module.startsWith(`${t.module}.`)) && t.path.test(path)) return t.index;
      return undefined;
    },
    localModels: raw.localModels ? compileLocalModels(raw.localModels) : undefined,
    envUrlProvider: (name) => {
      const m = /^([A-Z][A-Z0-9_]*?)_(?:API_)?(?:BASE_)?(?:URL|URI|ENDPOINT|HOST)$/.exec(name);
      return m ? raw.envUrlPrefixes?.[m[1]!] : undefined;
    },
    mayMatch,
    namesForCertain,
    prefilterTokens,
  };
}
