// `cluster seeds`: writes the built-in seed scenarios.
import type { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SCENARIO_SCHEMA, seedScenarios } from '../../../evaluators/cluster';
import { formatScenario } from '../../../evaluators/cluster/model/format';
import { type ClusterCliOutput } from './io';

export function registerSeedsCommand(cluster: Command, io: ClusterCliOutput): void {
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

}
