// Verifies a protocol across settings, cheapest first, stopping at the first failure; verdicts
// are cached by the canonical rule table of each setting, so equivalent candidates (reordered
// rules, renamed types, thresholds that coincide at this N) cost one Spin run.
import { renderChart, type Chart } from './chart';
import { faultsTolerated, resilienceOf, type Protocol } from './language/ast';
import { lockstep, type LockstepResult } from './model/lockstep';
import { coverageOf, type Coverage } from './coverage';
import { defaultSettings, resolveSetting, settingId, settingsBeyondModel, type ResolvedSetting, type SettingSpec } from './model/settings';
import { canonicalize, instantiate, type RuleTable } from './model/table';
import { SpinHarness } from './spin/harness';
import type { CheckLimits, EngineKind, SettingCheck } from './verdict';

export const DEFAULT_LIMITS: CheckLimits = { timeMs: 120_000, memoryMb: 4096 };

export interface VerifyOptions {
  settings?: SettingSpec[];
  /** Screening engine; `compiled` builds a model per table (the certification model). */
  engine?: EngineKind;
  /** After every setting passes the interpreter, re-run each with the compiled model and exact receipts. */
  certify?: boolean;
  limits?: Partial<CheckLimits>;
  /** Limits of best-effort settings (default: `limits`): a state budget keeps them bounded and the same on every machine. */
  bestEffortLimits?: Partial<CheckLimits>;
  /** Stop at the first VIOLATED or INVALID setting (default true). UNKNOWN does not stop the run. */
  stopAtFirstFailure?: boolean;
  chart?: boolean;
  shortest?: boolean;
  exactReceipts?: boolean;
  signal?: AbortSignal;
  onResult?: (check: SettingCheck) => void;
  /** Settings the verdict does not cover because the harness does not model their N (default: the defaults' own, when `settings` is absent). */
  beyondModel?: string[];
}

export interface LockstepSummary extends LockstepResult {
  n: number;
}

export interface ProtocolReport {
  protocol: { name: string; fault: Protocol['fault']; resilience: number };
  settings: SettingCheck[];
  /** Failure-free lock-step costs at each N of the checked settings. */
  lockstep: LockstepSummary[];
  /** Every required setting VERIFIED and no setting VIOLATED or INVALID (best-effort settings may be incomplete; `coverage` says so). */
  verified: boolean;
  /** The overall verdict and, in one line, the settings it covers. */
  coverage: Coverage;
  firstFailure?: SettingCheck;
  spinRuns: number;
  cacheHits: number;
}

interface CacheEntry {
  check: SettingCheck;
  typeNames: string[];
}

/**
 * Verdicts by a hash of every input of the check (see verdict-key.ts). Verdicts that depend on
 * the machine (a wall-clock cut) or on nothing (cancelled, tool errors) are not kept.
 */
export class VerdictCache {
  private readonly entries = new Map<string, CacheEntry>();
  hits = 0;

  get(key: string, needChart: boolean): CacheEntry | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (needChart && e.check.verdict === 'VIOLATED' && !e.check.chart) return undefined;
    this.hits++;
    return e;
  }

  set(key: string, entry: CacheEntry): void {
    const c = entry.check;
    if (c.verdict === 'INVALID' || c.reason === 'cancelled' || c.limitHit === 'time') return;
    this.entries.set(key, entry);
  }

  get size(): number {
    return this.entries.size;
  }
}

function renameChart(chart: Chart, from: string[], to: string[]): Chart {
  const map = new Map(from.map((n, i) => [n, to[i] ?? n]));
  const rename = <T extends { type: string }>(m: T): T => ({ ...m, type: map.get(m.type) ?? m.type });
  const steps = chart.steps.map((s) => ({
    ...s,
    trigger: s.trigger.kind === 'receive' ? { ...s.trigger, msg: rename(s.trigger.msg) } : s.trigger,
    sent: s.sent.map((x) => ({ ...x, msg: rename(x.msg) })),
  }));
  const renamed = { ...chart, steps };
  return { ...renamed, text: renderChart(renamed) };
}

export class ProtocolVerifier {
  spinRuns = 0;

  constructor(
    readonly harness: SpinHarness = new SpinHarness(),
    readonly cache: VerdictCache = new VerdictCache(),
  ) {}

  /** The canonical table of a protocol in a setting, and its cache key. */
  tableFor(protocol: Protocol, setting: ResolvedSetting): { table: RuleTable; key: string } {
    return canonicalize(instantiate(protocol, setting), setting);
  }

