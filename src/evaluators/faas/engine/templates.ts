// Per-pipeline layout computed once per trace: Eudoxia's operator order (breadth-first from the
// roots, a child queued once all its parents were visited) and each operator's parents as indices
// into that order. Cached by spec object, so repeated simulations of a trace (baselines,
// benchmarks) skip the work.
import type { OperatorSpec, PipelineSpec } from '../model/types';

export interface PipelineTemplate {
  /** Operators in execution (topological) order. */
  specs: readonly OperatorSpec[];
  /** Parents of each operator, as indices into `specs`. */
  parents: readonly (readonly number[])[];
}

const NONE: readonly number[] = Object.freeze([]);
const cache = new WeakMap<readonly PipelineSpec[], PipelineTemplate[]>();

/** Templates of a trace's pipelines, in trace order (computed once per pipeline list). */
export function templatesOf(pipelines: readonly PipelineSpec[]): PipelineTemplate[] {
  let t = cache.get(pipelines);
  if (!t) {
    t = pipelines.map(build);
    cache.set(pipelines, t);
  }
  return t;
}

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
