// The Q-learning synthesizer as an engine generator over `.rbp` protocol files, and its
// standalone API for `policy-evolver protocol synth`. As a generator it keeps its Q-table across
// calls: each call runs a slice of learning episodes (verified by Spin through its own verdict
// cache) and proposes the cheapest verified table it has not proposed yet, or else the most
// promising one, written into the parent's EVOLVE-BLOCK.
import { parseBlocks, spliceBlocks } from '../../../core/evolve-blocks';
import type { GenerationRequest, GenerationResult, Generator, JsonValue } from '../../../core/types';
import type { FaultModel, Protocol } from '../language/ast';
import { formatProtocol } from '../language/format';
import { parseProtocol } from '../language/parser';
import { parseSettingId } from '../model/settings';
import type { GeneratorFactory } from '../../../generators/types';
import type { RuleChoice } from './catalogue';
import { Synthesizer, type SynthesisOptions } from './synthesize';

export { synthesize, Synthesizer } from './synthesize';
export type { SynthesisOptions, SynthesisProgress, SynthesisResult, SynthesisBudget } from './synthesize';
export { Catalogue } from './catalogue';
export type { RuleChoice, ThresholdName } from './catalogue';

interface GeneratorOptions {
  fault?: FaultModel;
  episodesPerCall: number;
  timePerCallMs: number;
  seed?: number;
  settings?: string[];
  timeLimitMs?: number;
  memoryLimitMb?: number;
}

function parseGeneratorOptions(o: { [key: string]: JsonValue }): GeneratorOptions {
  const known = new Set(['fault', 'episodesPerCall', 'timePerCallMs', 'seed', 'settings', 'timeLimitMs', 'memoryLimitMb']);
  for (const k of Object.keys(o)) if (!known.has(k)) throw new Error(`unknown qlearning generator option '${k}' (known: ${[...known].join(', ')})`);
  const n = (k: string, d: number): number => {
    const v = o[k];
    if (v === undefined || v === null) return d;
    if (typeof v !== 'number' || !(v > 0)) throw new Error(`qlearning generator option '${k}' must be a positive number`);
    return v;
  };
  const fault = o.fault;
  if (fault !== undefined && fault !== 'none' && fault !== 'crash' && fault !== 'byzantine') throw new Error("qlearning generator option 'fault' must be none, crash or byzantine");
  const settings = o.settings;
  if (settings !== undefined && (!Array.isArray(settings) || settings.some((s) => typeof s !== 'string'))) throw new Error("qlearning generator option 'settings' must be a list of setting ids");
  return {
    ...(fault ? { fault } : {}),
    episodesPerCall: n('episodesPerCall', 400),
    timePerCallMs: n('timePerCallMs', 120_000),
    ...(typeof o.seed === 'number' ? { seed: o.seed } : {}),
    ...(settings ? { settings: settings as string[] } : {}),
    ...(o.timeLimitMs !== undefined ? { timeLimitMs: n('timeLimitMs', 60_000) } : {}),
    ...(o.memoryLimitMb !== undefined ? { memoryLimitMb: n('memoryLimitMb', 3072) } : {}),
  };
}

/** The messages and rules of a protocol, without its header lines. */
function bodyText(p: Protocol): string {
  const lines = formatProtocol({ ...p, headerTrivia: { protocol: { leading: [] }, fault: { leading: [] } }, trailingComments: [] }).split('\n');
  let i = 0;
  while (i < lines.length && (/^(protocol|fault|resilience)\b/.test(lines[i] as string) || lines[i] === '')) i++;
  return lines.slice(i).join('\n');
}

/** The parent file with its evolvable text replaced by `p` (the header outside the blocks is kept). */
export function writeInto(parentCode: string, parent: Protocol, p: Protocol): string {
  const layout = parseBlocks(parentCode);
  const named = { ...p, name: parent.name, fault: parent.fault, ...(parent.resilience !== undefined ? { resilience: parent.resilience } : {}) };
  if (!layout.marked) return formatProtocol({ ...named, headerTrivia: parent.headerTrivia });
  const first = parentCode.slice(layout.blocks[0]?.start ?? 0, layout.blocks[0]?.end ?? 0);
  const headerInside = /^\s*(protocol|fault|resilience)\b/m.test(first);
  const content = headerInside ? formatProtocol({ ...named, headerTrivia: { protocol: { leading: [] }, fault: { leading: [] } } }) : bodyText(named);
  return spliceBlocks(parentCode, layout, layout.blocks.map((_, i) => (i === 0 ? content : '')));
}

