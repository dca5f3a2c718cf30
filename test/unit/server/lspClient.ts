/**
 * A minimal LSP client for the server tests: it spawns the bundled server (dist/server.js) over
 * stdio, speaks the real protocol with vscode-languageserver-protocol, answers the server's
 * `workspace/configuration` requests from a settings object the test controls, and records
 * every notification so tests can wait for a condition instead of sleeping.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ConfigurationRequest,
  createProtocolConnection,
  InitializeRequest,
  InitializedNotification,
  type InitializeResult,
  type ProtocolConnection,
  PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
  StreamMessageReader,
  StreamMessageWriter,
  WorkDoneProgressCreateRequest,
  RegistrationRequest,
  ShutdownRequest,
  ExitNotification,
} from 'vscode-languageserver-protocol/node';
import { StatusNotification, type InitializationOptions, type StatusParams } from '../../../src/shared/protocol';

export const SERVER_JS = path.resolve(__dirname, '../../../dist/server.js');

export interface Waiter<T> {
  pred: (v: T) => boolean;
  resolve: (v: T) => void;
}

export class TestClient {
  readonly conn: ProtocolConnection;
  private readonly reader: StreamMessageReader;
  readonly proc: ChildProcess;
  readonly diagnostics: PublishDiagnosticsParams[] = [];
  readonly statuses: StatusParams[] = [];
  readonly progress: { token: string | number; value: { kind: string; message?: string; percentage?: number } }[] = [];
  /** What `workspace/configuration` answers for the `aireg` section. */
  settings: Record<string, unknown> = {};
  stderr = '';
  private readonly waiters: { list: 'diagnostics' | 'statuses' | 'progress'; pred: (v: never) => boolean; resolve: (v: never) => void }[] = [];

  /** Warnings the server showed with `window/showMessage`. */
  readonly shownWarnings: string[] = [];

  /** `env` adds to the server's environment (e.g. AIREG_GRAMMAR_DIR for a broken grammar). */
  constructor(env: Record<string, string> = {}) {
    if (!fs.existsSync(SERVER_JS)) throw new Error(`${SERVER_JS} is missing: run \`npm run build\` first`);
    this.proc = spawn(process.execPath, [SERVER_JS, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    this.proc.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.reader = new StreamMessageReader(this.proc.stdout!);
    this.conn = createProtocolConnection(this.reader, new StreamMessageWriter(this.proc.stdin!));
    this.conn.onNotification(PublishDiagnosticsNotification.type, (p) => this.push('diagnostics', p));
    this.conn.onNotification(StatusNotification, (p) => this.push('statuses', p));
    this.conn.onNotification('$/progress', (p: { token: string | number; value: { kind: string } }) => this.push('progress', p));
    this.conn.onRequest(ConfigurationRequest.type, (p) => p.items.map((i) => (i.section === 'aireg' ? this.settings : null)));
    this.conn.onRequest(WorkDoneProgressCreateRequest.type, () => null);
    this.conn.onRequest(RegistrationRequest.type, () => null);
    this.conn.onNotification('window/logMessage', () => undefined);
    this.conn.onNotification('window/showMessage', (p: { type: number; message: string }) => {
      if (p.type === 2) this.shownWarnings.push(p.message);
    });
    this.conn.listen();
  }

  /**
   * Sends notifications to the server in a single write, so that it reads them together as it
   * would a burst of typing. Sent one by one, a loaded machine can leave a gap longer than the
   * server's debounce between two of them. Every earlier message must have been written already
   * (awaited), or the two writers would interleave.
   */
  async notifyBurst(notes: readonly { method: string; params: unknown }[]): Promise<void> {
    const body = notes
      .map((n) => {
        const json = JSON.stringify({ jsonrpc: '2.0', method: n.method, params: n.params });
        return `Content-Length: ${Buffer.byteLength(json, 'utf8')}\r\n\r\n${json}`;
      })
      .join('');
    await new Promise<void>((resolve, reject) => this.proc.stdin!.write(body, 'utf8', (err) => (err ? reject(err) : resolve())));
  }

  private push(list: 'diagnostics' | 'statuses' | 'progress', v: unknown): void {
    (this[list] as unknown[]).push(v);
    for (const w of [...this.waiters]) {
      if (w.list === list && w.pred(v as never)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(v as never);
      }
    }
  }

  /** Resolves with the first recorded (or future) item of `list` that satisfies `pred`. */
  waitFor<T>(list: 'diagnostics' | 'statuses' | 'progress', pred: (v: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
    const existing = (this[list] as unknown as T[]).find(pred);
    if (existing) return Promise.resolve(existing);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; stderr: ${this.stderr.slice(-2000)}`)), timeoutMs);
      this.waiters.push({ list, pred: pred as (v: never) => boolean, resolve: ((v: T) => { clearTimeout(timer); resolve(v); }) as (v: never) => void });
    });
  }

  /** Waits for diagnostics of `uri` that satisfy `pred` and arrive after index `since`. */
  diagnosticsFor(uri: string, pred: (p: PublishDiagnosticsParams) => boolean, since = 0, what = `diagnostics for ${uri}`): Promise<PublishDiagnosticsParams> {
    const start = since;
    return this.waitFor<PublishDiagnosticsParams>('diagnostics', (p) => p.uri === uri && this.diagnostics.indexOf(p) >= start && pred(p), what);
  }

  async initialize(rootDir: string | undefined, init: Partial<InitializationOptions> = {}): Promise<InitializeResult> {
    const rootUri = rootDir ? `file://${rootDir}` : null;
    const result = await this.conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri,
      workspaceFolders: rootDir ? [{ uri: `file://${rootDir}`, name: path.basename(rootDir) }] : null,
      capabilities: { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } }, window: { workDoneProgress: true } },
      initializationOptions: { locale: 'en', trusted: true, ...init },
    });
    await this.conn.sendNotification(InitializedNotification.type, {});
    return result;
  }

  async dispose(): Promise<void> {
    try {
      await Promise.race([this.conn.sendRequest(ShutdownRequest.type), new Promise((r) => setTimeout(r, 2000))]);
      await this.conn.sendNotification(ExitNotification.type);
    } catch {
      // The server may already be gone; killing it below is enough.
    }
    // The server goes first, and its output is drained, so no data reaches the reader afterwards.
    const closed = new Promise<void>((resolve) => {
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) resolve();
      else this.proc.once('close', () => resolve());
    });
    this.proc.kill();
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
    this.conn.dispose();
    // vscode-jsonrpc's reader re-arms a 10 s partial-message timer for as long as half a message
    // sits in its buffer, and dispose() does not clear it: a server killed while it wrote kept the
    // test process alive forever (seen on a loaded CI machine, after every test had passed).
    (this.reader as unknown as { clearPartialMessageTimer?: () => void }).clearPartialMessageTimer?.();
  }
}
