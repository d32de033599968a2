// The lazy-receipt encoding (messages taken only when they take a process to a threshold) must
// give the same verdict as the eager one (one message a step) on every protocol: the examples,
// the broken fixtures, and many generated rule tables at small N, where the eager search finishes.
// It must also be much smaller, or the reduction is not doing its job.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { canonicalize, instantiate, type RuleTable, type TableRule, type TableType } from '../../../src/evaluators/protocol/model/table';
import { parseSettingId, resolveSetting, type ResolvedSetting } from '../../../src/evaluators/protocol/model/settings';
import { lazyReceiptsSound, SpinHarness } from '../../../src/evaluators/protocol/spin/harness';
import type { CheckLimits, EngineKind, SettingCheck } from '../../../src/evaluators/protocol/verdict';
import type { Protocol } from '../../../src/evaluators/protocol/language/ast';
import { STANDARD_THRESHOLDS } from '../../../src/evaluators/protocol/language/expr';
import { example, EXAMPLES_DIR, FIXTURES_DIR, fixture, requireSpin } from './support';

requireSpin();
const harness = new SpinHarness();
// A budget in states, not time: the eager search of a large table may not finish; such pairs are
// not compared, and the test asserts that enough pairs were.
const LIMITS: CheckLimits = { timeMs: 600_000, memoryMb: 2048, maxStates: 1_500_000 };

interface Pair {
  eager: SettingCheck;
  lazy: SettingCheck;
}

async function both(table: RuleTable, setting: ResolvedSetting, engine: EngineKind): Promise<Pair> {
  const opts = { engine, limits: LIMITS, chart: false, shortest: false } as const;
  const eager = await harness.check(table, setting, { ...opts, receipts: 'eager' });
  const lazy = await harness.check(table, setting, { ...opts, receipts: 'lazy' });
  return { eager, lazy };
}

function settingFor(p: Pick<Protocol, 'fault' | 'resilience'>, id: string): ResolvedSetting | undefined {
  const spec = parseSettingId(id);
  return resolveSetting(p, spec);
}

const describe = (c: SettingCheck): string => `${c.verdict}${c.property ? ` ${c.property}` : ''}${c.reason ? ` (${c.reason})` : ''}`;

// mulberry32: a seeded generator, so the corpus is the same on every run.
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random table in the language's shape: the sender broadcasts type 0; other rules read a type from K parties. */
function randomTable(next: () => number, n: number): RuleTable {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const typeCount = 1 + Math.floor(next() * 3);
  const senderOnly = next() < 0.4;
  const types: TableType[] = Array.from({ length: typeCount }, (_, i) => ({ name: `T${i}`, perValue: !(i === 0 && senderOnly) && next() < 0.4, senderOnly: i === 0 && senderOnly }));
  const rules: TableRule[] = [{ type: -1, k: 1, sends: [0], deliver: next() < 0.1, stop: false }];
  const ruleCount = 1 + Math.floor(next() * 4);
  const sendable = types.flatMap((t, i) => (t.senderOnly ? [] : [i]));
  for (let i = 0; i < ruleCount; i++) {
    const type = Math.floor(next() * typeCount);
    const k = types[type]?.senderOnly ? 1 : 1 + Math.floor(next() * n);
    const sends = sendable.filter(() => next() < 0.45);
    const deliver = next() < 0.5;
    const stop = deliver && next() < 0.25;
    if (sends.length || deliver) rules.push({ type, k, sends, deliver, stop });
  }
  if (!rules.some((r) => r.deliver)) rules.push({ type: pick(types.map((_, i) => i)), k: 1, sends: [], deliver: true, stop: false });
  return { types, rules };
}

const FAULTS = { crash: { fault: 'crash', resilience: 2 }, byzantine: { fault: 'byzantine', resilience: 3 } } as const;
const GENERATED_SETTINGS: { id: string; fault: keyof typeof FAULTS | 'none' }[] = [
  { id: 'none:3', fault: 'none' },
  { id: 'crash:3', fault: 'crash' },
  { id: 'crash:4', fault: 'crash' },
  { id: 'crash:5:f=2', fault: 'crash' },
  { id: 'byz-nonsender:4', fault: 'byzantine' },
  { id: 'byz-sender:4', fault: 'byzantine' },
  { id: 'byz-sender:5:f=2', fault: 'byzantine' },
];

