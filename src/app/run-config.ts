// The typed run-config builder. Every front end describes a run as a `RunRequest` (the CLI parses
// its flags into one, the language server maps editor settings into one field by field) and
// `resolveRunConfig` turns it into a validated RunConfig: the request wins over the run config
// file, which wins over the defaults; the evaluator is inferred from the domain descriptors and the
// generator defaults to the domain's.
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseAggregationRule } from '../core/aggregate';
import type { BrokerSettings, Budget, RunConfig } from '../core/journal-events';
import { DEFAULTS } from '../core/run-session';
import type { JsonValue } from '../core/types';
import { resolveBrokerAddress } from '../transport/broker-url';
import { DEFAULT_EXPERIMENT, DEFAULT_MAX_ATTEMPTS, validateExperiment } from '../transport/topology';
import { UserError } from '../core/user-error';
import { checkRunConfig, validateConfigFile } from './config-schema';
import { domains } from './domains';
import { extensionOf, type DomainDescriptor } from '../evaluators/descriptor';
import { parseModelShorthand } from '../generators/llm';

export interface EvolveFlags {
  evaluator?: string;
  command?: string;
  /** Starts each candidate as a FaaS REST scheduler server (`{file}`, `{port}`); implies the faas evaluator. */
  serve?: string;
  evalOption?: string[];
  generator?: string;
  genOption?: string[];
  model?: string[];
  baseUrl?: string;
  /** Context window in tokens of the models (a local server's real window, e.g. Ollama's num_ctx). */
  contextWindow?: string;
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
  validateConfigFile(parsed, path);
  return parsed;
}

function specFromConfig(value: JsonValue | undefined, what: string): { id?: string; options: JsonObject } {
  if (value === undefined) return { options: {} };
  if (typeof value === 'string') return { id: value, options: {} };
  if (!isObject(value)) throw new UserError(`config: '${what}' must be a name or { "id": ..., "options": {...} }`);
  if (value.id !== undefined && typeof value.id !== 'string') throw new UserError(`config: '${what}.id' must be a string`);
  if (value.options !== undefined && !isObject(value.options)) throw new UserError(`config: '${what}.options' must be an object`);
  return { ...(typeof value.id === 'string' ? { id: value.id } : {}), options: (value.options as JsonObject | undefined) ?? {} };
}

/** Parses `provider:model[@weight][@URL]` model specs for the LLM generators; a model's own URL beats --base-url. */
function modelSpecs(models: string[] | undefined, baseUrl: string | undefined): JsonValue[] | undefined {
  if (!models?.length) return undefined;
  return models.map((spec) => {
    const m = parseModelShorthand(spec);
    if (!m) throw new UserError(`--model takes provider:model[@weight][@URL], got '${spec}'`);
    const url = m.baseUrl ?? baseUrl;
    const provider = m.provider ?? (url ? 'openai-compatible' : /^claude/i.test(m.model) ? 'anthropic' : 'openai');
    return { provider, model: m.model, ...(m.weight !== undefined ? { weight: m.weight } : {}), ...(url ? { baseUrl: url } : {}) };
  });
}

const LLM_GENERATORS = ['llm', 'openai', 'anthropic'];

/** `--context-window`: the window of every model of the run that does not set its own. */
function applyContextWindow(generatorId: string, options: JsonObject, contextWindow: number | undefined): void {
  if (contextWindow === undefined || !LLM_GENERATORS.includes(generatorId)) return;
  if (generatorId !== 'llm') {
    options.contextWindow ??= contextWindow;
    return;
  }
  if (!Array.isArray(options.models)) return;
  options.models = options.models.map((entry) => {
    if (typeof entry === 'string') {
      const m = parseModelShorthand(entry);
      if (!m?.provider) return entry;
      return { provider: m.provider, model: m.model, ...(m.weight !== undefined ? { weight: m.weight } : {}), ...(m.baseUrl ? { baseUrl: m.baseUrl } : {}), contextWindow };
    }
    return isObject(entry) && entry.contextWindow === undefined ? { ...entry, contextWindow } : entry;
  });
}

