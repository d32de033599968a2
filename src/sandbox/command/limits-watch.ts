// Watches a process tree against the memory, process and CPU limits by sampling /proc, so the
// limits hold for the whole tree (rlimits are per process, and RLIMIT_NPROC does not bind root).
import type { CommandEnd, CommandLimits } from './types';
import { treeUsage } from './process-tree';

const SAMPLE_MS = 50;

export interface LimitHit {
  end: Extract<CommandEnd, 'memory' | 'processes' | 'cpu'>;
  detail: string;
}

export function describeLimit(end: LimitHit['end'], limits: Pick<CommandLimits, 'memoryMb' | 'maxProcesses' | 'cpuSeconds'>): string {
  if (end === 'memory') return `the evaluator command exceeded its ${limits.memoryMb} MB memory limit and was killed`;
  if (end === 'processes') return `the evaluator command exceeded its limit of ${limits.maxProcesses} processes and was killed`;
  return `the evaluator command exceeded its ${limits.cpuSeconds} s CPU time limit and was killed`;
}

/** Samples the tree under `root` until stopped; calls `onHit` once when a limit is passed. */
export function watchLimits(root: number, limits: CommandLimits, onHit: (hit: LimitHit) => void): () => void {
  let stopped = false;
  const check = (): void => {
    if (stopped || process.platform !== 'linux') return;
    const usage = treeUsage(root);
    if (!usage) return;
    let hit: LimitHit | undefined;
    if (usage.processes > limits.maxProcesses) hit = { end: 'processes', detail: `${usage.processes} processes were running` };
    else if (usage.rssBytes > limits.memoryMb * 1024 * 1024) hit = { end: 'memory', detail: `resident memory reached ${Math.round(usage.rssBytes / (1024 * 1024))} MB` };
    else if (usage.cpuSeconds > limits.cpuSeconds) hit = { end: 'cpu', detail: `${usage.cpuSeconds.toFixed(2)} s of CPU time were used` };
    if (hit) {
      stop();
      onHit(hit);
    }
  };
  const timer = setInterval(check, SAMPLE_MS);
  // The watched process keeps the event loop alive while it runs; the watcher itself must not
  // (one left running by mistake would keep a finished command open for ever).
  timer.unref();
  const stop = (): void => {
    stopped = true;
    clearInterval(timer);
  };
  check();
  return stop;
}