test('generated rule tables: lazy and eager receipts agree on every verdict where both searches finish', async () => {
  const next = rng(20261207);
  let compared = 0;
  const seen = { VERIFIED: 0, VIOLATED: 0 } as Record<string, number>;
  let eagerStates = 0;
  let lazyStates = 0;
  const disagreements: string[] = [];
  for (let i = 0; i < 70; i++) {
    const { id, fault } = GENERATED_SETTINGS[i % GENERATED_SETTINGS.length] as (typeof GENERATED_SETTINGS)[number];
    const proto = fault === 'none' ? { fault: 'none' as const } : FAULTS[fault];
    const setting = settingFor(proto, id) as ResolvedSetting;
    const { table } = canonicalize(randomTable(next, setting.n), setting);
    if (table.types.length === 0) continue;
    const { eager, lazy } = await both(table, setting, 'interpreter');
    assert.ok(lazy.verdict === 'VERIFIED' || lazy.verdict === 'VIOLATED', `lazy search of a small setting must finish: ${describe(lazy)}`);
    if (eager.verdict !== 'VERIFIED' && eager.verdict !== 'VIOLATED') continue;
    compared++;
    seen[eager.verdict] = (seen[eager.verdict] ?? 0) + 1;
    if (eager.verdict === 'VERIFIED') {
      eagerStates += eager.stats?.states ?? 0;
      lazyStates += lazy.stats?.states ?? 0;
    }
    if (eager.verdict !== lazy.verdict) disagreements.push(`${id} ${JSON.stringify(table)}: eager ${describe(eager)}, lazy ${describe(lazy)}`);
  }
  assert.deepEqual(disagreements, []);
  assert.ok(compared >= 50, `only ${compared} pairs finished under the eager budget`);
  assert.ok((seen.VERIFIED ?? 0) >= 5 && (seen.VIOLATED ?? 0) >= 5, `the corpus must hold both verdicts: ${JSON.stringify(seen)}`);
  assert.ok(lazyStates * 3 < eagerStates, `lazy receipts should explore far fewer states (${lazyStates} vs ${eagerStates})`);
});

test('examples and broken fixtures: lazy and eager receipts agree in the settings where eager finishes', async () => {
  const cases: { name: string; protocol: Protocol; settings: string[] }[] = [
    ...readdirSync(EXAMPLES_DIR)
      .filter((f) => f.endsWith('.rbp'))
      .map((f) => ({ name: f, protocol: example(f), settings: ['none:3', 'crash:3', 'crash:4', 'byz-nonsender:4', 'byz-sender:4', 'byz-nonsender:6'] })),
    ...readdirSync(FIXTURES_DIR)
      .filter((f) => f.endsWith('.rbp') && f !== 'malformed.rbp')
      .map((f) => ({ name: f, protocol: fixture(f), settings: ['none:3', 'crash:3', 'byz-nonsender:4', 'byz-sender:4', 'byz-nonsender:5'] })),
  ];
  let compared = 0;
  let violated = 0;
  for (const c of cases) {
    for (const id of c.settings) {
      const spec = parseSettingId(id);
      if ((spec.kind === 'crash') !== (c.protocol.fault === 'crash') && spec.kind !== 'none') continue;
      const setting = resolveSetting(c.protocol, spec);
      if (!setting) continue;
      const { table } = canonicalize(instantiate(c.protocol, setting), setting);
      if (table.types.length === 0) continue;
      const { eager, lazy } = await both(table, setting, 'compiled');
      assert.ok(lazy.verdict === 'VERIFIED' || lazy.verdict === 'VIOLATED', `${c.name} ${id} lazy: ${describe(lazy)}`);
      if (eager.verdict !== 'VERIFIED' && eager.verdict !== 'VIOLATED') continue;
      compared++;
      if (eager.verdict === 'VIOLATED') violated++;
      assert.equal(lazy.verdict, eager.verdict, `${c.name} ${id}: eager ${describe(eager)}, lazy ${describe(lazy)}`);
    }
  }
  assert.ok(compared >= 15 && violated >= 4, `compared ${compared}, violated ${violated}`);
});

