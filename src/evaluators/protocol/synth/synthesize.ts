// The seed paper's synthesizer, made fast: an agent builds a protocol rule by rule, picks actions
// with UCB over a learned Q-table, is rewarded for cheap actions and for correct final
// algorithms (cheaper ones more), and ends with an optimisation episode that exports the best
// verified algorithm: greedy rollout, rule removal, thresholds that also hold past the search
// sizes, and certification with the compiled model. The result is a function of the seed and
// the budgets in episodes and stored states, so it is the same on any machine; a wall-clock
// limit is only a safety net, and when it cuts anything the result says so. A table refuted in
// any setting it was checked in is never the result: when nothing verifies, there is no result.
import { rngFor } from '../../../core/rng';
import { faultsTolerated, type FaultModel, type Protocol } from '../language/ast';
import { formatProtocol } from '../language/format';
import { defaultSettings, extendedSettings, searchSettings, settingId, type SettingSpec } from '../model/settings';
import type { CheckLimits } from '../verdict';
import { ProtocolVerifier, type ProtocolReport } from '../verify';
import { DEFAULT_AGENT, QAgent, type AgentParams, type Transition } from './agent';
import { Catalogue, ruleId, type CatalogueOptions, type RuleChoice } from './catalogue';
import { SpinOracle, type Oracle, type OracleOutcome } from './oracle';

export interface SynthesisBudget {
  episodes?: number;
  /** Wall-clock budget: machine-dependent, so when it stops learning the result reports it. */
  timeMs?: number;
  /** Stop learning after this many episodes without a cheaper verified algorithm (once one exists). */
  patience?: number;
}

export interface SynthesisOptions {
  fault: FaultModel;
  /** k of N > kf the protocol is for (default: the fault model's); sizes the settings. */
  resilience?: number;
  seed?: number;
  budget?: SynthesisBudget;
  catalogue?: Omit<CatalogueOptions, 'fault'>;
  agent?: Partial<AgentParams>;
  /** Limits of each Spin run while learning (default: a budget in stored states, a generous wall-clock safety net). */
  limits?: CheckLimits;
  /** Settings the agent learns from (default: the fault model's cheap search settings, f = 1 at the smallest N). */
  settings?: SettingSpec[];
  /** Settings a winner is re-verified in before it is written (default: the fault model's default settings). */
  finalSettings?: SettingSpec[];
  /**
   * Settings the agent learns from (default: `settings` without failure-free sizes where f = 0,
   * which say nothing about faults; when that leaves none failure-free, failure-free at the
   * smallest fault size, where the cost is measured).
   */
  learningSettings?: SettingSpec[];
  /** Also check the winner, best-effort, past the default settings (`--extended` of verify). */
  extended?: boolean;
  /** Limits of the winner's re-verification and certification. */
  extendedLimits?: CheckLimits;
  /** The clock budgets and reports are measured with (tests slow it down). */
  clock?: () => number;
  /** Re-verify the winner with the compiled model. */
  certify?: boolean;
  verifier?: ProtocolVerifier;
  oracle?: Oracle;
  name?: string;
  onProgress?: (p: SynthesisProgress) => void;
  signal?: AbortSignal;
}

export interface SynthesisProgress {
  phase: 'learning' | 'optimizing' | 'done';
  episode: number;
  elapsedMs: number;
  spinRuns: number;
  cacheHits: number;
  prescreened: number;
  distinctCandidates: number;
  best?: { messagesWorst?: number; steps?: number };
  firstVerifiedMs?: number;
  message?: string;
}

export interface SynthesizedCandidate {
  rules: RuleChoice[];
  key: string;
  outcome: OracleOutcome;
  episode: number;
  elapsedMs: number;
}

