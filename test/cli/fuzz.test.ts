// A few hundred malformed inputs through the real command tree: each must end with exit 0 (it was
// valid after all), 2 (usage), 3 (bad input) or 4 (the evaluation failed), with one line naming
// the problem; never an internal error, a stack trace, a crash or a hang.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';
import { fuzzCases } from './fuzz/cases';

const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
/** A case still running after this long is a hang: real cases take a second or two at most. */
const HANG_MS = 180_000;

test('malformed inputs: one line and a documented exit code, never a crash or a hang', { timeout: 1_800_000 }, async () => {
  const cases = fuzzCases();
  assert.ok(cases.length >= 300, `${cases.length} cases`);
  const file = join(tempDir(), 'cases.json');
  writeFileSync(file, JSON.stringify(cases));
  const child = spawn(process.execPath, ['--import', TSX, join(__dirname, 'fuzz', 'driver.ts'), file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, POLICY_EVOLVER_DEBUG: '' } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const results: { done: number; code: number; stderr: string; stdout: string }[] = [];
  let current = -1;
  let finished = false;
  let watchdog: NodeJS.Timeout | undefined;
  let hung = false;
  const arm = (): void => {
    if (watchdog) clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, HANG_MS);
  };
  arm();
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    const msg = JSON.parse(line) as { start?: number; done?: number; code?: number; stderr?: string; stdout?: string; finished?: number };
    if (msg.start !== undefined) {
      current = msg.start;
      arm();
    } else if (msg.done !== undefined) results.push(msg as { done: number; code: number; stderr: string; stdout: string });
    else if (msg.finished !== undefined) finished = true;
  });
  const exit = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  if (watchdog) clearTimeout(watchdog);
  const describe = (i: number): string => JSON.stringify({ ...cases[i], files: Object.fromEntries(Object.entries(cases[i]?.files ?? {}).map(([k, v]) => [k, v.length > 400 ? `${v.slice(0, 400)}…` : v])) });
  assert.ok(!hung, `case ${current} hung: ${describe(current)}`);
  assert.ok(finished && exit === 0, `the process died (exit ${exit}) in case ${current}: ${describe(current)}\n${stderr}`);
  const bad: string[] = [];
  for (const r of results) {
    // `cluster validate` is a checker: its report of every problem goes to standard output.
    const report = cases[r.done]?.args[1] === 'validate' && r.stderr === '' && r.code === 3 && /s\.json: invalid scenario/.test(r.stdout);
    const lines = report ? ['report'] : r.stderr.split('\n').filter((l) => l.trim() !== '' && !/^(warning|note):/.test(l));
    const problem =
      ![0, 2, 3, 4].includes(r.code) ? `exit ${r.code}` : /internal error/.test(r.stderr) ? 'internal error' : /\n\s+at /.test(r.stderr) ? 'stack trace' : r.code !== 0 && r.code !== 4 && lines.length !== 1 ? `${lines.length} lines` : undefined;
    if (problem) bad.push(`${problem}: ${describe(r.done)}\n  -> ${r.stderr.trim().slice(0, 600)}\n  stdout: ${r.stdout.trim().slice(0, 300)}`);
  }
  assert.deepEqual(bad, [], `${bad.length} of ${results.length} inputs misbehaved:\n${bad.join('\n')}`);
});
