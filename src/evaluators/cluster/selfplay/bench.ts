// Benchmarks of a cluster policy: against every baseline on synthetic and trace-shaped scenario
// sets (means with 95% confidence intervals; paired t and Wilcoxon signed-rank tests on the
// per-scenario differences, Holm-corrected across the report, with effect sizes), scalability from 10 to 1,000 tasks with decision time per task, and transfer from
// cloud to edge scenarios after evolving on cloud ones.
import type { JsonValue } from '../../../core/types';
import {
  baselinesFor,
  createClusterEvaluator,
  defaultParams,
  familyScenarios,
  generateScenario,
  geneticBaseline,
  HEURISTIC_NAMES,
  parseWeights,
  runHeuristic,
  scenarioToJson,
  simulate,
  TRACE_PROFILE_NAMES,
  type PolicyModule,
  type ClusterEvaluator,
  type Level,
  type Scenario,
  type SimulationReport,
} from '..';
import type { SandboxPool } from '../../../sandbox/types';
import { defend, type DefenderSettings } from './defender';
import { holm, pairedComparison, summarize, type PairedComparison, type Summary } from './stats';

export const BENCH_METRICS = ['reward', 'meanLatency', 'p95Latency', 'p99Latency', 'cpuUtilisation', 'memoryUtilisation', 'costUsd', 'energyKwh', 'slaViolationRate', 'failureRate', 'makespan', 'fairnessGini'] as const;
export type BenchMetric = (typeof BENCH_METRICS)[number];

/** Whether a higher value of the metric is better (for the report's arrows). */
export const HIGHER_IS_BETTER: Record<BenchMetric, boolean> = {
  reward: true,
  meanLatency: false,
  p95Latency: false,
  p99Latency: false,
  cpuUtilisation: true,
  memoryUtilisation: true,
  costUsd: false,
  energyKwh: false,
  slaViolationRate: false,
  failureRate: false,
  makespan: false,
  fairnessGini: false,
};

/** The reward a policy gets on a scenario it failed: the floor of the reward scale, so failing is never better than a bad schedule. */
export const REWARD_FLOOR = 0;

/** The per-scenario genetic algorithm sees every future arrival: an upper bound, not a rival policy. */
export const ORACLE_NAME = 'oracle (sees future arrivals)';

export interface PolicySamples {
  name: string;
  /**
   * Per scenario, in set order. A failed scenario scores REWARD_FLOOR for `reward` (never dropped);
   * its other metrics are NaN, and those pairs are left out of that metric's comparison only.
   */
  values: Record<BenchMetric, number[]>;
  failures: number;
  /** True for bounds such as the oracle, which are shown but not counted as baselines to beat. */
  bound?: boolean;
}

export interface MetricComparison {
  metric: BenchMetric;
  policy: Summary;
  baseline: Summary;
  paired: PairedComparison;
  /** Holm-adjusted p-values over every comparison of the set report. */
  holmPairedTP: number;
  holmWilcoxonP: number;
}

export interface SetReport {
  set: string;
  scenarios: string[];
  policies: PolicySamples[];
  /** The candidate against each baseline, metric by metric. */
  comparisons: { baseline: string; metrics: MetricComparison[] }[];
  /** How loaded the set is: mean CPU and memory utilisation under best-fit. */
  utilisation: { cpu: number; memory: number };
  /** Whether the set tells policies apart: its best heuristic against random, paired on reward. */
  discrimination: { best: string; vsRandom: PairedComparison };
}

export interface BenchOptions {
  weights?: JsonValue;
  /** Trained agents (DQN, PPO) compared like the heuristics, run in this process. */
  learners?: { name: string; policy: () => PolicyModule }[];
  /** Generations of the per-scenario genetic algorithm (0 leaves it out). */
  gaGenerations: number;
  gaPopulation: number;
  seed: number;
}

function emptyValues(): Record<BenchMetric, number[]> {
  return Object.fromEntries(BENCH_METRICS.map((m) => [m, []])) as unknown as Record<BenchMetric, number[]>;
}

