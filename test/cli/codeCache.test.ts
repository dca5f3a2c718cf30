/**
 * The V8 code-cache launcher (src/launch/codeCache.ts), built as dist/launch.js: where caches
 * live, which folders are trusted, and what a start does with a missing, valid, stale, corrupt or
 * foreign cache. The starts are real Node.js processes running a small bundle through the built
 * launcher, which reports its state through the hooks the CLI uses.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cacheDirectory, cacheFileName, isPrivateDirectory } from '../../src/launch/codeCache';

const REPO = path.resolve(__dirname, '..', '..');
const LAUNCH = path.join(REPO, 'dist', 'launch.js');

/** A bundle that prints the launcher's state, whether it is the main module, and its __filename. */
const BUNDLE = `'use strict';
const hooks = globalThis[Symbol.for('aireg.codeCache')];
if (process.argv[2] === 'flag') hooks.beforeV8FlagChange();
function work(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
console.log(JSON.stringify({ state: hooks.state, main: require.main === module, file: __filename, sum: work(10) }));
module.exports = { answer: 42 };
`;

interface Start {
  state: string;
  main: boolean;
  file: string;
}

describe('V8 code-cache launcher (dist/launch.js)', function () {
  this.timeout(30_000);
  let dir: string;
  let cacheDir: string;
  let bundle: string;
  let stub: string;

  before(function () {
    if (!fs.existsSync(LAUNCH)) throw new Error('dist/launch.js is missing: run `npm run build` before the tests');
  });

  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-codecache-'));
    cacheDir = path.join(dir, 'cache');
    bundle = path.join(dir, 'app.bundle.js');
    stub = path.join(dir, 'app.js');
    fs.writeFileSync(bundle, BUNDLE);
    fs.writeFileSync(stub, `require(${JSON.stringify(LAUNCH)}).launch(${JSON.stringify(bundle)}, module);\n`);
  });

  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function start(...args: string[]): Start {
    const r = spawnSync(process.execPath, [stub, ...args], { encoding: 'utf8', env: { ...process.env, AIREG_CODE_CACHE: cacheDir } });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as Start;
  }

  const caches = (): string[] => (fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir).filter((f) => f.endsWith('.cache')) : []);

  it('runs the bundle as the main module, writes a private cache, and uses it on the next start', function () {
    const first = start();
    assert.deepEqual([first.state, first.main, first.file], ['cold', true, bundle]);
    assert.equal(caches().length, 1);
    if (process.platform !== 'win32') assert.equal(fs.statSync(cacheDir).mode & 0o777, 0o700);
    const second = start();
    assert.equal(second.state, 'warm');
    assert.equal(caches().length, 1);
  });

  it('takes a rebuilt bundle for a new one, even at the same length, and drops the old cache', function () {
    start();
    const before = caches();
    // Same length, other code: V8's own check would accept the old cache.
    fs.writeFileSync(bundle, BUNDLE.replace('s += i', 's -= i'));
    fs.utimesSync(bundle, new Date(), new Date(Date.now() + 5_000));
    assert.equal(start().state, 'cold');
    const after = caches();
    assert.equal(after.length, 1);
    assert.notDeepEqual(after, before);
  });

  it('replaces a corrupt cache instead of failing', function () {
    start();
    const file = path.join(cacheDir, caches()[0]!);
    // A well-formed header before data V8 cannot use.
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0]), Buffer.from('not bytecode at all')]));
    assert.equal(start().state, 'rejected');
    assert.equal(start().state, 'warm');
    // A file that is not a cache of ours at all is no cache.
    fs.writeFileSync(file, 'garbage');
    assert.equal(start().state, 'cold');
    assert.equal(start().state, 'warm');
  });

  it('writes a partial cache before a V8 flag change, and the next start completes it', function () {
    assert.equal(start('flag').state, 'cold');
    const file = path.join(cacheDir, caches()[0]!);
    assert.equal(fs.readFileSync(file)[0], 1, 'marked partial');
    assert.equal(start().state, 'warm');
    assert.equal(fs.readFileSync(file)[0], 0, 'rewritten complete');
    const complete = fs.statSync(file).mtimeMs;
    assert.equal(start().state, 'warm');
    assert.equal(fs.statSync(file).mtimeMs, complete, 'a complete cache is not written again');
  });

  it('neither reads nor writes a folder that others can write', function () {
    fs.mkdirSync(cacheDir, { mode: 0o700 });
    fs.chmodSync(cacheDir, 0o777);
    assert.equal(start().state, 'off');
    assert.deepEqual(caches(), []);
  });

  it('is off with AIREG_CODE_CACHE=off and the bundle still runs', function () {
    const r = spawnSync(process.execPath, [stub], { encoding: 'utf8', env: { ...process.env, AIREG_CODE_CACHE: 'off' } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as Start).state, 'off');
  });
});

describe('code-cache folder and key', function () {
  it('follows AIREG_CODE_CACHE, then the user cache folder', function () {
    assert.equal(cacheDirectory({ AIREG_CODE_CACHE: 'off' }, 'linux', '/home/u'), undefined);
    assert.equal(cacheDirectory({ AIREG_CODE_CACHE: '/tmp/x' }, 'linux', '/home/u'), path.resolve('/tmp/x'));
    assert.equal(cacheDirectory({}, 'linux', '/home/u'), path.join('/home/u', '.cache', 'aireg', 'v8'));
    assert.equal(cacheDirectory({ XDG_CACHE_HOME: '/var/c' }, 'linux', '/home/u'), path.join('/var/c', 'aireg', 'v8'));
    // A relative XDG_CACHE_HOME is invalid by the specification and ignored.
    assert.equal(cacheDirectory({ XDG_CACHE_HOME: 'rel' }, 'linux', '/home/u'), path.join('/home/u', '.cache', 'aireg', 'v8'));
    assert.equal(cacheDirectory({ AIREG_CACHE_HOME: '/c' }, 'linux', '/home/u'), path.join(path.resolve('/c'), 'v8'));
    assert.equal(cacheDirectory({}, 'darwin', '/Users/u'), path.join('/Users/u', 'Library', 'Caches', 'aireg', 'v8'));
    assert.equal(cacheDirectory({}, 'linux', ''), undefined);
  });

  it('names the cache by bundle, size and time', function () {
    const a = cacheFileName('/x/cli.bundle.js', { size: 10, mtimeMs: 1 });
    assert.match(a, /^cli\.bundle-[0-9a-f]{20}\.cache$/);
    assert.notEqual(a, cacheFileName('/x/cli.bundle.js', { size: 10, mtimeMs: 2 }));
    assert.notEqual(a, cacheFileName('/x/cli.bundle.js', { size: 11, mtimeMs: 1 }));
    assert.notEqual(a, cacheFileName('/y/cli.bundle.js', { size: 10, mtimeMs: 1 }));
  });

  it('trusts only a folder of its own that no one else may write', function () {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-private-'));
    try {
      fs.chmodSync(d, 0o700);
      assert.equal(isPrivateDirectory(d), true);
      fs.chmodSync(d, 0o770);
      assert.equal(isPrivateDirectory(d), false);
      assert.equal(isPrivateDirectory(path.join(d, 'missing')), false);
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });
});
