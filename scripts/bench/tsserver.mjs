// The TypeScript server's CPU per keystroke on the same file and edits as aireg's keystroke bench,
// driven as VS Code drives it: `open`, then per keystroke a `change` and a `geterr` (syntactic,
// semantic and suggestion diagnostics), until its `requestCompleted` event. The issues compare
// aireg's CPU per keystroke with this one; it is measured here so the comparison is on this
// machine, this file and these edits. TypeScript comes from the project's own devDependencies.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cpuMsOf, percentile } from './measure.mjs';

/**
 * Types `edits` keystrokes on `editLine` of `file` (a character after `// edit here:`, deleted on
 * the next edit) and returns tsserver's CPU per keystroke and the time to its diagnostics.
 */
export async function tsserverKeystroke({ root, file, editLine, edits }) {
  const tsserver = path.join(root, 'node_modules/typescript/lib/tsserver.js');
  if (!fs.existsSync(tsserver)) return { reason: 'typescript is not installed' };
  const child = spawn(process.execPath, [tsserver, '--disableAutomaticTypingAcquisition'], { cwd: path.dirname(file), stdio: ['pipe', 'pipe', 'ignore'] });
  let buffer = '';
  const waiters = new Map();
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    buffer += chunk;
    // Messages are `Content-Length: N\r\n\r\n{json}`; only the completion events matter here.
    for (;;) {
      const m = /Content-Length: (\d+)\r\n\r\n/.exec(buffer);
      if (!m) break;
      const start = m.index + m[0].length;
      const len = Number(m[1]);
      if (Buffer.byteLength(buffer.slice(start)) < len) break;
      // Content-Length counts bytes; the bench files are ASCII, so characters are bytes.
      const body = buffer.slice(start, start + len);
      buffer = buffer.slice(start + len);
      let msg;
      try {
        msg = JSON.parse(body);
      } catch {
        continue;
      }
      if (msg.type === 'event' && msg.event === 'requestCompleted') waiters.get(msg.body.request_seq)?.();
      if (msg.type === 'response' && msg.command !== 'geterr') waiters.get(msg.request_seq)?.();
    }
  });
  let seq = 0;
  const send = (command, args) => {
    const s = ++seq;
    child.stdin.write(`${JSON.stringify({ seq: s, type: 'request', command, arguments: args })}\n`);
    return s;
  };
  const until = (s, timeoutMs = 60_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`tsserver: no answer to request ${s} within ${timeoutMs} ms`)), timeoutMs);
      waiters.set(s, () => {
        clearTimeout(timer);
        waiters.delete(s);
        resolve();
      });
    });
  try {
    const text = fs.readFileSync(file, 'utf8');
    await until(send('open', { file, fileContent: text, scriptKindName: 'TS' }));
    // The first diagnostics of the file (type-checking it whole), as after opening it.
    await until(send('geterr', { files: [file], delay: 0 }));
    const col = '// edit here:'.length;
    const times = [];
    const cpu0 = cpuMsOf(child.pid);
    for (let i = 0; i < edits; i++) {
      const typing = i % 2 === 0;
      const t0 = performance.now();
      // tsserver counts lines and offsets from 1.
      const line = editLine + 1;
      const offset = col + 1;
      send('change', typing ? { file, line, offset, endLine: line, endOffset: offset, insertString: 'x' } : { file, line, offset, endLine: line, endOffset: offset + 1, insertString: '' });
      await until(send('geterr', { files: [file], delay: 0 }));
      times.push(performance.now() - t0);
    }
    const cpuPerEdit = (cpuMsOf(child.pid) - cpu0) / edits;
    return { cpuPerEdit, p50: percentile(times, 50), edits };
  } finally {
    child.kill();
  }
}
