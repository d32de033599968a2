// `cluster selfplay <policy>`: evolves a policy against an attacker that proposes harder
// scenarios as it improves, through the shared composition root.
import type { Command } from 'commander';
import { basename, join } from 'node:path';
import { LEVELS } from '../../../evaluators/cluster';
import { promptsDir } from '../../../app/prompts';
import { createSandboxPool } from '../../../sandbox/pool';
import {
  BuiltinAttacker,
  createScenarioModel,
  LlmAttacker,
  loadAttackerTemplates,
  runSelfPlay,
  TUNE_GENERATOR,
  untunableReason,
  type Attacker,
  type SelfPlayEvent,
  type SelfPlayOptions,
} from '../../../evaluators/cluster/selfplay';
import { ExitCode, UserError } from '../../errors';
import { parseDuration, parseIntFlag } from '../../../app/run-config';
import { type ClusterCliOutput } from './io';
import { type SelfPlayFlags, addPolicyFlags, readPolicy, parseWeightsFlag, parseLevelsFlag, defenderSettings } from './options';
import { outDir } from './scenario-files';
import { formatSelfPlay } from './format';

export function registerSelfPlayCommand(cluster: Command, io: ClusterCliOutput): void {
  addPolicyFlags(
    cluster
      .command('selfplay')
      .description('evolve a policy against scenarios that get harder as it improves (attacker, curriculum, ELO policy database)')
      .argument('<policy>', 'policy file (.ts/.js) exporting decide(view)')
      .option('--rounds <n>', 'at most this many rounds', '6')
      .option('--proposals <n>', 'scenarios the attacker proposes per attack', '4')
      .option('--attack-iterations <n>', 'attacks per round (the attacker learns between them)', '1')
      .option('--train <n>', 'largest search set of one defender run from the seeds and the attacker', '6')
      .option('--fresh-train <n>', 'fresh scenarios drawn from the level generator added to each round\'s training set', '24')
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

}

export function selfPlayOptions(file: string, code: string, flags: SelfPlayFlags, io: ClusterCliOutput): SelfPlayOptions {
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
  const defender = defenderSettings(flags, join(workDir, 'runs'), 40);
  // The tuner needs knobs; a policy without them is bad input, said before any round runs.
  const untunable = defender.generator.id === TUNE_GENERATOR ? untunableReason(code, basename(file)) : undefined;
  if (untunable) throw new UserError(untunable, ExitCode.badInput);
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
    generatedTrain: parseIntFlag('fresh-train', flags.freshTrain, 0) ?? 24,
    levels: parseLevelsFlag(flags.levels ?? LEVELS.join(',')),
    threshold,
    attacker,
    defender,
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
