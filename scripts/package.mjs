// Builds the production bundles and packages aireg-<version>.vsix in the repository root with vsce
// (dependencies are bundled by esbuild, so --no-dependencies). Install it with
// `code --install-extension aireg-<version>.vsix`; it needs no network.
// Usage: node --import tsx scripts/package.mjs   (npm run package; tools from scripts/e2e-setup.sh)
import * as path from 'node:path';
import { REPO_ROOT, loadTools } from '../test/integration/lib/codeServer.ts';
import { buildProduction, packageVersion, packageVsix } from '../test/integration/lib/packaging.ts';

try {
  const tools = loadTools();
  buildProduction();
  const { vsix, files } = packageVsix(tools, path.join(REPO_ROOT, `aireg-${packageVersion()}.vsix`));
  console.log(`aireg: packaged ${path.relative(REPO_ROOT, vsix)} (${files.length} files):`);
  for (const f of files) console.log(`  ${f}`);
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
