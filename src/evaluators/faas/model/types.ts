// The workload model shared by the trace reader, the generator and the simulator. A trace is a
// list of pipelines in file order; each pipeline is a DAG of operators listed parents-first.

export const PRIORITIES = ['QUERY', 'INTERACTIVE', 'BATCH_PIPELINE'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Index of a priority in PRIORITIES: 0 = QUERY (highest) ... 2 = BATCH_PIPELINE. */
export function priorityIndex(p: Priority): number {
  return p === 'QUERY' ? 0 : p === 'INTERACTIVE' ? 1 : 2;
}

export function isPriority(value: unknown): value is Priority {
  return value === 'QUERY' || value === 'INTERACTIVE' || value === 'BATCH_PIPELINE';
}

export const SCALINGS = ['const', 'log', 'sqrt', 'linear3', 'linear7', 'squared', 'exp'] as const;
export type ScalingName = (typeof SCALINGS)[number];

export function isScaling(value: unknown): value is ScalingName {
  return typeof value === 'string' && (SCALINGS as readonly string[]).includes(value);
}

/** One operator and its true resource profile (one segment, as in every Eudoxia trace). */
export interface OperatorSpec {
  /** Name inside its pipeline, e.g. `op3`. */
  id: string;
  /** Names of parent operators; each appears earlier in the pipeline. */
  parents: string[];
  baselineCpuSeconds: number;
  cpuScaling: ScalingName;
  /** Fixed memory in GB, or null when memory grows with the bytes read. */
  memoryGb: number | null;
  storageReadGb: number;
}

export interface PipelineSpec {
  id: string;
  arrivalSeconds: number;
  priority: Priority;
  operators: OperatorSpec[];
}

export interface Trace {
  pipelines: PipelineSpec[];
}
