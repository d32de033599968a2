// `cluster generate`: writes a generated scenario for a level or parameters.
import type { Command } from 'commander';
import { basename } from 'node:path';
import { generateScenario, parseParams } from '../../../evaluators/cluster';
import { formatScenario } from '../../../evaluators/cluster/model/format';
import { ExitCode, UserError } from '../../errors';
import { parseKeyValues } from '../../../app/run-config';
import { type ClusterCliOutput, collect } from './io';
import { writeOutput } from './scenario-files';

export function registerGenerateCommand(cluster: Command, io: ClusterCliOutput): void {
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
      const scenario = generateScenario(params);
      writeOutput(output, formatScenario(scenario), flags.force, io, scenario);
    });

}
