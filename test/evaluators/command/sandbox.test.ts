// Hostile evaluator commands against the bubblewrap sandbox: daemons, stray children, limits,
// what the command can see and write. Processes are found by a marker in their arguments.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { EvalResult, Evaluator, JsonValue } from '../../../src/core/types';
import { createCommandEvaluator } from '../../../src/evaluators/command';
import { tempDir } from '../../helpers/tmp';

const candidate = { id: 'c1', code: 'print(1)\n', fileName: 'policy.py', hash: 'h' };

async function run(options: { [key: string]: JsonValue }, baseDir = tempDir()): Promise<EvalResult> {
  const ev: Evaluator = await createCommandEvaluator(options, { baseDir, sandbox: () => { throw new Error('not used'); } });
  return ev.evaluate(candidate, await ev.workloads(), new AbortController().signal);
}

/** A unique `sleep` duration: a process carrying it can be found on the host afterwards. */
function marker(): string {
  return `4${String(randomBytes(3).readUIntBE(0, 3)).padStart(8, '0')}`;
}

function processesWith(mark: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const state = readFileSync(`/proc/${name}/stat`, 'latin1');
      if (state.slice(state.lastIndexOf(')') + 2, state.lastIndexOf(')') + 3) === 'Z') continue;
      if (readFileSync(`/proc/${name}/cmdline`, 'latin1').split('\0').includes(mark)) found.push(Number(name));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

test('a setsid daemon holding stdout neither delays the result nor outlives the evaluation', { timeout: 900_000 }, async () => {
  const mark = marker();
  // The time limit is far off: an evaluation that waited for the daemon's pipe would end as a timeout.
  const r = await run({ command: `setsid sleep ${mark} & echo '{"score": 7}' #`, timeoutSeconds: 60 });
  assert.equal(r.ok, true, r.error);
  assert.equal(r.score, 7);
  assert.deepEqual(processesWith(mark), [], 'the daemon is gone with the evaluation');
});

test('a double-forked daemon (fork, setsid, fork, no stdio) does not outlive the evaluation', { timeout: 900_000 }, async () => {
  const mark = marker();
  const r = await run({ command: `setsid sh -c 'sleep ${mark} </dev/null >/dev/null 2>&1 &' </dev/null >/dev/null 2>&1; echo '{"score": 1}' #`, timeoutSeconds: 60 });
  assert.equal(r.ok, true, r.error);
  assert.deepEqual(processesWith(mark), []);
});

test('a command that exits leaving background children ends with its own result, not a timeout', { timeout: 900_000 }, async () => {
  const mark = marker();
  const r = await run({ command: `sleep ${mark} & sleep ${mark} & echo '{"score": 2}' #`, timeoutSeconds: 60 });
  assert.equal(r.ok, true, r.error);
  assert.equal(r.score, 2);
  assert.deepEqual(processesWith(mark), []);
});

test('the command sees its own processes only, with an environment of PATH, locale and its inputs', { timeout: 900_000 }, async () => {
  process.env.OPENAI_API_KEY = 'sk-marker-env-7f3a';
  process.env.POLICY_EVOLVER_BROKER_URL = 'amqp://user:pw-marker-7f3a@localhost';
  process.env.SOME_SETTING = 'setting-value';
  try {
    const dir = tempDir();
    writeFileSync(join(dir, 'probe.sh'), [
      // Every environment and command line readable through /proc, and the process count.
      `all=$(for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/environ; tr '\\0' ' ' < $p/cmdline; done 2>/dev/null)`,
      `case "$all" in *marker-7f3a*) leaked=1 ;; *) leaked=0 ;; esac`,
      `printf '{"score": %s, "metrics": {"processes": %s}, "feedback": "%s"}\\n' "$leaked" "$(ls -d /proc/[0-9]* | wc -l)" "$(env | cut -d= -f1 | sort | tr '\\n' ' ')"`,
    ].join('\n'));
    const r = await run({ command: 'sh probe.sh {file}' }, dir);
    assert.equal(r.ok, true, r.error);
    assert.equal(r.score, 0, 'no secret is readable anywhere under /proc');
    assert.ok((r.metrics.processes ?? 99) < 10, `only the sandbox's own processes are visible, saw ${r.metrics.processes}`);
    const names = r.feedback.trim().split(' ');
    assert.ok(!names.includes('SOME_SETTING') && !names.includes('OPENAI_API_KEY'), names.join(' '));
    assert.ok(names.includes('POLICY_EVOLVER_CANDIDATE') && names.includes('PATH'), names.join(' '));
    const passed = await run({ command: `printf '{"score": 1, "feedback": "%s"}' "$SOME_SETTING" #`, env: ['SOME_SETTING'] });
    assert.equal(passed.feedback, 'setting-value', 'a variable named in `env` is passed through');
  } finally {
    delete process.env.OPENAI_API_KEY;
    delete process.env.POLICY_EVOLVER_BROKER_URL;
    delete process.env.SOME_SETTING;
  }
});

test('credentials cannot be passed through by name', { timeout: 900_000 }, async () => {
  await assert.rejects(createCommandEvaluator({ command: 'x', env: ['OPENAI_API_KEY'] }, { baseDir: tempDir(), sandbox: () => { throw new Error('not used'); } }), /looks like a credential/);
});

test('the system and the evaluator folder are read-only; the scratch folder is writable', { timeout: 900_000 }, async () => {
  const dir = tempDir();
  const r = await run({
    command: `touch /usr/pe-probe 2>/dev/null && a=1 || a=0; touch pe-probe 2>/dev/null && b=1 || b=0; touch "$HOME/x" && touch "$TMPDIR/y" && touch /tmp/z && c=1 || c=0; echo "{\\"score\\": 1, \\"metrics\\": {\\"system\\": $a, \\"cwd\\": $b, \\"scratch\\": $c}}" #`,
  }, dir);
  assert.equal(r.ok, true, r.error);
  assert.deepEqual(r.metrics, { system: 0, cwd: 0, scratch: 1 });
  assert.deepEqual(readdirSync(dir), [], 'nothing was written to the evaluator folder');
});

test('no network unless the run opts in', { timeout: 900_000 }, async () => {
  const count = `echo "{\\"score\\": $(tail -n +3 /proc/net/dev | grep -vc '^ *lo:')}" #`;
  const isolated = await run({ command: count });
  assert.equal(isolated.ok, true, isolated.error);
  assert.equal(isolated.score, 0, 'only the loopback interface exists');
  const hostInterfaces = readFileSync('/proc/net/dev', 'utf8').split('\n').slice(2).filter((l) => l.trim() && !/^\s*lo:/.test(l)).length;
  const shared = await run({ command: count, network: true });
  assert.equal(shared.score, hostInterfaces, 'with network: true the host network is shared');
});

test('memory, process and CPU limits apply to the whole process tree', { timeout: 900_000 }, async () => {
  const memory = await run({ command: `for i in 1 2 3 4; do python3 -c "x = bytearray(40 << 20); import time; time.sleep(60)" & done; wait #`, memoryMb: 100 });
  assert.match(memory.error ?? '', /exceeded its 100 MB memory limit and was killed \(resident memory reached \d+ MB\)/);
  const processes = await run({ command: 'for i in $(seq 1 64); do sleep 60 & done; wait #', maxProcesses: 16 });
  assert.match(processes.error ?? '', /exceeded its limit of 16 processes and was killed/);
  const cpu = await run({ command: `python3 -c "while True: pass" & python3 -c "while True: pass" & wait #`, cpuSeconds: 1 });
  assert.match(cpu.error ?? '', /exceeded its 1 s CPU time limit and was killed/);
});

test('a sandbox that cannot be built is a failed evaluation naming the reason', { timeout: 900_000 }, async () => {
  const r = await run({ command: 'true', cwd: '/nonexistent-folder-for-the-sandbox' });
  assert.equal(r.ok, false);
  assert.match(r.error ?? '', /the command sandbox failed: bwrap: .*nonexistent-folder-for-the-sandbox/);
});
