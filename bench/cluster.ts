// Cluster domain figures: simulator speed on the 50 seed scenarios (in-process, first-fit), one
// sandboxed evaluation of the example policy on all seeds (cold and warm), the genetic baseline's
// cost, decision time per task from 10 to 1,000 tasks, and self-play (built-in attacker, the
// weight-tuning defender, no LLM) on the hard and expert levels, whose best policy is tested
// against the best non-oracle heuristic on fresh held-out scenarios of each level (a family no
// round trained or validated on) with paired, Holm-corrected tests.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClusterEvaluator, geneticBaseline, heuristic, seedScenarios, simulate, type Scenario } from '../src/evaluators/cluster';
import { createSandboxPool } from '../src/sandbox/pool';
import { compose } from '../src/app/compose';
import { BuiltinAttacker, compareWithHeuristicsByLevel, runSelfPlay, scalability, TUNE_GENERATOR } from '../src/evaluators/cluster/selfplay';

const ROOT = join(__dirname, '..');
const EXAMPLE = join(ROOT, 'examples', 'cluster', 'first-fit.ts');
const SELFPLAY_ROUNDS = 6;
const SELFPLAY_CANDIDATES = 120;
const FRESH_TRAIN = 24;
const HELD_OUT_PER_LEVEL = 40;
/** Seed of the self-play's attacker and defender; CLUSTER_BENCH_SEED=2 repeats the measurement with another. */
const SELFPLAY_SEED = Number(process.env['CLUSTER_BENCH_SEED'] ?? 1);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