/**
 * `--base-url` without `--model`: every model the generator options name gets it (one endpoint for
 * the whole run), except a model that carries its own URL.
 */
function applyBaseUrl(generatorId: string, options: JsonObject, baseUrl: string | undefined): void {
  // The editor's baseUrl setting is a standing default, so other generators simply do not use it.
  if (!baseUrl || !LLM_GENERATORS.includes(generatorId)) return;
  if (generatorId !== 'llm') {
    options.baseUrl = baseUrl;
    return;
  }
  if (!Array.isArray(options.models)) return;
  options.models = options.models.map((entry) => {
    if (typeof entry === 'string') {
      const m = parseModelShorthand(entry);
      if (!m?.provider) return entry;
      return { provider: m.provider, model: m.model, ...(m.weight !== undefined ? { weight: m.weight } : {}), baseUrl: m.baseUrl ?? baseUrl };
    }
    return isObject(entry) && entry.baseUrl === undefined ? { ...entry, baseUrl } : entry;
  });
}

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

export function buildBudget(flags: EvolveFlags, base: Budget): Budget {
  return { ...base, ...budgetFromFlags(flags) };
}

/** The budget flags that were given, parsed, each error naming its flag. */
function budgetFromFlags(flags: EvolveFlags): Partial<Budget> {
  const budget: Partial<Budget> = {};
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

/** A run as any front end describes it; absent fields come from the run config file, then the defaults. */
export interface RunRequest {
  file: string;
  code: string;
  /** A run config JSON file (`--config`, an editor file rule, or an evolve.json next to the file). */
  configFile?: string;
  evaluator?: string;
  /** Merged over the config file's evaluator options. */
  evaluatorOptions?: JsonObject;
  /** Shell command of the `command` evaluator; implies it. */
  command?: string;
  /** Shell command starting a candidate as a FaaS REST scheduler server; implies the faas evaluator. */
  serve?: string;
  /** Run command candidates without the OS sandbox (bubblewrap). */
  unsandboxedCommands?: boolean;
  generator?: string;
  /** Merged over the config file's generator options. */
  generatorOptions?: JsonObject;
  /** `provider:model[@weight]` specs for the LLM generators; imply `llm`. */
  models?: string[];
  /** OpenAI-compatible server for the models. */
  baseUrl?: string;
  /** Context window in tokens of every model that does not set its own. */
  contextWindow?: number;
  /** The LLM generators' `prices` option, merged over the config file's. */
  prices?: JsonObject;
  /** Cassette to record to / replay from (replaying implies `replay`). */
  record?: string;
  cassette?: string;
  /** Merged over the config file's budget. */
  budget?: Partial<Budget>;
  seed?: number;
  islands?: number;
  evaluationConcurrency?: number;
  generationConcurrency?: number;
  /** An aggregation rule as text (`mean`, `weighted`...). */
  aggregation?: string;
  /** `false` evaluates every candidate on the full search set. */
  cascade?: boolean;
  cascadeMargin?: number;
  broker?: BrokerSettings;
}

function wholeNumber(what: string, value: number | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min) throw new UserError(`${what} must be a whole number of at least ${min}, got ${value}`);
  return value;
}

