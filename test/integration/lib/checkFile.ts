/**
 * Run as a child process by the extension-host tests (`node --import tsx checkFile.ts <root> <file>`):
 * parses one workspace file with the project's tree-sitter grammars and runs the engine with the
 * workspace's `.aireg.json`, then prints `{ parses, findings }` as JSON. The extension host cannot load
 * the grammars itself, and the check must not trust the editor under test.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../../../src/core/configLoader';
import { Engine } from '../../../src/core/engine';
import { languageForPath } from '../../../src/core/languages';
import { TreeSitterHost } from '../../../src/core/parser';

async function main(): Promise<void> {
  const [root, rel] = process.argv.slice(2);
  if (!root || !rel) throw new Error('usage: checkFile.ts <workspace> <relative file>');
  const text = fs.readFileSync(path.join(root, rel), 'utf8');
  const host = new TreeSitterHost();
  const tree = await host.parse(languageForPath(rel)!.id, text);
  const parses = !tree.rootNode.hasError;
  tree.delete();
  const engine = new Engine(host, loadConfig(root).config);
  const r = await engine.analyze(rel, text);
  process.stdout.write(JSON.stringify({ parses, findings: r.findings.filter((f) => !f.suppression).map((f) => ({ ruleId: f.ruleId, line: f.range.start.line })) }));
  await host.dispose();
}

main().catch((err: unknown) => {
  process.stderr.write(String(err instanceof Error ? err.stack : err));
  process.exit(1);
});
