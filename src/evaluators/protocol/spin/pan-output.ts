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
}

function num(re: RegExp, text: string): number | undefined {
  const m = re.exec(text);
  return m ? Number(m[1]) : undefined;
}

export function parsePanOutput(out: string): PanReport {
  const report: PanReport = { errors: num(/errors:\s*(\d+)/, out) ?? -1, metrics: {}, wroteTrail: /pan: wrote .*\.trail/.test(out) };
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
  if (/hash table is full|-DBITSTATE|bit-state|Bit statespace/i.test(out) && !/Full statespace search/.test(out)) report.incomplete = 'a lossy (bitstate/hash-compact) search cannot prove correctness';
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
  }
  return report;
}
