// A remote sampler: answers GenerationRequests from the experiment's `generate` queue with the
// generator the task names. API keys come from this machine's environment and never travel over the
// broker; the model usage of each request goes back with the reply so the run journals its cost.
import type { ConsumeMessage } from 'amqplib';
import type { Generator, TokenUsage } from '../core/types';
import { UserError } from '../core/user-error';
import type { GeneratorFactory } from '../generators/types';
import { buildGenerator, type GeneratorContextOptions } from '../app/compose';
import { promptsDir } from '../app/prompts';
import type { BrokerSession } from '../transport/connection';
import { errorText, type Logger } from '../transport/log';
import { decodeBody, MESSAGE_VERSION, MessageType, parseGenerateTask, type GenerateTaskBody, type GenerationFailure, type GenerationReplyBody } from '../transport/messages';
import { generatorSpecKey } from '../transport/sampler-pool';
import { startTaskWorker, type RunningWorker, type TaskContext, type TaskHandler, type TaskReply, type TaskWorkerOptions } from '../transport/task-worker';
import type { Topology } from '../transport/topology';

interface GeneratorEntry {
  generator: Promise<Generator>;
  /** Collects usage reported while the current request runs (a sampler runs one request at a time). */
  usage: { sink: TokenUsage[] | undefined };
}

const WARM_GENERATORS = 4;

class SamplerHandler implements TaskHandler<GenerateTaskBody> {
  readonly kind = 'generate' as const;
  private readonly generators = new Map<string, GeneratorEntry>();

  constructor(
    private readonly log: Logger,
    private readonly secret: (name: string) => string | undefined,
    private readonly build: GeneratorBuilder,
  ) {}

  parse(raw: unknown): GenerateTaskBody {
    return parseGenerateTask(raw);
  }

  private entryFor(body: GenerateTaskBody): GeneratorEntry {
    const key = generatorSpecKey(body.generator, body.request.domain);
    let entry = this.generators.get(key);
    if (entry) {
      this.generators.delete(key);
      this.generators.set(key, entry);
      return entry;
    }
    const usage: GeneratorEntry['usage'] = { sink: undefined };
    const generator = this.build(body.generator, {
      domain: body.request.domain,
      secret: this.secret,
      onUsage: (u) => usage.sink?.push(u),
      log: (message) => this.log.warn(message),
    });
    const created: GeneratorEntry = { generator, usage };
    generator.catch(() => this.generators.delete(key));
    this.generators.set(key, created);
    for (const [oldKey, old] of this.generators) {
      if (this.generators.size <= WARM_GENERATORS) break;
      this.generators.delete(oldKey);
      void old.generator.then((g) => g.dispose?.()).catch(() => undefined);
    }
    return created;
  }

  async run(body: GenerateTaskBody, signal: AbortSignal, ctx: TaskContext): Promise<TaskReply> {
    const started = Date.now();
    const entry = this.entryFor(body);
    const usage: TokenUsage[] = [];
    let outcome: GenerationReplyBody['outcome'];
    try {
      const generator = await entry.generator.catch((err: unknown) => {
        // A generator that cannot be built here fails every request the same way: stop the run.
        throw new UserError(`generator '${body.generator.id}' on sampler ${ctx.worker.id}: ${errorText(err)}`);
      });
      entry.usage.sink = usage;
      outcome = { ok: true, result: await generator.generate(body.request, signal) };
    } catch (err) {
      const e = err as { fatal?: unknown; source?: unknown; exchanges?: unknown };
      const failure: GenerationFailure = {
        message: errorText(err),
        fatal: err instanceof UserError || e?.fatal === true,
        ...(typeof e?.source === 'string' ? { source: e.source } : {}),
        ...(Array.isArray(e?.exchanges) ? { exchanges: e.exchanges as GenerationFailure['exchanges'] } : {}),
      };
      outcome = { ok: false, error: failure };
    } finally {
      entry.usage.sink = undefined;
    }
    const reply: GenerationReplyBody = {
      version: MESSAGE_VERSION,
      key: body.key,
      runId: body.request.runId,
      index: body.request.index,
      outcome,
      usage,
      worker: ctx.worker,
      attempt: ctx.attempt,
      durationMs: Date.now() - started,
    };
    return { type: MessageType.generation, body: reply, failed: !outcome.ok };
  }

