// Feedback for the generator: what a model needs to improve a policy. Per trace it compares the
// candidate with the built-in `priority` baseline on latency and completion per priority, OOM
// kills, timeouts, starvation and resource use; it lists invalid decisions by rule, console
// output, and the spread of scores across traces.
import type { CategoryStats, SimulationFailure, SimulationReport } from './engine/results';
import type { DecisionError } from './engine/decisions';
import { objectiveLabel, OBJECTIVE_DESCRIPTIONS, type Objective } from './objectives';

export interface TraceFeedback {
  id: string;
  label: string;
  score: number | null;
  candidate: SimulationReport | undefined;
  baseline: SimulationReport;
  failure: SimulationFailure | { kind: string; message: string } | undefined;
  invalid: DecisionError[];
  invalidCount: number;
  logs: string[];
}

const MAX_FEEDBACK = 7000;

export function buildFeedback(objective: Objective, traces: readonly TraceFeedback[]): string {
  const lines: string[] = [];
  const name = objectiveLabel(objective);
  const what = objective.kind === 'single' ? OBJECTIVE_DESCRIPTIONS[objective.name] : 'a weighted mix of relative scores';
  lines.push(`Objective: ${name} (${what}). Scores are relative to the built-in \`priority\` policy on the same trace: +12% means 12% better than priority.`);

  const failed = traces.filter((t) => t.failure);
  const invalid = traces.filter((t) => !t.failure && t.invalidCount > 0);
  for (const t of failed) lines.push(`FAILED on ${t.id}: ${t.failure?.message ?? ''}`);
  for (const t of invalid) {
    lines.push(`INVALID DECISIONS on ${t.id}: ${t.invalidCount} rejected (the candidate counts as failed until none are). First ones:`);
    for (const e of t.invalid.slice(0, 4)) lines.push(`  - tick ${e.tick}, rule ${e.rule}: ${e.message}`);
  }

  const scored = traces.filter((t) => t.score !== null);
  if (scored.length) {
    const scores = scored.map((t) => t.score as number);
    const meanScore = scores.reduce((a, b) => a + b, 0) / scores.length;
    const best = scored.reduce((a, b) => ((a.score as number) >= (b.score as number) ? a : b));
    const worst = scored.reduce((a, b) => ((a.score as number) <= (b.score as number) ? a : b));
    lines.push(
      `Overall: mean ${pct(meanScore)} over ${scored.length} trace${scored.length > 1 ? 's' : ''}` +
        (scored.length > 1 ? ` (best ${pct(best.score as number)} on ${best.id}, worst ${pct(worst.score as number)} on ${worst.id}).` : '.'),
    );
  }

  for (const t of traces) {
    if (!t.candidate) continue;
    const c = t.candidate;
    const b = t.baseline;
    lines.push(`- ${t.id} (${t.label}): ${t.score === null ? 'not scored' : `score ${pct(t.score)}`}; adjusted latency ${sec(c.extra.adjusted_latency_seconds)} vs ${sec(b.extra.adjusted_latency_seconds)} for priority.`);
    lines.push(`  completed ${c.stats.pipelines_all.completion_count}/${c.stats.pipelines_all.arrival_count} pipelines (priority ${b.stats.pipelines_all.completion_count}).`);
    lines.push(`  ${category('query', c.stats.pipelines_query, b.stats.pipelines_query)}; ${category('interactive', c.stats.pipelines_interactive, b.stats.pipelines_interactive)}; ${category('batch', c.stats.pipelines_batch, b.stats.pipelines_batch)}.`);
    const never = c.extra.per_category;
    const starving = [
      never.query.never_started ? `${never.query.never_started} query` : '',
      never.interactive.never_started ? `${never.interactive.never_started} interactive` : '',
      never.batch.never_started ? `${never.batch.never_started} batch` : '',
    ].filter(Boolean);
    lines.push(
      `  OOM kills ${c.extra.oom_failures} (priority ${b.extra.oom_failures}); timeouts ${c.stats.pipelines_all.timeout_count}; ` +
        `mean queueing delay ${sec(c.extra.per_category.all.mean_queueing_delay_seconds)} (priority ${sec(b.extra.per_category.all.mean_queueing_delay_seconds)}); ` +
        `${starving.length ? `never started: ${starving.join(', ')} pipelines; ` : ''}longest wait ${sec(c.extra.max_wait_seconds)}; ` +
        `CPU allocated ${share(c.extra.cpu_allocation)}, RAM allocated ${share(c.extra.ram_allocation)}, RAM actually used ${share(c.extra.ram_consumption)} ` +
        `(priority: ${share(b.extra.cpu_allocation)}, ${share(b.extra.ram_allocation)}, ${share(b.extra.ram_consumption)}).`,
    );
  }

  const logs = traces.find((t) => t.logs.length > 0);
  if (logs) {
    lines.push(`Policy console output on ${logs.id} (first lines):`);
    for (const l of logs.logs.slice(0, 10)) lines.push(`  ${l}`);
  }
  const text = lines.join('\n');
  return text.length > MAX_FEEDBACK ? `${text.slice(0, MAX_FEEDBACK)}\n... (feedback truncated)` : text;
}

function category(name: string, c: CategoryStats, b: CategoryStats): string {
  if (c.arrival_count === 0) return `${name}: none arrived`;
  return `${name}: ${c.completion_count}/${c.arrival_count} done, mean ${sec(c.mean_latency_seconds)}, p99 ${sec(c.p99_latency_seconds)} (priority ${b.completion_count}/${b.arrival_count}, ${sec(b.mean_latency_seconds)}, ${sec(b.p99_latency_seconds)})`;
}

export function pct(x: number): string {
  const v = x * 100;
  return `${v >= 0 ? '+' : ''}${Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1)}%`;
}

function sec(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return 'n/a';
  return x >= 100 ? `${x.toFixed(0)} s` : `${x.toFixed(2)} s`;
}

function share(x: number): string {
  return `${(x * 100).toFixed(0)}%`;
}
