// The classic placement heuristics, written against the policy API like any candidate. They are
// the baselines every policy is compared with; first-fit is also what examples/cluster/first-fit.ts
// reproduces before it is evolved.
import type { ClusterView, Decision, NodeView, Placement, TaskView } from '../policy-api';
import type { PolicyModule } from '../engine/simulator';

/** Free resources of the nodes while one decision hands them out. */
class Room {
  readonly cpu: number[];
  readonly memory: number[];

  constructor(readonly nodes: readonly NodeView[]) {
    this.cpu = nodes.map((n) => n.freeCpu);
    this.memory = nodes.map((n) => n.freeMemory);
  }

  fits(t: TaskView, i: number): boolean {
    return t.cpu <= (this.cpu[i] as number) + 1e-9 && t.memory <= (this.memory[i] as number) + 1e-9;
  }

  take(t: TaskView, i: number): void {
    this.cpu[i] = (this.cpu[i] as number) - t.cpu;
    this.memory[i] = (this.memory[i] as number) - t.memory;
  }

  /** Share of node i left free after placing t (mean of the CPU and memory shares). */
  leftover(t: TaskView, i: number): number {
    const n = this.nodes[i] as NodeView;
    return (((this.cpu[i] as number) - t.cpu) / n.cpu + ((this.memory[i] as number) - t.memory) / n.memory) / 2;
  }
}

type Chooser = (t: TaskView, room: Room, view: ClusterView) => number;

function greedy(order: (queue: readonly TaskView[], view: ClusterView) => readonly TaskView[], choose: Chooser): PolicyModule {
  return {
    decide(view: ClusterView): Decision {
      const room = new Room(view.nodes);
      const place: Placement[] = [];
      for (const t of order(view.queue, view)) {
        const i = choose(t, room, view);
        if (i < 0) continue;
        room.take(t, i);
        place.push({ task: t.id, node: (view.nodes[i] as NodeView).id });
      }
      return { place };
    },
  };
}

const arrivalOrder = (queue: readonly TaskView[]): readonly TaskView[] => queue;

function firstFitting(t: TaskView, room: Room, start = 0): number {
  const n = room.nodes.length;
  for (let k = 0; k < n; k++) {
    const i = (start + k) % n;
    if (room.fits(t, i)) return i;
  }
  return -1;
}

function extremeFit(sign: 1 | -1): Chooser {
  return (t, room) => {
    let best = -1;
    let bestScore = Infinity;
    for (let i = 0; i < room.nodes.length; i++) {
      if (!room.fits(t, i)) continue;
      const score = sign * room.leftover(t, i);
      if (score < bestScore - 1e-12) {
        best = i;
        bestScore = score;
      }
    }
    return best;
  };
}

/** Size of a task relative to the largest node, for "decreasing" orders. */
function relativeSize(t: TaskView, nodes: readonly NodeView[]): number {
  const maxCpu = Math.max(...nodes.map((n) => n.cpu));
  const maxMem = Math.max(...nodes.map((n) => n.memory));
  return Math.max(t.cpu / maxCpu, t.memory / maxMem);
}

export function firstFit(): PolicyModule {
  return greedy(arrivalOrder, (t, room) => firstFitting(t, room));
}

export function bestFit(): PolicyModule {
  return greedy(arrivalOrder, extremeFit(1));
}

export function worstFit(): PolicyModule {
  return greedy(arrivalOrder, extremeFit(-1));
}

/** First-fit over the waiting batch sorted by decreasing size (ties keep arrival order). */
export function firstFitDecreasing(): PolicyModule {
  return greedy(
    (queue, view) =>
      queue
        .map((t, i) => ({ t, i, size: relativeSize(t, view.nodes) }))
        .sort((a, b) => b.size - a.size || a.i - b.i)
        .map((x) => x.t),
    (t, room) => firstFitting(t, room),
  );
}

/** Shortest announced job first (ties keep arrival order), each on the node it fits most tightly. */
export function shortestJobBestFit(): PolicyModule {
  return greedy(
    (queue) =>
      queue
        .map((t, i) => ({ t, i }))
        .sort((a, b) => a.t.durationEstimate - b.t.durationEstimate || a.i - b.i)
        .map((x) => x.t),
    extremeFit(1),
  );
}

/**
 * Least slack first (deadline minus now minus the announced run time on the fastest node), tasks
 * without a deadline after them shortest first; each task goes to the fastest node it fits on,
 * the tightest fit among equally fast ones.
 */
export function deadlineAware(): PolicyModule {
  const tightest = extremeFit(1);
  return greedy(
    (queue, view) => {
      const maxSpeed = Math.max(...view.nodes.map((n) => n.speed));
      const slack = (t: TaskView): number => (t.deadline === null ? Number.POSITIVE_INFINITY : t.deadline - view.now - t.durationEstimate / maxSpeed);
      return queue
        .map((t, i) => ({ t, i, slack: slack(t) }))
        .sort((a, b) => (a.slack === b.slack ? 0 : a.slack - b.slack) || a.t.durationEstimate - b.t.durationEstimate || a.i - b.i)
        .map((x) => x.t);
    },
    (t, room, view) => {
      let fastest = -1;
      for (let i = 0; i < room.nodes.length; i++) {
        if (room.fits(t, i) && (fastest < 0 || (room.nodes[i] as NodeView).speed > (room.nodes[fastest] as NodeView).speed)) fastest = i;
      }
      if (fastest < 0) return -1;
      const speed = (room.nodes[fastest] as NodeView).speed;
      // Among the nodes as fast as the fastest, the tightest fit keeps room for large tasks.
      const sameSpeed = new Room(room.nodes);
      for (let i = 0; i < room.nodes.length; i++) {
        sameSpeed.cpu[i] = (room.nodes[i] as NodeView).speed === speed ? (room.cpu[i] as number) : -1;
        sameSpeed.memory[i] = room.memory[i] as number;
      }
      return tightest(t, sameSpeed, view);
    },
  );
}

/** Each placement starts looking one node after the previous placement. */
export function roundRobin(): PolicyModule {
  let next = 0;
  return greedy(arrivalOrder, (t, room) => {
    const i = firstFitting(t, room, next);
    if (i >= 0) next = (i + 1) % room.nodes.length;
    return i;
  });
}

/** A uniformly random node among those the task fits on (seeded per scenario). */
export function randomFit(): PolicyModule {
  return greedy(arrivalOrder, (t, room, view) => {
    const fitting: number[] = [];
    for (let i = 0; i < room.nodes.length; i++) if (room.fits(t, i)) fitting.push(i);
    if (!fitting.length) return -1;
    return fitting[Math.floor(view.random() * fitting.length)] as number;
  });
}

export const HEURISTICS = {
  random: randomFit,
  'round-robin': roundRobin,
  'first-fit': firstFit,
  'best-fit': bestFit,
  'worst-fit': worstFit,
  'first-fit-decreasing': firstFitDecreasing,
  'sjf-best-fit': shortestJobBestFit,
  'deadline-aware': deadlineAware,
} as const;

export type HeuristicName = keyof typeof HEURISTICS;
export const HEURISTIC_NAMES = Object.keys(HEURISTICS) as HeuristicName[];

export function isHeuristic(name: string): name is HeuristicName {
  return Object.prototype.hasOwnProperty.call(HEURISTICS, name);
}

/** A fresh instance (round-robin keeps a cursor, so instances are not shared between runs). */
export function heuristic(name: HeuristicName): PolicyModule {
  return HEURISTICS[name]();
}
