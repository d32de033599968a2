// Shared by the learning baselines: episodes on the simulator, the reward they learn from (the
// scenario reward minus first-fit's, so easy and hard scenarios weigh alike), and the result type.
import { baselinesFor } from '../baselines';
import { simulate, type PolicyModule } from '../engine/simulator';
import type { Scenario } from '../model/scenario';
import { DEFAULT_WEIGHTS } from '../objectives';
import type { ObjectiveWeights } from '../policy-api';

export interface TrainingPoint {
  episode: number;
  scenario: string;
  reward: number;
  /** Reward minus first-fit's on the same scenario. */
  advantage: number;
  loss: number | null;
}

export interface TrainedAgent {
  name: 'dqn' | 'ppo';
  /** A fresh greedy policy module using the trained network. */
  policy(): PolicyModule;
  history: TrainingPoint[];
  episodes: number;
  trainingMs: number;
  dispose(): void;
}

export interface CommonOptions {
  episodes?: number;
  hidden?: number;
  learningRate?: number;
  seed?: number;
  weights?: ObjectiveWeights;
  /** Multiplies the advantage so typical returns are of order one. */
  rewardScale?: number;
}

export function runEpisode(scenario: Scenario, policy: PolicyModule, weights: ObjectiveWeights = DEFAULT_WEIGHTS): { reward: number; advantage: number } {
  const outcome = simulate(scenario, policy, { weights });
  const reward = outcome.ok ? outcome.reward : 0;
  return { reward, advantage: reward - baselinesFor(scenario, weights).reports['first-fit'].reward };
}
