// The protocol domain's evaluator: a candidate is a whole `.rbp` rule-table file (or a `.pml`
// PROMELA model); workloads are verification settings, cheapest first; the score rewards verified
// settings first and low message cost second. Bad candidates are `ok: false`, never exceptions.
import { failedEvaluation } from '../../core/eval-result';
import type { CandidateSource, EvalCheck, EvalDiagnostic, EvalResult, Evaluator, JsonValue, Workload, WorkloadResult } from '../../core/types';
import type { EvaluatorFactory } from '../types';
import type { Coverage } from './coverage';
import { describeCheck, reportFeedback } from './feedback';
import { parseProtocol } from './language/parser';
import { resilienceOf, type Protocol } from './language/ast';
import { parseSettingId, resolvedKey, resolveSetting, settingCost, settingId, type SettingSpec } from './model/settings';
import { parseOptions, type ProtocolEvaluatorOptions } from './options';
import { checkPromela, type PmlResult } from './pml';
import { settingScore, VERDICT_SCORE } from './score';
import { ModelBuilder } from './spin/build';
import { SpinHarness } from './spin/harness';
import { ProtocolVerifier, type ProtocolReport } from './verify';
import type { SettingCheck } from './verdict';

export { parseProtocol, parseProtocolOrThrow, ProtocolSyntaxError } from './language/parser';
export { formatProtocol } from './language/format';
export { ProtocolVerifier, VerdictCache, DEFAULT_LIMITS } from './verify';
export type { ProtocolReport, VerifyOptions } from './verify';
export type { SettingCheck, Verdict, CheckLimits } from './verdict';

const CHEAP = new Set(['none:3', 'none:4', 'crash:3']);

function settingWorkload(spec: SettingSpec): Workload {
  const id = settingId(spec);
  const data: { [key: string]: JsonValue } = { kind: spec.kind, n: spec.n, setting: id };
  if (spec.f !== undefined) data.f = spec.f;
  if (spec.bestEffort) data.bestEffort = true;
  return { id, split: 'search', ...(CHEAP.has(id) ? { cheap: true } : {}), data };
}

function specOf(w: Workload): SettingSpec {
  const d = w.data;
  if (d && typeof d === 'object' && !Array.isArray(d) && typeof d.setting === 'string') return { ...parseSettingId(d.setting), ...(d.bestEffort === true ? { bestEffort: true } : {}) };
  return parseSettingId(w.id);
}


function metricsOf(report: ProtocolReport, protocol: Protocol): Record<string, number> {
  const m: Record<string, number> = {};
  const ff = report.settings.filter((s) => s.setting.startsWith('none:') && s.verdict === 'VERIFIED');
  const largestFf = ff.sort((a, b) => Number(b.setting.split(':')[1]) - Number(a.setting.split(':')[1]))[0];
  if (largestFf?.metrics?.messagesWorst !== undefined) m.messagesWorst = largestFf.metrics.messagesWorst;
  if (largestFf?.metrics?.messagesBest !== undefined) m.messagesBest = largestFf.metrics.messagesBest;
  const rcpW = report.settings.map((s) => s.metrics?.receiptsWorst).filter((x): x is number => x !== undefined);
  const rcpB = report.settings.map((s) => s.metrics?.receiptsBest).filter((x): x is number => x !== undefined);
  if (rcpW.length) m.receiptsWorst = Math.max(...rcpW);
  if (rcpB.length) m.receiptsBest = Math.min(...rcpB);
  const ls = report.lockstep[report.lockstep.length - 1];
  if (ls) {
    m.lockstepMessages = ls.messages;
    if (ls.steps !== undefined) m.steps = ls.steps;
  }
  m.verifiedSettings = report.settings.filter((s) => s.verdict === 'VERIFIED').length;
  m.violatedSettings = report.settings.filter((s) => s.verdict === 'VIOLATED').length;
  m.unknownSettings = report.settings.filter((s) => s.verdict === 'UNKNOWN' && !s.skipped).length;
  m.spinStates = report.settings.reduce((a, s) => a + (s.cached ? 0 : (s.stats?.states ?? 0)), 0);
  m.spinRuns = report.spinRuns;
  m.cacheHits = report.cacheHits;
  m.rules = protocol.rules.length;
  m.messageTypes = protocol.messages.length;
  return m;
}

