// Process measurement helpers for the bench: wall time and peak resident memory of a child
// process (and its threads; worker threads live in the same process).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';

const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** How peak RSS is measured on this machine (printed with the figures). */
export const RSS_METHOD = TIME ? '/usr/bin/time -f %M (maxrss of the process)' : '/proc/<pid>/status VmHWM polled every 5 ms';

/**
 * Runs a command to completion and returns {ms, rssMB, code, stdout, stderr}. Throws when the
 * exit code is not in `okCodes`, because a figure from a failed run would mislead.
 */
export function run(cmd, args, { cwd, okCodes = [0], env, timeoutMs } = {}) {
  return new Promise((resolve, reject) => {
    const marker = 'AIREG_BENCH_RSS_KB=';
    const [file, argv] = TIME ? [TIME, ['-f', `${marker}%M`, cmd, ...args]] : [cmd, args];
    const t0 = performance.now();
    const child = spawn(file, argv, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let hwmKB = 0;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let poll;
    if (!TIME) {
      poll = setInterval(() => {
        try {
          const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (m) hwmKB = Math.max(hwmKB, Number(m[1]));
        } catch {
          // The process has exited between two polls.
        }
      }, 5);
    }
    // A scan that does not finish is a result, not a hang of the bench: it is killed and rejected.
    const timer = timeoutMs ? setTimeout(() => child.kill('SIGKILL'), timeoutMs) : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      const ms = performance.now() - t0;
      if (poll) clearInterval(poll);
      if (TIME) {
        const i = stderr.lastIndexOf(marker);
        if (i >= 0) {
          hwmKB = Number(stderr.slice(i + marker.length).trim().split(/\s/)[0]);
          stderr = stderr.slice(0, i);
        }
      }
      if (!okCodes.includes(code)) {
        reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}\n${stderr.slice(-2000)}`));
        return;
      }
      resolve({ ms, rssMB: hwmKB / 1024, code, stdout, stderr });
    });
  });
}

/** Runs `n` times and keeps the run with the median wall time (with the largest RSS seen). */
export async function medianRun(n, cmd, args, opts) {
  const runs = [];
  for (let i = 0; i < n; i++) runs.push(await run(cmd, args, opts));
  const sorted = [...runs].sort((a, b) => a.ms - b.ms);
  const med = sorted[Math.floor((sorted.length - 1) / 2)];
  return { ...med, rssMB: Math.max(...runs.map((r) => r.rssMB)), allMs: runs.map((r) => Math.round(r.ms)) };
}

export function percentile(values, p) {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const idx = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[idx];
}

/** The machine the figures were taken on. */
export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    ramGB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

/** Linux's USER_HZ: /proc reports CPU times in these ticks on every common build. */
const CLOCK_TICKS = 100;

/**
 * CPU time (user + system) process `pid` has used so far, in ms, from /proc (Linux; NaN where it
 * cannot be read). The kernel counts it in clock ticks, so read it over many edits, not per edit.
 */
export function cpuMsOf(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    // utime and stime are fields 14 and 15 of the stat line (11 and 12 after the name).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}
