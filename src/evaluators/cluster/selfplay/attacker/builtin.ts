// The built-in attacker: an evolutionary search over scenario-generator parameters. It keeps an
// archive of parameter sets with their attack scores, breeds new proposals from the best by
// tournament and mutation, and learns from rejections (a rejected set scores -1 and is never a
// parent). No model, no key: the default attacker.
import { deriveSeed, Rng } from '../../../../core/rng';
import { defaultParams, generateScenarioJson, PARAM_RANGES, TRACE_PROFILE_NAMES, type GeneratorParams, type Level, type NumericParam } from '../..';
import { DEFAULT_VALIDATOR_CONFIG, type ValidatorConfig } from '../validators';
import { attackScore, type Attacker, type Proposal, type ProposalContext, type ProposalOutcome } from './types';

/** The part of the parameter space the search explores (PARAM_RANGES bounds what is valid at all). */
export const ATTACK_RANGES: Partial<Record<NumericParam, [number, number, 'lin' | 'log']>> = {
  load: [0.4, 2, 'log'],
  sizeScale: [0.5, 3, 'log'],
  sizeSpread: [0.5, 1.8, 'lin'],
  memoryScale: [0.5, 2, 'log'],
  serviceFraction: [0, 0.45, 'lin'],
  burstiness: [0, 0.9, 'lin'],
  diurnalAmplitude: [0, 0.9, 'lin'],
  deadlineFraction: [0, 1, 'lin'],
  deadlineSlack: [1.2, 10, 'log'],
  edgeFraction: [0, 1, 'lin'],
  tenants: [1, 12, 'lin'],
  tenantSkew: [0, 2.5, 'lin'],
  heterogeneity: [0, 1, 'lin'],
  estimateError: [0, 1, 'lin'],
  maxWaitFactor: [0, 200, 'lin'],
};

interface ArchiveEntry {
  params: GeneratorParams;
  score: number;
  level: Level;
}

export interface BuiltinAttackerOptions {
  seed?: number;
  /** Share of proposals drawn fresh rather than bred from the archive. */
  exploration?: number;
  /**
   * Share of proposals that probe the edges of what the generator accepts (sizes off the level,
   * extreme loads and memory): most are refused, which keeps every validator layer exercised and
   * teaches the search where the valid region ends.
   */
  probing?: number;
  validator?: ValidatorConfig;
}

export class BuiltinAttacker implements Attacker {
  readonly id = 'builtin';
  private readonly archive: ArchiveEntry[] = [];
  private readonly pending = new Map<string, GeneratorParams>();
  private readonly rng: Rng;
  private readonly exploration: number;
  private readonly probing: number;
  /** Its own stream: probes never shift the draws of the ordinary search. */
  private readonly probeRng: Rng;
  private readonly validator: ValidatorConfig;
  private counter = 0;
  readonly rejections: Record<string, number> = {};

  constructor(options: BuiltinAttackerOptions = {}) {
    this.rng = new Rng(options.seed ?? 1);
    this.exploration = options.exploration ?? 0.25;
    this.probing = options.probing ?? 0.1;
    this.probeRng = new Rng(deriveSeed(options.seed ?? 1, 'probe'));
    this.validator = options.validator ?? DEFAULT_VALIDATOR_CONFIG;
  }

  async propose(ctx: ProposalContext): Promise<Proposal[]> {
    const out: Proposal[] = [];
    for (let k = 0; k < ctx.count; k++) {
      ctx.signal.throwIfAborted();
      const id = `atk-${ctx.level}-r${ctx.round}-${++this.counter}`;
      const parents = this.archive.filter((e) => e.level === ctx.level && e.score > -1);
      const params = this.probeRng.chance(this.probing) ? this.probe(ctx.level, id) : !parents.length || this.rng.chance(this.exploration) ? this.fresh(ctx.level, id) : this.mutate(this.tournament(parents), id);
      this.pending.set(id, params);
      out.push({ id, json: generateScenarioJson(params), params, source: this.id });
    }
    return out;
  }

  observe(outcomes: readonly ProposalOutcome[]): void {
    for (const o of outcomes) {
      const params = o.proposal.params ?? this.pending.get(o.proposal.id);
      this.pending.delete(o.proposal.id);
      if (o.rejection) this.rejections[o.rejection.layer] = (this.rejections[o.rejection.layer] ?? 0) + 1;
      if (params) this.archive.push({ params, score: attackScore(o), level: params.level });
    }
  }

  save(): unknown {
    return { archive: this.archive, pending: [...this.pending], counter: this.counter, rng: this.rng.getState(), probeRng: this.probeRng.getState(), rejections: this.rejections };
  }

  load(state: unknown): void {
    const s = state as { archive: ArchiveEntry[]; pending: [string, GeneratorParams][]; counter: number; rng: number; probeRng: number; rejections: Record<string, number> };
    if (!s || !Array.isArray(s.archive) || !Array.isArray(s.pending) || typeof s.counter !== 'number' || typeof s.rng !== 'number' || typeof s.probeRng !== 'number') throw new Error('not a saved built-in attacker');
    this.archive.splice(0, this.archive.length, ...s.archive);
    this.pending.clear();
    for (const [id, params] of s.pending) this.pending.set(id, params);
    this.counter = s.counter;
    this.rng.setState(s.rng);
    this.probeRng.setState(s.probeRng);
    for (const key of Object.keys(this.rejections)) delete this.rejections[key];
    Object.assign(this.rejections, s.rejections);
  }