class QLearningGenerator implements Generator {
  readonly id = 'qlearning';
  private readonly synths = new Map<string, Synthesizer>();
  private readonly proposed = new Set<string>();

  constructor(
    private readonly opts: GeneratorOptions,
    private readonly log?: (message: string) => void,
  ) {}

  private synthFor(fault: FaultModel, seed: number): Synthesizer {
    const key = `${fault}/${seed}`;
    let s = this.synths.get(key);
    if (!s) {
      const o: SynthesisOptions = {
        fault,
        seed,
        ...(this.opts.settings ? { settings: this.opts.settings.map(parseSettingId) } : {}),
        ...(this.opts.timeLimitMs || this.opts.memoryLimitMb ? { limits: { timeMs: this.opts.timeLimitMs ?? 60_000, memoryMb: this.opts.memoryLimitMb ?? 3072 } } : {}),
      };
      s = new Synthesizer(o);
      this.synths.set(key, s);
    }
    return s;
  }

  async generate(request: GenerationRequest, signal: AbortSignal): Promise<GenerationResult> {
    const parsed = parseProtocol(request.parent.code);
    if (!parsed.ok) {
      const i = parsed.issues[0] as { line: number; column: number; message: string };
      throw new Error(`the qlearning generator needs a parsable protocol file; ${request.fileName}:${i.line}:${i.column}: ${i.message}`);
    }
    const parent = parsed.protocol;
    const fault = this.opts.fault ?? parent.fault;
    const synth = this.synthFor(fault, this.opts.seed ?? request.seed);
    const before = synth.episodes;
    const cutsBefore = synth.timeCuts.length;
    await synth.learn({ episodes: this.opts.episodesPerCall, until: Date.now() + this.opts.timePerCallMs }, signal);
    // A wall-clock cut makes this proposal depend on the machine's speed: say so.
    for (const cut of synth.timeCuts.slice(cutsBefore)) this.log?.(`qlearning: ${cut}`);
    const pick = this.pick(synth);
    if (!pick) throw new Error(`the qlearning synthesizer found no complete ${fault} table to propose after ${synth.episodes} episodes`);
    this.proposed.add(synth.catalogue.stateKey(pick.rules));
    const proto = synth.catalogue.toProtocol(pick.rules, parent.name);
    const code = writeInto(request.parent.code, parent, proto);
    const how = pick.verified ? `verified in every learning setting, ${pick.messages ?? '?'} messages failure-free` : `passes ${pick.passed} of the learning settings`;
    this.log?.(`qlearning: ${synth.episodes - before} episodes (total ${synth.episodes}), proposing a table that ${how}`);
    return {
      patch: { kind: 'full', code },
      explanation: `Q-learning synthesizer (${synth.episodes} episodes so far, seed ${synth.seed}): a ${fault} rule table that ${how}.`,
      source: 'qlearning',
    };
  }

  /** The cheapest verified table not yet proposed, else the evaluated table that got furthest. */
  private pick(synth: Synthesizer): { rules: RuleChoice[]; verified: boolean; passed: number; messages?: number } | undefined {
    for (const c of synth.verifiedCandidates) {
      if (!this.proposed.has(c.key)) return { rules: c.rules, verified: true, passed: c.outcome.passed, ...(c.outcome.messagesWorst !== undefined ? { messages: c.outcome.messagesWorst } : {}) };
    }
    const partial = synth.evaluatedCandidates().filter((c) => !this.proposed.has(c.key) && !c.outcome.verified);
    partial.sort((a, b) => b.outcome.passed - a.outcome.passed);
    const top = partial[0];
    return top ? { rules: top.rules, verified: false, passed: top.outcome.passed } : undefined;
  }
}

export const createQLearningGenerator: GeneratorFactory = async (options, ctx) => new QLearningGenerator(parseGeneratorOptions(options), ctx.log);
