// Options of the protocol evaluator, from a run config, the CLI or a broker message (plain JSON).
import { isAbsolute, resolve } from 'node:path';
import type { JsonValue } from '../../core/types';
import type { FaultModel } from './language/ast';
import { defaultSettings, parseSettingId, settingCost, type SettingSpec } from './model/settings';
import type { CheckLimits } from './verdict';

export interface ProtocolEvaluatorOptions {
  /** Fault model every candidate must declare; selects the default settings. */
  fault?: FaultModel;
  /** k of N > kf the default settings are sized for (default: the fault model's). */
  resilience?: number;
  /** Setting ids, e.g. ["none:3", "byz-sender:4"]; default from the fault model. */
  settings: SettingSpec[];
  limits: CheckLimits;
  /** Re-check candidates that pass every setting with the compiled model (exact receipts). */
  certify: boolean;
  /** Turn violations into message-sequence charts (shortest trail). */
  charts: boolean;
  cacheDir?: string;
  /** Raw PROMELA: the global variable whose worst case over all reachable states is the score. */
  scoreVariable?: string;
  objective: 'minimize' | 'maximize';
  /** Raw PROMELA: check ltl claims under weak fairness. */
  fairness: boolean;
}

const ALL_SETTINGS = ['none:3', 'none:4', 'crash:3', 'byz-nonsender:4', 'crash:4', 'byz-sender:4'];

function str(v: JsonValue | undefined, name: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new Error(`protocol evaluator option '${name}' must be a string`);
  return v;
}

function num(v: JsonValue | undefined, name: string, min: number): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new Error(`protocol evaluator option '${name}' must be a number >= ${min}`);
  return v;
}

export function parseOptions(o: { [key: string]: JsonValue }, baseDir: string): ProtocolEvaluatorOptions {
  const known = new Set(['fault', 'resilience', 'settings', 'timeLimitMs', 'memoryLimitMb', 'maxStates', 'certify', 'charts', 'cacheDir', 'scoreVariable', 'objective', 'fairness']);
  for (const k of Object.keys(o)) if (!known.has(k)) throw new Error(`unknown protocol evaluator option '${k}' (known: ${[...known].join(', ')})`);
  const fault = str(o.fault, 'fault');
  if (fault !== undefined && fault !== 'none' && fault !== 'crash' && fault !== 'byzantine') throw new Error("protocol evaluator option 'fault' must be none, crash or byzantine");
  const resilience = num(o.resilience, 'resilience', 1);
  if (resilience !== undefined && !Number.isInteger(resilience)) throw new Error("protocol evaluator option 'resilience' must be a whole number (k of N > kf)");
  let settings: SettingSpec[];
  if (o.settings !== undefined && o.settings !== null) {
    const list = typeof o.settings === 'string' ? o.settings.split(',') : o.settings;
    if (!Array.isArray(list) || list.some((s) => typeof s !== 'string')) throw new Error("protocol evaluator option 'settings' must be a list of setting ids like \"byz-sender:4\"");
    settings = (list as string[]).map((s) => parseSettingId(s));
  } else if (fault) settings = defaultSettings({ fault: fault as FaultModel, ...(resilience !== undefined ? { resilience } : {}) });
  else settings = ALL_SETTINGS.map(parseSettingId);
  settings = [...settings].sort((a, b) => settingCost(a) - settingCost(b));
  const objective = str(o.objective, 'objective') ?? 'minimize';
  if (objective !== 'minimize' && objective !== 'maximize') throw new Error("protocol evaluator option 'objective' must be minimize or maximize");
  const scoreVariable = str(o.scoreVariable, 'scoreVariable');
  if (scoreVariable !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*(\[\d+\])?$/.test(scoreVariable)) throw new Error("protocol evaluator option 'scoreVariable' must name a global PROMELA variable");
  const cacheDir = str(o.cacheDir, 'cacheDir');
  return {
    ...(fault ? { fault: fault as FaultModel } : {}),
    ...(resilience !== undefined ? { resilience } : {}),
    settings,
    limits: { timeMs: num(o.timeLimitMs, 'timeLimitMs', 100) ?? 120_000, memoryMb: num(o.memoryLimitMb, 'memoryLimitMb', 64) ?? 4096, ...(o.maxStates !== undefined && o.maxStates !== null ? { maxStates: num(o.maxStates, 'maxStates', 1) as number } : {}) },
    certify: o.certify === undefined ? true : o.certify === true,
    charts: o.charts === undefined ? true : o.charts === true,
    ...(cacheDir ? { cacheDir: isAbsolute(cacheDir) ? cacheDir : resolve(baseDir, cacheDir) } : {}),
    ...(scoreVariable ? { scoreVariable } : {}),
    objective,
    fairness: o.fairness === true,
  };
}