  /** Best parameter sets found so far for a level, best first. */
  best(level: Level, n = 5): { params: GeneratorParams; score: number }[] {
    return this.archive
      .filter((e) => e.level === level)
      .sort((a, b) => b.score - a.score)
      .slice(0, n)
      .map((e) => ({ params: { ...e.params }, score: e.score }));
  }

  private sizes(level: Level): { tasks: number; nodes: number } {
    const want = this.validator.levels[level];
    const pick = ([lo, hi]: [number, number]): number => lo + this.rng.int(Math.min(hi, lo * 2) - lo + 1);
    return { tasks: pick(want.tasks), nodes: pick(want.nodes) };
  }

  private fresh(level: Level, id: string): GeneratorParams {
    const p = defaultParams(level, id, this.rng.int(2 ** 31));
    Object.assign(p, this.sizes(level));
    p.profile = this.rng.pick(TRACE_PROFILE_NAMES);
    for (const key of Object.keys(ATTACK_RANGES) as NumericParam[]) {
      if (this.rng.chance(0.5)) p[key] = this.draw(key);
    }
    p.preemption = this.rng.chance(0.3);
    return p;
  }

  /** A fresh proposal with one or two parameters pushed to the far ends of what the generator accepts. */
  private probe(level: Level, id: string): GeneratorParams {
    const p = this.fresh(level, id);
    const want = this.validator.levels[level];
    const edges: (() => void)[] = [
      () => Object.assign(p, { tasks: Math.max(1, Math.floor(want.tasks[0] / 2)), nodes: Math.max(1, Math.floor(want.nodes[0] / 2)) }),
      () => Object.assign(p, { tasks: want.tasks[1] * 2, nodes: want.nodes[1] * 2 }),
      () => (p.load = PARAM_RANGES.load[1]),
      () => (p.sizeScale = PARAM_RANGES.sizeScale[1]),
      () => (p.memoryScale = this.rng.chance(0.5) ? PARAM_RANGES.memoryScale[0] : PARAM_RANGES.memoryScale[1]),
      () => Object.assign(p, { deadlineFraction: 1, deadlineSlack: PARAM_RANGES.deadlineSlack[0] }),
      () => Object.assign(p, { serviceFraction: 1, burstiness: PARAM_RANGES.burstiness[1] }),
    ];
    const count = 1 + this.probeRng.int(2);
    for (let k = 0; k < count; k++) (this.probeRng.pick(edges) as () => void)();
    return p;
  }

  private tournament(pool: ArchiveEntry[]): GeneratorParams {
    let best = this.rng.pick(pool);
    for (let k = 0; k < 2; k++) {
      const x = this.rng.pick(pool);
      if (x.score > best.score) best = x;
    }
    return best.params;
  }

  private mutate(parent: GeneratorParams, id: string): GeneratorParams {
    const p: GeneratorParams = { ...parent, id, seed: this.rng.int(2 ** 31) };
    const keys = Object.keys(ATTACK_RANGES) as NumericParam[];
    const changes = 1 + this.rng.int(3);
    for (let c = 0; c < changes; c++) {
      const key = this.rng.pick(keys);
      const [lo, hi, scale] = ATTACK_RANGES[key] as [number, number, 'lin' | 'log'];
      const current = p[key];
      let next: number;
      if (scale === 'log') next = Math.exp(Math.log(Math.max(lo, current)) + 0.3 * this.gaussian());
      else next = current + 0.15 * (hi - lo) * this.gaussian();
      p[key] = this.fit(key, Math.min(hi, Math.max(lo, next)));
    }
    if (this.rng.chance(0.15)) p.profile = this.rng.pick(TRACE_PROFILE_NAMES);
    if (this.rng.chance(0.1)) p.preemption = !p.preemption;
    if (this.rng.chance(0.2)) Object.assign(p, this.sizes(p.level));
    return p;
  }

  private draw(key: NumericParam): number {
    const [lo, hi, scale] = ATTACK_RANGES[key] as [number, number, 'lin' | 'log'];
    const v = scale === 'log' ? Math.exp(Math.log(Math.max(lo, 1e-3)) + this.rng.next() * (Math.log(hi) - Math.log(Math.max(lo, 1e-3)))) : lo + this.rng.next() * (hi - lo);
    return this.fit(key, v);
  }

  private fit(key: NumericParam, v: number): number {
    const [lo, hi] = PARAM_RANGES[key];
    const x = Math.min(hi, Math.max(lo, v));
    return key === 'tenants' ? Math.max(1, Math.round(x)) : Number(x.toFixed(3));
  }

  private gaussian(): number {
    const u = 1 - this.rng.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.rng.next());
  }
}
