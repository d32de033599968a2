// Resident memory of a child process, read from outside so it works while the child is stuck
// in a loop, and counts memory outside the V8 heap (ArrayBuffers) that --max-old-space-size
// does not bound.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface MemoryProbe {
  /** How often the pool should sample, in ms. */
  readonly intervalMs: number;
  /** Calls back with the resident size in bytes, or undefined when unknown (process gone). */
  sample(pid: number, done: (rssBytes: number | undefined) => void): void;
}

/** Linux: /proc/<pid>/status is a cheap in-memory read, so it can be sampled often. */
const procProbe: MemoryProbe = {
  intervalMs: 50,
  sample(pid, done) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/status`, 'latin1');
    } catch {
      done(undefined);
      return;
    }
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
    done(match ? Number(match[1]) * 1024 : undefined);
  },
};

/** macOS and other Unixes: ask ps, less often since each sample starts a process. */
const psProbe: MemoryProbe = {
  intervalMs: 250,
  sample(pid, done) {
    execFile('ps', ['-o', 'rss=', '-p', String(pid)], { timeout: 2000 }, (error, stdout) => {
      const kb = Number.parseInt(String(stdout).trim(), 10);
      done(error || !Number.isFinite(kb) ? undefined : kb * 1024);
    });
  },
};

let chosen: MemoryProbe | null | undefined;

/** The probe for this platform, or null where none exists (Windows: only the heap cap applies). */
export function memoryProbe(): MemoryProbe | null {
  if (chosen === undefined) {
    if (process.platform === 'linux') chosen = procProbe;
    else if (process.platform === 'win32') chosen = null;
    else chosen = psProbe;
  }
  return chosen;
}
