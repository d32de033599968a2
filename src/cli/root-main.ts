// The entry of dist/cli-root.js: the root program alone, with no command, for `--version`, which
// launch.ts would otherwise answer by loading the whole CLI (dist/cli-main.js) to print one line.
import { baseProgram } from './base-program';
import { runProgram } from '../app/run-program';

export function main(argv: string[]): Promise<void> {
  return runProgram(baseProgram(), argv);
}
