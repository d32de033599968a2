// Turning CLI flags and an optional JSON config file into a validated RunConfig. Flags win over the
// config file, which wins over the defaults.
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseAggregationRule } from '../core/aggregate';
import type { BrokerSettings, Budget, RunConfig } from '../core/journal-events';
import { DEFAULTS } from '../core/run-session';
import type { JsonValue } from '../core/types';
import { resolveBrokerAddress } from '../transport/broker-url';
import { DEFAULT_EXPERIMENT, DEFAULT_MAX_ATTEMPTS, validateExperiment } from '../transport/topology';
import { UserError } from '../core/user-error';

export interface EvolveFlags {
  evaluator?: string;
  command?: string;
  evalOption?: string[];
  generator?: string;
  genOption?: string[];
  model?: string[];
  baseUrl?: string;
  /** `MODEL=IN,OUT[,CACHED]`: USD per million input, output and cached input tokens (repeatable). */
  price?: string[];
  record?: string;
  cassette?: string;
  budget?: string;
  time?: string;
  maxCost?: string;
  stagnation?: string;
  concurrency?: string;
  genConcurrency?: string;
  seed?: string;
  islands?: string;
  aggregate?: string;
  cascade?: boolean;
  cascadeMargin?: string;
  config?: string;
  /** `--broker URL`, or `--broker` alone to read the URL from POLICY_EVOLVER_BROKER_URL. */
  broker?: string | boolean;
  experiment?: string;
  remoteSamplers?: boolean;
  maxAttempts?: string;
  /** Run command candidates without the OS sandbox (bubblewrap). */
  unsandboxedCommands?: boolean;
}

type JsonObject = { [key: string]: JsonValue };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseIntFlag(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < min) throw new UserError(`--${name} must be a whole number of at least ${min}, got '${value}'`);
  return Number(value);
}

function parseNumberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.replace(/^\$/, ''));
  if (!Number.isFinite(n) || n < 0) throw new UserError(`--${name} must be a non-negative number, got '${value}'`);
  return n;
}

/** `90`, `90s`, `5m`, `1.5h` -> seconds. */
export function parseDuration(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/.exec(value.trim());
  if (!m) throw new UserError(`--time must look like 90, 90s, 5m or 1h, got '${value}'`);
  const n = Number(m[1]);
  return m[2] === 'h' ? n * 3600 : m[2] === 'm' ? n * 60 : n;
}

/** `key=value` pairs; values are JSON when they parse as JSON, strings otherwise. */
export function parseKeyValues(pairs: string[] | undefined, flag: string): JsonObject {
  const out: JsonObject = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UserError(`--${flag} takes key=value, got '${pair}'`);
    const raw = pair.slice(eq + 1);
    let value: JsonValue;
    try {
      value = JSON.parse(raw) as JsonValue;
    } catch {
      value = raw;
    }
    out[pair.slice(0, eq)] = value;
  }
  return out;
}

function readConfigFile(path: string): JsonObject {
  if (!existsSync(path)) throw new UserError(`config file not found: ${path}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UserError(`config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(parsed)) throw new UserError(`config file ${path} must hold a JSON object`);
  const known = new Set(['evaluator', 'generator', 'seed', 'islands', 'concurrency', 'generationConcurrency', 'budget', 'cascade', 'aggregation', 'searchReplaceRatio', 'migrationInterval', 'eliteSize', 'exploitation', 'inspirations']);
  for (const key of Object.keys(parsed)) if (!known.has(key)) throw new UserError(`config file ${path}: unknown key '${key}' (known: ${[...known].join(', ')})`);
  return parsed;
}

function inferEvaluator(file: string, code: string, flags: EvolveFlags): string {
  if (flags.command) return 'command';
  if (/\.(rbp|pml)$/i.test(file)) return 'protocol';
  if (/\.[cm]?[jt]sx?$/i.test(file) && /export\s+(async\s+)?function\s+step\b|export\s+(const|let)\s+step\b/.test(code)) return 'faas';
  throw new UserError(`cannot tell how to score ${basename(file)}: pass --evaluator NAME or --command "CMD {file}"`);
}

