/**
 * `aigc-generation-call`: every call that asks a generative model to produce content, with the
 * provider, modality, API and a confidence. SDK calls are resolved through the file's imports
 * (see analysis/model.ts), OpenAI-compatible clients are attributed to the provider their base URL
 * names, and raw HTTP calls are matched against the catalog's endpoints. All provider knowledge
 * lives in data/providers.json.
 */
import type { Node } from 'web-tree-sitter';
import { type CompiledCatalog, type MethodSpec, type ProviderSpec, type ProxySpec, catalog } from '../analysis/catalog';
import { type CallSite, type FileModel, type ResolvedPath, calleeIsIdentifier, forgetFileModel, getFileModel, goPackageName, hasFileModel, normalisePath } from '../analysis/model';
import type { LinkFilter } from '../analysis/workspace';
import { rangeOfNode } from '../position';
import { goDispatchOf } from './goDispatch';
import { type GenerationsOf, dispatchedGenerations } from './pyDispatch';
import { workspaceMemo, workspaceOf } from './flow/crossFile';
import { languageForPath } from '../languages';
import type { Confidence, Modality } from '../types';
import { labelCatalog } from './flow/catalog';
import { biometricSites } from './biometricNoConsent';
import { keywordsOf, testLines } from './flow/text';
import { codeWithoutProse } from './flow/lexical';
import type { Rule, RuleContext } from './rule';
import { OwnedMemo } from '../analysis/ownedMemo';

const BASE_URL_NAMES: ReadonlySet<string> = new Set(['base_url', 'baseURL', 'baseUrl', 'api_base', 'openai_api_base', 'openAIApiBase', 'azure_endpoint', 'endpoint', 'basePath', 'BaseURL']);
const BASE_URL_METHODS: ReadonlySet<string> = new Set(['baseUrl', 'baseURL', 'base_url', 'WithBaseURL', 'endpoint', 'setBaseUrl', 'WithEndpoint']);
const TASK_NAMES: ReadonlySet<string> = new Set(['task']);
const MODEL_NAMES: ReadonlySet<string> = new Set(['model']);
/** Node kinds of values that are plainly local data or functions, never an SDK client. */
const LOCAL_VALUE_KINDS: ReadonlySet<string> = new Set(['object', 'dictionary', 'array', 'list', 'string', 'number', 'integer', 'float', 'template_string', 'arrow_function', 'function_expression', 'function', 'lambda', 'composite_literal', 'func_literal', 'lambda_expression', 'object_creation_expression_body']);
const URL_NAMES: ReadonlySet<string> = new Set(['url', 'uri', 'baseURL']);
/**
 * ONNX Runtime's `session.run(output_names, input_feed)` with every output asked for (`None`): the
 * call shape of an inference session however the project obtained it (a pool, a cache helper).
 */
const SESSION_RUN = /\.run\(\s*(?:None|null)\s*,/;
/** An argument that is a generator network (`self.generator`, `face_generator`, `netG`). */
const GENERATOR_ARG = /^(?:[\w.]*[._])?(?:generator|netG)$/;
/**
 * The prefilter's view of a generator network handed to a function: the name as a variable writes
 * it, so type names (`AsyncGenerator)`, `Generator,` in a signature) do not count.
 */
const GENERATOR_PASSED = /(?<![A-Za-z0-9])generator\s*[,)]|\bnetG\s*[,)]/;
/**
 * A generator network run on its inputs: a torch or TensorFlow module is called like a function
 * (its `forward`), and GAN, face-reenactment and vocoder code names that module `generator`
 * (`self.spade_generator(feature=f)`, `netG(x)`, StyleGAN's `G_ema(z, c)`).
 */
const NETWORK_CALLED = /^(?:\w+_)?generator$|^netG(?:_\w+)?$|^G_ema$/;
/**
 * The prefilter's view of {@link NETWORK_CALLED}: such a name followed by its argument list.
 * Written from the literal end of the name, so the scan is one pass over the text (a pattern that
 * starts with an optional `\w+_` retries at every letter of every identifier).
 */
