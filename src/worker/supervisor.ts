// The local worker supervisor behind `policy-evolver worker`: runs evaluator and sampler child
// processes, restarts any that crash (with backoff, so a poison task cannot make it spin), and
// every few seconds grows or shrinks the number of evaluators within bounds from the queue depth and
// CPU use. Children get the broker URL through their environment, never on their command line.
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { UserError } from '../core/user-error';
import { Backoff } from '../transport/backoff';
import { BROKER_URL_ENV, type BrokerAddress } from '../transport/broker-url';
import { BrokerConnection } from '../transport/connection';
import { errorText, type Logger } from '../transport/log';
import { DEFAULT_HEARTBEAT_MS, heartbeatBase, startHeartbeats, type SupervisorHeartbeat } from '../transport/monitor';
import { CpuMeter, decideScaling, type ScalingBounds, type ScalingDecision, type ScalingState } from '../transport/scaling';
import { declareTopology, queueDepth, topologyFor } from '../transport/topology';

export type WorkerRole = 'evaluator' | 'sampler';

/** Exit code of a child that cannot work at all (bad credentials, bad arguments): restarting it is pointless. */
export const CHILD_CONFIG_EXIT = 3;

/** The hidden CLI command children run. */
export const CHILD_COMMAND = 'worker-process';

export type ChildLauncher = (role: WorkerRole, args: string[], env: NodeJS.ProcessEnv) => ChildProcess;

