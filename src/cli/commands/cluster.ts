// `cluster ...`: the cluster allocation domain from the command line. `selfplay` evolves a policy
// against an attacker with a curriculum; `bench` compares a policy with every baseline (confidence
// intervals, significance tests), measures scalability and cloud-to-edge transfer, and runs
// self-play ablations; `run`, `validate`, `seeds`, `generate` and `import` handle scenarios.
import type { Command } from 'commander';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { JsonValue } from '../../core/types';
import {
  baselinesFor,
  builtinEntries,
  familyScenarios,
  generateScenario,
  HEURISTIC_NAMES,
  ImportError,
  importAzureVmTable,
  importGoogleTaskEvents,
  isHeuristic,
  isLevel,
  LEVELS,
  parseParams,
  parseWeights,
  readScenarioFile,
  runHeuristic,
  SCENARIO_SCHEMA,
  ScenarioError,
  seedScenarios,
  type Level,
  type Scenario,
  type SimulationReport,
} from '../../evaluators/cluster';
import { formatScenario } from '../../evaluators/cluster/model/format';
import { fileEntries } from '../../evaluators/cluster/workloads';
import { trainDqn, trainPpo, type TrainedAgent } from '../../evaluators/cluster/rl';
import { compose } from '../../app/compose';
import { promptsDir } from '../../app/prompts';
import { createSandboxPool } from '../../sandbox/pool';
import {
  BENCH_METRICS,
  BuiltinAttacker,
  compareOnSet,
  failedEverywhere,
  createScenarioModel,
  DEFAULT_VALIDATOR_CONFIG,
  DiversityTracker,
  HIGHER_IS_BETTER,
  LlmAttacker,
  loadAttackerTemplates,
  runPolicyFile,
  runSelfPlay,
  scalability,
  scenarioFeatures,
  syntheticScenarios,
  loadedScenarios,
  pairedComparison,
  holm,
  summarize,
  REWARD_FLOOR,
  type PairedComparison,
  traceShapedScenarios,
  transfer,
  validateParsed,
  type Attacker,
  type BenchOptions,
  type DefenderSettings,
  type SelfPlayEvent,
  type SelfPlayOptions,
  type SelfPlayReport,
  type SetReport,
} from '../../evaluators/cluster/selfplay';
import { ExitCode, UserError } from '../errors';
import { parseDuration, parseIntFlag, parseKeyValues } from '../../app/run-config';
import { domains } from '../../app/domains';

/** Where the commands write; tests pass their own. */
export interface ClusterCliOutput {
  out(text: string): void;
  err(text: string): void;
  /** Sets the exit code for a command that ran but found problems (default: process.exitCode). */
  exitCode?(code: number): void;
}

function setExitCode(io: ClusterCliOutput, code: number): void {
  if (io.exitCode) io.exitCode(code);
  else process.exitCode = code;
}

const STD_OUTPUT: ClusterCliOutput = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

interface PolicyFlags {
  generator?: string;
  genOption?: string[];
  model?: string[];
  baseUrl?: string;
  candidates?: string;
  concurrency?: string;
  seed?: string;
  weights?: string;
  out?: string;
  json?: boolean;
}

interface SelfPlayFlags extends PolicyFlags {
  rounds?: string;
  proposals?: string;
  attackIterations?: string;
  train?: string;
  levels?: string;
  holdoutLevels?: string;
  threshold?: string;
  target?: string;
  plateau?: string;
  /** A model spec, `builtin`, or false for --no-attacker. */
  attacker?: string | false;
  attackerBaseUrl?: string;
  policyDb?: boolean;
  curriculum?: boolean;
  resume?: boolean;
  time?: string;
}

interface BenchFlags extends PolicyFlags {
  levels?: string;
  synthetic?: string;
  traceShaped?: string;
  loaded?: string;
  scenarios?: string[];
  gaGenerations?: string;
  gaPopulation?: string;
  /** Sizes, or false for --no-scale. */
  scale?: string | false;
  transfer?: boolean;
  transferScenarios?: string;
  ablations?: boolean;
  rounds?: string;
  rl?: boolean;
  rlEpisodes?: string;
}

