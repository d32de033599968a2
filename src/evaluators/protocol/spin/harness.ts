// One Spin check of a rule table in one setting: build (or reuse) the model, run pan within time
// and memory limits, classify the outcome, and for a violation replay the shortest trail into a
// message-sequence chart. Only a complete search without errors is VERIFIED.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildChart } from '../chart';
import type { ResolvedSetting } from '../model/settings';
import type { RuleTable } from '../model/table';
import type { CheckLimits, EngineKind, SettingCheck } from '../verdict';
import { PRODUCT_VERSION, verdictKey } from '../verdict-key';
import { BuildError, ModelBuilder, type BuildFlags, type BuiltModel } from './build';
import { encodeTable, generateModel } from './model';
import { parsePanOutput, type PanReport } from './pan-output';
import { runLimited, wallClockTimer, type LimitTimer, type RunOutcome } from './process';

export interface CheckOptions {
  engine: EngineKind;
  limits: CheckLimits;
  /** Keep counts so receipts-before-delivery are exact (about twice the states). */
  exactReceipts?: boolean;
  /**
   * How receipts are modelled: `lazy` takes messages only when they reach a threshold; `eager`
   * takes them one at a time, for exact receipt counts and as the reference the lazy encoding is
   * tested against. Unset: lazy where it gives eager's verdicts (lazyReceiptsSound), else eager.
   */
  receipts?: 'eager' | 'lazy';
  /** Replay a violation into a chart. */
  chart?: boolean;
  /** Re-run a violated setting breadth-first for the shortest counterexample. */
  shortest?: boolean;
  signal?: AbortSignal;
}

/**
 * Rough state-space scale per setting, for the hash table size (-w). Lazy receipts keep fault
 * settings to thousands of states, where a 512 MB table (-w26) would cost more to allocate than
 * the search; a larger search still completes with a smaller table, only with longer chains.
 */
function hashBits(s: ResolvedSetting, memoryMb: number, lazy: boolean): number {
  const eager = s.kind === 'none' ? 18 : s.n <= 3 ? 18 : s.n === 4 ? (s.kind === 'byz-sender' ? 22 : 20) : s.n === 5 ? 24 : 26;
  const want = lazy && s.kind !== 'none' ? (s.n <= 5 ? 18 : 20) : eager;
  // The table takes 8 bytes a slot; leave most of the memory to the states themselves.
  const cap = Math.floor(Math.log2((Math.max(32, memoryMb) * 1024 * 1024) / 4 / 8));
  return Math.max(16, Math.min(want, cap));
}

/**
 * Searches worth an optimised pan (gcc -O2 costs about a second more than -O0): the eager encoding,
 * which takes messages one at a time, past N = 4. Lazy receipts keep fault settings to thousands of
 * states, where compiling dominates; the interpreter is compiled once per setting and always -O2.
 */
function bigSearch(s: ResolvedSetting, lazy: boolean): boolean {
  return !lazy && s.n >= 5;
}

/** Whether a check takes messages lazily: as asked, else wherever that gives eager's verdicts. */
function lazyReceipts(opts: Pick<CheckOptions, 'exactReceipts' | 'receipts'>, table: RuleTable, setting: ResolvedSetting): boolean {
  if (opts.receipts) return opts.receipts === 'lazy';
  return !opts.exactReceipts && lazyReceiptsSound(table, setting);
}

/**
 * Lazy receipts postpone messages that take a process to no threshold. A process counts its own
 * message in the step that sends it, and that can complete a postponed count (own message plus
 * messages still in transit) within the step; when the step is the process's last (a stop rule,
 * or a crash) the eager run acts on that count and the lazy run never can, so verdicts may differ
 * (a Byzantine-sender table with a stop rule was VERIFIED lazily and VIOLATED eagerly). Such
 * tables are checked with eager receipts: a sent type that a rule reads with a threshold of 2 or
 * more, in a table with a stop rule or a setting with crashes.
 */
export function lazyReceiptsSound(table: RuleTable, setting: ResolvedSetting): boolean {
  const lastSteps = setting.crashes > 0 || table.rules.some((r) => r.stop);
  if (!lastSteps) return true;
  const sent = new Set(table.rules.flatMap((r) => r.sends));
  return !table.rules.some((r) => r.type >= 0 && r.k >= 2 && sent.has(r.type));
}

/** What one check hands to the toolchain; the verdict is a function of exactly this. */
export interface CheckPlan {
  model: string;
  flags: BuildFlags;
  bfsFlags: BuildFlags;
  panArgs: string[];
  /** PE_* variables the model reads. */
  env: Record<string, string>;
}

export class SpinHarness {
  /** `searchTimer` runs the time limit of the searches (`limits.timeMs`); tests inject one. */
  constructor(
    readonly builder: ModelBuilder = new ModelBuilder(),
    readonly searchTimer: LimitTimer = wallClockTimer,
  ) {}

