// The seed paper's synthesizer, made fast: an agent builds a protocol rule by rule, picks actions
// with UCB over a learned Q-table, is rewarded for cheap actions and for correct final
// algorithms (cheaper ones more), and ends with an optimisation episode that exports the best
// verified algorithm: greedy rollout, rule removal, thresholds that also hold past the search
// sizes, and certification with the compiled model. Deterministic for a seed and an episode
// budget (a time budget only decides where the same sequence stops).
import { rngFor } from '../../../core/rng';
import { faultsTolerated, type FaultModel, type Protocol } from '../language/ast';
import { formatProtocol } from '../language/format';
import { defaultSettings, extendedSettings, type SettingSpec } from '../model/settings';
import type { CheckLimits } from '../verdict';
import { ProtocolVerifier, type ProtocolReport } from '../verify';
import { DEFAULT_AGENT, QAgent, type AgentParams, type Transition } from './agent';
import { Catalogue, ruleId, type CatalogueOptions, type RuleChoice } from './catalogue';
import { SpinOracle, type Oracle, type OracleOutcome } from './oracle';

export interface SynthesisBudget {
  episodes?: number;
  timeMs?: number;
  /** Stop learning after this many episodes without a cheaper verified algorithm (once one exists). */
  patience?: number;
}

export interface SynthesisOptions {
  fault: FaultModel;
  seed?: number;
  budget?: SynthesisBudget;
  catalogue?: Omit<CatalogueOptions, 'fault'>;
  agent?: Partial<AgentParams>;
  /** Limits of each Spin run while learning. */
  limits?: CheckLimits;
  /** Settings a winner must verify in (default: the fault model's defaults). */
  settings?: SettingSpec[];
  /** Settings the agent learns from (default: `settings` without failure-free sizes where f = 0, which say nothing about faults). */
  learningSettings?: SettingSpec[];
  /** Check the winner past the search sizes (N = 5). */
  extended?: boolean;
  extendedLimits?: CheckLimits;
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
    /** Verdicts past the search sizes when `extended`. */
    extended?: ProtocolReport;
  };
  verifiedCount: number;
  distinctCandidates: number;
  spinRuns: number;
  cacheHits: number;
  prescreened: number;
  qStates: number;
  stopReason: 'episodes' | 'time' | 'patience' | 'cancelled';
}