function addPolicyFlags(cmd: Command): Command {
  return cmd
    .option('-g, --generator <name>', 'where defender candidates come from: mutate (default, no key), llm, openai, anthropic, replay')
    .option('--gen-option <key=value>', 'generator option (repeatable)', collect)
    .option('-m, --model <provider:model>', 'LLM model for the defender (repeatable); implies --generator llm', collect)
    .option('--base-url <url>', 'OpenAI-compatible server for the defender models')
    .option('-n, --candidates <n>', 'candidates per defender run')
    .option('-j, --concurrency <n>', 'sandbox workers and candidates in flight (1: reproducible)', '2')
    .option('--seed <n>', 'seed for every random choice', '1')
    .option('--weights <json>', 'objective weights, e.g. {"cost":0.3,"sla":0.3}')
    .option('-o, --out <dir>', 'output folder (default .policy-evolver/cluster/<command>-<time>)')
    .option('--json', 'print the report as JSON on stdout');
}

export function registerClusterCommands(program: Command, io: ClusterCliOutput = STD_OUTPUT): void {
  const cluster = program.command('cluster').description('the cluster allocation domain: simulator, self-play and benchmarks');

  addPolicyFlags(
    cluster
      .command('selfplay')
      .description('evolve a policy against scenarios that get harder as it improves (attacker, curriculum, ELO policy database)')
      .argument('<policy>', 'policy file (.ts/.js) exporting decide(view)')
      .option('--rounds <n>', 'at most this many rounds', '6')
      .option('--proposals <n>', 'scenarios the attacker proposes per attack', '4')
      .option('--attack-iterations <n>', 'attacks per round (the attacker learns between them)', '1')
      .option('--train <n>', 'largest search set of one defender run', '6')
      .option('--levels <list>', `curriculum levels in order (${LEVELS.join(',')})`, LEVELS.join(','))
      .option('--holdout-levels <list>', 'levels whose held-out seeds score the final comparison (default: those trained on)')
      .option('--threshold <fraction>', 'success rate on a level that moves the curriculum up', '0.7')
      .option('--target <reward>', 'stop once the mean reward on the top level reaches this')
      .option('--plateau <rounds>', 'stop after this many rounds without improvement', '3')
      .option('--attacker <builtin|provider:model>', 'the scenario attacker: builtin search or an LLM', 'builtin')
      .option('--attacker-base-url <url>', 'OpenAI-compatible server for the attacker model')
      .option('--no-attacker', 'ablation: train on seed scenarios only')
      .option('--no-policy-db', 'ablation: always continue from the last champion instead of the best-rated policy')
      .option('--no-curriculum', 'ablation: train on the top level from the first round')
      .option('--time <duration>', 'no round starts after this long (90s, 5m, 1h); the round in progress finishes')
      .option('--resume', 'continue the run saved in --out from its last completed round'),
  ).action(async (policy: string, flags: SelfPlayFlags) => {
    if (flags.resume && !flags.out) throw new UserError('--resume needs --out DIR: the folder of the run to continue', ExitCode.usage);
    const { file, code } = readPolicy(policy);
    const concurrency = parseIntFlag('concurrency', flags.concurrency, 1) ?? 2;
    const sandbox = createSandboxPool({ size: concurrency });
    const controller = new AbortController();
    const onSigint = (): void => controller.abort();
    process.once('SIGINT', onSigint);
    try {
      const options = selfPlayOptions(file, code, flags, io);
      const report = await runSelfPlay({ ...options, onEvent: flags.json ? undefined : progressPrinter(io) }, sandbox, controller.signal);
      if (flags.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
      else io.out(formatSelfPlay(report, options.workDir));
    } finally {
      process.removeListener('SIGINT', onSigint);
      await sandbox.close();
    }
  });

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

  cluster
    .command('run')
    .description(`simulate a policy file or a built-in (${HEURISTIC_NAMES.join(', ')}) on scenario files`)
    .argument('<policy>', 'policy file or built-in name')
    .argument('<scenarios...>', 'scenario JSON files or folders')
    .option('--weights <json>', 'objective weights')
    .option('--json', 'print one JSON object per scenario')
    .action(async (policy: string, paths: string[], flags: { weights?: string; json?: boolean }) => {
      const scenarios = loadScenarioPaths(paths);
      const weights = parseWeightsFlag(flags.weights);
      let results: { report: SimulationReport | undefined; error?: string }[];
      if (isHeuristic(policy) && !existsSync(policy)) {
        results = scenarios.map((s) => {
          const o = runHeuristic(policy, s, { weights: parseWeights(weights) });
          return o.ok ? { report: o } : { report: undefined, error: o.failure.message };
        });
      } else {
        const { file, code } = readPolicy(policy);
        const sandbox = createSandboxPool({ size: 1 });
        try {
          results = await runPolicyFile(code, basename(file), scenarios, sandbox, new AbortController().signal, weights);
        } finally {
          await sandbox.close();
        }
      }
      let failed = false;
      scenarios.forEach((s, i) => {
        const r = results[i];
        const ff = baselinesFor(s, parseWeights(weights)).reports['first-fit'].reward;
        if (!r?.report) failed = true;
        if (flags.json) io.out(`${JSON.stringify({ scenario: s.id, ok: !!r?.report, error: r?.error, reward: r?.report?.reward, firstFitReward: ff, metrics: r?.report?.metrics, goodness: r?.report?.goodness, invalid: r?.report?.invalid })}\n`);
        else if (!r?.report) io.out(`${s.id}: FAILED: ${r?.error ?? 'no result'}\n`);
        else io.out(`${s.id}: reward ${r.report.reward.toFixed(4)} (first-fit ${ff.toFixed(4)}); ${metricLine(r.report)}${r.report.invalidCount ? `; ${r.report.invalidCount} rejected decisions (first: ${r.report.invalid[0]?.rule}: ${r.report.invalid[0]?.message})` : ''}\n`);
      });
      if (failed) setExitCode(io, ExitCode.evaluation);
    });

  cluster
    .command('validate')
    .description('check scenario files against the schema and the five self-play validators')
    .argument('<scenarios...>', 'scenario JSON files or folders')
    .option('--level <level>', 'level for the complexity check (default: the file\'s own level)')
    .action((paths: string[], flags: { level?: string }) => {
      const diversity = new DiversityTracker();
      let bad = 0;
      for (const path of expandPaths(paths)) {
        let scenario: Scenario;
        try {
          scenario = readScenarioFile(path);
        } catch (err) {
          if (!(err instanceof ScenarioError)) throw err;
          bad++;
          io.out(`${err.message}\n`);
          continue;
        }
        const level = flags.level ?? scenario.level ?? undefined;
        if (level !== undefined && !isLevel(level)) throw new UserError(`--level must be one of ${LEVELS.join(', ')}`, ExitCode.usage);
        const v = validateParsed(scenario, { level: (level ?? 'medium') as Level, diversity, config: DEFAULT_VALIDATOR_CONFIG }, level ? [] : ['complexity']);
        if (v.ok) {
          io.out(`${path}: ok (${scenario.tasks.length} tasks, ${scenario.nodes.length} nodes${level ? `, level ${level}` : ''})\n`);
          diversity.add(scenario.id, scenarioFeatures(scenario));
        } else {
          bad++;
          io.out(`${path}: rejected by ${v.rejection.layer}: ${v.rejection.reason}\n${v.rejection.details.map((d) => `  ${d}\n`).join('')}`);
        }
      }
      if (bad) setExitCode(io, ExitCode.badInput);
    });

  cluster
    .command('seeds')
    .description('write the 50 seed scenarios and the scenario JSON Schema to a folder')
    .argument('<dir>', 'output folder')
    .action((dir: string) => {
      const target = resolve(dir);
      mkdirSync(target, { recursive: true });
      const seeds = seedScenarios();
      for (const s of seeds) writeFileSync(join(target, `${s.id}.json`), formatScenario(s, '../scenario.schema.json'));
      writeFileSync(join(target, '..', 'scenario.schema.json'), `${JSON.stringify(SCENARIO_SCHEMA, null, 2)}\n`);
      io.err(`wrote ${seeds.length} scenarios to ${dir} and the schema next to it\n`);
    });

  cluster
    .command('generate')
    .description('write a trace-shaped scenario from generator parameters')
    .argument('<output>', "scenario file to write ('-' for standard output)")
    .option('--param <key=value>', 'generator parameter, e.g. level=hard, profile=azure2017, load=1.2 (repeatable)', collect)
    .option('-f, --force', 'overwrite an existing file')
    .action((output: string, flags: { param?: string[]; force?: boolean }) => {
      let params;
      try {
        const given = parseKeyValues(flags.param, 'param');
        params = parseParams({ id: output === '-' ? 'generated' : basename(output, '.json'), ...given }, '--param');
      } catch (err) {
        throw new UserError((err as Error).message, ExitCode.usage);
      }
      writeOutput(output, formatScenario(generateScenario(params)), flags.force, io);
    });

  cluster
    .command('import')
    .description('build a scenario from a Google task_events or Azure vmtable CSV file')
    .argument('<format>', 'google or azure')
    .argument('<csv>', 'the trace file')
    .argument('<output>', "scenario file to write ('-' for standard output)")
    .option('--nodes <n>', 'nodes in the cluster (default: enough for the peak demand)')
    .option('--node-type <name>', 'node type from the catalogue (default cloud-large; azure: cloud-xlarge)')
    .option('--max-tasks <n>', 'keep the first n tasks')
    .option('--deadline-fraction <f>', 'share of tasks given a deadline', '0')
    .option('--deadline-slack <x>', 'deadline = arrival + x times the run time', '3')
    .option('-f, --force', 'overwrite an existing file')
    .action((format: string, csv: string, output: string, flags: { nodes?: string; nodeType?: string; maxTasks?: string; deadlineFraction?: string; deadlineSlack?: string; force?: boolean }) => {
      if (format !== 'google' && format !== 'azure') throw new UserError(`format must be google or azure, got '${format}'`, ExitCode.usage);
      // Bytes, not text: the importers recognise gzipped traces by their content.
      const text = readFileSync(resolve(csv));
      const options = {
        id: output === '-' ? `imported-${format}` : basename(output, '.json'),
        ...(flags.nodes ? { nodes: parseIntFlag('nodes', flags.nodes, 1) as number } : {}),
        ...(flags.nodeType ? { nodeType: flags.nodeType } : {}),
        ...(flags.maxTasks ? { maxTasks: parseIntFlag('max-tasks', flags.maxTasks, 1) as number } : {}),
        deadlineFraction: parseFraction('deadline-fraction', flags.deadlineFraction ?? '0'),
        deadlineSlack: Number(flags.deadlineSlack ?? 3),
      };
      let scenario: Scenario;
      try {
        scenario = format === 'google' ? importGoogleTaskEvents(text, csv, options) : importAzureVmTable(text, csv, options);
      } catch (err) {
        if (err instanceof ImportError || err instanceof ScenarioError) throw new UserError(err.message);
        throw err;
      }
      writeOutput(output, formatScenario(scenario), flags.force, io);
      io.err(`${scenario.tasks.length} tasks on ${scenario.nodes.length} nodes\n`);
    });
}

// ---------- helpers ----------

function readPolicy(policy: string): { file: string; code: string } {
  const file = resolve(policy);
  if (!existsSync(file)) throw new UserError(`policy file not found: ${policy}`);
  const code = readFileSync(file, 'utf8');
  if (!/\bdecide\b/.test(code)) throw new UserError(`${policy} does not export decide(view); see examples/cluster/first-fit.ts`);
  return { file, code };
}

function parseWeightsFlag(text: string | undefined): JsonValue | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UserError(`--weights must be JSON, e.g. '{"cost":0.3}', got '${text}'`, ExitCode.usage);
  }
  try {
    parseWeights(value, '--weights');
  } catch (err) {
    throw new UserError((err as Error).message, ExitCode.usage);
  }
  return value as JsonValue;
}