/** Verdicts for the editor: verified settings as one check naming them all, each violation and unknown on its own. */
function settingChecks(settings: SettingCheck[], line: number | undefined, coverage: Coverage): EvalCheck[] {
  const checks: EvalCheck[] = [];
  const verified = settings.filter((c) => c.verdict === 'VERIFIED').map((c) => c.setting);
  // The coverage line ("VERIFIED for N = 4, 5 with f = 1; N = 7 with f = 2 not completed") is what the verdict means.
  if (verified.length) checks.push({ kind: 'safety', name: 'all properties', status: coverage.verdict === 'VERIFIED' ? 'verified' : 'unknown', scope: verified.join(', '), detail: coverage.summary });
  for (const c of settings) {
    if (c.verdict === 'VIOLATED') {
      checks.push({ kind: 'safety', name: c.property ?? 'a property', status: 'violated', scope: c.setting, detail: describeCheck(c), ...(c.chart?.text ? { evidence: c.chart.text } : {}), ...(line !== undefined ? { line } : {}) });
    } else if (c.verdict === 'UNKNOWN') {
      checks.push({ kind: 'safety', name: 'all properties', status: 'unknown', scope: c.setting, detail: c.skipped ? `not checked: ${c.reason ?? 'skipped'}` : (c.reason ?? 'inconclusive') });
    }
  }
  return checks;
}

class ProtocolEvaluator implements Evaluator {
  readonly info = {
    id: 'protocol',
    domain: 'protocol',
    features: [
      { name: 'messages', min: 0, max: 120, bins: 12 },
      { name: 'steps', min: 0, max: 6, bins: 6 },
    ],
    keyMetric: 'messagesWorst',
    lowerIsBetter: ['messages*', 'receipts*', 'lockstepMessages', 'steps', 'violatedSettings', 'unknownSettings', 'spinStates', 'spinRuns', 'rules', 'messageTypes'],
  };
  private readonly verifier: ProtocolVerifier;
  private readonly builder: ModelBuilder;

  constructor(private readonly opts: ProtocolEvaluatorOptions) {
    this.builder = new ModelBuilder(opts.cacheDir);
    this.verifier = new ProtocolVerifier(new SpinHarness(this.builder));
  }

  async workloads(): Promise<Workload[]> {
    if (this.opts.scoreVariable) return [{ id: 'spin', split: 'search', data: { setting: 'spin' } }];
    return this.opts.settings.map(settingWorkload);
  }

  async precheck(candidate: CandidateSource): Promise<string | undefined> {
    if (candidate.fileName.endsWith('.pml')) return undefined;
    const r = parseProtocol(candidate.code);
    if (!r.ok) return r.issues.map((i) => `${candidate.fileName}:${i.line}:${i.column}: ${i.message}`).join('\n');
    return this.faultMismatch(r.protocol);
  }

  private faultMismatch(p: Protocol): string | undefined {
    if (this.opts.fault && p.fault !== this.opts.fault) return `this run checks ${this.opts.fault} protocols, but the candidate declares 'fault ${p.fault}'`;
    if (this.opts.resilience !== undefined && p.fault !== 'none' && resilienceOf(p) !== this.opts.resilience) return `this run checks protocols for N > ${this.opts.resilience}f, but the candidate declares N > ${resilienceOf(p)}f`;
    return undefined;
  }

