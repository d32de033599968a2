// Layer 4, diversity: the scenario must differ from the recent accepted ones (feature distance),
// so the attacker cannot win by repeating one trick.
import { scenarioFeatures } from '../features';
import type { LayerCheck } from './types';

export const checkDiversity: LayerCheck = (s, { diversity, config }) => {
  const near = diversity.nearest(scenarioFeatures(s));
  if (near.distance >= config.minDistance) return undefined;
  return {
    layer: 'diversity',
    reason: `too similar to recent scenario ${near.id} (feature distance ${near.distance.toFixed(3)} < ${config.minDistance})`,
    details: ['change the size mix, arrival pattern, deadlines, node kinds or load rather than the random seed alone'],
  };
};