function push(values: Record<BenchMetric, number[]>, report: SimulationReport | undefined): void {
  const m = report?.metrics;
  const get: Record<BenchMetric, number | null | undefined> = {
    reward: report ? report.reward : REWARD_FLOOR,
    meanLatency: m?.meanLatency,
    p95Latency: m?.p95Latency,
    p99Latency: m?.p99Latency,
    cpuUtilisation: m?.cpuUtilisation,
    memoryUtilisation: m?.memoryUtilisation,
    costUsd: m?.costUsd,
    energyKwh: m?.energyKwh,
    slaViolationRate: m?.slaViolationRate,
    failureRate: m?.failureRate,
    makespan: m?.makespan,
    fairnessGini: m?.fairnessGini,
  };
  for (const k of BENCH_METRICS) values[k].push(get[k] ?? Number.NaN);
}

const finite = (xs: readonly number[]): number[] => xs.filter((x) => Number.isFinite(x));

/** Policies (not bounds) that failed on every scenario of a set: a bench with one of them has not measured anything about it. */
export function failedEverywhere(r: SetReport): string[] {
  return r.policies.filter((p) => !p.bound && r.scenarios.length > 0 && p.failures >= r.scenarios.length).map((p) => p.name);
}

/** An evaluator over the given scenarios, for running a candidate in the sandbox. */
async function evaluatorFor(scenarios: readonly Scenario[], sandbox: SandboxPool, weights: JsonValue | undefined, timeoutMs?: number, explain = false): Promise<ClusterEvaluator> {
  const options: { [key: string]: JsonValue } = { scenarioSet: scenarios.map((s) => ({ scenario: scenarioToJson(s), split: 'search' })) as unknown as JsonValue };
  if (explain) options['explain'] = true;
  if (weights !== undefined) options['weights'] = weights;
  if (timeoutMs !== undefined) options['timeoutMs'] = timeoutMs;
  return (await createClusterEvaluator(options, { baseDir: '.', sandbox: () => sandbox })) as ClusterEvaluator;
}

/** Runs a policy file in the sandbox on the scenarios; per scenario its report, or undefined with an error. */
export async function runPolicyFile(code: string, fileName: string, scenarios: readonly Scenario[], sandbox: SandboxPool, signal: AbortSignal, weights?: JsonValue, timeoutMs?: number, explain = false): Promise<{ report: SimulationReport | undefined; error?: string }[]> {
  const evaluator = await evaluatorFor(scenarios, sandbox, weights, timeoutMs, explain);
  const workloads = await evaluator.workloads();
  const runs = await evaluator.runCandidate({ code, fileName }, workloads, [...scenarios], signal);
  return runs.map((r) => {
    const o = r.outcome;
    if (o && o.ok) return { report: o as unknown as SimulationReport };
    const f = r.failure ?? (o && !o.ok ? o.failure : undefined);
    return { report: undefined, error: f ? `${f.kind}: ${f.message}` : 'no result' };
  });
}

export async function compareOnSet(
  set: string,
  scenarios: readonly Scenario[],
  policy: { name: string; code: string; fileName: string },
  sandbox: SandboxPool,
  signal: AbortSignal,
  options: BenchOptions,
): Promise<SetReport> {
  const weights = parseWeights(options.weights);
  const candidate: PolicySamples = { name: policy.name, values: emptyValues(), failures: 0 };
  for (const r of await runPolicyFile(policy.code, policy.fileName, scenarios, sandbox, signal, options.weights)) {
    if (!r.report) candidate.failures++;
    push(candidate.values, r.report);
  }
  const baselines: PolicySamples[] = HEURISTIC_NAMES.map((name) => ({ name, values: emptyValues(), failures: 0 }));
  const ga: PolicySamples = { name: ORACLE_NAME, values: emptyValues(), failures: 0, bound: true };
  for (const s of scenarios) {
    signal.throwIfAborted();
    const set = baselinesFor(s, weights);
    HEURISTIC_NAMES.forEach((name, i) => {
      const b = baselines[i] as PolicySamples;
      const report = set.reports[name];
      if (!report) b.failures++;
      push(b.values, report);
    });
    if (options.gaGenerations > 0) {
      const g = geneticBaseline(s, { generations: options.gaGenerations, population: options.gaPopulation, seed: options.seed, weights });
      if (!g.outcome.ok) ga.failures++;
      push(ga.values, g.outcome.ok ? g.outcome : undefined);
    }
  }
  if (options.gaGenerations > 0) baselines.push(ga);
  for (const learner of options.learners ?? []) {
    const samples: PolicySamples = { name: learner.name, values: emptyValues(), failures: 0 };
    for (const s of scenarios) {
      const o = simulate(s, learner.policy(), { weights });
      if (!o.ok) samples.failures++;
      push(samples.values, o.ok ? o : undefined);
    }
    baselines.push(samples);
  }
  return {
    set,
    scenarios: scenarios.map((s) => s.id),
    policies: [candidate, ...baselines],
    comparisons: comparePaired(candidate, baselines, options.seed),
    utilisation: utilisationOf(baselines.find((b) => b.name === 'best-fit')),
    discrimination: discriminationOf(baselines, options.seed),
  };
}