function specFromConfig(value: JsonValue | undefined, what: string): { id?: string; options: JsonObject } {
  if (value === undefined) return { options: {} };
  if (typeof value === 'string') return { id: value, options: {} };
  if (!isObject(value)) throw new UserError(`config: '${what}' must be a name or { "id": ..., "options": {...} }`);
  if (value.id !== undefined && typeof value.id !== 'string') throw new UserError(`config: '${what}.id' must be a string`);
  if (value.options !== undefined && !isObject(value.options)) throw new UserError(`config: '${what}.options' must be an object`);
  return { ...(typeof value.id === 'string' ? { id: value.id } : {}), options: (value.options as JsonObject | undefined) ?? {} };
}

/** Parses `provider:model@weight` model specs for the LLM generators. */
function modelSpecs(models: string[] | undefined, baseUrl: string | undefined): JsonValue[] | undefined {
  if (!models?.length) return undefined;
  return models.map((spec) => {
    const m = /^(?:(openai|anthropic|openai-compatible):)?([^@]+)(?:@(\d+(?:\.\d+)?))?$/.exec(spec);
    if (!m) throw new UserError(`--model takes provider:model[@weight], got '${spec}'`);
    const provider = m[1] ?? (baseUrl ? 'openai-compatible' : /^claude/i.test(m[2] as string) ? 'anthropic' : 'openai');
    return { provider, model: m[2] as string, ...(m[3] ? { weight: Number(m[3]) } : {}), ...(baseUrl ? { baseUrl } : {}) };
  });
}

export function buildBudget(flags: EvolveFlags, base: Budget): Budget {
  const budget: Budget = { ...base };
/** `--price MODEL=IN,OUT[,CACHED]` entries as the LLM generators' `prices` option. */
export function parsePrices(entries: string[] | undefined): JsonObject | undefined {
  if (!entries?.length) return undefined;
  const out: JsonObject = {};
  for (const entry of entries) {
    const m = /^([^=\s]+)=\s*([^,\s]+)\s*,\s*([^,\s]+)\s*(?:,\s*([^,\s]+)\s*)?$/.exec(entry.trim());
    const numbers = m ? [m[2], m[3], m[4]].map((v) => (v === undefined ? undefined : Number(v))) : [];
    if (!m || numbers.some((n) => n !== undefined && (!Number.isFinite(n) || n < 0))) {
      throw new UserError(`--price takes MODEL=IN,OUT[,CACHED] in USD per million tokens, e.g. gpt-5.4-mini=0.25,2,0.025; got '${entry}'`);
    }
    const [input, output, cached] = numbers as [number, number, number | undefined];
    out[m[1] as string] = { input, output, ...(cached !== undefined ? { cachedInput: cached } : {}) };
  }
  return out;
}

  const candidates = parseIntFlag('budget', flags.budget, 1);
  if (candidates !== undefined) budget.maxCandidates = candidates;
  const time = parseDuration(flags.time);
  if (time !== undefined) budget.maxWallSeconds = time;
  const cost = parseNumberFlag('max-cost', flags.maxCost);
  if (cost !== undefined) budget.maxCostUsd = cost;
  const stagnation = parseIntFlag('stagnation', flags.stagnation, 1);
  if (stagnation !== undefined) budget.stagnation = stagnation;
  return budget;
}

function numberIn(config: JsonObject, key: string, fallback: number, min: number, max = Number.POSITIVE_INFINITY): number {
  const v = config[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || v < min || v > max) throw new UserError(`config: '${key}' must be a number between ${min} and ${max}`);
  return v;
}

/** Broker settings for the journal: the URL loses its password here and never gets it back. */
export function buildBrokerSettings(flags: EvolveFlags): BrokerSettings | undefined {
  const address = resolveBrokerAddress(flags.broker);
  if (!address) {
    const stray = flags.experiment !== undefined ? '--experiment' : flags.remoteSamplers ? '--remote-samplers' : flags.maxAttempts !== undefined ? '--max-attempts' : undefined;
    if (stray) throw new UserError(`${stray} only applies with --broker`);
    return undefined;
  }
  const maxAttempts = parseIntFlag('max-attempts', flags.maxAttempts, 1) ?? DEFAULT_MAX_ATTEMPTS;
  if (maxAttempts > 100) throw new UserError(`--max-attempts must be at most 100, got ${maxAttempts}`);
  return { url: address.redacted, experiment: validateExperiment(flags.experiment ?? DEFAULT_EXPERIMENT), remoteSamplers: flags.remoteSamplers === true, maxAttempts };
}

