// Static import of a Node built-in that could run commands.
import { execSync } from 'child_process';

export function run() {
  return String(execSync('id'));
}
