// A cluster allocation policy written against the policy API (./policy-api.d.ts). As shipped it
// is first-fit: waiting tasks in arrival order, each on the first node (in the scenario's order)
// with room for it. The EVOLVE-BLOCK holds the knobs worth evolving: the order in which waiting
// tasks are served and how candidate nodes are ranked. With every weight at zero except
// ARRIVAL_WEIGHT it behaves exactly like the built-in `first-fit` baseline.
//
//   policy-evolver cluster bench examples/cluster/first-fit.ts
//   policy-evolver cluster selfplay examples/cluster/first-fit.ts
import type { ClusterView, Decision, NodeView, Placement, TaskView } from './policy-api';

// EVOLVE-BLOCK-START
/** Queue order: a smaller key is served first. */
const ARRIVAL_WEIGHT = 1;
/** Per priority step below the top (11): favours important tasks. */
const PRIORITY_WEIGHT = 0.0;
/** Per announced second of run time: favours short tasks. */
const SIZE_WEIGHT = 0.0;
/** Per second of slack before the deadline: favours urgent tasks. */
const SLACK_WEIGHT = 0.0;
/** Slack assumed for tasks without a deadline. */
const NO_DEADLINE_SLACK = 86400;

/** Node ranking: a smaller score is better; ties go to the node listed first. */
const COST_WEIGHT = 0.0; // dollars per core-hour
const POWER_WEIGHT = 0.0; // peak watts per core
const FIT_WEIGHT = 0.0; // share of the node left free after placing (positive: best fit)
const SLOWNESS_WEIGHT = 0.0; // 1 / speed
const EDGE_PENALTY = 0.0; // added for edge nodes
const IDLE_PENALTY = 0.0; // added for nodes that run nothing yet (positive: consolidate)

function queueKey(t: TaskView, now: number): number {
  const slack = t.deadline === null ? NO_DEADLINE_SLACK : t.deadline - now - t.durationEstimate;
  return ARRIVAL_WEIGHT * t.arrival + PRIORITY_WEIGHT * (11 - t.priority) + SIZE_WEIGHT * t.durationEstimate + SLACK_WEIGHT * slack;
}

function nodeScore(t: TaskView, n: NodeView, freeCpu: number, freeMemory: number): number {
  const leftover = ((freeCpu - t.cpu) / n.cpu + (freeMemory - t.memory) / n.memory) / 2;
  return (
    COST_WEIGHT * (n.costPerHour / n.cpu) +
    POWER_WEIGHT * (n.peakWatts / n.cpu) +
    FIT_WEIGHT * leftover +
    SLOWNESS_WEIGHT * (1 / n.speed) +
    (n.kind === 'edge' ? EDGE_PENALTY : 0) +
    (n.running.length === 0 && freeCpu === n.cpu ? IDLE_PENALTY : 0)
  );
}
// EVOLVE-BLOCK-END

export function decide(view: ClusterView): Decision {
  const freeCpu = view.nodes.map((n) => n.freeCpu);
  const freeMemory = view.nodes.map((n) => n.freeMemory);
  const order = view.queue.map((t, i) => ({ t, i, key: queueKey(t, view.now) })).sort((a, b) => a.key - b.key || a.i - b.i);
  const place: Placement[] = [];
  order.forEach(({ t, key }, rank) => {
    let best = -1;
    let bestScore = Infinity;
    let fitting = 0;
    view.nodes.forEach((n, i) => {
      const cpu = freeCpu[i] as number;
      const memory = freeMemory[i] as number;
      if (t.cpu > cpu + 1e-9 || t.memory > memory + 1e-9) return;
      fitting++;
      const score = nodeScore(t, n, cpu, memory);
      if (score < bestScore) {
        best = i;
        bestScore = score;
      }
    });
    if (best < 0) return;
    freeCpu[best] = (freeCpu[best] as number) - t.cpu;
    freeMemory[best] = (freeMemory[best] as number) - t.memory;
    // The reason is for the person reviewing the policy (cluster run --explain, the review panel).
    const reason = `served ${rank + 1} of ${order.length} waiting (queue key ${key.toPrecision(4)}); node score ${bestScore.toPrecision(4)}, the lowest of ${fitting} nodes with room`;
    place.push({ task: t.id, node: (view.nodes[best] as NodeView).id, reason });
  });
  return { place };
}
