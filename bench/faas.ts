// FaaS simulator speed against Eudoxia: milliseconds per simulation (in-process, median of several
// runs, trace parsing excluded) for each golden case and the seed paper's default scenario, next
// to Eudoxia's own times; plus peak memory for a one-hour trace at ten times the default load.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Faas from '../src/evaluators/faas';
import type { SimParams } from '../src/evaluators/faas/model/params';
import type { Trace } from '../src/evaluators/faas/model/types';

type FaasModule = typeof Faas;

/**
 * The code as it ships: esbuild bundles it into dist/ like this. Running the TypeScript through
 * tsx instead adds a getter call to every cross-module access, which is not what users run.
 */
function loadShippedBundle(): { faas: FaasModule; how: string } {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuild = require('esbuild') as typeof import('esbuild');
    const outfile = join(mkdtempSync(join(tmpdir(), 'faas-bench-')), 'faas.js');
    esbuild.buildSync({ entryPoints: [join(__dirname, '..', 'src', 'evaluators', 'faas', 'index.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, logLevel: 'error' });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return { faas: require(outfile) as FaasModule, how: 'esbuild bundle, as shipped' };
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return { faas: require('../src/evaluators/faas') as FaasModule, how: 'TypeScript sources through tsx' };
  }
}

const { faas, how } = loadShippedBundle();
const { simulate, readParamsFile, readTraceFile, resolveParams, builtinPolicy, generateTrace, SEED_PAPER_PARAMS } = faas;

/** Eudoxia's times on this kind of machine (CPython 3.11, in-process, median of 3), from the spec. */
const EUDOXIA_MS: Record<string, number> = {
  'naive_defaults_10m/naive': 142,
  'priority_defaults_10m/priority': 891,
  'priority_suspensions_10m/priority': 3600,
  'seed-paper-default/priority': 4000,
  'seed-paper-default/naive': 1200,
};

const WARMUP = 3;
const RUNS = 9;
const FIXTURES = join(__dirname, '..', 'test', 'fixtures', 'eudoxia');

interface Case {
  name: string;
  policy: string;
  params: SimParams;
  /** Parses or generates the trace. */
  trace: () => Trace;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const dir of readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    const params = readParamsFile(join(FIXTURES, dir, 'params.toml'));
    const file = join(FIXTURES, dir, 'trace.csv');
    out.push({ name: dir, policy: params.scheduler_algo, params, trace: () => readTraceFile(file) });
  }
  const seedPaper = resolveParams({ ...SEED_PAPER_PARAMS, random_seed: 42 });
  for (const policy of ['priority', 'naive']) out.push({ name: 'seed-paper-default', policy, params: seedPaper, trace: () => generateTrace(seedPaper, 'eudoxia') });
  return out;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

export async function run(): Promise<void> {
  console.log(`faas simulator (${how}): ms per simulation, in-process, median of ${RUNS} runs after ${WARMUP} warm-up runs per case (trace parsed once, outside the timing), vs Eudoxia`);
  console.log(`${'case'.padEnd(26)} ${'policy'.padEnd(9)} ${'ours ms'.padStart(8)} ${'(best)'.padStart(8)} ${'Eudoxia ms'.padStart(11)} ${'speed-up'.padStart(9)}`);
  let worst = Infinity;
  const all = cases();
  // Warm the JIT on every case first, so the first case measured is not also the first compiled.
  for (const c of all) {
    const trace = c.trace();
    for (let i = 0; i < WARMUP; i++) simulate(trace, c.params, builtinPolicy(c.policy) as NonNullable<ReturnType<typeof builtinPolicy>>);
  }
  for (const c of all) {
    const policy = builtinPolicy(c.policy);
    if (!policy) throw new Error(`no built-in policy ${c.policy}`);
    // The trace is parsed (or generated) once, outside the timing, as an evaluation loads it once.
    const trace = c.trace();
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      const outcome = simulate(trace, c.params, policy);
      times.push(performance.now() - started);
      if (!outcome.ok) throw new Error(`${c.name}: ${outcome.failure.message}`);
    }
    const ours = median(times);
    const best = Math.min(...times);
    const theirs = EUDOXIA_MS[`${c.name}/${c.policy}`];
    const ratio = theirs === undefined ? undefined : theirs / ours;
    if (ratio !== undefined) worst = Math.min(worst, ratio);
    console.log(
      `${c.name.padEnd(26)} ${c.policy.padEnd(9)} ${ours.toFixed(2).padStart(8)} ${`(${best.toFixed(2)})`.padStart(8)} ${(theirs === undefined ? 'n/a' : String(theirs)).padStart(11)} ${(ratio === undefined ? '' : `${ratio.toFixed(0)}x`).padStart(9)}`,
    );
  }
  if (Number.isFinite(worst)) console.log(`smallest speed-up: ${worst.toFixed(0)}x (goal: 100x on every case; medians suffer from other load on the machine, see best)`);

  // Peak memory in a fresh process, so nothing measured above inflates it.
  const child = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--memory-child'], { encoding: 'utf8', cwd: join(__dirname, '..') });
  if (child.status !== 0) console.log(`peak memory run failed: ${child.stderr.trim().split('\n').slice(-3).join(' ')}`);
  else console.log(child.stdout.trim());
}

/** One hour at 1000 ticks/s, ten times the default load (100 pipelines per batch), priority policy. */
function memoryChild(): void {
  const params = resolveParams({ ...SEED_PAPER_PARAMS, duration: 3600, num_pipelines: 100, random_seed: 7 });
  const trace = generateTrace(params, 'eudoxia');
  const before = process.memoryUsage().rss;
  const started = performance.now();
  const outcome = simulate(trace, params, builtinPolicy('priority') as NonNullable<ReturnType<typeof builtinPolicy>>);
  const ms = performance.now() - started;
  if (!outcome.ok) throw new Error(outcome.failure.message);
  const peakMb = process.resourceUsage().maxRSS / 1024;
  const ops = trace.pipelines.reduce((n, p) => n + p.operators.length, 0);
  console.log(
    `one hour at 1000 ticks/s, 10x default load (${trace.pipelines.length} pipelines, ${ops} operators, priority): ` +
      `peak RSS ${peakMb.toFixed(0)} MB (${(before / 2 ** 20).toFixed(0)} MB before the run), ${(ms / 1000).toFixed(2)} s, ${outcome.extra.events} events`,
  );
}

if (process.argv.includes('--memory-child')) memoryChild();
