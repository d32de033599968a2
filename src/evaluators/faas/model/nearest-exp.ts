// exp rounded to the nearest double, for the draws that must match numpy's. numpy's lognormal is
// exp(mean + sigma·z) through the C library's exp (glibc's errs by at most 0.502 ulp, so it almost
// always returns the nearest double); V8's Math.exp errs by up to 1 ulp and gave another last bit
// for one lognormal in ten. Evaluated in double-double arithmetic (about 100 bits), so the rounding
// is decided except within ~2^-45 ulp of a tie.

/** ln 2 as a double-double (head and tail). */
const LN2_HI = 0.6931471805599453;
const LN2_LO = 2.3190468138462996e-17;
/** 2^27 + 1, Dekker's splitting constant for doubles. */
const SPLITTER = 134217729;
/** exp(x) = (exp(x / 2^SQUARINGS))^(2^SQUARINGS): a small argument keeps the series short. */
const SQUARINGS = 8;
const SERIES_TERMS = 10;
/** Outside this range the result overflows, or is subnormal and rounds twice when scaled. */
const LOWEST = -708;
const HIGHEST = 709;

/** Error-free product: a·b = head + tail exactly (Dekker, without a fused multiply-add). */
function productTail(a: number, b: number, head: number): number {
  const ca = SPLITTER * a;
  const aHi = ca - (ca - a);
  const aLo = a - aHi;
  const cb = SPLITTER * b;
  const bHi = cb - (cb - b);
  const bLo = b - bHi;
  return aHi * bHi - head + aHi * bLo + aLo * bHi + aLo * bLo;
}

/** Error-free sum: a + b = head + tail exactly (Knuth). */
function sumTail(a: number, b: number, head: number): number {
  const bb = head - a;
  return a - (head - bb) + (b - bb);
}

/** exp(x) rounded to the nearest double (Math.exp outside [-708, 709], where it is 0, subnormal or infinite). */
export function nearestExp(x: number): number {
  if (!(x >= LOWEST && x <= HIGHEST)) return Math.exp(x);
  const k = Math.round(x / LN2_HI);
  // r = x - k·ln2 as a double-double (rHi, rLo).
  const p = k * LN2_HI;
  const pTail = productTail(k, LN2_HI, p);
  const d = x - p;
  let rLo = sumTail(x, -p, d) - pTail - k * LN2_LO;
  let rHi = d + rLo;
  rLo -= rHi - d;
  const scale = 2 ** -SQUARINGS;
  rHi *= scale;
  rLo *= scale;

  // q = 1 + s/2 + s²/6 + ... by Horner from the last term, then e = exp(s) - 1 = s·q.
  let qHi = 1;
  let qLo = 0;
  for (let n = SERIES_TERMS; n >= 2; n--) {
    // q ← 1 + (s·q)/n
    let mHi = rHi * qHi;
    let mLo = productTail(rHi, qHi, mHi) + rHi * qLo + rLo * qHi;
    const t = mHi + mLo;
    mLo -= t - mHi;
    mHi = t;
    const divHi = mHi / n;
    const divLo = (mHi - divHi * n - productTail(divHi, n, divHi * n) + mLo) / n;
    qHi = 1 + divHi;
    qLo = sumTail(1, divHi, qHi) + divLo;
    const u = qHi + qLo;
    qLo -= u - qHi;
    qHi = u;
  }
  let eHi = rHi * qHi;
  let eLo = productTail(rHi, qHi, eHi) + rHi * qLo + rLo * qHi;
  let v = eHi + eLo;
  eLo -= v - eHi;
  eHi = v;
  // (1 + e)² - 1 = e·(2 + e), kept as the small quantity so no precision goes to the leading 1.
  for (let i = 0; i < SQUARINGS; i++) {
    const twoHi = 2 + eHi;
    const twoLo = sumTail(2, eHi, twoHi) + eLo;
    const head = eHi * twoHi;
    const tail = productTail(eHi, twoHi, head) + eHi * twoLo + eLo * twoHi;
    eHi = head + tail;
    eLo = tail - (eHi - head);
  }
  const oneHi = 1 + eHi;
  const oneLo = sumTail(1, eHi, oneHi) + eLo;
  v = oneHi + oneLo;
  return v * 2 ** k;
}
