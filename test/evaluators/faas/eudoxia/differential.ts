// Running a generated case through our simulator and through Eudoxia itself, and comparing the two
// outputs field by field (integers exactly, floats within 1e-9 relative, NaN as null).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { paramsFromObject } from '../../../../src/evaluators/faas/io/params-file';
import { parseTraceCsv } from '../../../../src/evaluators/faas/io/trace-csv';
import { simulate } from '../../../../src/evaluators/faas/engine/simulator';
import { builtinPolicy } from '../../../../src/evaluators/faas/policies';
import type { PolicyModule } from '../../../../src/evaluators/faas/engine/simulator';
import type { DiffCase } from './cases';
import * as estimateSized from './estimate-sized-policy';

/** Test schedulers registered in Eudoxia by run_eudoxia.py, and their twins here. */
const TEST_POLICIES: Readonly<Record<string, PolicyModule>> = { test_estimate_sized: estimateSized };

/** Eudoxia's output for one case, or the error it stopped with (its own assertions). */
export type EudoxiaRun = { stats: Record<string, unknown>; cpu_seconds: number } | { error: string };

const RUNNER = join(__dirname, 'run_eudoxia.py');

/** Why Eudoxia cannot be run here, or null when EUDOXIA_SRC names a checkout and Python 3 works. */
export function eudoxiaUnavailable(): string | null {
  const src = process.env['EUDOXIA_SRC'];
  if (!src) return 'EUDOXIA_SRC is not set (point it at an Eudoxia checkout to compare against Eudoxia itself)';
  if (!existsSync(join(src, 'eudoxia', 'simulator.py'))) return `EUDOXIA_SRC=${src} is not an Eudoxia checkout (no eudoxia/simulator.py)`;
  const py = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  if (py.status !== 0) return 'python3 with numpy is not available';
  return null;
}

/** Runs Eudoxia (checkout `src`) on the cases in one Python process. */
export function runEudoxia(cases: readonly DiffCase[], src: string): EudoxiaRun[] {
  const input = JSON.stringify(cases.map((c) => ({ params: c.params, trace: c.trace })));
  const r = spawnSync('python3', [RUNNER, src], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`Eudoxia runner failed (exit ${String(r.status)}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(r.stdout) as EudoxiaRun[];
}

/** Our simulator on a case, with its built-in scheduler; the fields Eudoxia reports. */
export function runOurs(c: DiffCase): Record<string, unknown> {
  const params = paramsFromObject(c.params, c.name);
  const trace = parseTraceCsv(c.trace, c.name);
  const policy = TEST_POLICIES[params.scheduler_algo] ?? builtinPolicy(params.scheduler_algo);
  if (!policy) throw new Error(`${c.name}: no built-in policy '${params.scheduler_algo}'`);
  const outcome = simulate(trace, params, policy);
  if (!outcome.ok) throw new Error(`${c.name}: ${outcome.failure.message}`);
  const out: Record<string, unknown> = {
    ...outcome.stats,
    mean_memory_allocated_percent: outcome.extra.mean_memory_allocated_percent,
    mean_memory_consumed_percent: outcome.extra.mean_memory_consumed_percent,
  };
  if (params.max_job_seconds > 0) out['adjusted_latency_penalized'] = outcome.extra.adjusted_latency_penalized_seconds;
  return out;
}

/** Field-by-field differences; keys only Eudoxia reports are compared when we report them too. */
export function differences(expected: unknown, actual: unknown, path = ''): string[] {
  if (expected === null || (typeof expected === 'number' && Number.isNaN(expected))) {
    return actual === null || actual === undefined || (typeof actual === 'number' && Number.isNaN(actual)) ? [] : [`${path}: expected NaN, got ${String(actual)}`];
  }
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') return [`${path}: expected ${expected}, got ${String(actual)}`];
    if (Number.isInteger(expected) && Number.isInteger(actual)) return expected === actual ? [] : [`${path}: expected ${expected}, got ${actual}`];
    const tolerance = 1e-9 * Math.max(Math.abs(expected), Math.abs(actual));
    return Math.abs(expected - actual) <= tolerance ? [] : [`${path}: expected ${expected}, got ${actual}`];
  }
  if (typeof expected === 'object') {
    if (typeof actual !== 'object' || actual === null) return [`${path}: expected an object, got ${String(actual)}`];
    const keys = new Set([...Object.keys(expected as object), ...Object.keys(actual)]);
    return [...keys].flatMap((k) => differences((expected as Record<string, unknown>)[k], (actual as Record<string, unknown>)[k], path ? `${path}.${k}` : k));
  }
  return expected === actual ? [] : [`${path}: expected ${String(expected)}, got ${String(actual)}`];
}