function parseLevelsFlag(text: string): Level[] {
  const list = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (!list.length || !list.every(isLevel)) throw new UserError(`levels must be a comma-separated list of ${LEVELS.join(', ')}, got '${text}'`, ExitCode.usage);
  return list as Level[];
}

function parseFraction(name: string, text: string): number {
  const x = Number(text);
  if (!Number.isFinite(x) || x < 0 || x > 1) throw new UserError(`--${name} must be a number from 0 to 1, got '${text}'`, ExitCode.usage);
  return x;
}

function parseSizes(text: string): number[] {
  const sizes = text.split(',').map((s) => Number(s.trim()));
  if (!sizes.length || !sizes.every((n) => Number.isInteger(n) && n >= 1 && n <= 5000)) throw new UserError(`--scale takes task counts from 1 to 5000, e.g. 10,50,100, got '${text}'`, ExitCode.usage);
  return sizes;
}

function expandPaths(paths: string[]): string[] {
  return paths.flatMap((p) => {
    try {
      return fileEntriesPaths(p);
    } catch (err) {
      throw new UserError((err as Error).message);
    }
  });
}

function fileEntriesPaths(path: string): string[] {
  const full = resolve(path);
  if (!existsSync(full)) throw new Error(`not found: ${path}`);
  if (!statSync(full).isDirectory()) return [full];
  return readdirSync(full).filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json')).sort().map((f) => join(full, f));
}

