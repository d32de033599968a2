// /proc/<pid>/stat, read where a process must be told apart from a later one reusing its pid
// (run locks, the command sandbox's namespace init) or its CPU use summed (sandbox limits).
import { readFileSync } from 'node:fs';

/**
 * The stat fields after the command name, so index 0 is field 3 (state) and index 19 field 22
 * (start time); undefined once the process is gone or where there is no /proc. The name (field 2)
 * may hold spaces and parentheses, hence counting from the last ')'.
 */
export function procStatFields(pid: number): string[] | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}
