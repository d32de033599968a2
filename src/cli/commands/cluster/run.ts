// `cluster run <policy> <scenarios...>`: simulates a policy file or a built-in heuristic on scenario files.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { baselinesFor, HEURISTIC_NAMES, isHeuristic, parseWeights, runHeuristic, type SimulationReport } from '../../../evaluators/cluster';
import { createSandboxPool } from '../../../sandbox/pool';
import { runPolicyFile } from '../../../evaluators/cluster/selfplay';
import { ExitCode } from '../../errors';
import { type ClusterCliOutput, setExitCode } from './io';
import { readPolicy, parseWeightsFlag } from './options';
import { loadScenarioPaths } from './scenario-files';
import { metricLine } from './format';

export function registerRunCommand(cluster: Command, io: ClusterCliOutput): void {
  cluster
    .command('run')
    .description(`simulate a policy file or a built-in (${HEURISTIC_NAMES.join(', ')}) on scenario files`)
    .argument('<policy>', 'policy file or built-in name')
    .argument('<scenarios...>', 'scenario JSON files or folders')
    .option('--weights <json>', 'objective weights')
    .option('--json', 'print one JSON object per scenario')
    .option('--explain [task]', "print the policy's reason for each placement (or only for this task id)")
    .action(async (policy: string, paths: string[], flags: { weights?: string; json?: boolean; explain?: string | boolean }) => {
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
          results = await runPolicyFile(code, basename(file), scenarios, sandbox, new AbortController().signal, weights, undefined, flags.explain !== undefined);
        } finally {
          await sandbox.close();
        }
      }
      let failed = false;
      scenarios.forEach((s, i) => {
        const r = results[i];
        const ff = baselinesFor(s, parseWeights(weights)).reports['first-fit'].reward;
        if (!r?.report) failed = true;
        const only = typeof flags.explain === 'string' ? flags.explain : undefined;
        const reasons = flags.explain !== undefined ? (r?.report?.reasons ?? []).filter((x) => only === undefined || x.task === only) : undefined;
        if (flags.json) io.out(`${JSON.stringify({ scenario: s.id, ok: !!r?.report, error: r?.error, reward: r?.report?.reward, firstFitReward: ff, metrics: r?.report?.metrics, goodness: r?.report?.goodness, invalid: r?.report?.invalid, ...(reasons ? { reasons } : {}) })}\n`);
        else if (!r?.report) io.out(`${s.id}: FAILED: ${r?.error ?? 'no result'}\n`);
        else {
          io.out(`${s.id}: reward ${r.report.reward.toFixed(4)} (first-fit ${ff.toFixed(4)}); ${metricLine(r.report)}${r.report.invalidCount ? `; ${r.report.invalidCount} rejected decisions (first: ${r.report.invalid[0]?.rule}: ${r.report.invalid[0]?.message})` : ''}\n`);
          if (reasons) {
            if (!reasons.length) io.out(`  no reasons given${only !== undefined ? ` for task ${only}` : ''} (placements may carry { task, node, reason })\n`);
            for (const x of reasons) io.out(`  ${x.task} -> ${x.node} at ${x.time} s: ${x.reason}\n`);
          }
        }
      });
      if (failed) setExitCode(io, ExitCode.evaluation);
    });

}