  unreadable(raw: unknown, key: string, reason: string, ctx: TaskContext): TaskReply | undefined {
    const request = (raw as { request?: { runId?: unknown; index?: unknown } } | undefined)?.request;
    const reply: GenerationReplyBody = {
      version: MESSAGE_VERSION,
      key,
      runId: typeof request?.runId === 'string' ? request.runId : '',
      index: typeof request?.index === 'number' ? request.index : 0,
      outcome: { ok: false, error: { message: `sampler ${ctx.worker.id} cannot read this generation task: ${reason}`, fatal: false } },
      usage: [],
      worker: ctx.worker,
      attempt: ctx.attempt,
      durationMs: 0,
    };
    return { type: MessageType.generation, body: reply, failed: true };
  }

  /** Bandit feedback from coordinators reaches the generator instance running that configuration. */
  async setup(session: BrokerSession, topology: Topology): Promise<void> {
    const { queue } = await session.channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
    await session.channel.bindQueue(queue, topology.observationsExchange, '');
    await session.channel.consume(queue, (msg) => msg && this.onObservation(msg), { noAck: true });
  }

  private onObservation(msg: ConsumeMessage): void {
    let body: { generatorKey?: unknown; source?: unknown; outcome?: { improved?: unknown; costUsd?: unknown; scoreDelta?: unknown } };
    try {
      body = decodeBody(msg.content) as typeof body;
    } catch {
      return;
    }
    const o = body?.outcome;
    if (typeof body?.generatorKey !== 'string' || !o || typeof o.improved !== 'boolean' || typeof o.costUsd !== 'number' || typeof o.scoreDelta !== 'number') return;
    const entry = this.generators.get(body.generatorKey);
    if (!entry) return;
    const outcome = { improved: o.improved, costUsd: o.costUsd, scoreDelta: o.scoreDelta };
    const source = typeof body.source === 'string' ? body.source : undefined;
    void entry.generator.then((g) => g.observe?.(source, outcome)).catch(() => undefined);
  }

  async close(): Promise<void> {
    const entries = [...this.generators.values()];
    this.generators.clear();
    for (const entry of entries) {
      const g = await entry.generator.catch(() => undefined);
      await g?.dispose?.().catch(() => undefined);
    }
  }
}

export interface SamplerWorkerOptions extends Omit<TaskWorkerOptions, 'concurrency'> {
  /** API key lookup; this process's environment by default. */
  secret?: (name: string) => string | undefined;
  /** Generator lookup by name in place of the domain registry's (tests inject fakes). */
  generatorFactory?: (id: string) => GeneratorFactory;
}

type GeneratorBuilder = (spec: GenerateTaskBody['generator'], options: GeneratorContextOptions) => Promise<Generator>;

/** Builds generators like a local run does, or from an injected lookup with the same context. */
function builderFrom(lookup: ((id: string) => GeneratorFactory) | undefined): GeneratorBuilder {
  if (!lookup) return buildGenerator;
  return async (spec, options) => {
    let factory: GeneratorFactory;
    try {
      factory = lookup(spec.id);
    } catch (err) {
      throw new UserError(errorText(err));
    }
    return factory(spec.options, { promptsDir: options.promptsDir ?? promptsDir(), domain: options.domain, secret: options.secret, ...(options.onUsage ? { onUsage: options.onUsage } : {}), ...(options.log ? { log: options.log } : {}) });
  };
}

/** Samplers take one request at a time, so the model usage reported meanwhile belongs to it. */
export function startSamplerWorker(options: SamplerWorkerOptions): Promise<RunningWorker> {
  return startTaskWorker(new SamplerHandler(options.log, options.secret ?? ((name) => process.env[name]), builderFrom(options.generatorFactory)), { ...options, concurrency: 1 });
}
