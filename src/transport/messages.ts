// Message bodies that cross the broker, their JSON encoding and the checks a receiver makes before
// trusting one. JSON has no NaN or Infinity, and failed evaluations score NaN, so non-finite numbers
// travel as `{ "$nonfinite": "NaN" }`.
import { createHash } from 'node:crypto';
import type { EvalResult, EvaluationTask, GenerationRequest, GenerationResult, JsonValue, TokenUsage } from '../core/types';
import { scrubValue } from '../core/secrets';

export const MESSAGE_VERSION = 1;

export const MessageType = {
  evaluate: 'pe.evaluate',
  generate: 'pe.generate',
  evaluation: 'pe.evaluation-result',
  generation: 'pe.generation-result',
} as const;

export interface WorkerIdentity {
  id: string;
  host: string;
}

export interface EvaluateTaskBody {
  version: number;
  key: string;
  /** Differs for every publication of the same key, so cancelling one does not cancel a later resubmission. */
  publication: string;
  task: EvaluationTask;
  /** The coordinator's folder for relative paths in evaluator options; used when it exists on the worker's machine. */
  baseDir?: string;
}

export interface GenerateTaskBody {
  version: number;
  key: string;
  publication: string;
  request: GenerationRequest;
  generator: { id: string; options: { [key: string]: JsonValue } };
}

export interface EvaluationReplyBody {
  version: number;
  key: string;
  runId: string;
  candidateId: string;
  result: EvalResult;
  worker: WorkerIdentity;
  /** 1 for the first delivery of the task. */
  attempt: number;
  durationMs: number;
}

export interface GenerationFailure {
  message: string;
  /** Repeats on every call until a person changes something (bad key, exhausted quota): the run stops. */
  fatal: boolean;
  source?: string;
  exchanges?: GenerationResult['exchanges'];
}

export interface GenerationReplyBody {
  version: number;
  key: string;
  runId: string;
  index: number;
  outcome: { ok: true; result: GenerationResult } | { ok: false; error: GenerationFailure };
  /** Model calls made for this request, journaled by the coordinator. */
  usage: TokenUsage[];
  worker: WorkerIdentity;
  attempt: number;
  durationMs: number;
}

/** Every message leaving a process is scrubbed of the secrets that process knows (a worker's own key or broker password). */
export function encodeBody(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(scrubValue(value), (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? { $nonfinite: String(v) } : v)));
}

export function decodeBody(content: Buffer): unknown {
  return JSON.parse(content.toString('utf8'), (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      const tag = (v as { $nonfinite?: unknown }).$nonfinite;
      if (keys.length === 1 && typeof tag === 'string') return tag === 'Infinity' ? Infinity : tag === '-Infinity' ? -Infinity : NaN;
    }
    return v;
  });
}

const digest = (parts: unknown[]): string => createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 40);

/**
 * Idempotency key of an evaluation: the same run, candidate, code and workload set always give the
 * same key, so a result delivered twice (or computed twice after a redelivery) is recorded once.
 */
export function evaluationKey(task: EvaluationTask): string {
  return digest(['evaluate', task.runId, task.candidate.id, task.candidate.hash, task.workloads.map((w) => w.id).sort(), task.evaluator.id, task.evaluator.options]);
}

/** The generator configuration and parent code are part of the key: a different ask is a different task. */
export function generationKey(request: GenerationRequest, generator: { id: string; options: JsonValue }): string {
  return digest(['generate', request.runId, request.index, request.seed, request.parent.id, digest([request.parent.code]), generator.id, generator.options, request.patchMode]);
}

// ---------- validation ----------

export class MalformedMessage extends Error {}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function need(cond: boolean, what: string): asserts cond {
  if (!cond) throw new MalformedMessage(what);
}

function checkVersion(body: Obj): void {
  need(typeof body.version === 'number', 'no message version');
  if (body.version !== MESSAGE_VERSION) throw new MalformedMessage(`message version ${String(body.version)} (this worker speaks version ${MESSAGE_VERSION}; run the same policy-evolver version everywhere)`);
}

const isNumberRecord = (v: unknown): boolean => isObj(v) && Object.values(v).every((x) => typeof x === 'number');

export function parseEvaluateTask(raw: unknown): EvaluateTaskBody {
  need(isObj(raw), 'task is not an object');
  checkVersion(raw);
  need(typeof raw.key === 'string' && typeof raw.publication === 'string', 'task has no key or publication id');
  const task = raw.task;
  need(isObj(task) && typeof task.runId === 'string', 'task has no run id');
  const c = task.candidate;
  need(isObj(c) && typeof c.id === 'string' && typeof c.code === 'string' && typeof c.fileName === 'string' && typeof c.hash === 'string', 'task has no valid candidate');
  need(Array.isArray(task.workloads) && task.workloads.every((w) => isObj(w) && typeof w.id === 'string' && typeof w.split === 'string'), 'task has no valid workloads');
  const e = task.evaluator;
  need(isObj(e) && typeof e.id === 'string' && isObj(e.options), 'task has no valid evaluator spec');
  need(raw.baseDir === undefined || typeof raw.baseDir === 'string', 'task baseDir is not a string');
  return raw as unknown as EvaluateTaskBody;
}

