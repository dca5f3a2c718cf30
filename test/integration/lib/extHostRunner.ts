/**
 * Runs mocha suites INSIDE the real extension host of code-server, the way `@vscode/test-electron` does
 * with --extensionDevelopmentPath/--extensionTestsPath. code-server has no such flags, but its workbench
 * honours a `payload` URL parameter when the server runs with `--vscode-option enable-smoke-test-driver`;
 * the test runner's exit code comes back through `window.codeAutomationExit`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import { launchBrowser, startCodeServer, withTimeout, type E2eTools } from './codeServer';

/** The JSON summary the in-host runner (`test/integration/exthost/index.ts`) writes. */
export interface ExtHostResults {
  passed: string[];
  failed: { title: string; error: string }[];
  failures?: number;
}

export interface ExtHostRunOptions {
  tools: E2eTools;
  runDir: string;
  /** The unpacked extension (for example the folder the `.vsix` installed into). */
  extensionPath: string;
  /** The bundled `index.js` exporting `run()`. */
  testsIndex: string;
  workspace: string;
  timeoutMs?: number;
  log?: (line: string) => void;
}

/** Starts code-server + Chromium, runs the suites, stops everything; returns the results and offsite requests. */
export async function runExtensionHostTests(opts: ExtHostRunOptions): Promise<{ exitCode: number | 'timeout'; results?: ExtHostResults; offsite: string[] }> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const resultsFile = path.join(opts.runDir, 'exthost-results.json');
  fs.rmSync(resultsFile, { force: true });
  const emptyExtensions = path.join(opts.runDir, 'exthost-extensions');
  fs.mkdirSync(emptyExtensions, { recursive: true });
  const server = await startCodeServer({
    tools: opts.tools,
    runDir: opts.runDir,
    extensionsDir: emptyExtensions,
    smokeTestDriver: true,
    // The extension host inherits the server's environment; the runner reads these.
    env: { AIREG_TEST_RESULTS_FILE: resultsFile, AIREG_TEST_WORKSPACE: opts.workspace },
  });
  const browser = await launchBrowser(opts.tools, opts.runDir);
  try {
    const { page } = browser;
    const exit = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
      void page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => log(`[exthost] ${util.format(...(args ?? []))}`));
    });
    const auth = `127.0.0.1:${server.port}`;
    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://${auth}${opts.extensionPath}`],
      ['extensionTestsPath', `vscode-remote://${auth}${opts.testsIndex}`],
    ];
    await page.goto(server.folderUrl(opts.workspace, `payload=${encodeURIComponent(JSON.stringify(payload))}`));
    let exitCode: number | 'timeout';
    try {
      exitCode = await withTimeout('extension host tests', opts.timeoutMs ?? 240_000, () => exit);
    } catch {
      exitCode = 'timeout';
      await page.screenshot({ path: path.join(opts.runDir, 'exthost-timeout.png') }).catch(() => undefined);
    }
    const results = fs.existsSync(resultsFile) ? (JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as ExtHostResults) : undefined;
    return { exitCode, ...(results ? { results } : {}), offsite: browser.offsite };
  } finally {
    await browser.close();
    await server.stop();
  }
}