/** CLI flags -> a run request: strings parsed and checked here, with the flag named in every error. */
export function requestFromFlags(file: string, code: string, flags: EvolveFlags): RunRequest {
  const budget = budgetFromFlags(flags);
  const evaluatorOptions = parseKeyValues(flags.evalOption, 'eval-option');
  const generatorOptions = parseKeyValues(flags.genOption, 'gen-option');
  const prices = parsePrices(flags.price);
  const broker = buildBrokerSettings(flags);
  const numbers = {
    seed: parseIntFlag('seed', flags.seed, 0),
    islands: parseIntFlag('islands', flags.islands, 1),
    generationConcurrency: parseIntFlag('gen-concurrency', flags.genConcurrency, 1),
    evaluationConcurrency: parseIntFlag('concurrency', flags.concurrency, 1),
    cascadeMargin: parseNumberFlag('cascade-margin', flags.cascadeMargin),
  };
  const request: RunRequest = { file, code, budget, evaluatorOptions, generatorOptions };
  for (const [key, value] of Object.entries(numbers)) if (value !== undefined) request[key as keyof typeof numbers] = value;
  if (flags.config) request.configFile = flags.config;
  if (flags.evaluator) request.evaluator = flags.evaluator;
  if (flags.command) request.command = flags.command;
  if (flags.serve) request.serve = flags.serve;
  if (flags.unsandboxedCommands) request.unsandboxedCommands = true;
  if (flags.generator) request.generator = flags.generator;
  if (flags.model?.length) request.models = flags.model;
  if (flags.baseUrl) request.baseUrl = flags.baseUrl;
  const contextWindow = parseIntFlag('context-window', flags.contextWindow, 1024);
  if (contextWindow !== undefined) request.contextWindow = contextWindow;
  if (prices) request.prices = prices;
  if (flags.record) request.record = flags.record;
  if (flags.cassette) request.cassette = flags.cassette;
  if (flags.aggregate) request.aggregation = flags.aggregate;
  if (flags.cascade === false) request.cascade = false;
  if (broker) request.broker = broker;
  return request;
}

/**
 * An evaluator handed another domain's file (`-e protocol` on a TypeScript policy) would fail on
 * the starting program with a page of parser errors: name the mismatch instead. A FaaS run with
 * `--serve` scores a scheduler server in any language.
 */
function refuseForeignFile(domain: DomainDescriptor, file: string, code: string, served: boolean): void {
  const ext = extensionOf(file);
  const name = basename(file);
  if (domain.anyFile === true || served) return;
  if (domain.extensions.includes(ext)) {
    // Same extension, another domain's program (`-e faas` on a cluster policy exporting decide):
    // every evaluation would fail on the missing export.
    const owners = domains.ownersInstead(domain.id, file, code);
    if (owners.length > 0) {
      throw new UserError(`${name} is a ${owners.join(' or ')} program, not a ${domain.id} one: drop --evaluator, or pass --evaluator ${owners[0]}`, 3);
    }
    return;
  }
  const fits = domains.all().filter((d) => d.anyFile !== true && d.extensions.includes(ext)).map((d) => d.id);
  const hint = fits.length > 0 ? `; ${fits.join(' and ')} ${fits.length > 1 ? 'score' : 'scores'} .${ext} files` : '';
  throw new UserError(`the ${domain.id} evaluator scores ${domain.extensions.map((e) => `.${e}`).join(', ')} files, not ${name}${hint}`, 3);
}

/** The CLI's `evolve`: flags -> RunConfig. */
export function buildRunConfig(file: string, code: string, flags: EvolveFlags): RunConfig {
  return resolveRunConfig(requestFromFlags(file, code, flags));
}

