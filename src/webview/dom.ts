/**
 * The only way webview code creates DOM: elements built with createElement and text set with
 * textContent. Attributes are limited to an allowlist, so no code path can add an event handler
 * attribute, a link target or an inline style, whatever data arrives.
 */

const SAFE_ATTRS = /^(id|data-[a-z-]+|aria-[a-z-]+|role|type|title|value|for|lang|tabindex|name|rows|max|min|hidden|disabled|selected|open|placeholder)$/;

/** Options for {@link h}. */
export interface ElementOptions {
  id?: string;
  className?: string;
  text?: string;
  attrs?: Record<string, string>;
}

/** Creates an element with text and allowlisted attributes, appending the given children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, opts: ElementOptions = {}, children: (Node | null | undefined)[] = []): HTMLElementTagNameMap[K] {
  if (tag === ('script' as K) || tag === ('a' as K) || tag === ('iframe' as K) || tag === ('style' as K)) throw new Error(`refusing to create <${tag}>`);
  const el = document.createElement(tag);
  if (opts.id) el.id = opts.id;
  if (opts.className) el.className = opts.className;
  if (opts.text !== undefined) el.textContent = opts.text;
  for (const [k, v] of Object.entries(opts.attrs ?? {})) {
    if (!SAFE_ATTRS.test(k)) throw new Error(`refusing attribute ${k}`);
    el.setAttribute(k, v);
  }
  for (const c of children) if (c) el.appendChild(c);
  return el;
}

/** Replaces all children of `parent`. */
export function replaceChildren(parent: Element, children: Node[]): void {
  parent.replaceChildren(...children);
}

/** Shows (or clears, with undefined) the error banner with the given id. */
export function setBanner(id: string, message: string | undefined): void {
  const el = document.getElementById(id);
  if (!el) return;
  el.textContent = message ?? '';
  el.hidden = !message;
}

/**
 * Listens for the extension's messages: each is validated by `parse`; a malformed one or an
 * `error` message shows in the `#error` banner, and a rendering failure does too, so a bug is
 * visible instead of a blank panel. Both webviews receive their data through this one path.
 */
export function onExtensionMessage<T extends { type: string }>(parse: (data: unknown) => T | undefined, render: (msg: Exclude<T, { type: 'error' }>) => void): void {
  window.addEventListener('message', (ev: MessageEvent<unknown>) => {
    const msg = parse(ev.data);
    if (!msg) {
      setBanner('error', 'aireg: ignored a malformed message from the extension.');
      return;
    }
    if (msg.type === 'error') {
      setBanner('error', (msg as unknown as { message: string }).message);
      return;
    }
    setBanner('error', undefined);
    try {
      render(msg as Exclude<T, { type: 'error' }>);
    } catch (err) {
      setBanner('error', `aireg: could not render: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
}
