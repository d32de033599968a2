import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonValue } from '../../../src/core/types';
import { parseTraceCsv, readTraceFile } from '../../../src/evaluators/faas/io/trace-csv';
import { traceFromJson } from '../../../src/evaluators/faas/io/trace-json';
import { generateTrace, PROFILES } from '../../../src/evaluators/faas/workload/generator';
import { loadWorkload, parseWorkloadData } from '../../../src/evaluators/faas/workload/workloads';
import { runBuiltin } from '../../../src/evaluators/faas';
import { defaultParams } from '../../../src/evaluators/faas/model/params';

const GOLDEN = join(__dirname, '..', '..', 'fixtures', 'eudoxia');
const asJson = (value: unknown): JsonValue => JSON.parse(JSON.stringify(value)) as JsonValue;

test('every golden and stored Eudoxia trace and every generator profile survives the trip through JSON unchanged', () => {
  const dirs = readdirSync(GOLDEN).filter((dir) => existsSync(join(GOLDEN, dir, 'trace.csv')));
  const traces = dirs.map((dir) => readTraceFile(join(GOLDEN, dir, 'trace.csv')));
  const stored = JSON.parse(readFileSync(join(GOLDEN, 'generated.json'), 'utf8')) as { cases: { name: string; trace: string }[] };
  for (const c of stored.cases) traces.push(parseTraceCsv(c.trace, c.name));
  for (const profile of PROFILES) traces.push(generateTrace({ ...defaultParams(), duration: 60 }, profile, { seed: 7 }));
  assert.ok(traces.length > 300);
  for (const trace of traces) assert.deepEqual(traceFromJson(asJson(trace.pipelines), 'w'), trace);
});

test('a shipped trace simulates exactly as its CSV does', () => {
  const dir = join(GOLDEN, 'priority_defaults_10m');
  const trace = readTraceFile(join(dir, 'trace.csv'));
  const params = { duration: 120 };
  const fromJson = loadWorkload(parseWorkloadData(asJson({ trace: { pipelines: trace.pipelines, name: 't' }, params })));
  const direct = { trace, params: loadWorkload(parseWorkloadData(asJson({ trace: { profile: 'eudoxia', seed: 1 }, params }))).params, label: 't' };
  const a = runBuiltin('priority', fromJson);
  const b = runBuiltin('priority', direct);
  assert.ok(a.ok && b.ok);
  assert.deepEqual({ ...a.stats, simulation_ms: 0 }, { ...b.stats, simulation_ms: 0 });
});

test('a malformed trace is refused with the place of the fault', () => {
  const op = { id: 'op1', parents: [], baselineCpuSeconds: 1, cpuScaling: 'const', memoryGb: null, storageReadGb: 1 };
  const pipeline = { id: 'p1', arrivalSeconds: 0, priority: 'QUERY', operators: [op] };
  const refused = (pipelines: unknown, pattern: RegExp): void => assert.throws(() => traceFromJson(asJson(pipelines), 'workload w'), pattern);
  refused({}, /workload w: trace.pipelines must be an array/);
  refused([{ ...pipeline, priority: 'URGENT' }], /pipelines\[0\]\.priority must be QUERY/);
  refused([pipeline, pipeline], /pipelines\[1\]: pipeline 'p1' appears twice/);
  refused([{ ...pipeline, arrivalSeconds: -1 }], /arrivalSeconds must be a finite number, 0 or more/);
  refused([{ ...pipeline, operators: [op, { ...op, id: 'op2', parents: ['op3'] }] }], /operators\[1\]: parent "op3" is not an earlier operator/);
  refused([{ ...pipeline, operators: [op, op] }], /operator 'op1' appears twice/);
  refused([{ ...pipeline, operators: [{ ...op, cpuScaling: 'cubic' }] }], /cpuScaling must be one of const, log/);
  refused([{ ...pipeline, operators: [{ ...op, memoryGb: 'lots' }] }], /memoryGb must be null or a finite number/);
  refused([{ ...pipeline, operators: [{ ...op, storageReadGb: undefined }] }], /storageReadGb must be a finite number/);
});