export async function run(): Promise<void> {
  const benchStarted = performance.now();
  if (!Number.isInteger(SELFPLAY_SEED) || SELFPLAY_SEED < 0) throw new Error(`CLUSTER_BENCH_SEED must be a non-negative integer, got '${process.env['CLUSTER_BENCH_SEED']}'`);
  const seeds = seedScenarios();
  const tasks = seeds.reduce((n, s) => n + s.tasks.length, 0);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    for (const s of seeds) simulate(s, heuristic('first-fit'));
    times.push(performance.now() - t);
  }
  const ms = median(times);
  console.log(`simulator: 50 seed scenarios (${tasks} tasks) with first-fit in ${ms.toFixed(1)} ms (median of 5), ${((tasks / ms) * 1000).toFixed(0)} tasks/s`);

  const code = readFileSync(EXAMPLE, 'utf8');
  const pool = createSandboxPool({ size: 2 });
  try {
    const evaluator = await createClusterEvaluator({}, { baseDir: ROOT, sandbox: () => pool });
    const workloads = await evaluator.workloads();
    const candidate = { id: 'bench', code, fileName: 'first-fit.ts', hash: 'bench' };
    let t = performance.now();
    await evaluator.evaluate(candidate, workloads, new AbortController().signal);
    const cold = performance.now() - t;
    t = performance.now();
    const r = await evaluator.evaluate(candidate, workloads, new AbortController().signal);
    const warm = performance.now() - t;
    console.log(`evaluator: example policy on all 50 seeds in the sandbox: ${cold.toFixed(0)} ms cold (worker start, baselines), ${warm.toFixed(0)} ms warm; mean reward ${r.score.toFixed(4)}, decision ${r.metrics['mean_decision_ms_per_task']?.toFixed(4)} ms/task`);

    const byLevel = new Map<string, Scenario>();
    for (const s of seeds) if (!byLevel.has(s.level ?? '')) byLevel.set(s.level ?? '', s);
    for (const [level, s] of byLevel) {
      const t0 = performance.now();
      const g = geneticBaseline(s, { generations: 15, population: 16 });
      const ff = simulate(s, heuristic('first-fit'));
      console.log(`genetic baseline on ${s.id} (${s.tasks.length} tasks): reward ${g.reward.toFixed(4)} vs first-fit ${ff.ok ? ff.reward.toFixed(4) : 'n/a'}, ${g.evaluations} simulations in ${(performance.now() - t0).toFixed(0)} ms (${level})`);
    }

    const points = await scalability(code, 'first-fit.ts', [10, 50, 100, 500, 1000], pool, new AbortController().signal);
    for (const p of points) {
      console.log(`scalability: ${p.tasks} tasks / ${p.nodes} nodes: decide ${p.decisionMsPerTask.toFixed(4)} ms/task, sandbox job ${p.wallMsPerTask.toFixed(3)} ms/task, in-process first-fit ${p.firstFitMsPerTask.toFixed(3)} ms/task`);
    }

    const workDir = mkdtempSync(join(tmpdir(), 'cluster-bench-'));
    try {
      t = performance.now();
      const report = await runSelfPlay(
        {
          file: EXAMPLE,
          fileName: 'first-fit.ts',
          code,
          workDir,
          rounds: SELFPLAY_ROUNDS,
          proposalsPerRound: 3,
          attackIterations: 1,
          trainScenarios: 8,
          generatedTrain: FRESH_TRAIN,
          levels: ['hard', 'expert'],
          holdoutLevels: ['hard', 'expert'],
          threshold: 0.7,
          attacker: new BuiltinAttacker({ seed: SELFPLAY_SEED }),
          defender: { generator: { id: TUNE_GENERATOR, options: {} }, candidates: SELFPLAY_CANDIDATES, concurrency: 2, seed: SELFPLAY_SEED, runsDir: join(workDir, 'runs'), promptsDir: join(ROOT, 'prompts'), secret: () => undefined, compose },
          stop: { plateauRounds: 3, plateauEpsilon: 0.0005 },
          ablation: {},
        },
        pool,
        new AbortController().signal,
      );
      const selfPlaySeconds = (performance.now() - t) / 1000;
      console.log(`self-play (seed ${SELFPLAY_SEED}): ${report.rounds.length} rounds x ${SELFPLAY_CANDIDATES} candidates (built-in attacker, weight-tuning defender, ${FRESH_TRAIN} fresh generated training scenarios per round) in ${selfPlaySeconds.toFixed(0)} s, stopped (${report.reason}); best ${report.best.id} chosen by validation reward ${report.best.validationReward.toFixed(4)} (ELO ${report.best.elo.toFixed(0)}); attacker rejections ${JSON.stringify(report.attackerRejections)}`);
      for (const r of report.rounds) {
        const attack = r.attack ? `; on its ${r.attack.scenarios} new attacker scenarios ${r.attack.meanReward.toFixed(4)} (gap to the best heuristic ${(r.attack.meanReward - r.attack.meanBestHeuristic >= 0 ? '+' : '')}${(r.attack.meanReward - r.attack.meanBestHeuristic).toFixed(4)})` : '; no attacker scenario accepted';
        console.log(`  round ${r.round} (${r.level}): defender reward ${r.meanReward.toFixed(4)} on the level's scenarios (gap to the best heuristic ${(r.meanReward - r.meanBestHeuristic >= 0 ? '+' : '')}${(r.meanReward - r.meanBestHeuristic).toFixed(4)}), success rate ${(r.successRate * 100).toFixed(0)}%${attack}; rejections ${JSON.stringify(r.rejected)}`);
      }
      console.log(`  best policy (${report.best.id}): ${report.best.explanation}`);
      const rows = await compareWithHeuristicsByLevel({ code: readFileSync(report.best.file, 'utf8'), fileName: 'first-fit.ts' }, ['medium', 'hard', 'expert'], HELD_OUT_PER_LEVEL, 'bench-heldout', pool, new AbortController().signal);
      console.log(`self-play policy vs the best non-oracle heuristic on ${HELD_OUT_PER_LEVEL} fresh held-out scenarios per level (paired by scenario; p Holm-corrected across levels):`);
      console.log(`  ${'level'.padEnd(7)}${'self-play'.padStart(10)}${'best heuristic'.padStart(30)}${'diff [95% CI]'.padStart(28)}${'dz'.padStart(7)}${'p (t)'.padStart(10)}${'p (W)'.padStart(10)}`);
      for (const r of rows) {
        const ci = `${r.paired.meanDiff >= 0 ? '+' : ''}${r.paired.meanDiff.toFixed(4)} [${r.paired.diffCi95[0].toFixed(4)}, ${r.paired.diffCi95[1].toFixed(4)}]`;
        const goal = r.level === 'medium' ? '' : r.holmPairedTP < 0.05 && r.paired.meanDiff > 0 ? '  goal met' : '  GOAL NOT MET';
        console.log(`  ${r.level.padEnd(7)}${r.policy.mean.toFixed(4).padStart(10)}${`${r.bestHeuristic.name} ${r.bestHeuristic.summary.mean.toFixed(4)}`.padStart(30)}${ci.padStart(28)}${r.paired.dz.toFixed(2).padStart(7)}${r.holmPairedTP.toExponential(1).padStart(10)}${r.holmWilcoxonP.toExponential(1).padStart(10)}${goal}`);
      }
      console.log(`cluster bench wall time: ${((performance.now() - benchStarted) / 1000).toFixed(0)} s (sandbox pool of 2 workers)`);
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  } finally {
    await pool.close();
  }
}
