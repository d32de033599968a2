// Runs many CLI inputs through the real command tree in one process (starting a process per input
// would make a few hundred cases take many minutes). Prints one JSON line before and after each
// case, so the parent can name the case that hung or crashed the process.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { baseProgram } from '../../../src/cli/base-program';
import { fullProgram } from '../../../src/cli/command-groups';
import { runProgram } from '../../../src/app/run-program';
import type { FuzzCase } from './cases';

const realOut = process.stdout.write.bind(process.stdout);

async function main(): Promise<void> {
  const cases = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as FuzzCase[];
  const home = process.cwd();
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i] as FuzzCase;
    const dir = mkdtempSync(join(tmpdir(), 'pe-fuzz-'));
    for (const [name, text] of Object.entries(c.files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    realOut(`${JSON.stringify({ start: i })}\n`);
    let stderr = '';
    let stdout = '';
    const errWrite = process.stderr.write;
    const outWrite = process.stdout.write;
    process.stderr.write = ((chunk: string | Uint8Array) => {
      stderr += chunk.toString();
      return true;
    }) as typeof process.stderr.write;
    process.stdout.write = ((chunk: string | Uint8Array) => {
      if (stdout.length < 4000) stdout += chunk.toString();
      return true;
    }) as typeof process.stdout.write;
    process.exitCode = undefined;
    process.chdir(dir);
    try {
      await runProgram(await fullProgram(baseProgram), ['node', 'policy-evolver', ...c.args]);
    } finally {
      process.stderr.write = errWrite;
      process.stdout.write = outWrite;
      process.chdir(home);
    }
    const code = typeof process.exitCode === 'number' ? process.exitCode : 0;
    process.exitCode = undefined;
    rmSync(dir, { recursive: true, force: true });
    realOut(`${JSON.stringify({ done: i, code, stderr, stdout })}\n`);
  }
  realOut(`${JSON.stringify({ finished: cases.length })}\n`);
  // Pools or timers a case left behind must not keep the driver alive.
  process.exit(0);
}

void main();
