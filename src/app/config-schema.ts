// The schema of run settings: one description of every field (type, range, allowed names) that
// checks a run config file as written, and the resolved RunConfig whatever front end built it (CLI
// flags, a config file, editor settings). A bad value is one line naming the field and what it
// must be; an unknown key gets the closest known one as a "did you mean".
import type { RunConfig } from '../core/journal-events';
import { UserError } from '../core/user-error';

export type FieldRule =
  | { kind: 'int'; min: number; max: number; doc: string }
  | { kind: 'number'; min: number; max: number; exclusiveMin?: boolean; doc: string }
  | { kind: 'boolean'; doc: string }
  | { kind: 'enum'; values: readonly string[]; doc: string }
  | { kind: 'string'; doc: string }
  /** A list whose items all follow `item`. */
  | { kind: 'list'; item: FieldRule; maxItems: number; doc: string }
  /** A name, or `{ "id": name, "options": {...} }` (evaluator and generator). */
  | { kind: 'spec'; doc: string }
  /** `open`: keys beyond `fields` are someone else's to check (evaluator options). */
  | { kind: 'object'; fields: Record<string, FieldRule>; open?: boolean; doc: string };

export const AGGREGATIONS = ['mean', 'median', 'last', 'min', 'weighted'] as const;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

const BUDGET: Record<string, FieldRule> = {
  maxCandidates: { kind: 'int', min: 1, max: 10_000_000, doc: 'stop after this many candidates' },
  // About 31 years: beyond any run, and far inside what a timer can hold.
  maxWallSeconds: { kind: 'number', min: 0, exclusiveMin: true, max: 1e9, doc: 'stop after this many seconds' },
  maxCostUsd: { kind: 'number', min: 0, max: 1e7, doc: 'stop when LLM spend reaches this many dollars' },
  stagnation: { kind: 'int', min: 1, max: 10_000_000, doc: 'stop after this many candidates without a new best' },
  maxConsecutiveFailures: { kind: 'int', min: 0, max: 10_000_000, doc: 'stop, as failed, after this many proposals in a row fail before evaluation (0 = never)' },
};

const CASCADE: Record<string, FieldRule> = {
  enabled: { kind: 'boolean', doc: 'evaluate on a cheap subset first' },
  cheapCount: { kind: 'int', min: 1, max: 10_000, doc: 'workloads in the cheap subset' },
  margin: { kind: 'number', min: 0, max: 1e6, doc: 'how close to the island best a cheap score must be to continue' },
};

/** Fields shared by the config file and the resolved RunConfig, under the same name in both. */
const SHARED: Record<string, FieldRule> = {
  seed: { kind: 'int', min: 0, max: MAX_SAFE, doc: 'seed for every random choice' },
  islands: { kind: 'int', min: 1, max: 64, doc: 'population islands' },
  generationConcurrency: { kind: 'int', min: 1, max: 256, doc: 'generator calls at the same time' },
  budget: { kind: 'object', fields: BUDGET, doc: 'when the run stops' },
  cascade: { kind: 'object', fields: CASCADE, doc: 'cheap-subset evaluation first' },
  searchReplaceRatio: { kind: 'number', min: 0, max: 1, doc: 'share of SEARCH/REPLACE requests' },
  migrationInterval: { kind: 'int', min: 0, max: 10_000_000, doc: 'candidates between island migrations (0 = never)' },
  eliteSize: { kind: 'int', min: 1, max: 1000, doc: 'elite programs kept per island' },
  exploitation: { kind: 'number', min: 0, max: 1, doc: 'share of parents taken from the elite' },
  inspirations: { kind: 'int', min: 0, max: 16, doc: 'other programs shown with the parent' },
};

/** The keys a run config file (`--config evolve.json`, an editor file rule) may hold. */
export const CONFIG_FILE_SCHEMA: Record<string, FieldRule> = {
  evaluator: { kind: 'spec', doc: 'how candidates are scored' },
  generator: { kind: 'spec', doc: 'where candidates come from' },
  concurrency: { kind: 'int', min: 1, max: 1024, doc: 'candidates in flight' },
  aggregation: { kind: 'enum', values: AGGREGATIONS, doc: 'per-workload score aggregation' },
  ...SHARED,
};

const RUN_CONFIG_NUMBERS: Record<string, FieldRule> = {
  ...SHARED,
  evaluationConcurrency: { kind: 'int', min: 1, max: 1024, doc: 'candidates in flight' },
};

function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] as number;
      prev[j] = Math.min(up + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] as number;
}

