import { strict as assert } from 'node:assert';
import { type HtmlTarget, buildWebviewHtml, contentSecurityPolicy, createNonce } from '../../../src/client/webview/html';

const target: HtmlTarget = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  resourceUri: (root, file) => `https://file+.vscode-resource.vscode-cdn.net/ext/${root === 'media' ? 'media' : 'dist/webview'}/${file}`,
};

function csp(html: string): string {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(m, 'has a CSP meta tag');
  return m[1].replace(/&#39;/g, "'");
}

describe('webview HTML builder', () => {
  const html = buildWebviewHtml(target, { title: 'Card <x>', script: 'cardMain.js', styles: ['webview.css'] });

  it('sets a strict CSP: nothing by default, scripts only by nonce, styles/images/fonts from the webview source', () => {
    const policy = csp(html);
    const directives = Object.fromEntries(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    assert.deepEqual(directives['default-src'], ["'none'"]);
    assert.equal(directives['script-src'].length, 1);
    assert.match(directives['script-src'][0], /^'nonce-[A-Za-z0-9+/]{22}==' *$/);
    for (const d of ['style-src', 'img-src', 'font-src']) assert.deepEqual(directives[d], [target.cspSource]);
    assert.ok(!policy.includes('unsafe-inline'));
    assert.ok(!policy.includes('unsafe-eval'));
    assert.ok(!html.includes('unsafe-inline'));
  });

  it('uses a 128-bit nonce that differs per call and is on every script', () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const page = buildWebviewHtml(target, { title: 't', script: 'cardMain.js', styles: [] });
      const n = /'nonce-([^']+)'/.exec(csp(page))![1];
      assert.equal(Buffer.from(n, 'base64').length, 16);
      nonces.add(n);
      const scripts = page.match(/<script\b[^>]*>/g) ?? [];
      assert.equal(scripts.length, 1);
      for (const s of scripts) assert.ok(s.includes(`nonce="${n}"`), s);
    }
    assert.equal(nonces.size, 50);
    assert.equal(Buffer.from(createNonce(), 'base64').length, 16);
  });

  it('has no inline script, inline style or event handler attribute', () => {
    assert.ok(!/<script\b[^>]*>[^<]+<\/script>/.test(html), 'scripts have no inline body');
    assert.ok(!/<style\b/i.test(html));
    assert.ok(!/\sstyle=/i.test(html));
    assert.ok(!/\son[a-z]+=/i.test(html));
    assert.match(html, /<script nonce="[^"]+" src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\/cardMain\.js"><\/script>/);
    assert.match(html, /<link rel="stylesheet" href="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/media\/webview\.css">/);
  });

  it('escapes the title and refuses resource names that leave their folder', () => {
    assert.ok(html.includes('<title>Card &lt;x&gt;</title>'));
    assert.throws(() => buildWebviewHtml(target, { title: 't', script: '../secret.js', styles: [] }), /invalid webview resource/);
    assert.throws(() => buildWebviewHtml(target, { title: 't', script: 'a.js', styles: ['x/y.css'] }), /invalid webview resource/);
  });

  it('contentSecurityPolicy is the policy the page carries', () => {
    const page = buildWebviewHtml(target, { title: 't', script: 'a.js', styles: [] }, 'AAAAAAAAAAAAAAAAAAAAAA==');
    assert.equal(csp(page), contentSecurityPolicy(target.cspSource, 'AAAAAAAAAAAAAAAAAAAAAA=='));
  });
});
