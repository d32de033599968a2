// The run loop: an asynchronous pipeline in which generation and evaluation overlap. Each
// candidate goes parent sampling -> generation -> patch + EVOLVE-BLOCK check -> dedup ->
// cascade evaluation -> validation against its parent -> population, and every step is journaled
// before the next depends on it.
import type { CandidateOutcome, EngineEvent, RunProgress } from '../messages/progress';
import { aggregateScores } from './aggregate';
import { blockTexts, parseBlocks } from './evolve-blocks';
import type { EvalSummary, JournalEvent, StopReason } from './journal-events';
import type { RunStore } from './journal';
import { languageOf } from './language';
import { setLongTimeout } from './long-timer';
import { codeHash } from './normalize';
import { applyPatch } from './patch';
import type { ProgramRecord } from './population';
import { rngFor } from './rng';
import { scoreOn } from './scoring';
import { CandidateEntry, RunState } from './run-state';
import { UserError } from './user-error';
import { scrubSecrets } from './secrets';
import { boundedResult } from './text-bounds';
import { Semaphore } from './semaphore';
import type { AttemptRecord, CandidateSource, EvalResult, FailureRecord, StageResult, EvaluationPool, GenerationResult, Generator, ProgramView, TokenUsage, Workload, WorkloadResult } from './types';

export interface EngineOptions {
  store: RunStore;
  state: RunState;
  workloads: Workload[];
  pool: EvaluationPool;
  generator: Generator;
  onEvent?: (event: EngineEvent) => void;
}

export interface RunSummary {
  runId: string;
  reason: StopReason;
  best: { id: string; score: number | null; validation: number | null };
  initial: { score: number | null; validation: number | null };
  holdout?: { best: number | null; initial: number | null };
  candidates: number;
  failed: number;
  duplicates: number;
  spendUsd: number;
  elapsedMs: number;
}

class Cancelled extends Error {}

/** Failures and attempts a prompt is shown: enough to see a pattern, few enough to stay short. */
const RECENT_FAILURES = 3;
const HISTORY_LENGTH = 8;

/** One text for the feedback of several cascade stages, each under its label and workloads. */
function stageFeedback(stages: StageResult[]): string {
  return stages
    .filter((st) => st.feedback.trim())
    .map((st, i) => `Stage ${i + 1}, ${st.label} (${st.workloads.join(', ')}):\n${st.feedback.trim()}`)
    .join('\n\n');
}

/** Proposals failing this many times in a row (no reply usable, no call answered) end the run. */
export const DEFAULT_MAX_CONSECUTIVE_FAILURES = 10;

/** The generator failed too many times in a row: the run cannot do its job, and says why. */
export class GenerationFailing extends UserError {
  constructor(count: number, lastError: string) {
    super(`stopped after ${count} proposals in a row failed; the last: ${lastError}`);
    this.name = 'GenerationFailing';
  }
}

/** The run cannot start: the program it would improve does not evaluate. */
export class StartingProgramFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartingProgramFailed';
  }
}

/** What a failed generator call can tell about itself (LLM generators attach their exchanges). */
function errorDetails(err: unknown): Pick<GenerationResult, 'source' | 'exchanges'> {
  const e = err as { source?: unknown; exchanges?: unknown };
  return {
    ...(typeof e?.source === 'string' ? { source: e.source } : {}),
    ...(Array.isArray(e?.exchanges) ? { exchanges: e.exchanges as GenerationResult['exchanges'] } : {}),
  };
}

const now = (): string => new Date().toISOString();

/** What the journal keeps of an evaluation (the editor's one-off evaluation keeps the same). */
export function summarize(raw: EvalResult): EvalSummary {
  // Whatever an evaluator passes on from a candidate is bounded before it is journaled.
  const result = boundedResult(raw);
  return {
    ok: result.ok,
    score: result.ok && Number.isFinite(result.score) ? result.score : null,
    metrics: result.metrics,
    features: result.features,
    perWorkload: result.perWorkload,
    feedback: result.feedback,
    ...(result.error !== undefined ? { error: result.error } : {}),
    ...(result.fingerprint !== undefined ? { fingerprint: result.fingerprint } : {}),
    // Verdicts and located problems are what the editor shows on the code; a journal without them hides a violation.
    ...(result.diagnostics?.length ? { diagnostics: result.diagnostics } : {}),
    ...(result.checks?.length ? { checks: result.checks } : {}),
    ...(result.decisions?.notes.length ? { decisions: result.decisions } : {}),
  };
}

