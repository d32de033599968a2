import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { parseProtocol, parseProtocolOrThrow, ProtocolSyntaxError } from '../../../src/evaluators/protocol/language/parser';
import { formatProtocol } from '../../../src/evaluators/protocol/language/format';
import { evalExpr, printExpr, thresholdCount } from '../../../src/evaluators/protocol/language/expr';
import { EXAMPLES_DIR, exampleText } from './support';

const examples = readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.rbp'));

test('every example parses and formats to a fixed point that keeps comments and markers', () => {
  assert.ok(examples.length >= 4);
  for (const name of examples) {
    const text = exampleText(name);
    const p = parseProtocolOrThrow(text);
    const once = formatProtocol(p);
    const twice = formatProtocol(parseProtocolOrThrow(once));
    assert.equal(twice, once, name);
    assert.ok(once.includes('# EVOLVE-BLOCK-START') && once.includes('# EVOLVE-BLOCK-END'), name);
    assert.equal(once.split('\n').filter((l) => l.startsWith('#')).length, text.split('\n').filter((l) => l.startsWith('#')).length, `${name} keeps its comment lines`);
  }
});

test('the shipped examples are in canonical form, and format keeps blank lines where the file has them', () => {
  for (const name of examples) assert.equal(formatProtocol(parseProtocolOrThrow(exampleText(name))), exampleText(name), `${name} is what format prints`);
  const text = '# header\n\nprotocol X\nfault crash\n\n# EVOLVE-BLOCK-START\nmessage A\n\non broadcast: send A\non A from 1:  deliver\n# EVOLVE-BLOCK-END\n';
  assert.equal(formatProtocol(parseProtocolOrThrow(text)), text);
  // No blank line is invented before a closing comment, and none leads the output.
  assert.equal(formatProtocol(parseProtocolOrThrow('\n\nprotocol X\nfault crash\nmessage A\non broadcast: send A\n# end\n')), 'protocol X\nfault crash\nmessage A\non broadcast: send A\n# end\n');
});

test('Bracha parses into the expected rules', () => {
  const p = parseProtocolOrThrow(exampleText('bracha.rbp'));
  assert.equal(p.name, 'Bracha');
  assert.equal(p.fault, 'byzantine');
  assert.deepEqual(p.messages.map((m) => m.name), ['INIT', 'ECHO', 'READY']);
  assert.equal(p.rules.length, 5);
  const echo = p.rules[2]?.trigger;
  assert.ok(echo?.kind === 'quorum' && echo.threshold.op === '>');
  // More than (N+f)/2 of N = 4, f = 1 is 3; at N = 7, f = 2 it is 5.
  assert.equal(thresholdCount(echo.threshold, { N: 4, f: 1 }), 3);
  assert.equal(thresholdCount(echo.threshold, { N: 7, f: 2 }), 5);
});

test('thresholds are exact rationals, printed as written in papers', () => {
  const p = parseProtocolOrThrow('protocol X\nfault byzantine\nmessage A\non broadcast: send A\non A from ceil((N+f+1)/2): deliver\non A from floor((N+f)/2)+1: send A\n');
  const t0 = p.rules[1]?.trigger;
  const t1 = p.rules[2]?.trigger;
  assert.ok(t0?.kind === 'quorum' && t1?.kind === 'quorum');
  assert.equal(printExpr(t0.threshold.expr), 'ceil((N+f+1)/2)');
  assert.equal(printExpr(t1.threshold.expr), 'floor((N+f)/2)+1');
  assert.deepEqual(evalExpr(t0.threshold.expr, { N: 4, f: 1 }), { n: 3, d: 1 });
  const q = parseProtocolOrThrow('protocol X\nfault crash\nmessage A\non broadcast: send A\non A from 2f + 1: deliver\non A from 2(N-f): send A\n');
  const r1 = q.rules[1]?.trigger;
  const r2 = q.rules[2]?.trigger;
  assert.ok(r1?.kind === 'quorum' && r2?.kind === 'quorum');
  assert.equal(printExpr(r1.threshold.expr), '2f+1');
  assert.equal(thresholdCount(r2.threshold, { N: 5, f: 2 }), 6);
  // Thresholds below one count as one: a process only reacts to values it has received.
  const z = parseProtocolOrThrow('protocol X\nfault byzantine\nmessage A\non broadcast: send A\non A from f: deliver\n').rules[1]?.trigger;
  assert.ok(z?.kind === 'quorum');
  assert.equal(thresholdCount(z.threshold, { N: 3, f: 0 }), 1);
});

