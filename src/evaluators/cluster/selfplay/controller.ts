// The self-play controller. Each round: the attacker proposes scenarios for the current level,
// the five validators filter them, the defender (the engine) evolves the policy on the level's
// scenarios plus the accepted ones, the new champion plays every scenario of the level (ELO
// matches), the curriculum moves up when it succeeds on 70% of them, and stopping rules are
// checked. At the end the stored policy with the best reward on validation scenarios is the best
// one, and it and the initial policy are compared with the heuristics on held-out seed scenarios
// no round ever trained on.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonValue } from '../../../core/types';
import type { RunProgress } from '../../../messages/progress';
import { builtinEntries, familyScenarios, LEVELS, scenarioToJson, type Level, type Scenario } from '..';
import type { SandboxPool } from '../../../sandbox/types';
import type { Attacker, ProposalOutcome } from './attacker/types';
import { Curriculum, type CurriculumStep } from './curriculum';
import { defend, TUNE_GENERATOR, type DefenderSettings } from './defender';
import { DiversityTracker, type DiversityStats } from './diversity';
import { EloTable, matchScore, type EloEntry } from './elo';
import { scenarioFeatures } from './features';
import { DEFENDER_DIRECTIVES, PromptVariantPool, type PromptVariant } from './meta-prompts';
import { PolicyDatabase, type PolicyEntry } from './policy-db';
import { scorePolicy, type MatchOutcome, type PolicyScore } from './score';
import { policyHash, readCheckpoint, writeCheckpoint, type CheckpointIdentity } from './checkpoint';
import { parseScenario } from '..';
import { DEFAULT_VALIDATOR_CONFIG, validateScenario, type Layer, type Validation, type ValidatorConfig } from './validators';

export type StopReason = 'plateau' | 'top-level' | 'threshold' | 'rounds' | 'time' | 'cancelled';

export interface SelfPlayOptions {
  /** The policy file being evolved (absolute path), its name and text. */
  file: string;
  fileName: string;
  code: string;
  /** Where defender runs, the report and the best policy are written. */
  workDir: string;
  rounds: number;
  /** Scenarios the attacker proposes per attack iteration, and iterations per round. */
  proposalsPerRound: number;
  attackIterations: number;
  /** Largest search set of one defender run (attacker scenarios first, then seeds). */
  trainScenarios: number;
  /**
   * Fresh scenarios drawn from the level's generator (a new family each round, never one the
   * validation or held-out sets use) added to every round's training set: more situations to tune
   * on than a level's few seeds, so the policy learns the level rather than its seeds.
   */
  generatedTrain?: number;
  levels: readonly Level[];
  /** Success rate on a level's scenarios that moves the curriculum up. */
  threshold: number;
  attacker: Attacker | undefined;
  defender: DefenderSettings;
  /** `maxWallSeconds`: no round starts after this much time (the round in progress finishes). */
  stop: { plateauRounds: number; plateauEpsilon: number; targetReward?: number; maxWallSeconds?: number };
  /** Seconds since some fixed point; injected by tests (default: the monotonic clock). */
  clock?: () => number;
  ablation: { noAttacker?: boolean; noPolicyDb?: boolean; noCurriculum?: boolean };
  weights?: JsonValue;
  validator?: ValidatorConfig;
  /** Continue the run saved in workDir (its checkpoint) instead of starting over. */
  resume?: boolean;
  /** Levels whose held-out seeds score the final comparison (default: every level trained on). */
  holdoutLevels?: readonly Level[];
  onEvent?: (event: SelfPlayEvent) => void;
}

export type SelfPlayEvent =
  | { kind: 'round-start'; round: number; level: Level; startPolicy: string }
  | { kind: 'proposal'; round: number; id: string; accepted: boolean; layer?: Layer | 'schema'; reason?: string; reward?: number; bestBaseline?: number }
  | { kind: 'defender'; round: number; progress: RunProgress }
  | { kind: 'round-end'; record: RoundRecord }
  | { kind: 'holdout'; initial: number; best: number; firstFit: number }
  | { kind: 'stopped'; reason: StopReason };

