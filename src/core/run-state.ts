// The state of a run as a pure fold over its journal events. The engine applies each event here
// as it journals it, and resume replays the journal through the same code, so a resumed run
// starts from exactly the state the interrupted one had.
import type { EvalSummary, JournalEvent, RunConfig, StopReason } from './journal-events';
import { CODE_LENGTH_DIMENSION, Population, ProgramRecord } from './population';
import type { FeatureDimension } from './types';

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
  initialSourceHash = '';
  population!: Population;
  readonly candidates = new Map<string, CandidateEntry>();
  /** Normalised-code hash -> id of the candidate whose evaluation serves every duplicate. */
  readonly evaluatedCode = new Map<string, string>();
  readonly validation = new Map<string, number | null>();
  readonly failures: { id?: string; index: number; error: string }[] = [];
  readonly notes: string[] = [];
  readonly bestHistory: BestPoint[] = [];
  nextIndex = 0;
  evaluated = 0;
  /** Candidates whose generation or patch failed (they have no evaluation). */
  proposalsFailed = 0;
  failed = 0;
  duplicates = 0;
  spendUsd = 0;
  tokens = { input: 0, output: 0, cached: 0 };
  sinceImprovement = 0;
  championId = '';
  ended: StopReason | undefined;
  holdout: { best: number | null; initial: number | null } | undefined;

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

  /** Applies one event; returns whether an `evaluated` candidate was admitted to the population. */
  apply(e: JournalEvent): boolean {
    switch (e.type) {
      case 'run-started':
        this.config = e.config;
        this.runId = e.runId;
        this.domain = e.domain;
        this.initialSourceHash = e.sourceHash;
        this.dimensions = e.features.length ? e.features : [CODE_LENGTH_DIMENSION];
        this.objectives = e.objectives ?? [];
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
        return false;
      case 'proposed':
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
        this.nextIndex = Math.max(this.nextIndex, e.index + 1);
        this.failed++;
        this.proposalsFailed++;
        this.failures.push({ index: e.index, error: e.error });
        this.sinceImprovement++;
        this.population.skip();
        return false;
      case 'evaluated':
        return this.applyEvaluated(e);
      case 'validated':
        this.validation.set(e.id, e.score);
        return false;
      case 'llm-call':
        this.spendUsd += e.costUsd;
        this.tokens.input += e.inputTokens;
        this.tokens.output += e.outputTokens;
        this.tokens.cached += e.cachedInputTokens;
        return false;
      case 'decision': {
        const entry = this.candidates.get(e.id);
        if (entry) entry.decision = { decision: e.decision, note: e.note };
        if (e.decision === 'rejected' && e.note) this.notes.push(e.note);
        return false;
      }
      case 'run-ended':
        this.ended = e.reason;
        this.holdout = e.holdout;
        return false;
    }
  }

  private applyEvaluated(e: Extract<JournalEvent, { type: 'evaluated' }>): boolean {
    const entry = this.candidates.get(e.id);
    if (!entry) return false;
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
      if (e.improvement && record && (championScore === null || record.score > championScore)) {
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
