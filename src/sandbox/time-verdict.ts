// Who is to blame when a job reaches its wall-clock limit. The limit is meant for candidates that
// compute too long; on a host overloaded by other work a worker may get a fraction of a core, and an
// honest candidate must not fail as "loops forever" then. CPU time decides.
export type TimeVerdict =
  | { kind: 'timeout'; message: string }
  /** Not judged yet: the worker got too little CPU; look again after `ms`. */
  | { kind: 'extend'; ms: number }
  | { kind: 'overloaded'; message: string };

/** How far past its limit a starved job may run before the pool gives up on judging it. */
export const MAX_STRETCH = 4;

export interface TimeUse {
  limitMs: number;
  wallMs: number;
  /** CPU seconds the worker used since the job started; undefined where it cannot be measured. */
  workerCpuSeconds: number | undefined;
  /** Idle CPU seconds of the whole host over the same period (all cores); undefined where unknown. */
  hostIdleSeconds: number | undefined;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export function judgeTimeLimit(use: TimeUse): TimeVerdict {
  const limit = `exceeded the ${use.limitMs} ms time limit`;
  const cpu = use.workerCpuSeconds;
  if (cpu === undefined) return { kind: 'timeout', message: limit };
  const cpuMs = cpu * 1000;
  if (cpuMs >= use.limitMs / 2) return { kind: 'timeout', message: `${limit} (it computed for ${seconds(cpuMs)} of CPU time)` };
  // The host had CPU to spare and the worker did not use it: the candidate itself was waiting.
  if (use.hostIdleSeconds !== undefined && use.hostIdleSeconds * 1000 >= use.wallMs / 2) {
    return { kind: 'timeout', message: `${limit} while using only ${seconds(cpuMs)} of CPU time: it blocked or waited instead of computing` };
  }
  if (use.wallMs < use.limitMs * MAX_STRETCH) return { kind: 'extend', ms: Math.max(use.limitMs - cpuMs, use.limitMs / 10) };
  return {
    kind: 'overloaded',
    message: `the host is overloaded: in ${seconds(use.wallMs)} the sandbox worker got only ${seconds(cpuMs)} of CPU time, too little to judge the ${use.limitMs} ms limit; this is not the candidate's fault (evaluate fewer candidates at once, e.g. --concurrency 1)`,
  };
}
