// A command evaluator can say which of its metrics are better lower, so the editor colours a drop
// in, say, wasted space as an improvement; the run journals it for past runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandOptions } from '../../../src/evaluators/command/options';

test('lowerIsBetter names metrics (with * wildcards) and is checked', () => {
  assert.deepEqual(parseCommandOptions({ command: 'true', lowerIsBetter: ['excessPercent', '*_ms'] }, '/w').lowerIsBetter, ['excessPercent', '*_ms']);
  assert.deepEqual(parseCommandOptions({ command: 'true' }, '/w').lowerIsBetter, []);
  assert.throws(() => parseCommandOptions({ command: 'true', lowerIsBetter: 'excessPercent' }, '/w'), /lowerIsBetter.*list of metric names/);
  assert.throws(() => parseCommandOptions({ command: 'true', lowerIsBetter: [''] }, '/w'), /lowerIsBetter/);
});