export interface SynthesisResult {
  fault: FaultModel;
  seed: number;
  episodes: number;
  elapsedMs: number;
  learningMs: number;
  firstVerified?: { episode: number; elapsedMs: number; text: string };
  best?: {
    protocol: Protocol;
    text: string;
    outcome: OracleOutcome;
    /** Certification report on the search settings (compiled model) when `certify`. */
    certified?: ProtocolReport;
    /** Re-verification in the final settings (what the written file's header states). */
    extended?: ProtocolReport;
    /** One line: what the verdict covers ("VERIFIED for N = 4, 5 with f = 1; ..."). */
    coverage: string;
  };
  /** Tables the re-verification refuted or could not confirm, cheapest first, with why. */
  rejected: { text: string; coverage: string }[];
  /** Where a wall-clock limit cut the search; empty when the result is machine-independent. */
  timeCuts: string[];
  verifiedCount: number;
  distinctCandidates: number;
  spinRuns: number;
  cacheHits: number;
  prescreened: number;
  qStates: number;
  stopReason: 'episodes' | 'time' | 'patience' | 'cancelled';
}

/** Learning: a state budget decides what is too big to check, the same on every machine. */
export const LEARNING_LIMITS: CheckLimits = { timeMs: 300_000, memoryMb: 3072, maxStates: 3_000_000 };
/** The winner's re-verification (N = kf+2 and f = 2 are much larger). */
export const FINAL_LIMITS: CheckLimits = { timeMs: 900_000, memoryMb: 4096, maxStates: 30_000_000 };
/** Best-effort settings (f = 2) of the re-verification: bounded by states, so "not completed" is the same everywhere. */
export const BEST_EFFORT_LIMITS: Partial<CheckLimits> = { timeMs: 600_000, maxStates: 10_000_000 };

function costKey(o: OracleOutcome, rules: RuleChoice[]): number[] {
  return [o.messagesWorst ?? Infinity, o.steps ?? Infinity, o.receiptsLockstep ?? Infinity, rules.length];
}

function cheaper(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if ((a[i] as number) !== (b[i] as number)) return (a[i] as number) < (b[i] as number);
  return false;
}

export class Synthesizer {
  readonly catalogue: Catalogue;
  readonly agent: QAgent;
  readonly verifier: ProtocolVerifier;
  readonly oracle: Oracle;
  readonly seed: number;
  private readonly memo = new Map<string, { rules: RuleChoice[]; outcome: OracleOutcome }>();
  private readonly verified = new Map<string, SynthesizedCandidate>();
  private best: SynthesizedCandidate | undefined;
  private firstVerified: SynthesizedCandidate | undefined;
  private episode = 0;
  /** Greedy rollouts among `episode`: they learn nothing, so the budget and reports leave them out. */
  private rollouts = 0;
  private readonly now: () => number;
  private readonly started: number;
  private readonly ffN: number;
  private readonly cuts: string[] = [];
  readonly settings: SettingSpec[];
  readonly learningSettings: SettingSpec[];
  readonly finalSettings: SettingSpec[];

