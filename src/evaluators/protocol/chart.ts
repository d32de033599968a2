// Counterexample trails as message-sequence charts. The model's network is a set of counters, so a
// receipt says which <type, value> was taken, not from whom; pairing each receipt with the
// earliest unmatched send of that message is a real execution of the same protocol, and the
// one a person reads most easily. Symmetry reduction may swap interchangeable processes after a
// step (@@PERM lines), which is undone here so process names stay stable.
import type { ResolvedSetting } from './model/settings';
import type { RuleTable } from './model/table';

export interface ChartMessage {
  type: string;
  value: number;
}

export type ChartTrigger =
  | { kind: 'broadcast'; value: number }
  | { kind: 'receive'; msg: ChartMessage; from: number; fromFaulty: boolean; fromCrashed: boolean }
  | { kind: 'crash' };

export interface ChartSend {
  msg: ChartMessage;
  /** 'all' for a complete broadcast; the processes reached for a crashing process's last broadcast. */
  to: 'all' | number[];
}

export interface ChartStep {
  index: number;
  process: number;
  trigger: ChartTrigger;
  sent: ChartSend[];
  delivered?: number;
  crashed?: boolean;
  stopped?: boolean;
}

export interface ChartProcess {
  id: number;
  sender: boolean;
  faulty: boolean;
}

export interface ChartOutcome {
  id: number;
  state: 'delivered' | 'waiting' | 'crashed' | 'faulty' | 'stopped';
  value?: number;
}

export interface Chart {
  setting: string;
  n: number;
  f: number;
  processes: ChartProcess[];
  steps: ChartStep[];
  violation?: { property: string; detail: string };
  outcome: ChartOutcome[];
  text: string;
}

interface SendRecord {
  from: number;
  msg: ChartMessage;
  lossy: boolean;
  step: ChartStep;
  send: ChartSend;
  takenBy: Set<number>;
}

export function buildChart(trace: string, table: RuleTable, setting: ResolvedSetting, violation?: { property: string; detail: string }): Chart {
  const n = setting.n;
  let ident = Array.from({ length: n }, (_, i) => i);
  const steps: ChartStep[] = [];
  const sends: SendRecord[] = [];
  // Which faulty party already sent which type (and value, for per-value types) to which receiver.
  const faultyUsed = new Set<string>();
  const delivered = new Map<number, number>();
  const crashed = new Set<number>();
  const stopped = new Set<number>();
  let current: ChartStep | undefined;
  const typeName = (t: number): string => table.types[t]?.name ?? `T${t}`;
  const startStep = (process: number, trigger: ChartTrigger): ChartStep => {
    const step: ChartStep = { index: steps.length + 1, process, trigger, sent: [] };
    steps.push(step);
    current = step;
    return step;
  };

  for (const raw of trace.split('\n')) {
    const line = raw.trim();
    if (line === '@@S') {
      current = undefined;
      continue;
    }
    if (line.startsWith('@@PERM')) {
      const perm = line.split(/\s+/).slice(1).map(Number);
      if (perm.length === n) ident = perm.map((old) => ident[old] as number);
      continue;
    }
    if (!line.startsWith('@@E ')) continue;
    const [, kind, a, b, c] = line.split(/\s+/);
    const p = ident[Number(a)] as number;
    switch (kind) {
      case 'broadcast':
        startStep(p, { kind: 'broadcast', value: Number(b) });
        break;
      case 'recv':
      case 'lrecv': {
        const msg = { type: typeName(Number(b)), value: Number(c) };
        const lossy = kind === 'lrecv';
        const rec = sends.find((s) => s.lossy === lossy && s.from !== p && !s.takenBy.has(p) && s.msg.type === msg.type && s.msg.value === msg.value);
        if (rec) {
          rec.takenBy.add(p);
          if (Array.isArray(rec.send.to)) rec.send.to.push(p);
        }
        startStep(p, { kind: 'receive', msg, from: rec?.from ?? -1, fromFaulty: false, fromCrashed: lossy });
        break;
      }
      case 'byz': {
        const t = Number(b);
        const msg = { type: typeName(t), value: Number(c) };
        const ty = table.types[t];
        const candidates = ty?.senderOnly ? [0] : setting.byzantine;
        const keyOf = (fid: number): string => `${p}/${fid}/${t}${ty?.perValue ? `/${msg.value}` : ''}`;
        const from = candidates.find((fid) => !faultyUsed.has(keyOf(fid))) ?? candidates[0] ?? -1;
        faultyUsed.add(keyOf(from));
        startStep(p, { kind: 'receive', msg, from, fromFaulty: true, fromCrashed: false });
        break;
      }
      case 'send':
      case 'csend': {
        const step = current ?? startStep(p, { kind: 'crash' });
        const msg = { type: typeName(Number(b)), value: Number(c) };
        const send: ChartSend = { msg, to: kind === 'csend' ? [] : 'all' };
        step.sent.push(send);
        sends.push({ from: p, msg, lossy: kind === 'csend', step, send, takenBy: new Set() });
        break;
      }
      case 'deliver': {
        const step = current ?? startStep(p, { kind: 'crash' });
        step.delivered = Number(b);
        delivered.set(p, Number(b));
        break;
      }
      case 'crash': {
        const step = current ?? startStep(p, { kind: 'crash' });
        step.crashed = true;
        crashed.add(p);
        break;
      }
      case 'stop': {
        if (current) current.stopped = true;
        stopped.add(p);
        break;
      }
      default:
        break;
    }
  }

  const processes: ChartProcess[] = Array.from({ length: n }, (_, id) => ({ id, sender: id === 0, faulty: setting.byzantine.includes(id) }));
  const outcome: ChartOutcome[] = processes.map((pr) => {
    if (pr.faulty) return { id: pr.id, state: 'faulty' };
    if (crashed.has(pr.id)) return { id: pr.id, state: 'crashed', ...(delivered.has(pr.id) ? { value: delivered.get(pr.id) as number } : {}) };
    if (delivered.has(pr.id)) return { id: pr.id, state: 'delivered', value: delivered.get(pr.id) as number };
    return { id: pr.id, state: stopped.has(pr.id) ? 'stopped' : 'waiting' };
  });
  const chart: Chart = { setting: setting.id, n, f: setting.f, processes, steps, ...(violation ? { violation } : {}), outcome, text: '' };
  chart.text = renderChart(chart);
  return chart;
}

