/**
 * The workspace model's link verdicts: whether a project file passes a link filter, or (Python)
 * imports one that does, is remembered per file and per filter, so two callers with different
 * filters each get their own answer whichever asks first.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type LinkFilter, Workspace } from '../../../../src/core/analysis/workspace';
import { defaultConfig } from '../../../../src/core/config';
import { languageForPath } from '../../../../src/core/languages';
import { TreeSitterHost } from '../../../../src/core/parser';
import { linkRelevantFilter } from '../../../../src/core/rules/prefilter';

describe('Workspace link verdicts', () => {
  const host = new TreeSitterHost();
  after(() => host.dispose());
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-ws-'));
    const write = (rel: string, text: string): void => {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    };
    // `pipeline.py` only imports `core.py`, whose text names something only one filter takes.
    write('app/__init__.py', '');
    write('app/core.py', 'def sample(x):\n    return complete(x)\n');
    write('app/pipeline.py', 'from app.core import sample\n\ndef run(x):\n    return sample(x)\n');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  /** A filter that counts how often it reads a text. */
  const counting = (key: string, test: (t: string) => boolean): LinkFilter & { calls: number } => {
    const f = { key, calls: 0, test: (t: string): boolean => (f.calls++, test(t)) };
    return f;
  };

  it('answers each filter by its own test, whichever asks first, and reads a text once per filter', async () => {
    const ws = new Workspace(root, host);
    const names = counting('names', (t) => t.includes('complete('));
    const sdk = counting('sdk', (t) => t.includes('import openai'));
    // The narrower filter asks first; the wider one still gets its own answer (and the reverse).
    assert.equal(await ws.passes('app/core.py', sdk), false);
    assert.equal(await ws.passes('app/core.py', names), true);
    assert.equal(await ws.passes('app/core.py', sdk), false);
    assert.equal(await ws.passes('app/core.py', names), true);
    assert.equal(names.calls, 1);
    assert.equal(sdk.calls, 1);
    // Reach (a Python file importing one that passes) is kept per filter as well.
    assert.equal(await ws.reaches('app/pipeline.py', sdk), false);
    assert.equal(await ws.reaches('app/pipeline.py', names), true);
    const ws2 = new Workspace(root, host);
    assert.equal(await ws2.reaches('app/pipeline.py', names), true);
    assert.equal(await ws2.reaches('app/pipeline.py', sdk), false);
  });

  it('forgets the verdicts of a file that changed, for every filter', async () => {
    const ws = new Workspace(root, host);
    const names = counting('names', (t) => t.includes('complete('));
    const other = counting('other', (t) => t.includes('sample('));
    assert.equal(await ws.passes('app/core.py', names), true);
    assert.equal(await ws.passes('app/core.py', other), true);
    fs.writeFileSync(path.join(root, 'app/core.py'), 'X = 1\n');
    ws.invalidate('app/core.py');
    assert.equal(await ws.passes('app/core.py', names), false);
    assert.equal(await ws.passes('app/core.py', other), false);
    assert.equal(await ws.reaches('app/pipeline.py', names), false);
  });

  it("keys the engine's link filter by the team's declared generation functions", () => {
    const python = languageForPath('a.py')!;
    const plain = linkRelevantFilter(python, defaultConfig());
    const declared = linkRelevantFilter(python, { ...defaultConfig(), generationFunctions: ['acme.llm.complete'] });
    assert.notEqual(plain.key, declared.key, 'filters that can answer differently have different keys');
    assert.equal(linkRelevantFilter(python, defaultConfig()), plain, 'the same filter for the same configuration');
    const text = 'def sample(x):\n    return complete(x)\n';
    assert.equal(plain.test(text), false);
    assert.equal(declared.test(text), true);
    assert.notEqual(linkRelevantFilter(languageForPath('a.ts')!, defaultConfig()).key, plain.key, 'one filter per language');
  });
});
