// A trace its sender has already read (parsed from CSV or generated), shipped as JSON. `faas run`
// sends a policy file's trace to the sandbox worker this way: parsing the CSV text again in a
// fresh worker, whose code runs cold, cost more CPU than all the rest of the run outside the
// simulation. The checks are the CSV reader's (trace-csv.ts), so a malformed trace fails here,
// named, rather than somewhere inside the simulator.
import type { JsonValue } from '../../../core/types';
import { isPriority, isScaling, SCALINGS, type OperatorSpec, type PipelineSpec, type Trace } from '../model/types';

type JsonObject = { [key: string]: JsonValue };

const isObject = (v: JsonValue | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const isAmount = (v: JsonValue | undefined): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

export function traceFromJson(pipelines: JsonValue, where: string): Trace {
  if (!Array.isArray(pipelines)) throw new Error(`${where}: trace.pipelines must be an array`);
  const out: PipelineSpec[] = [];
  const seen = new Set<string>();
  pipelines.forEach((p, i) => {
    const at = `${where}: trace.pipelines[${i}]`;
    if (!isObject(p)) throw new Error(`${at} must be an object`);
    const { id, arrivalSeconds, priority, operators } = p;
    if (typeof id !== 'string' || id === '' || id.includes('/')) throw new Error(`${at}.id must be a non-empty string without '/'`);
    if (seen.has(id)) throw new Error(`${at}: pipeline '${id}' appears twice`);
    seen.add(id);
    if (!isAmount(arrivalSeconds)) throw new Error(`${at}.arrivalSeconds must be a finite number, 0 or more`);
    if (!isPriority(priority)) throw new Error(`${at}.priority must be QUERY, INTERACTIVE or BATCH_PIPELINE`);
    if (!Array.isArray(operators)) throw new Error(`${at}.operators must be an array`);
    out.push({ id, arrivalSeconds, priority, operators: operatorsFromJson(operators, at) });
  });
  return { pipelines: out };
}

function operatorsFromJson(operators: JsonValue[], where: string): OperatorSpec[] {
  const names = new Set<string>();
  return operators.map((o, i) => {
    const at = `${where}.operators[${i}]`;
    if (!isObject(o)) throw new Error(`${at} must be an object`);
    const { id, parents, baselineCpuSeconds, cpuScaling, memoryGb, storageReadGb } = o;
    if (typeof id !== 'string' || id === '') throw new Error(`${at}.id must be a non-empty string`);
    if (names.has(id)) throw new Error(`${at}: operator '${id}' appears twice in its pipeline`);
    if (!Array.isArray(parents)) throw new Error(`${at}.parents must be an array`);
    const parentNames = new Set<string>();
    for (const parent of parents) {
      // Parents come before their children, as in the CSV, which the simulator relies on.
      if (typeof parent !== 'string' || !names.has(parent)) throw new Error(`${at}: parent ${JSON.stringify(parent)} is not an earlier operator of the pipeline`);
      if (parentNames.has(parent)) throw new Error(`${at}: parent '${parent}' is listed twice`);
      parentNames.add(parent);
    }
    names.add(id);
    if (!isAmount(baselineCpuSeconds)) throw new Error(`${at}.baselineCpuSeconds must be a finite number, 0 or more`);
    if (!isScaling(cpuScaling)) throw new Error(`${at}.cpuScaling must be one of ${SCALINGS.join(', ')}`);
    if (memoryGb !== null && !isAmount(memoryGb)) throw new Error(`${at}.memoryGb must be null or a finite number, 0 or more`);
    if (!isAmount(storageReadGb)) throw new Error(`${at}.storageReadGb must be a finite number, 0 or more`);
    return { id, parents: [...parentNames], baselineCpuSeconds, cpuScaling, memoryGb: memoryGb ?? null, storageReadGb };
  });
}
