// Per-pipeline layout computed once per trace: Eudoxia's operator order (breadth-first from the
// roots, a child queued once all its parents were visited) and each operator's parents as indices
// into that order; and where each pipeline id sits in the trace. Cached by spec object, so repeated simulations of a trace (baselines,
// benchmarks) skip the work.
import { PRIORITIES, priorityIndex, SCALINGS, type OperatorSpec, type PipelineSpec, type Priority, type ScalingName } from '../model/types';

export interface PipelineTemplate {
  /** Operators in execution (topological) order. */
  specs: readonly OperatorSpec[];
  /** Parents of each operator, as indices into `specs`. */
  parents: readonly (readonly number[])[];
}

/**
 * The numbers of every operator of a trace, in trace order and each pipeline's execution order:
 * the simulator numbers operators the same way, so operator `g` of a run is entry `g` here. Read
 * for every operator of every container and every memory check, they are kept contiguous instead
 * of in the parsed operator objects, which lie scattered in memory (their loads showed as a tenth
 * of the time spent laying out containers).
 */
export interface OperatorColumns {
  /** 1 when the operator has a fixed memory size (memory_gb), 0 when its memory grows with reads. */
  fixedMemory: Uint8Array;
  /** The fixed memory size, where there is one. */
  memoryGb: Float64Array;
  storageReadGb: Float64Array;
  baselineCpuSeconds: Float64Array;
  /**
   * CPU scaling as the shared string constants: a parsed trace holds copies of the names, and
   * comparing a copy with each case of the scaling switch compares characters.
   */
  scaling: readonly ScalingName[];
  /** Parents of operator `g`, as operator numbers: parents[parentStart[g]] up to parents[parentStart[g + 1]]. */
  parentStart: Int32Array;
  parents: Int32Array;
}

const NONE: readonly number[] = Object.freeze([]);

/** `compute` memoised per pipeline list: a trace is simulated many times, its derived tables built once. */
function perTrace<T>(compute: (pipelines: readonly PipelineSpec[]) => T): (pipelines: readonly PipelineSpec[]) => T {
  const memo = new WeakMap<readonly PipelineSpec[], { value: T }>();
  return (pipelines) => {
    let entry = memo.get(pipelines);
    if (entry === undefined) {
      entry = { value: compute(pipelines) };
      memo.set(pipelines, entry);
    }
    return entry.value;
  };
}

/** Templates of a trace's pipelines, in trace order (computed once per pipeline list). */
export const templatesOf: (pipelines: readonly PipelineSpec[]) => PipelineTemplate[] = perTrace((pipelines) => pipelines.map(build));

/**
 * The same string, internalized: V8 keeps property names unique, so it hands back its own copy.
 * Two different internalized strings compare unequal without reading their characters, which
 * matters for ids: the policies' maps and the simulator's index are keyed by them, and ids of one
 * length ("p1042", "p1043") otherwise compare character by character along each hash chain.
 */
function internalized(s: string): string {
  return Object.keys({ [s]: 0 })[0] ?? s;
}

/** Each pipeline's id as the simulator hands it out (internalized), computed once per pipeline list. */
export const pipelineIdsOf: (pipelines: readonly PipelineSpec[]) => readonly string[] = perTrace((pipelines) => pipelines.map((p) => internalized(p.id)));

/**
 * Each pipeline's priority as an index into PRIORITIES, computed once per pipeline list: the parsed
 * names are copies, and comparing a copy with the constants reads its characters at every delivery.
 */
export const priorityIndexesOf: (pipelines: readonly PipelineSpec[]) => Uint8Array = perTrace((pipelines) => Uint8Array.from(pipelines, (p) => priorityIndex(p.priority)));

/** Each pipeline's priority name: the shared constant, or the trace's own string should it be no known name. */
export const priorityNamesOf: (pipelines: readonly PipelineSpec[]) => readonly Priority[] = perTrace((pipelines) =>
  pipelines.map((p) => {
    const shared = PRIORITIES[priorityIndex(p.priority)] as Priority;
    return shared === p.priority ? shared : p.priority;
  }),
);

/**
 * Each pipeline id's position in the trace, computed once per pipeline list (a map filled during
 * every simulation cost more than the lookups it served); null when an id repeats, for which the
 * simulator keeps its own map of the latest pipeline delivered under each id.
 */
