// `protocol export-ta` writes what ByMC accepts: every example's and fixture's automaton passes a
// checker of ByMC's published grammar and of its specification checker's forms, and `stop` is
// encoded, so a stopped process cannot deliver in the automaton when Spin says it never does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseProtocol, parseProtocolOrThrow } from '../../../src/evaluators/protocol/language/parser';
import { exportThresholdAutomaton, TaExportError } from '../../../src/evaluators/protocol/ta-export';
import { ProtocolVerifier } from '../../../src/evaluators/protocol/verify';
import { checkThresholdAutomaton, TaSyntaxError } from './bymc-ta';
import { EXAMPLES_DIR, FIXTURES_DIR, requireSpin, settings } from './support';

const files = [...readdirSync(EXAMPLES_DIR).map((f) => join(EXAMPLES_DIR, f)), ...readdirSync(FIXTURES_DIR).map((f) => join(FIXTURES_DIR, f))].filter((f) => f.endsWith('.rbp'));

test('every example and fixture with faults exports an automaton ByMC\'s grammar and specification checker accept', () => {
  let exported = 0;
  for (const file of files) {
    const parsed = parseProtocol(readFileSync(file, 'utf8'));
    if (!parsed.ok || parsed.protocol.fault === 'none') continue;
    let ta: string;
    try {
      ta = exportThresholdAutomaton(parsed.protocol);
    } catch (err) {
      if (err instanceof TaExportError) continue;
      throw err;
    }
    assert.doesNotThrow(() => checkThresholdAutomaton(ta), `${file}`);
    const summary = checkThresholdAutomaton(ta);
    assert.deepEqual(summary.specifications, ['unforg', 'corr', 'relay'], file);
    assert.ok(summary.rules.length > 0, file);
    exported++;
  }
  assert.ok(exported >= 6, `exported ${exported} files`);
});

const VALID = `skel Proc {
  local pc;
  shared nsnt;
  parameters N, T, F;
  assumptions (1) { N > 3 * T; }
  locations (2) { loc0: [0]; loc1: [1]; }
  inits (2) { loc0 == N - F; loc1 == 0; }
  rules (2) {
  0: loc0 -> loc1 when (nsnt >= T + 1 - F) do { nsnt' == nsnt + 1; };
  1: loc1 -> loc1 when (1) do { unchanged(nsnt); };
  }
  specifications (1) { live: <>[](loc0 == 0 || nsnt < T + 1 - F) -> <>(loc0 == 0); }
}
`;

test('the grammar checker accepts ByMC\'s forms and rejects what the old export wrote', () => {
  checkThresholdAutomaton(VALID);
  const bad = (from: string, to: string, why: RegExp): void => {
    const text = VALID.replace(from, to);
    assert.notEqual(text, VALID);
    assert.throws(() => checkThresholdAutomaton(text), (e: unknown) => e instanceof TaSyntaxError && why.test(e.message), to);
  };
  bad('<>[](loc0 == 0 || nsnt < T + 1 - F)', '<>[](loc0 == 0 || !(1))', /expected/);
  bad('when (nsnt >= T + 1 - F)', 'when (nsnt + F >= T + 1)', /left-hand side must be one shared counter/);
  bad('when (nsnt >= T + 1 - F)', 'when (2 * (nsnt + F) > N + T)', /left-hand side must be one shared counter/);
  bad('-> <>(loc0 == 0);', '-> <>(loc0 + loc1 == 0);', /left-hand side/);
  bad('when (1)', 'when (2)', /when \(1\)/);
  bad('loc1: [1];', 'loc1: [1; 2];', /All locations must contain the list of 1 integer values/);
  bad("do { nsnt' == nsnt + 1; }", "do { nsnt' == nsnt + 1 }", /expected ';'/);
});

test('stop is encoded: once stopped, a process never delivers in the automaton, and may stop without delivering as in Spin\'s counterexample', async () => {
  requireSpin();
  const p = parseProtocolOrThrow(`protocol StopEarly
fault crash
message DATA
message RELAY
on broadcast: send DATA
on DATA from sender: send RELAY, stop
on RELAY from 2: deliver, send RELAY
`);
  const r = await new ProtocolVerifier().verify(p, { settings: settings('none:3'), chart: false });
  assert.equal(r.settings[0]?.verdict, 'VIOLATED');
  assert.equal(r.settings[0]?.property, 'RB-Validity');
  const ta = exportThresholdAutomaton(p);
  const summary = checkThresholdAutomaton(ta);
  const stopped = summary.locations.filter((l) => l.endsWith('_stop'));
  assert.ok(stopped.length > 0, 'a location for stopped processes');
  // Once stopped, a process only stays (or crashes): it can no longer deliver.
  for (const s of stopped) {
    const out = summary.rules.filter((x) => x.from === s && x.to !== 'locCR');
    assert.deepEqual(out.map((x) => x.to), [s], `${s} only loops (or crashes)`);
  }
  // Stopping before delivering is possible, as in Spin's counterexample.
  assert.ok(stopped.some((s) => !s.includes('_dlv')));
});
