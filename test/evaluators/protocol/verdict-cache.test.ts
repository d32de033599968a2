// The verdict cache never serves a verdict for an input it was not computed for: its key covers
// the model text, N, f and the faulty processes, the fault model, the properties, the compile
// flags, pan's arguments, the limits and the product version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProtocolOrThrow } from '../../../src/evaluators/protocol/language/parser';
import { resolveSetting, parseSettingId, type ResolvedSetting } from '../../../src/evaluators/protocol/model/settings';
import { instantiate } from '../../../src/evaluators/protocol/model/table';
import { SpinHarness } from '../../../src/evaluators/protocol/spin/harness';
import { PRODUCT_VERSION, verdictKey } from '../../../src/evaluators/protocol/verdict-key';
import { ProtocolVerifier } from '../../../src/evaluators/protocol/verify';
import { requireSpin, settings } from './support';

requireSpin();

/** Absolute thresholds: the rule table is the same for every f, only the adversary differs. */
function echoTwo(resilience: number): string {
  return `protocol EchoTwo
fault byzantine
resilience N > ${resilience}f
message INIT
message ECHO
on broadcast: send INIT
on INIT from sender: send ECHO
on ECHO from 2: deliver
`;
}

test('two protocols that differ only in resilience do not share a cached verdict', async () => {
  const verifier = new ProtocolVerifier();
  const strict = parseProtocolOrThrow(echoTwo(3));
  const loose = parseProtocolOrThrow(echoTwo(2));
  const limits = { timeMs: 120_000, memoryMb: 2048, maxStates: 2_000_000 };
  const a = await verifier.verify(strict, { settings: settings('byz-nonsender:5'), limits, chart: false });
  assert.equal(a.settings[0]?.verdict, 'VERIFIED', 'one Byzantine process cannot make 2 ECHOs of a forged value');
  const b = await verifier.verify(loose, { settings: settings('byz-nonsender:5'), limits, chart: false });
  assert.equal(b.settings[0]?.cached, undefined, 'f = 2 is a different check');
  assert.equal(b.settings[0]?.verdict, 'VIOLATED');
  assert.equal(b.settings[0]?.property, 'RB-Integrity');
  const fresh = await new ProtocolVerifier().verify(loose, { settings: settings('byz-nonsender:5'), limits, chart: false });
  assert.equal(fresh.settings[0]?.verdict, b.settings[0]?.verdict);
  // Asking again for the same input is served from the cache.
  const again = await verifier.verify(loose, { settings: settings('byz-nonsender:5'), limits, chart: false });
  assert.equal(again.settings[0]?.cached, true);
  assert.equal(again.settings[0]?.verdict, 'VIOLATED');
});

test('the key changes with every input of a verdict', () => {
  const harness = new SpinHarness();
  const p = parseProtocolOrThrow(echoTwo(3));
  const at = (id: string, f?: number): ResolvedSetting => resolveSetting(p, { ...parseSettingId(id), ...(f !== undefined ? { f } : {}) }) as ResolvedSetting;
  const table = (s: ResolvedSetting) => instantiate(p, s);
  const limits = { timeMs: 60_000, memoryMb: 1024 };
  const key = (s: ResolvedSetting, o: Partial<{ engine: 'interpreter' | 'compiled'; limits: typeof limits & { maxStates?: number }; exactReceipts: boolean }> = {}) =>
    harness.verdictKey(table(s), s, { engine: o.engine ?? 'interpreter', limits: o.limits ?? limits, exactReceipts: o.exactReceipts ?? false });
  const base = key(at('byz-nonsender:5'));
  const variants = [
    key(at('byz-nonsender:5', 2)),
    key(at('byz-nonsender:6')),
    key(at('byz-sender:5')),
    key(at('crash:5')),
    key(at('byz-nonsender:5'), { engine: 'compiled' }),
    key(at('byz-nonsender:5'), { exactReceipts: true }),
    key(at('byz-nonsender:5'), { limits: { ...limits, timeMs: 30_000 } }),
    key(at('byz-nonsender:5'), { limits: { ...limits, memoryMb: 2048 } }),
    key(at('byz-nonsender:5'), { limits: { ...limits, maxStates: 1000 } }),
  ];
  for (const v of variants) assert.notEqual(v, base);
  assert.equal(new Set(variants).size, variants.length);
  assert.equal(key(at('byz-nonsender:5')), base, 'the key is a function of its inputs');

  // The pure key also covers the product version, the toolchain and the flags.
  const s = at('byz-nonsender:5');
  const inputs = { product: PRODUCT_VERSION, toolchain: 'spin 6.5.2 | gcc', engine: 'interpreter' as const, setting: s, model: 'm', table: 't', ccFlags: ['-O2'], bfsFlags: ['-DBFS'], panArgs: ['-m100000'], env: {}, limits, exactReceipts: false };
  const k0 = verdictKey(inputs);
  for (const change of [{ product: `${PRODUCT_VERSION}+1` }, { toolchain: 'spin 6.5.1 | gcc' }, { ccFlags: ['-O0'] }, { bfsFlags: [] }, { panArgs: ['-m1000'] }, { model: 'm2' }, { table: 't2' }, { env: { PE_MAX_STATES: '5' } }])
    assert.notEqual(verdictKey({ ...inputs, ...change }), k0, JSON.stringify(change));
});
