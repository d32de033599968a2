// Shape checks for journal events read back from disk. A journal is user-reachable data (edited,
// merged, cut by a crash, written by an older version), so every field the run state folds over is
// checked here; an event that fails is skipped with its line named instead of crashing the replay.
import type { JournalEvent } from './journal-events';

type Check = (v: unknown) => boolean;

const str: Check = (v) => typeof v === 'string';
const num: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const int: Check = (v) => Number.isInteger(v) && (v as number) >= 0;
const bool: Check = (v) => typeof v === 'boolean';
const obj: Check = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr: Check = (v) => Array.isArray(v);
const hash: Check = (v) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
const strings: Check = (v) => Array.isArray(v) && v.every((x) => typeof x === 'string');
const nullableNum: Check = (v) => v === null || num(v);
const oneOf =
  (...values: string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v);
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined || check(v);
const shape =
  (fields: Record<string, Check>): Check =>
  (v) =>
    obj(v) && Object.entries(fields).every(([k, check]) => check((v as Record<string, unknown>)[k]));

const spec = shape({ id: str, options: obj });
const config = shape({
  file: str,
  fileName: str,
  evaluator: spec,
  generator: spec,
  seed: num,
  islands: (v) => int(v) && (v as number) >= 1,
  generationConcurrency: num,
  evaluationConcurrency: num,
  budget: obj,
  cascade: shape({ enabled: bool, cheapCount: num, margin: num }),
  aggregation: shape({ kind: str }),
  searchReplaceRatio: num,
  migrationInterval: num,
  eliteSize: num,
  exploitation: num,
  inspirations: num,
});
const evalSummary = shape({ ok: bool, score: nullableNum, metrics: obj, features: obj, perWorkload: arr });
const exchanges = optional((v) => Array.isArray(v) && v.every(shape({ model: str, promptHash: hash, responseHash: hash })));

const EVENTS: Record<JournalEvent['type'], Record<string, Check>> = {
  'run-started': { runId: str, config, sourceHash: hash, features: arr, domain: str, objectives: optional(arr) },
  'run-resumed': { budget: obj },
  proposed: { index: int, id: str, island: int, parentIds: strings, sourceHash: hash, codeHash: str, generator: str, explanation: optional(str), exchanges },
  'proposal-failed': { index: int, island: int, parentIds: strings, stage: str, error: str, exchanges },
  evaluated: { id: str, index: int, result: evalSummary, admitted: optional(bool), improvement: optional(bool), duplicateOf: optional(str) },
  validated: { id: str, score: nullableNum, perWorkload: arr },
  'llm-call': { costUsd: num, inputTokens: num, outputTokens: num, cachedInputTokens: num },
  'generator-state': { state: (v) => v !== undefined },
  decision: { id: str, decision: oneOf('accepted', 'rejected', 'unrejected'), note: optional(str) },
  'run-ended': { reason: str, bestId: str, error: optional(str) },
};

/** Why `value` is not a journal event this version can replay, or undefined when it is one. */
export function eventProblem(value: unknown): string | undefined {
  if (!obj(value)) return 'not an event object';
  const e = value as Record<string, unknown>;
  if (typeof e.type !== 'string') return 'the event has no type';
  if (!Object.hasOwn(EVENTS, e.type)) return `unknown event type '${e.type.slice(0, 40)}'`;
  if (e.seq !== undefined && !int(e.seq)) return `'${e.type}' event has an invalid id (seq)`;
  const fields = EVENTS[e.type as JournalEvent['type']];
  for (const [key, check] of Object.entries(fields)) {
    if (!check(e[key])) return `'${e.type}' event has ${e[key] === undefined ? 'no' : 'an invalid'} '${key}'`;
  }
  return undefined;
}
