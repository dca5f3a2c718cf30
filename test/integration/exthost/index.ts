/**
 * Entry point VS Code loads through `extensionTestsPath`: runs the bundled `*.test.js` suites with mocha
 * inside the real extension host (real `vscode` API) and writes a JSON summary the runner reads.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/** Called by the extension host; resolves when every test passed, rejects otherwise. */
export function run(): Promise<void> {
  const out = process.env.AIREG_TEST_RESULTS_FILE;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  for (const f of fs.readdirSync(__dirname).filter((n) => n.endsWith('.test.js')).sort()) {
    mocha.addFile(path.join(__dirname, f));
  }
  return new Promise((resolve, reject) => {
    const results: { passed: string[]; failed: { title: string; error: string }[]; failures?: number } = { passed: [], failed: [] };
    const runner = mocha.run((failures) => {
      results.failures = failures;
      if (out) fs.writeFileSync(out, JSON.stringify(results, null, 2));
      if (failures) reject(new Error(`${failures} extension host tests failed`));
      else resolve();
    });
    runner.on('pass', (t) => results.passed.push(t.fullTitle()));
    runner.on('fail', (t, err: unknown) => results.failed.push({ title: t.fullTitle(), error: err instanceof Error ? `${err.message}` : String(err) }));
  });
}
