// The weight tuner's search: a (1+1) evolution strategy with restarts over a vector of knobs.
// Each step changes one to three knobs (scale by a log-normal factor with a per-knob step size,
// flip the sign, set to zero, or switch a zero knob on at a magnitude drawn on a log scale, since
// knobs carry unrelated units), keeps the child when it scores at least as well as the parent
// (neutral moves let the search cross plateaus), and adapts each knob's step size by its own
// successes. After `patience` steps without a new best it restarts from the best with fresh step
// sizes. Evaluations run one after another and every draw comes from the seed, so a seed gives
// the same trajectory however many workers an evaluation is spread over.
import { Rng } from '../../../../core/rng';
import { formatKnob } from './knobs';

export interface TuneOptions {
  seed: number;
  /** Objective evaluations the search may spend (the start's included). */
  evaluations: number;
  /** Steps without a new best before a restart. */
  patience: number;
}

export interface TunePoint {
  values: number[];
  reward: number;
  /** Which evaluation found it (0: the start). */
  evaluation: number;
}

export interface TuneStep extends TunePoint {
  move: string;
  accepted: boolean;
}

export interface TuneResult {
  start: TunePoint;
  best: TunePoint;
  /** Every new best, in the order found (the start first). */
  improvements: TunePoint[];
  trail: TuneStep[];
  restarts: number;
  evaluations: number;
}

const INITIAL_SIGMA = 0.8;
const MIN_SIGMA = 0.05;
const MAX_SIGMA = 3;
const GROW = 1.4;
const SHRINK = 0.92;
/** Magnitudes a zero knob may switch on at: 10^-3 to 10^1.5. */
const ACTIVATE_LOG10: [number, number] = [-3, 1.5];
const MAX_MAGNITUDE = 1e12;

const key = (values: readonly number[]): string => values.map(formatKnob).join(',');

export async function tuneKnobs(
  start: readonly number[],
  objective: (values: number[]) => Promise<number>,
  options: TuneOptions,
  signal: AbortSignal,
): Promise<TuneResult> {
  if (!start.length) throw new Error('no knob to tune');
  if (!(options.evaluations >= 1)) throw new RangeError(`evaluations must be at least 1, got ${options.evaluations}`);
  const rng = new Rng(options.seed);
  const seen = new Map<string, number>();
  let evaluations = 0;
  const evaluate = async (values: number[]): Promise<number> => {
    signal.throwIfAborted();
    const reward = await objective(values);
    evaluations++;
    seen.set(key(values), reward);
    return reward;
  };

  const first: TunePoint = { values: [...start], reward: await evaluate([...start]), evaluation: 0 };
  let best = first;
  let current = first;
  const improvements: TunePoint[] = [first];
  const trail: TuneStep[] = [];
  let sigma = start.map(() => INITIAL_SIGMA);
  let sinceBest = 0;
  let restarts = 0;
  // Draws that land on an evaluated vector cost nothing; the cap keeps a search whose every
  // neighbour is known from spinning.
  for (let draws = 0; evaluations < options.evaluations && draws < options.evaluations * 20; draws++) {
    const { values, changed, move } = propose(current.values, sigma, rng);
    if (seen.has(key(values))) continue;
    const reward = await evaluate(values);
    const evaluation = evaluations - 1;
    const accepted = reward >= current.reward;
    trail.push({ values, reward, evaluation, move, accepted });
    sigma = sigma.map((s, i) => (changed.includes(i) ? Math.min(MAX_SIGMA, Math.max(MIN_SIGMA, accepted ? s * GROW : s * SHRINK)) : s));
    if (accepted) current = { values, reward, evaluation };
    if (reward > best.reward + 1e-12) {
      best = current;
      improvements.push(best);
      sinceBest = 0;
    } else if (++sinceBest >= options.patience) {
      current = best;
      sigma = start.map(() => INITIAL_SIGMA);
      sinceBest = 0;
      restarts++;
    }
  }
  return { start: first, best, improvements, trail, restarts, evaluations };
}

function propose(parent: readonly number[], sigma: readonly number[], rng: Rng): { values: number[]; changed: number[]; move: string } {
  const values = [...parent];
  const count = Math.min(parent.length, 1 + rng.weighted([0.6, 0.28, 0.12]));
  const changed: number[] = [];
  const moves: string[] = [];
  while (changed.length < count) {
    const i = rng.int(parent.length);
    if (changed.includes(i)) continue;
    changed.push(i);
    const v = values[i] as number;
    if (v === 0) {
      const magnitude = 10 ** rng.range(ACTIVATE_LOG10[0], ACTIVATE_LOG10[1]);
      values[i] = rng.chance(0.5) ? magnitude : -magnitude;
      moves.push(`activate ${i}`);
    } else if (rng.chance(0.08)) {
      values[i] = 0;
      moves.push(`zero ${i}`);
    } else if (rng.chance(0.08)) {
      values[i] = -v;
      moves.push(`flip ${i}`);
    } else {
      const scaled = v * Math.exp((sigma[i] as number) * gaussian(rng));
      values[i] = Math.sign(scaled) * Math.min(MAX_MAGNITUDE, Math.abs(scaled));
      moves.push(`scale ${i}`);
    }
  }
  // Rounded as they will be written, so the code evaluated is the code kept.
  return { values: values.map((x) => Number(formatKnob(x))), changed, move: moves.join(', ') };
}

function gaussian(rng: Rng): number {
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}
