// Run control inside the language server: starts, stops and resumes engine runs, and answers
// questions about past runs by replaying their journals (cached by journal size, so listing runs
// stays cheap while nothing changes).
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary } from '../core/engine';
import type { JournalEvent, RunConfig } from '../core/journal-events';
import { listRunDirs, RunStore } from '../core/journal';
import { ActiveRun, loadRun, newRunId, resumeRun, startRun } from '../core/run-session';
import type { RunState } from '../core/run-state';
import type { EvalSummary } from '../core/journal-events';
import type { EngineEvent } from '../messages/progress';
import type { CandidateSource, RunFailure, RunListEntry, RunSnapshot, RunStatus } from '../messages/lsp';
import { compose, Composed } from '../app/compose';
import { secretLookup, withStoredKeys } from './secrets';
import { domains } from '../app/domains';
import { latestSelfPlay } from './selfplay-reports';
import { runListEntry, runSnapshot, statusOf } from './snapshot';
import { failureOfError, failureOfState } from './run-failure';

export const runsDirOf = (workspaceRoot: string): string => join(workspaceRoot, '.policy-evolver', 'runs');

interface LiveRun {
  active: ActiveRun;
  controller: AbortController;
  composed: Composed;
  startedAt: string;
  keyMetric?: string;
}

interface Loaded {
  key: string;
  state: RunState;
  startedAt: string;
}

export interface RunListener {
  event(runId: string, event: EngineEvent): void;
  status(runId: string, status: RunStatus, file: string, detail?: { reason?: string; message?: string; failure?: RunFailure }): void;
  log(message: string): void;
}

export interface ScoreHit {
  runId: string;
  candidateId: string;
  result: EvalSummary;
  keyMetric?: string;
  relativeTo?: string;
  baseline?: EvalSummary;
}

export class RunManager {
  private readonly live = new Map<string, LiveRun>();
  private readonly loaded = new Map<string, Loaded>();
  private readonly dirs = new Map<string, string>();
  /** Failures of runs this server ran, classified from the error itself. */
  private readonly failures = new Map<string, RunFailure>();

  constructor(
    private readonly roots: () => string[],
    private readonly listener: RunListener,
  ) {}

  isLive(runId: string): boolean {
    return this.live.has(runId);
  }

  liveRuns(): string[] {
    return [...this.live.keys()];
  }

  private allDirs(): string[] {
    const dirs = this.roots().flatMap((root) => listRunDirs(runsDirOf(root)));
    for (const dir of dirs) this.dirs.set(dir.split(/[\\/]/).pop() as string, dir);
    return dirs;
  }

  dirOf(runId: string): string {
    if (!/^[A-Za-z0-9_.-]+$/.test(runId)) throw new Error(`invalid run id '${runId}'`);
    const known = this.dirs.get(runId);
    if (known) return known;
    this.allDirs();
    const dir = this.dirs.get(runId);
    if (!dir) throw new Error(`no run '${runId}' in this workspace`);
    return dir;
  }

  private load(dir: string): Loaded {
    const journal = join(dir, 'journal.jsonl');
    const st = statSync(journal);
    const key = `${st.size}:${st.mtimeMs}`;
    const cached = this.loaded.get(dir);
    if (cached && cached.key === key) return cached;
    const { state, store } = loadRun(dir);
    store.close();
    const first = store.read().events[0];
    const loaded = { key, state, startedAt: first && first.type === 'run-started' ? first.time : new Date(st.birthtimeMs).toISOString() };
    this.loaded.set(dir, loaded);
    return loaded;
  }

  private stateOf(runId: string): { state: RunState; startedAt: string; live?: LiveRun; dir: string } {
    const live = this.live.get(runId);
    if (live) return { state: live.active.state, startedAt: live.startedAt, live, dir: live.active.store.dir };
    const dir = this.dirOf(runId);
    const loaded = this.load(dir);
    return { state: loaded.state, startedAt: loaded.startedAt, dir };
  }

