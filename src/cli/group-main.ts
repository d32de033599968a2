// The entry of a command group's own bundle, dist/cli-<group>.js (scripts/build.mjs writes one per
// group in command-names.ts; launch.ts starts it): the root program with that group alone, so a
// command reads, compiles and initialises its own code and none of the rest of the product.
import { baseProgram } from './base-program';
import type { Register } from './command-groups';
import { runProgram } from '../app/run-program';

export async function runGroup(argv: string[], register: Register): Promise<void> {
  const program = baseProgram();
  register(program);
  await runProgram(program, argv);
}