export class Engine {
  private readonly state: RunState;
  private readonly store: RunStore;
  private readonly search: Workload[];
  private readonly validationSet: Workload[];
  private readonly holdoutSet: Workload[];
  private readonly cheap: Workload[];
  private readonly codeCache = new Map<string, string>();
  /** Evaluations under way by normalised-code hash, so a duplicate waits instead of evaluating again. */
  private readonly inflightCode = new Map<string, { id: string; summary: Promise<EvalSummary> }>();
  private readonly genSemaphore: Semaphore;
  private readonly startedAt = Date.now();
  private readonly doneAtStart: number;
  private launchIndex: number;
  private halt: AbortController | undefined;
  private inFlight = 0;
  private stopReason: StopReason | undefined;
  private readonly costByIndex = new Map<number, number>();
  /** Candidates whose generation has not finished: their calls are reserved against the cost cap. */
  private generating = 0;
  private finishedGenerations = 0;
  private finishedGenerationCost = 0;
  private generationWaiters: (() => void)[] = [];
  private consecutiveFailures = 0;
  /** The generator state last journaled, as JSON, so an unchanged state is not written again. */
  private journaledGeneratorState: string | undefined;

  constructor(private readonly options: EngineOptions) {
    this.state = options.state;
    this.store = options.store;
    this.search = options.workloads.filter((w) => w.split === 'search');
    this.validationSet = options.workloads.filter((w) => w.split === 'validation');
    this.holdoutSet = options.workloads.filter((w) => w.split === 'holdout');
    if (this.search.length === 0) throw new Error('the evaluator offers no search workloads');
    const cascade = this.state.config.cascade;
    const marked = this.search.filter((w) => w.cheap);
    this.cheap = !cascade.enabled ? [] : marked.length ? marked : this.search.slice(0, cascade.cheapCount);
    if (this.cheap.length >= this.search.length) this.cheap = [];
    this.genSemaphore = new Semaphore(Math.max(1, this.state.config.generationConcurrency));
    this.launchIndex = Math.max(this.state.nextIndex, 1);
    this.doneAtStart = this.state.evaluated + this.state.proposalsFailed;
    // A resumed run's generator starts from what it had learnt (bandit statistics, rates), not from scratch.
    if (this.state.generatorState !== undefined) {
      options.generator.restoreState?.(this.state.generatorState);
      this.journaledGeneratorState = JSON.stringify(this.state.generatorState);
    }
  }

  /** Journals an event and folds it into the state; returns the state's answer (admission). */
  private record(event: JournalEvent): boolean {
    const admitted = this.state.apply(event);
    if (event.type === 'evaluated') event.admitted = admitted;
    try {
      this.store.append(event);
    } catch (err) {
      // A run that cannot record must not go on evaluating: stop everything in flight.
      this.halt?.abort(err);
      throw err;
    }
    return admitted;
  }

  /** Called by the generator context for each model call, as it happens. */
  recordUsage(usage: TokenUsage, index?: number): void {
    this.record({ type: 'llm-call', ...(index !== undefined ? { index } : {}), ...usage });
    if (index !== undefined) this.costByIndex.set(index, (this.costByIndex.get(index) ?? 0) + usage.costUsd);
  }

  private code(hash: string, owner: string): string {
    let code = this.codeCache.get(hash);
    if (code === undefined) {
      code = this.store.readSource(hash, owner);
      if (this.codeCache.size > 4096) this.codeCache.clear();
      this.codeCache.set(hash, code);
    }
    return code;
  }

  private candidateSource(entry: CandidateEntry): CandidateSource {
    return { id: entry.id, code: this.code(entry.sourceHash, `candidate ${entry.id}`), fileName: this.state.config.fileName, hash: entry.codeHash };
  }

  private emit(event: EngineEvent): void {
    this.options.onEvent?.(event);
  }