  snapshot(runId: string): RunSnapshot {
    const { state, startedAt, live, dir } = this.stateOf(runId);
    const workers = live?.composed.handles.pool.workers?.();
    // Domains whose policies self-play can harden say so in their descriptor.
    const leaderboard = domains.get(state.config.evaluator.id)?.editor.selfPlay ? latestSelfPlay(state.config.file)?.leaderboard : undefined;
    const known = live ? undefined : this.failures.get(runId);
    return runSnapshot(state, {
      dir,
      status: statusOf(state, live !== undefined, known),
      ...(known ? { failure: known } : {}),
      startedAt,
      ...(live?.keyMetric ? { keyMetric: live.keyMetric } : {}),
      ...(workers ? { workers } : {}),
      ...(leaderboard ? { leaderboard } : {}),
    });
  }

  list(file?: string): RunListEntry[] {
    const out: RunListEntry[] = [];
    for (const dir of this.allDirs()) {
      const runId = dir.split(/[\\/]/).pop() as string;
      try {
        const { state } = this.stateOf(runId);
        if (file && state.config.file !== file) continue;
        out.push(runListEntry(this.snapshot(runId)));
      } catch (err) {
        this.listener.log(`skipping run ${dir}: ${(err as Error).message}`);
      }
    }
    return out;
  }

  /** The evaluation of a file's exact content, when some run already scored it. */
  scoreOf(file: string, sourceHash: string): ScoreHit | undefined {
    for (const dir of this.allDirs()) {
      const runId = dir.split(/[\\/]/).pop() as string;
      let state: RunState;
      try {
        state = this.stateOf(runId).state;
      } catch {
        continue;
      }
      if (state.config.file !== file) continue;
      const baseline = state.initial()?.result;
      for (const entry of state.candidates.values()) {
        if (entry.sourceHash === sourceHash && entry.result && !entry.duplicateOf) {
          return { runId, candidateId: entry.id, result: entry.result, ...(state.relativeTo ? { relativeTo: state.relativeTo } : {}), ...(baseline ? { baseline } : {}) };
        }
      }
    }
    return undefined;
  }

  /** The starting program's result of the newest run of a file: the baseline CodeLens compares against. */
  baselineOf(file: string): EvalSummary | undefined {
    for (const dir of this.allDirs()) {
      try {
        const { state } = this.stateOf(dir.split(/[\\/]/).pop() as string);
        if (state.config.file === file && state.initial()?.result?.ok) return state.initial()?.result;
      } catch {
        continue;
      }
    }
    return undefined;
  }

  candidateSource(runId: string, candidateId: string): CandidateSource {
    const { state, dir } = this.stateOf(runId);
    const entry = state.candidates.get(candidateId);
    if (!entry) throw new Error(`run ${runId} has no candidate ${candidateId}`);
    const store = RunStore.open(dir);
    const decisions = entry.result?.decisions;
    return {
      runId,
      candidateId,
      fileName: state.config.fileName,
      code: store.readSource(entry.sourceHash, `candidate ${entry.id}`),
      base: store.readSource(state.initialSourceHash, 'the starting program (c0)'),
      ...(decisions?.notes.length ? { decisions } : {}),
    };
  }

  /** Records accept/reject; a live run takes it into its state at once, so reject notes steer its next prompts. */
  decide(runId: string, candidateId: string, decision: 'accepted' | 'rejected', note?: string): void {
    const { state, live, dir } = this.stateOf(runId);
    if (!state.candidates.has(candidateId)) throw new Error(`run ${runId} has no candidate ${candidateId}`);
    const trimmed = note?.trim();
    const event: JournalEvent = { type: 'decision', id: candidateId, decision, ...(trimmed ? { note: trimmed } : {}), time: new Date().toISOString() };
    if (live) {
      live.active.state.apply(event);
      live.active.store.append(event);
      return;
    }
    const store = RunStore.open(dir, true);
    try {
      store.append(event);
    } finally {
      store.close();
    }
  }

  async start(root: string, code: string, requested: RunConfig): Promise<{ runId: string; dir: string }> {
    const config = withStoredKeys(requested);
    const runId = newRunId(config.file);
    const controller = new AbortController();
    const composed = await compose(config, { onEvent: (e) => this.listener.event(runId, e), log: (m) => this.listener.log(m), secret: secretLookup });
    let active: ActiveRun;
    try {
      active = await startRun({ runsDir: runsDirOf(root), code, config, runId }, composed.handles, controller.signal);
    } catch (err) {
      await composed.close();
      throw err;
    }
    this.track(runId, active, controller, composed, config.file);
    return { runId, dir: active.store.dir };
  }

