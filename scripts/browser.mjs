// `npm run browser`: try aireg without installing VS Code. Packages the extension, installs it into a
// private code-server (VS Code 1.139 in the browser), opens a COPY of the demo workspace and prints the
// URL. Stops with Ctrl+C and removes its temporary folder.
// Usage: node --import tsx scripts/browser.mjs [--port N] [--workspace DIR]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, copyWorkspace, installVsix, loadTools, makeRunDir, startCodeServer } from '../test/integration/lib/codeServer.ts';
import { buildProduction, packageVersion, packageVsix } from '../test/integration/lib/packaging.ts';

const argv = process.argv.slice(2);
const opt = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const source = path.resolve(opt('--workspace') ?? path.join(REPO_ROOT, 'demo'));
if (!fs.existsSync(source)) {
  console.error(`aireg: workspace ${source} does not exist`);
  process.exit(2);
}
const tools = loadTools();
const runDir = makeRunDir('aireg-browser-');
let server;
const cleanup = async () => {
  if (server) await server.stop();
  fs.rmSync(runDir, { recursive: true, force: true });
};
process.on('SIGINT', () => void cleanup().then(() => process.exit(0)));
process.on('SIGTERM', () => void cleanup().then(() => process.exit(0)));
try {
  console.log('aireg: building and packaging the extension…');
  buildProduction();
  const { vsix } = packageVsix(tools, path.join(runDir, `aireg-${packageVersion()}.vsix`));
  const extensionsDir = path.join(runDir, 'extensions');
  fs.mkdirSync(extensionsDir, { recursive: true });
  installVsix(tools, vsix, extensionsDir, runDir);
  // A copy, so trying the quick fixes or the checklist never edits the repository's demo files.
  const workspace = copyWorkspace(source, runDir, path.basename(source));
  const port = opt('--port') ? Number(opt('--port')) : 8420;
  server = await startCodeServer({ tools, runDir, extensionsDir, port, logFile: path.join(runDir, 'code-server.log') });
  console.log(`\naireg is running in VS Code at:\n\n  ${server.folderUrl(workspace)}\n`);
  console.log(`workspace copy: ${workspace}\nserver log: ${server.logFile}\nPress Ctrl+C to stop.`);
  await new Promise((resolve) => server.process.once('exit', resolve));
  console.error('aireg: code-server exited; see the log above');
  await cleanup();
  process.exit(1);
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  await cleanup();
  process.exit(1);
}