test('actions may continue on indented lines', () => {
  const p = parseProtocolOrThrow('protocol X\nfault crash\nmessage D, R\non broadcast: send D\non D from sender:\n  deliver\n  send R\non R from 1: deliver, send R\n');
  assert.deepEqual(p.rules[1]?.actions.map((a) => a.kind), ['deliver', 'send']);
  assert.match(formatProtocol(p), /on D from sender: deliver, send R/);
});

function issues(text: string): string[] {
  const r = parseProtocol(text);
  assert.equal(r.ok, false, 'expected a parse error');
  return r.ok ? [] : r.issues.map((i) => `${i.line}:${i.column}: ${i.message}`);
}

test('malformed files get line:column errors', () => {
  const head = 'protocol X\nfault byzantine\nmessage INIT, ECHO\non broadcast: send INIT\n';
  assert.match(issues(`${head}on ECHO from 2f+1 deliver\n`)[0] as string, /^5:19: expected ':' after the trigger but found 'deliver'/);
  assert.match(issues(`${head}on ECH0 from 2f+1: deliver\n`)[0] as string, /^5:4: message type ECH0 is not declared \(did you mean ECHO\?\)/);
  assert.match(issues(`${head}on ECHO from 2g+1: deliver\n`)[0] as string, /^5:15: unknown name 'g'/);
  assert.match(issues(`${head}on ECHO from 2f+1: deliver, shout\n`)[0] as string, /^5:29: unknown action 'shout'/);
  assert.match(issues(`${head}on ECHO >= 3: deliver\n`)[0] as string, /^5:9: expected 'from'/);
  assert.match(issues(`${head}on ECHO from (N+f: deliver\n`)[0] as string, /^5:18: expected '\)'/);
  assert.match(issues(`${head}on ECHO from N/(N-N): deliver\n`)[0] as string, /^5:1: the threshold divides by zero/);
  assert.match(issues(`${head}on INIT from sender: send INIT\n`)[0] as string, /^5:22: INIT is read 'from sender'.*only 'on broadcast' may send it/);
  assert.match(issues(`${head}on INIT from sender: send ECHO\non INIT from 2: deliver\n`)[0] as string, /^6:1: INIT is read 'from sender' at line 5/);
  assert.match(issues('protocol X\nmessage A\non broadcast: send A\n')[0] as string, /^1:1: missing 'fault none\|crash\|byzantine' line/);
  assert.match(issues('protocol X\nfault omission\n')[0] as string, /^2:7: unknown fault model 'omission'/);
  assert.match(issues(`${head}on ECHO from 2f+1: deliver !\n`)[0] as string, /^5:28: unexpected character '!'/);
  assert.match(issues(`${head}message Z\n  deliver\n`)[0] as string, /^6:3: expected a statement/);
  // Every issue is reported, not only the first.
  assert.equal(issues(`${head}on A from 1: deliver\non B from 1: deliver\n`).length, 2);
});

test('parseProtocolOrThrow raises one error listing every issue', () => {
  assert.throws(() => parseProtocolOrThrow('protocol X\nfault crash\non broadcast: send Z\n'), (err: unknown) => {
    assert.ok(err instanceof ProtocolSyntaxError);
    assert.equal(err.first.line, 3);
    assert.match(err.message, /^3:15: message type Z is not declared/);
    return true;
  });
});
