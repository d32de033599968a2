// The genetic-algorithm baseline: it optimises the allocation of one scenario directly, with the
// whole scenario known in advance (so it is a clairvoyant reference, not a deployable policy).
// A chromosome gives every task a rank (queue order), a node, and whether the task may go to
// another node when its own is full; a list scheduler turns it into decisions, and the fitness
// is the simulated reward.
import { Rng } from '../../../core/rng';
import type { ClusterView, Decision, ObjectiveWeights, Placement } from '../policy-api';
import { simulate, type PolicyModule, type SimulationOutcome } from '../engine/simulator';
import { fitsNode } from '../engine/metrics';
import type { Scenario } from '../model/scenario';

export interface GeneticOptions {
  population?: number;
  generations?: number;
  seed?: number;
  weights?: ObjectiveWeights;
  mutationRate?: number;
}

export interface Chromosome {
  rank: number[];
  node: number[];
  flexible: boolean[];
}

export interface GeneticResult {
  best: Chromosome;
  reward: number;
  outcome: SimulationOutcome;
  evaluations: number;
  /** Best reward after each generation. */
  history: number[];
}

export function planPolicy(scenario: Scenario, c: Chromosome): PolicyModule {
  const indexOf = new Map(scenario.tasks.map((t, i) => [t.id, i]));
  return {
    decide(view: ClusterView): Decision {
      const free = view.nodes.map((n) => ({ cpu: n.freeCpu, memory: n.freeMemory }));
      const fits = (i: number, n: number): boolean => {
        const t = scenario.tasks[i];
        const f = free[n];
        return !!t && !!f && t.cpu <= f.cpu + 1e-9 && t.memory <= f.memory + 1e-9;
      };
      const order = view.queue.map((t) => indexOf.get(t.id) as number).sort((a, b) => (c.rank[a] as number) - (c.rank[b] as number) || a - b);
      const place: Placement[] = [];
      for (const i of order) {
        let n = c.node[i] as number;
        if (!fits(i, n)) {
          if (!c.flexible[i]) continue;
          n = free.findIndex((_, k) => fits(i, k));
          if (n < 0) continue;
        }
        const t = scenario.tasks[i];
        const f = free[n];
        if (!t || !f) continue;
        f.cpu -= t.cpu;
        f.memory -= t.memory;
        place.push({ task: t.id, node: (view.nodes[n] as { id: string }).id });
      }
      return { place };
    },
  };
}

export function geneticBaseline(scenario: Scenario, options: GeneticOptions = {}): GeneticResult {
  const size = options.population ?? 24;
  const generations = options.generations ?? 25;
  const rate = options.mutationRate ?? 0.08;
  const rng = new Rng(options.seed ?? 1);
  const n = scenario.tasks.length;
  const feasible = scenario.tasks.map((t) => scenario.nodes.flatMap((node, k) => (fitsNode(t, node) ? [k] : [])));
  const anyNode = (i: number): number => {
    const list = feasible[i] as number[];
    return list.length ? rng.pick(list) : 0;
  };
  let evaluations = 0;
  const evaluate = (c: Chromosome): { c: Chromosome; reward: number; outcome: SimulationOutcome } => {
    evaluations++;
    const outcome = simulate(scenario, planPolicy(scenario, c), options.weights ? { weights: options.weights } : {});
    return { c, reward: outcome.ok ? outcome.reward : 0, outcome };
  };
  // Seed the population with first-fit in arrival order, then random plans.
  const firstFit: Chromosome = { rank: scenario.tasks.map((_, i) => i / Math.max(1, n)), node: feasible.map((l) => l[0] ?? 0), flexible: scenario.tasks.map(() => true) };
  const random = (): Chromosome => ({ rank: scenario.tasks.map(() => rng.next()), node: scenario.tasks.map((_, i) => anyNode(i)), flexible: scenario.tasks.map(() => rng.chance(0.7)) });
  let population = [evaluate(firstFit), ...Array.from({ length: size - 1 }, () => evaluate(random()))];
  const history: number[] = [];
  const byReward = (a: { reward: number }, b: { reward: number }): number => b.reward - a.reward;
  population.sort(byReward);
  history.push(population[0]?.reward ?? 0);
  const tournament = (): Chromosome => {
    let best = population[rng.int(population.length)] as (typeof population)[number];
    for (let k = 0; k < 2; k++) {
      const x = population[rng.int(population.length)] as (typeof population)[number];
      if (x.reward > best.reward) best = x;
    }
    return best.c;
  };
  for (let g = 0; g < generations; g++) {
    const next = population.slice(0, 2);
    while (next.length < size) {
      const a = tournament();
      const b = tournament();
      const child: Chromosome = { rank: [], node: [], flexible: [] };
      for (let i = 0; i < n; i++) {
        const from = rng.chance(0.5) ? a : b;
        child.rank.push(rng.chance(rate) ? Math.min(1, Math.max(0, (from.rank[i] as number) + (rng.next() - 0.5) * 0.3)) : (from.rank[i] as number));
        child.node.push(rng.chance(rate) ? anyNode(i) : (from.node[i] as number));
        child.flexible.push(rng.chance(rate) ? !from.flexible[i] : (from.flexible[i] as boolean));
      }
      next.push(evaluate(child));
    }
    population = next.sort(byReward);
    history.push(population[0]?.reward ?? 0);
  }
  const best = population[0] as (typeof population)[number];
  return { best: best.c, reward: best.reward, outcome: best.outcome, evaluations, history };
}
