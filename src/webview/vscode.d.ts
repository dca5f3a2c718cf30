/** The API VS Code injects into webviews; see https://code.visualstudio.com/api/extension-guides/webview. */
interface VsCodeWebviewApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeWebviewApi;
