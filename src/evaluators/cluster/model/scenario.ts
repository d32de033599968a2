// A scenario as the simulator uses it: the JSON document after schema checks, with every default
// filled in. The JSON format itself is described by SCENARIO_SCHEMA (./schema.ts).
import type { NodeKind, TaskKind } from '../policy-api';

export const LEVELS = ['easy', 'medium', 'hard', 'expert'] as const;
export type Level = (typeof LEVELS)[number];

export const SCENARIO_VERSION = 1;

export interface TaskSpec {
  id: string;
  tenant: string;
  kind: TaskKind;
  cpu: number;
  memory: number;
  /** Real run time in seconds on a node of speed 1. */
  duration: number;
  /** What the policy is told; defaults to `duration`. */
  durationEstimate: number;
  arrival: number;
  priority: number;
  deadline: number | null;
}

export interface NodeSpec {
  id: string;
  kind: NodeKind;
  cpu: number;
  memory: number;
  costPerHour: number;
  idleWatts: number;
  peakWatts: number;
  speed: number;
}

export interface Constraints {
  preemption: boolean;
  maxWaitSeconds: number | null;
  horizonSeconds: number;
}

export interface Scenario {
  version: number;
  id: string;
  level: Level | null;
  description: string;
  /** How the scenario was made (generator parameters, importer, attacker), kept for provenance. */
  origin: { [key: string]: unknown } | null;
  nodes: NodeSpec[];
  /** Sorted by arrival (stable on file order). */
  tasks: TaskSpec[];
  constraints: Constraints;
}

export function isLevel(value: unknown): value is Level {
  return typeof value === 'string' && (LEVELS as readonly string[]).includes(value);
}

/** The scenario as JSON, in the published format (defaults written out). */
export function scenarioToJson(s: Scenario): { [key: string]: unknown } {
  const out: { [key: string]: unknown } = { version: s.version, id: s.id };
  if (s.level) out['level'] = s.level;
  if (s.description) out['description'] = s.description;
  if (s.origin) out['origin'] = s.origin;
  out['constraints'] = { preemption: s.constraints.preemption, maxWaitSeconds: s.constraints.maxWaitSeconds, horizonSeconds: s.constraints.horizonSeconds };
  out['nodes'] = s.nodes.map((n) => ({ id: n.id, kind: n.kind, cpu: n.cpu, memory: n.memory, costPerHour: n.costPerHour, idleWatts: n.idleWatts, peakWatts: n.peakWatts, speed: n.speed }));
  out['tasks'] = s.tasks.map((t) => {
    const task: { [key: string]: unknown } = { id: t.id, tenant: t.tenant, kind: t.kind, cpu: t.cpu, memory: t.memory, duration: t.duration };
    if (t.durationEstimate !== t.duration) task['durationEstimate'] = t.durationEstimate;
    task['arrival'] = t.arrival;
    task['priority'] = t.priority;
    if (t.deadline !== null) task['deadline'] = t.deadline;
    return task;
  });
  return out;
}
