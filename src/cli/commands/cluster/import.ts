// `cluster import`: turns a public trace (Google task events, Azure VM table) into a scenario.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { ImportError, importAzureVmTable, importGoogleTaskEvents, ScenarioError, type Scenario } from '../../../evaluators/cluster';
import { formatScenario } from '../../../evaluators/cluster/model/format';
import { ExitCode, UserError } from '../../errors';
import { parseIntFlag } from '../../../app/run-config';
import { type ClusterCliOutput } from './io';
import { parseFraction, parsePositive } from './options';
import { writeOutput } from './scenario-files';

export function registerImportCommand(cluster: Command, io: ClusterCliOutput): void {
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
        deadlineSlack: parsePositive('deadline-slack', flags.deadlineSlack ?? '3'),
      };
      let scenario: Scenario;
      try {
        scenario = format === 'google' ? importGoogleTaskEvents(text, csv, options) : importAzureVmTable(text, csv, options);
      } catch (err) {
        if (err instanceof ImportError || err instanceof ScenarioError) throw new UserError(err.message);
        throw err;
      }
      writeOutput(output, formatScenario(scenario), flags.force, io, scenario);
      if (output === '-') io.err(`${scenario.tasks.length} tasks on ${scenario.nodes.length} nodes\n`);
    });
}
