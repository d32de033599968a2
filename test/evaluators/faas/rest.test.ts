// Eudoxia's REST scheduler protocol: a policy served over HTTP in any language (here Python)
// drives our simulator. A Python server deciding like Eudoxia's `naive` reproduces the golden
// naive case exactly, through the library and through `faas run rest`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerFaasCommands } from '../../../src/cli/commands/faas';
import { UserError } from '../../../src/cli/errors';
import { simulate } from '../../../src/evaluators/faas/engine/simulator';
import { readParamsFile } from '../../../src/evaluators/faas/io/params-file';
import { readTraceFile } from '../../../src/evaluators/faas/io/trace-csv';
import { restPolicy } from '../../../src/evaluators/faas/rest/rest-policy';
import { SyncHttpClient } from '../../../src/evaluators/faas/rest/sync-http';
import { differences } from './eudoxia/differential';

const GOLDEN = join(__dirname, '..', '..', 'fixtures', 'eudoxia', 'naive_defaults_10m');
const SERVER = join(__dirname, 'eudoxia', 'naive_rest_server.py');
const hasPython = spawnSync('python3', ['--version']).status === 0;

async function startServer(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn('python3', [SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  return { child, port: Number(chunk.toString().trim()) };
}

function expected(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(GOLDEN, 'expected.json'), 'utf8').replace(/\bNaN\b/g, 'null')) as Record<string, unknown>;
}

test('a Python naive scheduler over REST reproduces Eudoxia naive on the golden case', { skip: hasPython ? false : 'python3 is not available' }, async () => {
  const { child, port } = await startServer();
  const client = new SyncHttpClient();
  try {
    const params = { ...readParamsFile(join(GOLDEN, 'params.toml')), scheduler_algo: 'rest', rest_scheduler_addr: `127.0.0.1:${port}` };
    const outcome = simulate(readTraceFile(join(GOLDEN, 'trace.csv')), params, restPolicy(client, params));
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.failure.message);
    assert.equal(outcome.extra.invalid_decisions, 0);
    assert.deepEqual(differences(expected(), outcome.stats), []);
  } finally {
    client.close();
    child.kill();
  }
});

test('faas run rest: the CLI runs the server named by rest_scheduler_addr, and an unreachable one fails with the reason', { skip: hasPython ? false : 'python3 is not available' }, async () => {
  const { child, port } = await startServer();
  const run = async (addr: string): Promise<{ stdout: string; error?: UserError }> => {
    const program = new Command().exitOverride();
    let stdout = '';
    registerFaasCommands(program, { out: (t) => (stdout += t), err: () => undefined });
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'faas-rest-'));
    writeFileSync(join(dir, 'params.toml'), `${readFileSync(join(GOLDEN, 'params.toml'), 'utf8')}\nrest_scheduler_addr = "${addr}"\n`.replace(/scheduler_algo = "naive"/, 'scheduler_algo = "rest"'));
    try {
      await program.parseAsync(['node', 'policy-evolver', 'faas', 'run', 'rest', '--trace', join(GOLDEN, 'trace.csv'), '--params', join(dir, 'params.toml'), '--json']);
      return { stdout };
    } catch (e) {
      if (e instanceof UserError) return { stdout, error: e };
      throw e;
    }
  };
  try {
    const ok = await run(`127.0.0.1:${port}`);
    assert.equal(ok.error, undefined);
    const json = JSON.parse(ok.stdout) as Record<string, unknown>;
    delete json['extra'];
    assert.deepEqual(differences(expected(), json), []);
  } finally {
    child.kill();
  }
  const down = await run(`127.0.0.1:${port}`);
  assert.match(down.error?.message ?? '', /REST scheduler|cannot reach/);
});
