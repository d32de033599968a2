// The state of a run as a pure fold over its journal events. The engine applies each event here
// as it journals it, and resume replays the journal through the same code, so a resumed run
// starts from exactly the state the interrupted one had.
import type { EvalSummary, JournalEvent, RunConfig, StopReason } from './journal-events';
import { CODE_LENGTH_DIMENSION, Population, ProgramRecord } from './population';
import type { FeatureDimension, JsonValue } from './types';

export interface CandidateEntry {
  id: string;
  index: number;
  island: number;
  parentIds: string[];
  sourceHash: string;
  codeHash: string;
  generator: string;
  explanation?: string;
  result?: EvalSummary;
  cascadeStopped?: boolean;
  duplicateOf?: string;
  admitted?: boolean;
  improvement?: boolean;
  /** A person's verdict; absent when there is none or a rejection was taken back. */
  decision?: { decision: 'accepted' | 'rejected'; note?: string };
}

export interface BestPoint {
  index: number;
  id: string;
  score: number;
}

export class RunState {
  config!: RunConfig;
  runId = '';
  domain = '';
  dimensions: FeatureDimension[] = [];
  objectives: { metric: string; label: string }[] = [];
  relativeTo: string | undefined;
  lowerIsBetter: string[] = [];
  initialSourceHash = '';
  population!: Population;
  readonly candidates = new Map<string, CandidateEntry>();
  /** Normalised-code hash -> id of the candidate whose evaluation serves every duplicate. */
  readonly evaluatedCode = new Map<string, string>();
  readonly validation = new Map<string, number | null>();
  /** Failures in the order they happened; proposal failures (no `id`) carry their stage and parent. */
  readonly failures: { id?: string; index: number; error: string; stage?: 'generate' | 'patch' | 'precheck'; parentId?: string; generator?: string }[] = [];
  readonly notes: string[] = [];
  readonly bestHistory: BestPoint[] = [];
  private readonly failedProposals = new Set<number>();
  nextIndex = 0;
  evaluated = 0;
  /** Candidates whose generation or patch failed (they have no evaluation). */
  proposalsFailed = 0;
  failed = 0;
  duplicates = 0;
  spendUsd = 0;
  tokens = { input: 0, output: 0, cached: 0 };
  /** Calls, tokens and spend per `provider/model`, from the llm-call events. */
  readonly usageByModel = new Map<string, { calls: number; input: number; output: number; cached: number; costUsd: number }>();
  sinceImprovement = 0;
  championId = '';
  /** The generator's learnt state as last journaled, restored into the generator on resume. */
  generatorState: JsonValue | undefined;
  ended: StopReason | undefined;
  holdout: { best: number | null; initial: number | null } | undefined;
  /** Why the run failed (run-ended with reason `error`). */
  endError: string | undefined;

  static replay(events: Iterable<JournalEvent>): RunState {
    const state = new RunState();
    for (const e of events) state.apply(e);
    return state;
  }

  get started(): boolean {
    return this.runId !== '';
  }

  champion(): CandidateEntry | undefined {
    return this.candidates.get(this.championId);
  }

  initial(): CandidateEntry | undefined {
    return this.candidates.get('c0');
  }

  /** Proposed candidates still waiting for an outcome (in flight when the run stopped). */
  pending(): CandidateEntry[] {
    return [...this.candidates.values()].filter((c) => !c.result).sort((a, b) => a.index - b.index);
  }

  toRecord(entry: CandidateEntry): ProgramRecord | undefined {
    const r = entry.result;
    if (!r || !r.ok || r.score === null) return undefined;
    return {
      id: entry.id,
      index: entry.index,
      sourceHash: entry.sourceHash,
      codeHash: entry.codeHash,
      parentIds: entry.parentIds,
      score: r.score,
      metrics: r.metrics,
      features: r.features,
      perWorkload: r.perWorkload,
      feedback: r.feedback,
      fingerprint: r.fingerprint,
      generator: entry.generator,
      explanation: entry.explanation,
    };
  }

