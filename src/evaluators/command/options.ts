// Options of the `command` evaluator, validated from plain JSON (CLI flags, config files, editor settings).
import { availableParallelism } from 'node:os';
import type { FeatureDimension, JsonValue, Workload, WorkloadSplit } from '../../core/types';

export interface CommandEvaluatorOptions {
  /** Shell command; `{file}` is replaced by the candidate's path (appended when absent), `{workloads}` by the comma-separated workload ids. */
  command: string;
  timeoutSeconds: number;
  maxOutputBytes: number;
  /** Working directory of the command (defaults to the evolved file's folder). */
  cwd: string;
  workloads: Workload[];
  features: FeatureDimension[];
  domain: string;
  /** Resident memory of the command's whole process tree. */
  memoryMb: number;
  maxProcesses: number;
  /** CPU time of the whole tree; defaults to the time limit on every core. */
  cpuSeconds: number;
  /** Writable scratch space (and largest file) inside the sandbox. */
  scratchMb: number;
  /** The command may use the network (off by default). */
  network: boolean;
  /** Run without the OS sandbox (--unsandboxed-commands). */
  unsandboxed: boolean;
  /** Names of environment variables passed through to the command, besides PATH and the locale. */
  env: string[];
  /** Metrics where lower is better (`*` matches any text), so the editor colours changes by direction. */
  lowerIsBetter: string[];
}

// Never passed through, even on request: credentials of every kind (broker URLs carry a password).
export const SECRET_ENV_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH|BROKER|AMQP|SESSION|COOKIE/i;

function fail(message: string): never {
  throw new Error(`command evaluator: ${message}`);
}

const isObject = (v: JsonValue | undefined): v is { [key: string]: JsonValue } => typeof v === 'object' && v !== null && !Array.isArray(v);

function wholeNumber(raw: { [key: string]: JsonValue }, key: string, fallback: number, min: number, max: number): number {
  const value = raw[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) fail(`\`${key}\` must be a whole number from ${min} to ${max}`);
  return value;
}

function parseWorkloads(value: JsonValue | undefined): Workload[] {
  if (value === undefined) return [{ id: 'default', split: 'search' }];
  if (!Array.isArray(value) || value.length === 0) fail('`workloads` must be a non-empty list');
  const splits: WorkloadSplit[] = ['search', 'validation', 'holdout'];
  const workloads = value.map((item, i): Workload => {
    if (typeof item === 'string') return { id: item, split: 'search' };
    if (!isObject(item) || typeof item.id !== 'string' || item.id === '') fail(`workload ${i + 1} needs a string \`id\``);
    const split = item.split ?? 'search';
    if (typeof split !== 'string' || !splits.includes(split as WorkloadSplit)) fail(`workload '${item.id}': split must be search, validation or holdout`);
    if (item.weight !== undefined && typeof item.weight !== 'number') fail(`workload '${item.id}': weight must be a number`);
    return {
      id: item.id,
      split: split as WorkloadSplit,
      ...(typeof item.weight === 'number' ? { weight: item.weight } : {}),
      ...(item.cheap === true ? { cheap: true } : {}),
    };
  });
  if (new Set(workloads.map((w) => w.id)).size !== workloads.length) fail('workload ids must be unique');
  if (!workloads.some((w) => w.split === 'search')) fail('at least one workload must be in the search split');
  return workloads;
}

function parseFeatures(value: JsonValue | undefined): FeatureDimension[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail('`features` must be a list of { name, min, max, bins }');
  return value.map((f, i) => {
    if (!isObject(f) || typeof f.name !== 'string' || typeof f.min !== 'number' || typeof f.max !== 'number' || typeof f.bins !== 'number') {
      fail(`feature ${i + 1} needs name (string), min, max and bins (numbers)`);
    }
    if (!(f.max > f.min) || f.bins < 1) fail(`feature '${f.name}': max must exceed min and bins must be at least 1`);
    return { name: f.name, min: f.min, max: f.max, bins: Math.floor(f.bins), ...(f.log === true ? { log: true } : {}) };
  });
}

export function parseCommandOptions(raw: { [key: string]: JsonValue }, baseDir: string): CommandEvaluatorOptions {
  const known = new Set(['command', 'timeoutSeconds', 'maxOutputBytes', 'cwd', 'workloads', 'features', 'domain', 'memoryMb', 'maxProcesses', 'cpuSeconds', 'scratchMb', 'network', 'unsandboxed', 'env', 'lowerIsBetter']);
  for (const key of Object.keys(raw)) if (!known.has(key)) fail(`unknown option '${key}' (known: ${[...known].join(', ')})`);
  if (typeof raw.command !== 'string' || raw.command.trim() === '') fail('`command` is required, e.g. --command "python3 evaluate.py {file}"');
  const timeout = raw.timeoutSeconds ?? 60;
  // Timers cannot wait longer than about 24 days.
  if (typeof timeout !== 'number' || !(timeout > 0) || timeout > 2_000_000) fail('`timeoutSeconds` must be a positive number of at most 2000000');
  const maxOutput = raw.maxOutputBytes ?? 1 << 20;
  if (typeof maxOutput !== 'number' || !(maxOutput > 0) || maxOutput > 1 << 30) fail('`maxOutputBytes` must be a positive number of at most 1073741824');
  if (raw.cwd !== undefined && typeof raw.cwd !== 'string') fail('`cwd` must be a path');
  if (raw.domain !== undefined && typeof raw.domain !== 'string') fail('`domain` must be a string');
  const memoryMb = wholeNumber(raw, 'memoryMb', 1024, 16, 1 << 20);
  const maxProcesses = wholeNumber(raw, 'maxProcesses', 256, 1, 1 << 20);
  const scratchMb = wholeNumber(raw, 'scratchMb', 256, 1, 1 << 20);
  const cpuSeconds = raw.cpuSeconds ?? timeout * Math.max(1, availableParallelism());
  if (typeof cpuSeconds !== 'number' || !(cpuSeconds > 0)) fail('`cpuSeconds` must be a positive number');
  for (const flag of ['network', 'unsandboxed'] as const) if (raw[flag] !== undefined && typeof raw[flag] !== 'boolean') fail(`\`${flag}\` must be true or false`);
  const env = raw.env ?? [];
  if (!Array.isArray(env) || env.some((n) => typeof n !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(n))) fail('`env` must be a list of environment variable names');
  for (const name of env as string[]) if (SECRET_ENV_NAME.test(name)) fail(`\`env\`: '${name}' looks like a credential, and credentials never reach evaluator commands`);
  const lowerIsBetter = raw.lowerIsBetter ?? [];
  if (!Array.isArray(lowerIsBetter) || lowerIsBetter.some((n) => typeof n !== 'string' || n === '')) fail('`lowerIsBetter` must be a list of metric names (`*` matches any text)');
  return {
    command: raw.command,
    timeoutSeconds: timeout,
    maxOutputBytes: maxOutput,
    cwd: typeof raw.cwd === 'string' ? raw.cwd : baseDir,
    workloads: parseWorkloads(raw.workloads),
    features: parseFeatures(raw.features),
    domain: typeof raw.domain === 'string' ? raw.domain : 'command',
    memoryMb,
    maxProcesses,
    cpuSeconds,
    scratchMb,
    network: raw.network === true,
    unsandboxed: raw.unsandboxed === true,
    env: env as string[],
    lowerIsBetter: lowerIsBetter as string[],
  };
}
