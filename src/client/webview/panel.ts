/**
 * A typed base for aireg's webview panels. It owns the `ready` handshake (data is posted only
 * after the page's script says it is listening, and again whenever the page reloads), validates
 * every incoming message before dispatch, and runs every handler through the one error handler.
 */
import * as vscode from 'vscode';
import { reportError } from './errors';
import { type HtmlTarget, type WebviewHtmlOptions, buildWebviewHtml } from './html';

/** Webview options shared by every panel: scripts on, resources only from media and dist/webview. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    enableForms: false,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
  };
}

/** Adapts a `vscode.Webview` to the HTML builder. */
export function htmlTarget(webview: vscode.Webview, extensionUri: vscode.Uri): HtmlTarget {
  return {
    cspSource: webview.cspSource,
    resourceUri: (root, file) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...(root === 'media' ? ['media'] : ['dist', 'webview']), file)).toString(),
  };
}

/** A message with a `type`; every message both ways has one. */
export interface Typed {
  type: string;
}

/**
 * Base class of a panel. `In` is what the webview may send (validated by `parse`), `Out` what
 * the extension posts. Subclasses implement `onReady` (send the data) and `onMessage`.
 */
export abstract class WebviewPanelBase<In extends Typed, Out extends Typed> implements vscode.Disposable {
  private ready = false;
  private disposed = false;
  protected readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    protected readonly extensionUri: vscode.Uri,
    private readonly parse: (v: unknown) => In | undefined,
    html: WebviewHtmlOptions,
    private readonly log?: vscode.LogOutputChannel,
  ) {
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = buildWebviewHtml(htmlTarget(panel.webview, extensionUri), html);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** True once the page has sent `ready` (and is not disposed). */
  get isReady(): boolean {
    return this.ready && !this.disposed;
  }

  private async receive(raw: unknown): Promise<void> {
    const msg = this.parse(raw);
    if (!msg) {
      // Never act on a message that does not validate; log it for whoever debugs the page.
      this.log?.warn(`aireg webview ${this.panel.viewType}: ignored malformed message ${safePreview(raw)}`);
      return;
    }
    try {
      if (msg.type === 'ready') {
        this.ready = true;
        await this.onReady();
      } else {
        await this.onMessage(msg);
      }
    } catch (err) {
      reportError(`${this.panel.title}: ${msg.type}`, err);
      await this.post({ type: 'error', message: err instanceof Error ? err.message : String(err) } as unknown as Out);
    }
  }

  /** Posts a message if the page is listening; otherwise it will get fresh data on `ready`. */
  protected async post(msg: Out): Promise<boolean> {
    if (!this.isReady) return false;
    return this.panel.webview.postMessage(msg);
  }

  /** Sends the current data; called on every `ready`. */
  protected abstract onReady(): Promise<void>;
  /** Handles a validated message other than `ready`. */
  protected abstract onMessage(msg: In): Promise<void>;

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.onDispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  /** Hook for subclasses to drop references on dispose. */
  protected onDispose(): void {}
}

function safePreview(v: unknown): string {
  try {
    return JSON.stringify(v).slice(0, 200);
  } catch {
    return typeof v;
  }
}
