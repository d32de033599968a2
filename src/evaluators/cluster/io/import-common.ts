// What the trace importers share: the cluster to run imported tasks on (trace files of tasks do
// not describe it usefully), and turning task drafts into a checked scenario.
import { parseScenario } from '../model/parse';
import { SCENARIO_VERSION, type Scenario } from '../model/scenario';
import { NODE_TYPES } from '../workload/trace-stats';
import { ImportError } from './csv';

export interface ImportCluster {
  /** Node type from the catalogue (NODE_TYPES names), default cloud-large. */
  nodeType?: string;
  /** Nodes of that type; by default just enough cores for the peak demand if every task started on arrival. */
  nodes?: number;
}

export interface ImportOptions extends ImportCluster {
  id?: string;
  /** Keep at most this many tasks (the earliest arrivals). */
  maxTasks?: number;
  /** Share of tasks (0-1) that get a deadline of `deadlineSlack` x their run time after arrival. */
  deadlineFraction?: number;
  deadlineSlack?: number;
}

export interface TaskDraft {
  key: string;
  tenant: string;
  kind: 'service' | 'batch';
  cpu: number;
  memory: number;
  duration: number;
  arrival: number;
  priority: number;
}

const clean = (x: number, digits: number): number => Number(x.toFixed(digits));

export function buildScenario(drafts: TaskDraft[], options: ImportOptions, origin: Record<string, unknown>, source: string): Scenario {
  if (!drafts.length) throw new ImportError(`${source}: no complete task found (a task needs its submission, its start and its end)`);
  const typeName = options.nodeType ?? 'cloud-large';
  const type = NODE_TYPES.find((t) => t.name === typeName);
  if (!type) throw new ImportError(`unknown node type '${typeName}' (known: ${NODE_TYPES.map((t) => t.name).join(', ')})`);
  const sorted = [...drafts].sort((a, b) => a.arrival - b.arrival || a.key.localeCompare(b.key));
  const kept = options.maxTasks !== undefined ? sorted.slice(0, options.maxTasks) : sorted;
  const start = (kept[0] as TaskDraft).arrival;
  const tooBig = kept.find((t) => t.cpu > type.cpu || t.memory > type.memory);
  if (tooBig) throw new ImportError(`${source}: task ${tooBig.key} (${tooBig.cpu} cores, ${tooBig.memory} GB) does not fit a ${type.name} node (${type.cpu} cores, ${type.memory} GB); choose a bigger node type`);
  const nodes = options.nodes ?? Math.max(1, Math.ceil(peakDemand(kept) / type.cpu));
  const slack = options.deadlineSlack ?? 3;
  const every = options.deadlineFraction ?? 0;
  const json = {
    version: SCENARIO_VERSION,
    id: options.id ?? `imported-${origin['format'] as string}`,
    description: `${kept.length} tasks imported from ${source}`,
    origin: { ...origin, file: source, tasks: kept.length, skippedByLimit: sorted.length - kept.length },
    constraints: { preemption: false },
    nodes: Array.from({ length: nodes }, (_, i) => ({ id: `n${i}`, kind: type.kind, cpu: type.cpu, memory: type.memory, costPerHour: type.costPerHour, idleWatts: type.idleWatts, peakWatts: type.peakWatts, speed: type.speed })),
    tasks: kept.map((t, i) => {
      const arrival = clean(t.arrival - start, 3);
      const task: Record<string, unknown> = { id: `t${i}`, tenant: t.tenant, kind: t.kind, cpu: t.cpu, memory: t.memory, duration: t.duration, arrival, priority: t.priority };
      // Every k-th task gets a deadline, so the choice is reproducible without randomness.
      if (every > 0 && Math.floor((i + 1) * every) > Math.floor(i * every)) task['deadline'] = clean(arrival + slack * t.duration, 3);
      return task;
    }),
  };
  return parseScenario(json, source);
}

/** Largest number of cores requested at once if every task ran on arrival. */
function peakDemand(tasks: TaskDraft[]): number {
  const events: [number, number][] = [];
  for (const t of tasks) {
    events.push([t.arrival, t.cpu]);
    events.push([t.arrival + t.duration, -t.cpu]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let peak = 0;
  for (const [, d] of events) {
    current += d;
    peak = Math.max(peak, current);
  }
  return peak;
}

export function roundCpu(x: number): number {
  return Math.max(0.01, clean(x, 3));
}
