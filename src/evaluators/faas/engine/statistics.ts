// The simulation's statistics, kept apart from its mechanics: the counters the engine bumps as
// things happen, resource use integrated per container when it lets go of its resources, and the
// final report — Eudoxia's stats under Eudoxia's keys plus our extra metrics.
import type { SimParams } from '../model/params';
import { MemorySamples } from './memory-samples';
import { C_ACTIVE, C_SUSPENDING, opAt, opEnd, opIo, opStart, timedOps, type ContRec, type OpTable, type PipeRec, type PoolRec } from './records';
import type { CategoryExtra, CategoryStats, EudoxiaStats, ExtraStats } from './results';
import { jainIndex, mean, percentile, percentileOfSorted, sortedCopy } from './stats';

/** Eudoxia's weights: QUERY 10, INTERACTIVE 5, BATCH_PIPELINE 1. */
const WEIGHTS = [10, 5, 1];

export class SimStatistics {
  created = 0;
  readonly arrivalsByPrio = [0, 0, 0];
  readonly latenciesByPrio: number[][] = [[], [], []];
  readonly timeoutsByPrio = [0, 0, 0];
  containersCompleted = 0;
  readonly tickTimes: number[] = [];
  assignments = 0;
  suspensions = 0;
  failures = 0;
  readonly errorCounts: Record<string, number> = {};
  policyCalls = 0;
  eventCount = 0;
  private cpuTicksHeld = 0;
  private ramTicksHeld = 0;
  private ramTicksUsed = 0;
  private readonly cpuTimeline = new Array<number>(10).fill(0);
  readonly memorySamples: MemorySamples;
  private readonly tps: number;

  constructor(
    private readonly params: SimParams,
    private readonly pools: readonly PoolRec[],
    private readonly ops: OpTable,
    private readonly tick: number,
    private readonly maxTicks: number,
  ) {
    this.tps = params.ticks_per_second;
    this.memorySamples = new MemorySamples(pools, ops, this.tps, tick);
  }

  /** Adds a container's resource use to the utilisation totals (once, when it lets go of them). */
  account(c: ContRec): void {
    const end = Math.min(c.releasedTick, this.maxTicks - 1);
    const held = end - c.createdTick + 1;
    if (held <= 0) return;
    this.cpuTicksHeld += c.cpu * held;
    this.ramTicksHeld += c.ram * held;
    this.ramTicksUsed += this.memoryIntegral(c, end);
    const slice = this.maxTicks / 10;
    for (let b = 0; b < 10; b++) {
      const lo = Math.max(c.createdTick, b * slice);
      const hi = Math.min(end + 1, (b + 1) * slice);
      if (hi > lo) this.cpuTimeline[b] = (this.cpuTimeline[b] as number) + c.cpu * (hi - lo);
    }
  }

  private memoryIntegral(c: ContRec, end: number): number {
    let total = 0;
    for (let k = 0; k < timedOps(c); k++) {
      const start = opStart(c, k);
      if (start > end) break;
      const stop = Math.min(opEnd(c, k), end);
      const ticks = stop - start + 1;
      const g = opAt(c, k);
      const cols = this.ops.columns;
      if (cols.fixedMemory[g] === 1) total += (cols.memoryGb[g] as number) * ticks;
      else {
        const io = Math.min(opIo(c, k), ticks);
        total += (this.tick * 20 * io * (io + 1)) / 2 + (cols.storageReadGb[g] as number) * (ticks - io);
      }
    }
    return total;
  }

