// End-to-end tests in a real VS Code (code-server 4.139 on Node 24, Debian Chromium, playwright-core).
// Builds the production bundles, packages the .vsix with vsce, installs it into a temporary extensions
// folder, runs the browser-driven suites (test/integration/e2e) and the mocha suites inside the real
// extension host (test/integration/exthost), stops everything and exits non-zero on any failure.
// Usage: node --import tsx scripts/run-e2e.mjs [--ui-only | --exthost-only] [--keep]
// The tools come from `bash scripts/e2e-setup.sh` (.ci/run and `npm run test:e2e` call it first).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { REPO_ROOT, copyWorkspace, installVsix, loadTools, makeRunDir } from '../test/integration/lib/codeServer.ts';
import { runExtensionHostTests } from '../test/integration/lib/extHostRunner.ts';
import { buildProduction, packageVersion, packageVsix } from '../test/integration/lib/packaging.ts';

const args = new Set(process.argv.slice(2));
const runUi = !args.has('--exthost-only');
const runExtHost = !args.has('--ui-only');
const keep = args.has('--keep') || Boolean(process.env.AIREG_E2E_KEEP);
const T0 = Date.now();
const secs = () => ((Date.now() - T0) / 1000).toFixed(1);
const log = (...a) => console.log(`[e2e ${secs()}s]`, ...a);

/** Files the .vsix must contain for the extension to work offline. */
const REQUIRED_IN_VSIX = ['package.json', 'dist/client.js', 'dist/server.js', 'dist/launch.js', 'dist/server.bundle.js'];

function runMochaUi(env) {
  return new Promise((resolve) => {
    const mochaBin = path.join(REPO_ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js');
    // AIREG_E2E_GREP runs only the matching browser tests (for debugging one behaviour).
    const grep = process.env.AIREG_E2E_GREP ? ['--grep', process.env.AIREG_E2E_GREP] : [];
    const child = spawn(process.execPath, [mochaBin, '--config', path.join(REPO_ROOT, 'test', 'integration', 'e2e', '.mocharc.json'), ...grep], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: 'inherit',
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function bundleExtHostTests(outDir) {
  const src = path.join(REPO_ROOT, 'test', 'integration', 'exthost');
  const entries = fs.readdirSync(src).filter((f) => f === 'index.ts' || f.endsWith('.test.ts')).map((f) => path.join(src, f));
  fs.rmSync(outDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: entries,
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // The host provides vscode; mocha resolves from the repository's node_modules (outDir is inside it).
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
}

let failed = false;
const summary = [];
const tools = loadTools();
const runDir = makeRunDir('aireg-e2e-');
log('run folder', runDir);
try {
  buildProduction();
  log('production build done');
  const vsixPath = path.join(runDir, `aireg-${packageVersion()}.vsix`);
  const { files } = packageVsix(tools, vsixPath);
  const missing = REQUIRED_IN_VSIX.filter((f) => !files.includes(f));
  log(`packaged ${path.basename(vsixPath)} (${files.length} files, ${(fs.statSync(vsixPath).size / 1024).toFixed(0)} KB)`);
  if (missing.length) throw new Error(`the .vsix lacks ${missing.join(', ')} (check .vscodeignore and the build)`);
  const extensionsDir = path.join(runDir, 'extensions');
  fs.mkdirSync(extensionsDir, { recursive: true });
  const installed = installVsix(tools, vsixPath, extensionsDir, runDir);
  log('installed into', installed);

  if (runUi) {
    const t = Date.now();
    const code = await runMochaUi({ AIREG_E2E_RUN_DIR: runDir, AIREG_E2E_EXTENSIONS_DIR: extensionsDir, AIREG_E2E_VSIX: vsixPath });
    summary.push(`browser suites: ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${((Date.now() - t) / 1000).toFixed(1)}s`);
    if (code !== 0) failed = true;
  }

  if (runExtHost) {
    const t = Date.now();
    const testsDir = path.join(REPO_ROOT, 'out', 'integration', 'exthost');
    await bundleExtHostTests(testsDir);
    const wsDir = fs.mkdtempSync(path.join(runDir, 'exthost-'));
    const workspace = copyWorkspace(path.join(REPO_ROOT, 'test', 'fixtures', 'e2e-workspace'), wsDir);
    // The workbench forwards its own console too; keep only the lines the tests print.
    const noise = /Ignoring fetching additional builtin|Creating a socket|connection token|AccountPolicyGate|AgentHost|Service Worker|reconnection-grace|Updating additional builtin/;
    const r = await runExtensionHostTests({
      tools, runDir: wsDir, extensionPath: installed, testsIndex: path.join(testsDir, 'index.js'), workspace, timeoutMs: 420_000,
      log: (l) => { if (!noise.test(l)) console.log(l); },
    });
    const res = r.results;
    if (res) {
      for (const p of res.passed) console.log(`  ok    ${p}`);
      for (const f of res.failed) console.log(`  FAIL  ${f.title}\n        ${f.error}`);
    } else {
      console.log('  the extension host wrote no results (did the tests load? see the server log in the run folder)');
    }
    const ok = r.exitCode === 0 && res !== undefined && res.failed.length === 0 && res.passed.length > 0 && r.offsite.length === 0;
    summary.push(
      `extension host suites: ${ok ? 'passed' : 'FAILED'} (${res ? `${res.passed.length} passed, ${res.failed.length} failed` : 'no results'}, exit ${r.exitCode}, offsite requests ${r.offsite.length}) in ${((Date.now() - t) / 1000).toFixed(1)}s`,
    );
    if (!ok) failed = true;
  }
} catch (e) {
  failed = true;
  summary.push(`ERROR: ${e instanceof Error ? e.message : String(e)}`);
} finally {
  if (keep || failed) log('kept run folder (logs, workspace copies):', runDir);
  else fs.rmSync(runDir, { recursive: true, force: true });
}
for (const s of summary) log(s);
log(failed ? 'RESULT: FAIL' : 'RESULT: PASS', `(total ${secs()}s)`);
process.exit(failed ? 1 : 0);
