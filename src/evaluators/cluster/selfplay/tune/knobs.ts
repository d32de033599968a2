// The numeric knobs of a policy: top-level `const NAME = <number>;` declarations between
// EVOLVE-BLOCK-START and EVOLVE-BLOCK-END. The weight tuner searches over their values and writes
// them back in place, so the tuned policy is the user's file with only those numbers changed.

export interface Knob {
  name: string;
  value: number;
  /** Offsets of the number's text (sign included) in the source. */
  start: number;
  end: number;
}

const BLOCK = /EVOLVE-BLOCK-START[^\n]*\n([\s\S]*?)EVOLVE-BLOCK-END/g;
// A declaration on its own line whose initialiser is a single, optionally negative, numeric
// literal; anything computed is left alone because rewriting it would change its meaning.
const DECLARATION = /^[ \t]*(?:export[ \t]+)?(?:const|let)[ \t]+([A-Za-z_$][\w$]*)[ \t]*(?::[ \t]*number[ \t]*)?=[ \t]*(-?[ \t]*(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?)[ \t]*;/gm;

/** Every knob inside the evolvable blocks, in file order. */
export function findKnobs(code: string): Knob[] {
  const knobs: Knob[] = [];
  for (const block of code.matchAll(BLOCK)) {
    const body = block[1] as string;
    const bodyStart = (block.index as number) + block[0].indexOf(body);
    for (const m of body.matchAll(DECLARATION)) {
      const literal = m[2] as string;
      const value = Number(literal.replace(/[\s_]/g, ''));
      if (!Number.isFinite(value)) continue;
      const start = bodyStart + (m.index as number) + m[0].lastIndexOf(literal);
      knobs.push({ name: m[1] as string, value, start, end: start + literal.length });
    }
  }
  return knobs;
}

/** A number as source text: at most 6 significant digits, never `-0`. */
export function formatKnob(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`a knob must be finite, got ${value}`);
  const v = Number(value.toPrecision(6));
  return Object.is(v, -0) || v === 0 ? '0' : String(v);
}

/** The code with each knob set to the matching value (same order as `findKnobs`). */
export function withKnobValues(code: string, knobs: readonly Knob[], values: readonly number[]): string {
  if (values.length !== knobs.length) throw new RangeError(`${values.length} values for ${knobs.length} knobs`);
  let out = '';
  let at = 0;
  knobs.forEach((k, i) => {
    out += code.slice(at, k.start) + formatKnob(values[i] as number);
    at = k.end;
  });
  return out + code.slice(at);
}

/** What changed between two knob vectors, for explanations: `SIZE_WEIGHT 0 -> 0.37`. */
export function describeChanges(knobs: readonly Knob[], from: readonly number[], to: readonly number[]): string[] {
  const out: string[] = [];
  knobs.forEach((k, i) => {
    const a = formatKnob(from[i] as number);
    const b = formatKnob(to[i] as number);
    if (a !== b) out.push(`${k.name} ${a} -> ${b}`);
  });
  return out;
}