test('threshold and per-value mutants of the Byzantine examples: lazy and eager receipts agree', async () => {
  // The kind of variant a person or the synthesizer writes: one quorum moved to another standard
  // threshold, or a type switched between once and once per value.
  const mutants: { name: string; protocol: Protocol; settings: string[] }[] = [];
  for (const [file, ids] of [
    ['bracha.rbp', ['byz-nonsender:4', 'byz-sender:4']],
    ['figure3.rbp', ['byz-nonsender:4', 'byz-sender:4']],
    ['imbs-raynal.rbp', ['byz-nonsender:6']],
  ] as const) {
    const base = example(file);
    base.rules.forEach((r, i) => {
      if (r.trigger.kind !== 'quorum') return;
      for (const [t, threshold] of Object.entries(STANDARD_THRESHOLDS)) {
        const rules = base.rules.map((x, j) => (j === i && x.trigger.kind === 'quorum' ? { ...x, trigger: { ...x.trigger, threshold } } : x));
        mutants.push({ name: `${file} rule ${i + 1} from ${t}`, protocol: { ...base, rules }, settings: [...ids] });
      }
    });
    base.messages.forEach((m, i) => {
      if (base.rules.some((r) => r.trigger.kind === 'sender' && r.trigger.type === m.name)) return;
      const messages = base.messages.map((x, j) => (j === i ? { ...x, perValue: !x.perValue } : x));
      mutants.push({ name: `${file} ${m.name} ${m.perValue ? 'once' : 'per value'}`, protocol: { ...base, messages }, settings: [...ids] });
    });
  }
  let compared = 0;
  const seen = { VERIFIED: 0, VIOLATED: 0 } as Record<string, number>;
  const disagreements: string[] = [];
  for (const m of mutants) {
    for (const id of m.settings) {
      const setting = resolveSetting(m.protocol, parseSettingId(id)) as ResolvedSetting;
      const { table } = canonicalize(instantiate(m.protocol, setting), setting);
      if (table.types.length === 0) continue;
      const { eager, lazy } = await both(table, setting, 'interpreter');
      assert.ok(lazy.verdict === 'VERIFIED' || lazy.verdict === 'VIOLATED', `${m.name} ${id} lazy: ${describe(lazy)}`);
      if (eager.verdict !== 'VERIFIED' && eager.verdict !== 'VIOLATED') continue;
      compared++;
      seen[eager.verdict] = (seen[eager.verdict] ?? 0) + 1;
      if (eager.verdict !== lazy.verdict) disagreements.push(`${m.name} ${id}: eager ${describe(eager)}, lazy ${describe(lazy)}`);
    }
  }
  assert.deepEqual(disagreements, []);
  assert.ok(compared >= 40 && (seen.VERIFIED ?? 0) >= 5 && (seen.VIOLATED ?? 0) >= 10, `compared ${compared}: ${JSON.stringify(seen)}`);
});

test("a step that is a process's last (a stop rule) falls back to eager receipts, where lazy ones verified a violated table", async () => {
  // Found by generated variants: a correct process holds 4 of the 5 T0 it needs (postponed by the
  // lazy encoding, as they reach no threshold), then a T1 makes it send T0 to itself and stop. The
  // eager run delivers in that step with its own T0 as the fifth; the lazy run stops with the four
  // still in transit and never delivers, so it missed the Byzantine sender's split delivery.
  const table: RuleTable = {
    types: [
      { name: 'T0', perValue: false, senderOnly: false },
      { name: 'T1', perValue: true, senderOnly: false },
    ],
    rules: [
      { type: 0, k: 5, sends: [], deliver: true, stop: false },
      { type: 1, k: 1, sends: [0, 1], deliver: false, stop: true },
    ],
  };
  const setting = settingFor(FAULTS.byzantine, 'byz-sender:5:f=2') as ResolvedSetting;
  const opts = { engine: 'interpreter', limits: LIMITS, chart: false, shortest: false } as const;
  const eager = await harness.check(table, setting, { ...opts, receipts: 'eager' });
  assert.equal(eager.verdict, 'VIOLATED', describe(eager));
  const forcedLazy = await harness.check(table, setting, { ...opts, receipts: 'lazy' });
  assert.equal(forcedLazy.verdict, 'VERIFIED', `the raw lazy encoding's blind spot: ${describe(forcedLazy)}`);
  const chosen = await harness.check(table, setting, opts);
  assert.equal(chosen.verdict, 'VIOLATED', describe(chosen));
  assert.equal(chosen.property, eager.property);
  // Without the stop rule the process goes on and takes the postponed messages: lazy stays in use.
  assert.equal(lazyReceiptsSound({ ...table, rules: table.rules.map((r) => ({ ...r, stop: false })) }, setting), true);
  assert.equal(lazyReceiptsSound(table, setting), false);
});
