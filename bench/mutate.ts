// Throughput of the built-in mutate generator on a ~150-line scheduling policy.
import type { GenerationRequest } from '../src/core/types';
import { createMutateGenerator } from '../src/generators/mutate/index';

const POLICY = `// FaaS scheduling policy: node choice, keep-alive and pre-warming.
import type { Invocation, NodeState, ClusterView } from './types';

export interface Decision {
  node: number;
  keepAliveMs: number;
  prewarm: string[];
}

// EVOLVE-BLOCK-START
const cpuShare = 0.5;
const memoryWeight = 1.25;
const warmBonus = 3;
const keepAliveBase = 60_000;
const spillThreshold = 0.85;
const preferWarm = true;
const tiers = [1, 2, 4, 8];
const decay = 0.92;
const prewarmLimit = 3;
const historyWindow = 50;

interface Stats {
  arrivals: number;
  meanGapMs: number;
  lastSeen: number;
}

const stats = new Map<string, Stats>();

function observe(inv: Invocation, now: number): Stats {
  const prev = stats.get(inv.fn);
  if (!prev) {
    const fresh = { arrivals: 1, meanGapMs: keepAliveBase, lastSeen: now };
    stats.set(inv.fn, fresh);
    return fresh;
  }
  const gap = now - prev.lastSeen;
  prev.meanGapMs = decay * prev.meanGapMs + (1 - decay) * gap;
  prev.arrivals = Math.min(prev.arrivals + 1, historyWindow);
  prev.lastSeen = now;
  return prev;
}

function loadOf(node: NodeState): number {
  const cpu = node.cpuUsed / node.cpuTotal;
  const mem = node.memUsed / node.memTotal;
  return cpuShare * cpu + (1 - cpuShare) * mem * memoryWeight;
}

function score(node: NodeState, inv: Invocation): number {
  let s = -loadOf(node);
  if (preferWarm && node.warm.includes(inv.fn)) {
    s += warmBonus; // warm containers avoid a cold start
  } else {
    s -= 0.5;
  }
  if (node.queue.length > 4 || loadOf(node) >= spillThreshold) s -= 10;
  if (node.failures > 2) s -= 2 * node.failures;
  return s;
}

function keepAlive(inv: Invocation, st: Stats): number {
  switch (inv.priority) {
    case 'high':
      return Math.max(keepAliveBase * 2, st.meanGapMs * 1.5);
    case 'low':
      return keepAliveBase / 4;
    default:
      return Math.min(keepAliveBase, st.meanGapMs * 2);
  }
}

function tierOf(size: number): number {
  if (size < 128) {
    return tiers[0];
  } else if (size < 512) {
    return tiers[1];
  } else if (size <= 2048) {
    return tiers[2];
  }
  return tiers[3];
}

function prewarmCandidates(view: ClusterView, now: number): string[] {
  const due: [string, number][] = [];
  for (const [fn, st] of stats) {
    const expected = st.lastSeen + st.meanGapMs;
    const slack = expected - now;
    if (slack > 0 && slack < 5_000 && st.arrivals >= 5) due.push([fn, slack]);
  }
  due.sort((a, b) => a[1] - b[1]);
  const spare = view.nodes.filter((n) => loadOf(n) < 0.6).length;
  return due.slice(0, Math.min(prewarmLimit, spare)).map(([fn]) => fn);
}

export function schedule(inv: Invocation, view: ClusterView, now: number): Decision {
  const st = observe(inv, now);
  const tier = tierOf(inv.memMb);
  const budget = inv.deadlineMs * 0.9;
  let best = -1;
  let bestScore = -Infinity;
  for (let i = 0; i < view.nodes.length; i++) {
    const n = view.nodes[i];
    if (n.tier < tier) continue;
    const sc = score(n, inv);
    if (sc > bestScore) {
      bestScore = sc;
      best = i;
    }
  }
  const ready = best >= 0 ? true : false;
  const prewarm = prewarmCandidates(view, now);
  if (!ready || budget < 10) return { node: 0, keepAliveMs: keepAlive(inv, st), prewarm };
  return { node: best, keepAliveMs: keepAlive(inv, st), prewarm };
}
// EVOLVE-BLOCK-END

export const policyName = 'weighted-load';

export function describe(): string {
  return \`\${policyName}: cpu/memory weighted load with warm preference\`;
}

export function validate(decision: Decision, view: ClusterView): string | undefined {
  if (decision.node < 0 || decision.node >= view.nodes.length) return 'node out of range';
  if (decision.keepAliveMs < 0) return 'negative keep-alive';
  if (decision.prewarm.length > 8) return 'too many pre-warms';
  return undefined;
}

export function summarise(decisions: Decision[]): Record<string, number> {
  const perNode: Record<string, number> = {};
  for (const d of decisions) perNode[d.node] = (perNode[d.node] ?? 0) + 1;
  return perNode;
}

export const defaults = {
  cpuShare: 0.5,
  memoryWeight: 1.25,
  keepAliveBase: 60_000,
};
`;

const INSPIRATION = POLICY
  .replace('return cpuShare * cpu + (1 - cpuShare) * mem * memoryWeight;', 'return Math.max(cpu, mem * memoryWeight);')
  .replace('    s -= 0.5;\n', '    s -= 1.5 * loadOf(node);\n')
  .replace('const decay = 0.92;', 'const decay = 0.8;');

function request(seed: number, inspirations: string[]): GenerationRequest {
  const view = (id: string, code: string) => ({ id, code, score: 0, metrics: {}, feedback: '', blocks: [] });
  return {
    runId: 'bench', index: seed, seed, fileName: 'policy.ts', language: 'typescript', domain: 'faas',
    parent: view('parent', POLICY), inspirations: inspirations.map((c, i) => view(`i${i}`, c)),
    recentFailures: [], humanNotes: [], patchMode: 'full',
  };
}

const SMALL = POLICY.slice(0, POLICY.indexOf('function score(')) + '// EVOLVE-BLOCK-END\n';

async function rate(label: string, n: number, make: (i: number) => GenerationRequest): Promise<void> {
  const g = await createMutateGenerator({}, { promptsDir: '', domain: 'faas', secret: () => undefined });
  const signal = new AbortController().signal;
  for (let i = 0; i < 300; i++) await g.generate(make(i), signal);
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < n; i++) await g.generate(make(1_000_000 + i), signal);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  // CPU time is reported too because wall time swings when other jobs share the cores.
  console.log(`mutate ${label}: ${(n / seconds).toFixed(0)} candidates/s wall, ${(n / cpuSeconds).toFixed(0)} per CPU-second (${((seconds / n) * 1000).toFixed(3)} ms each, ${n} candidates)`);
}

function withParent(req: GenerationRequest, code: string): GenerationRequest {
  return { ...req, parent: { ...req.parent, code } };
}

export async function run(): Promise<void> {
  console.log(`mutate: policy file of ${POLICY.split('\n').length} lines, small file of ${SMALL.split('\n').length} lines`);
  await rate('150-line policy, no inspirations', 3000, (i) => request(i, []));
  await rate('150-line policy, 2 inspirations', 3000, (i) => request(i, [INSPIRATION, INSPIRATION.replace('0.85', '0.9')]));
  await rate('50-line policy, no inspirations', 5000, (i) => withParent(request(i, []), SMALL));
  // A distinct parent every call: parse, analysis, mutation and gate without any cache hit.
  await rate('150-line policy, new parent every call', 500, (i) => withParent(request(i, []), POLICY.replace('historyWindow = 50', `historyWindow = ${50 + i}`)));
}

if (require.main === module) void run();