  async evaluate(candidate: CandidateSource, workloads: Workload[], signal: AbortSignal): Promise<EvalResult> {
    try {
      if (candidate.fileName.endsWith('.pml')) return await this.evaluatePromela(candidate, workloads, signal);
      return await this.evaluateProtocol(candidate, workloads, signal);
    } catch (err) {
      const msg = (err as Error).message ?? String(err);
      return failedEvaluation(msg, `The evaluation could not run: ${msg}`, workloads);
    }
  }

  private async evaluateProtocol(candidate: CandidateSource, workloads: Workload[], signal: AbortSignal): Promise<EvalResult> {
    const parsed = parseProtocol(candidate.code);
    if (!parsed.ok) {
      const first = parsed.issues[0] as { line: number; column: number; message: string };
      const error = `${candidate.fileName}:${first.line}:${first.column}: ${first.message}${parsed.issues.length > 1 ? ` (and ${parsed.issues.length - 1} more)` : ''}`;
      return failedEvaluation(error, `The protocol file does not parse; fix these first:\n${parsed.issues.map((i) => `${i.line}:${i.column}: ${i.message}`).join('\n')}`, workloads);
    }
    const protocol = parsed.protocol;
    const mismatch = this.faultMismatch(protocol);
    if (mismatch) return failedEvaluation(mismatch, `${mismatch}. Keep the fault line as it is.`, workloads);

    const specs = workloads.map((w) => ({ w, spec: specOf(w) })).sort((a, b) => settingCost(a.spec) - settingCost(b.spec));
    const report = await this.verifier.verify(protocol, {
      settings: specs.map((s) => s.spec),
      engine: 'interpreter',
      certify: this.opts.certify,
      limits: this.opts.limits,
      chart: this.opts.charts,
      shortest: true,
      signal,
    });
    const byId = new Map(report.settings.map((c) => [c.setting, c]));
    const ffWorst = new Map<number, number>();
    for (const c of report.settings) if (c.setting.startsWith('none:') && c.verdict === 'VERIFIED' && c.metrics?.messagesWorst !== undefined) ffWorst.set(Number(c.setting.split(':')[1]), c.metrics.messagesWorst);
    const perWorkload: WorkloadResult[] = specs.map(({ w, spec }) => {
      const check = byId.get(settingId(spec)) as SettingCheck;
      const lock = report.lockstep.find((l) => l.n === spec.n);
      const score = settingScore(check, spec.n, ffWorst.get(spec.n), lock);
      const metrics: Record<string, number> = { verified: check.verdict === 'VERIFIED' ? 1 : 0 };
      if (check.stats) {
        metrics.states = check.stats.states;
        metrics.seconds = check.stats.seconds;
        metrics.memoryMb = check.stats.memoryMb;
      }
      for (const [k, v] of Object.entries(check.metrics ?? {})) if (typeof v === 'number') metrics[k] = v;
      const ok = check.verdict !== 'INVALID';
      return { workloadId: w.id, ok, score, metrics, ...(check.verdict !== 'VERIFIED' ? { error: describeCheck(check) } : {}) };
    });
    if (signal.aborted) return failedEvaluation('cancelled', 'The evaluation was cancelled.', workloads);
    const metrics = metricsOf(report, protocol);
    const keys = specs.map(({ spec }) => {
      const s = resolveSetting(protocol, spec);
      return s ? `${resolvedKey(s)}=${this.verifier.tableFor(protocol, s).key}` : `${settingId(spec)}=-`;
    });
    const invalid = report.settings.find((c) => c.verdict === 'INVALID');
    // A violation concerns delivery, so the editor shows its counterexample at the first deliver rule.
    const deliverRule = protocol.rules.find((r) => r.actions.some((a) => a.kind === 'deliver')) ?? protocol.rules[0];
    const diagnostics: EvalDiagnostic[] = report.settings
      .filter((c) => c.verdict === 'VIOLATED')
      .map((c) => ({ line: deliverRule?.pos.line ?? 1, column: deliverRule?.pos.column ?? 1, severity: 'error' as const, message: [describeCheck(c), c.chart?.text ?? ''].filter(Boolean).join('\n') }));
    const score = perWorkload.length ? perWorkload.reduce((a, r) => a + r.score, 0) / perWorkload.length : 0;
    const checks = settingChecks(report.settings, deliverRule?.pos.line, report.coverage);
    return {
      ok: !invalid,
      score,
      metrics,
      features: { messages: metrics.messagesWorst ?? metrics.lockstepMessages ?? 0, steps: metrics.steps ?? 6 },
      perWorkload,
      feedback: reportFeedback(report),
      ...(invalid ? { error: `${invalid.setting}: ${invalid.reason ?? 'tool error'}` } : {}),
      fingerprint: keys.join(' '),
      ...(diagnostics.length ? { diagnostics } : {}),
      ...(checks.length ? { checks } : {}),
    };
  }

