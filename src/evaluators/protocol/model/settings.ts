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
export const MAX_N = 7;

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
 * The settings a protocol is checked in, cheapest first (the order the spec measured: failure-free
 * N = 3 and 4, crash N = 3, Byzantine non-sender, crash N = 4, Byzantine sender). Byzantine
 * settings use the smallest N whose f is 1; crash settings are not repeated for Byzantine
 * protocols because a Byzantine process can behave like a crashed one.
 */
export function defaultSettings(p: Pick<Protocol, 'fault' | 'resilience'>): SettingSpec[] {
  const ff: SettingSpec[] = [
    { kind: 'none', n: 3 },
    { kind: 'none', n: 4 },
  ];
  if (p.fault === 'none') return ff;
  if (p.fault === 'crash') return [...ff, { kind: 'crash', n: 3 }, { kind: 'crash', n: 4 }];
  const nb = resilienceOf(p) + 1;
  return [...ff, { kind: 'byz-nonsender', n: nb }, { kind: 'byz-sender', n: nb }];
}

/** The settings past the search sizes a winner is also checked in (N = 5). */
export function extendedSettings(p: Pick<Protocol, 'fault' | 'resilience'>): SettingSpec[] {
  if (p.fault === 'none') return [{ kind: 'none', n: 5 }];
  if (p.fault === 'crash') return [{ kind: 'none', n: 5 }, { kind: 'crash', n: 5 }];
  const nb = resilienceOf(p) + 2;
  return [{ kind: 'none', n: 5 }, { kind: 'byz-nonsender', n: nb }, { kind: 'byz-sender', n: nb }];
}

/** Rough relative cost, for ordering user-given settings cheapest first. */
export function settingCost(s: SettingSpec): number {
  const kindCost = { none: 0, crash: 2, 'byz-nonsender': 1, 'byz-sender': 3 }[s.kind];
  return s.n * 10 + kindCost * (s.n >= 4 ? 4 : 1);
}