  /**
   * Applies one event; returns whether an `evaluated` candidate was admitted to the population.
   * Idempotent by each event's own key (run, candidate id, proposal index), so a journal with a
   * duplicated line (written before events had ids) still folds to the state it recorded.
   */
  apply(e: JournalEvent): boolean {
    if (!this.started && e.type !== 'run-started') return false;
    switch (e.type) {
      case 'run-started':
        if (this.started) return false;
        this.config = e.config;
        this.runId = e.runId;
        this.domain = e.domain;
        this.initialSourceHash = e.sourceHash;
        this.dimensions = e.features.length ? e.features : [CODE_LENGTH_DIMENSION];
        this.objectives = e.objectives ?? [];
        this.relativeTo = e.relativeTo;
        this.lowerIsBetter = e.lowerIsBetter ?? [];
        this.population = new Population({
          islands: e.config.islands,
          dimensions: this.dimensions,
          eliteSize: e.config.eliteSize,
          exploitation: e.config.exploitation,
          inspirations: e.config.inspirations,
          migrationInterval: e.config.migrationInterval,
        });
        return false;
      case 'run-resumed':
        this.config = { ...this.config, budget: e.budget };
        this.ended = undefined;
        this.endError = undefined;
        return false;
      case 'proposed':
        if (this.candidates.has(e.id)) return false;
        this.candidates.set(e.id, {
          id: e.id,
          index: e.index,
          island: e.island,
          parentIds: e.parentIds,
          sourceHash: e.sourceHash,
          codeHash: e.codeHash,
          generator: e.generator,
          explanation: e.explanation,
        });
        this.nextIndex = Math.max(this.nextIndex, e.index + 1);
        return false;
      case 'proposal-failed':
        if (this.failedProposals.has(e.index)) return false;
        this.failedProposals.add(e.index);
        this.nextIndex = Math.max(this.nextIndex, e.index + 1);
        this.failed++;
        this.proposalsFailed++;
        this.failures.push({ index: e.index, error: e.error, stage: e.stage, ...(e.parentIds[0] ? { parentId: e.parentIds[0] } : {}), ...(e.generator ? { generator: e.generator } : {}) });
        this.sinceImprovement++;
        this.population.skip();
        return false;
      case 'evaluated':
        return this.applyEvaluated(e);
      case 'validated':
        this.validation.set(e.id, e.score);
        return false;
      case 'generator-state':
        this.generatorState = e.state;
        return false;
      case 'llm-call': {
        this.spendUsd += e.costUsd;
        this.tokens.input += e.inputTokens;
        this.tokens.output += e.outputTokens;
        this.tokens.cached += e.cachedInputTokens;
        const key = `${e.provider}/${e.model}`;
        const m = this.usageByModel.get(key) ?? { calls: 0, input: 0, output: 0, cached: 0, costUsd: 0 };
        m.calls++;
        m.input += e.inputTokens;
        m.output += e.outputTokens;
        m.cached += e.cachedInputTokens;
        m.costUsd += e.costUsd;
        this.usageByModel.set(key, m);
        return false;
      }
      case 'decision':
        this.applyDecision(e);
        return false;
      case 'run-ended':
        this.ended = e.reason;
        this.holdout = e.holdout;
        this.endError = e.error;
        return false;
    }
  }

  /** A rejected candidate is excluded everywhere (best, parents, inspirations, migrants) until unrejected. */
  private applyDecision(e: Extract<JournalEvent, { type: 'decision' }>): void {
    const entry = this.candidates.get(e.id);
    // The same verdict again (a duplicated line) changes nothing.
    if (entry && e.decision !== 'unrejected' && entry.decision?.decision === e.decision && entry.decision.note === e.note) return;
    if (e.decision === 'unrejected') {
      const note = entry?.decision?.decision === 'rejected' ? entry.decision.note : undefined;
      if (note !== undefined) {
        const at = this.notes.lastIndexOf(note);
        if (at >= 0) this.notes.splice(at, 1);
      }
      if (entry) delete entry.decision;
      this.population?.include(e.id);
      this.electChampion();
      return;
    }
    if (entry) entry.decision = { decision: e.decision, note: e.note };
    if (e.decision !== 'rejected') return;
    if (e.note) this.notes.push(e.note);
    this.population?.exclude(e.id);
    this.electChampion();
  }

  isRejected(id: string): boolean {
    return this.candidates.get(id)?.decision?.decision === 'rejected';
  }

  /**
   * The best candidate that improved on its parent and is not rejected (the starting program when
   * none is left). Equals the incremental rule of `applyEvaluated` when nothing was rejected.
   */
  private electChampion(): void {
    let best: CandidateEntry | undefined;
    for (const c of this.candidates.values()) {
      const score = c.result?.ok ? c.result.score : null;
      if (score === null || score === undefined || this.isRejected(c.id)) continue;
      if (c.index > 0 && (!c.improvement || c.duplicateOf || c.cascadeStopped)) continue;
      const bestScore = best?.result?.score as number | undefined;
      if (!best || score > (bestScore as number) || (score === bestScore && c.index < best.index)) best = c;
    }
    this.championId = best?.id ?? 'c0';
  }

  private applyEvaluated(e: Extract<JournalEvent, { type: 'evaluated' }>): boolean {
    const entry = this.candidates.get(e.id);
    if (!entry || entry.result) return false;
    entry.result = e.result;
    entry.cascadeStopped = e.cascadeStopped;
    entry.duplicateOf = e.duplicateOf;
    entry.improvement = e.improvement;
    if (!e.duplicateOf) this.evaluatedCode.set(entry.codeHash, entry.id);
    this.evaluated++;
    if (e.duplicateOf) this.duplicates++;
    if (!e.result.ok) {
      this.failed++;
      this.failures.push({ id: entry.id, index: entry.index, error: e.result.error ?? 'evaluation failed' });
    }
    const record = e.duplicateOf || e.cascadeStopped ? undefined : this.toRecord(entry);
    let admitted = false;
    if (entry.index === 0) {
      if (record) {
        this.population.seed(record);
        admitted = true;
        this.championId = entry.id;
        this.bestHistory.push({ index: 0, id: entry.id, score: record.score });
      }
    } else if (record) {
      admitted = this.population.add(entry.island, record);
    } else {
      this.population.skip();
    }
    entry.admitted = admitted;
    const champion = this.champion();
    const championScore = champion?.result?.score ?? null;
    if (entry.index > 0) {
      if (e.improvement && record && !this.isRejected(entry.id) && (championScore === null || record.score > championScore)) {
        this.championId = entry.id;
        this.bestHistory.push({ index: entry.index, id: entry.id, score: record.score });
        this.sinceImprovement = 0;
      } else {
        this.sinceImprovement++;
      }
    }
    return admitted;
  }
}
