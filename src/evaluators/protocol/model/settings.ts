// Verification settings: how many processes, which adversary, and how many faults. A setting id
// reads `kind:N` or `kind:N:f=F`, e.g. `byz-sender:4`, `crash:5:f=2`.
import { faultsTolerated, resilienceOf, type Protocol } from '../language/ast';

export type AdversaryKind = 'none' | 'crash' | 'byz-nonsender' | 'byz-sender';

export const ADVERSARY_KINDS: readonly AdversaryKind[] = ['none', 'crash', 'byz-nonsender', 'byz-sender'];

export interface SettingSpec {
  kind: AdversaryKind;
  n: number;
  /** Overrides the protocol's f (the threshold parameter and the number of faulty processes). */
  f?: number;
  /**
   * Checked where the search completes within the limits: an incomplete search here is stated
   * ("N = 7 not completed") but does not make the verdict UNKNOWN; a violation still counts.
   */
  bestEffort?: boolean;
}

/** A setting made concrete for one protocol. */
export interface ResolvedSetting {
  id: string;
  kind: AdversaryKind;
  n: number;
  /** The f that thresholds are evaluated with. */
  f: number;
  /** Processes that may crash (crash settings). */
  crashes: number;
  /** Faulty process ids (Byzantine settings): the sender 0 and/or the highest ids. */
  byzantine: number[];
  senderFaulty: boolean;
  /** Values in play: the adversary needs a second one to equivocate. */
  values: 1 | 2;
}

export const MIN_N = 2;
/**
 * Lazy receipts keep Byzantine searches small well past N = 7 (Imbs-Raynal at N = 11 with f = 2:
 * 10,048 states), so N > 5f protocols get their f = 2 setting; one byte per count in the model.
 */
export const MAX_N = 11;

export function settingId(s: SettingSpec): string {
  return `${s.kind}:${s.n}${s.f !== undefined ? `:f=${s.f}` : ''}`;
}

export function parseSettingId(text: string): SettingSpec {
  const m = /^\s*(none|crash|byz-nonsender|byz-sender)\s*:\s*(\d+)\s*(?::\s*f\s*=\s*(\d+))?\s*$/.exec(text);
  if (!m) throw new Error(`bad setting '${text}': write kind:N or kind:N:f=F with kind one of ${ADVERSARY_KINDS.join(', ')} (e.g. byz-sender:4, crash:5:f=2)`);
  const n = Number(m[2]);
  if (n < MIN_N || n > MAX_N) throw new Error(`bad setting '${text}': N must be between ${MIN_N} and ${MAX_N}`);
  const spec: SettingSpec = { kind: m[1] as AdversaryKind, n };
  if (m[3] !== undefined) {
    const f = Number(m[3]);
    if (f >= n) throw new Error(`bad setting '${text}': f must be below N`);
    spec.f = f;
  }
  return spec;
}

/** Everything a resolved setting fixes, for keys: two settings with the same id may differ in f. */
export function resolvedKey(s: ResolvedSetting): string {
  return `${s.kind}:${s.n}:f=${s.f}:crashes=${s.crashes}:byz=${s.byzantine.join('.')}:values=${s.values}`;
}

/** Resolves a setting for a protocol; undefined when the setting has no faults to inject (f = 0), i.e. it repeats the failure-free one. */
export function resolveSetting(p: Pick<Protocol, 'fault' | 'resilience'>, spec: SettingSpec): ResolvedSetting | undefined {
  const f = spec.f ?? faultsTolerated(p, spec.n);
  const base = { id: settingId(spec), kind: spec.kind, n: spec.n, f };
  switch (spec.kind) {
    case 'none':
      return { ...base, crashes: 0, byzantine: [], senderFaulty: false, values: 1 };
    case 'crash':
      if (f < 1) return undefined;
      return { ...base, crashes: f, byzantine: [], senderFaulty: false, values: 1 };
    case 'byz-nonsender':
      if (f < 1) return undefined;
      return { ...base, crashes: 0, byzantine: range(spec.n - f, spec.n), senderFaulty: false, values: 2 };
    case 'byz-sender':
      if (f < 1) return undefined;
      return { ...base, crashes: 0, byzantine: [0, ...range(spec.n - f + 1, spec.n)], senderFaulty: true, values: 2 };
  }
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push(i);
  return out;
}

