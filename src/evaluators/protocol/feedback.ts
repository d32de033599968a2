// Words for the generator (and the person reading a candidate): which settings hold, what each
// violation was, the counterexample as a message-sequence chart, and what the protocol costs.
import type { ProtocolReport } from './verify';
import type { SettingCheck } from './verdict';

export function describeCheck(c: SettingCheck): string {
  const stats = c.stats ? ` (${c.stats.states.toLocaleString('en-US')} states, ${c.stats.seconds.toFixed(2)} s${c.cached ? ', cached' : ''})` : c.cached ? ' (cached)' : '';
  switch (c.verdict) {
    case 'VERIFIED': {
      const m = c.metrics;
      const cost = m?.messagesWorst !== undefined ? `; messages worst ${m.messagesWorst}, best ${m.messagesBest ?? '?'}` : '';
      const rcp = m?.receiptsWorst !== undefined ? `; receipts before delivering ${m.receiptsBest}..${m.receiptsWorst}` : '';
      return `${c.setting}: VERIFIED${stats}${cost}${rcp}`;
    }
    case 'VIOLATED':
      return `${c.setting}: VIOLATED ${c.property ?? ''}${stats} — ${(c.detail ?? '').split(':')[0]}`;
    case 'UNKNOWN':
      return `${c.setting}${c.bestEffort ? ' (best effort)' : ''}: ${c.skipped ? (c.reason ?? 'not checked') : `UNKNOWN — ${c.reason ?? 'inconclusive'}`}${stats}`;
    case 'INVALID':
      return `${c.setting}: INVALID — ${c.reason ?? 'tool error'}`;
  }
}

export function reportFeedback(report: ProtocolReport): string {
  const lines: string[] = [];
  const p = report.protocol;
  lines.push(`Protocol ${p.name}, fault model ${p.fault}${p.fault !== 'none' ? ` (N > ${p.resilience}f)` : ''}: ${report.coverage.summary}.`, 'Spin verdicts, cheapest setting first:');
  for (const c of report.settings) lines.push(`- ${describeCheck(c)}`);
  const failure = report.firstFailure;
  if (failure?.chart) {
    lines.push('', `Shortest counterexample found for ${failure.setting} (${failure.property}):`, failure.chart.text);
  }
  for (const l of report.lockstep) {
    const rcp = l.receipts.filter((r): r is number => r !== undefined);
    lines.push(
      l.allDelivered
        ? `Failure-free lock-step run at N = ${l.n}: ${l.messages} messages, ${l.steps} communication step${l.steps === 1 ? '' : 's'}${rcp.length ? `, a process delivers after counting ${Math.min(...rcp)}..${Math.max(...rcp)} messages` : ''}.`
        : `Failure-free lock-step run at N = ${l.n}: ${l.messages} messages and some process never delivers.`,
    );
  }
  if (report.verified) lines.push('', 'Every setting is verified; a cheaper table (fewer messages or steps) that stays verified would score higher.');
  return lines.join('\n');
}
