import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ScanCache, analyzeWithCache, cacheKey } from '../../../src/core/cache';
import { Engine, type FileResult } from '../../../src/core/engine';

const HEADER = "export const aigc = { Label: 1, ContentProducer: 'x', ProduceId: 'y' };\n";

describe('ScanCache (content-hash rescan cache)', function () {
  this.timeout(60_000);
  let root: string;
  let cacheFile: string;
  const engine = new Engine();
  after(() => engine.host.dispose());
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-cache-'));
    cacheFile = path.join(root, '.aireg-cache', 'scan-cache.json');
    fs.writeFileSync(path.join(root, 'a.ts'), HEADER);
    fs.writeFileSync(path.join(root, 'b.py'), 'x = 1\n');
    fs.writeFileSync(path.join(root, 'c.ts'), HEADER.replace('Label: 1', "Label: '1'"));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const tasks = (): { path: string; relPath: string }[] => ['a.ts', 'b.py', 'c.ts'].filter((f) => fs.existsSync(path.join(root, f))).map((f) => ({ path: path.join(root, f), relPath: f }));
  /** Scans with the cache and returns the results plus the files actually analysed. */
  async function scan(key = 'k1'): Promise<{ results: FileResult[]; analysed: string[]; cache: ScanCache }> {
    const cache = ScanCache.load(cacheFile, cacheKey([key]));
    const analysed: string[] = [];
    const out = await analyzeWithCache(tasks(), cache, async (todo) => {
      const results = [];
      for (const t of todo) {
        analysed.push(t.relPath);
        const { tree: _t, ...r } = await engine.analyze(t.relPath, fs.readFileSync(t.path, 'utf8'));
        results.push(r);
      }
      return { results };
    });
    cache.save();
    return { results: out.results, analysed, cache };
  }

  it('re-analyses nothing when nothing changed, with identical results', async () => {
    const first = await scan();
    assert.deepEqual(first.analysed, ['a.ts', 'b.py', 'c.ts']);
    assert.ok(first.results.find((r) => r.file === 'a.ts')!.findings.length > 0, 'the fixture has findings to cache');
    const second = await scan();
    assert.deepEqual(second.analysed, []);
    assert.equal(second.cache.hits, 3);
    assert.deepEqual(second.results.map((r) => [r.file, r.findings]), first.results.map((r) => [r.file, r.findings]));
  });

  it('re-analyses only the file whose text changed', async () => {
    await scan();
    fs.writeFileSync(path.join(root, 'a.ts'), HEADER.replace('Label: 1', "Label: '1'"));
    const second = await scan();
    assert.deepEqual(second.analysed, ['a.ts']);
    assert.deepEqual(second.results.map((r) => r.file), ['a.ts', 'b.py', 'c.ts']);
    const fresh = await engine.analyze('a.ts', fs.readFileSync(path.join(root, 'a.ts'), 'utf8'));
    assert.deepEqual(second.results[0]!.findings, fresh.findings);
  });

  it('misses everything when the key (version, config, build) changes', async () => {
    await scan('k1');
    assert.deepEqual((await scan('k2')).analysed, ['a.ts', 'b.py', 'c.ts']);
  });

  it('treats a corrupt cache file as empty and replaces it with a valid one', async () => {
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    for (const junk of ['{"format":1,"key":', '<<<<<<< HEAD\n{}\n=======\n[]\n>>>>>>> other\n', '{"format":1,"key":"x","entries":{"a.ts":{"hash":3}}}', '\u0000\u0001']) {
      fs.writeFileSync(cacheFile, junk);
      const r = await scan();
      assert.deepEqual(r.analysed, ['a.ts', 'b.py', 'c.ts'], `recovers from ${JSON.stringify(junk.slice(0, 20))}`);
      assert.doesNotThrow(() => JSON.parse(fs.readFileSync(cacheFile, 'utf8')));
    }
  });

  it('drops deleted files and leaves no temporary file behind', async () => {
    await scan();
    fs.rmSync(path.join(root, 'b.py'));
    await scan();
    const data = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { entries: Record<string, unknown> };
    assert.deepEqual(Object.keys(data.entries).sort(), ['a.ts', 'c.ts']);
    assert.deepEqual(fs.readdirSync(path.dirname(cacheFile)), ['scan-cache.json']);
  });
});