  /** The Eudoxia stats and our extra metrics; `outstanding` is every arrived pipeline, in arrival order. */
  report(outstanding: readonly PipeRec[], invalidCount: number, ms: number): { stats: EudoxiaStats; extra: ExtraStats } {
    // Containers still holding resources at the end count until the last tick.
    for (const pool of this.pools) {
      for (const c of pool.active) if (c.status === C_ACTIVE) this.accountOpen(c);
      for (const c of pool.suspending) if (c.status === C_SUSPENDING) this.accountOpen(c);
    }
    const tps = this.tps;
    const duration = this.params.duration;
    const sorted = new SortedLists();
    const cat = (arrivals: number, latencies: number[], timeouts: number): CategoryStats => ({
      arrival_count: arrivals,
      completion_count: latencies.length,
      timeout_count: timeouts,
      mean_latency_seconds: latencies.length ? mean(latencies) / tps : null,
      p99_latency_seconds: latencies.length ? percentileOfSorted(sorted.of(latencies), 99) / tps : null,
    });
    const [lq, li, lb] = this.latenciesByPrio as [number[], number[], number[]];
    const all = ([] as number[]).concat(lq, li, lb);
    const timeoutsAll = this.timeoutsByPrio.reduce((a, b) => a + b, 0);
    const stats: EudoxiaStats = {
      pipelines_created: this.created,
      containers_completed: this.containersCompleted,
      throughput: this.containersCompleted / duration,
      p99_latency: this.tickTimes.length ? percentile(this.tickTimes, 99) / tps : null,
      assignments: this.assignments,
      suspensions: this.suspensions,
      failures: this.failures,
      failure_error_counts: { ...this.errorCounts },
      pipelines_all: cat(this.created, all, timeoutsAll),
      pipelines_query: cat(this.arrivalsByPrio[0] as number, lq, this.timeoutsByPrio[0] as number),
      pipelines_interactive: cat(this.arrivalsByPrio[1] as number, li, this.timeoutsByPrio[1] as number),
      pipelines_batch: cat(this.arrivalsByPrio[2] as number, lb, this.timeoutsByPrio[2] as number),
    };
    return { stats, extra: this.extraStats(stats, outstanding, invalidCount, ms, all, sorted) };
  }

  private accountOpen(c: ContRec): void {
    c.releasedTick = this.maxTicks - 1;
    this.account(c);
  }

  /** `all` and `sorted` come from report(), so each latency list is sorted only once. */
  private extraStats(stats: EudoxiaStats, outstanding: readonly PipeRec[], invalidCount: number, ms: number, all: readonly number[], sorted: SortedLists): ExtraStats {
    const tps = this.tps;
    const end = this.maxTicks - 1;
    const delays: number[][] = [[], [], []];
    const never = [0, 0, 0];
    let maxWait = 0;
    // Indexed: this runs once per simulation, too rarely to be optimised, and an unoptimised for-of
    // allocates an iterator result per pipeline.
    for (let i = 0; i < outstanding.length; i++) {
      const p = outstanding[i] as PipeRec;
      if (p.firstAssignTick >= 0) {
        const d = p.firstAssignTick - p.arrivalTick;
        (delays[p.prio] as number[]).push(d);
        maxWait = Math.max(maxWait, d);
      } else {
        never[p.prio] = (never[p.prio] as number) + 1;
        maxWait = Math.max(maxWait, end - p.arrivalTick);
      }
    }
    const cats = [stats.pipelines_query, stats.pipelines_interactive, stats.pipelines_batch];
    const penalty = this.params.max_job_seconds > 0 ? 2 * this.params.max_job_seconds : this.params.duration;
    const [lq, li, lb] = this.latenciesByPrio as [number[], number[], number[]];
    // p99 over every arrived pipeline, unfinished ones at the penalty latency: completing more
    // (slow) pipelines must not look like a latency regression, as it does over completed ones.
    const penalizedP99 = (c: CategoryStats, latencies: readonly number[]): number | null => {
      if (c.arrival_count === 0) return null;
      // The sorted latencies in seconds (dividing keeps their order) with the penalty entries
      // merged in: the same list as sorting them all.
      const base = sorted.of(latencies);
      const withPenalties = new Float64Array(c.arrival_count);
      let i = 0;
      let j = 0;
      for (; i < base.length && (base[i] as number) / tps <= penalty; i++) withPenalties[j++] = (base[i] as number) / tps;
      for (let k = latencies.length; k < c.arrival_count; k++) withPenalties[j++] = penalty;
      for (; i < base.length; i++) withPenalties[j++] = (base[i] as number) / tps;
      return percentileOfSorted(withPenalties, 99);
    };
    const extraCat = (c: CategoryStats, d: number[], n: number, latencies: readonly number[]): CategoryExtra => ({
      completion_rate: c.arrival_count ? c.completion_count / c.arrival_count : null,
      p99_latency_penalized_seconds: penalizedP99(c, latencies),
      mean_queueing_delay_seconds: d.length ? mean(d) / tps : null,
      p99_queueing_delay_seconds: d.length ? percentile(d, 99) / tps : null,
      never_started: n,
    });
    const allDelays = ([] as number[]).concat(...delays);
    const rates = cats.filter((c) => c.arrival_count > 0).map((c) => c.completion_count / c.arrival_count);
    const totalCpu = this.params.cpus_per_pool * this.params.num_pools * this.maxTicks;
    const totalRam = this.params.ram_gb_per_pool * this.params.num_pools * this.maxTicks;
    const slice = this.maxTicks / 10;
    const memory = this.memorySamples.means();
    return {
      mean_memory_allocated_percent: memory.allocated,
      mean_memory_consumed_percent: memory.consumed,
      physics: this.params.physics,
      max_job_seconds: this.params.max_job_seconds,
      adjusted_latency_seconds: adjustedLatency(cats),
      // Eudoxia's CLI penalizes each unfinished pipeline with 2 x max_job_seconds; without a job
      // limit, the whole simulated duration stands in for it.
      adjusted_latency_penalized_seconds: penalizedLatency(cats, penalty),
      completed_pipelines_per_second: stats.pipelines_all.completion_count / this.params.duration,
      completion_rate: stats.pipelines_all.arrival_count ? stats.pipelines_all.completion_count / stats.pipelines_all.arrival_count : null,
      per_category: {
        all: extraCat(stats.pipelines_all, allDelays, never.reduce((a, b) => a + b, 0), all),
        query: extraCat(stats.pipelines_query, delays[0] as number[], never[0] as number, lq),
        interactive: extraCat(stats.pipelines_interactive, delays[1] as number[], never[1] as number, li),
        batch: extraCat(stats.pipelines_batch, delays[2] as number[], never[2] as number, lb),
      },
      max_wait_seconds: maxWait / tps,
      oom_failures: stats.failure_error_counts['OOM'] ?? 0,
      timeout_kills: stats.failure_error_counts['timeout'] ?? 0,
      cpu_allocation: this.cpuTicksHeld / totalCpu,
      ram_allocation: this.ramTicksHeld / totalRam,
      ram_consumption: this.ramTicksUsed / totalRam,
      cpu_allocation_timeline: this.cpuTimeline.map((v) => v / (this.params.cpus_per_pool * this.params.num_pools * slice)),
      fairness: rates.length ? jainIndex(rates) : null,
      invalid_decisions: invalidCount,
      policy_calls: this.policyCalls,
      events: this.eventCount,
      simulation_ms: ms,
    };
  }
}

