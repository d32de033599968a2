// What the agent learns from: Spin's verdicts on the search settings, cheapest first, plus the
// failure-free costs. A failure-free lock-step run that leaves a process undelivered is a
// validity violation already, so it is rejected without starting pan.
import type { Protocol } from '../language/ast';
import { lockstep } from '../model/lockstep';
import { defaultSettings, resolveSetting, type SettingSpec } from '../model/settings';
import { instantiate } from '../model/table';
import type { CheckLimits, SettingCheck } from '../verdict';
import { ProtocolVerifier, type ProtocolReport } from '../verify';

export interface OracleOutcome {
  verified: boolean;
  /** Settings verified before the first failure. */
  passed: number;
  total: number;
  failure?: { setting: string; verdict: SettingCheck['verdict']; property?: string; reason?: string; limitHit?: SettingCheck['limitHit'] };
  /** Failure-free worst case over schedules at the largest failure-free N. */
  messagesWorst?: number;
  steps?: number;
  receiptsLockstep?: number;
  /** Rejected by the lock-step pre-screen, no Spin run. */
  prescreened?: boolean;
}

export interface Oracle {
  evaluate(protocol: Protocol, signal?: AbortSignal): Promise<OracleOutcome>;
}

export class SpinOracle implements Oracle {
  readonly settings: SettingSpec[];
  prescreened = 0;

  constructor(
    readonly verifier: ProtocolVerifier,
    fault: Protocol['fault'],
    readonly limits: CheckLimits,
    settings?: SettingSpec[],
  ) {
    this.settings = settings ?? defaultSettings({ fault });
  }

  async evaluate(protocol: Protocol, signal?: AbortSignal): Promise<OracleOutcome> {
    const ffNs = [...new Set(this.settings.filter((s) => s.kind === 'none').map((s) => s.n))];
    for (const n of ffNs) {
      const s = resolveSetting(protocol, { kind: 'none', n });
      if (!s) continue;
      const ls = lockstep(instantiate(protocol, s), n);
      if (!ls.allDelivered) {
        this.prescreened++;
        const idx = this.settings.findIndex((x) => x.kind === 'none' && x.n === n);
        return { verified: false, passed: Math.max(0, idx), total: this.settings.length, failure: { setting: `none:${n}`, verdict: 'VIOLATED', property: 'RB-Validity' }, prescreened: true };
      }
    }
    const report = await this.verifier.verify(protocol, { settings: this.settings, engine: 'interpreter', limits: this.limits, chart: false, ...(signal ? { signal } : {}) });
    return outcomeOf(report);
  }
}

export function outcomeOf(report: ProtocolReport): OracleOutcome {
  const idx = report.settings.findIndex((s) => s.verdict !== 'VERIFIED');
  const fail = idx >= 0 ? (report.settings[idx] as SettingCheck) : undefined;
  const ff = report.settings.filter((s) => s.setting.startsWith('none:') && s.verdict === 'VERIFIED').sort((a, b) => Number(b.setting.split(':')[1]) - Number(a.setting.split(':')[1]))[0];
  const ls = report.lockstep[report.lockstep.length - 1];
  const rcp = ls?.receipts.filter((r): r is number => r !== undefined) ?? [];
  return {
    verified: report.verified,
    passed: idx < 0 ? report.settings.length : idx,
    total: report.settings.length,
    ...(fail ? { failure: { setting: fail.setting, verdict: fail.verdict, ...(fail.property ? { property: fail.property } : {}), ...(fail.reason ? { reason: fail.reason } : {}), ...(fail.limitHit ? { limitHit: fail.limitHit } : {}) } } : {}),
    ...(ff?.metrics?.messagesWorst !== undefined ? { messagesWorst: ff.metrics.messagesWorst } : {}),
    ...(ls?.steps !== undefined ? { steps: ls.steps } : {}),
    ...(rcp.length ? { receiptsLockstep: Math.max(...rcp) } : {}),
  };
}
