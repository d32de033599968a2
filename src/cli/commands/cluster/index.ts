// `cluster ...`: the cluster allocation domain from the command line, one file per subcommand.
// `selfplay` evolves a policy against an attacker with a curriculum; `bench` compares a policy with
// every baseline (confidence intervals, significance tests), measures scalability and
// cloud-to-edge transfer, and runs self-play ablations; `run`, `validate`, `seeds`, `generate` and
// `import` handle scenarios.
import type { Command } from 'commander';
import { registerBenchCommand } from './bench';
import { registerGenerateCommand } from './generate';
import { registerImportCommand } from './import';
import { STD_OUTPUT, type ClusterCliOutput } from './io';
import { registerRunCommand } from './run';
import { registerSeedsCommand } from './seeds';
import { registerSelfPlayCommand } from './selfplay';
import { registerValidateCommand } from './validate';

export type { ClusterCliOutput } from './io';

export function registerClusterCommands(program: Command, io: ClusterCliOutput = STD_OUTPUT): void {
  const cluster = program.command('cluster').description('the cluster allocation domain: simulator, self-play and benchmarks');
  registerSelfPlayCommand(cluster, io);
  registerBenchCommand(cluster, io);
  registerRunCommand(cluster, io);
  registerValidateCommand(cluster, io);
  registerSeedsCommand(cluster, io);
  registerGenerateCommand(cluster, io);
  registerImportCommand(cluster, io);
}
