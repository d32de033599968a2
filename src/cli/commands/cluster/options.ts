// Flags shared by the policy commands (selfplay, bench) and their parsing into settings.
import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { JsonValue } from '../../../core/types';
import { isLevel, LEVELS, parseWeights, type Level } from '../../../evaluators/cluster';
import { compose } from '../../../app/compose';
import { promptsDir } from '../../../app/prompts';
import { TUNE_GENERATOR, type DefenderSettings } from '../../../evaluators/cluster/selfplay';
import { ExitCode, UserError } from '../../errors';
import { parseIntFlag, parseKeyValues } from '../../../app/run-config';
import { domains } from '../../../app/domains';
import { collect } from './io';

export interface PolicyFlags {
  generator?: string;
  genOption?: string[];
  model?: string[];
  baseUrl?: string;
  candidates?: string;
  concurrency?: string;
  seed?: string;
  weights?: string;
  out?: string;
  json?: boolean;
}

export interface SelfPlayFlags extends PolicyFlags {
  rounds?: string;
  proposals?: string;
  attackIterations?: string;
  train?: string;
  levels?: string;
  holdoutLevels?: string;
  threshold?: string;
  target?: string;
  plateau?: string;
  /** A model spec, `builtin`, or false for --no-attacker. */
  attacker?: string | false;
  attackerBaseUrl?: string;
  policyDb?: boolean;
  curriculum?: boolean;
  resume?: boolean;
  time?: string;
  freshTrain?: string;
}

export interface BenchFlags extends PolicyFlags {
  levels?: string;
  synthetic?: string;
  traceShaped?: string;
  loaded?: string;
  scenarios?: string[];
  gaGenerations?: string;
  gaPopulation?: string;
  /** Sizes, or false for --no-scale. */
  scale?: string | false;
  transfer?: boolean;
  transferScenarios?: string;
  ablations?: boolean;
  rounds?: string;
  rl?: boolean;
  rlEpisodes?: string;
}

export function addPolicyFlags(cmd: Command): Command {
  return cmd
    .option('-g, --generator <name>', 'where defender candidates come from: tune (default: tunes the numeric knobs of the EVOLVE-BLOCK, no key), mutate, llm, openai, anthropic, replay')
    .option('--gen-option <key=value>', 'generator option (repeatable)', collect)
    .option('-m, --model <provider:model>', 'LLM model for the defender (repeatable); implies --generator llm', collect)
    .option('--base-url <url>', 'OpenAI-compatible server for the defender models')
    .option('-n, --candidates <n>', 'candidates per defender run (default: 120 for tune, else 40 for selfplay, 30 for bench)')
    .option('-j, --concurrency <n>', 'sandbox workers and candidates in flight (1: reproducible)', '2')
    .option('--seed <n>', 'seed for every random choice', '1')
    .option('--weights <json>', 'objective weights, e.g. {"cost":0.3,"sla":0.3}')
    .option('-o, --out <dir>', 'output folder (default .policy-evolver/cluster/<command>-<time>)')
    .option('--json', 'print the report as JSON on stdout');
}

export function readPolicy(policy: string): { file: string; code: string } {
  const file = resolve(policy);
  if (!existsSync(file)) throw new UserError(`policy file not found: ${policy}`);
  const code = readFileSync(file, 'utf8');
  const owners = domains.ownersInstead('cluster', file, code);
  if (owners.length > 0) throw new UserError(`${basename(file)} is a ${owners.join(' or ')} policy, not a cluster one (no decide export): run it with policy-evolver ${owners[0]} run`, ExitCode.badInput);
  if (!/\bdecide\b/.test(code)) throw new UserError(`${policy} does not export decide(view); see examples/cluster/first-fit.ts`);
  return { file, code };
}

export function parseWeightsFlag(text: string | undefined): JsonValue | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UserError(`--weights must be JSON, e.g. '{"cost":0.3}', got '${text}'`, ExitCode.usage);
  }
  try {
    parseWeights(value, '--weights');
  } catch (err) {
    throw new UserError((err as Error).message, ExitCode.usage);
  }
  return value as JsonValue;
}

export function parseLevelsFlag(text: string): Level[] {
  const list = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (!list.length || !list.every(isLevel)) throw new UserError(`levels must be a comma-separated list of ${LEVELS.join(', ')}, got '${text}'`, ExitCode.usage);
  return list as Level[];
}

export function parseFraction(name: string, text: string): number {
  const x = Number(text);
  if (!Number.isFinite(x) || x < 0 || x > 1) throw new UserError(`--${name} must be a number from 0 to 1, got '${text}'`, ExitCode.usage);
  return x;
}

export function parsePositive(name: string, text: string): number {
  const x = Number(text);
  if (text.trim() === '' || !Number.isFinite(x) || x <= 0) throw new UserError(`--${name} must be a positive number, got '${text}'`, ExitCode.usage);
  return x;
}

export function parseSizes(text: string): number[] {
  const sizes = text.split(',').map((s) => Number(s.trim()));
  if (!sizes.length || !sizes.every((n) => Number.isInteger(n) && n >= 1 && n <= 5000)) throw new UserError(`--scale takes task counts from 1 to 5000, e.g. 10,50,100, got '${text}'`, ExitCode.usage);
  return sizes;
}

/** Training evaluations per round of the weight tuner, unless -n says otherwise. */
const TUNE_CANDIDATES = 120;

export function defenderSettings(flags: PolicyFlags, runsDir: string, defaultCandidates: number): DefenderSettings {
  let generator: DefenderSettings['generator'];
  const options = parseKeyValues(flags.genOption, 'gen-option');
  if (flags.model?.length) {
    generator = { id: 'llm', options: { ...options, models: flags.model.map((m) => (flags.baseUrl ? { provider: 'openai-compatible', model: m.replace(/^openai-compatible:/, ''), baseUrl: flags.baseUrl } : m)) as JsonValue } };
  } else generator = { id: flags.generator ?? TUNE_GENERATOR, options };
  // Checked before any work: a misspelt generator must not surface after a round of attacks.
  const usable = [TUNE_GENERATOR, ...domains.generatorsFor('cluster', 'policy.ts')];
  if (!usable.includes(generator.id)) throw new UserError(`unknown generator '${generator.id}' for cluster policies (available: ${usable.join(', ')})`, ExitCode.usage);
  const weights = parseWeightsFlag(flags.weights);
  return {
    generator,
    // A tuner's candidate is one cheap evaluation of a few numbers: it needs more of them.
    candidates: parseIntFlag('candidates', flags.candidates, 1) ?? (generator.id === TUNE_GENERATOR ? TUNE_CANDIDATES : defaultCandidates),
    concurrency: parseIntFlag('concurrency', flags.concurrency, 1) ?? 2,
    seed: parseIntFlag('seed', flags.seed, 0) ?? 1,
    runsDir,
    promptsDir: promptsDir(),
    compose,
    ...(weights !== undefined ? { weights } : {}),
    secret: (name) => process.env[name],
    log: () => undefined,
  };
}