  constructor(readonly opts: SynthesisOptions) {
    this.seed = opts.seed ?? 1;
    this.now = opts.clock ?? Date.now;
    this.started = this.now();
    const model = { fault: opts.fault, ...(opts.resilience !== undefined ? { resilience: opts.resilience } : {}) };
    this.settings = opts.settings ?? searchSettings(model);
    const finals = opts.finalSettings ?? defaultSettings(model);
    const seen = new Set<string>();
    this.finalSettings = [...this.settings, ...finals, ...(opts.extended ? extendedSettings(model) : [])].filter((x) => {
      const k = settingId(x);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    this.learningSettings =
      opts.learningSettings ?? this.settings.filter((s) => !(s.kind === 'none' && opts.fault !== 'none' && faultsTolerated(model, s.n) === 0 && s.f === undefined));
    if (!opts.learningSettings && !this.learningSettings.some((s) => s.kind === 'none')) {
      // Every failure-free size was below the resilience bound (N > 5f at N = 3, 4): measure the
      // cost the agent minimises failure-free at the smallest size it learns faults at.
      const n = Math.min(...this.learningSettings.map((s) => s.n));
      if (Number.isFinite(n)) this.learningSettings = [{ kind: 'none', n }, ...this.learningSettings];
    }
    const sizes = [...new Set(this.learningSettings.map((s) => s.n))].sort((a, b) => a - b);
    this.catalogue = new Catalogue({ ...model, learningSizes: sizes, ...opts.catalogue });
    this.agent = new QAgent({ ...DEFAULT_AGENT, ...opts.agent });
    this.verifier = opts.verifier ?? new ProtocolVerifier();
    this.oracle = opts.oracle ?? new SpinOracle(this.verifier, opts.fault, opts.limits ?? LEARNING_LIMITS, this.learningSettings);
    const ffs = this.learningSettings.filter((s) => s.kind === 'none').map((s) => s.n);
    this.ffN = ffs.length ? Math.max(...ffs) : 4;
  }

  /** Learning episodes so far (what the episode budget counts). */
  get episodes(): number {
    return this.episode - this.rollouts;
  }

  get bestCandidate(): SynthesizedCandidate | undefined {
    return this.best;
  }

  /** Every table evaluated so far, with its outcome. */
  evaluatedCandidates(): { key: string; rules: RuleChoice[]; outcome: OracleOutcome }[] {
    return [...this.memo.entries()].map(([key, v]) => ({ key, ...v }));
  }

  get verifiedCandidates(): SynthesizedCandidate[] {
    return [...this.verified.values()].sort((a, b) => (cheaper(costKey(a.outcome, a.rules), costKey(b.outcome, b.rules)) ? -1 : 1));
  }

  private reward(o: OracleOutcome): number {
    if (o.verified) {
      const n2 = this.ffN * this.ffN;
      return 100 + (100 * n2) / (n2 + (o.messagesWorst ?? 4 * n2)) - 3 * (o.steps ?? 3);
    }
    return -10 + 8 * o.passed;
  }

  private stepReward(r: RuleChoice): number {
    return r.effect.kind === 'send' ? -1 : -0.5;
  }

  async evaluate(rules: RuleChoice[], signal?: AbortSignal): Promise<OracleOutcome> {
    const key = this.catalogue.stateKey(rules);
    const hit = this.memo.get(key);
    if (hit) return hit.outcome;
    const outcome = await this.oracle.evaluate(this.catalogue.toProtocol(rules), signal);
    if (outcome.failure?.limitHit === 'time') this.cuts.push(`episode ${this.episode}: the wall-clock limit of a Spin run cut the check of ${this.catalogue.stateKey(rules) || 'a table'} in ${outcome.failure.setting}`);
    // Cancelled checks say nothing about the candidate.
    if (!(outcome.failure?.reason === 'cancelled' || signal?.aborted)) this.memo.set(key, { rules: [...rules], outcome });
    if (outcome.verified) this.recordVerified(rules, key, outcome);
    return outcome;
  }

  private recordVerified(rules: RuleChoice[], key: string, outcome: OracleOutcome): void {
    if (this.verified.has(key)) return;
    const c: SynthesizedCandidate = { rules: [...rules], key, outcome, episode: this.episode, elapsedMs: this.now() - this.started };
    this.verified.set(key, c);
    this.firstVerified ??= c;
    if (!this.best || cheaper(costKey(outcome, rules), costKey(this.best.outcome, this.best.rules))) this.best = c;
  }

  /** One learning episode (or a greedy one): build until STOP or a dead end, then learn. */
  async runEpisode(greedy: boolean, signal?: AbortSignal): Promise<OracleOutcome | undefined> {
    this.episode++;
    if (greedy) this.rollouts++;
    const rng = rngFor(this.seed, 'qlearning-episode', this.episode);
    const rules: RuleChoice[] = [];
    const transitions: Transition[] = [];
    let outcome: OracleOutcome | undefined;
    for (;;) {
      const state = this.catalogue.stateKey(rules);
      const allowed = this.catalogue.allowed(rules);
      if (!allowed.length) {
        const last = transitions[transitions.length - 1];
        if (last) last.reward -= 10;
        break;
      }
      const ids = allowed.map((a) => a.id);
      // A table that may stop is evaluated the first time it is reached, so every complete table
      // the agent builds teaches it something.
      const id = greedy ? this.agent.selectGreedy(state, ids, rng) : this.agent.selectUcb(state, ids, rng, 'STOP');
      const action = allowed.find((a) => a.id === id) as (typeof allowed)[number];
      if (action.kind === 'stop') {
        outcome = await this.evaluate(rules, signal);
        transitions.push({ state, action: id, reward: this.reward(outcome), next: 'END', nextActions: [] });
        break;
      }
      rules.push(action.rule);
      transitions.push({ state, action: id, reward: this.stepReward(action.rule), next: this.catalogue.stateKey(rules), nextActions: this.catalogue.allowed(rules).map((a) => a.id) });
    }
    if (!signal?.aborted) this.agent.learn(transitions);
    return outcome;
  }

  progress(phase: SynthesisProgress['phase'], message?: string): SynthesisProgress {
    const v = this.verifier;
    return {
      phase,
      episode: this.episode,
      elapsedMs: this.now() - this.started,
      spinRuns: v.spinRuns,
      cacheHits: v.cache.hits,
      prescreened: this.oracle instanceof SpinOracle ? this.oracle.prescreened : 0,
      distinctCandidates: this.memo.size,
      ...(this.best ? { best: { ...(this.best.outcome.messagesWorst !== undefined ? { messagesWorst: this.best.outcome.messagesWorst } : {}), ...(this.best.outcome.steps !== undefined ? { steps: this.best.outcome.steps } : {}) } } : {}),
      ...(this.firstVerified ? { firstVerifiedMs: this.firstVerified.elapsedMs } : {}),
      ...(message ? { message } : {}),
    };
  }

  /** Variants of a rule set whose thresholds the search sizes cannot distinguish (original first). */
  thresholdVariants(rules: RuleChoice[], cap = 24): RuleChoice[][] {
    let out: RuleChoice[][] = [[]];
    for (const r of rules) {
      const alts = this.catalogue.equivalents(r.from);
      const next: RuleChoice[][] = [];
      for (const prefix of out) for (const a of alts) if (next.length < cap) next.push([...prefix, { ...r, from: a }]);
      out = next;
    }
    const seen = new Set<string>();
    return out.filter((v) => {
      const k = this.catalogue.stateKey(v);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }

  /** Drops rules one at a time while the table stays verified and no costlier. */
  async simplify(c: SynthesizedCandidate, signal?: AbortSignal): Promise<SynthesizedCandidate> {
    let cur = c;
    for (let changed = true; changed && !signal?.aborted; ) {
      changed = false;
      for (let i = 0; i < cur.rules.length; i++) {
        const rules = cur.rules.filter((_, j) => j !== i);
        if (!this.catalogue.canStop(rules)) continue;
        const o = await this.evaluate(rules, signal);
        if (o.verified && !cheaper(costKey(cur.outcome, cur.rules), costKey(o, rules))) {
          cur = this.verified.get(this.catalogue.stateKey(rules)) ?? { rules, key: this.catalogue.stateKey(rules), outcome: o, episode: this.episode, elapsedMs: this.now() - this.started };
          changed = true;
          break;
        }
      }
    }
    return cur;
  }

  /** Runs learning episodes until a budget runs out; returns why it stopped. */
  async learn(limits: { episodes: number; until: number; patience?: number }, signal?: AbortSignal, onProgress?: (p: SynthesisProgress) => void): Promise<SynthesisResult['stopReason']> {
    const target = this.episode + limits.episodes;
    let lastImprovement = this.episode;
    let bestKey = this.best?.key;
    let lastReport = 0;
    while (this.episode < target) {
      if (signal?.aborted) return 'cancelled';
      if (this.now() >= limits.until) {
        this.cuts.push(`the wall-clock budget stopped learning after ${this.episode} of ${target} episodes; an episode budget alone gives the same result on any machine`);
        return 'time';
      }
      if (this.best && limits.patience !== undefined && this.episode - lastImprovement >= limits.patience) return 'patience';
      await this.runEpisode(false, signal);
      if (this.best && this.best.key !== bestKey) {
        bestKey = this.best.key;
        lastImprovement = this.episode;
      }
      if (onProgress && (this.now() - lastReport > 1000 || this.episode === target)) {
        lastReport = this.now();
        onProgress(this.progress('learning'));
      }
    }
    return signal?.aborted ? 'cancelled' : 'episodes';
  }

  /** Time cuts so far (see SynthesisResult.timeCuts). */
  get timeCuts(): string[] {
    return [...this.cuts];
  }

  private noteTimeCuts(report: ProtocolReport, what: string): void {
    for (const c of report.settings) if (c.limitHit === 'time') this.cuts.push(`${what}: the wall-clock limit cut the check in ${c.setting}`);
  }

  /**
   * Re-verifies a verified table and its threshold variants in the final settings, cheapest
   * candidates first, and returns the first that no setting refutes and every required setting
   * verifies (certified with the compiled model when asked). Everything else is rejected, so a
   * refuted table is never the answer.
   */
  private async confirm(signal?: AbortSignal): Promise<{ chosen?: SynthesizedCandidate; final?: ProtocolReport; certified?: ProtocolReport; rejected: { text: string; coverage: string }[] }> {
    const rejected: { text: string; coverage: string }[] = [];
    if (!this.best) return { rejected };
    const first = await this.simplify(this.best, signal);
    const pool = [first, ...this.verifiedCandidates.filter((c) => c.key !== first.key)];
    const limits = this.opts.extendedLimits ?? FINAL_LIMITS;
    const tried = new Set<string>();
    for (const base of pool.slice(0, 6)) {
      for (const rules of this.thresholdVariants(base.rules)) {
        if (signal?.aborted) return { rejected };
        const key = this.catalogue.stateKey(rules);
        if (tried.has(key)) continue;
        tried.add(key);
        const proto = this.catalogue.toProtocol(rules);
        this.opts.onProgress?.(this.progress('optimizing', `re-verifying ${key} in ${this.finalSettings.map(settingId).join(', ')}`));
        const final = await this.verifier.verify(proto, { settings: this.finalSettings, engine: 'interpreter', limits, bestEffortLimits: BEST_EFFORT_LIMITS, chart: false, ...(signal ? { signal } : {}) });
        this.noteTimeCuts(final, `re-verifying ${key}`);
        if (!final.verified) {
          rejected.push({ text: this.catalogue.render(rules), coverage: final.coverage.summary });
          continue;
        }
        let certified: ProtocolReport | undefined;
        if (this.opts.certify !== false) {
          this.opts.onProgress?.(this.progress('optimizing', 'certifying with the compiled model'));
          const done = final.settings.filter((c) => c.verdict === 'VERIFIED').map((c) => this.finalSettings.find((x) => settingId(x) === c.setting) as SettingSpec);
          certified = await this.verifier.verify(proto, { settings: done, engine: 'compiled', exactReceipts: true, limits, bestEffortLimits: BEST_EFFORT_LIMITS, chart: true, ...(signal ? { signal } : {}) });
          this.noteTimeCuts(certified, `certifying ${key}`);
          if (certified.coverage.verdict === 'VIOLATED' || certified.coverage.verdict === 'INVALID') {
            rejected.push({ text: this.catalogue.render(rules), coverage: `compiled model: ${certified.coverage.summary}` });
            continue;
          }
        }
        const chosen: SynthesizedCandidate = { ...base, rules, key };
        return { chosen, final, ...(certified ? { certified } : {}), rejected };
      }
    }
    return { rejected };
  }

  async run(): Promise<SynthesisResult> {
    const { signal, onProgress } = this.opts;
    const budget = this.opts.budget ?? {};
    const until = budget.timeMs !== undefined ? this.started + budget.timeMs : Infinity;
    let stopReason = await this.learn({ episodes: budget.episodes ?? 4000, until, ...(budget.patience !== undefined ? { patience: budget.patience } : {}) }, signal, onProgress);
    const learningMs = this.now() - this.started;
    onProgress?.(this.progress('optimizing', 'greedy rollout, rule removal, generalisation, re-verification, certification'));

    // The optimisation episode.
    if (!signal?.aborted) await this.runEpisode(true, signal);
    const { chosen, final, certified, rejected } = await this.confirm(signal);
    if (signal?.aborted) stopReason = 'cancelled';
    const result: SynthesisResult = {
      fault: this.opts.fault,
      seed: this.seed,
      episodes: this.episodes,
      elapsedMs: this.now() - this.started,
      learningMs,
      ...(this.firstVerified ? { firstVerified: { episode: this.firstVerified.episode, elapsedMs: this.firstVerified.elapsedMs, text: this.catalogue.render(this.firstVerified.rules) } } : {}),
      ...(chosen && final && !signal?.aborted
        ? { best: { protocol: this.finalProtocol(chosen, certified, final), text: '', outcome: chosen.outcome, ...(certified ? { certified } : {}), extended: final, coverage: final.coverage.summary } }
        : {}),
      rejected,
      timeCuts: [...this.cuts],
      verifiedCount: this.verified.size,
      distinctCandidates: this.memo.size,
      spinRuns: this.verifier.spinRuns,
      cacheHits: this.verifier.cache.hits,
      prescreened: this.oracle instanceof SpinOracle ? this.oracle.prescreened : 0,
      qStates: this.agent.states,
      stopReason,
    };
    if (result.best) result.best.text = formatProtocol(result.best.protocol);
    onProgress?.(this.progress('done'));
    return result;
  }

  /** The exported file: a header saying how it was found and what Spin said, markers around the table. */
  finalProtocol(c: SynthesizedCandidate, certified?: ProtocolReport, extended?: ProtocolReport): Protocol {
    const p = this.catalogue.toProtocol(c.rules, this.opts.name ?? `Synthesized${this.opts.fault[0]?.toUpperCase()}${this.opts.fault.slice(1)}`);
    const verdicts = (r: ProtocolReport): string => r.settings.map((s) => `${s.setting} ${s.verdict}`).join(', ');
    const header = [
      `# Found by policy-evolver's Q-learning synthesizer (seed ${this.seed}, ${this.episodes} learning episodes).`,
      `# Failure-free N = ${this.ffN}: ${c.outcome.messagesWorst ?? '?'} messages in the worst schedule, ${c.outcome.steps ?? '?'} communication step(s).`,
      ...(extended ? [`# Spin: ${extended.coverage.summary}.`, `# Settings: ${verdicts(extended)}.`] : [`# Spin: verified in every search setting.`]),
      ...(certified ? [`# Spin (compiled model): ${verdicts(certified)}.`] : []),
      ...(this.cuts.length ? [`# A wall-clock limit cut the search (${this.cuts.length}x): this result may differ on another machine.`] : []),
    ];
    p.headerTrivia.protocol.leading = header;
    const firstMessage = p.messages[0];
    if (firstMessage) firstMessage.trivia.leading = ['', '# EVOLVE-BLOCK-START'];
    p.trailingComments = ['# EVOLVE-BLOCK-END'];
    return p;
  }
}

export function synthesize(opts: SynthesisOptions): Promise<SynthesisResult> {
  return new Synthesizer(opts).run();
}

export { ruleId };
