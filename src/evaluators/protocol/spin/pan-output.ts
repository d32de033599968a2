// Reads pan's report: search statistics, the harness's own @@ lines (violations and min/max
// metrics), and every sign that the search was not complete.
import { PROPERTY_NAMES } from './model';

export interface PanStats {
  states: number;
  transitions: number;
  depth: number;
  memoryMb: number;
  seconds: number;
}

export interface PanReport {
  errors: number;
  stats?: PanStats;
  /** Set when pan itself says the search is incomplete for a reason other than a found error. */
  incomplete?: string;
  violation?: { property: string; detail: string };
  metrics: { msgMin?: number; msgMax?: number; rcpMin?: number; rcpMax?: number };
  wroteTrail: boolean;
  /** Harness start-up errors (@@ERR). */
  harnessError?: string;
  /** Stored states at which the harness's state budget stopped the search (@@BUDGET). */
  budgetStates?: number;
  /** pan announced a full state-space search (not bitstate, hash-compact or another lossy mode). */
  exhaustive: boolean;
}

function num(re: RegExp, text: string): number | undefined {
  const m = re.exec(text);
  return m ? Number(m[1]) : undefined;
}

export function parsePanOutput(out: string): PanReport {
  const report: PanReport = { errors: num(/errors:\s*(\d+)/, out) ?? -1, metrics: {}, wroteTrail: /pan: wrote .*\.trail/.test(out), exhaustive: /^Full statespace search for:/m.test(out) };
  const states = num(/(\d+(?:\.\d+)?(?:e[+-]?\d+)?) states, stored/, out);
  if (states !== undefined) {
    report.stats = {
      states,
      transitions: num(/(\d+(?:\.\d+)?(?:e[+-]?\d+)?) transitions \(/, out) ?? 0,
      depth: num(/depth reached (\d+)/, out) ?? 0,
      memoryMb: num(/([\d.]+)\s+total actual memory usage/, out) ?? 0,
      seconds: num(/pan: elapsed time ([\d.e+-]+) seconds/, out) ?? 0,
    };
  }
  if (/max search depth too small/.test(out)) report.incomplete = 'the search depth limit was reached';
  if (/pan: out of memory|reached -DMEMLIM bound|memory limit exceeded/i.test(out)) report.incomplete = 'the memory limit was reached';
  // Only a full state-space search can prove anything; bitstate, hash-compact (-DHC*) and any
  // mode pan may add later announce themselves otherwise.
  const mode = /^(.*\S)\s+search for:/m.exec(out)?.[1];
  if (mode !== undefined && !report.exhaustive) report.incomplete = `a lossy search (${mode}) cannot prove correctness`;
  if (/hash table is full/i.test(out)) report.incomplete = 'the hash table filled up (lossy search)';
  for (const line of out.split('\n')) {
    if (line.startsWith('@@VIOL ')) {
      const m = /^@@VIOL (\d+) ([^;]*);(.*)$/.exec(line);
      if (m && !report.violation) report.violation = { property: PROPERTY_NAMES[Number(m[1])] ?? `property ${m[1]}`, detail: `${(m[2] as string).trim()}:${m[3]}` };
    } else if (line.startsWith('@@M ')) {
      const [, key, value] = line.split(/\s+/);
      const v = Number(value);
      if (key === 'msg_min') report.metrics.msgMin = v;
      else if (key === 'msg_max') report.metrics.msgMax = v;
      else if (key === 'rcp_min') report.metrics.rcpMin = v;
      else if (key === 'rcp_max') report.metrics.rcpMax = v;
    } else if (line.startsWith('@@ERR ')) report.harnessError = line.slice(6).trim();
    else if (line.startsWith('@@BUDGET ')) report.budgetStates = Number(line.slice(9));
  }
  return report;
}