  async checkSetting(protocol: Protocol, setting: ResolvedSetting, opts: VerifyOptions & { engine: EngineKind; limits: CheckLimits }): Promise<SettingCheck> {
    const { table } = this.tableFor(protocol, setting);
    // Receipts before delivering are the paper's failure-free measure; keeping exact counts in
    // fault settings would double their state space for a number nobody reads.
    const exact = !!opts.exactReceipts && setting.kind === 'none';
    const cacheKey = this.harness.verdictKey(table, setting, { engine: opts.engine, limits: opts.limits, exactReceipts: exact });
    const typeNames = table.types.map((t) => t.name);
    const hit = this.cache.get(cacheKey, !!opts.chart);
    if (hit) {
      const check = { ...hit.check, cached: true, wallMs: 0 };
      if (check.chart && hit.typeNames.join() !== typeNames.join()) check.chart = renameChart(check.chart, hit.typeNames, typeNames);
      return check;
    }
    this.spinRuns++;
    const check = await this.harness.check(table, setting, {
      engine: opts.engine,
      limits: opts.limits,
      exactReceipts: exact,
      chart: !!opts.chart,
      shortest: opts.shortest ?? true,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    this.cache.set(cacheKey, { check, typeNames });
    return check;
  }

  async verify(protocol: Protocol, opts: VerifyOptions = {}): Promise<ProtocolReport> {
    const specs = opts.settings ?? defaultSettings(protocol);
    const limits: CheckLimits = { ...DEFAULT_LIMITS, ...opts.limits };
    const engine = opts.engine ?? 'interpreter';
    const stop = opts.stopAtFirstFailure ?? true;
    const runsBefore = this.spinRuns;
    const hitsBefore = this.cache.hits;
    const results: SettingCheck[] = [];
    let failed: SettingCheck | undefined;
    const resolved = specs.map((spec) => ({ spec, setting: resolveSetting(protocol, spec) }));
    for (const { spec, setting } of resolved) {
      let check: SettingCheck;
      const where = { n: spec.n, f: setting?.f ?? spec.f ?? faultsTolerated(protocol, spec.n), ...(spec.bestEffort ? { bestEffort: true } : {}) };
      if (!setting) {
        const f = spec.f ?? faultsTolerated(protocol, spec.n);
        check = { setting: settingId(spec), verdict: 'UNKNOWN', engine, skipped: true, reason: `not applicable: f = ${f} at N = ${spec.n} leaves no process to fail`, wallMs: 0 };
      } else if (failed && stop) {
        check = { setting: setting.id, verdict: 'UNKNOWN', engine, skipped: true, reason: `not checked: ${failed.setting} already failed`, wallMs: 0 };
      } else if (opts.signal?.aborted) {
        check = { setting: setting.id, verdict: 'UNKNOWN', engine, skipped: true, reason: 'cancelled', wallMs: 0 };
      } else {
        const settingLimits = spec.bestEffort && opts.bestEffortLimits ? { ...limits, ...opts.bestEffortLimits } : limits;
        check = await this.checkSetting(protocol, setting, { ...opts, engine, limits: settingLimits });
        if (opts.certify && engine === 'interpreter' && check.verdict === 'VERIFIED') {
          const cert = await this.checkSetting(protocol, setting, { ...opts, engine: 'compiled', limits: settingLimits, exactReceipts: true });
          // The compiled model is the certificate; a disagreement is a harness bug worth seeing.
          check = cert.verdict === 'VERIFIED' ? cert : { ...cert, reason: `${cert.reason ?? ''} (the interpreter model had verified it)`.trim() };
        }
        if (check.verdict === 'VIOLATED' || check.verdict === 'INVALID') failed ??= check;
      }
      check = { ...check, ...where };
      results.push(check);
      opts.onResult?.(check);
    }
    const ns = [...new Set(resolved.map((r) => r.spec.n))].sort((a, b) => a - b);
    const ls = ns.map((n) => {
      const s = resolveSetting(protocol, { kind: 'none', n }) as ResolvedSetting;
      return { n, ...lockstep(instantiate(protocol, s), n) };
    });
    const coverage = coverageOf(results, opts.beyondModel ?? (opts.settings ? [] : settingsBeyondModel(protocol)));
    return {
      protocol: { name: protocol.name, fault: protocol.fault, resilience: resilienceOf(protocol) },
      settings: results,
      lockstep: ls,
      verified: coverage.verdict === 'VERIFIED',
      coverage,
      ...(failed ? { firstFailure: failed } : {}),
      spinRuns: this.spinRuns - runsBefore,
      cacheHits: this.cache.hits - hitsBefore,
    };
  }
}