const msgText = (m: ChartMessage): string => `${m.type}(${m.value})`;

function name(id: number, chart: Pick<Chart, 'processes'>): string {
  const p = chart.processes[id];
  if (!p) return id < 0 ? 'an unknown process' : `p${id}`;
  return `p${id}${p.faulty ? ' (faulty)' : ''}`;
}

export function renderChart(chart: Omit<Chart, 'text'>): string {
  const lines: string[] = [];
  const roles = chart.processes.map((p) => `p${p.id}${p.sender ? ' sender' : ''}${p.faulty ? ' Byzantine' : ''}`.replace(' sender Byzantine', ' Byzantine sender'));
  lines.push(`Setting ${chart.setting} (N = ${chart.n}, f = ${chart.f}); processes: ${roles.join(', ')}.`);
  if (chart.violation) lines.push(`Violated: ${chart.violation.property} — ${chart.violation.detail.split(':')[0]}.`);
  for (const s of chart.steps) {
    const parts: string[] = [];
    const who = `p${s.process}`;
    switch (s.trigger.kind) {
      case 'broadcast':
        parts.push(`${who} broadcasts ${s.trigger.value}`);
        break;
      case 'receive':
        parts.push(`${who} receives ${msgText(s.trigger.msg)} from ${name(s.trigger.from, chart)}${s.trigger.fromCrashed ? ' (sent just before it crashed)' : ''}`);
        break;
      case 'crash':
        parts.push(`${who}`);
        break;
    }
    for (const send of s.sent) {
      if (send.to === 'all') parts.push(`sends ${msgText(send.msg)} to all`);
      else parts.push(`sends ${msgText(send.msg)} but crashes: it reaches ${send.to.length ? send.to.map((t) => `p${t}`).join(', ') : 'nobody'}`);
    }
    if (s.delivered !== undefined) parts.push(`delivers ${s.delivered}`);
    if (s.crashed && !s.sent.some((x) => x.to !== 'all')) parts.push(s.trigger.kind === 'crash' ? 'crashes' : 'then crashes');
    if (s.stopped) parts.push('stops');
    lines.push(`${String(s.index).padStart(3)}. ${parts.join('; ')}`);
  }
  const liveness = !chart.violation || /Validity|Agreement/.test(chart.violation.property);
  const end = chart.outcome
    .filter((o) => o.state !== 'faulty')
    .map((o) =>
      o.state === 'delivered' ? `p${o.id} delivered ${o.value}` : o.state === 'crashed' ? `p${o.id} crashed` : o.state === 'stopped' ? `p${o.id} stopped without delivering` : liveness ? `p${o.id} never delivers` : `p${o.id} has not delivered`,
    );
  lines.push(`${!chart.violation ? 'End' : liveness ? 'End (no message that could change anything is left in transit)' : 'When the property broke'}: ${end.join(', ')}.`);
  return lines.join('\n');
}
