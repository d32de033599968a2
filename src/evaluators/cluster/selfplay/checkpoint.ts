// The self-play checkpoint: everything a run has learned after a round (the policy database, the
// ELO ratings, the curriculum, the scenario history, the attacker's and the prompt pools' state),
// written atomically to the work folder after every round, so `cluster selfplay --resume`
// continues where an interrupted run stopped.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Level } from '..';
import type { CurriculumStep } from './curriculum';
import type { EloEntry } from './elo';
import type { FeatureVector } from './features';
import type { PromptPoolState } from './meta-prompts';
import type { PolicyEntry } from './policy-db';
import type { Layer } from './validators';

export const CHECKPOINT_FILE = 'selfplay-state.json';
const CHECKPOINT_VERSION = 1;

/** What must match for a checkpoint to continue a run: the same policy, levels, attacker and seeds. */
export interface CheckpointIdentity {
  policyHash: string;
  levels: readonly Level[];
  attacker: string;
  seed: number;
  generator: string;
}

export interface SelfPlayCheckpoint<R> {
  version: number;
  identity: CheckpointIdentity;
  /** The last round completed. */
  round: number;
  records: R[];
  stale: number;
  spendUsd: number;
  rejectedTotal: Partial<Record<Layer | 'schema', number>>;
  currentPolicy: string;
  policies: PolicyEntry[];
  elo: EloEntry[];
  curriculum: { level: Level; passedTop: boolean; history: CurriculumStep[] };
  diversity: { id: string; features: FeatureVector }[];
  /** Accepted attacker scenarios per level, as scenario JSON. */
  generated: Partial<Record<Level, unknown[]>>;
  attacker: unknown;
  defenderPrompts: PromptPoolState;
}

export function policyHash(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

export function writeCheckpoint<R>(workDir: string, checkpoint: SelfPlayCheckpoint<R>): void {
  const path = join(workDir, CHECKPOINT_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, `${JSON.stringify(checkpoint)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** The saved state of the run in `workDir`; an error a user can act on when it cannot continue this run. */
export function readCheckpoint<R>(workDir: string, identity: CheckpointIdentity): SelfPlayCheckpoint<R> {
  const path = join(workDir, CHECKPOINT_FILE);
  if (!existsSync(path)) throw new Error(`nothing to resume: ${path} does not exist (start the run without --resume)`);
  let parsed: SelfPlayCheckpoint<R>;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as SelfPlayCheckpoint<R>;
  } catch (error) {
    throw new Error(`cannot resume: ${path} is damaged (${(error as Error).message})`);
  }
  if (parsed.version !== CHECKPOINT_VERSION) throw new Error(`cannot resume: ${path} has version ${String(parsed.version)}, this build writes ${CHECKPOINT_VERSION}`);
  const saved = parsed.identity;
  const differences: string[] = [];
  if (saved.policyHash !== identity.policyHash) differences.push('the starting policy file changed');
  if (saved.levels.join(',') !== identity.levels.join(',')) differences.push(`levels were ${saved.levels.join(',')}, now ${identity.levels.join(',')}`);
  if (saved.attacker !== identity.attacker) differences.push(`attacker was ${saved.attacker}, now ${identity.attacker}`);
  if (saved.seed !== identity.seed) differences.push(`seed was ${saved.seed}, now ${identity.seed}`);
  if (saved.generator !== identity.generator) differences.push(`generator was ${saved.generator}, now ${identity.generator}`);
  if (differences.length) throw new Error(`cannot resume the run in ${workDir}: ${differences.join('; ')}`);
  return parsed;
}