export interface RoundRecord {
  round: number;
  level: Level;
  accepted: number;
  rejected: Partial<Record<Layer | 'schema', number>>;
  trainScenarios: string[];
  defenderRun: string;
  defenderCandidates: number;
  defenderImproved: boolean;
  policyId: string;
  explanation: string;
  meanReward: number;
  /** Mean reward of the best heuristic on the same scenarios; meanReward minus it is the gap. */
  meanBestHeuristic: number;
  /** The champion on this round's accepted attacker scenarios alone (null when none was accepted): the attacker's pressure. */
  attack: { scenarios: number; meanReward: number; meanBestHeuristic: number } | null;
  successRate: number;
  advanced: boolean;
  elo: number;
  diversity: DiversityStats;
  promptVariant?: string;
  spendUsd: number;
}

export interface SelfPlayReport {
  /** The evolved policy file (absolute path), so editors can find the report of a file. */
  policy: string;
  reason: StopReason;
  rounds: RoundRecord[];
  levelReached: Level;
  curriculum: CurriculumStep[];
  /** Chosen by validation reward; its ELO is the second ranking. */
  best: { id: string; explanation: string; elo: number; file: string; validationReward: number };
  /** Every stored policy on the validation scenarios, best first, with its ELO. */
  validation: { scenarios: string[]; ranking: { id: string; reward: number; elo: number }[] };
  /** ELO leaderboard at the last level played. */
  leaderboard: ReturnType<PolicyDatabase['leaderboard']>;
  /** The scenarios that beat policies most often (highest ELO). */
  hardestScenarios: EloEntry[];
  diversity: DiversityStats;
  attackerRejections: Partial<Record<Layer | 'schema', number>>;
  promptVariants: PromptVariant[];
  holdout: { scenarios: string[]; initial: number; best: number; firstFit: number; bestHeuristic: number; perScenario: { id: string; initial: number; best: number; firstFit: number; bestHeuristic: number }[] };
  spendUsd: number;
}

const GENERATED_PER_LEVEL = 24;
/** Families of the fresh scenarios that choose the best policy and that score it at the end. */
export const VALIDATION_FAMILY = 'selfplay-validation';
export const HOLDOUT_FAMILY = 'selfplay-holdout';
/** Family of the generated training scenarios of a round. */
export const trainingFamily = (round: number): string => `selfplay-train-r${round}`;
/** Fresh scenarios per held-out level that choose the best policy. */
const VALIDATION_PER_LEVEL = 6;
/** Fresh scenarios per held-out level added to that level's held-out seeds. */
const HOLDOUT_PER_LEVEL = 6;

/** Scenarios enter the ratings by level, so beating an easy one is worth less than a hard one. */
export const LEVEL_RATING: Record<Level, number> = { easy: 1300, medium: 1450, hard: 1600, expert: 1750 };