  modelText(table: RuleTable, setting: ResolvedSetting, engine: EngineKind, exactReceipts: boolean, lazy: boolean): string {
    return generateModel({ setting, flavour: engine, typeCount: table.types.length, ...(engine === 'compiled' ? { table } : {}), symmetry: true, exactReceipts, lazyReceipts: lazy });
  }

  plan(table: RuleTable, setting: ResolvedSetting, opts: Pick<CheckOptions, 'engine' | 'limits' | 'exactReceipts' | 'receipts'>): CheckPlan {
    const lazy = lazyReceipts(opts, table, setting);
    const model = this.modelText(table, setting, opts.engine, !!opts.exactReceipts, lazy);
    const env: Record<string, string> = {};
    if (opts.engine === 'interpreter') env.PE_TABLE = encodeTable(table);
    if (opts.limits.maxStates && opts.limits.maxStates > 0) env.PE_MAX_STATES = String(Math.floor(opts.limits.maxStates));
    const optimize = opts.engine === 'interpreter' || bigSearch(setting, lazy) ? 'O2' : 'O0';
    return {
      model,
      flags: { optimize },
      bfsFlags: { optimize, bfs: true },
      panArgs: ['-m100000', `-w${hashBits(setting, opts.limits.memoryMb, lazy)}`],
      env,
    };
  }

  /** The verdict cache key of a check: a hash of every input of the verdict. */
  verdictKey(table: RuleTable, setting: ResolvedSetting, opts: Pick<CheckOptions, 'engine' | 'limits' | 'exactReceipts' | 'receipts'>): string {
    const plan = this.plan(table, setting, opts);
    return verdictKey({
      product: PRODUCT_VERSION,
      toolchain: this.builder.toolchainId,
      engine: opts.engine,
      setting,
      model: plan.model,
      table: encodeTable(table),
      ccFlags: ModelBuilder.ccFlags(plan.flags),
      bfsFlags: ModelBuilder.ccFlags(plan.bfsFlags),
      panArgs: plan.panArgs,
      env: plan.env,
      limits: opts.limits,
      exactReceipts: !!opts.exactReceipts,
    });
  }

  async check(table: RuleTable, setting: ResolvedSetting, opts: CheckOptions): Promise<SettingCheck> {
    const started = Date.now();
    const base = { setting: setting.id, engine: opts.engine } as const;
    const finish = (c: Omit<SettingCheck, 'wallMs' | 'setting' | 'engine'>): SettingCheck => ({ ...base, ...c, wallMs: Date.now() - started });
    if (table.types.length === 0) {
      // Nothing is ever sent: no model needed to see that the sender's value never arrives.
      return finish({ verdict: 'VIOLATED', property: 'RB-Validity', detail: 'the table sends no message, so no process other than the sender can ever deliver' });
    }
    const plan = this.plan(table, setting, opts);
    const model = plan.model;
    let built: BuiltModel;
    try {
      // The interpreter is shared by every table of a setting; a compiled model serves one table.
      built = opts.engine === 'interpreter' ? await this.builder.build(model, plan.flags, opts.signal) : await this.builder.buildTemporary(model, plan.flags, opts.signal);
    } catch (err) {
      if (opts.signal?.aborted) return finish({ verdict: 'UNKNOWN', reason: 'cancelled' });
      const e = err as BuildError;
      return finish({ verdict: 'INVALID', reason: `${e.message}${e.detail ? `: ${e.detail.split('\n').slice(0, 6).join(' | ')}` : ''}` });
    }
    const env = { ...process.env, ...plan.env };
    const dir = this.builder.runDir();
    try {
      const run = await runLimited(built.pan, plan.panArgs, { cwd: dir, env, limits: opts.limits, timer: this.searchTimer, ...(opts.signal ? { signal: opts.signal } : {}) });
      const report = parsePanOutput(run.stdout);
      const outcome = classify(run, report, opts.limits);
      if (outcome.verdict !== 'VIOLATED') return finish(outcome);
      let chartSource: { dir: string; pan: string; dispose?: () => void } = { dir, pan: built.pan };
      if (opts.chart && opts.shortest) {
        const bfs = await this.shortestTrail(plan, env, opts);
        if (bfs) {
          chartSource = bfs;
          // The shortest trail may break another property first; report the one the chart shows.
          outcome.property = bfs.violation.property;
          outcome.detail = bfs.violation.detail;
        }
      }
      if (opts.chart) {
        const replay = await runLimited(chartSource.pan, ['-r'], { cwd: chartSource.dir, env: { ...env, PE_TRACE: '1' }, limits: { timeMs: 30_000, memoryMb: opts.limits.memoryMb }, ...(opts.signal ? { signal: opts.signal } : {}) });
        if (chartSource.dir !== dir) rmSync(chartSource.dir, { recursive: true, force: true });
        chartSource.dispose?.();
        if (replay.code === 0 || /@@E /.test(replay.stdout)) {
          const violation = outcome.property ? { property: outcome.property, detail: outcome.detail ?? '' } : undefined;
          outcome.chart = buildChart(replay.stdout, table, setting, violation);
        }
      }
      return finish(outcome);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      built.dispose();
    }
  }