/**
 * The settings a protocol is checked in, cheapest first. Fault settings cover N = kf+1 and kf+2
 * with f = 1 (k from the resilience condition N > kf), where thresholds written in N and f first
 * disagree with each other, and f = 2 at N = 2k+1 best-effort (the search may not complete
 * within the limits; that is stated, not hidden). Byzantine protocols are checked with a faulty
 * sender and with faulty non-senders; crash settings are not repeated for them because a
 * Byzantine process can behave like a crashed one.
 */
export function defaultSettings(p: Pick<Protocol, 'fault' | 'resilience'>): SettingSpec[] {
  const ff: SettingSpec[] = [
    { kind: 'none', n: 3 },
    { kind: 'none', n: 4 },
  ];
  if (p.fault === 'none') return [...ff, { kind: 'none', n: 5 }];
  const k = resilienceOf(p);
  const kinds: AdversaryKind[] = p.fault === 'crash' ? ['crash'] : ['byz-nonsender', 'byz-sender'];
  const out = [...ff];
  for (const n of [k + 1, k + 2]) if (n <= MAX_N) for (const kind of kinds) out.push({ kind, n });
  const n2 = 2 * k + 1;
  if (n2 <= MAX_N) for (const kind of kinds) out.push({ kind, n: n2, bestEffort: true });
  return out.sort((a, b) => settingCost(a) - settingCost(b));
}

/** The cheap part of the defaults (f = 1 at the smallest N): what a search learns from, candidate after candidate. */
export function searchSettings(p: Pick<Protocol, 'fault' | 'resilience'>): SettingSpec[] {
  const ff: SettingSpec[] = [
    { kind: 'none', n: 3 },
    { kind: 'none', n: 4 },
  ];
  if (p.fault === 'none') return ff;
  const n = resilienceOf(p) + 1;
  if (p.fault === 'crash') return [...ff, { kind: 'crash', n }, { kind: 'crash', n: n + 1 }];
  return [...ff, { kind: 'byz-nonsender', n }, { kind: 'byz-sender', n }];
}

/** Fault settings the defaults leave out because their N exceeds what the harness models. */
export function settingsBeyondModel(p: Pick<Protocol, 'fault' | 'resilience'>): string[] {
  if (p.fault === 'none') return [];
  const k = resilienceOf(p);
  return [[k + 1, 1], [k + 2, 1], [2 * k + 1, 2]].filter(([n]) => (n as number) > MAX_N).map(([n, f]) => `N = ${n} with f = ${f}`);
}

/** The settings past the defaults a winner is also checked in (`--extended`): one more N at f = 1 and at f = 2. */
export function extendedSettings(p: Pick<Protocol, 'fault' | 'resilience'>): SettingSpec[] {
  if (p.fault === 'none') return [{ kind: 'none', n: 6 }];
  const k = resilienceOf(p);
  const kinds: AdversaryKind[] = p.fault === 'crash' ? ['crash'] : ['byz-nonsender', 'byz-sender'];
  const out: SettingSpec[] = [];
  for (const n of [k + 3, 2 * k + 2]) if (n <= MAX_N) for (const kind of kinds) out.push({ kind, n, bestEffort: true });
  return out;
}

/** Rough relative cost, for ordering user-given settings cheapest first. */
export function settingCost(s: SettingSpec): number {
  const kindCost = { none: 0, crash: 2, 'byz-nonsender': 1, 'byz-sender': 3 }[s.kind];
  return s.n * 10 + kindCost * (s.n >= 4 ? 4 : 1);
}
