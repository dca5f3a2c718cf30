/**
 * Entry point of the aireg language server (bundled to dist/server.js). The client starts it
 * over IPC; `--stdio` works too, so any LSP client (and the unit tests) can run it.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { AiregServer } from './aireg';

const connection = createConnection(ProposedFeatures.all);

// A stray rejected promise (a client that refuses a request, a bug in one handler) must cost one
// log line, not the server: Node would otherwise end the process and drop every diagnostic.
process.on('unhandledRejection', (reason) => {
  connection.console.error(`aireg: unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
});

new AiregServer(connection).listen();
