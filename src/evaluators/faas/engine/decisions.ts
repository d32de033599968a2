// Turns whatever a policy returned into validated suspensions and assignments. Each rule broken
// is reported by name and the offending item is dropped; output that is not a decision at all
// aborts the run (the policy is broken, not merely wrong).
import type { DecisionRule, Priority } from '../policy-api';
import { isPriority } from '../model/types';
import { C_ACTIVE, OP_COMPLETED, OP_FAILED, OP_PENDING, PIPE_ACTIVE, type ContRec, type OpTable, type PoolRec } from './records';
import { clearList } from './lists';
import { opId, opStateName, operatorNumber } from './views';

export interface DecisionError {
  rule: DecisionRule;
  tick: number;
  message: string;
}

export interface ValidAssignment {
  /**
   * Its operator numbers, in execution order, are scratch.ops[opsAt .. opsAt + size - 1] of the
   * call that validated it (valid until the next call).
   */
  opsAt: number;
  size: number;
  cpu: number;
  ram: number;
  pool: PoolRec;
  priority: Priority;
}

export interface ValidSuspension {
  container: ContRec;
}

export interface ValidDecision {
  /** Per pool, in the order given. */
  suspensions: ValidSuspension[][];
  assignments: ValidAssignment[][];
  count: number;
}

/** A policy's output is not a decision object at all. */
export class MalformedDecision extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedDecision';
  }
}

export interface DecisionContext {
  now: number;
  ops: OpTable;
  /** Counter for marking operators claimed by an assignment or a step (no allocation per check). */
  stamp: number;
  pools: readonly PoolRec[];
  multiOperatorContainers: boolean;
  allowMemoryOvercommit: boolean;
  /** Operator number for an id, or undefined. */
  findOperator(id: string): number | undefined;
  findContainer(id: string): ContRec | undefined;
  reject(error: DecisionError): void;
  /**
   * Lists reused from step to step (made by decisionScratch): the decision validateDecision
   * returns is overwritten by the next call, so it must be applied before then. A policy is called
   * thousands of times per run and fresh per-pool lists each time were a visible share of the
   * garbage.
   */
  scratch: DecisionScratch;
}

export interface DecisionScratch {
  decision: ValidDecision;
  cpuTaken: number[];
  ramTaken: number[];
  /** Assignment records handed out by the current call (the first `used`), kept for the next. */
  records: ValidAssignment[];
  used: number;
  /**
   * The operator numbers of the current call's assignments (the first `opsUsed`): the simulator
   * copies them into its container column, so no list per assignment is made.
   */
  ops: Int32Array;
  opsUsed: number;
}

export function decisionScratch(pools: number): DecisionScratch {
  const decision: ValidDecision = { suspensions: [], assignments: [], count: 0 };
  for (let i = 0; i < pools; i++) {
    decision.suspensions.push([]);
    decision.assignments.push([]);
  }
  return { decision, cpuTaken: new Array<number>(pools).fill(0), ramTaken: new Array<number>(pools).fill(0), records: [], used: 0, ops: new Int32Array(256), opsUsed: 0 };
}

const MAX_ITEMS = 1_000_000;

const NOTHING: ValidDecision = Object.freeze({ suspensions: [], assignments: [], count: 0 }) as ValidDecision;

export function validateDecision(raw: unknown, ctx: DecisionContext): ValidDecision {
  if (raw === undefined || raw === null) {
    throw new MalformedDecision(`step returned ${String(raw)}; return { suspensions: [], assignments: [] } when there is nothing to do`);
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new MalformedDecision(`step must return an object { suspensions, assignments }, got ${describe(raw)}`);
  }
  const suspensions = readList(raw, 'suspensions');
  const assignments = readList(raw, 'assignments');
  if (suspensions.length === 0 && assignments.length === 0) return NOTHING;
  const scratch = ctx.scratch;
  const out = scratch.decision;
  for (let i = 0; i < ctx.pools.length; i++) {
    clearList(out.suspensions[i] as ValidSuspension[]);
    clearList(out.assignments[i] as ValidAssignment[]);
  }
  out.count = 0;

  const suspendedNow = suspensions.length > 1 ? new Set<ContRec>() : null;
  for (let i = 0; i < suspensions.length; i++) {
    const s = validateSuspension(suspensions[i], i, ctx, suspendedNow);
    if (s) {
      suspendedNow?.add(s.container);
      (out.suspensions[s.container.pool.id] as ValidSuspension[]).push(s);
      out.count++;
    }
  }

  if (assignments.length === 0) return out;
  const cpuTaken = scratch.cpuTaken;
  const ramTaken = scratch.ramTaken;
  for (let i = 0; i < cpuTaken.length; i++) {
    cpuTaken[i] = 0;
    ramTaken[i] = 0;
  }
  const stepStamp = ++ctx.stamp;
  scratch.used = 0;
  scratch.opsUsed = 0;
  for (let i = 0; i < assignments.length; i++) {
    const a = validateAssignment(assignments[i], i, ctx, stepStamp, cpuTaken, ramTaken);
    if (a) {
      (out.assignments[a.pool.id] as ValidAssignment[]).push(a);
      out.count++;
    }
  }
  return out;
}

