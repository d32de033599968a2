// Where the evaluator's scenarios come from (scenario files or folders, an inline set, or the
// built-in seeds) and how they split into search, validation and held-out workloads.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { JsonValue, Workload, WorkloadSplit } from '../../core/types';
import { parseScenario, readScenarioFile } from './model/parse';
import { isLevel, LEVELS, scenarioToJson, type Level, type Scenario } from './model/scenario';
import { seedScenarioParams, seedSplit } from './workload/seeds';
import { generateScenario } from './workload/generator';

export interface ScenarioEntry {
  scenario: Scenario;
  split: WorkloadSplit;
}

const SPLITS: readonly WorkloadSplit[] = ['search', 'validation', 'holdout'];

/** Every `.json` file under the given paths (folders are read one level deep, in name order). */
export function scenarioFiles(paths: readonly string[], baseDir: string): string[] {
  const files: string[] = [];
  for (const p of paths) {
    const full = resolve(baseDir, p);
    let stat;
    try {
      stat = statSync(full);
    } catch {
      throw new Error(`scenario path not found: ${full}`);
    }
    if (stat.isDirectory()) {
      const inside = readdirSync(full).filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json')).sort();
      if (!inside.length) throw new Error(`no .json scenario files in ${full}`);
      files.push(...inside.map((f) => join(full, f)));
    } else files.push(full);
  }
  return files;
}

/** Splits by position: 3 in 5 search, then one validation and one held out; small sets are all search. */
export function positionalSplit(index: number, count: number): WorkloadSplit {
  return count < 3 ? 'search' : seedSplit(index);
}

export function builtinEntries(levels: readonly Level[] = LEVELS): ScenarioEntry[] {
  const perLevel = new Map<Level, number>();
  return seedScenarioParams(levels).map((p) => {
    const i = perLevel.get(p.level) ?? 0;
    perLevel.set(p.level, i + 1);
    return { scenario: generateScenario(p), split: seedSplit(i) };
  });
}

export function fileEntries(paths: readonly string[], baseDir: string): ScenarioEntry[] {
  const files = scenarioFiles(paths, baseDir);
  return files.map((f, i) => ({ scenario: readScenarioFile(f), split: positionalSplit(i, files.length) }));
}

/** `[{ scenario, split? }]` as the self-play controller and config files pass them. */
export function inlineEntries(value: JsonValue, what = 'scenarioSet'): ScenarioEntry[] {
  if (!Array.isArray(value) || value.length === 0) throw new Error(`${what} must be a non-empty array of { scenario, split? }`);
  return value.map((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item) || !('scenario' in item)) throw new Error(`${what}[${i}] must be { scenario, split? }`);
    const split = item['split'] ?? 'search';
    if (typeof split !== 'string' || !(SPLITS as readonly string[]).includes(split)) throw new Error(`${what}[${i}].split must be one of ${SPLITS.join(', ')}`);
    return { scenario: parseScenario(item['scenario'], `${what}[${i}].scenario`), split: split as WorkloadSplit };
  });
}

export function parseLevels(value: JsonValue | undefined): Level[] {
  if (value === undefined || value === null) return [...LEVELS];
  const list = Array.isArray(value) ? value : [value];
  if (!list.length || !list.every(isLevel)) throw new Error(`levels must be a list of ${LEVELS.join(', ')}`);
  return list as Level[];
}

export function toWorkloads(entries: readonly ScenarioEntry[]): Workload[] {
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.scenario.id)) throw new Error(`two scenarios have the id '${e.scenario.id}'; ids must be unique within an evaluation set`);
    seen.add(e.scenario.id);
  }
  const search = entries.filter((e) => e.split === 'search');
  if (!search.length) throw new Error('the scenario set has no search scenario (mark some with split "search")');
  // The smallest search scenario is the cascade's cheap first check.
  const cheapest = search.reduce((a, b) => (b.scenario.tasks.length < a.scenario.tasks.length ? b : a));
  return entries.map((e) => ({
    id: e.scenario.id,
    split: e.split,
    ...(e === cheapest ? { cheap: true } : {}),
    data: { scenario: scenarioToJson(e.scenario) } as unknown as JsonValue,
  }));
}

/** The scenario a workload carries. */
export function scenarioOf(workload: Workload): Scenario {
  const data = workload.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data) || !('scenario' in data)) throw new Error(`workload ${workload.id} carries no scenario`);
  return parseScenario(data['scenario'], `workload ${workload.id}`);
}
