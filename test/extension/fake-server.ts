// A language-server stand-in for the extension host tests: answers typed requests from handlers
// the test sets, records every request, and builds run and candidate records with defaults.
import type { ServerClient } from '../../src/extension/client';
import type { CandidateSummary, RunListEntry, RunSnapshot, ServerRequestMethod, ServerRequests } from '../../src/messages/lsp';
import { LogOutputChannel } from './vscode-stub';

type Handlers = { [M in ServerRequestMethod]?: (params: ServerRequests[M]['params']) => ServerRequests[M]['result'] | Promise<ServerRequests[M]['result']> };

export class FakeServer {
  readonly requests: { method: ServerRequestMethod; params: unknown }[] = [];
  readonly output = new LogOutputChannel('Policy Evolver');
  started = true;
  private readonly handlers: Handlers = {};

  on<M extends ServerRequestMethod>(method: M, handler: NonNullable<Handlers[M]>): this {
    (this.handlers as Record<string, unknown>)[method] = handler;
    return this;
  }

  async request<M extends ServerRequestMethod>(method: M, params: ServerRequests[M]['params']): Promise<ServerRequests[M]['result']> {
    this.requests.push({ method, params });
    const handler = this.handlers[method] as ((p: ServerRequests[M]['params']) => ServerRequests[M]['result']) | undefined;
    if (!handler) throw new Error(`the fake server has no answer for ${method}`);
    return handler(params);
  }

  /** The params of every request of one method, in order. */
  sent<M extends ServerRequestMethod>(method: M): ServerRequests[M]['params'][] {
    return this.requests.filter((r) => r.method === method).map((r) => r.params as ServerRequests[M]['params']);
  }

  /** The extension code takes a ServerClient; this fake has the part of it that code uses. */
  get client(): ServerClient {
    return this as unknown as ServerClient;
  }
}

export function runEntry(extra: Partial<RunListEntry> = {}): RunListEntry {
  return {
    runId: 'r1',
    dir: '/runs/r1',
    file: '/w/policy.js',
    fileName: 'policy.js',
    status: 'ended',
    startedAt: '2026-01-02T10:20:30.000Z',
    seed: 1,
    evaluated: 3,
    bestScore: 2.5,
    initialScore: 1,
    ...extra,
  } as RunListEntry;
}

export function candidate(id: string, index: number, score: number | null, extra: Partial<CandidateSummary> = {}): CandidateSummary {
  return {
    id,
    index,
    island: 0,
    parentIds: index === 0 ? [] : ['c0'],
    generator: 'mutate',
    ok: score !== null,
    score,
    metrics: {},
    deltas: {},
    baselineScore: 1,
    workloadsScored: 1,
    workloads: [],
    checks: [],
    concerns: [],
    improvement: false,
    admitted: score !== null,
    sourceHash: `hash-${id}`,
    pending: false,
    ...extra,
  } as CandidateSummary;
}

export function snapshotOf(run: RunListEntry, candidates: CandidateSummary[]): RunSnapshot {
  return {
    runId: run.runId,
    dir: run.dir,
    file: run.file,
    fileName: run.fileName,
    evaluator: 'command',
    generator: 'mutate',
    domain: 'generic',
    status: run.status,
    startedAt: run.startedAt,
    proposed: candidates.length - 1,
    evaluated: candidates.length - 1,
    failed: candidates.filter((c) => !c.ok).length,
    duplicates: 0,
    spendUsd: 0,
    target: 10,
    bestId: candidates[0]?.id ?? null,
    bestScore: run.bestScore,
    initialScore: run.initialScore,
    islands: 1,
    candidates,
    history: [],
    bestHistory: [],
    notes: [],
  } as unknown as RunSnapshot;
}