export function parseGenerateTask(raw: unknown): GenerateTaskBody {
  need(isObj(raw), 'task is not an object');
  checkVersion(raw);
  need(typeof raw.key === 'string' && typeof raw.publication === 'string', 'task has no key or publication id');
  const r = raw.request;
  need(isObj(r) && typeof r.runId === 'string' && typeof r.index === 'number' && typeof r.seed === 'number', 'request has no run id, index or seed');
  need(typeof r.fileName === 'string' && typeof r.language === 'string' && typeof r.domain === 'string', 'request has no file name, language or domain');
  need(isObj(r.parent) && typeof (r.parent as Obj).code === 'string', 'request has no parent program');
  need(Array.isArray(r.inspirations) && Array.isArray(r.recentFailures) && Array.isArray(r.humanNotes), 'request lacks inspirations, failures or notes');
  const g = raw.generator;
  need(isObj(g) && typeof g.id === 'string' && isObj(g.options), 'task has no valid generator spec');
  return raw as unknown as GenerateTaskBody;
}

export function parseEvalResult(raw: unknown): EvalResult {
  need(isObj(raw), 'result is not an object');
  need(typeof raw.ok === 'boolean' && typeof raw.score === 'number', 'result has no ok flag or score');
  need(isNumberRecord(raw.metrics) && isNumberRecord(raw.features), 'result metrics or features are not numbers');
  need(Array.isArray(raw.perWorkload) && raw.perWorkload.every((w) => isObj(w) && typeof w.workloadId === 'string' && typeof w.ok === 'boolean' && typeof w.score === 'number'), 'result has no valid per-workload list');
  need(typeof raw.feedback === 'string', 'result has no feedback text');
  need(raw.error === undefined || typeof raw.error === 'string', 'result error is not text');
  need(raw.fingerprint === undefined || typeof raw.fingerprint === 'string', 'result fingerprint is not text');
  return raw as unknown as EvalResult;
}

function parseWorker(raw: unknown): WorkerIdentity {
  need(isObj(raw) && typeof raw.id === 'string' && typeof raw.host === 'string', 'reply has no worker identity');
  return { id: raw.id, host: raw.host };
}

export function parseEvaluationReply(raw: unknown): EvaluationReplyBody {
  need(isObj(raw), 'reply is not an object');
  checkVersion(raw);
  need(typeof raw.key === 'string' && typeof raw.runId === 'string' && typeof raw.candidateId === 'string', 'reply has no key, run or candidate');
  return {
    version: MESSAGE_VERSION,
    key: raw.key,
    runId: raw.runId,
    candidateId: raw.candidateId,
    result: parseEvalResult(raw.result),
    worker: parseWorker(raw.worker),
    attempt: typeof raw.attempt === 'number' ? raw.attempt : 1,
    durationMs: typeof raw.durationMs === 'number' ? raw.durationMs : 0,
  };
}

function parseUsage(raw: unknown): TokenUsage[] {
  need(Array.isArray(raw), 'reply usage is not a list');
  for (const u of raw) {
    need(isObj(u) && typeof u.provider === 'string' && typeof u.model === 'string', 'usage entry has no provider or model');
    need(['inputTokens', 'outputTokens', 'cachedInputTokens', 'costUsd'].every((k) => typeof u[k] === 'number'), 'usage entry has non-numeric counts');
  }
  return raw as TokenUsage[];
}

export function parseGenerationReply(raw: unknown): GenerationReplyBody {
  need(isObj(raw), 'reply is not an object');
  checkVersion(raw);
  need(typeof raw.key === 'string' && typeof raw.runId === 'string' && typeof raw.index === 'number', 'reply has no key, run or index');
  const o = raw.outcome;
  need(isObj(o) && typeof o.ok === 'boolean', 'reply has no outcome');
  if (o.ok) {
    const r = o.result;
    need(isObj(r) && isObj(r.patch) && typeof (r.patch as Obj).kind === 'string', 'generation result has no patch');
  } else {
    const e = o.error;
    need(isObj(e) && typeof e.message === 'string' && typeof e.fatal === 'boolean', 'generation failure has no message');
  }
  return {
    version: MESSAGE_VERSION,
    key: raw.key,
    runId: raw.runId,
    index: raw.index,
    outcome: o as GenerationReplyBody['outcome'],
    usage: parseUsage(raw.usage ?? []),
    worker: parseWorker(raw.worker),
    attempt: typeof raw.attempt === 'number' ? raw.attempt : 1,
    durationMs: typeof raw.durationMs === 'number' ? raw.durationMs : 0,
  };
}

export function failedEvaluation(error: string, feedback = ''): EvalResult {
  return { ok: false, score: Number.NaN, metrics: {}, features: {}, perWorkload: [], feedback, error };
}