export function buildRunConfig(file: string, code: string, flags: EvolveFlags): RunConfig {
  const fromFile = flags.config ? readConfigFile(resolve(flags.config)) : {};
  const broker = buildBrokerSettings(flags);
  const evaluatorSpec = specFromConfig(fromFile.evaluator, 'evaluator');
  const generatorSpec = specFromConfig(fromFile.generator, 'generator');
  const evaluatorId = flags.evaluator ?? (flags.command ? 'command' : undefined) ?? evaluatorSpec.id ?? inferEvaluator(file, code, flags);
  const evaluatorOptions: JsonObject = { ...evaluatorSpec.options, ...parseKeyValues(flags.evalOption, 'eval-option') };
  if (flags.command) evaluatorOptions.command = flags.command;
  if (flags.unsandboxedCommands) {
    if (evaluatorId !== 'command') throw new UserError('--unsandboxed-commands only applies to command evaluations (--command)', 2);
    evaluatorOptions.unsandboxed = true;
  }
  const generatorId = flags.generator ?? generatorSpec.id ?? (flags.cassette ? 'replay' : flags.model?.length ? 'llm' : 'mutate');
  const generatorOptions: JsonObject = { ...generatorSpec.options, ...parseKeyValues(flags.genOption, 'gen-option') };
  const models = modelSpecs(flags.model, flags.baseUrl);
  if (models) generatorOptions.models = models;
  if (flags.record) generatorOptions.record = resolve(flags.record);
  if (flags.cassette) generatorOptions.cassette = resolve(flags.cassette);

  const budgetBase = isObject(fromFile.budget) ? (fromFile.budget as Budget) : DEFAULTS.budget;
  const cascadeBase = isObject(fromFile.cascade) ? { ...DEFAULTS.cascade, ...(fromFile.cascade as object) } : DEFAULTS.cascade;
  const cascadeMargin = parseNumberFlag('cascade-margin', flags.cascadeMargin);
  const prices = parsePrices(flags.price);
  if (prices) generatorOptions.prices = { ...(isObject(generatorOptions.prices) ? generatorOptions.prices : {}), ...prices };
  let aggregation = DEFAULTS.aggregation as RunConfig['aggregation'];
  try {
    if (flags.aggregate) aggregation = parseAggregationRule(flags.aggregate);
    else if (typeof fromFile.aggregation === 'string') aggregation = parseAggregationRule(fromFile.aggregation);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
  return {
    file: resolve(file),
    fileName: basename(file),
    evaluator: { id: evaluatorId, options: evaluatorOptions },
    generator: { id: generatorId, options: generatorOptions },
    seed: parseIntFlag('seed', flags.seed, 0) ?? numberIn(fromFile, 'seed', DEFAULTS.seed, 0),
    islands: parseIntFlag('islands', flags.islands, 1) ?? numberIn(fromFile, 'islands', DEFAULTS.islands, 1, 64),
    generationConcurrency: parseIntFlag('gen-concurrency', flags.genConcurrency, 1) ?? numberIn(fromFile, 'generationConcurrency', DEFAULTS.generationConcurrency, 1, 256),
    evaluationConcurrency: parseIntFlag('concurrency', flags.concurrency, 1) ?? numberIn(fromFile, 'concurrency', DEFAULTS.evaluationConcurrency, 1, 1024),
    budget: buildBudget(flags, budgetBase),
    cascade: { ...cascadeBase, enabled: flags.cascade === false ? false : cascadeBase.enabled, ...(cascadeMargin !== undefined ? { margin: cascadeMargin } : {}) },
    aggregation,
    searchReplaceRatio: numberIn(fromFile, 'searchReplaceRatio', DEFAULTS.searchReplaceRatio, 0, 1),
    migrationInterval: numberIn(fromFile, 'migrationInterval', DEFAULTS.migrationInterval, 0),
    eliteSize: numberIn(fromFile, 'eliteSize', DEFAULTS.eliteSize, 1, 1000),
    exploitation: numberIn(fromFile, 'exploitation', DEFAULTS.exploitation, 0, 1),
    inspirations: numberIn(fromFile, 'inspirations', DEFAULTS.inspirations, 0, 16),
    ...(broker ? { broker } : {}),
  };
}
