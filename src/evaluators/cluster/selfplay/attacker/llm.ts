// The LLM attacker: a model writes scenarios (complete JSON, or parameters for the trace-shaped
// generator) for a level, told how the defender did on its recent scenarios and why rejected ones
// were refused. Its prompt templates live in prompts/cluster/attacker-*.md and are varied by
// meta-prompt evolution. Models are reached through the LLM layer (keys, limits, retries, cost).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkTemplate, renderTemplate } from '../../../../core/prompt';
import type { TokenUsage } from '../../../../core/types';
import { generateScenarioJson, LEVELS, PARAM_RANGES, parseParams, TRACE_PROFILE_NAMES, TRACE_PROFILES } from '../..';
import { createTextModel, LlmConfigError } from '../../../../generators/llm';
import { ATTACKER_DIRECTIVES, PromptVariantPool, type PromptPoolState } from '../meta-prompts';
import { DEFAULT_VALIDATOR_CONFIG, type ValidatorConfig } from '../validators';
import { learnability, type Attacker, type Proposal, type ProposalContext, type ProposalOutcome } from './types';

/** Something that answers a prompt with text: a model through the LLM layer, or a test double. */
export interface ScenarioModel {
  readonly id: string;
  complete(system: string, user: string, signal: AbortSignal): Promise<string>;
}

export interface AttackerTemplates {
  system: string;
  user: string;
}

const SYSTEM_VARS = ['levels', 'profiles', 'profileNames', 'paramRanges'];
const USER_VARS = ['round', 'count', 'level', 'sizes', 'recentResults', 'rejections'];
/** Problems listed per rejected proposal in the next prompt. */
const MAX_DETAILS = 5;

export function loadAttackerTemplates(promptsDir: string): AttackerTemplates {
  const read = (name: string, known: string[]): string => {
    const path = join(promptsDir, 'cluster', name);
    if (!existsSync(path)) throw new LlmConfigError(`the LLM attacker needs ${path}`);
    const text = readFileSync(path, 'utf8');
    const problems = checkTemplate(text, known, []);
    if (problems.length) throw new LlmConfigError(`${path}: ${problems.join('; ')}`);
    return text;
  };
  return { system: read('attacker-system.md', SYSTEM_VARS), user: read('attacker-user.md', USER_VARS) };
}

/**
 * A scenario model on the LLM layer: `spec` is `provider:model` (openai, anthropic or
 * openai-compatible with `baseUrl`). The provider layer has no JSON mode switch, so the prompt asks
 * for one JSON object and the reply is parsed leniently (code fences and surrounding prose are
 * tolerated).
 */
export function createScenarioModel(
  spec: string,
  ctx: { secret(name: string): string | undefined; onUsage?(u: TokenUsage): void; log?(m: string): void; baseUrl?: string; maxTokens?: number },
): ScenarioModel {
  return createTextModel(spec, ctx, 'cluster attacker model');
}

/** The first JSON object in a reply (inside a code fence or not). */
export function extractJsonObject(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text);
  const body = fenced ? (fenced[1] as string) : text;
  const start = body.indexOf('{');
  if (start < 0) throw new Error('the reply contains no JSON object');
  let depth = 0;
  let inString = false;
  for (let i = start; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return JSON.parse(body.slice(start, i + 1));
  }
  throw new Error('the reply\'s JSON object is not closed');
}

export interface LlmAttackerOptions {
  seed?: number;
  validator?: ValidatorConfig;
  /** Outcomes remembered for the next prompts. */
  memory?: number;
}

export class LlmAttacker implements Attacker {
  readonly id: string;
  readonly variants: PromptVariantPool;
  private readonly history: ProposalOutcome[] = [];
  private readonly validator: ValidatorConfig;
  private readonly memory: number;
  private counter = 0;
  /** Replies that could not be used at all, for the report. */
  readonly failures: string[] = [];

  constructor(
    private readonly model: ScenarioModel,
    private readonly templates: AttackerTemplates,
    options: LlmAttackerOptions = {},
  ) {
    this.id = `llm:${model.id}`;
    this.validator = options.validator ?? DEFAULT_VALIDATOR_CONFIG;
    this.memory = options.memory ?? 12;
    this.variants = new PromptVariantPool('attacker', ATTACKER_DIRECTIVES, { seed: options.seed ?? 1 });
  }