const NETWORK_CALLED_TEXT = /generator\s*\(|netG\w*\s*\(|G_ema\s*\(/;
/** Deep-learning frameworks whose modules are called to run a network. */
const ML_FRAMEWORK = /^(?:torch|tensorflow|keras|paddle|jax|flax|mindspore|oneflow|megengine)(?:\.|$)/;
/** Session or model names of generative face and image models (swap, lip sync, reenactment, a generator network). */
const SESSION_GENERATIVE = /swap|lip_?sync|wav2lip|reenact|live_?portrait|deepfake|face_?edit|(?:^|[^a-z])generator/i;
/** Names of analysis models that share the session shape: a detector or converter makes no content. */
const SESSION_ANALYSIS = /detect|classif|landmark|recogn|mask|pars(?:er|ing)|segment|extract|convert|embed|analy|enhanc|restor|upscal|stitch|encoder|tokeni/i;

/** An import of the project's own code, by the usual conventions of each language (a cheap text test). */
const PROJECT_IMPORT: Record<FileModel['family'], RegExp> = {
  // Relative paths, the `@/` and `~/` conventions, and tsconfig `paths` aliases (`@api/*`,
  // `#lib/*`): scoped npm packages pass this text check too, and resolve to no project file.
  js: /\bfrom\s+['"](?:\.{1,2}\/|[@~#][\w-]*\/)|\brequire\(\s*['"]\.{1,2}\//,
  python: /^\s*(?:from\s+[\w.]+\s+import|import\s+\w+(?:\.\w+)+)\b/m,
  // Go: an import path with a domain, which may be a package of the file's own module.
  go: /"[\w-]+(?:\.[\w-]+)+\/[^"\s]+"/,
  // Java: any class of the file's own package is visible without an import; a declared type or a
  // project import can name one.
  java: /^\s*(?:package|import)\s+[\w.]+/m,
};
/** Constructors of a reverse proxy to one host: the host is where every request goes. */
const REVERSE_PROXY: ReadonlySet<string> = new Set(['NewSingleHostReverseProxy']);
/** Methods every Java object has: never a proxied interface method. */
const OBJECT_METHODS: ReadonlySet<string> = new Set(['toString', 'hashCode', 'equals', 'getClass', 'notify', 'notifyAll', 'wait']);

/**
 * Families whose files see another file's names only through an import statement. An HTTP call
 * there can send to an endpoint named elsewhere only when the file imports that name, and the
 * engine already gives a parse to a file that imports one the prefilter accepts
 * (`Engine.importsRelevantFile`); so the bare HTTP call need not open every file that makes one
 * (most of them talk to anything but an AI provider). Go and Java also see the names of their
 * package's other files without any import, so there an HTTP call still opens the file.
 */
const LINKED_BY_IMPORT_ONLY: Record<FileModel['family'], boolean> = { js: true, python: true, go: false, java: false };

/** What the detector decided about one call. */
interface Detection {
  provider: string;
  modality: Modality;
  api: string;
  confidence: Confidence;
  /** A wrapper that labels what it returns (see `GenerationCall.labeled`). */
  labeled?: boolean;
}

/**
 * Whether a file can hold a generation call, from its text alone: an SDK module, endpoint or
 * name-only path the catalog knows, a local model class, a function the team declared, or (with
 * a workspace model) an HTTP call whose URL may come from another file.
 */
function generationMayApply(text: string, family: RuleContext['language']['family'], declared: readonly Declared[], workspace: boolean): boolean {
  const key = declared.length ? declared.map((d) => d.last).join('\u0000') : '';
  const last = lastVerdict;
  if (last && last.text === text && last.family === family && last.workspace === workspace && last.declared === key) return last.verdict;
  const cat = catalog();
  const verdict = cat.mayMatch(family, text) || (workspace && LINKED_BY_IMPORT_ONLY[family] === false && cat.mayCallHttp(family, text)) || callsLikeModel(text, family) || declared.some((d) => text.includes(d.last));
  lastVerdict = { text, family, workspace, declared: key, verdict };
  return verdict;
}

/**
 * Whether the code calls something named like a local model's inference method, runs an
 * inference session, passes or calls a generator network: calls and arguments, so only code counts. A
 * hit in the raw text is confirmed on the text without comments, docstrings and closed string
 * literals (the standard library's docstrings say "generator)", and its tokenizer's
 * `generate_tokens(` is code and still passes).
 */
function callsLikeModel(text: string, family: RuleContext['language']['family']): boolean {
  const local = catalog().localModels;
  const hit = (t: string): boolean => !!local?.mayCall(t) || SESSION_RUN.test(t) || GENERATOR_PASSED.test(t) || NETWORK_CALLED_TEXT.test(t);
  return hit(text) && hit(codeWithoutProse(text, family));
}

/**
 * The last verdict of {@link generationMayApply}. One file's text is asked several times in a
 * row: by this rule's prefilter, by aigc-missing-label's (which includes it), by the triage's
 * link check and by the rule's own first step; each would run the catalog's token regex over the
 * whole text again. (Comparing the same string object is a pointer check.)
 */
let lastVerdict: { text: string; family: RuleContext['language']['family']; workspace: boolean; declared: string; verdict: boolean } | undefined;

/**
 * Whether a project file can make its importers' calls generation calls (the workspace model
 * links only such files), as a link filter: the generation prefilter of a language, with the
 * functions the team declared. For Java and Go the file must name an SDK, an endpoint or a
 * name-only path the catalog knows: their project classes and packages are many, and a raw HTTP
 * call or an inference-like method name there is far more often something else. One filter per
 * language and declared names, keyed by them (the workspace memoises each file's answer per key).
 */
function linkFilterOf(family: RuleContext['language']['family'], declared: readonly Declared[]): LinkFilter {
  const names = declared.map((d) => d.last);
  const key = `generation\u0000${family}\u0000${names.join('\u0000')}`;
  let f = linkFilters.get(key);
  if (!f) {
    const test = family === 'java' || family === 'go' ? (text: string): boolean => catalog().mayMatch(family, text) || names.some((n) => text.includes(n)) : (text: string): boolean => generationMayApply(text, family, declared, true);
    f = { key, test };
    linkFilters.set(key, f);
  }
  return f;
}

const linkFilters = new Map<string, LinkFilter>();

/**
 * The catalog's own text test of a language as a link filter: a provider's module imported, an
 * endpoint or a name-only path the catalog knows (no local-model guess, no declared name; see
 * `namesForCertain`). What passes nothing of it holds no call the catalog names for certain.
 */
function catalogFilterOf(family: RuleContext['language']['family']): LinkFilter {
  const key = `catalog\u0000${family}`;
  let f = linkFilters.get(key);
  if (!f) {
    f = { key, test: (text: string): boolean => catalog().namesForCertain(family, text) };
    linkFilters.set(key, f);
  }
  return f;
}

/** The link filter of a language under a configuration (see {@link linkFilterOf}). */
export function linkFilterFor(family: RuleContext['language']['family'], config: RuleContext['config']): LinkFilter {
  return linkFilterOf(family, declaredFunctions(config.generationFunctions));
}

/** Whether a project file's text passes the link filter of its language (see {@link linkFilterOf}). */
export function linkTargetMayApply(text: string, family: RuleContext['language']['family'], config: RuleContext['config']): boolean {
  return linkFilterFor(family, config).test(text);
}

export const generationRule: Rule = {
  id: 'aigc-generation-call',
  mayApply: ({ text, lower, language, config, workspace }) => generationMayApply(text, language.family, declaredFunctions(config.generationFunctions), workspace) || testLines(BIOMETRIC_KEYWORDS, lower),
  async run(ctx: RuleContext): Promise<void> {
    await detect(ctx);
    await reportSynthesis(ctx);
  },
};

/** The biometric rule's keywords: a file that clones a voice or swaps a face generates. */
const BIOMETRIC_KEYWORDS = keywordsOf('biometric-no-consent')!;

/**
 * Voice cloning and face editing that the biometric rule finds are generation too (a cloned voice,
 * a swapped face), and often run a project's own model class (`VALLE(...).inference(...)`), which
 * no catalog entry names: each is reported where no generation call was reported already (and
 * only for the generic operations: see `gated`), with
 * the operation as its API, one step less sure than the operation, and the local provider (so a
 * file that calls it is not taken for a wrapper of a known provider).
 */
async function reportSynthesis(ctx: RuleContext): Promise<void> {
  const found = await biometricSites(ctx);
  if (!found?.sites.length) return;
  const model = await getFileModel(ctx);
  const cat = catalog();
  const overlaps = (a: Node, b: Node): boolean => a.startIndex < b.endIndex && b.startIndex < a.endIndex;
  for (const s of found.sites) {
    // Identity-preserving generation is found at the step that reads the reference face (an
    // embedding); the image is made by a pipeline call the catalog knows.
    if (s.kind === 'face-identity') continue;
    // An operation of a named library or project (roop's and FaceFusion's processors, OpenVoice's
    // tone converter) is one the catalog knows at the model call: its dispatch calls would count
    // the same generation again.
    if (s.gated) continue;
    if (ctx.generationCalls.some((g) => g.node.startPosition.row === s.node.startPosition.row || overlaps(g.node, s.node))) continue;
    const call = model.callAt(s.node);
    // A constructor builds the model (`SadTalker(checkpoints)`): the voice or face is made where
    // its methods are called. A call of this file's own function or method (`swap_face(...)`,
    // `processor.generate_stream(...)`) runs the synthesis there, where it is reported: its
    // callers are wrappers, not another generation.
    if (!call || call.isNew || /^[A-Z]/.test(call.nameText) || model.functions.has(call.nameText)) continue;
    report(ctx, cat, call, { provider: 'local', modality: s.kind === 'voice-clone' ? 'voice' : 'face', api: s.name, confidence: s.confidence === 'high' ? 'medium' : 'low' });
  }
}

async function detect(ctx: RuleContext): Promise<void> {
  const cat = catalog();
  const family = ctx.language.family;
  // Most files of a real code base mention no AI SDK or endpoint at all; they cost one regex.
  const declared = declaredFunctions(ctx.config.generationFunctions);
  // The same test as the prefilter; for linked files without the team's declared names.
  const mayMatch = linkFilterOf(family, []);
  // A file that imports from the project and makes an HTTP call may send to an endpoint named in
  // the imported file (the engine parsed it for that reason): it gets the whole detection.
  const candidate = generationMayApply(ctx.text, family, declared, !!ctx.workspace) || (!!ctx.workspace && PROJECT_IMPORT[family].test(ctx.text) && cat.mayCallHttp(family, ctx.text));
  // Without any hint, a file can still call a generation wrapper from another project file: it
  // is modelled only when it imports (by its text) a project file whose text has hints, which
  // the import statements tell before any file model is built (most parsed files are here for
  // another rule).
  // Python follows wrappers two files deep (see `detectWrapper`), so a file whose import only
  // imports such a file may call one.
  const reach = family === 'python';
  if (!candidate && !(ctx.workspace && PROJECT_IMPORT[family].test(ctx.text) && (await ctx.workspace.importsAny(ctx.file, ctx.text, ctx.language, (t) => (reach ? ctx.workspace!.reaches(t, mayMatch) : ctx.workspace!.passes(t, mayMatch)))))) return;
  const model = await getFileModel(ctx);
  // Constants, helpers and clients defined in the project's other files resolve through imports.
  // A candidate file links its imports whatever their text (a TS/Python constants module names
  // an endpoint without any hint of its own); Java and Go files import many more project classes
  // and packages, and only those with hints can matter, so they are always filtered.
  if (ctx.workspace) {
    await ctx.workspace.link(model, ctx.file, candidate && (family === 'js' || family === 'python') ? undefined : mayMatch, family === 'python');
    // A Python wrapper may call another project file's wrapper (`pipeline.run()` calls
    // `core.sample()`, which runs the model): the linked files link their own imports, once per
    // file for the whole scan, and wrappers are followed two levels deep. Two files away only
    // what the catalog names for certain counts (see `detectWrapper`), so only imports that
    // name a provider are linked there: with the prefilter's local-model guesses, a package
    // whose every module names a `...Pipeline` class linked two dozen modules per linked file.
    // A base class's file is different: an attribute its constructor sets (`self.nets =
    // AvatarNetworks(cfg)`) is this file's own receiver, so its imports link as this file's do.
    if (family === 'python') {
      const bases = model.allBaseClassFiles();
      for (const ext of new Set(model.linked.values())) {
        const rel = ctx.workspace.relOf(ext);
        if (rel !== undefined) await ctx.workspace.link(ext, rel, bases.has(ext) ? mayMatch : catalogFilterOf(family));
      }
    }
  }
  // Go calls into other project files as Go dispatches them (package functions, methods of
  // project types and interfaces): the targets are resolved before any string is read.
  const goFound = family === 'go' && ctx.workspace ? await goDispatchOf(ctx.workspace, directDetection).prepareFile(model, ctx.file) : undefined;
  // A file without hints of its own generates only through what it linked: a wrapper, a client
  // built by a project helper (a Go package's constructor), an AI-service interface.
  if (!candidate && !model.linked.size && !goFound?.size) return;
  const interesting = cat.interestingNames(family);
  const local = cat.localModels;
  const http = cat.httpCallees[family];
  let mocked: string[] | undefined;
  let pendingWrappers: { call: CallSite; d: Detection }[] | undefined;
  for (const call of model.calls) {
    // Only calls whose name the catalog knows, or calls of a bound value (`pipe(prompt)`, and an
    // attribute the class set, `self.pipe(prompt)` after `self.pipe = Pipeline.from_pretrained(...)`), are resolved.
    const callsValue = calleeIsIdentifier(call) ? model.bindings.has(call.nameText) && !model.imports.has(call.nameText) : callsOwnAttribute(model, call);
    const own = declared.length ? declaredMatch(model, call, declared) : undefined;
    if (own) {
      report(ctx, cat, call, own);
      continue;
    }
    const session = call.nameText === 'run' ? detectSessionRun(model, call) : (handedGenerator(model, cat, call) ?? calledNetwork(model, cat, call));
    if (session) {
      report(ctx, cat, call, session);
      continue;
    }
    const proxied = detectProxy(model, cat, call);
    if (proxied) {
      report(ctx, cat, call, proxied);
      continue;
    }
    if (!interesting.has(call.nameText) && !callsValue && !local?.methods.test(call.nameText)) {
      // A project helper that sends one of its parameters over HTTP (`streamWithThink(chatPath, ...)`).
      const index = calleeIsIdentifier(call) ? helperHttpParam(model, call.nameText) : undefined;
      const found = index !== undefined ? detectHttp(model, cat, call, index) : undefined;
      if (found && found !== 'mock') report(ctx, cat, call, { ...found, confidence: found.confidence === 'high' ? 'medium' : found.confidence });
      else {
        // A function or method of a linked project file that generates (`gateway.reply(q)`),
        // whatever else the file does: a route file that imports its service, a script that
        // also calls the SDK itself.
        // (Java files that name the SDK are handled below, per method.)
        const javaCandidate = candidate && family === 'java';
        const wrapped = (model.linked.size && !javaCandidate ? detectWrapper(model, cat, call) : undefined) ?? goFound?.get(call.node.id);
        if (wrapped) report(ctx, cat, call, wrapped);
        else if (javaCandidate && model.linked.size) {
          // A Java file that names the SDK only for its types (a controller importing
          // `ChatResponse`) still calls the service that generates: its wrapper calls count in
          // the methods that make no generation call of their own (decided after the loop).
          const w = detectWrapper(model, cat, call);
          if (w) (pendingWrappers ??= []).push({ call, d: w });
        }
      }
      continue;
    }
    let found: SdkResult = detectSdk(model, cat, call);
    if (found === 'negative') continue;
    if (!found && http.has(call.nameText)) found = detectHttp(model, cat, call);
    if (!found) found = detectLocalModel(model, cat, call);
    if (!found && calleeIsIdentifier(call)) {
      // A project helper that sends one of its parameters over HTTP, whatever its name.
      const index = helperHttpParam(model, call.nameText);
      const viaHelper = index !== undefined ? detectHttp(model, cat, call, index) : undefined;
      if (viaHelper && viaHelper !== 'mock') found = { ...viaHelper, confidence: viaHelper.confidence === 'high' ? 'medium' : viaHelper.confidence };
    }
    if (!found) found = detectWrapper(model, cat, call) ?? goFound?.get(call.node.id);
    if (!found || found === 'mock') continue;
    if (found.mockModule) {
      mocked ??= model.mockTargets();
      const mod = found.mockModule;
      if (mocked.some((t) => t === mod || t.startsWith(`${mod}.`) || t.startsWith(`${mod}/`) || t.split('.').pop() === found.mockMember)) continue;
    }
    report(ctx, cat, call, found);
  }
  if (pendingWrappers) {
    // The methods holding a direct generation call: a wrapper call there would count it twice.
    const direct = new Set<number>();
    for (const g of ctx.generationCalls) {
      const m = enclosing(g.node, JAVA_METHOD);
      if (m) direct.add(m.id);
    }
    for (const { call, d } of pendingWrappers) {
      const m = enclosing(call.node, JAVA_METHOD);
      if (!m || !direct.has(m.id)) report(ctx, cat, call, d);
    }
  }
  // Python calls that run generating code of other project files beyond the linked wrappers: a
  // base class's method, a method of a project class or of what a factory makes, several files
  // down (see pyDispatch.ts).
  const ws = family === 'python' ? workspaceOf(ctx) : undefined;
  if (ws) {
    const skip = new Set(ctx.generationCalls.map((g) => g.node.id));
    // A chain ends only at what the catalog names for certain (see `generationsOf`), so a file
    // is followed only when it or its imports, within the hops left, name a provider's module,
    // endpoint or name-only path: the looser prefilter's local-model guesses (`generate_*(`, a
    // `generator(` call) open half a standard library to a chain that can end nowhere.
    // (A workspace without the text gate, such as a test's stand-in, follows every file.)
    const reach = (rel: string, hops: number): Promise<boolean> => (typeof ctx.workspace?.reachesWithin === 'function' ? ctx.workspace.reachesWithin(rel, catalogFilterOf(family), hops) : Promise.resolve(true));
    const found = await dispatchedGenerations(ws, generationsOf(ctx), reach, ctx.file, ctx.tree, model.imports, skip);
    if (found.size) {
      for (const call of model.calls) {
        const d = found.get(call.node.id);
        if (d) report(ctx, cat, call, { provider: d.provider, modality: d.modality, api: d.via, confidence: d.confidence });
      }
    }
  }
}

/**
 * The generation calls of another Python file of the workspace, found by this rule run on that
 * file without links (only what the catalog names for certain there), once per scan. The shared
 * model a run makes of a tree no analysis is using is dropped afterwards, so that file's own
 * analysis builds its linked one. The analysed file itself answers nothing (its calls are being found).
 */
function generationsOf(ctx: RuleContext): GenerationsOf {
  const ws = workspaceOf(ctx)!;
  const { workspace: _unlinked, ...base } = ctx;
  return (rel) =>
    rel === ctx.file
      ? Promise.resolve([])
      : workspaceMemo(ws, `py-dispatch-gens:${rel}`, [], async () => {
          const loaded = await ws.load(rel);
          const language = languageForPath(rel);
          if (!loaded || language?.family !== 'python') return [];
          const text = loaded.model.text;
          if (!generationMayApply(text, 'python', [], false)) return [];
          const calls: RuleContext['generationCalls'] = [];
          const had = hasFileModel(loaded.tree);
          try {
            // The detection only: the synthesis `reportSynthesis` adds is the local provider's,
            // which is filtered out below.
            await detect({ ...base, file: rel, text, tree: loaded.tree, language, generationCalls: calls, report: () => undefined });
          } finally {
            if (!had) forgetFileModel(loaded.tree);
          }
          // Another file's model guessed from its names (`provider: 'local'`), or a low-confidence
          // match, is too often an intermediate network (motion coefficients, embeddings) for a
          // caller files away: only what the catalog names for certain counts.
          return calls.filter((g) => g.provider !== 'local' && g.confidence !== 'low').map((g) => ({ provider: g.provider, modality: g.modality, api: g.api, confidence: g.confidence, start: g.node.startIndex, end: g.node.endIndex }));
        });
}

/** Node types of a Java method, constructor or lambda. */
const JAVA_METHOD: ReadonlySet<string> = new Set(['method_declaration', 'constructor_declaration', 'lambda_expression']);
/** Node type of a Python function or method. */
const PYTHON_FUNCTION: ReadonlySet<string> = new Set(['function_definition']);

/** The nearest ancestor of a node whose type is one of `types` (the function or method around it). */
function enclosing(node: Node, types: ReadonlySet<string>): Node | null {
  for (let n = node.parent; n; n = n.parent) if (types.has(n.type)) return n;
  return null;
}

type SdkResult = (Detection & { mockModule?: string; mockMember?: string }) | 'negative' | 'mock' | undefined;

function report(ctx: RuleContext, cat: CompiledCatalog, call: CallSite, d: Detection): void {
  const range = rangeOfNode(call.name);
  const name = cat.providers.get(d.provider)?.name ?? d.provider;
  const generation = { provider: d.provider, modality: d.modality, api: d.api };
  ctx.report({
    ruleId: 'aigc-generation-call',
    range,
    message: `${name} ${d.modality} generation: ${d.api}`,
    confidence: d.confidence,
    generation,
    data: { provider: d.provider, modality: d.modality, api: d.api },
  });
  ctx.generationCalls.push({ ...generation, node: call.node, range, confidence: d.confidence, ...(d.labeled ? { labeled: true } : {}) });
}

/**
 * Whether a call calls an attribute of the object itself that the file binds (`self.pipe(...)`,
 * `this.generator(...)`): the value is called, as a bound name's is. The map lookup comes first,
 * so the receiver's node is read only for names bound as attributes.
 */
function callsOwnAttribute(model: FileModel, call: CallSite): boolean {
  if (!model.bindings.has(`.${call.nameText}`)) return false;
  const recv = call.receiver;
  return !!recv && (recv.type === 'identifier' || recv.type === 'this') && (recv.text === 'self' || recv.text === 'this');
}

/** Finds the catalog method a resolved path names, for the providers of its module. */
function detectSdk(model: FileModel, cat: CompiledCatalog, call: CallSite): SdkResult {
  const r = model.resolveCall(call);
  if (!r) return undefined;
  if (r.mock) return 'mock';
  if (r.module !== undefined && cat.mockModules.has(r.module)) return 'mock';
  const candidates = r.module !== undefined ? providersFor(model, cat, r) : undefined;
  if (candidates && candidates.providers.length) {
    const path = normalisePath(candidates.segments);
    for (const p of candidates.providers) if (p.negative.some((t) => t(path))) return 'negative';
    const methods = cat.methodsByName.get(lastName(path));
    if (!methods) return undefined;
    // A Go package's function is written with its package name (`chains.Run`), which the import
    // path holds rather than the segments.
    const qualified = model.family === 'go' && candidates.segments.length === 1 ? `${goPackageName(r.module!)}.${path}` : undefined;
    for (const m of methods) {
      if (!candidates.providers.includes(m.provider) || !(m.test(path) || (qualified !== undefined && m.test(qualified)))) continue;
      // A property passed as a value (`from_pipe(shared.pipeline)`) is only a method when the
      // catalog names a method there, not a factory called for its result.
      if (call.reference && (m.tasks || m.callsResult)) continue;
      const d = qualify(model, cat, call, r, m, path, 'high');
      if (d) return { ...d, mockModule: r.module!, mockMember: candidates.segments[0]?.replace(/\(\)$/, '') ?? '' };
    }
    return undefined;
  }
  // A module the catalog does not know (`@/lib/openai`, `app.llm`) is usually the project's own
  // wrapper that re-exports an SDK client: fall back to the name-only match below.
  // Name-only: the receiver is not traceable to an import (a parameter, a factory's result).
  // A receiver the file itself builds from a literal (`const chat = { completions: ... }`) is
  // a local object of the same shape, not an SDK client.
  if (model.bindings.get(r.root)?.some((b) => !!b.value && LOCAL_VALUE_KINDS.has(b.value.type))) return undefined;
  const path = normalisePath(r.segments);
  const methods = cat.unresolvedByName.get(lastName(path));
  if (!methods) return undefined;
  for (const m of methods) {
    if (!m.test(path)) continue;
    const d = qualify(model, cat, call, r, m, path, m.unresolved ?? 'low');
    if (d) return d;
  }
  return undefined;
}

function lastName(path: string): string {
  if (path.endsWith('()')) return '()';
  return path.slice(path.lastIndexOf('.') + 1);
}

/**
 * The providers of a resolved module. Python and Java imports of a parent package
 * (`import google` + `google.generativeai.X`) are widened with the following names until a
 * catalog module matches; those names are then dropped from the path.
 */
function providersFor(model: FileModel, cat: CompiledCatalog, r: ResolvedPath): { providers: ProviderSpec[]; segments: string[] } {
  let module = r.module!;
  let segments = r.segments;
  let providers = cat.providersForModule(model.family, module);
  if (model.family === 'python' || model.family === 'java') {
    for (let i = 0; !providers.length && i < segments.length - 1; i++) {
      const seg = segments[i]!;
      if (seg.endsWith('()')) break;
      module = `${module}.${seg}`;
      providers = cat.providersForModule(model.family, module);
      if (providers.length) segments = segments.slice(i + 1);
    }
  }
  return { providers, segments };
}

/**
 * Whether the builder the receiver was compiled from (`chain` in `r, _ := chain.Compile(ctx)`)
 * has one of `names` called on it in this file, directly or in a fluent chain
 * (`chain.AppendChatTemplate(t).AppendChatModel(cm)`), with something other than a test double.
 */
function builderCalled(model: FileModel, r: ResolvedPath, names: RegExp): boolean {
  const builders = new Set<string>();
  for (const n of r.chain) {
    const m = /^([A-Za-z_]\w*)\s*\.\s*Compile$/.exec(n.childForFieldName('function')?.text ?? '');
    if (m) builders.add(m[1]!);
  }
  if (builders.size === 0) return false;
  // A test double added as the model (`AddChatModelNode("model", &mockChatModel{})`) generates nothing.
  return model.calls.some((c) => names.test(c.nameText) && !!c.receiver && builders.has(/^[A-Za-z_]\w*/.exec(c.receiver.text)?.[0] ?? '') && !TEST_DOUBLE.test(c.args?.text ?? ''));
}

const TEST_DOUBLE = /mock|fake|stub|dummy/i;

/** Applies a method's extra conditions and the provider re-attributions; undefined when they fail. */
function qualify(model: FileModel, cat: CompiledCatalog, call: CallSite, r: ResolvedPath, m: MethodSpec, path: string, confidence: Confidence): Detection | undefined {
  let modality = m.modality;
  if (m.tasks) {
    const taskNode = model.positionalArgs(call)[0] ?? model.namedArg(call, TASK_NAMES);
    const task = taskNode ? model.stringValue(taskNode) : undefined;
    const mod = task !== undefined ? m.tasks[task] : undefined;
    if (!mod) return undefined;
    modality = mod;
  }
  let chainUrl: string | undefined;
  if (m.chainArg) {
    const re = m.chainArg;
    const hit = r.chain.find((c) => re.test(argsText(model, c)));
    if (hit) chainUrl = argsText(model, hit);
    else {
      // The argument may be a constant or a built string (`new WebSocket(URL)`, `connect(f"{BASE}/realtime")`).
      chainUrl = chainArgValue(model, r.chain, re);
      if (chainUrl === undefined) return undefined;
    }
  }
  if (m.argText && !m.argText.test(callArgText(model, call))) return undefined;
  if (m.builderCalls && !builderCalled(model, r, m.builderCalls)) return undefined;
  if (m.kwModality) {
    for (const [kw, mod] of Object.entries(m.kwModality)) if (model.namedArg(call, new Set([kw]))) modality = mod;
  }
  let provider = m.provider.id;
  // A framework class or a client class can name the real provider (ChatTongyi, AzureOpenAI).
  const classes = path.split('.');
  for (const cls of classes) {
    const mapped = m.provider.classProviders[cls.replace(/\(\)$/, '')];
    if (mapped) {
      provider = mapped;
      break;
    }
  }
  // A client handed to a factory or constructor in the chain names it too
  // (`OpenAIRealtimeWS.azure(azureClient)`, `new OpenAIRealtimeWS({ model }, client)`).
  if (provider === m.provider.id && m.provider.kind === 'sdk' && Object.keys(m.provider.classProviders).length) {
    const mapped = handedClientProvider(model, m.provider, r.chain);
    if (mapped) provider = mapped;
  }
  if (m.provider.modelArgument) {
    const modelArg = model.namedArg(call, MODEL_NAMES);
    const resolved = modelArg ? model.resolveExpression(modelArg) : undefined;
    if (resolved?.module !== undefined) {
      const sdk = cat.providersForModule(model.family, resolved.module).find((p) => p.kind !== 'framework');
      if (sdk) provider = sdk.id;
    }
  }
  if (m.provider.openaiCompatible || provider === 'openai' || provider === 'azure-openai') {
    const url = baseUrl(model, r.chain) ?? chainUrl;
    const host = url !== undefined ? cat.hostProvider(url) : undefined;
    if (host) provider = host;
  }
  return { provider, modality, api: m.api, confidence };
}

function argsText(model: FileModel, call: Node): string {
  const args = call.childForFieldName('arguments');
  return args ? model.textOf(args) : '';
}

/** The provider a client class names when an identifier argument of a chain call was built from it. */
function handedClientProvider(model: FileModel, provider: ProviderSpec, chain: readonly Node[]): string | undefined {
  for (const node of chain) {
    const site = model.callAt(node);
    if (!site) continue;
    for (const arg of model.positionalArgs(site)) {
      if (arg.type !== 'identifier') continue;
      const resolved = model.resolveExpression(arg);
      const cls = resolved?.segments[0]?.replace(/\(\)$/, '');
      const mapped = cls ? provider.classProviders[cls] : undefined;
      if (mapped) return mapped;
    }
  }
  return undefined;
}

/** The first string a positional argument of a chain call resolves to that matches `re`. */
function chainArgValue(model: FileModel, chain: readonly Node[], re: RegExp): string | undefined {
  for (const node of chain) {
    const site = model.callAt(node);
    if (!site) continue;
    for (const arg of model.positionalArgs(site)) {
      const v = model.stringValue(arg);
      if (v !== undefined && re.test(v)) return v;
    }
  }
  return undefined;
}

/** Names an argument list may refer to its message by (`send(event)`, `send(JSON.stringify(event))`). */
const ARG_NAME = /(?<![\w$.'"])[A-Za-z_$][\w$]*(?![\w$]*\s*[(:=])/g;
/** Names looked up per call: a message is one or two names, not a long expression. */
const MAX_ARG_NAMES = 4;

/**
 * The text of a call's arguments followed by the values bound to the names they mention, so a
 * message built before the call (`event = {"type": "response.create"}; ws.send(json.dumps(event))`)
 * is read as what it is. Bounded: a few names, the bindings the model already holds.
 */
function callArgText(model: FileModel, call: CallSite): string {
  if (!call.args) return '';
  const own = model.textOf(call.args);
  const parts = [own];
  let n = 0;
  for (const m of own.matchAll(ARG_NAME)) {
    if (++n > MAX_ARG_NAMES) break;
    const bound = model.bindings.get(m[0]);
    // The binding nearest above the call is the message sent (names are reused for each event).
    let best: { node: Node; value: Node | null } | undefined;
    for (const b of bound ?? []) if (b.value && b.node.startIndex < call.node.startIndex && (!best || b.node.startIndex > best.node.startIndex)) best = b;
    if (best?.value) parts.push(model.textOf(best.value));
  }
  return parts.join('\n');
}

/** The base URL given to any constructor or builder call in the receiver's chain. */
function baseUrl(model: FileModel, chain: readonly Node[]): string | undefined {
  for (const node of chain) {
    const site = model.callAt(node);
    if (!site) continue;
    if (BASE_URL_METHODS.has(site.nameText)) {
      const arg = model.positionalArgs(site)[0];
      const v = arg ? model.stringValue(arg) : undefined;
      if (v) return v;
    }
    const named = model.namedArg(site, BASE_URL_NAMES);
    const v = named ? model.stringValue(named) : undefined;
    if (v) return v;
    for (const arg of model.positionalArgs(site)) {
      // Go: `option.WithBaseURL(u)` as an argument, or a config struct whose BaseURL was set.
      const inner = model.callAt(arg);
      if (inner && BASE_URL_METHODS.has(inner.nameText)) {
        const first = model.positionalArgs(inner)[0];
        const s = first ? model.stringValue(first) : undefined;
        if (s) return s;
      }
      if (arg.type === 'identifier') {
        const key = `${model.textOf(arg)}.BaseURL`;
        const bound = model.bindings.get(key)?.[0]?.value;
        const s = bound ? model.stringValue(bound) : undefined;
        if (s) return s;
        const cfg = model.bindings.get(model.textOf(arg))?.[0]?.value;
        const cfgSite = cfg ? model.callAt(cfg) : undefined;
        if (cfgSite && /Config$/.test(cfgSite.nameText)) {
          const second = model.positionalArgs(cfgSite)[1];
          const u = second ? model.stringValue(second) : undefined;
          if (u) return u;
        }
      }
    }
  }
  return undefined;
}

interface Declared {
  name: string;
  last: string;
  modality: Modality;
  provider: string;
}

/** The `.aireg.json` generation functions, normalised. */
function declaredFunctions(list: RuleContext['config']['generationFunctions'] | undefined): Declared[] {
  return (list ?? []).map((d) => {
    const name = typeof d === 'string' ? d : d.name;
    return { name, last: name.slice(name.lastIndexOf('.') + 1), modality: (typeof d === 'string' ? undefined : d.modality) ?? 'text', provider: (typeof d === 'string' ? undefined : d.provider) ?? 'declared' };
  });
}

/** A call of a function the team declared as generation: its callee ends with the declared dotted name. */
function declaredMatch(model: FileModel, call: CallSite, declared: readonly Declared[]): Detection | undefined {
  const callee = model.textOf(call.callee).replace(/\s+/g, '');
  const full = call.node.type === 'method_invocation' && call.receiver ? `${model.textOf(call.receiver).replace(/\s+/g, '')}.${callee}` : callee;
  for (const d of declared) {
    if (call.nameText !== d.last) continue;
    if (full === d.name || full.endsWith(`.${d.name}`)) return { provider: d.provider, modality: d.modality, api: d.name, confidence: 'high' };
  }
  return undefined;
}

/**
 * Local inference through the project's own model classes: `tts.inference_sft(...)` where `tts`
 * was built by `CosyVoiceLike(...)` or `Model.get_pretrained(...)` imported from the project (or
 * another module the catalog does not know), and the class or module name says what it makes.
 * A model-named receiver that cannot be traced (a parameter) is a low-confidence guess for the
 * few methods only chat models have.
 */
function detectLocalModel(model: FileModel, cat: CompiledCatalog, call: CallSite): Detection | undefined {
  const spec = cat.localModels;
  if (!spec) return undefined;
  // A model object called directly (`pred = net(mel, frames)`, a torch module's forward), when it
  // was built from a project class whose name says what it makes.
  if (!call.receiver && calleeIsIdentifier(call) && model.bindings.has(call.nameText) && !model.imports.has(call.nameText)) {
    const v = model.resolveCall(call);
    // Built by a constructor (`Net()`) or a class factory (`Net.from_pretrained(...)`).
    const built = v && v.module !== undefined && v.segments.length >= 1 && v.segments.length <= 2 && v.segments[v.segments.length - 1]!.endsWith('()');
    const cls = built ? v.segments[0]!.replace(/\(\)$/, '') : undefined;
    // In JS a constructor is PascalCase; a camelCase function's result (a React hook's,
    // `useVoiceStore(selector)`, which reads a client store) is not a model object.
    const modality = cls && !(model.family === 'js' && !/^[A-Z]/.test(cls)) && !cat.providersForModule(model.family, v!.module!).length ? spec.modalityOf(cls) : undefined;
    if (modality) return { provider: 'local', modality, api: `${cls!}.__call__`, confidence: 'medium' };
  }
  if (!spec.methods.test(call.nameText) || spec.excludedMethods?.test(call.nameText)) return undefined;
  const r = model.resolveCall(call);
  if (!r || r.mock) return undefined;
  // FunASR's `AutoModel(...).generate(input=wav)` transcribes: a library whose models analyse
  // (speech recognition, OCR, embeddings) makes no generation call under any method name.
  if (r.module !== undefined && spec.analyses(r.module)) return undefined;
  if (r.module !== undefined) {
    // SDK and framework modules are the catalog's business; a known SDK path that did not match is
    // not a guess. Libraries of local models (a TTS package) may have more model classes.
    if (cat.providersForModule(model.family, r.module).some((p) => p.kind === 'sdk' || p.kind === 'framework')) return undefined;
    const segs = r.segments.slice(0, -1);
    // A method needs an object built by a call (constructor or factory); a function needs none.
    if (call.receiver && !segs.some((s) => s.endsWith('()'))) return undefined;
    // A project class whose method can be read says what it makes better than its module's name
    // (`ImageService` of `./llm` paints: its `generate` calls `images.generate`). In TypeScript that
    // file reports the call itself and the label rule follows the method's return to this caller,
    // as for a service module with a neutral name, so nothing is guessed here.
    const cls = segs[0]?.replace(/\(\)$/, '');
    const read = call.receiver && segs.length === 1 && cls ? linkedMethodCall(model, cat, r.root, cls, call.nameText) : undefined;
    if (read) return model.family === 'js' ? undefined : { ...read, api: `${cls!}.${call.nameText} (wraps ${read.api})`, confidence: read.confidence === 'low' ? 'low' : 'medium' };
    const names = [...segs.map((s) => s.replace(/\(\)$/, '')), r.module, ...(call.receiver ? [] : [call.nameText])];
    for (const n of names) {
      const modality = spec.modalityOf(n);
      if (modality) return { provider: 'local', modality, api: `${segs.map((s) => s.replace(/\(\)$/, '')).filter((s) => /^[A-Z]/.test(s)).pop() ?? r.module}.${call.nameText}`, confidence: 'medium' };
    }
    // A project class whose name says nothing (a declared `lm: LMModel`) tells no more than an
    // untraced receiver would: the model-named receiver guess below still applies.
  }
  // An object of a model class defined in this very file (`tts = SpeechModel(); tts.infer(...)`).
  const first = r.segments[0];
  if (call.receiver && first?.endsWith('()') && model.classes.has(r.root) && r.segments.length === 2) {
    const modality = spec.modalityOf(r.root);
    if (modality) return { provider: 'local', modality, api: `${r.root}.${call.nameText}`, confidence: 'medium' };
  }
  if (call.receiver && spec.unresolvedMethods?.test(call.nameText) && spec.unresolvedReceivers?.test(model.textOf(call.receiver))) {
    return { provider: 'local', modality: 'text', api: `model.${call.nameText}`, confidence: 'low' };
  }
  return undefined;
}

/**
 * The catalog's generation call (an SDK or endpoint call) made directly in method `method` of class
 * `cls`, imported as `root` from a linked project file; undefined when that file is not linked or
 * the method makes none.
 */
function linkedMethodCall(model: FileModel, cat: CompiledCatalog, root: string, cls: string, method: string): Detection | undefined {
  const imp = model.imports.get(root);
  const ext = imp ? model.linkedOf(imp) : undefined;
  if (!ext) return undefined;
  for (const def of ext.functions.get(method) ?? []) {
    if (enclosingClassName(def) !== cls) continue;
    for (const inner of ext.callsIn(def)) {
      const found = detectSdk(ext, cat, inner);
      if (found === 'negative' || found === 'mock') continue;
      if (found) return found;
      if (cat.httpCallees[ext.family].has(inner.nameText)) {
        const h = detectHttp(ext, cat, inner);
        if (h && h !== 'mock') return h;
      }
    }
  }
  return undefined;
}

/**
 * `make_animation(source, driving, self.generator, ...)`: a project function (imported from a
 * module the catalog does not know) whose name says what it makes, handed a generator network,
 * runs that network.
 */
function handedGenerator(model: FileModel, cat: CompiledCatalog, call: CallSite): Detection | undefined {
  // The name first: most calls are of no imported name, and the node tests below move nodes.
  const imp = model.imports.get(call.nameText);
  if (!imp || call.receiver || call.callee.type !== 'identifier' || cat.providersForModule(model.family, imp.module).length) return undefined;
  const modality = cat.localModels?.modalityOf(call.nameText);
  if (!modality || !model.positionalArgs(call).some((a) => GENERATOR_ARG.test(model.textOf(a)))) return undefined;
  return { provider: 'local', modality, api: `${call.nameText} (runs a generator network)`, confidence: 'medium' };
}

/**
 * `frames = self.spade_generator(feature=f)`: a generator network of a Python file that uses a
 * deep-learning framework, called on its inputs. A function or method the file defines under that
 * name (a Python generator function such as `batch_generator()`) or an imported one is not a
 * network; neither is a module's attribute (`random.generator(...)`).
 */
function calledNetwork(model: FileModel, cat: CompiledCatalog, call: CallSite): Detection | undefined {
  if (model.family !== 'python' || call.reference || !NETWORK_CALLED.test(call.nameText)) return undefined;
  if (model.functions.has(call.nameText) || model.imports.has(call.nameText) || !usesMlFramework(model)) return undefined;
  // Inside a network's own `forward` the generator is one layer of a larger model (CodeFormer's
  // decoder): the model is run where the application calls it, not here.
  const fn = enclosing(call.node, PYTHON_FUNCTION);
  if (fn && /^(?:forward|__call__|call)$/.test(fn.childForFieldName('name')?.text ?? '')) return undefined;
  const root = call.receiver ? /^[\w]+/.exec(model.textOf(call.receiver))?.[0] : undefined;
  if (root !== undefined && model.imports.has(root)) return undefined;
  const modality = cat.localModels?.modalityOf(call.nameText) ?? 'image';
  return { provider: 'local', modality, api: `${call.nameText} (generator network)`, confidence: 'medium' };
}

/** Whether a file imports a deep-learning framework (see {@link ML_FRAMEWORK}), decided once per file model. */
function usesMlFramework(model: FileModel): boolean {
  let v = mlFrameworkMemo.get(model);
  if (v === undefined) {
    v = false;
    for (const imp of model.imports.values()) if (ML_FRAMEWORK.test(imp.module)) v = true;
    mlFrameworkMemo.set(model, v);
  }
  return v;
}

const mlFrameworkMemo = new OwnedMemo<FileModel, boolean>();

/**
 * `swapper.run(None, feeds)`: an inference session (ONNX Runtime's call shape) of a generative
 * model. Projects obtain sessions through their own helpers (`get_inference_pool().get('lip_syncer')`,
 * `get_session(path)`), so the model is named by the receiver or by the strings of the expression
 * that produced it (its key or model path), from the nearest binding before the call. An analysis
 * model's name (detector, classifier, converter) wins over a generative one.
 */
function detectSessionRun(model: FileModel, call: CallSite): Detection | undefined {
  const recv = call.receiver;
  if (!recv || (recv.type !== 'identifier' && recv.type !== 'attribute' && recv.type !== 'member_expression')) return undefined;
  const args = model.positionalArgs(call);
  if (args.length < 2 || (args[0]!.type !== 'none' && args[0]!.type !== 'null')) return undefined;
  const key = model.textOf(recv);
  let bound: Node | null = null;
  for (const b of model.bindings.get(key) ?? []) if (b.value && b.node.startIndex < call.node.startIndex) bound = b.value;
  const names = [key.slice(key.lastIndexOf('.') + 1)];
  if (bound) for (const m of model.textOf(bound).slice(0, 400).matchAll(/['"]([^'"\n]{1,120})['"]/g)) names.push(m[1]!);
  if (names.some((n) => SESSION_ANALYSIS.test(n))) return undefined;
  const hit = names.find((n) => SESSION_GENERATIVE.test(n));
  if (!hit) return undefined;
  const modality: Modality = /generator/i.test(hit) && !/face|portrait/i.test(names.join(' ')) ? 'image' : 'face';
  return { provider: 'local', modality, api: `InferenceSession.run (${hit})`, confidence: 'medium' };
}

/** The environment variable an expression reads (`process.env.X`, `os.environ["X"]`, `os.getenv("X")`), alone or with a fallback. */
function envName(model: FileModel, node: Node): string | undefined {
  let n = node;
  while (n.type === 'parenthesized_expression' || ((n.type === 'binary_expression' || n.type === 'boolean_operator') && /^(\|\||\?\?|or)$/.test(model.textOf(n.childForFieldName('operator') ?? n).trim()))) {
    const next = n.type === 'parenthesized_expression' ? n.firstNamedChild : n.childForFieldName('left');
    if (!next) return undefined;
    n = next;
  }
  const text = model.textOf(n).replace(/\s+/g, '');
  const m = /^(?:process\.env\.|import\.meta\.env\.)([A-Z][A-Z0-9_]*)$|^(?:os\.environ\[|os\.environ\.get\(|os\.getenv\(|System\.getenv\(|os\.Getenv\()["']([A-Z][A-Z0-9_]*)["']/.exec(text);
  return m ? m[1] ?? m[2] : undefined;
}

const wrapperMemo = new OwnedMemo<FileModel, Map<string, Detection | null>>();
/** The same for wrappers reached from another wrapper, which are not followed further. */
const nestedWrapperMemo = new OwnedMemo<FileModel, Map<string, Detection | null>>();

/**
 * A call of a function or method defined in another project file (linked by the workspace model)
 * whose body makes a generation call: the wrapper is a generation call too, one step removed
 * (`from utils import generate_reply` / `agentClient.createMessage(...)`). Summaries are memoised
 * per linked file and function, and are one level deep.
 */
function detectWrapper(model: FileModel, cat: CompiledCatalog, call: CallSite, nested = false): Detection | undefined {
  let ext: FileModel | undefined;
  let name: string | undefined;
  // The class whose instance receives the call, when the receiver says it: a module often holds
  // several services with a method of the same name (`TextService.generate`, `ImageService.generate`).
  let owner: string | undefined;
  const javaMethod = call.node.type === 'method_invocation';
  if (calleeIsIdentifier(call) && !javaMethod) {
    const imp = model.imports.get(call.nameText);
    if (imp?.member) {
      ext = model.linkedOf(imp);
      name = imp.member;
    }
  } else if (call.receiver?.type === 'identifier' && model.imports.has(model.textOf(call.receiver))) {
    // `helpers.generate(...)`, a Go package's function (`ai.Ask(...)`), a Java static method.
    const imp = model.imports.get(model.textOf(call.receiver))!;
    ext = model.family === 'go' ? model.linkedMember(imp, call.nameText) : model.linkedOf(imp);
    name = call.nameText;
  } else if (model.family === 'python' && !call.reference && call.receiver && (model.textOf(call.receiver) === 'super()' || (model.textOf(call.receiver) === 'self' && !definedInClass(call.node, call.nameText)))) {
    // `super().generate(text)` in an override, or `self._complete(msgs)` for a method the class
    // inherits: the method of a base class imported from a project file.
    ext = model.baseClassFiles(call.node).find((b) => b.functions.has(call.nameText));
    name = call.nameText;
  } else if ((model.family === 'go' || (model.family === 'python' && !call.reference)) && call.receiver) {
    // `svc.Answer(ctx, q)` where `svc` comes from a package of the module (`llm.NewService(m)`,
    // or declared `*llm.Service`): the method is looked up in the file that declares that name.
    // Python the same way: `self.renderer.decode(x)` after `self.renderer = Renderer(cfg)` with
    // `Renderer` imported from a project module. A bound method handed to a UI (`fn=talker.run`)
    // is where the UI is wired, not a call. (TypeScript services reach their routes through the
    // label rule's method follow, which reports at the service.)
    const r = model.resolveCall(call);
    const head = r?.module !== undefined && r.segments.length === 2 && r.segments[0]!.endsWith('()') ? r.segments[0]!.slice(0, -2) : undefined;
    // An attribute inherited from a base class of another file names that file's import.
    const home = r?.owner ?? model;
    const imp = head ? home.imports.get(r!.root) : undefined;
    if (imp && head) {
      ext = model.family === 'go' ? model.linkedMember(imp, head) : home.linkedOf(imp);
      name = call.nameText;
      if (model.family === 'python') owner = head;
    }
  } else if (javaMethod && call.receiver) {
    // `chatService.ask(q)`: an instance of a project class (the declared type of a field,
    // parameter or local) whose method generates.
    const type = declaredTypeName(model, call.receiver);
    const imp = type ? model.imports.get(type) : undefined;
    if (imp) {
      ext = model.linkedOf(imp);
      name = call.nameText;
      owner = type;
    }
  }
  let defs = ext && name ? functionDefs(ext, name) : [];
  if (!ext || !name || defs.length === 0) return undefined;
  // Only the receiver's class's own definitions, when it has one (an interface or a base class
  // defining it elsewhere keeps every definition of the name, as before).
  const own = owner ? defs.filter((def) => enclosingClassName(def) === owner) : [];
  if (own.length) defs = own;
  const key = own.length ? `${owner!}.${name}` : name;
  const memos = nested ? nestedWrapperMemo : wrapperMemo;
  let memo = memos.get(ext);
  if (!memo) {
    memo = new Map();
    memos.set(ext, memo);
  }
  let d = memo.get(key);
  if (d === undefined) {
    d = null;
    const http = cat.httpCallees[ext.family];
    const declared = ext.functions.has(name);
    outer: for (const def of defs) {
      for (const inner of ext.callsIn(def)) {
        // A constant's arrow function that builds something calling the model later (a tool
        // factory: `(opts) => tool({ execute: async () => streamText(...) })`) does not generate
        // when called: only calls in its own body count.
        if (!declared && ownFunction(inner.node)?.id !== def.id) continue;
        let found: SdkResult = detectSdk(ext, cat, inner);
        if (found === 'negative' || found === 'mock') continue;
        if (!found && http.has(inner.nameText)) {
          const h = detectHttp(ext, cat, inner);
          if (h && h !== 'mock') found = h;
        }
        // Two files away only what the catalog names for certain counts (an SDK or endpoint
        // call): a model guessed from its names there is too often an intermediate network
        // (motion coefficients, embeddings) wrapped for another purpose.
        if (!nested) found ??= detectLocalModel(ext, cat, inner) ?? calledNetwork(ext, cat, inner);
        // A Java method that calls an AI service of its own class (`getAssistant().chat(id, m)`).
        found ??= detectProxy(ext, cat, inner);
        // A wrapper of a wrapper in a third file (one level more, never further).
        if (!found && !nested && ext.family === 'python') found = detectWrapper(ext, cat, inner, true);
        if (found) {
          d = { provider: found.provider, modality: found.modality, api: `${name} (wraps ${found.api})`, confidence: found.confidence === 'low' ? 'low' : 'medium', ...(returnsLabeled(ext, def) ? { labeled: true } : {}) };
          break outer;
        }
      }
    }
    // A Java public method that delegates to methods of its own class (an overload, a private
    // helper: `loop(task)` → `loop(task, ctx, memory)` → `generate(...)`), up to two such calls down.
    if (!d && !nested && ext.family === 'java') {
      for (const def of defs) {
        const found = ownMethodsReach(ext, cat, def, 2, new Set([def.id]));
        if (found) {
          d = { provider: found.provider, modality: found.modality, api: `${name} (wraps ${found.api})`, confidence: found.confidence === 'low' ? 'low' : 'medium', ...(returnsLabeled(ext, def) ? { labeled: true } : {}) };
          break;
        }
      }
    }
    memo.set(key, d);
  }
  return d ?? undefined;
}

const CLASS_NODES = new Set(['class_definition', 'class_declaration', 'abstract_class_declaration', 'class', 'interface_declaration', 'enum_declaration', 'record_declaration']);
/** Class bodies and decorators stand between a method and its class; a few steps at most. */
const MAX_CLASS_STEPS = 4;

/** The name of the class a method definition belongs to, if it is a method. */
function enclosingClassName(def: Node): string | undefined {
  let p = def.parent;
  for (let i = 0; p && i < MAX_CLASS_STEPS; i++, p = p.parent) {
    if (CLASS_NODES.has(p.type)) return p.childForFieldName('name')?.text;
  }
  return undefined;
}

/** Whether the Python class around `at` defines a method `name` itself. */
function definedInClass(at: Node, name: string): boolean {
  let cls: Node | null = at;
  while (cls && cls.type !== 'class_definition') cls = cls.parent;
  for (const st of cls?.childForFieldName('body')?.namedChildren ?? []) {
    const def = st?.type === 'decorated_definition' ? st.childForFieldName('definition') : st;
    if (def?.type === 'function_definition' && def.childForFieldName('name')?.text === name) return true;
  }
  return !cls;
}

/**
 * The definitions of a function of a file by name: declarations, and in JS/TS a constant bound to
 * an arrow function or function expression (`export const getReply = async (...) => { ... }`),
 * the way most TypeScript modules write their exported helpers.
 */
function functionDefs(model: FileModel, name: string): readonly Node[] {
  const declared = model.functions.get(name);
  if (declared || model.family !== 'js') return declared ?? [];
  const out: Node[] = [];
  for (const b of model.bindings.get(name) ?? []) {
    if (b.node.type === 'variable_declarator' && (b.value?.type === 'arrow_function' || b.value?.type === 'function_expression' || b.value?.type === 'function')) out.push(b.value);
  }
  return out;
}

/**
 * What a Java method reaches through the methods of its own class it calls (no receiver or
 * `this.`), `depth` calls down: an SDK or endpoint call, or an AI service of the class, each
 * definition visited once.
 */
function ownMethodsReach(model: FileModel, cat: CompiledCatalog, def: Node, depth: number, seen: Set<number>): Detection | undefined {
  if (depth <= 0) return undefined;
  for (const inner of model.callsIn(def)) {
    if (inner.receiver && inner.receiver.type !== 'this') continue;
    for (const next of model.functions.get(inner.nameText) ?? []) {
      if (seen.has(next.id)) continue;
      seen.add(next.id);
      for (const call of model.callsIn(next)) {
        const found = detectSdk(model, cat, call);
        if (found === 'negative' || found === 'mock') continue;
        const d = found ?? detectProxy(model, cat, call);
        if (d) return { ...d, api: `${inner.nameText} → ${d.api}` };
      }
      const deeper = ownMethodsReach(model, cat, next, depth - 1, seen);
      if (deeper) return { ...deeper, api: `${inner.nameText} → ${deeper.api}` };
    }
  }
  return undefined;
}

const JS_FUNCTION_NODES = new Set(['arrow_function', 'function_expression', 'function', 'function_declaration', 'method_definition', 'generator_function', 'generator_function_declaration']);

/** The innermost JS function around a node (the walk stops at the first one). */
function ownFunction(n: Node): Node | null {
  let p = n.parent;
  while (p && !JS_FUNCTION_NODES.has(p.type)) p = p.parent;
  return p;
}

/**
 * What one call generates by itself (an SDK call, an HTTP call to an endpoint, a local model),
 * without following it into a project function: the step the Go dispatch repeats in each target.
 */
function directDetection(model: FileModel, call: CallSite): Detection | undefined {
  const cat = catalog();
  let found: SdkResult = detectSdk(model, cat, call);
  if (found === 'negative' || found === 'mock') return undefined;
  if (!found && cat.httpCallees[model.family].has(call.nameText)) {
    const h = detectHttp(model, cat, call);
    if (h && h !== 'mock') found = h;
  }
  return found ?? detectLocalModel(model, cat, call);
}

/** Whether every value a function returns carries a visible AI label in its own text (`"【AI生成】" + reply`). */
function returnsLabeled(model: FileModel, def: Node): boolean {
  const returns = model.returnsOf(def);
  if (!returns.length) return false;
  const patterns = labelCatalog().explicitText;
  return returns.every((e) => {
    const text = model.textOf(e);
    return patterns.some((p) => p.test(text));
  });
}

/** The parameter a local or linked helper function sends over HTTP, if any. */
function helperHttpParam(model: FileModel, name: string): number | undefined {
  if (model.functions.has(name)) return model.httpParam(name);
  const imp = model.imports.get(name);
  const ext = imp?.member ? model.linkedOf(imp) : undefined;
  return ext && imp?.member ? ext.httpParam(imp.member) : undefined;
}

/** Matches the string arguments of an HTTP call against the catalog's endpoints. */
function detectHttp(model: FileModel, cat: CompiledCatalog, call: CallSite, only?: number): Detection | 'mock' | undefined {
  const r = model.resolveCall(call);
  if (r?.mock || (r?.module !== undefined && cat.mockModules.has(r.module))) return 'mock';
  // A route registration (`@app.post("/v1/chat/completions")`, `app.post(path, handler)`) serves
  // the endpoint; it does not call a model.
  if (call.node.parent?.type === 'decorator') return undefined;
  const positional = model.positionalArgs(call);
  // (A helper's other arguments, such as callbacks, say nothing about its URL parameter.)
  if (only === undefined && positional.some((a) => LOCAL_VALUE_KINDS.has(a.type) && a.type !== 'string' && a.type !== 'template_string' && a.type !== 'object')) return undefined;
  const candidates: Node[] = only !== undefined ? positional.slice(only, only + 1) : positional.slice(0, 4);
  const named = only === undefined ? model.namedArg(call, URL_NAMES) : undefined;
  if (named) candidates.push(named);
  for (const arg of candidates) {
    // `fetch(process.env.ANTHROPIC_API_URL)`: the variable's name says where the request goes.
    const env = envName(model, arg);
    const envProvider = env ? cat.envUrlProvider(env) : undefined;
    if (envProvider) return { provider: envProvider, modality: 'text', api: `POST $${env}`, confidence: 'medium' };
    const url = model.stringValue(arg);
    if (!url || url.length < 6) continue;
    for (const e of cat.endpoints) {
      if (!e.pattern.test(url)) continue;
      const host = cat.hostProvider(url);
      const provider = e.provider ?? host ?? 'openai-compatible';
      // A literal host the catalog knows is certain; a path alone on an unknown host is likely.
      const confidence: Confidence = e.provider || host ? 'high' : 'medium';
      return { provider, modality: e.modality, api: e.api.startsWith('POST') ? e.api : `POST ${e.api}`, confidence };
    }
    // A gateway: the request goes to a provider's host with the path of the incoming request
    // (`${PROVIDER_BASE_URL}/${path}`). Only the host is known, so it is likely, not certain.
    // A reverse proxy to a provider's host (Go's `httputil.NewSingleHostReverseProxy(target)`)
    // forwards every incoming path to it.
    const host = /^(?:https?:\/\/)?[\w.-]+(?::\d+)?\/?\{\}/.test(url) || (REVERSE_PROXY.has(call.nameText) && /^https?:\/\/[\w.-]+(?::\d+)?\/?$/.test(url)) ? cat.hostProvider(url) : undefined;
    if (host && host !== 'local') return { provider: host, modality: 'text', api: 'proxy to the provider API', confidence: 'medium' };
  }
  return undefined;
}

/** The simple name of the declared type of a Java receiver (`assistant`, `this.assistant`), if declared. */
function declaredTypeName(model: FileModel, receiver: Node): string | undefined {
  let key: string;
  // `new Workflow(client).run(q)`: the instance is of the class it constructs.
  if (receiver.type === 'object_creation_expression') return simpleTypeName(model, receiver.childForFieldName('type'));
  if (receiver.type === 'identifier') key = model.textOf(receiver);
  else if (receiver.type === 'field_access' && receiver.childForFieldName('object')?.type === 'this') key = model.textOf(receiver.childForFieldName('field') ?? receiver);
  else return undefined;
  // The nearest declaration before the receiver (a local or parameter), else the field.
  let type: Node | null = null;
  for (const k of receiver.type === 'identifier' ? [key, `.${key}`] : [`.${key}`]) {
    for (const b of model.bindings.get(k) ?? []) {
      if (b.type && b.node.startIndex < receiver.startIndex) type = b.type;
      else if (b.type && !type) type = b.type;
    }
    if (type) break;
  }
  return simpleTypeName(model, type);
}

/** The simple name of a Java type node (`Workflow`, `Box<T>`, `a.b.Workflow`), if it is a class type. */
function simpleTypeName(model: FileModel, type: Node | null): string | undefined {
  let t: Node | null = type;
  while (t && t.type === 'generic_type') t = t.firstNamedChild;
  if (t?.type === 'scoped_type_identifier') t = t.lastNamedChild;
  return t?.type === 'type_identifier' ? model.textOf(t) : undefined;
}

const proxyClassMemo = new OwnedMemo<FileModel, Map<ProxySpec, ReadonlySet<string>>>();

/** Names of the interfaces a file hands to a proxy factory (`AiServices.create(Assistant.class, model)`). */
function proxyClasses(model: FileModel, proxy: ProxySpec): ReadonlySet<string> {
  let memo = proxyClassMemo.get(model);
  if (!memo) {
    memo = new Map();
    proxyClassMemo.set(model, memo);
  }
  let out = memo.get(proxy);
  if (!out) {
    const names = new Set<string>();
    if (model.text.includes(proxy.factoryHint)) {
      for (const c of model.calls) {
        const first = c.args?.firstNamedChild;
        if (first?.type !== 'class_literal') continue;
        const r = model.resolveCall(c);
        if (!r || r.module === undefined || !catalog().providersForModule(model.family, r.module).includes(proxy.provider) || !proxy.factory.test(normalisePath(r.segments))) continue;
        const t = first.firstNamedChild;
        if (t) names.add(model.textOf(t).replace(/^.*\./, ''));
      }
    }
    out = names;
    memo.set(proxy, out);
  }
  return out;
}

/** Whether an annotation list (a `modifiers` node) names one of the proxy's annotations, imported from its provider. */
function hasProxyAnnotation(model: FileModel, modifiers: Node | undefined, proxy: ProxySpec): boolean {
  if (!modifiers) return false;
  const cat = catalog();
  for (const a of modifiers.namedChildren) {
    if (a?.type !== 'marker_annotation' && a?.type !== 'annotation') continue;
    const n = a.childForFieldName('name');
    if (!n) continue;
    const full = model.textOf(n);
    const simple = full.slice(full.lastIndexOf('.') + 1);
    if (!proxy.annotations.has(simple)) continue;
    const module = full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : model.imports.get(simple)?.module;
    const modules = module !== undefined ? [module] : model.starModules;
    if (modules.some((m) => cat.providersForModule(model.family, m).includes(proxy.provider))) return true;
  }
  return false;
}

const proxyInterfaceMemo = new WeakMap<Node, boolean>();

/** Whether a declared interface is one of the proxy's by its annotations (on it or on a method). */
function annotatedProxy(model: FileModel, iface: Node, proxy: ProxySpec): boolean {
  let hit = proxyInterfaceMemo.get(iface);
  if (hit === undefined) {
    const mods = (n: Node): Node | undefined => n.namedChildren.find((c) => c?.type === 'modifiers') ?? undefined;
    hit = hasProxyAnnotation(model, mods(iface), proxy);
    for (const m of iface.childForFieldName('body')?.namedChildren ?? []) {
      if (hit) break;
      if (m?.type === 'method_declaration') hit = hasProxyAnnotation(model, mods(m), proxy);
    }
    proxyInterfaceMemo.set(iface, hit);
  }
  return hit;
}

/**
 * LangChain4j AI Services and the like: `assistant.chat(msg)` where `assistant` is declared with an
 * interface the framework turns into a proxy (see `proxies` in providers.json), because the
 * interface is annotated for it or is handed to the factory (`AiServices.create(Assistant.class,
 * model)`) in this file or in its own; or any method called on the factory's result. The
 * interface may be declared here or in a linked file of the project.
 */
function detectProxy(model: FileModel, cat: CompiledCatalog, call: CallSite): Detection | undefined {
  if (model.family !== 'java' || !cat.proxies.length || !call.receiver || call.node.type !== 'method_invocation' || OBJECT_METHODS.has(call.nameText)) return undefined;
  const type = declaredTypeName(model, call.receiver);
  for (const proxy of cat.proxies) {
    if (type) {
      let owner: FileModel | undefined = model;
      let iface = model.interfaces.get(type);
      if (!iface) {
        const imp = model.imports.get(type);
        owner = imp ? model.linkedOf(imp) : undefined;
        iface = owner?.interfaces.get(imp?.member?.split('.').pop() ?? type);
      }
      if (owner && iface && (annotatedProxy(owner, iface, proxy) || proxyClasses(model, proxy).has(type) || (owner !== model && proxyClasses(owner, proxy).has(type)) || !!model.workspaceProxies?.has(type))) {
        const method = iface.childForFieldName('body')?.namedChildren.find((m) => m?.type === 'method_declaration' && m.childForFieldName('name') && owner!.textOf(m.childForFieldName('name')!) === call.nameText);
        // A default method has a body of its own; only abstract methods are proxied. (The method
        // may belong to another interface of the same name, nested elsewhere in the file: the
        // factory's result below still decides.)
        if (method?.childForFieldName('body')) continue;
        if (method) {
          const returns = method.childForFieldName('type');
          let rt: Node | null = returns;
          while (rt?.type === 'generic_type') rt = rt.firstNamedChild;
          const streaming = !!rt && proxy.streamingTypes.has(owner.textOf(rt).replace(/^.*\./, ''));
          return { provider: proxy.provider.id, modality: proxy.modality, api: `${proxy.api} ${type}.${call.nameText}${streaming ? ' (streaming)' : ''}`, confidence: 'high' };
        }
      }
    }
    // Any method of the factory's result (`AiServices.create(Assistant.class, model).chat(q)`, or
    // through a variable bound to it).
    if (!model.text.includes(proxy.factoryHint)) continue;
    const r = model.resolveCall(call);
    if (!r || r.mock || r.module === undefined || r.segments.length < 2) continue;
    if (!cat.providersForModule(model.family, r.module).includes(proxy.provider)) continue;
    if (proxy.factory.test(normalisePath(r.segments.slice(0, -1)))) return { provider: proxy.provider.id, modality: proxy.modality, api: `${proxy.api} ${call.nameText}`, confidence: 'high' };
  }
  return undefined;
}
