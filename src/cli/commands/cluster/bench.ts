// `cluster bench <policy>`: the policy against every baseline with confidence intervals and
// significance tests, scalability, cloud-to-edge transfer and self-play ablations.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { builtinEntries, familyScenarios, parseWeights, seedScenarios, type Scenario } from '../../../evaluators/cluster';
import { trainDqn, trainPpo, type TrainedAgent } from '../../../evaluators/cluster/rl';
import { createSandboxPool } from '../../../sandbox/pool';
import {
  compareOnSet,
  failedEverywhere,
  runPolicyFile,
  runSelfPlay,
  TUNE_GENERATOR,
  untunableReason,
  scalability,
  syntheticScenarios,
  loadedScenarios,
  pairedComparison,
  holm,
  summarize,
  REWARD_FLOOR,
  type PairedComparison,
  traceShapedScenarios,
  transfer,
  type BenchOptions,
  type SelfPlayOptions,
  type SetReport,
} from '../../../evaluators/cluster/selfplay';
import { ExitCode, UserError } from '../../errors';
import { parseIntFlag } from '../../../app/run-config';
import { type ClusterCliOutput, setExitCode, collect } from './io';
import { type BenchFlags, addPolicyFlags, readPolicy, parseWeightsFlag, parseLevelsFlag, parseSizes, defenderSettings } from './options';
import { loadScenarioPaths, outDir } from './scenario-files';
import { fmtSigned, formatP, formatSetReport, formatScalability } from './format';
import { selfPlayOptions } from './selfplay';