const DEFAULT_LIMITS: CheckLimits = { timeMs: 60_000, memoryMb: 3072 };

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
  private readonly started = Date.now();
  private readonly ffN: number;
  readonly settings: SettingSpec[];
  readonly learningSettings: SettingSpec[];

  constructor(readonly opts: SynthesisOptions) {
    this.seed = opts.seed ?? 1;
    this.settings = opts.settings ?? defaultSettings({ fault: opts.fault });
    this.learningSettings =
      opts.learningSettings ?? this.settings.filter((s) => !(s.kind === 'none' && opts.fault !== 'none' && faultsTolerated({ fault: opts.fault }, s.n) === 0 && s.f === undefined));
    const sizes = [...new Set(this.learningSettings.map((s) => s.n))].sort((a, b) => a - b);
    this.catalogue = new Catalogue({ fault: opts.fault, learningSizes: sizes, ...opts.catalogue });
    this.agent = new QAgent({ ...DEFAULT_AGENT, ...opts.agent });
    this.verifier = opts.verifier ?? new ProtocolVerifier();
    this.oracle = opts.oracle ?? new SpinOracle(this.verifier, opts.fault, opts.limits ?? DEFAULT_LIMITS, this.learningSettings);
    const ffs = this.learningSettings.filter((s) => s.kind === 'none').map((s) => s.n);
    this.ffN = ffs.length ? Math.max(...ffs) : 4;
  }

  get episodes(): number {
    return this.episode;
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
    // Cancelled checks say nothing about the candidate.
    if (!(outcome.failure?.reason === 'cancelled' || signal?.aborted)) this.memo.set(key, { rules: [...rules], outcome });
    if (outcome.verified) this.recordVerified(rules, key, outcome);
    return outcome;
  }

  private recordVerified(rules: RuleChoice[], key: string, outcome: OracleOutcome): void {
    if (this.verified.has(key)) return;
    const c: SynthesizedCandidate = { rules: [...rules], key, outcome, episode: this.episode, elapsedMs: Date.now() - this.started };
    this.verified.set(key, c);
    this.firstVerified ??= c;
    if (!this.best || cheaper(costKey(outcome, rules), costKey(this.best.outcome, this.best.rules))) this.best = c;
  }

  /** One learning episode (or a greedy one): build until STOP or a dead end, then learn. */
  async runEpisode(greedy: boolean, signal?: AbortSignal): Promise<OracleOutcome | undefined> {
    this.episode++;
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
      elapsedMs: Date.now() - this.started,
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
          cur = this.verified.get(this.catalogue.stateKey(rules)) ?? { rules, key: this.catalogue.stateKey(rules), outcome: o, episode: this.episode, elapsedMs: Date.now() - this.started };
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
      if (Date.now() >= limits.until) return 'time';
      if (this.best && limits.patience !== undefined && this.episode - lastImprovement >= limits.patience) return 'patience';
      await this.runEpisode(false, signal);
      if (this.best && this.best.key !== bestKey) {
        bestKey = this.best.key;
        lastImprovement = this.episode;
      }
      if (onProgress && (Date.now() - lastReport > 1000 || this.episode === target)) {
        lastReport = Date.now();
        onProgress(this.progress('learning'));
      }
    }
    return signal?.aborted ? 'cancelled' : 'episodes';
  }

  async run(): Promise<SynthesisResult> {
    const { signal, onProgress } = this.opts;
    const budget = this.opts.budget ?? {};
    const timeMs = budget.timeMs ?? 10 * 60_000;
    // Leave room for the optimisation episode inside a time budget.
    const until = this.started + timeMs * (this.opts.extended === false ? 0.9 : 0.6);
    let stopReason = await this.learn({ episodes: budget.episodes ?? 4000, until, ...(budget.patience !== undefined ? { patience: budget.patience } : {}) }, signal, onProgress);
    const learningMs = Date.now() - this.started;
    onProgress?.(this.progress('optimizing', 'greedy rollout, rule removal, generalisation, certification'));

    // The optimisation episode.
    if (!signal?.aborted) await this.runEpisode(true, signal);
    let chosen = this.best;
    let extended: ProtocolReport | undefined;
    let certified: ProtocolReport | undefined;
    if (chosen && !signal?.aborted) {
      chosen = await this.simplify(chosen, signal);
      // The agent learnt with one threshold per class; pick the symbolic thresholds that hold in
      // every setting and, preferably, past the search sizes too.
      const ext = this.opts.extended !== false ? extendedSettings({ fault: this.opts.fault }) : [];
      const extLimits = this.opts.extendedLimits ?? { timeMs: Math.max(30_000, Math.min(240_000, this.started + timeMs - Date.now())), memoryMb: 4096 };
      const searchLimits = this.opts.limits ?? DEFAULT_LIMITS;
      const first = chosen;
      const pool = [first, ...this.verifiedCandidates.filter((c) => c.key !== first.key && !cheaper(costKey(c.outcome, c.rules), costKey(first.outcome, first.rules)))];
      let fallback: { c: SynthesizedCandidate; r?: ProtocolReport } | undefined;
      let found = false;
      outer: for (const base of pool.slice(0, 4)) {
        for (const rules of this.thresholdVariants(base.rules)) {
          if (signal?.aborted) break outer;
          const proto = this.catalogue.toProtocol(rules);
          const full = await this.verifier.verify(proto, { settings: this.settings, engine: 'interpreter', limits: searchLimits, chart: false, ...(signal ? { signal } : {}) });
          if (!full.verified) continue;
          const cand: SynthesizedCandidate = { ...base, rules, key: this.catalogue.stateKey(rules) };
          if (!ext.length) {
            chosen = cand;
            found = true;
            break outer;
          }
          onProgress?.(this.progress('optimizing', `checking ${this.catalogue.stateKey(rules)} past the search sizes`));
          const r = await this.verifier.verify(proto, { settings: ext, engine: 'interpreter', limits: extLimits, chart: false, stopAtFirstFailure: true, ...(signal ? { signal } : {}) });
          fallback ??= { c: cand, r };
          if (r.verified) {
            chosen = cand;
            extended = r;
            found = true;
            break outer;
          }
          // Out of time for more checks past the search sizes: keep the first variant.
          if (Date.now() > this.started + timeMs) break outer;
        }
      }
      if (!found && fallback) {
        chosen = fallback.c;
        extended = fallback.r;
      }
      if (this.opts.certify !== false && !signal?.aborted) {
        onProgress?.(this.progress('optimizing', 'certifying with the compiled model'));
        certified = await this.verifier.verify(this.catalogue.toProtocol(chosen.rules), {
          settings: this.settings,
          engine: 'compiled',
          exactReceipts: true,
          limits: this.opts.extendedLimits ?? { timeMs: 240_000, memoryMb: 4096 },
          chart: true,
          ...(signal ? { signal } : {}),
        });
      }
    }
    if (signal?.aborted) stopReason = 'cancelled';
    const result: SynthesisResult = {
      fault: this.opts.fault,
      seed: this.seed,
      episodes: this.episode,
      elapsedMs: Date.now() - this.started,
      learningMs,
      ...(this.firstVerified ? { firstVerified: { episode: this.firstVerified.episode, elapsedMs: this.firstVerified.elapsedMs, text: this.catalogue.render(this.firstVerified.rules) } } : {}),
      ...(chosen ? { best: { protocol: this.finalProtocol(chosen, certified, extended), text: '', outcome: chosen.outcome, ...(certified ? { certified } : {}), ...(extended ? { extended } : {}) } } : {}),
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
      `# Found by policy-evolver's Q-learning synthesizer (seed ${this.seed}, ${this.episode} episodes).`,
      `# Failure-free N = ${this.ffN}: ${c.outcome.messagesWorst ?? '?'} messages in the worst schedule, ${c.outcome.steps ?? '?'} communication step(s).`,
      ...(certified ? [`# Spin (compiled model): ${verdicts(certified)}.`] : [`# Spin: verified in every search setting.`]),
      ...(extended ? [`# Past the search sizes: ${verdicts(extended)}.`] : []),
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