export function resolveRunConfig(request: RunRequest): RunConfig {
  const { file, code } = request;
  const fromFile = request.configFile ? readConfigFile(resolve(request.configFile)) : {};
  const evaluatorSpec = specFromConfig(fromFile.evaluator, 'evaluator');
  const generatorSpec = specFromConfig(fromFile.generator, 'generator');
  if (request.command && request.serve) throw new UserError('--command and --serve are two ways to score: give one', 2);
  const evaluatorId = request.evaluator ?? (request.command ? 'command' : request.serve ? 'faas' : undefined) ?? evaluatorSpec.id ?? domains.infer(file, code).id;
  if (request.serve && evaluatorId !== 'faas') throw new UserError(`--serve starts FaaS scheduler servers: it needs the faas evaluator, not ${evaluatorId}`, 2);
  const domain = domains.require(evaluatorId);
  const evaluatorOptions: JsonObject = { ...domain.evaluatorDefaults?.(file, code), ...evaluatorSpec.options, ...request.evaluatorOptions };
  if (request.command) evaluatorOptions.command = request.command;
  if (request.serve) evaluatorOptions.serve = request.serve;
  if (request.unsandboxedCommands) {
    if (evaluatorId !== 'command' && evaluatorOptions.serve === undefined) throw new UserError('--unsandboxed-commands only applies to command evaluations (--command) and scheduler servers (--serve)', 2);
    evaluatorOptions.unsandboxed = true;
  }
  refuseForeignFile(domain, file, code, evaluatorOptions.serve !== undefined);
  const generatorId = request.generator ?? generatorSpec.id ?? (request.cassette ? 'replay' : request.models?.length ? 'llm' : domain.defaultGenerator(file));
  // A generator that cannot work on this file would fail every proposal: refuse it up front.
  const usable = domains.generatorsFor(evaluatorId, file);
  if (domains.generators().some((g) => g.id === generatorId) && !usable.includes(generatorId)) {
    throw new UserError(`the ${generatorId} generator cannot work on ${basename(file)}; generators that can: ${usable.join(', ')}`, 3);
  }
  const generatorOptions: JsonObject = { ...generatorSpec.options, ...request.generatorOptions };
  const models = modelSpecs(request.models, request.baseUrl);
  if (models) generatorOptions.models = models;
  else applyBaseUrl(generatorId, generatorOptions, request.baseUrl);
  applyContextWindow(generatorId, generatorOptions, request.contextWindow);
  if (request.prices) generatorOptions.prices = { ...(isObject(generatorOptions.prices) ? generatorOptions.prices : {}), ...request.prices };
  if (request.record) generatorOptions.record = resolve(request.record);
  if (request.cassette) generatorOptions.cassette = resolve(request.cassette);

  const budgetBase = isObject(fromFile.budget) ? (fromFile.budget as Budget) : DEFAULTS.budget;
  const cascadeBase = isObject(fromFile.cascade) ? { ...DEFAULTS.cascade, ...(fromFile.cascade as object) } : DEFAULTS.cascade;
  let aggregation = DEFAULTS.aggregation as RunConfig['aggregation'];
  try {
    if (request.aggregation) aggregation = parseAggregationRule(request.aggregation);
    else if (typeof fromFile.aggregation === 'string') aggregation = parseAggregationRule(fromFile.aggregation);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
  const margin = request.cascadeMargin;
  if (margin !== undefined && !(Number.isFinite(margin) && margin >= 0)) throw new UserError(`the cascade margin must be a non-negative number, got ${margin}`);
  return checkRunConfig({
    file: resolve(file),
    fileName: basename(file),
    evaluator: { id: evaluatorId, options: evaluatorOptions },
    generator: { id: generatorId, options: generatorOptions },
    seed: wholeNumber('the seed', request.seed, 0) ?? numberIn(fromFile, 'seed', DEFAULTS.seed, 0),
    islands: wholeNumber('islands', request.islands, 1) ?? numberIn(fromFile, 'islands', DEFAULTS.islands, 1, 64),
    generationConcurrency: wholeNumber('generation concurrency', request.generationConcurrency, 1) ?? numberIn(fromFile, 'generationConcurrency', DEFAULTS.generationConcurrency, 1, 256),
    evaluationConcurrency: wholeNumber('concurrency', request.evaluationConcurrency, 1) ?? numberIn(fromFile, 'concurrency', DEFAULTS.evaluationConcurrency, 1, 1024),
    budget: { ...budgetBase, ...request.budget },
    cascade: { ...cascadeBase, enabled: request.cascade === false ? false : cascadeBase.enabled, ...(margin !== undefined ? { margin } : {}) },
    aggregation,
    searchReplaceRatio: numberIn(fromFile, 'searchReplaceRatio', DEFAULTS.searchReplaceRatio, 0, 1),
    migrationInterval: numberIn(fromFile, 'migrationInterval', DEFAULTS.migrationInterval, 0),
    eliteSize: numberIn(fromFile, 'eliteSize', DEFAULTS.eliteSize, 1, 1000),
    exploitation: numberIn(fromFile, 'exploitation', DEFAULTS.exploitation, 0, 1),
    inspirations: numberIn(fromFile, 'inspirations', DEFAULTS.inspirations, 0, 16),
    ...(request.broker ? { broker: request.broker } : {}),
  });
}