const NO_ITEMS: readonly unknown[] = Object.freeze([]);

function readList(raw: object, key: 'suspensions' | 'assignments'): readonly unknown[] {
  const value: unknown = (raw as Record<string, unknown>)[key];
  if (value === undefined || value === null) return NO_ITEMS;
  if (!Array.isArray(value)) throw new MalformedDecision(`'${key}' must be an array, got ${describe(value)}`);
  if (value.length > MAX_ITEMS) throw new MalformedDecision(`'${key}' has ${value.length} entries; at most ${MAX_ITEMS} per step`);
  return value.length === 0 ? NO_ITEMS : Array.from(value as unknown[]);
}

function validateSuspension(item: unknown, index: number, ctx: DecisionContext, seen: Set<ContRec> | null): ValidSuspension | undefined {
  if (typeof item !== 'object' || item === null) return fail(ctx, 'malformed-decision', `${itemName('suspensions', index)} must be an object { containerId }, got ${describe(item)}`);
  const record = item as Record<string, unknown>;
  const containerId = record['containerId'];
  const poolId = record['poolId'];
  if (typeof containerId !== 'string') return fail(ctx, 'malformed-decision', `${itemName('suspensions', index)}.containerId must be a string, got ${describe(containerId)}`);
  const c = ctx.findContainer(containerId);
  if (!c) return fail(ctx, 'unknown-container', `${itemName('suspensions', index)}: no running container '${containerId}'`);
  if (poolId !== undefined && poolId !== c.pool.id) {
    if (typeof poolId !== 'number' || !ctx.pools[poolId]) return fail(ctx, 'unknown-pool', `${itemName('suspensions', index)}: pool ${describe(poolId)} does not exist`);
    return fail(ctx, 'unknown-container', `${itemName('suspensions', index)}: container '${containerId}' runs in pool ${c.pool.id}, not pool ${poolId}`);
  }
  if (seen?.has(c)) return fail(ctx, 'not-suspendable', `${itemName('suspensions', index)}: container '${containerId}' is already being suspended in this step`);
  if (c.status !== C_ACTIVE) return fail(ctx, 'not-suspendable', `${itemName('suspensions', index)}: container '${containerId}' is not running`);
  if (c.canSuspendAt !== ctx.now) {
    return fail(ctx, 'not-suspendable', `${itemName('suspensions', index)}: container '${containerId}' is not at an operator boundary (suspend only when canSuspend is true, in the call right after an operator finishes)`);
  }
  return { container: c };
}

