// The JSON an evaluator command prints (its last JSON line on stdout), checked field by field so
// a mistake in the user's script gets a message that names the field.
import type { EvalResult, JsonValue, WorkloadResult } from '../../core/types';

const isObject = (v: unknown): v is { [key: string]: JsonValue } => typeof v === 'object' && v !== null && !Array.isArray(v);

function numberMap(value: JsonValue | undefined, field: string): Record<string, number> {
  if (value === undefined) return {};
  if (!isObject(value)) throw new Error(`\`${field}\` must be an object of numbers`);
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`\`${field}.${k}\` must be a finite number, got ${JSON.stringify(v)}`);
    out[k] = v;
  }
  return out;
}

/** Finds the last stdout line that is a JSON object (scripts may log before it). */
export function lastJsonObject(stdout: string): { [key: string]: JsonValue } {
  const lines = stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] as string;
    if (!line.startsWith('{')) continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (isObject(parsed)) return parsed;
    } catch {
      // not this line
    }
  }
  try {
    const whole: unknown = JSON.parse(stdout);
    if (isObject(whole)) return whole;
  } catch {
    // fall through
  }
  const shown = stdout.trim().slice(0, 200);
  throw new Error(shown ? `the command printed no JSON object; its output began: ${JSON.stringify(shown)}` : 'the command printed nothing on stdout (expected a JSON object)');
}

export function parseCommandResult(value: { [key: string]: JsonValue }): EvalResult {
  const ok = value.ok ?? true;
  if (typeof ok !== 'boolean') throw new Error('`ok` must be true or false');
  const error = value.error;
  if (error !== undefined && typeof error !== 'string') throw new Error('`error` must be a string');
  const feedback = value.feedback ?? '';
  if (typeof feedback !== 'string') throw new Error('`feedback` must be a string');
  const fingerprint = value.fingerprint;
  if (fingerprint !== undefined && typeof fingerprint !== 'string') throw new Error('`fingerprint` must be a string');
  let perWorkload: WorkloadResult[] = [];
  if (value.workloads !== undefined) {
    if (!Array.isArray(value.workloads)) throw new Error('`workloads` must be a list of { id, score }');
    perWorkload = value.workloads.map((w, i) => {
      if (!isObject(w) || typeof w.id !== 'string') throw new Error(`\`workloads[${i}].id\` must be a string`);
      if (typeof w.score !== 'number' || !Number.isFinite(w.score)) throw new Error(`\`workloads[${i}].score\` must be a finite number`);
      return {
        workloadId: w.id,
        ok: w.ok !== false,
        score: w.score,
        metrics: numberMap(w.metrics, `workloads[${i}].metrics`),
        ...(typeof w.error === 'string' ? { error: w.error } : {}),
      };
    });
  }
  const score = value.score;
  if (ok && perWorkload.length === 0 && (typeof score !== 'number' || !Number.isFinite(score))) {
    throw new Error(`\`score\` must be a finite number (higher is better), got ${JSON.stringify(score ?? null)}`);
  }
  if (score !== undefined && score !== null && typeof score !== 'number') throw new Error('`score` must be a number');
  return {
    ok: ok && !error,
    score: typeof score === 'number' ? score : Number.NaN,
    metrics: numberMap(value.metrics, 'metrics'),
    features: numberMap(value.features, 'features'),
    perWorkload,
    feedback,
    ...(error ? { error } : {}),
    ...(fingerprint ? { fingerprint } : {}),
  };
}