export const pipelineIndexOf: (pipelines: readonly PipelineSpec[]) => ReadonlyMap<string, number> | null = perTrace((pipelines) => {
  const ids = pipelineIdsOf(pipelines);
  const byId = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) byId.set(ids[i] as string, i);
  return byId.size === ids.length ? byId : null;
});

/**
 * How many operators the pipelines before each position hold (one entry more than pipelines),
 * computed once per pipeline list: the simulator sizes its operator table from it.
 */
export const operatorsBefore: (pipelines: readonly PipelineSpec[]) => Float64Array = perTrace((pipelines) => {
  const counts = new Float64Array(pipelines.length + 1);
  for (let i = 0; i < pipelines.length; i++) counts[i + 1] = (counts[i] as number) + (pipelines[i] as PipelineSpec).operators.length;
  return counts;
});

/** The operator columns of a trace, computed once per pipeline list. */
export const operatorColumnsOf: (pipelines: readonly PipelineSpec[]) => OperatorColumns = perTrace((pipelines) => {
  const templates = templatesOf(pipelines);
  const n = operatorsBefore(pipelines)[pipelines.length] as number;
  const fixedMemory = new Uint8Array(n);
  const memoryGb = new Float64Array(n);
  const storageReadGb = new Float64Array(n);
  const baselineCpuSeconds = new Float64Array(n);
  const scaling: ScalingName[] = [];
  const parentStart = new Int32Array(n + 1);
  const parentList: number[] = [];
  let g = 0;
  for (const template of templates) {
    const first = g;
    for (let local = 0; local < template.specs.length; local++) {
      const op = template.specs[local] as OperatorSpec;
      parentStart[g] = parentList.length;
      for (const parent of template.parents[local] as readonly number[]) parentList.push(first + parent);
      if (op.memoryGb !== null) {
        fixedMemory[g] = 1;
        memoryGb[g] = op.memoryGb;
      }
      storageReadGb[g] = op.storageReadGb;
      baselineCpuSeconds[g] = op.baselineCpuSeconds;
      scaling.push(SCALINGS.find((name) => name === op.cpuScaling) ?? op.cpuScaling);
      g++;
    }
  }
  parentStart[n] = parentList.length;
  return { fixedMemory, memoryGb, storageReadGb, baselineCpuSeconds, scaling, parentStart, parents: Int32Array.from(parentList) };
});

/** Shared frozen `[k]` parent lists, so chains need no per-operator arrays. */
const SINGLE: (readonly number[])[] = [];

function single(k: number): readonly number[] {
  return (SINGLE[k] ??= Object.freeze([k]));
}

function build(spec: PipelineSpec): PipelineTemplate {
  const ops = spec.operators;
  const n = ops.length;
  // Fast path for the common linear chain op1 <- op2 <- ... listed in order.
  let chain = n > 0 && (ops[0] as OperatorSpec).parents.length === 0;
  for (let i = 1; chain && i < n; i++) {
    const parents = (ops[i] as OperatorSpec).parents;
    chain = parents.length === 1 && parents[0] === (ops[i - 1] as OperatorSpec).id;
  }
  if (chain) {
    const parents: (readonly number[])[] = [];
    for (let i = 0; i < n; i++) parents.push(i === 0 ? NONE : single(i - 1));
    return { specs: ops, parents };
  }
  const position = new Map<string, number>();
  ops.forEach((op, i) => position.set(op.id, i));
  const children: number[][] = ops.map(() => []);
  const remaining = new Int32Array(n);
  const queue: number[] = [];
  ops.forEach((op, i) => {
    remaining[i] = op.parents.length;
    for (const name of op.parents) (children[position.get(name) as number] as number[]).push(i);
    if (op.parents.length === 0) queue.push(i);
  });
  for (let h = 0; h < queue.length; h++) {
    for (const child of children[queue[h] as number] as number[]) if (--(remaining[child] as number) === 0) queue.push(child);
  }
  const order = new Int32Array(n);
  queue.forEach((original, i) => (order[original] = i));
  const specs = queue.map((i) => ops[i] as OperatorSpec);
  const parents = specs.map((op) => (op.parents.length === 0 ? NONE : op.parents.length === 1 ? single(order[position.get(op.parents[0] as string) as number] as number) : Object.freeze(op.parents.map((name) => order[position.get(name) as number] as number))));
  return { specs, parents };
}
