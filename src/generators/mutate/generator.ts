// The mutate generator: draws 1–3 non-overlapping mutations from the parent's analysis, applies
// them as text edits inside the evolvable regions and keeps the result only if it parses.
import { createHash } from 'node:crypto';
import type { GenerationRequest, GenerationResult, Generator } from '../../core/types';
import { analyse, normalizedText, type Analysis } from './analysis';
import { applyEdits, overlapsAny, type Edit } from './edits';
import { LruMap } from '../../core/lru';
import { OPERATOR_NAMES, OPERATORS, siteCount, type Crossover, type Mutation, type OperatorName } from './operators';
import { languageOf, parse, syntaxErrors, type SourceLanguage } from './parse';
import { findRegions, regionOf } from './regions';
import { Rng } from '../../core/rng';

export interface MutateSettings {
  /** Upper bound of mutations combined in one candidate (at least 1). */
  maxMutations: number;
  /** Parsed programs kept in memory. */
  cacheSize: number;
  weights: Record<OperatorName, number>;
}

/** Whole candidates (all their mutations) tried before giving up on a request. */
const MAX_ATTEMPTS = 40;

type Analysed = { ok: true; analysis: Analysis } | { ok: false; error: string };

export class MutateGenerator implements Generator {
  readonly id = 'mutate';
  private readonly cache: LruMap<string, Analysed>;
  /** Probability weights of combining 1, 2, ... mutations: mostly one, sometimes more. */
  private readonly countWeights: number[];

  constructor(private readonly settings: MutateSettings, private readonly log?: (message: string) => void) {
    this.cache = new LruMap(settings.cacheSize);
    this.countWeights = Array.from({ length: settings.maxMutations }, (_, k) => 0.45 ** k);
  }

  async generate(request: GenerationRequest, signal: AbortSignal): Promise<GenerationResult> {
    return this.generateSync(request, signal);
  }

  generateSync(request: GenerationRequest, signal: AbortSignal): GenerationResult {
    signal.throwIfAborted();
    const lang = languageOf(request.fileName);
    const parent = this.analysed(request.parent.code, lang);
    if (!parent.ok) throw new Error(`cannot mutate ${request.fileName}: ${parent.error}`);
    const a = parent.analysis;
    const crossovers = this.crossovers(request, a, lang);

    const operators = OPERATOR_NAMES.filter((name) => this.settings.weights[name] > 0 && siteCount(name, a, crossovers) > 0);
    if (operators.length === 0) throw new Error(`no mutable site in the evolvable region of ${request.fileName}`);
    const operatorWeights = operators.map((name) => this.settings.weights[name]);
    const markerCount = countMarkers(a.text);

    const rng = new Rng(request.seed);
    let lastProblem = 'every draw left the program unchanged';
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      signal.throwIfAborted();
      const wanted = 1 + rng.weighted(this.countWeights);
      const chosen: Mutation[] = [];
      const edits: Edit[] = [];
      for (let draw = 0; draw < wanted * 4 && chosen.length < wanted; draw++) {
        const name = operators[rng.weighted(operatorWeights)] as OperatorName;
        const m = OPERATORS[name]({ a, rng, crossovers });
        if (!m || overlapsAny(edits, m.edits) || !m.edits.every((e) => regionOf(a.regions, e.start, e.end))) continue;
        chosen.push(m);
        edits.push(...m.edits);
      }
      if (chosen.length === 0) continue;
      const code = applyEdits(a.text, edits);
      if (code === a.text) continue;
      if (countMarkers(code) !== markerCount) {
        lastProblem = 'a spliced snippet carried an EVOLVE-BLOCK marker';
        continue;
      }
      const errors = syntaxErrors(parse(code, lang, false));
      if (errors.length > 0) {
        lastProblem = `the last try did not parse: ${errors[0]}`;
        continue;
      }
      chosen.sort((x, y) => x.at - y.at);
      const text = chosen.map((m) => m.description).join('; ');
      return {
        patch: { kind: 'full', code },
        explanation: `${text.charAt(0).toUpperCase()}${text.slice(1)}.`,
        source: 'mutate',
      };
    }
    throw new Error(`mutate found no valid change to ${request.fileName} in ${MAX_ATTEMPTS} attempts (${lastProblem})`);
  }

  async dispose(): Promise<void> {
    this.cache.clear();
  }

  /** Cached analysis; `onFailure` hears about a program that cannot be analysed once, not on every request. */
  private analysed(code: string, lang: SourceLanguage, onFailure?: (error: string) => void): Analysed {
    const key = createHash('sha1').update(lang.virtualName).update('\0').update(code).digest('base64');
    const hit = this.cache.get(key);
    if (hit) return hit;
    let result: Analysed;
    try {
      const regions = findRegions(code);
      const sf = parse(code, lang, true);
      const errors = syntaxErrors(sf);
      result = errors.length > 0
        ? { ok: false, error: `the program does not parse (${errors[0]}${errors.length > 1 ? `, and ${errors.length - 1} more errors` : ''})` }
        : { ok: true, analysis: analyse(sf, regions) };
    } catch (err) {
      result = { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    this.cache.set(key, result);
    if (!result.ok) onFailure?.(result.error);
    return result;
  }

  /** Units of the parent that some inspiration has in a different version, deduplicated. */
  private crossovers(request: GenerationRequest, a: Analysis, lang: SourceLanguage): Crossover[] {
    if (this.settings.weights.recombine <= 0) return [];
    const out: Crossover[] = [];
    const seen = new Set<string>();
    for (const inspiration of request.inspirations) {
      if (inspiration.code === request.parent.code) continue;
      const donor = this.analysed(inspiration.code, lang, (error) => {
        this.log?.(`mutate: not recombining with program ${inspiration.id}: ${error}`);
      });
      if (!donor.ok) continue;
      for (const [key, target] of a.units) {
        const unit = donor.analysis.units.get(key);
        if (!unit || unit.text === target.text) continue;
        const donorText = normalizedText(unit);
        if (donorText === normalizedText(target)) continue;
        const id = `${key}\0${donorText}`;
        if (seen.has(id)) continue;
        seen.add(id);
        out.push({ target, donor: unit, donorId: inspiration.id });
      }
    }
    return out;
  }
}

function countMarkers(text: string): number {
  let n = 0;
  for (let i = text.indexOf('EVOLVE-BLOCK-'); i !== -1; i = text.indexOf('EVOLVE-BLOCK-', i + 1)) n++;
  return n;
}