  private async evaluatePromela(candidate: CandidateSource, workloads: Workload[], signal: AbortSignal): Promise<EvalResult> {
    const r: PmlResult = await checkPromela(candidate.code, this.builder, {
      limits: this.opts.limits,
      ...(this.opts.scoreVariable ? { scoreVariable: this.opts.scoreVariable } : {}),
      objective: this.opts.objective,
      fairness: this.opts.fairness,
      signal,
    });
    if (r.verdict === 'INVALID') {
      const what = r.errorKind === 'gcc' ? 'gcc could not compile the verifier Spin generated from the model (its C code)' : 'Spin rejected the model';
      return failedEvaluation(`${candidate.fileName}: ${what}: ${r.error ?? ''}`, `${what}: ${r.error ?? ''}`, workloads);
    }
    let score: number = VERDICT_SCORE[r.verdict];
    if (r.verdict === 'VERIFIED' && r.scoreValue !== undefined) {
      const v = r.scoreValue;
      score += this.opts.objective === 'minimize' ? 1 / (1 + Math.max(0, v)) : v / (1 + Math.abs(v));
    }
    const metrics: Record<string, number> = { verified: r.verdict === 'VERIFIED' ? 1 : 0, spinStates: r.runs.reduce((a, x) => a + (x.stats?.states ?? 0), 0) };
    if (r.scoreValue !== undefined) metrics.score = r.scoreValue;
    const lines = r.runs.map((x) => `- ${x.name}: ${x.verdict}${x.property ? ` (${x.property})` : ''}${x.reason ? ` — ${x.reason}` : ''}${x.stats ? ` (${x.stats.states.toLocaleString('en-US')} states)` : ''}`);
    const bad = r.runs.find((x) => x.trail);
    const feedback = [`Spin on the model's own assertions and ltl claims:`, ...lines, ...(r.scoreValue !== undefined ? [`Worst case of ${this.opts.scoreVariable} over all reachable states: ${r.scoreValue} (${this.opts.objective}).`] : []), ...(bad?.trail ? ['', `Counterexample (${bad.name}):`, bad.trail] : [])].join('\n');
    return {
      ok: true,
      score,
      metrics,
      features: {},
      perWorkload: workloads.map((w) => ({ workloadId: w.id, ok: true, score, metrics, ...(r.verdict !== 'VERIFIED' ? { error: lines.join('; ') } : {}) })),
      feedback,
      checks: r.runs.map((x) => ({
        kind: 'safety' as const,
        name: x.property ?? x.name,
        status: x.verdict === 'VERIFIED' ? ('verified' as const) : x.verdict === 'VIOLATED' ? ('violated' as const) : ('unknown' as const),
        scope: x.name,
        ...(x.reason ? { detail: x.reason } : {}),
        ...(x.trail ? { evidence: x.trail } : {}),
      })),
    };
  }
}

export const createProtocolEvaluator: EvaluatorFactory = async (options, ctx) => new ProtocolEvaluator(parseOptions(options, ctx.baseDir));
