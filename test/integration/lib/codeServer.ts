/**
 * Runs the packaged extension in a real VS Code: code-server 4.139 (VS Code 1.139) on Node 24, driven by
 * Debian's Chromium through playwright-core. Used by the end-to-end suites, `scripts/run-e2e.mjs` and
 * `npm run browser`. Everything a run writes (HOME, user data, extensions, the workspace copy) lives in one
 * temporary folder, so runs never touch the developer's profile or tracked files.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

/** Repository root (this file is test/integration/lib/codeServer.ts). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Paths of the tools `scripts/e2e-setup.sh` installs, read from `.e2e-tools/env.json`. */
export interface E2eTools {
  node24: string;
  codeServerEntry: string;
  vsce: string;
  chromium: string;
}

/** Reads the tool paths, failing with the one command that fixes a missing set-up. */
export function loadTools(): E2eTools {
  const dir = process.env.E2E_TOOLS ?? path.join(REPO_ROOT, '.e2e-tools');
  const file = path.join(dir, 'env.json');
  if (!fs.existsSync(file)) {
    throw new Error(`aireg e2e: ${file} not found; run \`bash scripts/e2e-setup.sh\` first.`);
  }
  const tools = JSON.parse(fs.readFileSync(file, 'utf8')) as E2eTools;
  for (const p of [tools.node24, tools.codeServerEntry, tools.chromium]) {
    if (!fs.existsSync(p)) throw new Error(`aireg e2e: ${p} is missing; run \`bash scripts/e2e-setup.sh\` again.`);
  }
  return tools;
}

/** A HOME and XDG set-up inside `dir`: even `code-server --version` writes a config under ~/.config. */
export function isolatedEnv(dir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const home = path.join(dir, 'home');
  fs.mkdirSync(home, { recursive: true });
  return {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_RUNTIME_DIR: path.join(home, '.run'),
    // An empty gallery keeps code-server from contacting its default marketplace.
    EXTENSIONS_GALLERY: '{}',
    ...extra,
  };
}

