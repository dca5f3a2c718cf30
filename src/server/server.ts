/**
 * Entry point of the aireg language server (bundled to dist/server.js). The client starts it
 * over IPC; `--stdio` works too, so any LSP client (and the unit tests) can run it.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { AiregServer } from './aireg';

const connection = createConnection(ProposedFeatures.all);
new AiregServer(connection).listen();
