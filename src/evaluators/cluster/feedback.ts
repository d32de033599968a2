// Feedback for the generator: what the policy did on each scenario compared with the heuristics,
// which objective lags, and the exact errors, in words a model can act on.
import type { SimulationReport } from './engine/simulator';
import { OBJECTIVE_NAMES, type ObjectiveName } from './objectives';
import type { DecisionError, ObjectiveWeights } from './policy-api';
import type { BaselineSet } from './baselines';

export interface ScenarioFeedback {
  id: string;
  description: string;
  report: SimulationReport | undefined;
  baselines: BaselineSet | undefined;
  failure: { kind: string; message: string } | undefined;
  invalid: DecisionError[];
  logs: string[];
}

const fmt = (x: number | null | undefined, digits = 3): string => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : Number(x.toPrecision(digits)).toString());
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

export function buildFeedback(items: readonly ScenarioFeedback[], weights: ObjectiveWeights): string {
  const lines: string[] = [];
  const failed = items.filter((i) => !i.report);
  for (const f of failed.slice(0, 3)) lines.push(`Scenario ${f.id}: FAILED (${f.failure?.kind ?? 'error'}): ${f.failure?.message ?? 'no result'}`);
  if (failed.length > 3) lines.push(`... and ${failed.length - 3} more failed scenarios.`);

  const scored = items.filter((i) => i.report && i.baselines);
  // Objectives where the policy loses most weighted goodness against the best heuristic.
  const gap: Record<ObjectiveName, number> = Object.fromEntries(OBJECTIVE_NAMES.map((n) => [n, 0])) as Record<ObjectiveName, number>;
  for (const s of scored) {
    const mine = (s.report as SimulationReport).goodness;
    const best = (s.baselines as BaselineSet).reports[(s.baselines as BaselineSet).best.name].goodness;
    for (const n of OBJECTIVE_NAMES) gap[n] += weights[n] * (best[n] - mine[n]);
  }
  const lagging = OBJECTIVE_NAMES.filter((n) => gap[n] > 1e-4 * Math.max(1, scored.length)).sort((a, b) => gap[b] - gap[a]);
  if (lagging.length) lines.push(`Objectives where the best heuristic does better (largest weighted gap first): ${lagging.slice(0, 4).join(', ')}.`);

  // Worst scenarios relative to the best heuristic first: that is where changes pay off.
  const ranked = [...scored].sort((a, b) => margin(a) - margin(b));
  for (const s of ranked.slice(0, 6)) {
    const r = s.report as SimulationReport;
    const b = s.baselines as BaselineSet;
    const m = r.metrics;
    lines.push(
      `Scenario ${s.id} (${s.description}): reward ${fmt(r.reward)} vs first-fit ${fmt(b.reports['first-fit'].reward)} and best heuristic ${b.best.name} ${fmt(b.best.reward)}; ` +
        `mean latency ${fmt(m.meanLatency)} s, P99 ${fmt(m.p99Latency)} s, SLA violations ${pct(m.slaViolationRate)}, failed ${m.failed}/${m.tasks}, ` +
        `cost $${fmt(m.costUsd)}, energy ${fmt(m.energyKwh)} kWh, nodes used ${m.nodesUsed}, tenant Gini ${fmt(m.fairnessGini, 2)}` +
        (r.invalidCount ? `; ${r.invalidCount} rejected decision parts` : '') +
        '.',
    );
  }
  const invalid = items.flatMap((i) => i.invalid.map((e) => ({ id: i.id, e })));
  if (invalid.length) {
    lines.push('Rejected decisions (each costs reward; fix these first):');
    for (const { id, e } of invalid.slice(0, 5)) lines.push(`  ${id} t=${fmt(e.time, 6)}: ${e.rule}: ${e.message}`);
  }
  const logs = items.flatMap((i) => i.logs.map((l) => `  ${i.id}: ${l}`));
  if (logs.length) lines.push('Console output:', ...logs.slice(0, 10));
  return lines.join('\n');
}

function margin(s: ScenarioFeedback): number {
  return (s.report?.reward ?? 0) - (s.baselines?.best.reward ?? 0);
}
