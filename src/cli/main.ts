#!/usr/bin/env node
// policy-evolver: the headless CLI on the same engine as the editor extension. Start-up loads only
// the invoked command's code (command-groups.ts); help and unknown commands load the full tree.
import { baseProgram } from './base-program';
import { fullProgram, programFor } from './command-groups';
import { runProgram } from '../app/run-program';

/** Runs the CLI; dist/cli.js (launch.ts) calls it in the shipped build. */
export async function main(argv: string[]): Promise<void> {
  const program = await programFor(argv.slice(2), baseProgram, () => fullProgram(baseProgram));
  await runProgram(program, argv);
}

if (require.main === module) void main(process.argv);