function utilisationOf(reference: PolicySamples | undefined): SetReport['utilisation'] {
  const mean = (xs: readonly number[]): number => summarize(finite(xs)).mean;
  return { cpu: reference ? mean(reference.values.cpuUtilisation) : Number.NaN, memory: reference ? mean(reference.values.memoryUtilisation) : Number.NaN };
}

function discriminationOf(baselines: readonly PolicySamples[], seed: number): SetReport['discrimination'] {
  const random = baselines.find((b) => b.name === 'random');
  const rivals = baselines.filter((b) => !b.bound && b.name !== 'random' && HEURISTIC_NAMES.includes(b.name as (typeof HEURISTIC_NAMES)[number]));
  const mean = (b: PolicySamples): number => summarize(b.values.reward).mean;
  const best = rivals.reduce<PolicySamples | undefined>((top, b) => (!top || mean(b) > mean(top) ? b : top), undefined);
  if (!random || !best) return { best: best?.name ?? 'none', vsRandom: pairedComparison([], [], seed) };
  return { best: best.name, vsRandom: pairedComparison(best.values.reward, random.values.reward, seed) };
}

/** The candidate against each baseline, metric by metric, paired by scenario and Holm-corrected across the whole table. */
export function comparePaired(candidate: PolicySamples, baselines: readonly PolicySamples[], seed = 1): SetReport['comparisons'] {
  const raw = baselines.map((b) => ({
    baseline: b.name,
    metrics: BENCH_METRICS.map((metric) => ({
      metric,
      policy: summarize(finite(candidate.values[metric])),
      baseline: summarize(finite(b.values[metric])),
      paired: pairedComparison(candidate.values[metric], b.values[metric], seed),
    })),
  }));
  const flat = raw.flatMap((c) => c.metrics);
  const t = holm(flat.map((m) => m.paired.pairedTP));
  const w = holm(flat.map((m) => m.paired.wilcoxonP));
  let k = 0;
  return raw.map((c) => ({
    baseline: c.baseline,
    metrics: c.metrics.map((m): MetricComparison => {
      const out = { ...m, holmPairedTP: t[k] as number, holmWilcoxonP: w[k] as number };
      k++;
      return out;
    }),
  }));
}

/** Scenarios drawn without the traces' shape: even sizes, steady arrivals, one node type, no services. */
export function syntheticScenarios(count: number, level: Level = 'medium', seed = 11): Scenario[] {
  return Array.from({ length: count }, (_, i) => {
    const p = defaultParams(level, `synthetic-${level}-${i + 1}`, seed * 1000 + i);
    Object.assign(p, { sizeSpread: 0.3, burstiness: 0, diurnalAmplitude: 0, serviceFraction: 0, heterogeneity: 0, tenants: 3, tenantSkew: 0, deadlineFraction: 0.5 });
    return generateScenario(p);
  });
}

/**
 * Loaded clusters: steady streams of batch work (no long services to stretch the makespan) sized
 * to a quarter of a node, memory-heavy, half of them with tight deadlines, arriving at 2.5 times
 * what the cluster can run at once. Best-fit runs them at 60 to 90% CPU utilisation, and the
 * order of service matters: the heuristics differ here where they tie on light sets.
 */