function loadScenarioPaths(paths: string[]): Scenario[] {
  try {
    return fileEntries(paths, process.cwd()).map((e) => e.scenario);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
}

function writeOutput(output: string, text: string, force: boolean | undefined, io: ClusterCliOutput): void {
  if (output === '-') {
    io.out(text);
    return;
  }
  const path = resolve(output);
  if (existsSync(path) && !force) throw new UserError(`${output} already exists; use --force to overwrite it`);
  writeFileSync(path, text);
}

function outDir(flag: string | undefined, command: string): string {
  if (flag) return resolve(flag);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return resolve('.policy-evolver', 'cluster', `${command}-${stamp}`);
}

function defenderSettings(flags: PolicyFlags, runsDir: string, defaultCandidates: number): DefenderSettings {
  let generator: DefenderSettings['generator'];
  const options = parseKeyValues(flags.genOption, 'gen-option');
  if (flags.model?.length) {
    generator = { id: 'llm', options: { ...options, models: flags.model.map((m) => (flags.baseUrl ? { provider: 'openai-compatible', model: m.replace(/^openai-compatible:/, ''), baseUrl: flags.baseUrl } : m)) as JsonValue } };
  } else generator = { id: flags.generator ?? 'mutate', options };
  // Checked before any work: a misspelt generator must not surface after a round of attacks.
  const usable = domains.generatorsFor('cluster', 'policy.ts');
  if (!usable.includes(generator.id)) throw new UserError(`unknown generator '${generator.id}' for cluster policies (available: ${usable.join(', ')})`, ExitCode.usage);
  const weights = parseWeightsFlag(flags.weights);
  return {
    generator,
    candidates: parseIntFlag('candidates', flags.candidates, 1) ?? defaultCandidates,
    concurrency: parseIntFlag('concurrency', flags.concurrency, 1) ?? 2,
    seed: parseIntFlag('seed', flags.seed, 0) ?? 1,
    runsDir,
    promptsDir: promptsDir(),
    compose,
    ...(weights !== undefined ? { weights } : {}),
    secret: (name) => process.env[name],
    log: () => undefined,
  };
}

function selfPlayOptions(file: string, code: string, flags: SelfPlayFlags, io: ClusterCliOutput): SelfPlayOptions {
  const workDir = outDir(flags.out, 'selfplay');
  const seed = parseIntFlag('seed', flags.seed, 0) ?? 1;
  const noAttacker = flags.attacker === false;
  let attacker: Attacker | undefined;
  if (!noAttacker) {
    const spec = typeof flags.attacker === 'string' ? flags.attacker : 'builtin';
    if (spec === 'builtin') attacker = new BuiltinAttacker({ seed });
    else {
      try {
        const model = createScenarioModel(spec, { secret: (n) => process.env[n], ...(flags.attackerBaseUrl ? { baseUrl: flags.attackerBaseUrl } : {}), log: (m) => io.err(`attacker: ${m}\n`) });
        attacker = new LlmAttacker(model, loadAttackerTemplates(promptsDir()), { seed });
      } catch (err) {
        throw new UserError((err as Error).message);
      }
    }
  }
  const threshold = Number(flags.threshold ?? 0.7);
  if (!(threshold > 0 && threshold <= 1)) throw new UserError(`--threshold must be in (0, 1], got '${flags.threshold}'`, ExitCode.usage);
  const target = flags.target !== undefined ? Number(flags.target) : undefined;
  if (target !== undefined && !(target > 0 && target <= 1)) throw new UserError(`--target must be a reward in (0, 1], got '${flags.target}'`, ExitCode.usage);
  const weights = parseWeightsFlag(flags.weights);
  const maxWallSeconds = parseDuration(flags.time);
  if (maxWallSeconds !== undefined && !(maxWallSeconds > 0)) throw new UserError(`--time must be longer than 0, got '${flags.time}'`, ExitCode.usage);
  const options: SelfPlayOptions = {
    file,
    fileName: basename(file),
    code,
    workDir,
    rounds: parseIntFlag('rounds', flags.rounds, 1) ?? 6,
    proposalsPerRound: parseIntFlag('proposals', flags.proposals, 1) ?? 4,
    attackIterations: parseIntFlag('attack-iterations', flags.attackIterations, 1) ?? 1,
    trainScenarios: parseIntFlag('train', flags.train, 1) ?? 6,
    levels: parseLevelsFlag(flags.levels ?? LEVELS.join(',')),
    threshold,
    attacker,
    defender: defenderSettings(flags, join(workDir, 'runs'), 40),
    stop: { plateauRounds: parseIntFlag('plateau', flags.plateau, 1) ?? 3, plateauEpsilon: 0.0005, ...(target !== undefined ? { targetReward: target } : {}), ...(maxWallSeconds !== undefined ? { maxWallSeconds } : {}) },
    ...(flags.resume ? { resume: true } : {}),
    ablation: { noAttacker, noPolicyDb: flags.policyDb === false, noCurriculum: flags.curriculum === false },
    ...(weights !== undefined ? { weights } : {}),
    ...(flags.holdoutLevels ? { holdoutLevels: parseLevelsFlag(flags.holdoutLevels) } : {}),
  };
  return options;
}

function progressPrinter(io: ClusterCliOutput): (e: SelfPlayEvent) => void {
  let lastDone = -1;
  return (e) => {
    switch (e.kind) {
      case 'round-start':
        io.err(`round ${e.round} [${e.level}] from policy ${e.startPolicy}\n`);
        lastDone = -1;
        break;
      case 'proposal':
        io.err(e.accepted ? `  attacker: ${e.id} accepted; defender ${e.reward?.toFixed(4)} vs best heuristic ${e.bestBaseline?.toFixed(4)}\n` : `  attacker: ${e.id} rejected by ${e.layer}: ${e.reason}\n`);
        break;
      case 'defender':
        if (e.progress.done !== lastDone && (e.progress.done % 10 === 0 || e.progress.done === e.progress.target)) {
          lastDone = e.progress.done;
          io.err(`  defender: ${e.progress.done}/${e.progress.target ?? '?'} candidates, best ${e.progress.bestScore?.toFixed(4) ?? '-'} (start ${e.progress.initialScore?.toFixed(4) ?? '-'})\n`);
        }
        break;
      case 'round-end': {
        const r = e.record;
        const gap = r.meanReward - r.meanBestHeuristic;
        const attack = r.attack ? `; on ${r.attack.scenarios} new attacker scenarios ${r.attack.meanReward.toFixed(4)} vs best heuristic ${r.attack.meanBestHeuristic.toFixed(4)}` : '';
        io.err(`  round ${r.round}: ${r.policyId} reward ${r.meanReward.toFixed(4)} (${gap >= 0 ? '+' : ''}${gap.toFixed(4)} vs the best heuristic), success ${(r.successRate * 100).toFixed(0)}% on ${r.level}${r.advanced ? ' -> next level' : ''}${attack}; ELO ${r.elo.toFixed(0)}; scenario diversity ${r.diversity.meanPairwiseDistance.toFixed(3)}\n`);
        if (r.defenderImproved) io.err(`  strategy: ${r.explanation}\n`);
        break;
      }
      case 'holdout':
        io.err(`held-out: best ${e.best.toFixed(4)}, start ${e.initial.toFixed(4)}, first-fit ${e.firstFit.toFixed(4)}\n`);
        break;
      case 'stopped':
        io.err(`stopped: ${e.reason}\n`);
        break;
    }
  };
}

function formatSelfPlay(r: SelfPlayReport, workDir: string): string {
  const lines = [
    `Self-play: ${r.rounds.length} rounds, stopped (${r.reason}) at level ${r.levelReached}`,
    `Best policy ${r.best.id} by validation reward ${r.best.validationReward.toFixed(4)} on ${r.validation.scenarios.length} unseen scenarios (ELO ${r.best.elo.toFixed(0)}, the second ranking): ${r.best.file}`,
    `  ${r.best.explanation}`,
    `Held-out (${r.holdout.scenarios.length} scenarios): best ${r.holdout.best.toFixed(4)}, start ${r.holdout.initial.toFixed(4)}, first-fit ${r.holdout.firstFit.toFixed(4)}, best heuristic per scenario ${r.holdout.bestHeuristic.toFixed(4)}`,
    'ELO leaderboard:',
    ...r.leaderboard.slice(0, 5).map((p) => `  ${p.rating.toFixed(0).padStart(5)}  ${p.id}  (round ${p.round}, ${p.level}, reward ${p.reward.toFixed(4)})`),
    `Scenario diversity: ${r.diversity.scenarios} scenarios, mean pairwise distance ${r.diversity.meanPairwiseDistance.toFixed(3)}`,
    `Attacker rejections: ${Object.entries(r.attackerRejections).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`,
    `Report: ${join(workDir, 'selfplay.json')}`,
  ];
  return `${lines.join('\n')}\n`;
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  const a = Math.abs(x);
  return a >= 1000 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : x.toFixed(4);
}

/** Fresh scenarios per level on which the ablation variants are compared. */
const ABLATION_SCENARIOS_PER_LEVEL = 10;

function fmtSigned(x: number): string {
  return Number.isFinite(x) && x > 0 ? `+${fmt(x)}` : fmt(x);
}

function formatP(p: number): string {
  return !Number.isFinite(p) ? 'n/a' : p < 0.001 ? '<0.001' : p.toFixed(3);
}

function formatSetReport(r: SetReport): string {
  const lines = [`\n== ${r.set}: ${r.scenarios.length} scenarios ==`];
  const d = r.discrimination.vsRandom;
  lines.push(`Load: ${(r.utilisation.cpu * 100).toFixed(0)}% CPU, ${(r.utilisation.memory * 100).toFixed(0)}% memory under best-fit. Discrimination: ${r.discrimination.best} vs random ${fmtSigned(d.meanDiff)} reward [${fmtSigned(d.diffCi95[0])}, ${fmtSigned(d.diffCi95[1])}], dz ${fmtSigned(d.dz)}, paired t p ${formatP(d.pairedTP)}${Number.isFinite(d.pairedTP) && d.pairedTP >= 0.05 ? ' (this set does not tell policies apart)' : ''}`);
  const header = ['metric', ...r.policies.map((p) => p.name)];
  lines.push(`Means with 95% confidence intervals:`);
  lines.push(header.map((h, i) => (i === 0 ? h.padEnd(18) : h.slice(0, 22).padStart(24))).join(''));
  for (const metric of BENCH_METRICS) {
    const row = [`${metric}${HIGHER_IS_BETTER[metric] ? ' ↑' : ' ↓'}`.padEnd(18)];
    const candidate = r.comparisons[0]?.metrics.find((m) => m.metric === metric)?.policy;
    row.push(`${fmt(candidate?.mean ?? Number.NaN)} ±${fmt(candidate?.ci95 ?? Number.NaN)}`.padStart(24));
    for (const c of r.comparisons) {
      const m = c.metrics.find((x) => x.metric === metric);
      row.push(`${fmt(m?.baseline.mean ?? Number.NaN)} ±${fmt(m?.baseline.ci95 ?? Number.NaN)}`.padStart(24));
    }
    lines.push(row.join(''));
  }
  const name = r.policies[0]?.name ?? 'policy';
  lines.push(`${name} against each baseline, paired by scenario (${r.scenarios.length} scenarios): mean difference [bootstrap 95% CI], Cohen's dz,`);
  lines.push(`Holm-corrected p-values (paired t / Wilcoxon signed-rank) over all ${r.comparisons.length * BENCH_METRICS.length} comparisons of this set:`);
  for (const c of r.comparisons) {
    const bound = r.policies.find((p) => p.name === c.baseline)?.bound ? ' (upper bound, not a baseline to beat)' : '';
    lines.push(`  vs ${c.baseline}${bound}`);
    for (const m of c.metrics) {
      const p = m.paired;
      const better = !Number.isFinite(p.meanDiff) || p.meanDiff === 0 ? '' : (p.meanDiff > 0) === HIGHER_IS_BETTER[m.metric] ? ' better' : ' worse';
      lines.push(`    ${m.metric.padEnd(18)} ${fmtSigned(p.meanDiff)} [${fmtSigned(p.diffCi95[0])}, ${fmtSigned(p.diffCi95[1])}]${better.padEnd(7)} dz ${fmtSigned(p.dz)}  p ${formatP(m.holmPairedTP)} / ${formatP(m.holmWilcoxonP)}  n ${p.n}`);
    }
  }
  for (const pol of r.policies) {
    if (pol.failures) lines.push(`${pol.name} failed on ${pol.failures} of ${r.scenarios.length} scenarios (scored the reward floor there).`);
  }
  return `${lines.join('\n')}\n`;
}

function formatScalability(points: Awaited<ReturnType<typeof scalability>>): string {
  const lines = ['\nScalability (one scenario per size, nodes = tasks / 2):', `${'tasks'.padStart(6)}${'nodes'.padStart(7)}${'reward'.padStart(9)}${'first-fit'.padStart(11)}${'decide ms/task'.padStart(16)}${'sandbox ms/task'.padStart(17)}${'first-fit ms/task'.padStart(19)}`];
  for (const p of points) {
    lines.push(`${String(p.tasks).padStart(6)}${String(p.nodes).padStart(7)}${fmt(p.reward).padStart(9)}${fmt(p.firstFitReward).padStart(11)}${fmt(p.decisionMsPerTask).padStart(16)}${fmt(p.wallMsPerTask).padStart(17)}${fmt(p.firstFitMsPerTask).padStart(19)}${p.error ? `  FAILED: ${p.error}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

function metricLine(r: SimulationReport): string {
  const m = r.metrics;
  return `latency mean ${fmt(m.meanLatency ?? Number.NaN)} s, P95 ${fmt(m.p95Latency ?? Number.NaN)} s, P99 ${fmt(m.p99Latency ?? Number.NaN)} s; CPU ${(m.cpuUtilisation * 100).toFixed(1)}%, memory ${(m.memoryUtilisation * 100).toFixed(1)}%; cost $${fmt(m.costUsd)}, energy ${fmt(m.energyKwh)} kWh; SLA violations ${(m.slaViolationRate * 100).toFixed(1)}%, failed ${(m.failureRate * 100).toFixed(1)}%; makespan ${fmt(m.makespan)} s; tenant Gini ${fmt(m.fairnessGini)}`;
}
