/**
 * One error handler for every command and every webview message: a failure is logged with its
 * stack, shown once to the user with the action that failed, and never escapes into VS Code as
 * an unhandled rejection.
 */
import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

/** Sets where errors are logged (the extension's output channel). */
export function setErrorLog(log: vscode.LogOutputChannel | undefined): void {
  channel = log;
}

/** Logs and shows an error from `action`. */
export function reportError(action: string, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  channel?.error(`${action}: ${err instanceof Error && err.stack ? err.stack : message}`);
  void vscode.window.showErrorMessage(vscode.l10n.t('aireg: {0} failed: {1}', action, message));
}

/** Wraps a function so any error it throws or rejects with goes to {@link reportError}. */
export function withErrorHandling<A extends unknown[]>(action: string, fn: (...args: A) => unknown): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      reportError(action, err);
    }
  };
}
