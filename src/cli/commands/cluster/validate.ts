// `cluster validate <scenarios...>`: checks scenario files against the published schema.
import type { Command } from 'commander';
import { isLevel, LEVELS, readScenarioFile, ScenarioError, type Level, type Scenario } from '../../../evaluators/cluster';
import { DEFAULT_VALIDATOR_CONFIG, DiversityTracker, scenarioFeatures, validateParsed } from '../../../evaluators/cluster/selfplay';
import { ExitCode, UserError } from '../../errors';
import { type ClusterCliOutput, setExitCode } from './io';
import { expandPaths } from './scenario-files';

export function registerValidateCommand(cluster: Command, io: ClusterCliOutput): void {
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

}