  buildPrompt(ctx: Pick<ProposalContext, 'level' | 'round' | 'count'>, variantId?: string): { system: string; user: string } {
    const levels = LEVELS.map((l) => {
      const v = this.validator.levels[l];
      return `${l}: ${v.tasks[0]}-${v.tasks[1]} tasks, ${v.nodes[0]}-${v.nodes[1]} nodes, peak demand ${v.overload[0]}-${v.overload[1]}x the cores`;
    }).join('; ');
    const system = renderTemplate(this.templates.system, {
      levels,
      profiles: TRACE_PROFILE_NAMES.map((n) => TRACE_PROFILES[n].description).join('; '),
      profileNames: TRACE_PROFILE_NAMES.join(', '),
      paramRanges: Object.entries(PARAM_RANGES).map(([k, [lo, hi]]) => `${k} ${lo}-${hi}`).join(', '),
    });
    const variant = this.variants.snapshot().find((v) => v.id === variantId);
    const want = this.validator.levels[ctx.level];
    const recent = this.history.slice(-this.memory);
    const user = renderTemplate(this.templates.user, {
      round: String(ctx.round),
      count: String(ctx.count),
      level: ctx.level,
      sizes: `${want.tasks[0]}-${want.tasks[1]} tasks on ${want.nodes[0]}-${want.nodes[1]} nodes`,
      recentResults: recent
        .filter((o) => o.defender)
        .map((o) => {
          const d = o.defender as NonNullable<ProposalOutcome['defender']>;
          return `- ${o.proposal.id}: ${d.summary}; reward ${d.reward.toFixed(3)} vs best ${d.bestBaseline.toFixed(3)}; solved by ${Math.round(d.successShare * 100)}%${o.proposal.params ? `; params ${JSON.stringify(compactParams(o.proposal.params as unknown as Record<string, unknown>))}` : ''}`;
        })
        .join('\n'),
      rejections: recent
        .filter((o) => o.rejection)
        // The details name the field and the limit it broke: the model can fix what it is shown.
        .map((o) => [`- ${o.proposal.id}: ${o.rejection?.layer}: ${o.rejection?.reason}`, ...(o.rejection?.details ?? []).slice(0, MAX_DETAILS).map((d) => `    - ${d}`)].join('\n'))
        .join('\n'),
    });
    return { system: variant ? PromptVariantPool.apply(system, variant) : system, user };
  }

  async propose(ctx: ProposalContext): Promise<Proposal[]> {
    const variant = this.variants.pick();
    const prompt = this.buildPrompt(ctx, variant.id);
    const text = await this.model.complete(prompt.system, prompt.user, ctx.signal);
    let items: unknown[];
    try {
      const reply = extractJsonObject(text) as { scenarios?: unknown };
      if (!Array.isArray(reply.scenarios)) throw new Error('the reply has no "scenarios" array');
      items = reply.scenarios.slice(0, ctx.count);
    } catch (err) {
      this.failures.push((err as Error).message);
      // One unusable proposal carries the problem back to the model as a schema rejection.
      return [{ id: this.nextId(ctx), json: null, source: this.id, promptVariant: variant.id, problem: `unusable reply: ${(err as Error).message}; reply with one JSON object {"scenarios": [...]}` }];
    }
    return items.map((item) => {
      const id = this.nextId(ctx);
      const base: Proposal = { id, json: item, source: this.id, promptVariant: variant.id };
      if (item && typeof item === 'object' && 'params' in item) {
        try {
          const params = parseParams({ ...(item.params as Record<string, unknown>), level: ctx.level, id, seed: typeof (item.params as Record<string, unknown>)['seed'] === 'number' ? (item.params as Record<string, unknown>)['seed'] : this.counter }, 'params');
          return { ...base, params, json: generateScenarioJson(params) };
        } catch (err) {
          return { ...base, json: null, problem: (err as Error).message };
        }
      }
      if (item && typeof item === 'object' && 'scenario' in item) return { ...base, json: (item as { scenario: unknown }).scenario };
      return base;
    });
  }

  observe(outcomes: readonly ProposalOutcome[]): void {
    for (const o of outcomes) {
      this.history.push(o);
      // A prompt variant succeeds when its scenario was accepted and learnable or exposed a gap.
      const d = o.defender;
      const good = o.accepted && !!d && (learnability(d.successShare) >= 0.5 || d.bestBaseline - d.reward > 0.005);
      if (o.proposal.promptVariant) this.variants.record(o.proposal.promptVariant, good);
    }
    this.variants.evolve();
  }

  save(): unknown {
    return { history: this.history, counter: this.counter, variants: this.variants.save(), failures: this.failures };
  }

  load(state: unknown): void {
    const s = state as { history: ProposalOutcome[]; counter: number; variants: PromptPoolState; failures: string[] };
    if (!s || !Array.isArray(s.history) || typeof s.counter !== 'number' || !s.variants) throw new Error('not a saved LLM attacker');
    this.history.splice(0, this.history.length, ...s.history);
    this.counter = s.counter;
    this.variants.load(s.variants);
    this.failures.splice(0, this.failures.length, ...(s.failures ?? []));
  }

  private nextId(ctx: Pick<ProposalContext, 'level' | 'round'>): string {
    return `llm-${ctx.level}-r${ctx.round}-${++this.counter}`;
  }
}

function compactParams(p: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, level: _level, seed: _seed, ...rest } = p;
  return rest;
}
