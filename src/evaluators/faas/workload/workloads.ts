// Workloads as the engine ships them: self-contained JSON (a generator profile and seed, the CSV
// text itself, or a trace the sender already read, plus the parameters), so a remote worker can
// rebuild the trace without the run's files. Also the default evaluation set, split into search, validation and holdout traces
// with distinct seeds.
import type { JsonValue, Workload, WorkloadSplit } from '../../../core/types';
import { paramsFromObject } from '../io/params-file';
import { parseTraceCsv } from '../io/trace-csv';
import { traceFromJson } from '../io/trace-json';
import type { SimParams } from '../model/params';
import type { Trace } from '../model/types';
import { generateTrace, isProfile, type ProfileName } from './generator';

export type TraceSource = { profile: ProfileName; seed: number } | { csv: string; name: string } | { read: Trace; name: string };

export interface FaasWorkloadData {
  trace: TraceSource;
  /** Eudoxia parameter keys; missing keys take Eudoxia's defaults. */
  params: { [key: string]: JsonValue };
  /** Human-readable description for feedback. */
  label: string;
}

export interface LoadedWorkload {
  trace: Trace;
  params: SimParams;
  label: string;
}

export function parseWorkloadData(data: JsonValue | undefined, where = 'workload'): FaasWorkloadData {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error(`${where}: data must be an object { trace, params }`);
  const trace = data['trace'];
  const params = data['params'];
  const label = data['label'];
  if (typeof trace !== 'object' || trace === null || Array.isArray(trace)) throw new Error(`${where}: data.trace must be { profile, seed }, { csv, name } or { pipelines, name }`);
  let source: TraceSource;
  const name = typeof trace['name'] === 'string' ? trace['name'] : 'trace.csv';
  if (typeof trace['csv'] === 'string') {
    source = { csv: trace['csv'], name };
  } else if (trace['pipelines'] !== undefined) {
    source = { read: traceFromJson(trace['pipelines'], where), name };
  } else if (isProfile(trace['profile']) && typeof trace['seed'] === 'number' && Number.isInteger(trace['seed'])) {
    source = { profile: trace['profile'], seed: trace['seed'] };
  } else {
    throw new Error(`${where}: data.trace must be { profile: eudoxia|poisson|bursty|diurnal, seed: integer }, { csv: text, name } or { pipelines, name }`);
  }
  if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) throw new Error(`${where}: data.params must be an object of Eudoxia keys`);
  return { trace: source, params: (params as { [key: string]: JsonValue } | undefined) ?? {}, label: typeof label === 'string' ? label : describeSource(source) };
}

export function loadWorkload(data: FaasWorkloadData): LoadedWorkload {
  const params = paramsFromObject(data.params, `parameters of ${data.label}`);
  const source = data.trace;
  const trace = 'read' in source ? source.read : 'csv' in source ? parseTraceCsv(source.csv, source.name) : generateTrace(params, source.profile, { seed: source.seed });
  return { trace, params, label: data.label };
}

function describeSource(s: TraceSource): string {
  return 'name' in s ? s.name : `${s.profile} trace, seed ${s.seed}`;
}

/**
 * The seed paper's default scenario: 600 s at 1000 ticks/s on one pool of 64 CPUs and 500 GB,
 * batches of 10 pipelines of ~10 operators every ~10 s, one operator per container.
 */
export const SEED_PAPER_PARAMS: Readonly<{ [key: string]: JsonValue }> = Object.freeze({
  duration: 600,
  ticks_per_second: 1000,
  num_pools: 1,
  cpus_per_pool: 64,
  ram_gb_per_pool: 500,
  num_pipelines: 10,
  num_operators: 10,
  waiting_seconds_mean: 10,
  multi_operator_containers: false,
  interactive_prob: 0.3,
  query_prob: 0.1,
  batch_prob: 0.6,
});

interface SetEntry {
  split: WorkloadSplit;
  profile: ProfileName;
  /** Multiplies the arrival load (pipelines per batch). */
  load: number;
  seed: number;
  cheap?: boolean;
}

// Distinct seeds per split (1xxx search, 2xxx validation, 3xxx holdout), so a policy tuned on the
// search traces is judged on traces it never saw. Every split mixes Eudoxia's degenerate workload
// with realistic ones, from light load to the seed paper's full (heavily overloaded) scenario.
const DEFAULT_SET: readonly SetEntry[] = [
  { split: 'search', profile: 'eudoxia', load: 0.1, seed: 1001, cheap: true },
  { split: 'search', profile: 'eudoxia', load: 0.3, seed: 1002 },
  { split: 'search', profile: 'eudoxia', load: 1, seed: 1003 },
  { split: 'search', profile: 'poisson', load: 0.2, seed: 1004, cheap: true },
  { split: 'search', profile: 'bursty', load: 0.3, seed: 1005 },
  { split: 'search', profile: 'diurnal', load: 0.2, seed: 1006 },
  { split: 'validation', profile: 'eudoxia', load: 0.2, seed: 2001 },
  { split: 'validation', profile: 'eudoxia', load: 0.5, seed: 2002 },
  { split: 'validation', profile: 'poisson', load: 0.3, seed: 2003 },
  { split: 'holdout', profile: 'eudoxia', load: 0.3, seed: 3001 },
  { split: 'holdout', profile: 'eudoxia', load: 1, seed: 3002 },
  { split: 'holdout', profile: 'bursty', load: 0.2, seed: 3003 },
  { split: 'holdout', profile: 'diurnal', load: 0.3, seed: 3004 },
];

/** The default evaluation set, built on the seed paper's scenario (or on `base` parameters when given). */
export function defaultWorkloads(base: { [key: string]: JsonValue } = SEED_PAPER_PARAMS): Workload[] {
  const pipelines = typeof base['num_pipelines'] === 'number' ? base['num_pipelines'] : 10;
  return DEFAULT_SET.map((e) => {
    const perBatch = Math.max(1, Math.round(pipelines * e.load));
    const params = { ...base, num_pipelines: perBatch, random_seed: e.seed };
    const label = `${e.profile} arrivals at ${e.load}x load (${perBatch} pipelines per ${String(base['waiting_seconds_mean'] ?? 10)} s), seed ${e.seed}`;
    const data: FaasWorkloadData = { trace: { profile: e.profile, seed: e.seed }, params, label };
    const workload: Workload = { id: `${e.split}/${e.profile}-x${e.load}-s${e.seed}`, split: e.split, data: data as unknown as JsonValue };
    if (e.cheap) workload.cheap = true;
    return workload;
  });
}

/** Workloads from user trace files (CSV text inlined): roughly 60% search, 20% validation, 20% holdout. */
export function traceWorkloads(traces: { name: string; csv: string }[], params: { [key: string]: JsonValue }): Workload[] {
  const n = traces.length;
  const validation = n >= 3 ? Math.max(1, Math.round(n * 0.2)) : 0;
  const holdout = n >= 3 ? Math.max(1, Math.round(n * 0.2)) : n === 2 ? 1 : 0;
  const search = n - validation - holdout;
  return traces.map((t, i) => {
    const split: WorkloadSplit = i < search ? 'search' : i < search + validation ? 'validation' : 'holdout';
    const data: FaasWorkloadData = { trace: { csv: t.csv, name: t.name }, params, label: `trace ${t.name}` };
    return { id: `${split}/${t.name}`, split, data: data as unknown as JsonValue };
  });
}
