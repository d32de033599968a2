// Command sandbox figures: what bubblewrap adds to one evaluation of a trivial command, against
// the same command run unsandboxed (--unsandboxed-commands), sequentially.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCommandSandbox, type CommandSandbox } from '../src/sandbox/command';

const RUNS = 30;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function perEvaluationMs(sandbox: CommandSandbox, cwd: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const run = await sandbox.run({
      cwd,
      files: [{ name: 'policy.txt', content: `candidate ${i}\n` }],
      limits: { timeoutMs: 30_000, memoryMb: 512, maxProcesses: 64, cpuSeconds: 30, maxOutputBytes: 1 << 20, scratchMb: 64 },
      network: false,
      signal: new AbortController().signal,
      prepare: (dir) => ({ command: `wc -c < ${dir}/policy.txt`, env: { PATH: '/usr/bin:/bin' } }),
    });
    if (run.end !== 'exited' || run.code !== 0) throw new Error(`bench command failed: ${run.end} ${run.detail ?? run.stderr}`);
    times.push(performance.now() - started);
  }
  return median(times);
}

export async function run(): Promise<void> {
  const cwd = mkdtempSync(join(tmpdir(), 'pe-bench-command-'));
  try {
    const none = await perEvaluationMs(await openCommandSandbox({ unsandboxed: true }), cwd);
    console.log(`command evaluation, unsandboxed: ${none.toFixed(1)} ms (median of ${RUNS})`);
    const bwrap = await perEvaluationMs(await openCommandSandbox({ unsandboxed: false }), cwd);
    console.log(`command evaluation, bubblewrap:  ${bwrap.toFixed(1)} ms (median of ${RUNS}; +${(bwrap - none).toFixed(1)} ms for the sandbox)`);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}
