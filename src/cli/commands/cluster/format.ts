// Text reports of the cluster commands: self-play rounds, benchmark sets, scalability, simulations.
import { join } from 'node:path';
import { type SimulationReport } from '../../../evaluators/cluster';
import { BENCH_METRICS, HIGHER_IS_BETTER, scalability, type SelfPlayReport, type SetReport } from '../../../evaluators/cluster/selfplay';

export function formatSelfPlay(r: SelfPlayReport, workDir: string): string {
  const lines = [
    `Self-play: ${r.rounds.length} rounds, stopped (${r.reason}) at level ${r.levelReached}`,
    `Best policy ${r.best.id} by validation reward ${r.best.validationReward.toFixed(4)} on ${r.validation.scenarios.length} unseen scenarios (ELO ${r.best.elo.toFixed(0)}, the second ranking): ${r.best.file}`,
    `  ${r.best.explanation}`,
    `Held-out (${r.holdout.scenarios.length} scenarios): best ${r.holdout.best.toFixed(4)}, start ${r.holdout.initial.toFixed(4)}, first-fit ${r.holdout.firstFit.toFixed(4)}, best heuristic per scenario ${r.holdout.bestHeuristic.toFixed(4)}`,
    'ELO leaderboard:',
    ...r.leaderboard.slice(0, 5).map((p) => `  ${p.rating.toFixed(0).padStart(5)}  ${p.id}  (round ${p.round}, ${p.level}, reward ${p.reward.toFixed(4)})`),
    `Scenario diversity: ${r.diversity.scenarios} scenarios, mean pairwise distance ${r.diversity.meanPairwiseDistance.toFixed(3)}`,
    `Attacker rejections: ${Object.entries(r.attackerRejections).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`,
    `Report: ${join(workDir, 'selfplay.json')}`,
  ];
  return `${lines.join('\n')}\n`;
}

export function fmt(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  const a = Math.abs(x);
  return a >= 1000 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : x.toFixed(4);
}

export function fmtSigned(x: number): string {
  return Number.isFinite(x) && x > 0 ? `+${fmt(x)}` : fmt(x);
}

export function formatP(p: number): string {
  return !Number.isFinite(p) ? 'n/a' : p < 0.001 ? '<0.001' : p.toFixed(3);
}

export function formatSetReport(r: SetReport): string {
  const lines = [`\n== ${r.set}: ${r.scenarios.length} scenarios ==`];
  const d = r.discrimination.vsRandom;
  lines.push(`Load: ${(r.utilisation.cpu * 100).toFixed(0)}% CPU, ${(r.utilisation.memory * 100).toFixed(0)}% memory under best-fit. Discrimination: ${r.discrimination.best} vs random ${fmtSigned(d.meanDiff)} reward [${fmtSigned(d.diffCi95[0])}, ${fmtSigned(d.diffCi95[1])}], dz ${fmtSigned(d.dz)}, paired t p ${formatP(d.pairedTP)}${Number.isFinite(d.pairedTP) && d.pairedTP >= 0.05 ? ' (this set does not tell policies apart)' : ''}`);
  const header = ['metric', ...r.policies.map((p) => p.name)];
  lines.push(`Means with 95% confidence intervals:`);
  lines.push(header.map((h, i) => (i === 0 ? h.padEnd(18) : h.slice(0, 22).padStart(24))).join(''));
  for (const metric of BENCH_METRICS) {
    const row = [`${metric}${HIGHER_IS_BETTER[metric] ? ' ↑' : ' ↓'}`.padEnd(18)];
    const candidate = r.comparisons[0]?.metrics.find((m) => m.metric === metric)?.policy;
    row.push(`${fmt(candidate?.mean ?? Number.NaN)} ±${fmt(candidate?.ci95 ?? Number.NaN)}`.padStart(24));
    for (const c of r.comparisons) {
      const m = c.metrics.find((x) => x.metric === metric);
      row.push(`${fmt(m?.baseline.mean ?? Number.NaN)} ±${fmt(m?.baseline.ci95 ?? Number.NaN)}`.padStart(24));
    }
    lines.push(row.join(''));
  }
  const name = r.policies[0]?.name ?? 'policy';
  lines.push(`${name} against each baseline, paired by scenario (${r.scenarios.length} scenarios): mean difference [bootstrap 95% CI], Cohen's dz,`);
  lines.push(`Holm-corrected p-values (paired t / Wilcoxon signed-rank) over all ${r.comparisons.length * BENCH_METRICS.length} comparisons of this set:`);
  for (const c of r.comparisons) {
    const bound = r.policies.find((p) => p.name === c.baseline)?.bound ? ' (upper bound, not a baseline to beat)' : '';
    lines.push(`  vs ${c.baseline}${bound}`);
    for (const m of c.metrics) {
      const p = m.paired;
      const better = !Number.isFinite(p.meanDiff) || p.meanDiff === 0 ? '' : (p.meanDiff > 0) === HIGHER_IS_BETTER[m.metric] ? ' better' : ' worse';
      lines.push(`    ${m.metric.padEnd(18)} ${fmtSigned(p.meanDiff)} [${fmtSigned(p.diffCi95[0])}, ${fmtSigned(p.diffCi95[1])}]${better.padEnd(7)} dz ${fmtSigned(p.dz)}  p ${formatP(m.holmPairedTP)} / ${formatP(m.holmWilcoxonP)}  n ${p.n}`);
    }
  }
  for (const pol of r.policies) {
    if (pol.failures) lines.push(`${pol.name} failed on ${pol.failures} of ${r.scenarios.length} scenarios (scored the reward floor there).`);
  }
  return `${lines.join('\n')}\n`;
}

export function formatScalability(points: Awaited<ReturnType<typeof scalability>>): string {
  const lines = ['\nScalability (one scenario per size, nodes = tasks / 2):', `${'tasks'.padStart(6)}${'nodes'.padStart(7)}${'reward'.padStart(9)}${'first-fit'.padStart(11)}${'decide ms/task'.padStart(16)}${'sandbox ms/task'.padStart(17)}${'first-fit ms/task'.padStart(19)}`];
  for (const p of points) {
    lines.push(`${String(p.tasks).padStart(6)}${String(p.nodes).padStart(7)}${fmt(p.reward).padStart(9)}${fmt(p.firstFitReward).padStart(11)}${fmt(p.decisionMsPerTask).padStart(16)}${fmt(p.wallMsPerTask).padStart(17)}${fmt(p.firstFitMsPerTask).padStart(19)}${p.error ? `  FAILED: ${p.error}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

export function metricLine(r: SimulationReport): string {
  const m = r.metrics;
  return `latency mean ${fmt(m.meanLatency ?? Number.NaN)} s, P95 ${fmt(m.p95Latency ?? Number.NaN)} s, P99 ${fmt(m.p99Latency ?? Number.NaN)} s; CPU ${(m.cpuUtilisation * 100).toFixed(1)}%, memory ${(m.memoryUtilisation * 100).toFixed(1)}%; cost $${fmt(m.costUsd)}, energy ${fmt(m.energyKwh)} kWh; SLA violations ${(m.slaViolationRate * 100).toFixed(1)}%, failed ${(m.failureRate * 100).toFixed(1)}%; makespan ${fmt(m.makespan)} s; tenant Gini ${fmt(m.fairnessGini)}`;
}
