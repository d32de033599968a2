import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeTimeLimit, MAX_STRETCH } from '../../src/sandbox/time-verdict';

test('a worker that computed for its limit is a timeout of the candidate', () => {
  const v = judgeTimeLimit({ limitMs: 1000, wallMs: 1000, workerCpuSeconds: 0.9, hostIdleSeconds: 0 });
  assert.deepEqual(v, { kind: 'timeout', message: 'exceeded the 1000 ms time limit (it computed for 0.9 s of CPU time)' });
});

test('a worker that sat idle on an idle host is blamed for waiting', () => {
  const v = judgeTimeLimit({ limitMs: 1000, wallMs: 1000, workerCpuSeconds: 0.01, hostIdleSeconds: 1.8 });
  assert.equal(v.kind, 'timeout');
  assert.match(v.kind === 'timeout' ? v.message : '', /blocked or waited instead of computing/);
});

test('a starved worker on a busy host gets more time, then the host is named, not the candidate', () => {
  const first = judgeTimeLimit({ limitMs: 1000, wallMs: 1000, workerCpuSeconds: 0.2, hostIdleSeconds: 0.1 });
  assert.deepEqual(first, { kind: 'extend', ms: 800 });
  const last = judgeTimeLimit({ limitMs: 1000, wallMs: 1000 * MAX_STRETCH, workerCpuSeconds: 0.3, hostIdleSeconds: 0.2 });
  assert.equal(last.kind, 'overloaded');
  assert.match(last.kind === 'overloaded' ? last.message : '', /the host is overloaded: in 4\.0 s the sandbox worker got only 0\.3 s of CPU time.*not the candidate's fault/);
});

test('where CPU time cannot be measured the wall clock decides, as before', () => {
  assert.deepEqual(judgeTimeLimit({ limitMs: 500, wallMs: 500, workerCpuSeconds: undefined, hostIdleSeconds: undefined }), { kind: 'timeout', message: 'exceeded the 500 ms time limit' });
});
