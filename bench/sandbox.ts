// Sandbox figures: worker cold start, throughput of a trivial candidate on two workers, and
// what the blob cache saves when a large input is reused.
import { sandboxEntryMode } from '../src/sandbox/entries';
import { createSandboxPool } from '../src/sandbox/pool';
import type { SandboxJob, SandboxOutcome, SandboxPool } from '../src/sandbox/types';

const TRIVIAL: SandboxJob = {
  harness: 'call',
  candidateCode: 'export function add(a: number, b: number): number { return a + b; }',
  candidateFileName: 'bench.ts',
  input: { export: 'add', args: [1, 2] },
};

function check(outcome: SandboxOutcome): void {
  if (!outcome.ok) throw new Error(`bench job failed (${outcome.kind}): ${outcome.message}`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function coldStartMs(): Promise<number> {
  const pool = createSandboxPool({ size: 1 });
  try {
    const started = performance.now();
    check(await pool.run(TRIVIAL));
    return performance.now() - started;
  } finally {
    await pool.close();
  }
}

async function throughput(pool: SandboxPool, jobs: number): Promise<number> {
  const started = performance.now();
  const outcomes = await Promise.all(Array.from({ length: jobs }, (_, i) => pool.run({ ...TRIVIAL, input: { export: 'add', args: [i, 1] } })));
  outcomes.forEach(check);
  return jobs / ((performance.now() - started) / 1000);
}

async function largeInput(pool: SandboxPool): Promise<{ first: number; repeated: number }> {
  const text = 'x'.repeat(8 * 1024 * 1024);
  const job: SandboxJob = { ...TRIVIAL, candidateCode: 'export const len = (s: string): number => s.length;', input: { export: 'len', args: [text] } };
  const time = async () => {
    const started = performance.now();
    check(await pool.run(job));
    return performance.now() - started;
  };
  const first = await time();
  const repeated = median([await time(), await time(), await time()]);
  return { first, repeated };
}

export async function run(): Promise<void> {
  console.log(`sandbox (${sandboxEntryMode()} entries)`);
  const cold = [await coldStartMs(), await coldStartMs(), await coldStartMs()];
  console.log(`  cold start, new pool to first result: median ${median(cold).toFixed(0)} ms (runs: ${cold.map((c) => c.toFixed(0)).join(', ')})`);

  const pool = createSandboxPool({ size: 2 });
  try {
    await Promise.all([pool.run(TRIVIAL), pool.run(TRIVIAL)]);
    await throughput(pool, 200);
    const rates = [await throughput(pool, 2000), await throughput(pool, 2000)];
    console.log(`  throughput, trivial candidate, 2 workers: ${Math.max(...rates).toFixed(0)} jobs/s`);

    const single = createSandboxPool({ size: 1 });
    try {
      check(await single.run(TRIVIAL));
      const { first, repeated } = await largeInput(single);
      console.log(`  8 MB input: first job ${first.toFixed(0)} ms, repeated (cached in the worker) ${repeated.toFixed(0)} ms`);
    } finally {
      await single.close();
    }
  } finally {
    await pool.close();
  }
}

if (require.main === module) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