  async resume(runId: string, budget?: RunConfig['budget']): Promise<{ runId: string; dir: string }> {
    if (this.live.has(runId)) throw new Error(`run ${runId} is already running`);
    const dir = this.dirOf(runId);
    const { state } = this.load(dir);
    const controller = new AbortController();
    // A key stored after the run started is used when it resumes.
    const composed = await compose(withStoredKeys(state.config), { onEvent: (e) => this.listener.event(runId, e), log: (m) => this.listener.log(m), secret: secretLookup });
    let active: ActiveRun & { skipped: number };
    try {
      active = await resumeRun(dir, budget, composed.handles, controller.signal);
    } catch (err) {
      await composed.close();
      throw err;
    }
    if (active.skipped) this.listener.log(`run ${runId}: skipped ${active.skipped} damaged journal line(s) left by a crash`);
    this.track(runId, active, controller, composed, state.config.file);
    return { runId, dir };
  }

  private track(runId: string, active: ActiveRun, controller: AbortController, composed: Composed, file: string): void {
    const keyMetric = composed.evaluator.info.keyMetric;
    this.live.set(runId, { active, controller, composed, startedAt: new Date().toISOString(), ...(keyMetric ? { keyMetric } : {}) });
    this.dirs.set(runId, active.store.dir);
    this.listener.status(runId, 'running', file);
    const settle = (): void => {
      this.live.delete(runId);
      this.loaded.delete(active.store.dir);
    };
    this.failures.delete(runId);
    active.done
      .then(
        (summary: RunSummary) => {
          settle();
          if (summary.reason === 'cancelled') return this.listener.status(runId, 'cancelled', file, { reason: summary.reason });
          // A run that ended without one proposal reaching evaluation did nothing: it failed.
          const failure = failureOfState(active.state);
          if (failure) return this.fail(runId, file, failure);
          this.listener.status(runId, 'ended', file, { reason: summary.reason });
        },
        (err: unknown) => {
          settle();
          this.fail(runId, file, failureOfError(err), active.store.dir);
        },
      )
      .finally(async () => {
        await composed.close().catch((err: unknown) => this.listener.log(`closing run ${runId}: ${(err as Error).message}`));
      });
  }

  private fail(runId: string, file: string, failure: RunFailure, dir?: string): void {
    this.failures.set(runId, failure);
    if (dir) this.recordFailure(runId, dir, failure);
    this.listener.log(`run ${runId} failed: ${failure.message}`);
    this.listener.status(runId, 'failed', file, { reason: 'error', message: failure.message, failure });
  }

  /** Ends the journal of a run whose engine threw, so it reads as failed (with why) after a restart too. */
  private recordFailure(runId: string, dir: string, failure: RunFailure): void {
    try {
      const { state } = this.load(dir);
      if (state.ended !== undefined) return;
      const store = RunStore.open(dir, true);
      try {
        store.append({ type: 'run-ended', time: new Date().toISOString(), reason: 'error', bestId: state.championId || 'c0', error: failure.message });
      } finally {
        store.close();
      }
      this.loaded.delete(dir);
    } catch (err) {
      this.listener.log(`run ${runId}: could not record its failure in the journal: ${(err as Error).message}`);
    }
  }

  /** Removes a run's folder (journal, sources); a live run must be stopped first. */
  delete(runId: string): boolean {
    if (this.live.has(runId)) throw new Error(`run ${runId} is still running: stop it first`);
    const dir = this.dirOf(runId);
    rmSync(dir, { recursive: true, force: true });
    this.dirs.delete(runId);
    this.loaded.delete(dir);
    this.failures.delete(runId);
    return true;
  }

  stop(runId: string): boolean {
    const live = this.live.get(runId);
    if (!live) return false;
    live.controller.abort(new Error('stopped by the user'));
    return true;
  }

  async stopAll(): Promise<void> {
    const pending = [...this.live.values()].map((l) => {
      l.controller.abort(new Error('server shutting down'));
      return l.active.done.catch(() => undefined);
    });
    await Promise.all(pending);
  }
}