/** Each list sorted once, though several statistics take a percentile of it (by list identity). */
class SortedLists {
  private readonly sorted = new Map<readonly number[], Float64Array>();

  of(values: readonly number[]): Float64Array {
    let s = this.sorted.get(values);
    if (!s) {
      s = sortedCopy(values);
      this.sorted.set(values, s);
    }
    return s;
  }
}

/** Eudoxia's adjusted latency: weighted mean latency over completed pipelines / completion rate; null when none completed. */
export function adjustedLatency(cats: readonly CategoryStats[]): number | null {
  let weightedLatency = 0;
  let weightedCount = 0;
  let arrivals = 0;
  let completions = 0;
  cats.forEach((c, i) => {
    const w = WEIGHTS[i] as number;
    if (c.completion_count > 0 && c.mean_latency_seconds !== null) {
      const wc = w * c.completion_count;
      weightedLatency += wc * c.mean_latency_seconds;
      weightedCount += wc;
    }
    arrivals += c.arrival_count;
    completions += c.completion_count;
  });
  if (completions === 0) return null;
  return weightedLatency / weightedCount / (completions / arrivals);
}

/** Adjusted latency where each of the U unfinished pipelines adds weight w and latency `penalty`. */
export function penalizedLatency(cats: readonly CategoryStats[], penalty: number): number {
  let num = 0;
  let den = 0;
  cats.forEach((c, i) => {
    const w = WEIGHTS[i] as number;
    const unfinished = c.arrival_count - c.completion_count;
    if (c.completion_count > 0 && c.mean_latency_seconds !== null) num += w * c.completion_count * c.mean_latency_seconds;
    num += w * unfinished * penalty;
    den += w * (c.completion_count + unfinished);
  });
  return den > 0 ? num / den : 0;
}
