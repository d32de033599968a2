// The random source Eudoxia's `noisy` estimator draws from: numpy's `default_rng(seed)`, which is
// the PCG64 generator (128-bit LCG state, XSL-RR output) seeded through numpy's SeedSequence
// entropy mixer, with normals from a 256-layer ziggurat. Written from the published algorithm
// definitions (O'Neill's PCG paper, the SeedSequence mixing rules, Marsaglia and Tsang's ziggurat),
// so an estimate under the same seed gets the same random factor as in Eudoxia.
//
// Integers, doubles and normals are bit-identical to numpy's: the ziggurat tables are numpy's
// own double-precision set-up, re-derived in ziggurat-derivation.ts. Lognormals take exp rounded
// to the nearest double, as the C library numpy calls (glibc) returns it but for rare near-ties.

import { nearestExp } from './nearest-exp';
import { ZIGGURAT_F, ZIGGURAT_K, ZIGGURAT_W } from './numpy-ziggurat-tables';

const MASK32 = 0xffffffff;
const MASK64 = (1n << 64n) - 1n;
const MASK128 = (1n << 128n) - 1n;
/** PCG's default 128-bit LCG multiplier. */
const PCG_MULTIPLIER = 0x2360ed051fc65da44385df649fccf645n;

/** numpy SeedSequence constants (hash multipliers and initial values of its two hash streams). */
const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const POOL_SIZE = 4;

const mul32 = (a: number, b: number): number => Math.imul(a, b) >>> 0;

/**
 * The 128-bit words numpy's SeedSequence(seed).generate_state(4, uint64) yields: the seed's
 * 32-bit words are hashed into a four-word pool, the pool words are mixed with each other, and
 * the output words are hashes of the pool words taken in turn.
 */
function seedSequenceState(seed: number | bigint, words64: number): bigint[] {
  let rest = BigInt(seed);
  if (rest < 0n) throw new RangeError(`a numpy seed must be 0 or more, got ${String(seed)}`);
  const entropy: number[] = [];
  do {
    entropy.push(Number(rest & BigInt(MASK32)));
    rest >>= 32n;
  } while (rest > 0n);

  let hashA = INIT_A;
  const hashmix = (value: number): number => {
    let v = (value ^ hashA) >>> 0;
    hashA = mul32(hashA, MULT_A);
    v = mul32(v, hashA);
    return (v ^ (v >>> 16)) >>> 0;
  };
  const mix = (x: number, y: number): number => {
    const r = (mul32(MIX_MULT_L, x) - mul32(MIX_MULT_R, y)) >>> 0;
    return (r ^ (r >>> 16)) >>> 0;
  };
  const pool = Array.from({ length: POOL_SIZE }, (_, i) => hashmix(entropy[i] ?? 0));
  for (let src = 0; src < POOL_SIZE; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) if (src !== dst) pool[dst] = mix(pool[dst] as number, hashmix(pool[src] as number));
  }
  for (let src = POOL_SIZE; src < entropy.length; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) pool[dst] = mix(pool[dst] as number, hashmix(entropy[src] as number));
  }

  let hashB = INIT_B;
  const out: bigint[] = [];
  for (let w = 0; w < words64; w++) {
    // Two 32-bit words per 64-bit word, low word first.
    const half = (i: number): bigint => {
      let v = ((pool[i % POOL_SIZE] as number) ^ hashB) >>> 0;
      hashB = mul32(hashB, MULT_B);
      v = mul32(v, hashB);
      return BigInt((v ^ (v >>> 16)) >>> 0);
    };
    const lo = half(2 * w);
    const hi = half(2 * w + 1);
    out.push((hi << 32n) | lo);
  }
  return out;
}

/** numpy's PCG64 bit generator. */
export class Pcg64 {
  private state = 0n;
  private readonly increment: bigint;

  constructor(seed: number | bigint) {
    const [s0, s1, s2, s3] = seedSequenceState(seed, 4) as [bigint, bigint, bigint, bigint];
    const initState = (s0 << 64n) | s1;
    const initSequence = (s2 << 64n) | s3;
    this.increment = ((initSequence << 1n) | 1n) & MASK128;
    this.step();
    this.state = (this.state + initState) & MASK128;
    this.step();
  }

  private step(): void {
    this.state = (this.state * PCG_MULTIPLIER + this.increment) & MASK128;
  }

  /** The next 64 random bits. */
  nextUint64(): bigint {
    this.step();
    const s = this.state;
    const folded = ((s >> 64n) ^ s) & MASK64;
    const rotation = BigInt(Number(s >> 122n));
    return ((folded >> rotation) | (folded << ((64n - rotation) & 63n))) & MASK64;
  }

  /** The next 64 bits as two unsigned 32-bit halves. */
  nextHalves(): { hi: number; lo: number } {
    const r = this.nextUint64();
    return { hi: Number(r >> 32n), lo: Number(r & 0xffffffffn) };
  }

  /** Uniform in [0, 1) from the top 53 bits, as numpy's next_double. */
  nextDouble(): number {
    const { hi, lo } = this.nextHalves();
    return (hi * 2 ** 21 + (lo >>> 11)) / 2 ** 53;
  }
}

/** Start of the normal's tail beyond the widest layer (Marsaglia and Tsang's 256-layer ziggurat). */
const TAIL_START = 3.6541528853610088;
const INVERSE_TAIL_START = 1 / TAIL_START;

/** numpy's Generator for the draws Eudoxia makes: standard normals and lognormals. */
export class NumpyGenerator {
  private readonly bits: Pcg64;

  constructor(seed: number | bigint) {
    this.bits = new Pcg64(seed);
  }

  /** A standard normal by the ziggurat: one 64-bit draw gives the layer, the sign and the abscissa. */
  standardNormal(): number {
    const k = ZIGGURAT_K;
    const w = ZIGGURAT_W;
    for (;;) {
      const { hi, lo } = this.bits.nextHalves();
      const layer = lo & 0xff;
      const negative = ((lo >>> 8) & 1) === 1;
      const magnitude = (hi & 0x1fffffff) * 2 ** 23 + (lo >>> 9);
      const x = magnitude * (w[layer] as number);
      if (magnitude < (k[layer] as number)) return negative ? -x : x;
      if (layer === 0) {
        // The tail beyond TAIL_START, by Marsaglia's exponential rejection; 1 - U keeps log away from 0.
        for (;;) {
          const xx = -INVERSE_TAIL_START * Math.log1p(-this.bits.nextDouble());
          const yy = -Math.log1p(-this.bits.nextDouble());
          if (yy + yy > xx * xx) return ((lo >>> 17) & 1) === 1 ? -(TAIL_START + xx) : TAIL_START + xx;
        }
      }
      const signed = negative ? -x : x;
      const fLow = ZIGGURAT_F[layer] as number;
      if (((ZIGGURAT_F[layer - 1] as number) - fLow) * this.bits.nextDouble() + fLow < nearestExp(-0.5 * signed * signed)) return signed;
    }
  }

  /** exp(mean + sigma * N(0,1)), as numpy's Generator.lognormal. */
  lognormal(mean: number, sigma: number): number {
    return nearestExp(mean + sigma * this.standardNormal());
  }
}