/** Re-runs this program (bundled CLI or source through tsx) with the hidden child command. */
export function defaultLauncher(): ChildLauncher {
  const entry = process.argv[1];
  if (!entry) throw new Error('cannot tell which program to start worker processes from (process.argv[1] is empty)');
  return (_role, args, env) => fork(entry, [CHILD_COMMAND, ...args], { env, execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

export interface SupervisorOptions {
  address: BrokerAddress;
  experiment: string;
  log: Logger;
  evaluators: { start: number; min: number; max: number };
  samplers: number;
  /** Grow only while CPU use (0-1) is below this. */
  cpuLimit: number;
  intervalMs: number;
  /** Quiet ticks before shrinking. */
  patience?: number;
  /** CPU use (0-1) counted as overload; above 1 disables shrinking for overload. */
  overloadCpu?: number;
  /** Machine CPU use (0-1) since the previous call; defaults to the host's meter. Tests inject a fixed load. */
  cpuProbe?: () => number | undefined;
  /** Give up when the broker cannot be reached this long after starting; undefined: keep trying (a worker waits for its broker). */
  connectTimeoutMs?: number;
  /** Extra arguments for every child (log format, verbosity). */
  childArgs?: string[];
  launch?: ChildLauncher;
  heartbeatMs?: number;
  /** How long a stopping child may take to finish its task before it is killed. */
  stopGraceMs?: number;
  onDecision?(decision: ScalingDecision & { running: number; target: number }): void;
}

interface Child {
  proc: ChildProcess;
  role: WorkerRole;
  startedAt: number;
  busy: number;
  stopping: boolean;
}

export interface ChildInfo {
  pid: number;
  role: WorkerRole;
  busy: number;
  stopping: boolean;
}

export interface RunningSupervisor {
  readonly id: string;
  children(): ChildInfo[];
  /** Evaluator processes the supervisor currently aims for. */
  target(): number;
  /** Asks every child to finish its task and stop, then disconnects. */
  stop(): Promise<void>;
  /** Resolves when stopped; rejects when the workers cannot run at all. */
  readonly done: Promise<void>;
}

export function validateSupervisorOptions(o: Pick<SupervisorOptions, 'evaluators' | 'samplers' | 'cpuLimit' | 'intervalMs'>): void {
  const { start, min, max } = o.evaluators;
  for (const [name, v] of [
    ['--evaluators', start],
    ['--min-evaluators', min],
    ['--max-evaluators', max],
    ['--samplers', o.samplers],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 1024) throw new UserError(`${name} must be a whole number from 0 to 1024, got ${v}`);
  }
  if (min > max) throw new UserError(`--min-evaluators (${min}) is above --max-evaluators (${max})`);
  if (start < min || start > max) throw new UserError(`--evaluators (${start}) must lie between --min-evaluators (${min}) and --max-evaluators (${max})`);
  if (max === 0 && o.samplers === 0) throw new UserError('nothing to run: give --evaluators or --samplers a number above 0');
  if (!(o.cpuLimit > 0 && o.cpuLimit <= 1)) throw new UserError(`--cpu-limit must be a percentage from 1 to 100, got ${Math.round(o.cpuLimit * 100)}`);
  if (!(o.intervalMs >= 200)) throw new UserError('--scale-interval must be at least 0.2 seconds');
}

export async function startSupervisor(options: SupervisorOptions): Promise<RunningSupervisor> {
  validateSupervisorOptions(options);
  const id = `supervisor@${hostname()}:${process.pid}:${randomUUID().slice(0, 4)}`;
  const log = options.log;
  const topology = topologyFor(options.experiment);
  const launch = options.launch ?? defaultLauncher();
  const bounds: ScalingBounds = { min: options.evaluators.min, max: options.evaluators.max, cpuLimit: options.cpuLimit, patience: options.patience ?? 3, ...(options.overloadCpu !== undefined ? { overload: options.overloadCpu } : {}) };
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const stopGraceMs = options.stopGraceMs ?? 10 * 60_000;
  const children = new Set<Child>();
  const pendingStarts: Record<WorkerRole, number> = { evaluator: 0, sampler: 0 };
  const crashBackoff: Record<WorkerRole, Backoff> = {
    evaluator: new Backoff({ initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.2 }),
    sampler: new Backoff({ initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.2 }),
  };
  const hostCpu = new CpuMeter();
  const sampleCpu = options.cpuProbe ?? (() => hostCpu.sample());
  const startedAt = Date.now();
  let desired = options.evaluators.start;
  let scalingState: ScalingState = { quietTicks: 0, overloadedTicks: 0 };
  let lastDecision: string | undefined;
  let lastCpu: number | undefined;
  let lastDepth: number | undefined;
  let restarts = 0;
  let stopping = false;
  let resolveDone: () => void = () => undefined;
  let rejectDone: (err: Error) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  done.catch(() => undefined);

  const connection = new BrokerConnection({
    address: options.address,
    name: `policy-evolver ${id}`,
    log,
    firstConnectTimeoutMs: options.connectTimeoutMs,
    firstConnectSetting: '--connect-timeout',
    setup: async (session) => declareTopology(session.connection, session.channel, topology),
  });

  const live = (role: WorkerRole): Child[] => [...children].filter((c) => c.role === role && !c.stopping);
  const wanted = (role: WorkerRole): number => (role === 'evaluator' ? desired : options.samplers);

  const childArgs = (role: WorkerRole): string[] => ['--role', role, '--experiment', options.experiment, '--supervisor', id, ...(options.childArgs ?? [])];

  function startChild(role: WorkerRole): void {
    const env = { ...process.env, [BROKER_URL_ENV]: options.address.secretUrl };
    let proc: ChildProcess;
    try {
      proc = launch(role, childArgs(role), env);
    } catch (err) {
      log.error(`cannot start a ${role} process: ${errorText(err)}`);
      return;
    }
    const child: Child = { proc, role, startedAt: Date.now(), busy: 0, stopping: false };
    children.add(child);
    log.info(`started ${role} process ${proc.pid ?? '?'} (${live(role).length} running)`);
    proc.on('message', (m: unknown) => {
      const state = m as { type?: unknown; busy?: unknown };
      if (state?.type === 'state' && typeof state.busy === 'number') child.busy = state.busy;
    });
    proc.on('error', (err) => log.error(`${role} process ${proc.pid ?? '?'}: ${errorText(err)}`));
    proc.on('exit', (code, signal) => onExit(child, code, signal));
  }

  function onExit(child: Child, code: number | null, signal: NodeJS.Signals | null): void {
    children.delete(child);
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (child.stopping || stopping) {
      log.info(`${child.role} process ${child.proc.pid ?? '?'} stopped (${how})`);
      if (stopping && children.size === 0) void finish();
      return;
    }
    if (code === CHILD_CONFIG_EXIT) {
      void shutdown(new UserError(`the ${child.role} process could not run (exit code ${code}); see its message above`));
      return;
    }
    restarts++;
    const backoff = crashBackoff[child.role];
    // A process that ran a good while before dying is not in a crash loop.
    if (Date.now() - child.startedAt > 30_000) backoff.reset();
    const delay = backoff.next();
    log.warn(`${child.role} process ${child.proc.pid ?? '?'} exited unexpectedly (${how}); starting another in ${(delay / 1000).toFixed(1)} s`);
    pendingStarts[child.role]++;
    const timer = setTimeout(() => {
      pendingStarts[child.role]--;
      reconcile();
    }, delay);
    timer.unref();
  }

  function reconcile(): void {
    if (stopping) return;
    for (const role of ['evaluator', 'sampler'] as const) {
      const current = live(role);
      let count = current.length + pendingStarts[role];
      while (count < wanted(role)) {
        startChild(role);
        count++;
      }
      if (current.length > wanted(role)) {
        // Stop idle processes first; a busy one finishes its task before it exits.
        const victims = [...current].sort((a, b) => a.busy - b.busy || b.startedAt - a.startedAt).slice(0, current.length - wanted(role));
        for (const v of victims) stopChild(v);
      }
    }
  }

  function stopChild(child: Child): void {
    if (child.stopping) return;
    child.stopping = true;
    child.proc.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (children.has(child)) {
        log.warn(`${child.role} process ${child.proc.pid ?? '?'} did not stop within ${Math.round(stopGraceMs / 1000)} s; killing it`);
        child.proc.kill('SIGKILL');
      }
    }, stopGraceMs);
    timer.unref();
  }

  async function tick(): Promise<void> {
    if (stopping) return;
    const session = connection.session;
    let depth: number | undefined;
    if (session) {
      try {
        depth = (await queueDepth(session.connection, topology.queues.evaluate))?.messages ?? 0;
      } catch {
        depth = undefined;
      }
    }
    lastCpu = sampleCpu();
    lastDepth = depth;
    const evaluators = live('evaluator');
    const running = evaluators.length + pendingStarts.evaluator;
    const busy = evaluators.filter((c) => c.busy > 0).length;
    const decision = decideScaling({ running, busy, queueDepth: depth, cpu: lastCpu }, bounds, scalingState);
    scalingState = decision.state;
    if (decision.change !== 0) {
      desired = Math.min(bounds.max, Math.max(bounds.min, running + decision.change));
      lastDecision = `${decision.change > 0 ? 'grew' : 'shrank'} to ${desired}: ${decision.reason}`;
      log.info(`evaluators: ${lastDecision}`);
    }
    options.onDecision?.({ ...decision, running, target: desired });
    reconcile();
  }

  let finishing: Promise<void> | undefined;
  function finish(): Promise<void> {
    finishing ??= (async () => {
      stopHeartbeats();
      await connection.close();
      resolveDone();
    })();
    return finishing;
  }

  let fatal: Error | undefined;
  async function shutdown(error?: Error): Promise<void> {
    if (error) fatal ??= error;
    if (!stopping) {
      stopping = true;
      clearInterval(timer);
      for (const c of children) stopChild(c);
      log.info(children.size ? `stopping ${children.size} worker process(es)` : 'stopping');
    }
    if (children.size === 0) await finish();
    await finishing;
    if (fatal) rejectDone(fatal);
  }

  await connection.start();
  const stopHeartbeats = startHeartbeats(connection, topology, heartbeatMs, (): SupervisorHeartbeat => {
    const evaluators = live('evaluator');
    return {
      ...heartbeatBase(id, options.experiment, startedAt, heartbeatMs),
      kind: 'supervisor',
      evaluators: { running: evaluators.length, busy: evaluators.filter((c) => c.busy > 0).length, min: bounds.min, max: bounds.max },
      samplers: live('sampler').length,
      cpu: lastCpu ?? null,
      queueDepth: lastDepth ?? null,
      restarts,
      ...(lastDecision ? { lastDecision } : {}),
    };
  });
  const timer = setInterval(() => void tick(), options.intervalMs);
  timer.unref();
  reconcile();
  log.info(
    `${id}: evaluators ${options.evaluators.start} (scaling ${bounds.min}-${bounds.max}, cpu limit ${Math.round(bounds.cpuLimit * 100)}%), samplers ${options.samplers}, experiment '${options.experiment}'`,
  );

  return {
    id,
    done,
    target: () => desired,
    children: () => [...children].map((c) => ({ pid: c.proc.pid ?? -1, role: c.role, busy: c.busy, stopping: c.stopping })),
    async stop() {
      await shutdown();
      await done.catch(() => undefined);
    },
  };
}
