// The run tracker: progress and status notifications from the server become the status bar, the
// cancellable progress notification, the runActive context, log lines and error messages.
import './use-vscode-stub';
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatNumber, RunTracker, statusText } from '../../src/extension/run-tracker';
import type { RunProgress } from '../../src/messages/progress';
import { LogOutputChannel, stub } from './vscode-stub';

beforeEach(() => stub.reset());

function progress(done: number, extra: Partial<RunProgress> = {}): RunProgress {
  return { done, target: 10, bestScore: 2.5, spendUsd: 0.125, ...extra } as RunProgress;
}

function tracker(): { tracker: RunTracker; output: LogOutputChannel; stopped: string[] } {
  const output = new LogOutputChannel('test');
  const stopped: string[] = [];
  const t = new RunTracker(output as never, (runId) => stopped.push(runId));
  return { tracker: t, output, stopped };
}

test('numbers are short: four decimals, exponents for the very large and very small', () => {
  assert.equal(formatNumber(2.123456), '2.1235');
  assert.equal(formatNumber(-0.5), '-0.5');
  assert.equal(formatNumber(0), '0');
  assert.equal(formatNumber(123456), '1.235e+5');
  assert.equal(formatNumber(0.0001234), '1.234e-4');
});

test('the status text counts candidates against the budget with the best score and the spend', () => {
  assert.match(statusText({ runId: 'r', file: '/w/p.js', status: 'running' }), /p\.js: starting/);
  const text = statusText({ runId: 'r', file: '/w/p.js', status: 'running', progress: progress(3) });
  assert.match(text, /3\/10 candidates/);
  assert.match(text, /best 2\.5/);
  assert.match(text, /\$0\.13/);
});

test('a running run shows in the status bar and sets runActive; when it ends both go away', () => {
  const { tracker: t, output } = tracker();
  const item = stub.statusBarItems[0];
  assert.ok(item, 'the tracker owns a status bar item');
  t.onStatus({ runId: 'r1', status: 'running', file: '/w/p.js' });
  t.onEvent({ runId: 'r1', event: { kind: 'progress', progress: progress(4) } as never });
  assert.equal(item.visible, true);
  assert.match(item.text, /4\/10 candidates/);
  assert.equal(stub.context.get('policyEvolver.runActive'), true);
  assert.deepEqual(t.running().map((r) => r.runId), ['r1']);

  t.onStatus({ runId: 'r1', status: 'ended', reason: 'budget-candidates', file: '/w/p.js' });
  assert.equal(item.visible, false);
  assert.equal(stub.context.get('policyEvolver.runActive'), false);
  assert.deepEqual(t.running(), []);
  assert.ok(output.lines.some((l) => l.level === 'info' && /r1 ended \(budget-candidates\)/.test(l.text)));
  assert.deepEqual(stub.shown('error'), []);
});

test('a failed run is an error message naming the file and the reason, and an error in the log', () => {
  const { tracker: t, output } = tracker();
  t.onStatus({ runId: 'r2', status: 'running', file: '/w/policy.py' });
  t.onStatus({ runId: 'r2', status: 'failed', message: 'the API key was refused (401)', file: '/w/policy.py' });
  const [shown] = stub.shown('error');
  assert.match(shown ?? '', /policy\.py/);
  assert.match(shown ?? '', /the API key was refused \(401\)/);
  assert.ok(output.lines.some((l) => l.level === 'error' && /r2.*the API key was refused/.test(l.text)));
});

test('the progress notification reports each step and cancelling it stops the run', () => {
  const { tracker: t, stopped } = tracker();
  t.onStatus({ runId: 'r3', status: 'running', file: '/w/p.js' });
  t.showProgress('r3', '/w/p.js');
  t.showProgress('r3', '/w/p.js');
  assert.equal(stub.progress.length, 1, 'one notification per run');
  const notification = stub.progress[0];
  assert.match(notification?.title ?? '', /p\.js/);
  t.onEvent({ runId: 'r3', event: { kind: 'progress', progress: progress(5) } as never });
  assert.match(notification?.reports.at(-1)?.message ?? '', /5\/10 candidates/);
  assert.equal(notification?.reports.at(-1)?.increment, 50);
  notification?.cancel();
  assert.deepEqual(stopped, ['r3']);
});

test('log and new-best events reach the output channel', () => {
  const { tracker: t, output } = tracker();
  t.onEvent({ runId: 'r4', event: { kind: 'log', level: 'warn', message: 'slow evaluator' } as never });
  t.onEvent({ runId: 'r4', event: { kind: 'new-best', id: 'c7', score: 3, previous: 2 } as never });
  assert.ok(output.lines.some((l) => l.level === 'warn' && l.text === '[r4] slow evaluator'));
  assert.ok(output.lines.some((l) => l.level === 'info' && /\[r4\] new best c7: 3 \(was 2\)/.test(l.text)));
});

test('listeners hear which run changed', () => {
  const { tracker: t } = tracker();
  const heard: { runId: string; candidates: boolean }[] = [];
  t.onDidChange((e) => heard.push(e));
  t.onEvent({ runId: 'r5', event: { kind: 'log', level: 'info', message: 'x' } as never });
  t.onStatus({ runId: 'r5', status: 'stopped', file: '/w/p.js' });
  assert.deepEqual(heard, [
    { runId: 'r5', candidates: false },
    { runId: 'r5', candidates: true },
  ]);
});
