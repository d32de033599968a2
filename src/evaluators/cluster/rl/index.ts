// Learning baselines: DQN and PPO agents trained on cluster scenarios with TensorFlow.js.
export { trainDqn, type DqnOptions } from './dqn';
export { trainPpo, type PpoOptions } from './ppo';
export { runEpisode, type TrainedAgent, type TrainingPoint, type CommonOptions } from './common';
export { FEATURES, candidateFeatures } from './features';
export { agentPolicy, greedy, type Step } from './agent';