export function loadedScenarios(count: number, level: Level = 'medium', seed = 17): Scenario[] {
  return Array.from({ length: count }, (_, i) => {
    const p = defaultParams(level, `loaded-${level}-${i + 1}`, seed * 1000 + i);
    Object.assign(p, { serviceFraction: 0, sizeSpread: 0.6, diurnalAmplitude: 0, burstiness: 0.2, deadlineFraction: 0.6, deadlineSlack: 2.5, heterogeneity: 0, load: 2.5, tasks: p.nodes * 12, sizeScale: 4, memoryScale: 2 });
    return generateScenario(p);
  });
}

/** Scenarios with each public trace's statistics, at the given level. */
export function traceShapedScenarios(perProfile: number, level: Level = 'medium', seed = 13): Scenario[] {
  return TRACE_PROFILE_NAMES.flatMap((profile, k) =>
    Array.from({ length: perProfile }, (_, i) => {
      const p = defaultParams(level, `trace-${profile}-${level}-${i + 1}`, seed * 1000 + k * 100 + i);
      p.profile = profile;
      return generateScenario(p);
    }),
  );
}

export interface ScalePoint {
  tasks: number;
  nodes: number;
  reward: number;
  firstFitReward: number;
  /** Time inside the policy per task, measured by the sandbox harness. */
  decisionMsPerTask: number;
  /** Wall time of the sandbox job (simulation included) per task. */
  wallMsPerTask: number;
  firstFitMsPerTask: number;
  error?: string;
}

export async function scalability(code: string, fileName: string, sizes: readonly number[], sandbox: SandboxPool, signal: AbortSignal, weights?: JsonValue): Promise<ScalePoint[]> {
  const parsed = parseWeights(weights);
  const points: ScalePoint[] = [];
  for (const tasks of sizes) {
    const p = defaultParams('expert', `scale-${tasks}`, 4242 + tasks);
    p.tasks = tasks;
    p.nodes = Math.max(3, Math.round(tasks / 2));
    const scenario = generateScenario(p);
    const started = performance.now();
    const [run] = await runPolicyFile(code, fileName, [scenario], sandbox, signal, weights, 120_000 + 200 * tasks);
    const wall = performance.now() - started;
    const ffStart = performance.now();
    const ff = runHeuristic('first-fit', scenario, { weights: parsed });
    const ffMs = performance.now() - ffStart;
    if (!ff.ok) throw new Error(`first-fit failed on ${scenario.id}: ${ff.failure.message}`);
    const point: ScalePoint = {
      tasks,
      nodes: p.nodes,
      reward: run?.report?.reward ?? Number.NaN,
      firstFitReward: ff.reward,
      decisionMsPerTask: run?.report?.decisionMs != null ? run.report.decisionMs / tasks : Number.NaN,
      wallMsPerTask: wall / tasks,
      firstFitMsPerTask: ffMs / tasks,
    };
    if (run?.error) point.error = run.error;
    points.push(point);
  }
  return points;
}

export interface TransferReport {
  cloud: string[];
  edge: string[];
  evolvedOn: string[];
  candidates: number;
  /** Mean reward before and after evolving, and first-fit's, on each set. */
  before: { cloud: number; edge: number };
  after: { cloud: number; edge: number };
  firstFit: { cloud: number; edge: number };
  /** Gain over the starting policy on edge divided by the gain on cloud (1: all of it kept). */
  kept: number;
  explanation: string;
}

function cloudEdgeSets(count: number, seed: number): { cloud: Scenario[]; edge: Scenario[]; train: Scenario[]; validation: Scenario[] } {
  const make = (kind: 'cloud' | 'edge', i: number): Scenario => {
    const p = defaultParams('medium', `${kind}-${i + 1}`, seed * 7919 + i * 31 + (kind === 'edge' ? 1 : 0));
    p.edgeFraction = kind === 'edge' ? 0.8 : 0;
    p.profile = TRACE_PROFILE_NAMES[i % TRACE_PROFILE_NAMES.length] as (typeof TRACE_PROFILE_NAMES)[number];
    return generateScenario(p);
  };
  const trainCount = Math.max(2, Math.floor(count / 2));
  const cloudAll = Array.from({ length: count + trainCount + 2 }, (_, i) => make('cloud', i));
  return {
    train: cloudAll.slice(0, trainCount),
    validation: cloudAll.slice(trainCount, trainCount + 2),
    cloud: cloudAll.slice(trainCount + 2),
    edge: Array.from({ length: count }, (_, i) => make('edge', i)),
  };
}