/** The known name closest to `name`, when it is close enough to be a typo. */
export function didYouMean(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = levenshtein(name.slice(0, 64), k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

const show = (v: unknown): string => {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (v === null || typeof v !== 'object') return String(v);
  return Array.isArray(v) ? 'a list' : 'an object';
};

const range = (min: number, max: number): string => `between ${min.toLocaleString('en-US')} and ${max.toLocaleString('en-US')}`;

/** Why `value` breaks `rule`, or undefined. */
function fieldProblem(path: string, value: unknown, rule: FieldRule): string | undefined {
  switch (rule.kind) {
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < rule.min || value > rule.max) return `'${path}' must be a whole number ${range(rule.min, rule.max)} (${rule.doc}), got ${show(value)}`;
      return undefined;
    case 'number': {
      const low = rule.exclusiveMin ? (value as number) <= rule.min : (value as number) < rule.min;
      if (typeof value !== 'number' || !Number.isFinite(value) || low || value > rule.max) return `'${path}' must be a number ${rule.exclusiveMin ? `greater than ${rule.min} and at most ${rule.max.toLocaleString('en-US')}` : range(rule.min, rule.max)} (${rule.doc}), got ${show(value)}`;
      return undefined;
    }
    case 'boolean':
      if (typeof value !== 'boolean') return `'${path}' must be true or false (${rule.doc}), got ${show(value)}`;
      return undefined;
    case 'enum':
      if (typeof value !== 'string' || !rule.values.includes(value)) {
        const hint = typeof value === 'string' ? didYouMean(value, rule.values) : undefined;
        return `'${path}' must be one of ${rule.values.join(', ')} (${rule.doc}), got ${show(value)}${hint ? ` (did you mean '${hint}'?)` : ''}`;
      }
      return undefined;
    case 'string':
      if (typeof value !== 'string') return `'${path}' must be text (${rule.doc}), got ${show(value)}`;
      return undefined;
    case 'list': {
      if (!Array.isArray(value)) return `'${path}' must be a list (${rule.doc}), got ${show(value)}`;
      if (value.length > rule.maxItems) return `'${path}' has ${value.length} items (at most ${rule.maxItems})`;
      for (let i = 0; i < value.length; i++) {
        const problem = fieldProblem(`${path}[${i}]`, value[i], rule.item);
        if (problem) return problem;
      }
      return undefined;
    }
    case 'spec': {
      if (typeof value === 'string') return value.trim() === '' ? `'${path}' must not be empty` : undefined;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return `'${path}' must be a name or { "id": ..., "options": {...} }, got ${show(value)}`;
      const spec = value as Record<string, unknown>;
      for (const key of Object.keys(spec)) {
        if (key !== 'id' && key !== 'options') {
          const hint = didYouMean(key, ['id', 'options']);
          return `unknown key '${path}.${key}'${hint ? ` (did you mean '${path}.${hint}'?)` : ` (known: id, options)`}`;
        }
      }
      if (spec.id !== undefined && (typeof spec.id !== 'string' || spec.id.trim() === '')) return `'${path}.id' must be a name, got ${show(spec.id)}`;
      if (spec.options !== undefined && (typeof spec.options !== 'object' || spec.options === null || Array.isArray(spec.options))) return `'${path}.options' must be an object, got ${show(spec.options)}`;
      return undefined;
    }
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return `'${path}' must be an object (${rule.doc}), got ${show(value)}`;
      if (rule.open) return undefined;
      return objectProblem(value as Record<string, unknown>, rule.fields, `${path}.`);
    }
  }
}

/** The first problem of `value` against `fields` (unknown keys first), with paths under `prefix`. */
export function objectProblem(value: Record<string, unknown>, fields: Record<string, FieldRule>, prefix: string): string | undefined {
  const known = Object.keys(fields);
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(fields, key)) {
      const hint = didYouMean(key, known);
      return `unknown key '${prefix}${key}'${hint ? ` (did you mean '${prefix}${hint}'?)` : ` (known: ${known.join(', ')})`}`;
    }
  }
  for (const [key, rule] of Object.entries(fields)) {
    const v = value[key];
    if (v === undefined) continue;
    const problem = fieldProblem(`${prefix}${key}`, v, rule);
    if (problem) return problem;
  }
  return undefined;
}

/** Why a parsed run config file is invalid, or undefined. */
export function configFileProblem(parsed: unknown): string | undefined {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'must hold a JSON object';
  return objectProblem(parsed as Record<string, unknown>, CONFIG_FILE_SCHEMA, '');
}

/** Checks a run config file's contents; throws a one-line UserError (exit 3) naming the file and the field. */
export function validateConfigFile(parsed: unknown, path: string): void {
  const problem = configFileProblem(parsed);
  if (problem) throw new UserError(`config file ${path}: ${problem}`);
}

/** Why a resolved RunConfig is out of range, or undefined. Whatever built it, these hold before a run starts. */
export function runConfigProblem(config: RunConfig): string | undefined {
  if (typeof config.evaluator?.id !== 'string' || config.evaluator.id === '') return "'evaluator' must name an evaluator";
  if (typeof config.generator?.id !== 'string' || config.generator.id === '') return "'generator' must name a generator";
  const aggregation = fieldProblem('aggregation', config.aggregation?.kind, { kind: 'enum', values: AGGREGATIONS, doc: 'per-workload score aggregation' });
  if (aggregation) return aggregation;
  for (const [key, rule] of Object.entries(RUN_CONFIG_NUMBERS)) {
    const value = (config as unknown as Record<string, unknown>)[key];
    if (value === undefined && (key === 'budget' || key === 'cascade')) return `'${key}' is missing`;
    if (value === undefined) continue;
    const problem = fieldProblem(key, value, rule);
    if (problem) return problem;
  }
  const cascade = config.cascade as unknown as Record<string, unknown>;
  for (const key of ['enabled', 'cheapCount', 'margin']) if (cascade[key] === undefined) return `'cascade.${key}' is missing`;
  return undefined;
}

/** Returns `config` when it is within the schema; throws a one-line UserError (exit 3) otherwise. */
export function checkRunConfig<T extends RunConfig>(config: T): T {
  const problem = runConfigProblem(config);
  if (problem) throw new UserError(`run settings: ${problem}`);
  return config;
}
