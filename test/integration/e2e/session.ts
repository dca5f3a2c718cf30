/**
 * Shared state of the browser-driven end-to-end suites: the packaged extension installed once, one
 * English code-server with a copy of the fixture workspace, and one Chromium page. Suites that need a
 * different server (the zh-cn display language) start their own with `startSession`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  REPO_ROOT,
  copyWorkspace,
  installVsix,
  launchBrowser,
  loadTools,
  makeRunDir,
  startCodeServer,
  type BrowserSession,
  type CodeServer,
  type E2eTools,
} from '../lib/codeServer';
import { buildProduction, packageVersion, packageVsix } from '../lib/packaging';
import { openWorkbench, shot } from '../lib/workbench';

/** The fixture workspace every run copies (never edited in place). */
export const FIXTURE_WORKSPACE = path.join(REPO_ROOT, 'test', 'fixtures', 'e2e-workspace');

/** One code-server + browser + workspace copy. */
export interface Session {
  tools: E2eTools;
  runDir: string;
  workspace: string;
  server: CodeServer;
  browser: BrowserSession;
  close(): Promise<void>;
}

/** A language pack without core translations (test fixture): lets code-server switch to zh-cn. */
export const ZH_LANGUAGE_PACK = path.join(REPO_ROOT, 'test', 'fixtures', 'zh-cn-language-pack');

interface Prepared {
  tools: E2eTools;
  runDir: string;
  extensionsDir: string;
  vsix: string;
}

let shared: Prepared | undefined;
/** Offsite request lists of every browser opened in this run, checked by the last suite. */
export const allOffsite: string[][] = [];
let english: Session | undefined;
/** Pages of the sessions alive now, screenshotted when a test fails. */
const livePages = new Set<import('playwright-core').Page>();

/**
 * Packages and installs the extension once per run. `scripts/run-e2e.mjs` does this itself and passes
 * `AIREG_E2E_EXTENSIONS_DIR`; when the suites run alone they do it here.
 */
export function prepared(): Prepared {
  if (shared) return shared;
  const tools = loadTools();
  const runDir = process.env.AIREG_E2E_RUN_DIR ?? makeRunDir();
  let extensionsDir = process.env.AIREG_E2E_EXTENSIONS_DIR;
  let vsix = process.env.AIREG_E2E_VSIX;
  if (!extensionsDir || !vsix) {
    buildProduction();
    vsix = packageVsix(tools, path.join(runDir, `aireg-${packageVersion()}.vsix`)).vsix;
    extensionsDir = path.join(runDir, 'extensions');
    fs.mkdirSync(extensionsDir, { recursive: true });
    installVsix(tools, vsix, extensionsDir, runDir);
  }
  shared = { tools, runDir, extensionsDir, vsix };
  return shared;
}

/**
 * An extensions folder with aireg and the zh-cn language pack. Without a language pack code-server
 * ignores --locale (it resolves the display language to English), so extensions would get English too.
 */
function chineseExtensions(p: Prepared, dir: string): { extensionsDir: string; pack: { folder: string; extensionId: string; version: string; label: string } } {
  const extensionsDir = path.join(dir, 'extensions-zh');
  fs.mkdirSync(extensionsDir, { recursive: true });
  installVsix(p.tools, p.vsix, extensionsDir, dir);
  const manifest = JSON.parse(fs.readFileSync(path.join(ZH_LANGUAGE_PACK, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  const packVsix = packageVsix(p.tools, path.join(dir, 'zh-cn-language-pack.vsix'), ZH_LANGUAGE_PACK).vsix;
  const extensionId = `${manifest.publisher}.${manifest.name}`;
  const folder = installVsix(p.tools, packVsix, extensionsDir, dir, `${extensionId}-`);
  return { extensionsDir, pack: { folder, extensionId, version: manifest.version, label: '中文(简体)' } };
}

/** Starts a code-server and a browser on a fresh copy of the fixture workspace, opened in the workbench. */
export async function startSession(name: string, opts: { locale?: string } = {}): Promise<Session> {
  const p = prepared();
  const { tools, runDir } = p;
  const dir = fs.mkdtempSync(path.join(runDir, `${name}-`));
  const workspace = copyWorkspace(FIXTURE_WORKSPACE, dir);
  let extensionsDir = p.extensionsDir;
  let languagePacks: Record<string, { folder: string; extensionId: string; version: string; label: string }> | undefined;
  if (opts.locale === 'zh-cn') {
    const zh = chineseExtensions(p, dir);
    extensionsDir = zh.extensionsDir;
    languagePacks = { 'zh-cn': zh.pack };
  }
  const server = await startCodeServer({
    tools,
    runDir: dir,
    extensionsDir,
    ...(opts.locale ? { locale: opts.locale } : {}),
    ...(languagePacks ? { languagePacks } : {}),
  });
  const browser = await launchBrowser(tools, dir, opts.locale);
  allOffsite.push(browser.offsite);
  try {
    await openWorkbench(browser.page, server.folderUrl(workspace), 'app.py');
  } catch (e) {
    await browser.close();
    await server.stop();
    throw e;
  }
  livePages.add(browser.page);
  return {
    tools,
    runDir: dir,
    workspace,
    server,
    browser,
    close: async () => {
      livePages.delete(browser.page);
      await browser.close();
      await server.stop();
    },
  };
}

/** The shared English session, started on first use and closed by the root hook. */
export async function englishSession(): Promise<Session> {
  english ??= await startSession('en');
  return english;
}

/** Mocha root hooks (loaded with --require): close the shared session after all suites. */
export const mochaHooks = {
  async afterEach(this: Mocha.Context): Promise<void> {
    const t = this.currentTest;
    if (t?.state !== 'failed' || !t.err) return;
    let i = 0;
    for (const page of livePages) await shot(page, `FAILED-${t.title.slice(0, 60)}-${i++}`);
  },
  async afterAll(): Promise<void> {
    if (english) await english.close();
    english = undefined;
  },
};

/** Resolves a manifest string (`%key%`) from package.nls(.zh-cn).json. */
export function manifestString(value: string, lang: 'en' | 'zh-cn' = 'en'): string {
  const m = /^%(.+)%$/.exec(value);
  if (!m) return value;
  const read = (f: string): Record<string, string> =>
    fs.existsSync(path.join(REPO_ROOT, f)) ? (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, f), 'utf8')) as Record<string, string>) : {};
  const en = read('package.nls.json');
  const bundle = lang === 'en' ? en : { ...en, ...read('package.nls.zh-cn.json') };
  const s = bundle[m[1]!];
  if (s === undefined) throw new Error(`manifest string ${value} missing from package.nls${lang === 'en' ? '' : '.zh-cn'}.json`);
  return s;
}

/** The command palette label of one of our commands ("<category>: <title>"), in a display language. */
export function commandLabel(id: string, lang: 'en' | 'zh-cn' = 'en'): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    contributes?: { commands?: { command: string; title: string; category?: string }[] };
  };
  const cmd = pkg.contributes?.commands?.find((c) => c.command === id);
  if (!cmd) throw new Error(`package.json contributes no command ${id}`);
  const title = manifestString(cmd.title, lang);
  return cmd.category ? `${manifestString(cmd.category, lang)}: ${title}` : title;
}
