// `policy-evolver status` as text: queues, runs, supervisors and workers of one experiment.
import type { StatusReport } from './monitor';

const ago = (ms: number): string => (ms < 90_000 ? `${Math.round(ms / 1000)}s` : ms < 90 * 60_000 ? `${Math.round(ms / 60_000)}m` : `${(ms / 3_600_000).toFixed(1)}h`);

function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => '  ' + row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] as number))).join('  ').trimEnd());
}

export function formatStatus(r: StatusReport, now = Date.now()): string {
  const lines = [`experiment '${r.experiment}' on ${r.broker}`];
  if (!r.exists) {
    lines.push(`  nothing here yet: no run or worker has used this experiment (queues are created by the first one)`);
    return lines.join('\n');
  }
  const q = r.queues;
  const attempts = r.coordinators[0]?.maxAttempts;
  lines.push('queues');
  lines.push(
    ...table([
      ['evaluate', `${q.evaluate.ready} waiting`, `${q.evaluate.consumers} consumer(s)`],
      ['generate', `${q.generate.ready} waiting`, `${q.generate.consumers} consumer(s)`],
      ['dead', `${q.dead.ready} message(s)`, attempts ? `tasks land here after ${attempts} failed attempt(s)` : 'tasks that crashed every worker they reached'],
    ]),
  );
  lines.push(`runs (${r.coordinators.length} coordinator(s))`);
  if (!r.coordinators.length) lines.push('  none sending work right now');
  lines.push(
    ...table(
      r.coordinators.map((c) => [
        c.runs.join(', ') || '(no run yet)',
        `${c.pending.evaluate + c.pending.generate} in flight`,
        `${c.results} results`,
        `${c.duplicates} duplicate(s) dropped`,
        `${c.deadLettered} dead-lettered`,
        c.host,
      ]),
    ),
  );
  if (r.supervisors.length) {
    lines.push('supervisors');
    lines.push(
      ...table(
        r.supervisors.map((s) => [
          s.id,
          `evaluators ${s.evaluators.busy}/${s.evaluators.running} busy (${s.evaluators.min}-${s.evaluators.max})`,
          `samplers ${s.samplers}`,
          `cpu ${s.cpu === null ? '?' : `${Math.round(s.cpu * 100)}%`}`,
          `${s.restarts} restart(s)`,
          s.lastDecision ? `last: ${s.lastDecision}` : '',
        ]),
      ),
    );
  }
  const evaluators = r.workers.filter((w) => w.kind === 'evaluator');
  const samplers = r.workers.filter((w) => w.kind === 'sampler');
  const rate = (ws: typeof r.workers): string => ws.reduce((n, w) => n + w.perMinute, 0).toFixed(1);
  lines.push(`workers: ${evaluators.length} evaluator(s) at ${rate(evaluators)}/min, ${samplers.length} sampler(s) at ${rate(samplers)}/min`);
  lines.push(
    ...table(
      r.workers.map((w) => [
        w.id,
        w.draining ? 'stopping' : w.busy ? `busy ${w.busy}/${w.concurrency}` : 'idle',
        `${w.completed} done`,
        `${w.failed} failed`,
        `${w.redelivered} redelivered`,
        w.avgMs === null ? '' : `avg ${Math.round(w.avgMs)} ms`,
        `up ${ago(now - w.startedAt)}`,
      ]),
    ),
  );
  return lines.join('\n');
}