export async function runSelfPlay(options: SelfPlayOptions, sandbox: SandboxPool, signal: AbortSignal): Promise<SelfPlayReport> {
  const emit = (e: SelfPlayEvent): void => options.onEvent?.(e);
  const validator = options.validator ?? DEFAULT_VALIDATOR_CONFIG;
  const levels = options.levels.length ? options.levels : LEVELS;
  const curriculum = options.ablation.noCurriculum ? new Curriculum([levels[levels.length - 1] as Level], options.threshold) : new Curriculum(levels, options.threshold);
  const elo = new EloTable();
  const db = new PolicyDatabase(elo);
  const diversity = new DiversityTracker();
  const generated = new Map<Level, Scenario[]>();
  const rejectedTotal: Partial<Record<Layer | 'schema', number>> = {};
  const usesPrompts = !['mutate', 'replay', TUNE_GENERATOR].includes(options.defender.generator.id);
  const defenderPrompts = new PromptVariantPool('defender', DEFENDER_DIRECTIVES, { seed: options.defender.seed });
  const runsDir = join(options.workDir, 'runs');
  mkdirSync(runsDir, { recursive: true });
  const seeds = new Map<Level, ReturnType<typeof builtinEntries>>();
  const seedsOf = (level: Level) => {
    let e = seeds.get(level);
    if (!e) seeds.set(level, (e = builtinEntries([level])));
    return e;
  };
  // The seeds join the diversity history, so generated scenarios must differ from them too.
  for (const level of levels) for (const e of seedsOf(level)) diversity.add(e.scenario.id, scenarioFeatures(e.scenario));

  const initial = db.add(options.code, { explanation: 'the starting policy', round: 0, level: curriculum.level, reward: 0, origin: 'initial' });
  let current: PolicyEntry = initial;
  const records: RoundRecord[] = [];
  let reason: StopReason = 'rounds';
  let stale = 0;
  let spend = 0;
  let firstRound = 1;
  const identity: CheckpointIdentity = {
    policyHash: policyHash(options.code),
    levels: [...levels],
    attacker: options.attacker && !options.ablation.noAttacker ? options.attacker.id : 'none',
    seed: options.defender.seed,
    generator: options.defender.generator.id,
  };
  if (options.resume) {
    const saved = readCheckpoint<RoundRecord>(options.workDir, identity);
    db.load(saved.policies);
    elo.load(saved.elo);
    curriculum.load(saved.curriculum);
    diversity.load(saved.diversity);
    for (const [level, list] of Object.entries(saved.generated) as [Level, unknown[]][]) generated.set(level, list.map((json) => parseScenario(json)));
    if (options.attacker && saved.attacker !== null) options.attacker.load(saved.attacker);
    defenderPrompts.load(saved.defenderPrompts);
    records.push(...saved.records);
    Object.assign(rejectedTotal, saved.rejectedTotal);
    stale = saved.stale;
    spend = saved.spendUsd;
    current = db.all().find((p) => p.id === saved.currentPolicy) ?? initial;
    firstRound = saved.round + 1;
  }
  const checkpoint = (round: number): void =>
    writeCheckpoint(options.workDir, {
      version: 1,
      identity,
      round,
      records,
      stale,
      spendUsd: spend,
      rejectedTotal,
      currentPolicy: current.id,
      policies: db.all(),
      elo: elo.snapshot(),
      curriculum: curriculum.save(),
      diversity: diversity.save(),
      generated: Object.fromEntries([...generated].map(([l, list]) => [l, list.map(scenarioToJson)])),
      attacker: options.attacker ? options.attacker.save() : null,
      defenderPrompts: defenderPrompts.save(),
    });

  const clock = options.clock ?? ((): number => performance.now() / 1000);
  const started = clock();
  for (let round = firstRound; round <= options.rounds; round++) {
    if (signal.aborted) {
      reason = 'cancelled';
      break;
    }
    if (options.stop.maxWallSeconds !== undefined && round > firstRound && clock() - started >= options.stop.maxWallSeconds) {
      reason = 'time';
      break;
    }
    const level = curriculum.level;
    const start = options.ablation.noPolicyDb ? current : (db.best(level) ?? current);
    emit({ kind: 'round-start', round, level, startPolicy: start.id });
    const levelSeeds = seedsOf(level);
    const searchSeeds = levelSeeds.filter((e) => e.split === 'search').map((e) => e.scenario);
    const validationSeeds = levelSeeds.filter((e) => e.split === 'validation').map((e) => e.scenario);

    // Attack.
    const rejected: Partial<Record<Layer | 'schema', number>> = {};
    let accepted = 0;
    const acceptedThisRound: Scenario[] = [];
    if (options.attacker && !options.ablation.noAttacker) {
      for (let it = 0; it < options.attackIterations; it++) {
        const proposals = await options.attacker.propose({ level, round, count: options.proposalsPerRound, signal });
        const outcomes: ProposalOutcome[] = [];
        const fresh: { scenario: Scenario; outcome: ProposalOutcome }[] = [];
        for (const proposal of proposals) {
          const v: Validation = proposal.problem
            ? { ok: false, rejection: { layer: 'schema', reason: proposal.problem, details: [] } }
            : validateScenario(withId(proposal.json, proposal.id), { level, diversity, config: validator });
          if (!v.ok) {
            rejected[v.rejection.layer] = (rejected[v.rejection.layer] ?? 0) + 1;
            rejectedTotal[v.rejection.layer] = (rejectedTotal[v.rejection.layer] ?? 0) + 1;
            outcomes.push({ proposal, accepted: false, rejection: v.rejection });
            emit({ kind: 'proposal', round, id: proposal.id, accepted: false, layer: v.rejection.layer, reason: v.rejection.reason });
            continue;
          }
          diversity.add(v.scenario.id, scenarioFeatures(v.scenario));
          const outcome: ProposalOutcome = { proposal, accepted: true };
          outcomes.push(outcome);
          fresh.push({ scenario: v.scenario, outcome });
        }
        if (fresh.length) {
          // The current policy and the strongest stored ones play the new scenarios: their share of
          // successes is the learnability signal.
          const players = uniqueEntries([start, ...db.top(level, 3)]);
          const results = await Promise.all(players.map((p) => scorePolicy(p.code, options.fileName, fresh.map((f) => f.scenario), sandbox, signal, options.weights)));
          fresh.forEach((f, i) => {
            const mine = (results[0] as { matches: MatchOutcome[] }).matches[i] as MatchOutcome;
            const share = results.filter((r) => r.matches[i]?.success).length / results.length;
            f.outcome.defender = { reward: mine.reward, bestBaseline: mine.bestBaseline, success: mine.success, successShare: share, summary: describe(f.scenario) };
            emit({ kind: 'proposal', round, id: f.scenario.id, accepted: true, reward: mine.reward, bestBaseline: mine.bestBaseline });
          });
          const list = generated.get(level) ?? [];
          list.push(...fresh.map((f) => f.scenario));
          generated.set(level, list.slice(-GENERATED_PER_LEVEL));
          accepted += fresh.length;
          acceptedThisRound.push(...fresh.map((f) => f.scenario));
        }
        options.attacker.observe(outcomes);
      }
    }

    // Defend.
    const attackScenarios = (generated.get(level) ?? []).slice(-Math.ceil(options.trainScenarios / 2));
    const train = [...attackScenarios, ...searchSeeds].slice(0, Math.max(1, options.trainScenarios));
    if (options.generatedTrain) train.push(...familyScenarios(level, options.generatedTrain, trainingFamily(round)));
    // Search seeds left out of training join validation: a bigger check against overfitting.
    const validation = [...validationSeeds, ...searchSeeds.filter((s) => !train.includes(s))];
    let variant: PromptVariant | undefined;
    let settings = options.defender;
    if (usesPrompts) {
      variant = defenderPrompts.pick();
      settings = { ...settings, promptsDir: writePromptVariant(options.defender.promptsDir, join(options.workDir, 'prompts', variant.id), variant) };
    }
    const outcome = await defend(
      { file: options.file, fileName: options.fileName, code: start.code, search: train, validation, holdout: [], round },
      { ...settings, seed: settings.seed + round },
      sandbox,
      signal,
      (e) => {
        if (e.kind === 'progress') emit({ kind: 'defender', round, progress: e.progress });
      },
    );
    spend += outcome.spendUsd;
    const improved = outcome.bestId !== 'c0' && outcome.bestScore !== null && outcome.initialScore !== null && outcome.bestScore > outcome.initialScore + options.stop.plateauEpsilon;
    if (variant) {
      defenderPrompts.record(variant.id, improved);
      defenderPrompts.evolve();
    }
    if (signal.aborted) {
      reason = 'cancelled';
      break;
    }

    // Matches: the champion against every scenario of the level.
    const levelSet = [...searchSeeds, ...validationSeeds, ...(generated.get(level) ?? [])];
    const score = await scorePolicy(outcome.code, options.fileName, levelSet, sandbox, signal, options.weights);
    const entry = db.add(outcome.code, { explanation: outcome.explanation, round, level, reward: score.meanReward, origin: `${outcome.runId}/${outcome.bestId}` });
    // The new champion and the strongest stored policies all play the level, so their ratings
    // rest on the same scenarios.
    const rivals = uniqueEntries([start, ...db.top(level, 2)]).filter((p) => p.hash !== entry.hash);
    const rivalScores = await Promise.all(rivals.map((p) => scorePolicy(p.code, options.fileName, levelSet, sandbox, signal, options.weights)));
    const played: [PolicyEntry, MatchOutcome[]][] = [[entry, score.matches], ...rivals.map((p, i): [PolicyEntry, MatchOutcome[]] => [p, (rivalScores[i] as { matches: MatchOutcome[] }).matches])];
    for (const m of score.matches) elo.entry(`scenario:${m.scenarioId}`, LEVEL_RATING[level]);
    db.recordReward(entry, level, score.meanReward);
    rivals.forEach((p, i) => db.recordReward(p, level, (rivalScores[i] as { meanReward: number }).meanReward));
    for (const [policy, matches] of played) {
      for (const m of matches) elo.match(PolicyDatabase.eloId(policy, level), `scenario:${m.scenarioId}`, matchScore(m.reward, m.bestBaseline));
    }
    current = entry;
    const roundAttack = new Set(acceptedThisRound.map((sc) => sc.id));
    const attackMatches = score.matches.filter((m) => roundAttack.has(m.scenarioId));
    const step = curriculum.record(round, score.matches.map((m) => m.success));
    const record: RoundRecord = {
      round,
      level,
      accepted,
      rejected,
      trainScenarios: train.map((s) => s.id),
      defenderRun: outcome.runId,
      defenderCandidates: outcome.candidates,
      defenderImproved: improved,
      policyId: entry.id,
      explanation: outcome.explanation,
      meanReward: score.meanReward,
      meanBestHeuristic: mean(score.matches.map((m) => m.bestBaseline)),
      attack: roundAttack.size ? { scenarios: roundAttack.size, meanReward: mean(attackMatches.map((m) => m.reward)), meanBestHeuristic: mean(attackMatches.map((m) => m.bestBaseline)) } : null,
      successRate: score.successRate,
      advanced: step.advanced,
      elo: elo.rating(PolicyDatabase.eloId(entry, level)),
      diversity: diversity.stats(),
      spendUsd: outcome.spendUsd,
      ...(variant ? { promptVariant: variant.id } : {}),
    };
    records.push(record);
    stale = improved ? 0 : stale + 1;
    checkpoint(round);
    emit({ kind: 'round-end', record });

    // Stopping rules.
    const atTop = curriculum.levelIndex === curriculum.levels.length - 1;
    if (options.stop.targetReward !== undefined && atTop && score.meanReward >= options.stop.targetReward) {
      reason = 'threshold';
      break;
    }
    if (curriculum.completed && !options.ablation.noCurriculum) {
      reason = 'top-level';
      break;
    }
    if (stale >= options.stop.plateauRounds) {
      reason = 'plateau';
      break;
    }
  }

  // The level of the last round played: the curriculum may already point at the next one.
  const lastLevel = records[records.length - 1]?.level ?? curriculum.level;
  const reachedIndex = levels.indexOf(lastLevel);
  const holdoutLevels = options.holdoutLevels ?? (options.ablation.noCurriculum ? [lastLevel] : levels.slice(0, Math.max(0, reachedIndex) + 1));
  // The best policy is the one with the highest reward on validation scenarios no round trained
  // on (the validation seeds of the held-out levels and fresh scenarios drawn like them); ELO,
  // earned on training scenarios, is the second ranking shown beside it.
  const validationSet = [
    ...holdoutLevels.flatMap((l) => seedsOf(l).filter((e) => e.split === 'validation').map((e) => e.scenario)),
    ...holdoutLevels.flatMap((l) => familyScenarios(l, VALIDATION_PER_LEVEL, VALIDATION_FAMILY)),
  ];
  const contenders = options.ablation.noPolicyDb ? uniqueEntries([initial, current]) : uniqueEntries([initial, current, ...db.all()]);
  // One after another: each already spreads over every sandbox worker, and a long run's dozens
  // of stored policies at once would pile up on the shared abort signal.
  const validationScores: PolicyScore[] = [];
  for (const p of contenders) validationScores.push(await scorePolicy(p.code, options.fileName, validationSet, sandbox, signal, options.weights));
  let bestIndex = 0;
  validationScores.forEach((v, i) => {
    if (v.meanReward > (validationScores[bestIndex] as PolicyScore).meanReward + 1e-12) bestIndex = i;
  });
  const best = contenders[bestIndex] as PolicyEntry;
  // The held-out seeds are few per level; fresh scenarios drawn like them make the comparison worth reading.
  const holdoutSet = [
    ...holdoutLevels.flatMap((l) => seedsOf(l).filter((e) => e.split === 'holdout').map((e) => e.scenario)),
    ...holdoutLevels.flatMap((l) => familyScenarios(l, HOLDOUT_PER_LEVEL, HOLDOUT_FAMILY)),
  ];
  const [before, after] = await Promise.all([
    scorePolicy(options.code, options.fileName, holdoutSet, sandbox, signal, options.weights),
    scorePolicy(best.code, options.fileName, holdoutSet, sandbox, signal, options.weights),
  ]);
  const firstFit = before.matches.reduce((s, m) => s + m.firstFit, 0) / Math.max(1, before.matches.length);
  const bestHeuristic = before.matches.reduce((s, m) => s + m.bestBaseline, 0) / Math.max(1, before.matches.length);
  emit({ kind: 'holdout', initial: before.meanReward, best: after.meanReward, firstFit });
  emit({ kind: 'stopped', reason });

  const bestFile = join(options.workDir, `best-${options.fileName}`);
  writeFileSync(bestFile, best.code);
  const report: SelfPlayReport = {
    policy: options.file,
    reason,
    rounds: records,
    levelReached: curriculum.level,
    curriculum: curriculum.history,
    best: { id: best.id, explanation: best.explanation, elo: elo.rating(PolicyDatabase.eloId(best, lastLevel)), file: bestFile, validationReward: (validationScores[bestIndex] as PolicyScore).meanReward },
    validation: { scenarios: validationSet.map((v) => v.id), ranking: contenders.map((p, i) => ({ id: p.id, reward: (validationScores[i] as PolicyScore).meanReward, elo: elo.rating(PolicyDatabase.eloId(p, lastLevel)) })).sort((a, b) => b.reward - a.reward) },
    leaderboard: db.leaderboard(lastLevel),
    hardestScenarios: elo.leaderboard('scenario:').slice(0, 10),
    diversity: diversity.stats(),
    attackerRejections: rejectedTotal,
    promptVariants: defenderPrompts.snapshot(),
    holdout: {
      scenarios: holdoutSet.map((s) => s.id),
      initial: before.meanReward,
      best: after.meanReward,
      firstFit,
      bestHeuristic,
      perScenario: holdoutSet.map((s, i) => ({ id: s.id, initial: before.matches[i]?.reward ?? 0, best: after.matches[i]?.reward ?? 0, firstFit: before.matches[i]?.firstFit ?? 0, bestHeuristic: before.matches[i]?.bestBaseline ?? 0 })),
    },
    spendUsd: spend,
  };
  writeFileSync(join(options.workDir, 'selfplay.json'), `${JSON.stringify({ ...report, generatedScenarios: Object.fromEntries([...generated].map(([l, list]) => [l, list.map(scenarioToJson)])) }, null, 2)}\n`);
  return report;
}

