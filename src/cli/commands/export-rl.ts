// `policy-evolver export-rl <run>`: writes the RL export (app/rl-export.ts) of a run as JSONL,
// optionally sampling more responses per prompt (app/rl-sampling.ts).
import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { readJournal, RunStore } from '../../core/journal';
import { writeFileAtomic } from '../../core/store-fs';
import type { JournalEvent } from '../../core/journal-events';
import { ExitCode, UserError } from '../errors';
import { findRunDir } from '../runs-dir';
import { scrubValue } from '../../core/secrets';
import { buildRlGroups, hasExchanges, type RewardKind } from '../../app/rl-export';
import { sampleGroups } from '../../app/rl-sampling';

interface ExportFlags {
  out?: string;
  groupSize?: string;
  reward: string;
  failureReward: string;
  minGroup: string;
  runsDir?: string;
}

export function registerExportRlCommands(program: Command): void {
  program
    .command('export-rl')
    .description('write a run\'s prompts, responses and rewards as JSONL grouped per prompt (for GRPO-style fine-tuning)')
    .argument('<run>', 'run id, id prefix, run folder or "latest"')
    .option('-o, --out <file>', 'output file (default: stdout)')
    .option('--reward <kind>', 'improvement (1 / 0 / failure), score, or delta (score minus parent score)', 'improvement')
    .option('--failure-reward <n>', 'reward of a candidate that failed (bad patch, evaluation error)', '-1')
    .option('--min-group <n>', 'leave out prompts with fewer responses than this', '1')
    .option('--group-size <k>', "ask the run's model each prompt again until it has K responses, scoring each new reply like a candidate (costs model calls)")
    .option('--runs-dir <dir>', 'where runs are stored')
    .action(async (ref: string, flags: ExportFlags) => {
      if (!['improvement', 'score', 'delta'].includes(flags.reward)) {
        throw new UserError(`--reward must be improvement, score or delta (got '${flags.reward}')`, ExitCode.usage);
      }
      const failureReward = Number(flags.failureReward);
      if (!Number.isFinite(failureReward)) throw new UserError(`--failure-reward must be a number (got '${flags.failureReward}')`, ExitCode.usage);
      const minGroup = Number(flags.minGroup);
      if (!Number.isInteger(minGroup) || minGroup < 1) throw new UserError(`--min-group must be a whole number of at least 1 (got '${flags.minGroup}')`, ExitCode.usage);
      const groupSize = flags.groupSize === undefined ? undefined : Number(flags.groupSize);
      if (groupSize !== undefined && (!Number.isInteger(groupSize) || groupSize < 2 || groupSize > 64)) {
        throw new UserError(`--group-size must be a whole number from 2 to 64 (got '${flags.groupSize}')`, ExitCode.usage);
      }
      const dir = findRunDir(ref, flags.runsDir);
      const { events } = readJournal(join(dir, 'journal.jsonl'));
      // An empty export is not a success: say why there is nothing, and write no file.
      const nothing = (why: string): UserError => new UserError(`run ${dir} has nothing to export: ${why}`);
      if (!hasExchanges(events)) {
        const started = events.find((e): e is Extract<JournalEvent, { type: 'run-started' }> => e.type === 'run-started');
        throw nothing(`it recorded no model exchanges${started ? ` (its generator is ${started.config.generator.id}, not an LLM)` : ''}`);
      }
      const store = RunStore.open(dir);
      const groups = buildRlGroups(
        events,
        (hash) => {
          try {
            return store.readSource(hash);
          } catch (err) {
            throw new UserError(`run ${dir} is missing the stored text ${hash}: ${(err as Error).message}`);
          }
        },
        { reward: flags.reward as RewardKind, failureReward, minGroup: groupSize === undefined ? minGroup : 1 },
      );
      if (groups.length === 0 && groupSize === undefined) throw nothing(`no prompt has ${minGroup} or more responses (--min-group)`);
      if (groupSize !== undefined) {
        const started = events.find((e): e is Extract<JournalEvent, { type: 'run-started' }> => e.type === 'run-started');
        if (!started) throw new UserError(`run ${dir} has no run-started event`);
        const controller = new AbortController();
        const stop = (): void => controller.abort(new Error('interrupted'));
        process.once('SIGINT', stop);
        try {
          const report = await sampleGroups(groups, events, started.config, (hash) => store.readSource(hash), {
            groupSize,
            reward: flags.reward as RewardKind,
            failureReward,
            secret: (name) => process.env[name],
            log: (message) => process.stderr.write(`${message}\n`),
            signal: controller.signal,
          });
          process.stderr.write(`sampled ${report.sampled} more response${report.sampled === 1 ? '' : 's'} for groups of ${groupSize} (spend $${report.spendUsd.toFixed(4)})\n`);
        } finally {
          process.off('SIGINT', stop);
        }
        groups.splice(0, groups.length, ...groups.filter((g) => g.responses.length >= minGroup));
        if (groups.length === 0) throw nothing(`no prompt has ${minGroup} or more responses (--min-group), even after sampling`);
      }
      store.close();
      // Runs recorded before secrets were scrubbed at write time may hold keys; an export never does.
      const text = groups.map((g) => JSON.stringify(scrubValue(g))).join('\n') + (groups.length ? '\n' : '');
      const responses = groups.reduce((n, g) => n + g.responses.length, 0);
      if (flags.out) {
        writeFileAtomic(resolve(flags.out), text);
        process.stderr.write(`wrote ${groups.length} prompt group${groups.length === 1 ? '' : 's'} with ${responses} response${responses === 1 ? '' : 's'} to ${resolve(flags.out)}\n`);
      } else {
        process.stdout.write(text);
      }
    });
}
