// The servers under load: the built service (`node dist/main`) or the bare Fastify ceiling, each
// a child process of its own, with its peak memory read from /proc when it stops.
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../test/support/server-process';

export const ROOT = join(__dirname, '..', '..');

export interface RunningServer {
  url: string;
  pid: number;
  /** Stops it with SIGTERM; resolves with its exit code and peak RSS (MB, null off Linux). */
  stop(): Promise<{ exitCode: number | null; peakRssMb: number | null }>;
}

/**
 * Spawns `node <args>` with PORT set and waits until `readyPath` answers 200. Its output goes to
 * `logFile` (under bench/results/, not committed), so a warning under load can be read later.
 */
export async function startServer(
  args: string[],
  env: Record<string, string>,
  logFile: string,
  readyPath = '/health',
): Promise<RunningServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = once(child, 'exit');
  const url = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}; see ${logFile}`);
    try {
      if ((await fetch(url + readyPath)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not become ready; see ${logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    pid: child.pid!,
    async stop() {
      const peakRssMb = readPeakRssMb(child.pid!);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const [exitCode] = await exited;
      clearTimeout(timer);
      log.end();
      return { exitCode: exitCode as number | null, peakRssMb };
    },
  };
}

/**
 * VmHWM: the most resident memory the process has had since it started. For a cluster (a
 * primary and its workers) the largest of them: each worker is a server of its own, and the
 * budget of a server's memory is per process.
 */
export function readPeakRssMb(pid: number): number | null {
  const peaks = processTree(pid)
    .map((p) => {
      try {
        const status = readFileSync(`/proc/${p}/status`, 'utf8');
        return Number(/^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1]);
      } catch {
        return NaN;
      }
    })
    .filter(Number.isFinite);
  return peaks.length === 0 ? null : Math.round(Math.max(...peaks) / 1024);
}

/** The process and its live descendants (a cluster primary's workers), by /proc's parent ids. */
function processTree(root: number): number[] {
  const parents = new Map<number, number>();
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    return [root];
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, parent] of parents) if (parent === tree[i]) tree.push(pid);
  }
  return tree;
}

/**
 * CPU time (user + system, seconds) the process has used so far, or null off Linux. Unlike
 * throughput it hardly depends on what else runs on the machine, so µs of server CPU per
 * request is the figure to compare across noisy runs.
 */
export function readCpuSeconds(pid: number): number | null {
  let total = 0;
  // A cluster's work is done by its workers: their CPU counts (workers live through a scenario).
  for (const p of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      // Fields after the command name (which may contain spaces) start at ") ".
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const CLOCK_TICKS_PER_SECOND = 100;
      total += (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
    } catch {
      if (p === pid) return null;
    }
  }
  return total;
}

/** VmRSS: the resident memory of the process now (MB, null off Linux). */
export function readRssMb(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
    return Number.isFinite(kb) ? kb / 1024 : null;
  } catch {
    return null;
  }
}
