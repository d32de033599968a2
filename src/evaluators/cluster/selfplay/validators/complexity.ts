// Layer 5, complexity: the scenario matches its curriculum level in size and in how overloaded
// the cluster gets.
import type { Scenario } from '../..';
import { overload } from '../features';
import type { LayerCheck } from './types';

export const checkComplexity: LayerCheck = (s: Scenario, { level, config }) => {
  const want = config.levels[level];
  const details: string[] = [];
  const [tLo, tHi] = want.tasks;
  const [nLo, nHi] = want.nodes;
  const [oLo, oHi] = want.overload;
  if (s.tasks.length < tLo || s.tasks.length > tHi) details.push(`${s.tasks.length} tasks; level ${level} takes ${tLo}-${tHi}`);
  if (s.nodes.length < nLo || s.nodes.length > nHi) details.push(`${s.nodes.length} nodes; level ${level} takes ${nLo}-${nHi}`);
  const o = overload(s);
  if (o < oLo || o > oHi) details.push(`peak demand is ${o.toFixed(2)}x the cluster's cores; level ${level} takes ${oLo}-${oHi}x`);
  if (!details.length) return undefined;
  return { layer: 'complexity', reason: `does not match level ${level}: ${details.join('; ')}`, details };
};
