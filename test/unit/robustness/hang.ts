/**
 * Runs the built CLI asynchronously so a hang shows up as a mocha timeout (the harness's time
 * limit) instead of blocking the test process; every child still running after a test is killed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO } from './helpers';

export const CLI = path.join(REPO, 'dist', 'cli.js');

const running = new Set<ChildProcess>();

export interface AsyncRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/cli.js ...args` in `cwd` and resolves when it exits. */
export function runCli(args: string[], cwd: string, opts: { stdin?: string; closeStdoutAfter?: number; fileSizeLimitBlocks?: number } = {}): Promise<AsyncRun> {
  return new Promise((resolve, reject) => {
    // A file-size limit (`ulimit -f`) makes writes fail as on a full disk.
    const child =
      opts.fileSizeLimitBlocks !== undefined
        ? spawn('sh', ['-c', `ulimit -f ${opts.fileSizeLimitBlocks} && exec "$0" "$@"`, process.execPath, CLI, ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] })
        : spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    running.add(child);
    if (opts.closeStdoutAfter === 0) child.stdout.destroy();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      // Closing our end early is what `| head` does to the CLI.
      if (opts.closeStdoutAfter !== undefined && stdout.length >= opts.closeStdoutAfter) child.stdout.destroy();
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      running.delete(child);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.stdin ?? '');
  });
}

/** Kills the children a timed-out test left behind (by their own pid). */
export function killRunning(): void {
  for (const c of running) c.kill('SIGKILL');
  running.clear();
}

/** A file the current rules report (GB 45438 field errors), so scans have findings. */
export const FINDING_SOURCE = `export function aigcHeader(id: string): string {
  const aigc = {
    Label: 1,
    ContentProducer: '91310000MA1FL0XXXX',
    ProduceId: id,
  };
  return JSON.stringify({ AIGC: aigc });
}
`;

export function write(root: string, rel: string, text = 'x = 1\n'): string {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}
