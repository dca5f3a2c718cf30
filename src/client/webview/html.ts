/**
 * The one HTML builder for every aireg webview. The page is a fixed shell: a banner, an empty
 * root and one script loaded by nonce. No data is ever interpolated into it; data arrives later
 * by postMessage and is set as text. Free of `vscode` imports so it is unit-tested directly.
 */
import { randomBytes } from 'node:crypto';

/** Where a resource lives: `media/` (CSS) or `dist/webview/` (bundled scripts). */
export type ResourceRoot = 'media' | 'webview';

/** The two things the builder needs from a `vscode.Webview`. */
export interface HtmlTarget {
  /** `webview.cspSource`. */
  cspSource: string;
  /** The webview URI of a file under one of the two resource roots. */
  resourceUri(root: ResourceRoot, file: string): string;
}

export interface WebviewHtmlOptions {
  /** The document title (escaped). */
  title: string;
  /** Script file name in dist/webview, e.g. `cardMain.js`. */
  script: string;
  /** Stylesheet file names in media/. */
  styles: string[];
  /** The document language attribute. */
  lang?: string;
}

/** A fresh 128-bit nonce from the OS random source, base64-encoded. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

function checkFile(name: string): string {
  // Only plain file names: no folders, no `..`, so the roots really are the only places loaded.
  if (!FILE_NAME.test(name) || name.includes('..')) throw new Error(`invalid webview resource name: ${name}`);
  return name;
}

/** The Content-Security-Policy of every aireg webview. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource}`,
    `font-src ${cspSource}`,
  ].join('; ');
}

/** Builds the page. `nonce` is a parameter only so tests can compare calls; callers omit it. */
export function buildWebviewHtml(target: HtmlTarget, opts: WebviewHtmlOptions, nonce: string = createNonce()): string {
  const csp = contentSecurityPolicy(target.cspSource, nonce);
  const styles = opts.styles.map((s) => `<link rel="stylesheet" href="${escapeAttr(target.resourceUri('media', checkFile(s)))}">`);
  const script = escapeAttr(target.resourceUri('webview', checkFile(opts.script)));
  return [
    '<!DOCTYPE html>',
    `<html lang="${escapeAttr(opts.lang ?? 'en')}">`,
    '<head>',
    '<meta charset="UTF-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
    ...styles,
    `<title>${escapeAttr(opts.title)}</title>`,
    '</head>',
    '<body>',
    '<div id="error" class="banner error" role="alert" hidden></div>',
    '<main id="root" aria-live="polite"><p class="muted">…</p></main>',
    `<script nonce="${escapeAttr(nonce)}" src="${script}"></script>`,
    '</body>',
    '</html>',
  ].join('\n');
}
