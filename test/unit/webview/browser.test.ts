/**
 * The webview scripts in a real browser (Debian's Chromium through playwright-core): the built
 * dist/webview bundles are loaded in a page with the same CSP as in VS Code and a stub
 * `acquireVsCodeApi` that records what the page posts. Hostile data must render as text: no
 * script runs, no element is injected, no link is created.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { contentSecurityPolicy, createNonce } from '../../../src/client/webview/html';
import type { CardView, ChecklistView } from '../../../src/shared/webviewMessages';

// The browser globals used inside page.evaluate callbacks; the test project has no DOM lib.
interface BrowserEl {
  tagName: string;
  textContent: string | null;
  hasAttribute(name: string): boolean;
  attributes: Iterable<{ name: string }>;
  appendChild(child: BrowserEl): void;
}
declare const document: {
  querySelectorAll(selector: string): ArrayLike<BrowserEl> & Iterable<BrowserEl>;
  getElementById(id: string): BrowserEl | null;
  createElement(tag: string): BrowserEl;
  body: BrowserEl;
};
declare const window: { postMessage(message: unknown, targetOrigin: string): void };

const CHROMIUM = '/usr/bin/chromium';
const ROOT = path.resolve(__dirname, '../../..');
const DIST = path.join(ROOT, 'dist', 'webview');

const HOSTILE = {
  img: '<img src=x onerror="window.__pwned=\'img\'">',
  script: '<script>window.__pwned="script"</script>',
  attr: '" onerror="window.__pwned=\'attr\'" x="',
  js: 'javascript:window.__pwned="js"',
  closeCode: '</code></pre><img src=x onerror="window.__pwned=\'pre\'"><pre><code>',
  long: 'A'.repeat(50_000),
};

// The stub runs before the bundle (both by nonce). It records posted messages and CSP violations.
const STUB = `
window.__posted = [];
window.__state = undefined;
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective));
window.acquireVsCodeApi = () => ({
  postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
  getState: () => window.__state,
  setState: (s) => { window.__state = s; },
});
`;

function page(nonce: string, origin: string, script: string): string {
  const csp = contentSecurityPolicy(origin, nonce);
  return `<!DOCTYPE html><html><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<link rel="stylesheet" href="${origin}/webview.css"><title>t</title></head><body>
<div id="error" class="banner error" role="alert" hidden></div>
<main id="root"></main>
<script nonce="${nonce}" src="${origin}/stub.js"></script>
<script nonce="${nonce}" src="${origin}/${script}"></script>
</body></html>`;
}

function hostileCard(): CardView {
  return {
    lang: 'en',
    id: 'cn-gai-label',
    title: HOSTILE.img,
    jurisdiction: HOSTILE.script,
    binding: 'binding',
    instruments: [HOSTILE.attr],
    articles: [{ label: HOSTILE.img, verification: 'unverified"><img src=x onerror=alert(1)>', verificationLabel: HOSTILE.script, note: HOSTILE.js }],
    roles: [HOSTILE.script],
    phase: 'Operation',
    summary: `${HOSTILE.script}\n\n${HOSTILE.long}`,
    codeImplications: HOSTILE.attr,
    orgImplications: HOSTILE.js,
    howToComply: HOSTILE.img,
    examples: [{ language: 'typescript', title: HOSTILE.img, code: HOSTILE.closeCode }],
    sources: [{ index: 0, title: HOSTILE.js, kind: 'official', url: HOSTILE.js }],
    lastChecked: '2026-11-01',
    relatedRules: [{ id: 'aigc-missing-label', name: HOSTILE.script }],
    related: [{ id: 'cn-label-explicit', title: HOSTILE.img }],
    findings: [
      { index: 7, file: HOSTILE.js, line: 3, message: HOSTILE.attr, severity: 'warning"><script>x</script>', ruleId: 'aigc-missing-label' },
      { index: 9, file: `src/${HOSTILE.img}.ts`, line: 1, message: HOSTILE.long, severity: 'error', ruleId: 'aigc-missing-label' },
    ],
    findingsState: 'ready',
    disclaimer: 'aireg assists review and is not legal advice.',
    notes: [HOSTILE.script],
    labels: { instrument: 'Instrument', articles: 'Articles', roles: 'Who', phase: 'Phase', summary: 'Summary', codeImplications: 'Code', orgImplications: 'Org', howToComply: HOSTILE.img, findings: 'Findings', noFindings: 'none', findingsUnavailable: 'n/a', relatedRules: 'Rules', notDetectable: 'nd', related: 'Related', sources: 'Sources', lastChecked: 'Last checked', notes: 'Notes', openArticle: 'Open' },
  };
}

function hostileChecklist(): ChecklistView {
  return {
    lang: 'en',
    roles: [HOSTILE.script],
    jurisdictions: ['CN'],
    groups: [
      {
        phase: 'operation',
        phaseLabel: HOSTILE.img,
        instrument: HOSTILE.attr,
        rows: [
          {
            id: 'cn-gai-label',
            title: HOSTILE.script,
            instrument: HOSTILE.attr,
            articles: HOSTILE.js,
            phase: 'operation',
            item: { state: 'in-progress', note: `${HOSTILE.closeCode}\n${HOSTILE.js}`, updatedBy: HOSTILE.img, updatedAt: '2026-11-01T10:00:00.000Z' },
            evidence: { lines: [HOSTILE.script], links: [{ index: 4, file: HOSTILE.js, line: 2, message: HOSTILE.img, ruleId: 'aigc-missing-label' }], more: 0, notDetectable: false },
          },
        ],
      },
    ],
    progress: { total: 1, done: 0, notApplicable: 0, inProgress: 1, todo: 0 },
    fileError: HOSTILE.img,
    scanned: true,
    generatedAt: '2026-11-28T00:00:00.000Z',
  };
}

describe('webview scripts in a real browser', function () {
  this.timeout(60_000);
  let server: http.Server;
  let origin = '';
  let browser: Browser | undefined;
  let context: BrowserContext;
  let blocked: string[] = [];
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'aireg-chromium-'));

  before(async function () {
    // A missing browser is a failed precondition, not a pass: `npm test` and .ci/run install
    // Debian's chromium (scripts/e2e-setup.sh) before the unit tests run.
    assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is not installed: run \`bash scripts/e2e-setup.sh\` (or apt-get install chromium) first`);
    if (!fs.existsSync(path.join(DIST, 'cardMain.js')) || !fs.existsSync(path.join(DIST, 'checklistMain.js'))) {
      execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
    }
    const files: Record<string, [string, string]> = {
      '/stub.js': [STUB, 'text/javascript'],
      '/cardMain.js': [fs.readFileSync(path.join(DIST, 'cardMain.js'), 'utf8'), 'text/javascript'],
      '/checklistMain.js': [fs.readFileSync(path.join(DIST, 'checklistMain.js'), 'utf8'), 'text/javascript'],
      '/webview.css': [fs.readFileSync(path.join(ROOT, 'media', 'webview.css'), 'utf8'), 'text/css'],
    };
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const page = /^\/(card|checklist)\.html$/.exec(url.pathname);
      if (page) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(pageHtml(url.searchParams.get('nonce') ?? '', `${page[1]}Main.js`));
        return;
      }
      const f = files[url.pathname];
      if (!f) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': f[1] });
      res.end(f[0]);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_CACHE_HOME: path.join(home, '.cache') },
    });
    context = await browser.newContext();
    await context.route('**/*', (route) => {
      const host = new URL(route.request().url()).hostname;
      if (host === '127.0.0.1' || host === 'localhost') return route.continue();
      blocked.push(route.request().url());
      return route.abort();
    });
  });

  function pageHtml(nonce: string, script: string): string {
    return page(nonce, origin, script);
  }

  after(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  afterEach(() => {
    assert.deepEqual(blocked, [], 'no request left the machine');
    blocked = [];
  });

  async function open(kind: 'card' | 'checklist'): Promise<Page> {
    const p = await context.newPage();
    await p.goto(`${origin}/${kind}.html?nonce=${encodeURIComponent(createNonce())}`);
    await p.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted?.length > 0);
    return p;
  }

  /** Facts about the page that must hold whatever data it rendered. */
  async function safety(p: Page) {
    return p.evaluate(() => {
      const all = [...document.querySelectorAll('*')];
      return {
        pwned: (window as unknown as { __pwned?: string }).__pwned,
        scripts: document.querySelectorAll('script').length,
        imgs: document.querySelectorAll('img').length,
        anchors: document.querySelectorAll('a').length,
        hrefs: all.filter((e) => e.hasAttribute('href') && e.tagName !== 'LINK').length,
        handlers: all.flatMap((e) => [...e.attributes].map((a) => a.name)).filter((n) => n.startsWith('on')),
        styles: all.filter((e) => e.hasAttribute('style')).length,
        violations: (window as unknown as { __violations: string[] }).__violations,
      };
    });
  }

  it('card: sends ready first, renders hostile data as text only, and posts only ids and indices', async () => {
    const p = await open('card');
    assert.deepEqual(await p.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted), [{ type: 'ready' }]);
    const card = hostileCard();
    await p.evaluate((data) => window.postMessage({ type: 'card', card: data }, '*'), card);
    await p.waitForSelector('body[data-rendered="cn-gai-label"]');
    assert.deepEqual(await safety(p), { pwned: undefined, scripts: 2, imgs: 0, anchors: 0, hrefs: 0, handlers: [], styles: 0, violations: [] });
    assert.equal(await p.textContent('#card-title'), HOSTILE.img);
    assert.equal(await p.textContent('#card-how pre code'), HOSTILE.closeCode);
    assert.equal(await p.textContent('#card-disclaimer'), 'aireg assists review and is not legal advice.');
    assert.ok((await p.textContent('#card-summary'))!.includes(HOSTILE.script));
    assert.deepEqual(await p.evaluate(() => (window as unknown as { __state: unknown }).__state), { id: 'cn-gai-label' });

    await p.click('#card-findings button[data-index="9"]');
    await p.click('#card-sources button[data-action="source"]');
    await p.click('#open-article');
    await p.click('#card-related button');
    await p.click('button[data-lang="zh"]');
    const posted = await p.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted);
    assert.deepEqual(posted.slice(1), [
      { type: 'revealFinding', index: 9 },
      { type: 'openSource', id: 'cn-gai-label', index: 0 },
      { type: 'openArticle', id: 'cn-gai-label' },
      { type: 'openObligation', id: 'cn-label-explicit' },
      { type: 'setLanguage', lang: 'zh' },
    ]);
    assert.ok(!JSON.stringify(posted).includes('javascript:'), 'no URL goes back to the extension');
    await p.close();
  });

  it('card: ignores a malformed message and shows a banner instead of rendering', async () => {
    const p = await open('card');
    await p.evaluate((data) => window.postMessage({ type: 'card', card: { ...data, title: { toString: 1 } } }, '*'), hostileCard());
    await p.evaluate(() => window.postMessage({ type: 'card', card: '<img src=x onerror=alert(1)>' }, '*'));
    await p.waitForSelector('#error:not([hidden])');
    assert.match((await p.textContent('#error'))!, /malformed/);
    assert.equal(await p.$('#card-title'), null);
    await p.evaluate(() => window.postMessage({ type: 'error', message: '<b>boom</b>' }, '*'));
    await p.waitForFunction(() => document.getElementById('error')?.textContent === '<b>boom</b>');
    assert.equal((await safety(p)).imgs + (await p.$$('b')).length, 0);
    await p.close();
  });

  it('the page CSP really blocks inline script (control for the checks above)', async () => {
    const p = await open('card');
    await p.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__pwned = "inline"';
      document.body.appendChild(s);
    });
    await p.waitForFunction(() => (window as unknown as { __violations: string[] }).__violations.length > 0);
    const s = await safety(p);
    assert.equal(s.pwned, undefined);
    assert.ok(s.violations.some((v) => v.startsWith('script-src')), JSON.stringify(s.violations));
    await p.close();
  });

  it('checklist: renders hostile rows as text and posts validated changes by id', async () => {
    const p = await open('checklist');
    const labels = { title: 'Checklist', export: 'Export', rescan: 'Scan', configure: 'Configure', repair: 'Repair', roles: 'Roles', jurisdictions: 'J', obligation: 'O', state: 'S', note: 'N', evidence: 'E', disclaimer: 'not legal advice', noScan: 'no scan', neverChanged: 'never', empty: 'empty', more: '+{n}', 'state.todo': 'To do', 'state.in-progress': 'In progress', 'state.done': 'Done', 'state.not-applicable': 'N/A' };
    await p.evaluate(([view, l]) => window.postMessage({ type: 'checklist', view, labels: l }, '*'), [hostileChecklist(), labels] as const);
    await p.waitForSelector('tr[data-id="cn-gai-label"]');
    assert.deepEqual(await safety(p), { pwned: undefined, scripts: 2, imgs: 0, anchors: 0, hrefs: 0, handlers: [], styles: 0, violations: [] });
    assert.equal(await p.inputValue('#note-cn-gai-label'), `${HOSTILE.closeCode}\n${HOSTILE.js}`);
    assert.equal(await p.inputValue('#state-cn-gai-label'), 'in-progress');
    assert.equal(await p.textContent('#file-error p'), HOSTILE.img);
    assert.match((await p.textContent('#progress-text'))!, /^0 \/ 1/);

    await p.selectOption('#state-cn-gai-label', 'done');
    await p.fill('#note-cn-gai-label', 'checked <b>by</b> legal');
    await p.locator('#note-cn-gai-label').blur();
    await p.click('tr[data-id="cn-gai-label"] .evidence-link');
    await p.click('tr[data-id="cn-gai-label"] .open-card');
    await p.click('#repair');
    await p.click('#export');
    const posted = await p.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted);
    assert.deepEqual(posted, [
      { type: 'ready' },
      { type: 'setState', id: 'cn-gai-label', state: 'done' },
      { type: 'setNote', id: 'cn-gai-label', note: 'checked <b>by</b> legal' },
      { type: 'revealFinding', index: 4 },
      { type: 'openObligation', id: 'cn-gai-label' },
      { type: 'repair' },
      { type: 'export' },
    ]);
    await p.close();
  });
});
