// Editor settings (`policyEvolver.*`) -> a validated RunConfig: the settings map into the same typed
// run request the CLI's flags parse into, so a run started from the editor and one started from the
// terminal mean the same thing.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import type { Budget, RunConfig } from '../core/journal-events';
import type { JsonValue } from '../core/types';
import { parsePrices, resolveRunConfig, type RunRequest } from '../app/run-config';
import type { RunOverrides } from '../messages/lsp';
import { globMatches } from './glob';
import { settingsProblem } from '../app/settings-schema';
import { UserError } from '../core/user-error';

type JsonObject = { [key: string]: JsonValue };

export interface FileRule {
  pattern: string;
  evaluator?: string;
  /** Evaluator options, e.g. `command`, `workloads`. */
  options?: { [key: string]: JsonValue };
  /** A run config JSON file (the CLI's --config), relative to the workspace folder. */
  config?: string;
}

export interface EvolverSettings {
  generator: string;
  models: string[];
  baseUrl: string;
  /** `MODEL=IN,OUT[,CACHED]` in USD per million tokens, for models missing from the price table. */
  prices: string[];
  /** Context window of the models in tokens (a local server's real window); 0 = the model's default. */
  contextWindow: number;
  maxCandidates: number;
  maxWallSeconds: number;
  maxCostUsd: number;
  concurrency: number;
  generationConcurrency: number;
  files: FileRule[];
  evaluateOnOpen: boolean;
  /** What is wrong with the settings as written (a wrong type, a range, a typo): runs refuse to start with it. */
  problem?: string;
}

export const DEFAULT_SETTINGS: EvolverSettings = {
  generator: '',
  models: [],
  baseUrl: '',
  prices: [],
  contextWindow: 0,
  maxCandidates: 0,
  maxWallSeconds: 0,
  maxCostUsd: 0,
  concurrency: 0,
  generationConcurrency: 0,
  files: [],
  evaluateOnOpen: true,
};

const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallback);
const str = (v: unknown, fallback: string): string => (typeof v === 'string' ? v : fallback);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads the `policyEvolver` section: a wrong type falls back to the default, and what is wrong is kept in `problem` so a run refuses to start on it. */
export function parseSettings(raw: unknown): EvolverSettings {
  const problem = settingsProblem(raw);
  if (!isObject(raw)) return { ...DEFAULT_SETTINGS, ...(problem ? { problem } : {}) };
  const budget = isObject(raw.budget) ? raw.budget : {};
  const files: FileRule[] = Array.isArray(raw.files)
    ? raw.files.filter(isObject).flatMap((r) =>
        typeof r.pattern === 'string'
          ? [{ pattern: r.pattern, ...(typeof r.evaluator === 'string' ? { evaluator: r.evaluator } : {}), ...(isObject(r.options) ? { options: r.options as { [key: string]: JsonValue } } : {}), ...(typeof r.config === 'string' ? { config: r.config } : {}) }]
          : [],
      )
    : [];
  return {
    generator: str(raw.generator, ''),
    models: Array.isArray(raw.models) ? raw.models.filter((m): m is string => typeof m === 'string') : [],
    baseUrl: str(raw.baseUrl, ''),
    prices: Array.isArray(raw.prices) ? raw.prices.filter((p): p is string => typeof p === 'string') : [],
    contextWindow: num(raw.contextWindow, 0),
    maxCandidates: num(budget.maxCandidates, 0),
    maxWallSeconds: num(budget.maxWallSeconds, 0),
    maxCostUsd: num(budget.maxCostUsd, 0),
    concurrency: num(raw.concurrency, 0),
    generationConcurrency: num(raw.generationConcurrency, 0),
    files,
    evaluateOnOpen: isObject(raw.codeLens) && typeof raw.codeLens.evaluateOnOpen === 'boolean' ? raw.codeLens.evaluateOnOpen : true,
    ...(problem ? { problem } : {}),
  };
}

export function matchRule(settings: EvolverSettings, file: string, workspaceRoot: string | undefined): FileRule | undefined {
  const rel = workspaceRoot ? relative(workspaceRoot, file) : file;
  return settings.files.find((rule) => globMatches(rule.pattern, rel.startsWith('..') ? file : rel));
}

/** The run config file for `file`: the matching rule's, else an `evolve.json` next to it. */
export function configFileFor(rule: FileRule | undefined, file: string, workspaceRoot: string | undefined): string | undefined {
  if (rule?.config) {
    const path = isAbsolute(rule.config) ? rule.config : join(workspaceRoot ?? dirname(file), rule.config);
    return path;
  }
  const sibling = join(dirname(file), 'evolve.json');
  return existsSync(sibling) ? sibling : undefined;
}

const positive = (n: number | undefined): number | undefined => (n !== undefined && n > 0 ? n : undefined);

/** The `policyEvolver.prices` setting as the generators' prices, with errors naming the setting. */
function settingPrices(entries: string[]): JsonObject {
  try {
    return parsePrices(entries) ?? {};
  } catch (err) {
    throw new UserError(`setting 'policyEvolver.prices': ${(err as Error).message.replace(/^--price takes /, 'each entry is ')}`);
  }
}

/** Editor settings and the user's picks for one run -> a run request, field by field (no flag strings). */
export function runRequestFor(file: string, code: string, settings: EvolverSettings, workspaceRoot: string | undefined, overrides: RunOverrides = {}): RunRequest {
  if (settings.problem) throw new UserError(settings.problem);
  const rule = matchRule(settings, file, workspaceRoot);
  const configFile = configFileFor(rule, file, workspaceRoot);
  const generator = overrides.generator ?? (settings.generator || undefined);
  const evaluator = overrides.evaluator ?? rule?.evaluator;
  const budget: Partial<Budget> = {};
  const maxCandidates = positive(overrides.maxCandidates ?? settings.maxCandidates);
  if (maxCandidates !== undefined) budget.maxCandidates = maxCandidates;
  const maxWallSeconds = positive(overrides.maxWallSeconds ?? settings.maxWallSeconds);
  if (maxWallSeconds !== undefined) budget.maxWallSeconds = maxWallSeconds;
  const maxCostUsd = positive(overrides.maxCostUsd ?? settings.maxCostUsd);
  if (maxCostUsd !== undefined) budget.maxCostUsd = maxCostUsd;
  const evaluationConcurrency = positive(settings.concurrency);
  const generationConcurrency = positive(settings.generationConcurrency);
  return {
    file,
    code,
    budget,
    ...(configFile ? { configFile } : {}),
    ...(evaluator ? { evaluator } : {}),
    ...(overrides.command ? { command: overrides.command } : {}),
    ...(rule?.options ? { evaluatorOptions: rule.options } : {}),
    ...(generator ? { generator } : {}),
    ...(settings.models.length && generator !== 'mutate' ? { models: settings.models } : {}),
    ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}),
    ...(settings.prices.length ? { prices: settingPrices(settings.prices) } : {}),
    ...(settings.contextWindow > 0 ? { contextWindow: settings.contextWindow } : {}),
    ...(overrides.seed !== undefined ? { seed: overrides.seed } : {}),
    ...(evaluationConcurrency !== undefined ? { evaluationConcurrency } : {}),
    ...(generationConcurrency !== undefined ? { generationConcurrency } : {}),
  };
}

export function runConfigFor(file: string, code: string, settings: EvolverSettings, workspaceRoot: string | undefined, overrides: RunOverrides = {}): RunConfig {
  return resolveRunConfig(runRequestFor(file, code, settings, workspaceRoot, overrides));
}