/** Makes a fresh temporary folder for one run. */
export function makeRunDir(prefix = 'aireg-e2e-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Copies a workspace folder (fixture or demo) so tests can edit files and write state freely. */
export function copyWorkspace(from: string, runDir: string, name = 'workspace'): string {
  const to = path.join(runDir, name);
  fs.cpSync(from, to, { recursive: true });
  return to;
}

/** Installs a `.vsix` into an extensions folder with code-server's own installer (no network). */
export function installVsix(tools: E2eTools, vsix: string, extensionsDir: string, runDir: string, folderPrefix = 'aireg.aireg-'): string {
  const r = spawnSync(tools.node24, [tools.codeServerEntry, '--extensions-dir', extensionsDir, '--install-extension', vsix, '--force'], {
    env: isolatedEnv(runDir),
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`aireg e2e: installing ${vsix} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  const installed = fs.readdirSync(extensionsDir).find((d) => d.startsWith(folderPrefix));
  if (!installed) throw new Error(`aireg e2e: ${vsix} installed but no ${folderPrefix}* folder in ${extensionsDir}:\n${r.stdout}`);
  return path.join(extensionsDir, installed);
}

/** Finds a free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, (r) => {
      r.resume();
      resolve(r.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => req.destroy());
  });
}

/** Options for one code-server instance. */
export interface CodeServerOptions {
  tools: E2eTools;
  runDir: string;
  extensionsDir: string;
  /** Display language, e.g. 'zh-cn'. */
  locale?: string;
  /** Lets the workbench honour the `payload` URL parameter (extension tests in the real host). */
  smokeTestDriver?: boolean;
  port?: number;
  /** Extra user settings merged over the quiet defaults. */
  settings?: Record<string, unknown>;
  /** Extra environment for the server and so for the extension host. */
  env?: NodeJS.ProcessEnv;
  /** Write the server's output here instead of `<runDir>/server.log`. */
  logFile?: string;
  /** Installed language pack folders by locale, registered in the user-data folder before start. */
  languagePacks?: Record<string, { folder: string; extensionId: string; version: string; label: string }>;
}

/** A running code-server. */
export interface CodeServer {
  url: string;
  port: number;
  userDataDir: string;
  logFile: string;
  process: ChildProcess;
  /** URL that opens a folder in the workbench. */
  folderUrl(folder: string, extraQuery?: string): string;
  stop(): Promise<void>;
}

/** Starts code-server bound to 127.0.0.1 and resolves once `/healthz` answers 200. */
export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  const port = opts.port ?? (await freePort());
  const userDataDir = path.join(opts.runDir, `user-data-${port}`);
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'security.workspace.trust.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'workbench.enableExperiments': false,
        'workbench.tips.enabled': false,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'workbench.welcomePage.walkthroughs.openOnInstall': false,
        'chat.disableAIFeatures': true,
        'git.enabled': false,
        'editor.hover.delay': 100,
        'files.autoSave': 'off',
        ...opts.settings,
      },
      null,
      2,
    ),
  );
  if (opts.languagePacks) {
    // VS Code's language pack service writes languagepacks.json only after a client has connected, and
    // the server reads it when it renders the workbench page; writing the same record up front (the
    // format of vs/platform/languagePacks/node/languagePacks.ts) makes the first page load localized.
    const packs = Object.fromEntries(
      Object.entries(opts.languagePacks).map(([locale, p]) => [
        locale,
        {
          hash: `${p.extensionId}-${p.version}`,
          extensions: [{ extensionIdentifier: { id: p.extensionId }, version: p.version }],
          translations: { vscode: path.join(p.folder, 'translations', 'main.i18n.json') },
          label: p.label,
        },
      ]),
    );
    fs.writeFileSync(path.join(userDataDir, 'languagepacks.json'), JSON.stringify(packs, null, 2));
  }
  const logFile = opts.logFile ?? path.join(opts.runDir, `server-${port}.log`);
  const args = [
    opts.tools.codeServerEntry,
    '--config', path.join(opts.runDir, 'code-server-config.yaml'),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userDataDir,
    '--extensions-dir', opts.extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
  ];
  if (opts.locale) args.push('--locale', opts.locale);
  if (opts.smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  const out = fs.openSync(logFile, 'a');
  const env = isolatedEnv(opts.runDir, { ...opts.env, PATH: `${path.dirname(opts.tools.node24)}:${process.env.PATH ?? ''}` });
  const child = spawn(opts.tools.node24, args, { env, stdio: ['ignore', out, out], detached: false });
  fs.closeSync(out);
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 90_000;
  let up = false;
  // Poll the health endpoint; the server also stops the wait early if it exits.
  while (Date.now() < deadline && child.exitCode === null) {
    if ((await httpStatus(`${url}/healthz`)) === 200) {
      up = true;
      break;
    }
    await Promise.race([new Promise((r) => setTimeout(r, 200)), exited]);
  }
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killTimer);
  };
  if (!up) {
    await stop();
    const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-3000) : '';
    throw new Error(`aireg e2e: code-server did not become healthy on ${url}.\n${tail}`);
  }
  return {
    url,
    port,
    userDataDir,
    logFile,
    process: child,
    folderUrl: (folder, extraQuery) => `${url}/?folder=${encodeURIComponent(folder)}${extraQuery ? `&${extraQuery}` : ''}`,
    stop,
  };
}

/** A browser session whose every non-loopback request is aborted and recorded. */
export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Requests that tried to leave the machine (each was aborted). */
  offsite: string[];
  consoleErrors: string[];
  close(): Promise<void>;
}

/** True for URLs that stay on this machine. */
export function isLoopback(u: URL): boolean {
  if (!/^(https?|wss?):$/.test(u.protocol)) return true;
  return u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname.endsWith('.localhost') || u.hostname === '[::1]';
}

/** Launches headless Debian Chromium in a fresh profile under `runDir`. */
export async function launchBrowser(tools: E2eTools, runDir: string, locale?: string): Promise<BrowserSession> {
  // Imported lazily so the rest of this module works where playwright-core is not installed.
  const { chromium } = await import('playwright-core');
  const profile = fs.mkdtempSync(path.join(runDir, 'chrome-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: tools.chromium,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-extensions',
    ],
    viewport: { width: 1400, height: 900 },
    ...(locale ? { locale } : {}),
    env: isolatedEnv(runDir) as Record<string, string>,
  });
  const offsite: string[] = [];
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (isLoopback(u)) return route.continue();
    offsite.push(u.href);
    return route.abort();
  });
  // WebSockets bypass context.route; record any that would leave the machine too.
  context.on('page', (p) => watchSockets(p, offsite));
  const page = context.pages()[0] ?? (await context.newPage());
  watchSockets(page, offsite);
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  return {
    context,
    page,
    offsite,
    consoleErrors,
    close: async () => {
      await context.close().catch(() => undefined);
    },
  };
}

function watchSockets(page: Page, offsite: string[]): void {
  page.on('websocket', (ws) => {
    const u = new URL(ws.url());
    if (!isLoopback(u)) offsite.push(u.href);
  });
}

/** Runs `fn` with a hard time limit, so a hung step fails with a message instead of hanging CI. */
export async function withTimeout<T>(what: string, ms: number, fn: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`aireg e2e: ${what} did not finish within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