  /** Breadth-first re-run: the first violation it meets has the shortest trail. */
  private async shortestTrail(plan: CheckPlan, env: NodeJS.ProcessEnv, opts: CheckOptions): Promise<{ dir: string; pan: string; violation: { property: string; detail: string }; dispose(): void } | undefined> {
    let built: BuiltModel;
    try {
      const flags = plan.bfsFlags;
      built = opts.engine === 'interpreter' ? await this.builder.build(plan.model, flags, opts.signal) : await this.builder.buildTemporary(plan.model, flags, opts.signal);
    } catch {
      return undefined;
    }
    const dir = this.builder.runDir();
    const limits = { timeMs: Math.min(opts.limits.timeMs, 60_000), memoryMb: opts.limits.memoryMb };
    const run = await runLimited(built.pan, plan.panArgs.filter((a) => a.startsWith('-w')), { cwd: dir, env, limits, timer: this.searchTimer, ...(opts.signal ? { signal: opts.signal } : {}) });
    const hasTrail = readdirSync(dir).some((f) => f.endsWith('.trail'));
    const violation = parsePanOutput(run.stdout).violation;
    if (!hasTrail || !violation) {
      rmSync(dir, { recursive: true, force: true });
      built.dispose();
      return undefined;
    }
    return { dir, pan: join(built.dir, 'pan'), violation, dispose: () => built.dispose() };
  }
}

type Outcome = Omit<SettingCheck, 'wallMs' | 'setting' | 'engine'>;

export function classify(run: RunOutcome, report: PanReport, limits: CheckLimits): Outcome {
  const stats = report.stats;
  const withStats = (o: Outcome): Outcome => (stats ? { ...o, stats } : o);
  const metrics = {
    ...(report.metrics.msgMax !== undefined ? { messagesWorst: report.metrics.msgMax } : {}),
    ...(report.metrics.msgMin !== undefined ? { messagesBest: report.metrics.msgMin } : {}),
    ...(report.metrics.rcpMax !== undefined ? { receiptsWorst: report.metrics.rcpMax } : {}),
    ...(report.metrics.rcpMin !== undefined ? { receiptsBest: report.metrics.rcpMin } : {}),
  };
  if (run.aborted) return { verdict: 'UNKNOWN', reason: 'cancelled' };
  // A counterexample is real whatever the search mode: it is a concrete run of the model.
  if (report.violation && report.errors > 0) return withStats({ verdict: 'VIOLATED', property: report.violation.property, detail: report.violation.detail });
  if (report.budgetStates !== undefined) return withStats({ verdict: 'UNKNOWN', limitHit: 'states', reason: `state budget of ${(limits.maxStates ?? report.budgetStates).toLocaleString('en-US')} states reached before the search finished` });
  if (run.timedOut) return withStats({ verdict: 'UNKNOWN', limitHit: 'time', reason: `time limit of ${(limits.timeMs / 1000).toFixed(limits.timeMs < 10_000 ? 1 : 0)} s reached before the search finished` });
  if (report.harnessError) return { verdict: 'INVALID', reason: `harness error: ${report.harnessError}` };
  if (run.code === 125) return { verdict: 'INVALID', reason: 'could not apply the memory limit (ulimit -v failed)' };
  if (report.incomplete) {
    const memory = report.incomplete === 'the memory limit was reached';
    const limitHit = memory ? 'memory' : /depth/.test(report.incomplete) ? 'depth' : 'lossy';
    return withStats({ verdict: 'UNKNOWN', limitHit, reason: memory ? `memory limit of ${limits.memoryMb} MB reached before the search finished` : report.incomplete });
  }
  if (report.errors > 0) return withStats({ verdict: 'INVALID', reason: 'pan reported an error the harness did not explain (an assertion outside the properties?)' });
  if (run.code !== 0 || !stats || report.errors < 0) {
    const tail = (run.stdout + run.stderr).trim().split('\n').slice(-3).join(' | ');
    return withStats({ verdict: 'UNKNOWN', reason: `pan stopped abnormally (${run.signal ? `signal ${run.signal}` : `exit code ${run.code}`})${tail ? `: ${tail}` : ''}` });
  }
  if (/Search not completed/.test(run.stdout)) return withStats({ verdict: 'UNKNOWN', reason: 'pan says the search was not completed' });
  // VERIFIED needs pan's own word that the search was exhaustive; any other mode is lossy.
  if (!report.exhaustive) return withStats({ verdict: 'UNKNOWN', limitHit: 'lossy', reason: 'pan did not report a full state-space search, so the search may have lost states' });
  return withStats({ verdict: 'VERIFIED', metrics });
}