function validateAssignment(
  item: unknown,
  index: number,
  ctx: DecisionContext,
  stepStamp: number,
  cpuTaken: number[],
  ramTaken: number[],
): ValidAssignment | undefined {
  if (typeof item !== 'object' || item === null) return fail(ctx, 'malformed-decision', `${itemName('assignments', index)} must be an object { operators, cpu, ram, poolId }, got ${describe(item)}`);
  const record = item as Record<string, unknown>;
  const rawOps = record['operators'];
  const cpu = record['cpu'];
  const ram = record['ram'];
  const poolId = record['poolId'];
  const rawPriority = record['priority'];
  if (!Array.isArray(rawOps)) return fail(ctx, 'malformed-decision', `${itemName('assignments', index)}.operators must be an array of operator ids or views, got ${describe(rawOps)}`);
  if (typeof poolId !== 'number' || !Number.isInteger(poolId) || !ctx.pools[poolId]) return fail(ctx, 'unknown-pool', `${itemName('assignments', index)}: pool ${describe(poolId)} does not exist (pools are 0..${ctx.pools.length - 1})`);
  const pool = ctx.pools[poolId] as PoolRec;
  if (typeof cpu !== 'number' || !Number.isFinite(cpu) || cpu <= 0) return fail(ctx, 'invalid-resources', `${itemName('assignments', index)}: cpu must be a positive number, got ${describe(cpu)}`);
  if (typeof ram !== 'number' || !Number.isFinite(ram) || ram <= 0) return fail(ctx, 'invalid-resources', `${itemName('assignments', index)}: ram must be a positive number of GB, got ${describe(ram)}`);
  if (rawPriority !== undefined && !isPriority(rawPriority)) return fail(ctx, 'malformed-decision', `${itemName('assignments', index)}: priority must be QUERY, INTERACTIVE or BATCH_PIPELINE, got ${describe(rawPriority)}`);
  const opsList = rawOps as unknown[];
  if (opsList.length === 0) return fail(ctx, 'empty-assignment', `${itemName('assignments', index)} has no operators`);
  if (!ctx.multiOperatorContainers && opsList.length > 1) {
    return fail(ctx, 'multi-operator-disabled', `${itemName('assignments', index)} has ${opsList.length} operators but multi_operator_containers is false: one operator per container`);
  }
  const table = ctx.ops;
  const scratch = ctx.scratch;
  const at = scratch.opsUsed;
  const n = opsList.length;
  if (at + n > scratch.ops.length) {
    const grown = new Int32Array(Math.max(at + n, 2 * scratch.ops.length));
    grown.set(scratch.ops.subarray(0, at));
    scratch.ops = grown;
  }
  const ops = scratch.ops;
  const mine = ++ctx.stamp;
  for (let j = 0; j < opsList.length; j++) {
    const ref = opsList[j];
    const g = typeof ref === 'string' ? (ctx.findOperator(ref) ?? -1) : operatorNumber(ref, table);
    if (g < 0) return fail(ctx, 'unknown-operator', `${itemName('assignments', index)}.operators[${j}]: ${typeof ref === 'string' ? `no operator '${ref}'` : `expected an operator id or view, got ${describe(ref)}`}`);
    if (table.mark[g] === mine) return fail(ctx, 'operator-not-assignable', `${itemName('assignments', index)}: operator '${opId(table, g)}' is listed twice`);
    if (table.stepMark[g] === stepStamp) return fail(ctx, 'operator-not-assignable', `${itemName('assignments', index)}: operator '${opId(table, g)}' was already assigned earlier in this step`);
    const p = table.pipeOf(g);
    const state = table.state[g];
    if ((state !== OP_PENDING && state !== OP_FAILED) || p.status !== PIPE_ACTIVE) {
      const why = p.status !== PIPE_ACTIVE ? `its pipeline ${p.id} is no longer active` : `it is ${opStateName(table, g, ctx.now)} (only PENDING or FAILED operators can be assigned)`;
      return fail(ctx, 'operator-not-assignable', `${itemName('assignments', index)}: operator '${opId(table, g)}' cannot be assigned: ${why}`);
    }
    const { parentStart, parents } = table.columns;
    for (let k = parentStart[g] as number, end = parentStart[g + 1] as number; k < end; k++) {
      const parent = parents[k] as number;
      if (table.state[parent] !== OP_COMPLETED && table.mark[parent] !== mine) {
        return fail(ctx, 'parent-not-done', `${itemName('assignments', index)}: operator '${opId(table, g)}' needs parent '${opId(table, parent)}' (${opStateName(table, parent, ctx.now)}) to be COMPLETED or earlier in the same container`);
      }
    }
    table.mark[g] = mine;
    ops[at + j] = g;
  }
  const cpuAfter = (cpuTaken[poolId] as number) + cpu;
  if (cpuAfter > pool.availCpu) {
    return fail(ctx, 'over-capacity', `${itemName('assignments', index)}: pool ${poolId} has ${pool.availCpu - (cpuTaken[poolId] as number)} CPUs left in this step, the assignment asks ${cpu}`);
  }
  const ramAfter = (ramTaken[poolId] as number) + ram;
  if (!ctx.allowMemoryOvercommit && ramAfter > pool.availRam) {
    return fail(ctx, 'over-capacity', `${itemName('assignments', index)}: pool ${poolId} has ${pool.availRam - (ramTaken[poolId] as number)} GB of RAM left in this step, the assignment asks ${ram} (allow_memory_overcommit is false)`);
  }
  cpuTaken[poolId] = cpuAfter;
  ramTaken[poolId] = ramAfter;
  // Eudoxia marks operators ASSIGNED as soon as the assignment exists, so a later assignment in
  // the same step cannot reuse them.
  for (let j = 0; j < n; j++) table.stepMark[ops[at + j] as number] = stepStamp;
  scratch.opsUsed = at + n;
  return assignmentRecord(scratch, at, n, cpu, ram, pool, (rawPriority as Priority | undefined) ?? table.pipeOf(ops[at] as number).priority);
}

/** A reused record for a valid assignment: the simulator applies a decision before it asks for the next. */
function assignmentRecord(scratch: DecisionScratch, opsAt: number, size: number, cpu: number, ram: number, pool: PoolRec, priority: Priority): ValidAssignment {
  const a = scratch.records[scratch.used++];
  if (a === undefined) {
    const fresh = { opsAt, size, cpu, ram, pool, priority };
    scratch.records.push(fresh);
    return fresh;
  }
  a.opsAt = opsAt;
  a.size = size;
  a.cpu = cpu;
  a.ram = ram;
  a.pool = pool;
  a.priority = priority;
  return a;
}

/** `assignments[3]`: built only for a message, as most decisions are valid. */
function itemName(list: 'suspensions' | 'assignments', index: number): string {
  return `${list}[${index}]`;
}

function fail(ctx: DecisionContext, rule: DecisionRule, message: string): undefined {
  ctx.reject({ rule, tick: ctx.now, message });
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'function':
      return 'a function';
    default:
      return typeof value === 'object' ? 'an object' : typeof value;
  }
}