  progress(): RunProgress {
    const s = this.state;
    const champion = s.champion();
    const done = s.evaluated + s.proposalsFailed;
    const elapsedMs = Date.now() - this.startedAt;
    const rate = elapsedMs > 0 ? ((done - this.doneAtStart) * 1000) / elapsedMs : 0;
    const target = s.config.budget.maxCandidates !== undefined ? s.config.budget.maxCandidates + 1 : undefined;
    const etaByCount = target !== undefined && rate > 0 ? ((target - done) / rate) * 1000 : undefined;
    const etaByTime = s.config.budget.maxWallSeconds !== undefined ? s.config.budget.maxWallSeconds * 1000 - elapsedMs : undefined;
    const etas = [etaByCount, etaByTime].filter((x): x is number => x !== undefined);
    return {
      runId: s.runId,
      proposed: Math.max(0, s.nextIndex - 1),
      done: Math.max(0, done - 1),
      failed: s.failed,
      duplicates: s.duplicates,
      inFlight: this.inFlight,
      ...(target !== undefined ? { target: target - 1 } : {}),
      bestId: s.championId,
      bestScore: champion?.result?.score ?? null,
      initialScore: s.initial()?.result?.score ?? null,
      spendUsd: s.spendUsd,
      elapsedMs,
      rate,
      ...(etas.length ? { etaMs: Math.max(0, Math.min(...etas)) } : {}),
      ...(this.options.pool.workers ? { workers: this.options.pool.workers() } : {}),
    };
  }

  /**
   * Under a cost cap, whether one more generation may start now: the calls in flight are reserved
   * at the mean cost of a generation so far, so the spend ends at most about one call over the cap.
   * Before any generation has a known cost, only one runs at a time.
   */
  private costAllowsLaunch(): boolean {
    const cap = this.state.config.budget.maxCostUsd;
    if (cap === undefined || this.generating === 0) return true;
    if (this.finishedGenerations === 0) return false;
    const mean = this.finishedGenerationCost / this.finishedGenerations;
    return this.state.spendUsd + (this.generating + 1) * mean <= cap;
  }

  private nextGenerationEnd(): Promise<void> {
    return new Promise((resolve) => this.generationWaiters.push(resolve));
  }

  private generationEnded(index: number): void {
    this.generating--;
    this.finishedGenerations++;
    this.finishedGenerationCost += this.costByIndex.get(index) ?? 0;
    for (const wake of this.generationWaiters.splice(0)) wake();
  }

  private budgetReason(): StopReason | undefined {
    const b = this.state.config.budget;
    if (b.maxCandidates !== undefined && this.launchIndex > b.maxCandidates) return 'budget-candidates';
    if (b.maxWallSeconds !== undefined && Date.now() - this.startedAt >= b.maxWallSeconds * 1000) return 'budget-time';
    if (b.maxCostUsd !== undefined && this.state.spendUsd >= b.maxCostUsd) return 'budget-cost';
    if (b.stagnation !== undefined && this.state.sinceImprovement >= b.stagnation) return 'stagnation';
    return undefined;
  }