export function registerBenchCommand(cluster: Command, io: ClusterCliOutput): void {
  addPolicyFlags(
    cluster
      .command('bench')
      .description('compare a policy with every baseline: confidence intervals, significance tests, scalability, transfer, ablations')
      .argument('<policy>', 'policy file (.ts/.js) exporting decide(view)')
      .option('--levels <list>', 'levels of the seed scenarios in the trace-shaped set', 'medium,hard')
      .option('--synthetic <n>', 'synthetic scenarios (even sizes, steady arrivals)', '10')
      .option('--trace-shaped <n>', 'extra generated scenarios per public trace profile', '3')
      .option('--loaded <n>', 'loaded-cluster scenarios (60-90% CPU under best-fit, memory-tight, deadlines)', '10')
      .option('--scenarios <path>', 'also compare on these scenario files or folders (repeatable)', collect)
      .option('--ga-generations <n>', 'generations of the per-scenario genetic algorithm (0: leave it out)', '10')
      .option('--ga-population <n>', 'population of the genetic algorithm', '16')
      .option('--scale <sizes>', 'task counts for the scalability test', '10,50,100,500,1000')
      .option('--no-scale', 'skip the scalability test')
      .option('--transfer', 'evolve on cloud scenarios and report the gain kept on edge scenarios')
      .option('--transfer-scenarios <n>', 'scenarios in each transfer test set', '6')
      .option('--rl', 'also train DQN and PPO agents (TensorFlow.js, CPU) on the search seeds of --levels and compare them')
      .option('--rl-episodes <n>', 'training episodes of each learning agent', '150')
      .option('--ablations', 'run short self-play with and without attacker, policy database and curriculum')
      .option('--rounds <n>', 'self-play rounds per ablation run', '3'),
  ).action(async (policy: string, flags: BenchFlags) => {
    const { file, code } = readPolicy(policy);
    const fileName = basename(file);
    const concurrency = parseIntFlag('concurrency', flags.concurrency, 1) ?? 2;
    const seed = parseIntFlag('seed', flags.seed, 0) ?? 1;
    const weights = parseWeightsFlag(flags.weights);
    const levels = parseLevelsFlag(flags.levels ?? 'medium,hard');
    // Every flag is checked before any work: a typo must not surface after a long comparison.
    const synthetic = parseIntFlag('synthetic', flags.synthetic, 0) ?? 10;
    const perProfile = parseIntFlag('trace-shaped', flags.traceShaped, 0) ?? 3;
    const loaded = parseIntFlag('loaded', flags.loaded, 0) ?? 10;
    const userScenarios = flags.scenarios?.length ? loadScenarioPaths(flags.scenarios) : undefined;
    const gaGenerations = parseIntFlag('ga-generations', flags.gaGenerations, 0) ?? 10;
    const gaPopulation = parseIntFlag('ga-population', flags.gaPopulation, 4) ?? 16;
    const rlEpisodes = parseIntFlag('rl-episodes', flags.rlEpisodes, 1) ?? 150;
    const sizes = flags.scale !== false ? parseSizes(typeof flags.scale === 'string' ? flags.scale : '10,50,100,500,1000') : undefined;
    const transferScenarios = parseIntFlag('transfer-scenarios', flags.transferScenarios, 2) ?? 6;
    const defender = defenderSettings(flags, join(outDir(flags.out, 'bench'), 'runs'), 30);
    const untunable = (flags.ablations || flags.transfer) && defender.generator.id === TUNE_GENERATOR ? untunableReason(code, fileName) : undefined;
    if (untunable) throw new UserError(untunable, ExitCode.badInput);
    if (flags.ablations) parseIntFlag('rounds', flags.rounds, 1);
    const sandbox = createSandboxPool({ size: concurrency });
    const signal = new AbortController().signal;
    const report: Record<string, unknown> = {};
    try {
      const sets: { name: string; scenarios: Scenario[] }[] = [];
      if (synthetic > 0) sets.push({ name: 'synthetic', scenarios: syntheticScenarios(synthetic, 'medium', seed) });
      sets.push({ name: `trace-shaped (seeds: ${levels.join(', ')}; generated: ${perProfile} per trace)`, scenarios: [...seedScenarios(levels), ...traceShapedScenarios(perProfile, 'medium', seed)] });
      if (loaded > 0) sets.push({ name: 'loaded', scenarios: loadedScenarios(loaded, 'medium', seed) });
      if (userScenarios) sets.push({ name: 'user scenarios', scenarios: userScenarios });
      const benchOptions: BenchOptions = {
        weights,
        gaGenerations,
        gaPopulation,
        seed,
      };
      const learners: TrainedAgent[] = [];
      if (flags.rl) {
        const train = builtinEntries(levels).filter((e) => e.split === 'search').map((e) => e.scenario);
        const episodes = rlEpisodes;
        const rlOptions = { episodes, seed, ...(weights !== undefined ? { weights: parseWeights(weights) } : {}) };
        for (const train_ of [trainDqn, trainPpo]) {
          io.err(`training ${train_ === trainDqn ? 'DQN' : 'PPO'} for ${episodes} episodes on ${train.length} search seeds...\n`);
          learners.push(await train_(train, rlOptions));
        }
        report['learners'] = learners.map((l) => ({ name: l.name, episodes: l.episodes, trainingMs: l.trainingMs, trainedOn: train.map((s) => s.id), lastAdvantage: l.history.slice(-10).reduce((a, h) => a + h.advantage, 0) / Math.min(10, l.history.length) }));
        if (!flags.json) for (const l of learners) io.out(`${l.name.toUpperCase()}: trained ${l.episodes} episodes in ${(l.trainingMs / 1000).toFixed(1)} s on the search seeds of ${levels.join(', ')}\n`);
      }
      benchOptions.learners = learners.map((l) => ({ name: l.name, policy: () => l.policy() }));
      const setReports: SetReport[] = [];
      for (const set of sets) {
        io.err(`comparing on ${set.name}: ${set.scenarios.length} scenarios...\n`);
        const r = await compareOnSet(set.name, set.scenarios, { name: fileName, code, fileName }, sandbox, signal, benchOptions);
        setReports.push(r);
        if (!flags.json) io.out(formatSetReport(r));
      }
      report['sets'] = setReports;
      const dead = setReports.flatMap((r) => failedEverywhere(r).map((name) => `${name} on ${r.set}`));
      if (dead.length) {
        io.err(`failed on every scenario (nothing was measured): ${dead.join('; ')}\n`);
        setExitCode(io, ExitCode.evaluation);
      }
      if (sizes) {
        io.err(`scalability at ${sizes.join(', ')} tasks...\n`);
        const points = await scalability(code, fileName, sizes, sandbox, signal, weights);
        report['scalability'] = points;
        if (!flags.json) io.out(formatScalability(points));
      }
      if (flags.transfer) {
        io.err('transfer: evolving on cloud scenarios...\n');
        const t = await transfer(file, fileName, code, defender, transferScenarios, sandbox, signal);
        report['transfer'] = t;
        if (!flags.json) {
          io.out(`\nTransfer (evolved ${t.candidates} candidates on ${t.evolvedOn.length} cloud scenarios; tested on ${t.cloud.length} unseen cloud and ${t.edge.length} edge-heavy scenarios)\n`);
          io.out(`  cloud: ${t.before.cloud.toFixed(4)} -> ${t.after.cloud.toFixed(4)} (first-fit ${t.firstFit.cloud.toFixed(4)})\n`);
          io.out(`  edge:  ${t.before.edge.toFixed(4)} -> ${t.after.edge.toFixed(4)} (first-fit ${t.firstFit.edge.toFixed(4)})\n`);
          io.out(`  performance kept on edge: ${Number.isFinite(t.kept) ? `${(t.kept * 100).toFixed(0)}% of the cloud gain` : 'n/a (no gain on cloud)'}\n`);
        }
      }
      if (flags.ablations) {
        const variants: [string, SelfPlayOptions['ablation']][] = [['full', {}], ['no attacker', { noAttacker: true }], ['no policy database', { noPolicyDb: true }], ['no curriculum', { noCurriculum: true }]];
        // Each variant's best policy plays the same fresh scenarios, so variants compare paired.
        const heldOut = [...familyScenarios('medium', ABLATION_SCENARIOS_PER_LEVEL, 'ablation-heldout'), ...familyScenarios('hard', ABLATION_SCENARIOS_PER_LEVEL, 'ablation-heldout')];
        const rewardsOf = async (policyCode: string): Promise<number[]> => (await runPolicyFile(policyCode, fileName, heldOut, sandbox, signal, weights)).map((x) => x.report?.reward ?? REWARD_FLOOR);
        const start = await rewardsOf(code);
        const played: { variant: string; rewards: number[]; rounds: number; reason: string }[] = [];
        for (const [name, ablation] of variants) {
          io.err(`ablation: ${name}...\n`);
          const workDir = join(outDir(flags.out, 'bench'), `ablation-${name.replace(/\s+/g, '-')}`);
          const options = selfPlayOptions(file, code, { ...flags, rounds: flags.rounds ?? '3', levels: 'easy,medium', holdoutLevels: 'medium,hard', out: workDir }, io);
          const r = await runSelfPlay({ ...options, ablation }, sandbox, signal);
          played.push({ variant: name, rewards: await rewardsOf(readFileSync(r.best.file, 'utf8')), rounds: r.rounds.length, reason: r.reason });
        }
        const full = played[0] as (typeof played)[number];
        // One family of tests: the full loop against the starting policy, and each ablation against the full loop.
        const tests = [pairedComparison(full.rewards, start, seed), ...played.slice(1).map((v) => pairedComparison(v.rewards, full.rewards, seed))];
        const holmT = holm(tests.map((t) => t.pairedTP));
        const rows = played.map((v, i) => ({ variant: v.variant, meanReward: summarize(v.rewards).mean, against: i === 0 ? 'start' : 'full', comparison: tests[i] as PairedComparison, holmPairedTP: holmT[i] as number, rounds: v.rounds, reason: v.reason }));
        report['ablations'] = { scenarios: heldOut.map((x) => x.id), startMean: summarize(start).mean, rows };
        if (!flags.json) {
          io.out(`\nAblations: each variant's best policy on ${heldOut.length} fresh medium and hard scenarios (start ${summarize(start).mean.toFixed(4)}); paired differences, Holm-corrected:\n`);
          for (const r of rows) io.out(`  ${r.variant.padEnd(20)} ${r.meanReward.toFixed(4)}  vs ${r.against.padEnd(5)} ${fmtSigned(r.comparison.meanDiff)} [${fmtSigned(r.comparison.diffCi95[0])}, ${fmtSigned(r.comparison.diffCi95[1])}] dz ${fmtSigned(r.comparison.dz)} p ${formatP(r.holmPairedTP)}  (${r.rounds} rounds, ${r.reason})\n`);
        }
      }
      if (flags.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
      for (const l of learners) l.dispose();
    } finally {
      await sandbox.close();
    }
  });

}

/** Fresh scenarios per level on which the ablation variants are compared. */
const ABLATION_SCENARIOS_PER_LEVEL = 10;