function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
}

function withId(json: unknown, id: string): unknown {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return json;
  return { ...(json as Record<string, unknown>), id };
}

function uniqueEntries(list: PolicyEntry[]): PolicyEntry[] {
  const seen = new Set<string>();
  return list.filter((e) => (seen.has(e.hash) ? false : (seen.add(e.hash), true)));
}

export function describe(s: Scenario): string {
  const edge = s.nodes.filter((n) => n.kind === 'edge').length;
  const services = s.tasks.filter((t) => t.kind === 'service').length;
  const deadlines = s.tasks.filter((t) => t.deadline !== null).length;
  return `${s.tasks.length} tasks (${services} services, ${deadlines} with deadlines) on ${s.nodes.length} nodes (${edge} edge)${s.constraints.preemption ? ', preemption allowed' : ''}`;
}

/** A prompts folder whose cluster system prompt carries the variant's directives. */
function writePromptVariant(baseDir: string, dir: string, v: PromptVariant): string {
  const target = join(dir, 'cluster');
  mkdirSync(target, { recursive: true });
  for (const name of ['system.md', 'user.md']) {
    const source = [join(baseDir, 'cluster', name), join(baseDir, 'generic', name)].find((p) => existsSync(p));
    if (!source) throw new Error(`no ${name} prompt template under ${baseDir}`);
    const text = readFileSync(source, 'utf8');
    writeFileSync(join(target, name), name === 'system.md' ? PromptVariantPool.apply(text, v, 'Strategy hints') : text);
  }
  return dir;
}
