// Layer 1, bounds: every number within realistic limits (e.g. 0.1 to 32 cores per task).
import type { Scenario } from '../..';
import type { LayerCheck, Rejection } from './types';

export const checkBounds: LayerCheck = (s: Scenario, { config: c }) => {
  const details: string[] = [];
  const range = (pointer: string, value: number, [lo, hi]: readonly [number, number], unit: string): void => {
    if (value < lo || value > hi) details.push(`${pointer}: ${value} ${unit} is outside ${lo}-${hi}`);
  };
  s.tasks.forEach((t) => {
    const p = `task ${t.id}`;
    range(`${p} cpu`, t.cpu, c.taskCpu, 'cores');
    range(`${p} memory`, t.memory, c.taskMemory, 'GB');
    range(`${p} duration`, t.duration, c.taskDuration, 's');
    range(`${p} durationEstimate`, t.durationEstimate, c.taskDuration, 's');
    if (t.arrival > c.maxArrival) details.push(`${p} arrival: ${t.arrival} s is after ${c.maxArrival} s`);
  });
  s.nodes.forEach((n) => {
    const p = `node ${n.id}`;
    range(`${p} cpu`, n.cpu, c.nodeCpu, 'cores');
    range(`${p} memory`, n.memory, c.nodeMemory, 'GB');
    range(`${p} costPerHour`, n.costPerHour, c.nodeCostPerHour, '$/h');
    range(`${p} speed`, n.speed, c.nodeSpeed, 'x');
    if (n.peakWatts > c.maxWatts) details.push(`${p} peakWatts: ${n.peakWatts} W is above ${c.maxWatts} W`);
  });
  if (!details.length) return undefined;
  const r: Rejection = { layer: 'bounds', reason: `${details.length} value${details.length > 1 ? 's are' : ' is'} outside realistic bounds`, details: details.slice(0, 10) };
  return r;
};
