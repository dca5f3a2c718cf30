/**
 * The web-tree-sitter lifecycle in one place: the runtime is initialised once with an explicit
 * wasm location (bundlers leave `__dirname`/`import.meta.url` unreliable), grammars load lazily
 * on first use, queries compile once per language, and parses have a time limit so one
 * pathological file cannot stall a scan or the editor.
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import { Language, Parser, Query, type Tree } from 'web-tree-sitter';
import { type LanguageId, type LanguageInfo, languageById } from './languages';

/** Default time limit for one parse; the scan reports a file that exceeds it and goes on. */
export const DEFAULT_PARSE_TIMEOUT_MS = 5000;

export class ParseTimeoutError extends Error {
  constructor(readonly file: string, readonly timeoutMs: number) {
    super(`parsing ${file} took longer than ${timeoutMs} ms and was abandoned`);
  }
}

export class GrammarLoadError extends Error {
  constructor(readonly language: LanguageId, cause: unknown) {
    super(`the ${language} grammar failed to load: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/**
 * Finds the folder holding `tree-sitter.wasm` and the grammar wasm files. The build copies them
 * next to the bundles in `dist/grammars`; from sources (tests) they are read from node_modules.
 */
export function defaultGrammarDir(): string {
  const candidates = [
    process.env.AIREG_GRAMMAR_DIR,
    path.join(__dirname, 'grammars'),
    path.join(__dirname, '..', 'dist', 'grammars'),
    path.join(__dirname, '..', '..', 'dist', 'grammars'),
  ].filter((c): c is string => !!c);
  for (const dir of candidates) {
    if (fs.existsSync(path.join(dir, 'tree-sitter.wasm'))) return dir;
  }
  throw new Error(`aireg: grammar folder not found (looked in ${candidates.join(', ')}); run \`npm run build\``);
}

interface LoadedLanguage {
  language: Language;
  parser: Parser;
  queries: Map<string, Query>;
}

export class TreeSitterHost {
  private initPromise: Promise<void> | undefined;
  private readonly languages = new Map<LanguageId, Promise<LoadedLanguage>>();
  private readonly failed = new Map<LanguageId, GrammarLoadError>();

  constructor(private readonly grammarDir: string = defaultGrammarDir(), private readonly parseTimeoutMs = DEFAULT_PARSE_TIMEOUT_MS) {}

  private init(): Promise<void> {
    this.initPromise ??= Parser.init({
      locateFile: (name: string) => path.join(this.grammarDir, name),
    });
    return this.initPromise;
  }

  /** Languages whose grammar could not load, so callers can warn once and skip them. */
  failedLanguages(): ReadonlyMap<LanguageId, GrammarLoadError> {
    return this.failed;
  }

  private load(info: LanguageInfo): Promise<LoadedLanguage> {
    let p = this.languages.get(info.id);
    if (!p) {
      p = (async () => {
        await this.init();
        try {
          const bytes = await fs.promises.readFile(path.join(this.grammarDir, info.wasm));
          const language = await Language.load(bytes);
          const parser = new Parser();
          parser.setLanguage(language);
          return { language, parser, queries: new Map() };
        } catch (err) {
          const error = new GrammarLoadError(info.id, err);
          this.failed.set(info.id, error);
          throw error;
        }
      })();
      this.languages.set(info.id, p);
    }
    return p;
  }

  async language(id: LanguageId): Promise<Language> {
    return (await this.load(languageById(id)!)).language;
  }

  /**
   * Compiles a query once per language and caches it under `key`. Callers must not delete the
   * returned query; the host owns it and frees it in `dispose`.
   */
  async query(id: LanguageId, key: string, source: string): Promise<Query> {
    const loaded = await this.load(languageById(id)!);
    let q = loaded.queries.get(key);
    if (!q) {
      q = new Query(loaded.language, source);
      loaded.queries.set(key, q);
    }
    return q;
  }

  /**
   * Parses text. The caller owns the returned tree and must `delete()` it. Throws
   * ParseTimeoutError when the parse runs past the time limit.
   */
  async parse(id: LanguageId, text: string, file = '<text>', oldTree?: Tree | null): Promise<Tree> {
    const loaded = await this.load(languageById(id)!);
    const deadline = performance.now() + this.parseTimeoutMs;
    let timedOut = false;
    const tree = loaded.parser.parse(text, oldTree ?? null, {
      progressCallback: () => {
        if (performance.now() > deadline) {
          timedOut = true;
          return true;
        }
        return false;
      },
    });
    if (!tree || timedOut) {
      tree?.delete();
      loaded.parser.reset();
      throw new ParseTimeoutError(file, this.parseTimeoutMs);
    }
    return tree;
  }

  /** Frees every parser and query. The host must not be used afterwards. */
  async dispose(): Promise<void> {
    for (const p of this.languages.values()) {
      try {
        const loaded = await p;
        for (const q of loaded.queries.values()) q.delete();
        loaded.parser.delete();
      } catch {
        // A grammar that failed to load has nothing to free.
      }
    }
    this.languages.clear();
  }
}