/** Evolves the policy on cloud-only scenarios, then scores it on unseen cloud and edge-heavy ones. */
export async function transfer(file: string, fileName: string, code: string, defender: DefenderSettings, count: number, sandbox: SandboxPool, signal: AbortSignal): Promise<TransferReport> {
  const sets = cloudEdgeSets(count, defender.seed);
  const outcome = await defend({ file, fileName, code, search: sets.train, validation: sets.validation, holdout: [], round: 0 }, defender, sandbox, signal);
  const weights = parseWeights(defender.weights);
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const score = async (c: string, scenarios: Scenario[]): Promise<number> => mean((await runPolicyFile(c, fileName, scenarios, sandbox, signal, defender.weights)).map((r) => r.report?.reward ?? 0));
  const before = { cloud: await score(code, sets.cloud), edge: await score(code, sets.edge) };
  const after = { cloud: await score(outcome.code, sets.cloud), edge: await score(outcome.code, sets.edge) };
  const firstFit = {
    cloud: mean(sets.cloud.map((s) => baselinesFor(s, weights).reports['first-fit'].reward)),
    edge: mean(sets.edge.map((s) => baselinesFor(s, weights).reports['first-fit'].reward)),
  };
  const cloudGain = after.cloud - before.cloud;
  return {
    cloud: sets.cloud.map((s) => s.id),
    edge: sets.edge.map((s) => s.id),
    evolvedOn: sets.train.map((s) => s.id),
    candidates: outcome.candidates,
    before,
    after,
    firstFit,
    kept: Math.abs(cloudGain) > 1e-9 ? (after.edge - before.edge) / cloudGain : Number.NaN,
    explanation: outcome.explanation,
  };
}

/** A policy against the strongest non-oracle heuristic on one level's held-out scenarios. */
export interface LevelComparison {
  level: Level;
  scenarios: string[];
  policy: Summary;
  failures: number;
  /** The heuristic with the highest mean reward on this very set (the hardest rival, chosen after the fact). */
  bestHeuristic: { name: string; summary: Summary };
  paired: PairedComparison;
  /** Holm-adjusted over the levels of the comparison. */
  holmPairedTP: number;
  holmWilcoxonP: number;
}

/**
 * Scores a policy file and every heuristic on fresh scenarios of each level (drawn like that
 * level's seeds from a stream nothing trained on), and tests the policy against the best
 * heuristic of each level, paired by scenario, Holm-corrected across levels.
 */
export async function compareWithHeuristicsByLevel(
  policy: { code: string; fileName: string },
  levels: readonly Level[],
  count: number,
  family: string,
  sandbox: SandboxPool,
  signal: AbortSignal,
  weights?: JsonValue,
  seed = 1,
): Promise<LevelComparison[]> {
  const parsed = parseWeights(weights);
  const raw: Omit<LevelComparison, 'holmPairedTP' | 'holmWilcoxonP'>[] = [];
  for (const level of levels) {
    const scenarios = familyScenarios(level, count, family);
    const runs = await runPolicyFile(policy.code, policy.fileName, scenarios, sandbox, signal, weights);
    const mine = runs.map((r) => r.report?.reward ?? REWARD_FLOOR);
    const failures = runs.filter((r) => !r.report).length;
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    let best: { name: string; rewards: number[] } | undefined;
    for (const name of HEURISTIC_NAMES) {
      const rewards = scenarios.map((s) => {
        const o = runHeuristic(name, s, { weights: parsed });
        return o.ok ? o.reward : REWARD_FLOOR;
      });
      if (!best || mean(rewards) > mean(best.rewards)) best = { name, rewards };
    }
    const rival = best as { name: string; rewards: number[] };
    raw.push({ level, scenarios: scenarios.map((s) => s.id), policy: summarize(mine), failures, bestHeuristic: { name: rival.name, summary: summarize(rival.rewards) }, paired: pairedComparison(mine, rival.rewards, seed) });
  }
  const t = holm(raw.map((r) => r.paired.pairedTP));
  const w = holm(raw.map((r) => r.paired.wilcoxonP));
  return raw.map((r, i) => ({ ...r, holmPairedTP: t[i] as number, holmWilcoxonP: w[i] as number }));
}