  async run(signal: AbortSignal): Promise<RunSummary> {
    const local = new AbortController();
    this.halt = local;
    const abort = (): void => local.abort(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    const timeLimit = this.state.config.budget.maxWallSeconds;
    const cancelTimer =
      timeLimit !== undefined
        ? setLongTimeout(() => {
            this.stopReason ??= 'budget-time';
            local.abort(new Cancelled('time budget reached'));
          }, timeLimit * 1000)
        : undefined;
    try {
      await this.evaluateInitial(local.signal);
      for (const entry of this.state.pending()) {
        if (local.signal.aborted) break;
        await this.finishCandidate(entry, local.signal);
      }
      await this.loop(local.signal);
    } catch (err) {
      if (!(err instanceof Cancelled) && !local.signal.aborted) {
        this.stopReason = 'error';
        this.recordFailure(err);
        throw err;
      }
    } finally {
      cancelTimer?.();
      signal.removeEventListener('abort', abort);
    }
    const storeFailure = this.store.writeFailure;
    if (storeFailure) {
      // Nothing more can be journaled (not even run-ended); what was recorded stays, and resume continues it.
      this.stopReason = 'error';
      throw storeFailure;
    }
    if (signal.aborted) this.stopReason = 'cancelled';
    const reason = this.stopReason ?? this.budgetReason() ?? 'budget-candidates';
    const holdout = reason !== 'cancelled' ? await this.evaluateHoldout(signal) : undefined;
    this.record({ type: 'run-ended', time: now(), reason, bestId: this.state.championId, ...(holdout ? { holdout } : {}) });
    this.emit({ kind: 'progress', progress: this.progress() });
    return this.summary(reason);
  }

  /** A run that cannot go on ends in the journal as failed, with its reason in one line. */
  private recordFailure(err: unknown): void {
    if (this.store.writeFailure) return;
    const message = (err instanceof Error ? err.message : String(err)).split('\n').find((l) => l.trim() !== '') ?? 'the run stopped with an error';
    try {
      this.record({ type: 'run-ended', time: now(), reason: 'error', bestId: this.state.championId, error: message.trim().slice(0, 1000) });
      this.emit({ kind: 'progress', progress: this.progress() });
    } catch {
      // The journal itself failed; the error being thrown says what stopped the run.
    }
  }

  summary(reason: StopReason): RunSummary {
    const s = this.state;
    return {
      runId: s.runId,
      reason,
      best: { id: s.championId, score: s.champion()?.result?.score ?? null, validation: s.validation.get(s.championId) ?? null },
      initial: { score: s.initial()?.result?.score ?? null, validation: s.validation.get('c0') ?? null },
      ...(s.holdout ? { holdout: s.holdout } : {}),
      candidates: Math.max(0, s.nextIndex - 1),
      failed: s.failed,
      duplicates: s.duplicates,
      spendUsd: s.spendUsd,
      elapsedMs: Date.now() - this.startedAt,
    };
  }

  private async evaluateInitial(signal: AbortSignal): Promise<void> {
    let initial = this.state.initial();
    if (!initial) {
      const code = this.store.readSource(this.state.initialSourceHash, 'the starting program (c0)');
      this.record({
        type: 'proposed',
        index: 0,
        id: 'c0',
        island: 0,
        parentIds: [],
        sourceHash: this.state.initialSourceHash,
        codeHash: codeHash(code, this.state.config.fileName),
        generator: 'initial',
        patchKind: 'none',
        time: now(),
      });
      initial = this.state.initial() as CandidateEntry;
    }
    if (!initial.result) {
      const result = await this.evaluateStages(initial, undefined, signal);
      this.record({ type: 'evaluated', id: 'c0', index: 0, result: result.summary, admitted: false, improvement: false, time: now() });
    }
    const r = initial.result;
    if (!r || !r.ok) throw new StartingProgramFailed(`the starting program failed its evaluation: ${r?.error ?? 'no result'}${r?.feedback ? `\n${r.feedback}` : ''}`);
    if (this.validationSet.length) await this.validationScore(initial, signal);
    this.emit({ kind: 'progress', progress: this.progress() });
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const limit = Math.max(1, this.state.config.evaluationConcurrency);
    const running = new Set<Promise<void>>();
    let failure: unknown;
    while (!signal.aborted && failure === undefined) {
      const reason = this.budgetReason();
      if (reason) {
        this.stopReason ??= reason;
        break;
      }
      if (running.size >= limit) {
        await Promise.race(running);
        continue;
      }
      if (!this.costAllowsLaunch()) {
        await Promise.race([...running, this.nextGenerationEnd()]);
        continue;
      }
      const index = this.launchIndex++;
      const task = this.runCandidate(index, signal)
        .catch((err: unknown) => {
          if (!(err instanceof Cancelled) && !signal.aborted) failure ??= err;
        })
        .finally(() => running.delete(task));
      running.add(task);
    }
    await Promise.all(running);
    if (failure !== undefined) throw failure;
  }

  private view(record: ProgramRecord): ProgramView {
    const code = this.code(record.sourceHash, `candidate ${record.id}`);
    let blocks: string[];
    try {
      blocks = blockTexts(code, parseBlocks(code));
    } catch {
      blocks = [code];
    }
    const stages = this.state.candidates.get(record.id)?.result?.stages;
    return { id: record.id, code, score: record.score, metrics: record.metrics, feedback: record.feedback, blocks, ...(stages?.length ? { stages } : {}) };
  }

  private async runCandidate(index: number, signal: AbortSignal): Promise<void> {
    const s = this.state;
    const config = s.config;
    const island = index % s.population.islandCount;
    const { parent, inspirations } = s.population.sample(island, rngFor(config.seed, 'sample', index));
    const patchMode = rngFor(config.seed, 'mode', index).next() < config.searchReplaceRatio ? 'search-replace' : 'full';
    const parentIds = [parent.id, ...inspirations.map((p) => p.id)];
    this.inFlight++;
    this.generating++;
    let generationOpen = true;
    const endGeneration = (): void => {
      if (!generationOpen) return;
      generationOpen = false;
      this.generationEnded(index);
    };
    try {
      let generated: GenerationResult;
      const parentView = this.view(parent);
      await this.genSemaphore.acquire();
      try {
        if (signal.aborted) throw new Cancelled();
        generated = await this.options.generator.generate(
          {
            runId: s.runId,
            index,
            seed: rngFor(config.seed, 'generate', index).int(2 ** 31),
            fileName: config.fileName,
            language: languageOf(config.fileName),
            domain: s.domain,
            parent: parentView,
            inspirations: inspirations.map((p) => this.view(p)),
            recentFailures: this.recentFailures(),
            history: this.history(),
            humanNotes: [...s.notes],
            patchMode,
          },
          signal,
        );
      } catch (err) {
        if (signal.aborted) throw new Cancelled();
        // A missing key or an exhausted account fails every later candidate the same way: stop.
        if (err instanceof UserError || (err as { fatal?: unknown }).fatal === true) throw err;
        this.failProposal(index, island, parentIds, 'generate', err, errorDetails(err));
        return;
      } finally {
        this.genSemaphore.release();
        endGeneration();
      }
      let code: string;
      try {
        // A reply that echoes a key must not carry it into the candidate: what is evaluated is what is stored.
        code = scrubSecrets(applyPatch(parentView.code, generated.patch));
      } catch (err) {
        this.failProposal(index, island, parentIds, 'patch', err, generated);
        return;
      }
      const sourceHash = this.store.putSource(code);
      const exchanges = this.storeExchanges(generated.exchanges);
      const id = `c${index}`;
      this.codeCache.set(sourceHash, code);
      this.record({
        type: 'proposed',
        index,
        id,
        island,
        parentIds,
        sourceHash,
        codeHash: codeHash(code, config.fileName),
        generator: generated.source ?? this.options.generator.id,
        patchKind: generated.patch.kind,
        patchMode,
        ...(generated.explanation ? { explanation: generated.explanation } : {}),
        ...(exchanges?.length ? { exchanges } : {}),
        time: now(),
      });
      await this.finishCandidate(s.candidates.get(id) as CandidateEntry, signal);
    } finally {
      endGeneration();
      this.inFlight--;
    }
  }

  private storeExchanges(exchanges: GenerationResult['exchanges']): { model: string; promptHash: string; responseHash: string }[] | undefined {
    if (!exchanges?.length) return undefined;
    return exchanges.map((x) => ({ model: x.model, promptHash: this.store.putSource(x.prompt), responseHash: this.store.putSource(x.response) }));
  }

  /** Journals what the generator has learnt when it changed, so `resume` restores it. */
  private journalGeneratorState(): void {
    const state = this.options.generator.snapshotState?.();
    if (state === undefined) return;
    const text = JSON.stringify(state);
    if (text === this.journaledGeneratorState) return;
    this.journaledGeneratorState = text;
    this.record({ type: 'generator-state', state });
  }

  private failProposal(index: number, island: number, parentIds: string[], stage: 'generate' | 'patch', err: unknown, details: Pick<GenerationResult, 'source' | 'exchanges'>): void {
    const error = err instanceof Error ? err.message : String(err);
    const exchanges = this.storeExchanges(details.exchanges);
    this.record({
      type: 'proposal-failed',
      index,
      island,
      parentIds,
      stage,
      error,
      ...(details.source ? { generator: details.source } : {}),
      ...(exchanges ? { exchanges } : {}),
      time: now(),
    });
    // A generator counts its own failed calls; a reply that did not apply is the engine's to report.
    if (stage === 'patch') this.options.generator.observe?.(details.source, { improved: false, costUsd: this.costByIndex.get(index) ?? 0, scoreDelta: 0, index });
    this.journalGeneratorState();
    this.emit({ kind: 'candidate', outcome: { runId: this.state.runId, id: `c${index}`, index, parentIds, ok: false, score: null, improvement: false, admitted: false, error: `${stage}: ${error}` } });
    this.emit({ kind: 'progress', progress: this.progress() });
    this.consecutiveFailures++;
    const limit = this.state.config.budget.maxConsecutiveFailures ?? DEFAULT_MAX_CONSECUTIVE_FAILURES;
    if (limit > 0 && this.consecutiveFailures >= limit) throw new GenerationFailing(this.consecutiveFailures, `${stage}: ${error}`);
  }

  /** The latest failures of any stage; a failed candidate comes with its own parent's code, for an honest diff. */
  private recentFailures(): FailureRecord[] {
    const out: FailureRecord[] = [];
    const codeOf = (id: string | undefined): string | undefined => {
      const e = id ? this.state.candidates.get(id) : undefined;
      return e ? this.code(e.sourceHash, `candidate ${e.id}`) : undefined;
    };
    for (let i = this.state.failures.length - 1; i >= 0 && out.length < RECENT_FAILURES; i--) {
      const f = this.state.failures[i];
      if (!f) continue;
      if (!f.id) {
        out.push({ error: f.error, ...(f.stage ? { stage: f.stage } : {}) });
        continue;
      }
      const entry = this.state.candidates.get(f.id);
      if (!entry) continue;
      const parentCode = codeOf(entry.parentIds[0]);
      out.push({ error: f.error, stage: 'evaluate', code: codeOf(entry.id) as string, ...(parentCode !== undefined ? { parentCode } : {}) });
    }
    return out;
  }

  /** The run's latest attempts with their outcome, newest first: what worked, what did not, and why. */
  private history(): AttemptRecord[] {
    const s = this.state;
    const attempts: (AttemptRecord & { index: number })[] = [];
    for (const c of s.candidates.values()) {
      if (c.index === 0 || !c.result) continue;
      const parent = c.parentIds[0] ? s.candidates.get(c.parentIds[0]) : undefined;
      const score = c.result.ok ? c.result.score : null;
      const parentScore = parent?.result?.score ?? null;
      const delta = score !== null && parentScore !== null ? score - parentScore : undefined;
      let outcome: AttemptRecord['outcome'];
      let detail = c.explanation;
      if (c.duplicateOf) {
        outcome = 'duplicate';
        detail = `the same as ${c.duplicateOf}`;
      } else if (!c.result.ok) {
        outcome = 'failed';
        detail = `evaluation: ${c.result.error ?? 'failed'}`;
      } else if (c.improvement) outcome = 'improved';
      else if (c.cascadeStopped || (delta !== undefined && delta < 0)) outcome = 'regressed';
      else outcome = 'unchanged';
      attempts.push({ index: c.index, id: c.id, ...(c.parentIds[0] ? { parentId: c.parentIds[0] } : {}), generator: c.generator, outcome, ...(delta !== undefined ? { scoreDelta: delta } : {}), ...(detail ? { detail } : {}) });
    }
    for (const f of s.failures) {
      if (f.id) continue;
      attempts.push({ index: f.index, id: `c${f.index}`, ...(f.parentId ? { parentId: f.parentId } : {}), ...(f.generator ? { generator: f.generator } : {}), outcome: 'failed', detail: `${f.stage ?? 'generate'}: ${f.error}` });
    }
    return attempts
      .sort((a, b) => b.index - a.index)
      .slice(0, HISTORY_LENGTH)
      .map(({ index: _index, ...a }) => a);
  }

  /** Evaluates a proposed candidate (dedup, cascade, validation) and records the outcome. */
  private async finishCandidate(entry: CandidateEntry, signal: AbortSignal): Promise<void> {
    const s = this.state;
    this.consecutiveFailures = 0;
    const parent = entry.parentIds[0] ? s.candidates.get(entry.parentIds[0]) : undefined;
    let summary: EvalSummary;
    let cascadeStopped = false;
    let duplicateOf: string | undefined;
    let duplicateKind: 'code' | 'behaviour' | undefined;
    const cachedId = s.evaluatedCode.get(entry.codeHash);
    const inflight = this.inflightCode.get(entry.codeHash);
    if (cachedId && cachedId !== entry.id) {
      summary = (s.candidates.get(cachedId) as CandidateEntry).result as EvalSummary;
      duplicateOf = cachedId;
      duplicateKind = 'code';
    } else if (inflight && inflight.id !== entry.id) {
      summary = await inflight.summary;
      duplicateOf = inflight.id;
      duplicateKind = 'code';
    } else {
      const work = this.evaluateStages(entry, entry.island, signal);
      const summaryPromise = work.then((r) => r.summary);
      this.inflightCode.set(entry.codeHash, { id: entry.id, summary: summaryPromise });
      summaryPromise.catch(() => undefined);
      try {
        const r = await work;
        summary = r.summary;
        cascadeStopped = r.cascadeStopped;
      } finally {
        this.inflightCode.delete(entry.codeHash);
      }
      if (summary.ok && summary.fingerprint) {
        const holder = s.population.holderOfFingerprint(summary.fingerprint);
        if (holder) {
          duplicateOf = holder.id;
          duplicateKind = 'behaviour';
        }
      }
    }
    let improvement = false;
    const parentScore = parent?.result?.score ?? null;
    if (!duplicateOf && !cascadeStopped && summary.ok && summary.score !== null && parentScore !== null && summary.score > parentScore) {
      improvement = true;
      if (this.validationSet.length && parent) {
        const mine = await this.validationScore(entry, signal);
        const theirs = await this.validationScore(parent, signal);
        improvement = mine !== null && (theirs === null || mine > theirs);
      }
    }
    const previousBest = s.champion()?.result?.score ?? null;
    const admitted = this.record({
      type: 'evaluated',
      id: entry.id,
      index: entry.index,
      result: summary,
      ...(cascadeStopped ? { cascadeStopped } : {}),
      ...(duplicateOf ? { duplicateOf, duplicateKind } : {}),
      admitted: false,
      improvement,
      time: now(),
    });
    const scoreDelta = summary.score !== null && parentScore !== null ? summary.score - parentScore : 0;
    this.options.generator.observe?.(this.state.candidates.get(entry.id)?.generator, { improved: improvement, costUsd: this.costByIndex.get(entry.index) ?? 0, scoreDelta, index: entry.index });
    this.journalGeneratorState();
    const outcome: CandidateOutcome = {
      runId: s.runId,
      id: entry.id,
      index: entry.index,
      parentIds: entry.parentIds,
      ok: summary.ok,
      score: summary.score,
      improvement,
      admitted,
      ...(duplicateOf ? { duplicateOf } : {}),
      ...(summary.error ? { error: summary.error } : {}),
      ...(entry.explanation ? { explanation: entry.explanation } : {}),
    };
    this.emit({ kind: 'candidate', outcome });
    if (s.championId === entry.id && summary.score !== null) this.emit({ kind: 'new-best', id: entry.id, score: summary.score, previous: previousBest });
    this.emit({ kind: 'progress', progress: this.progress() });
  }

  private async evaluate(entry: CandidateEntry, workloads: Workload[], signal: AbortSignal): Promise<EvalResult> {
    if (signal.aborted) throw new Cancelled();
    const config = this.state.config;
    let result: EvalResult;
    try {
      result = await this.options.pool.evaluate(
        { runId: this.state.runId, candidate: this.candidateSource(entry), workloads, evaluator: config.evaluator },
        signal,
      );
    } catch (err) {
      if (signal.aborted) throw new Cancelled();
      result = { ok: false, score: Number.NaN, metrics: {}, features: {}, perWorkload: [], feedback: '', error: `evaluator failed: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (signal.aborted) throw new Cancelled();
    return scoreOn(result, workloads, config.aggregation);
  }

  /** Cheap subset first (when the cascade is on), then the rest of the search set for promising candidates. */
  private async evaluateStages(entry: CandidateEntry, island: number | undefined, signal: AbortSignal): Promise<{ summary: EvalSummary; cascadeStopped: boolean }> {
    const withFeatures = (r: EvalResult): EvalSummary => {
      const code = this.code(entry.sourceHash, `candidate ${entry.id}`);
      let length = code.length;
      try {
        length = blockTexts(code, parseBlocks(code)).reduce((n, b) => n + b.length, 0);
      } catch {
        // keep the whole-file length
      }
      return summarize({ ...r, features: { codeLength: length, ...r.features } });
    };
    const best = island !== undefined ? this.state.population.islandBest(island) : undefined;
    if (!this.cheap.length || !best) return { summary: withFeatures(await this.evaluate(entry, this.search, signal)), cascadeStopped: false };
    const cheapResult = await this.evaluate(entry, this.cheap, signal);
    if (!cheapResult.ok) return { summary: withFeatures(cheapResult), cascadeStopped: false };
    const cheapIds = new Set(this.cheap.map((w) => w.id));
    const bestCheap = best.perWorkload.filter((r) => cheapIds.has(r.workloadId));
    const bestCheapScore = bestCheap.length ? aggregateScores(bestCheap, this.state.config.aggregation, this.cheap) : Number.NaN;
    const margin = this.state.config.cascade.margin;
    if (Number.isFinite(bestCheapScore) && cheapResult.score < bestCheapScore - margin * Math.max(Math.abs(bestCheapScore), 1e-9)) {
      return {
        summary: withFeatures({ ...cheapResult, feedback: `${cheapResult.feedback}\nStopped after the cheap subset: ${cheapResult.score.toPrecision(6)} is not within ${margin * 100}% of the island's best ${bestCheapScore.toPrecision(6)}.`.trim() }),
        cascadeStopped: true,
      };
    }
    const rest = this.search.filter((w) => !cheapIds.has(w.id));
    const restResult = await this.evaluate(entry, rest, signal);
    const perWorkload: WorkloadResult[] = [...cheapResult.perWorkload, ...restResult.perWorkload];
    // Each stage keeps its own metrics and feedback under its label: merged, the second would pass for the whole search set.
    const stages: StageResult[] = [
      { label: 'cheap subset', workloads: this.cheap.map((w) => w.id), score: Number.isFinite(cheapResult.score) ? cheapResult.score : null, metrics: cheapResult.metrics, feedback: cheapResult.feedback },
      { label: 'rest of the search set', workloads: rest.map((w) => w.id), score: restResult.ok && Number.isFinite(restResult.score) ? restResult.score : null, metrics: restResult.metrics, feedback: restResult.feedback },
    ];
    const merged: EvalResult = {
      ...restResult,
      metrics: { ...cheapResult.metrics, ...restResult.metrics },
      perWorkload,
      score: restResult.ok ? aggregateScores(perWorkload, this.state.config.aggregation, this.search) : Number.NaN,
      feedback: stageFeedback(stages),
      checks: [...(cheapResult.checks ?? []), ...(restResult.checks ?? [])],
      diagnostics: [...(cheapResult.diagnostics ?? []), ...(restResult.diagnostics ?? [])],
    };
    // The reasons shown are those on the first workload the candidate played.
    if (cheapResult.decisions) merged.decisions = cheapResult.decisions;
    return { summary: { ...withFeatures(merged), stages }, cascadeStopped: false };
  }

  private async validationScore(entry: CandidateEntry, signal: AbortSignal): Promise<number | null> {
    const known = this.state.validation.get(entry.id);
    if (known !== undefined) return known;
    const result = await this.evaluate(entry, this.validationSet, signal);
    const score = result.ok ? result.score : null;
    this.record({ type: 'validated', id: entry.id, score, perWorkload: result.perWorkload });
    return score;
  }

  private async evaluateHoldout(signal: AbortSignal): Promise<{ best: number | null; initial: number | null } | undefined> {
    if (!this.holdoutSet.length || signal.aborted) return undefined;
    const score = async (entry: CandidateEntry | undefined): Promise<number | null> => {
      if (!entry) return null;
      try {
        const r = await this.evaluate(entry, this.holdoutSet, signal);
        return r.ok ? r.score : null;
      } catch {
        return null;
      }
    };
    const initial = await score(this.state.initial());
    const champion = this.state.champion();
    const best = champion?.id === 'c0' ? initial : await score(champion);
    return { best, initial };
  }
}
