// A learned policy as a cluster policy module: for each waiting task in arrival order, a network
// scores placing it on each node with room (and waiting), and the agent picks greedily, with
// exploration, or by sampling; every choice can be recorded for training.
import type { Rng } from '../../../core/rng';
import type { PolicyModule } from '../engine/simulator';
import type { ClusterView, Decision, NodeView, Placement } from '../policy-api';
import { candidateFeatures, summarize } from './features';

export interface Step {
  /** Candidate feature rows; the last one is "wait". */
  candidates: number[][];
  action: number;
  /** Log-probability of the action under the sampling policy (PPO). */
  logp?: number;
}

export type Chooser = (scores: Float32Array, candidates: number[][]) => { action: number; logp?: number };

/** Tasks considered per call, so one call stays cheap in very long queues (the rest wait). */
const MAX_TASKS_PER_CALL = 64;

export function agentPolicy(score: (rows: number[][]) => Float32Array, choose: Chooser, record?: (step: Step) => void): PolicyModule {
  return {
    decide(view: ClusterView): Decision {
      const summary = summarize(view);
      const freeCpu = view.nodes.map((n) => n.freeCpu);
      const freeMemory = view.nodes.map((n) => n.freeMemory);
      let freeTotal = freeCpu.reduce((a, b) => a + b, 0);
      const place: Placement[] = [];
      for (const t of view.queue.slice(0, MAX_TASKS_PER_CALL)) {
        const nodes: NodeView[] = [];
        const rows: number[][] = [];
        view.nodes.forEach((n, i) => {
          const fc = freeCpu[i] as number;
          const fm = freeMemory[i] as number;
          if (t.cpu > fc + 1e-9 || t.memory > fm + 1e-9) return;
          nodes.push(n);
          rows.push(candidateFeatures(view, summary, t, n, fc, fm, freeTotal));
        });
        rows.push(candidateFeatures(view, summary, t, null, 0, 0, freeTotal));
        // With no node free for this task, waiting is the only move: nothing to learn from.
        if (rows.length === 1) continue;
        const choice = choose(score(rows), rows);
        record?.({ candidates: rows, action: choice.action, ...(choice.logp !== undefined ? { logp: choice.logp } : {}) });
        const node = nodes[choice.action];
        if (!node) continue;
        freeCpu[node.index] = (freeCpu[node.index] as number) - t.cpu;
        freeMemory[node.index] = (freeMemory[node.index] as number) - t.memory;
        freeTotal -= t.cpu;
        place.push({ task: t.id, node: node.id });
      }
      return { place };
    },
  };
}

export function greedy(scores: Float32Array): { action: number } {
  let best = 0;
  for (let i = 1; i < scores.length; i++) if ((scores[i] as number) > (scores[best] as number)) best = i;
  return { action: best };
}

export function epsilonGreedy(rng: Rng, epsilon: () => number): Chooser {
  return (scores) => (rng.chance(epsilon()) ? { action: rng.int(scores.length) } : greedy(scores));
}

/** Samples from the softmax of the scores; returns the action's log-probability. */
export function softmaxSample(rng: Rng): Chooser {
  return (scores) => {
    const max = Math.max(...scores);
    const exps = Array.from(scores, (s) => Math.exp(s - max));
    const total = exps.reduce((a, b) => a + b, 0);
    let r = rng.next() * total;
    let action = exps.length - 1;
    for (let i = 0; i < exps.length; i++) {
      r -= exps[i] as number;
      if (r < 0) {
        action = i;
        break;
      }
    }
    return { action, logp: Math.log((exps[action] as number) / total) };
  };
}
