// Scheduler servers in another language (`serve`): each candidate file is started by the user's
// command inside the command sandbox (bubblewrap) beside the simulator, talks Eudoxia's REST
// protocol over the sandbox's loopback, and is scored by the FaaS objective like a JS policy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CandidateSource, Evaluator } from '../../../src/core/types';
import { createFaasEvaluator } from '../../../src/evaluators/faas/evaluator';
import { probeCommandSandbox } from '../../../src/sandbox/command/probe';
import { cli, cliAsync } from '../../helpers/cli';
import { startFakeLlmServer } from '../../helpers/fake-llm-server';
import { tempDir } from '../../helpers/tmp';

const ROOT = join(__dirname, '..', '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'faas', 'rest_scheduler.py');
const GOLDEN = join(ROOT, 'test', 'fixtures', 'eudoxia', 'naive_defaults_10m');

async function unavailable(): Promise<string | false> {
  if (spawnSync('python3', ['-c', 'import json, http.server']).status !== 0) return 'python3 is not available';
  const probe = await probeCommandSandbox();
  return probe.ok ? false : `bubblewrap cannot run here: ${probe.reason}`;
}

async function evaluator(unsandboxed = false): Promise<Evaluator> {
  const noJsSandbox = (): never => {
    throw new Error('a served candidate must not use the JS sandbox');
  };
  return createFaasEvaluator({ serve: 'python3 {file}', traces: [join(GOLDEN, 'trace.csv')], params: join(GOLDEN, 'params.toml'), unsandboxed }, { baseDir: ROOT, sandbox: noJsSandbox } as never);
}

const candidate = (code: string): CandidateSource => ({ id: 'c1', code, fileName: 'scheduler.py' }) as CandidateSource;

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

test('a Python scheduler server is scored by the FaaS objective, from inside the sandbox', async (t) => {
  const why = await unavailable();
  if (why) return t.skip(why);
  const ev = await evaluator();
  const code = readFileSync(EXAMPLE, 'utf8');
  const result = await ev.evaluate(candidate(code), await ev.workloads(), new AbortController().signal);
  assert.equal(result.error, undefined, result.feedback);
  assert.ok(Number.isFinite(result.score));
  const [only] = result.perWorkload;
  assert.ok(only?.metrics?.['completion_rate'] !== undefined && only.metrics['completion_rate'] > 0, 'pipelines completed under the server');
  // Another decision rule gives another outcome: the server's answers really drive the simulation.
  const greedy = await ev.evaluate(candidate(code.replace('CPU_SHARE = 0.25', 'CPU_SHARE = 1.0')), await ev.workloads(), new AbortController().signal);
  assert.notEqual(greedy.perWorkload[0]?.metrics?.['completion_rate'], only.metrics['completion_rate']);
});

test('a server cannot forge its result: what it prints is only feedback, the score comes from the simulator', async (t) => {
  const why = await unavailable();
  if (why) return t.skip(why);
  const ev = await evaluator();
  const code = readFileSync(EXAMPLE, 'utf8');
  const honest = await ev.evaluate(candidate(code), await ev.workloads(), new AbortController().signal);
  const fake = JSON.stringify({ results: [{ id: honest.perWorkload[0]?.workloadId, outcome: { ok: true, stats: {}, extra: { completion_rate: 1 } } }] });
  const forger = code.replace('state = {', `import sys\nfor stream in (sys.stdout, sys.stderr):\n    print(${JSON.stringify(fake)}, file=stream, flush=True)\nstate = {`);
  const forged = await ev.evaluate(candidate(forger), await ev.workloads(), new AbortController().signal);
  assert.equal(forged.error, undefined, forged.feedback);
  assert.equal(forged.score, honest.score);
  assert.deepEqual(forged.perWorkload[0]?.metrics, honest.perWorkload[0]?.metrics ? { ...honest.perWorkload[0].metrics, simulation_ms: forged.perWorkload[0]?.metrics?.['simulation_ms'] } : undefined);
});

test("a server that crashes fails the candidate with the server's own last words", async (t) => {
  const why = await unavailable();
  if (why) return t.skip(why);
  const ev = await evaluator();
  const result = await ev.evaluate(candidate('import json\ndef broken(:\n'), await ev.workloads(), new AbortController().signal);
  assert.equal(result.ok, false);
  assert.match(result.error ?? '', /the scheduler server exited before the simulation ended/);
  assert.match(result.error ?? '', /SyntaxError/);
});

/** A server that answers /init with {} and /schedule with `schedule` (Python statements, `self` the handler). */
function rawServer(schedule: string): string {
  return `import os
from http.server import BaseHTTPRequestHandler, HTTPServer
class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/init":
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")
            return
${schedule.split('\n').map((l) => `        ${l}`).join('\n')}
    def log_message(self, *args):
        pass
HTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
`;
}

test('a server streaming an oversized answer fails the candidate with that reason: the host stops reading at the cap', async (t) => {
  const why = await unavailable();
  if (why) return t.skip(why);
  const ev = await evaluator();
  // 64 MB of blanks then {}: without a cap the host buffers it all (an endless stream, until the
  // time limit, is memory and disk on the host) and reads it as the JSON {}.
  const code = rawServer(`self.send_response(200)\nself.end_headers()\nfor _ in range(64):\n    self.wfile.write(b" " * (1 << 20))\nself.wfile.write(b"{}")`);
  const result = await ev.evaluate(candidate(code), await ev.workloads(), new AbortController().signal);
  assert.equal(result.ok, false);
  assert.match(result.error ?? result.feedback ?? '', /answered more than 32 MB/);
});

test('a cancelled evaluation leaves no temporary folder of the simulator behind', async (t) => {
  const why = await unavailable();
  if (why) return t.skip(why);
  const ev = await evaluator();
  // The simulator writes the server's answers to temporary files; it is killed when the evaluation
  // ends before it does (cancelled here, as when the server dies or hits a limit).
  const dirs = [...new Set([tmpdir(), '/tmp'])];
  const own = `policy-evolver-served-${process.pid}-`;
  const scratch = (): string[] =>
    dirs.flatMap((dir) =>
      readdirSync(dir).flatMap((f) => {
        if (f.startsWith('faas-rest-')) return [join(dir, f)];
        if (!f.startsWith(own)) return [];
        try {
          return readdirSync(join(dir, f)).filter((g) => g.startsWith('faas-rest-')).map((g) => join(dir, f, g));
        } catch {
          return [];
        }
      }),
    );
  const before = new Set(scratch());
  const controller = new AbortController();
  const evaluation = ev.evaluate(candidate(rawServer('import time\ntime.sleep(3600)')), await ev.workloads(), controller.signal);
  // Cancel once the simulator has made its scratch folder (an event on the file system, polled).
  await new Promise<void>((resolve) => {
    const look = setInterval(() => {
      if (scratch().some((f) => !before.has(f))) {
        clearInterval(look);
        resolve();
      }
    }, 20);
  });
  controller.abort();
  const result = await evaluation;
  assert.equal(result.ok, false);
  assert.deepEqual(scratch().filter((f) => !before.has(f)), []);
  assert.deepEqual(dirs.flatMap((dir) => readdirSync(dir).filter((f) => f.startsWith(own))), []);
});

test("the candidate reaches nothing outside the sandbox: not even the host's loopback", async (t) => {
  const why = await unavailable();
  if (why) return t.skip(why);
  let connections = 0;
  const host = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  const port = await listen(host);
  t.after(() => host.close());
  // The server tries the host's port at start; had it connected, it would answer with a decision
  // the simulator rejects, and the candidate would fail.
  const probe = `import socket\ntry:\n    socket.create_connection(("127.0.0.1", ${port}), timeout=2).close()\n    LEAKED = True\nexcept OSError:\n    LEAKED = False\n`;
  const code = readFileSync(EXAMPLE, 'utf8').replace('state = {', `${probe}\nstate = {`).replace('return {"suspensions": [], "assignments": assignments}', 'return {"suspensions": [], "assignments": assignments if not LEAKED else None}');
  const ev = await evaluator();
  const result = await ev.evaluate(candidate(code), await ev.workloads(), new AbortController().signal);
  assert.equal(result.error, undefined, result.feedback);
  assert.equal(connections, 0);
  // The probe works: without the sandbox (the --unsandboxed-commands opt-out) it does connect and fails.
  const open = await evaluator(true);
  const leaked = await open.evaluate(candidate(code), await open.workloads(), new AbortController().signal);
  assert.equal(leaked.ok, false);
  assert.equal(connections, 1);
});

test('evolve --serve: a Python scheduler evolved with a (fake) LLM, every candidate a sandboxed server', { timeout: 900_000 }, async (t) => {
  const why = await unavailable();
  if (why) return t.skip(why);
  const dir = tempDir();
  writeFileSync(join(dir, 'scheduler.py'), readFileSync(EXAMPLE, 'utf8'));
  writeFileSync(join(dir, 'evolve.json'), JSON.stringify({ evaluator: { id: 'faas', options: { traces: [join(GOLDEN, 'trace.csv')], params: join(GOLDEN, 'params.toml'), guardrails: null } } }));
  const reply = 'Give each container more CPU.\n\n<<<<<<< SEARCH\nCPU_SHARE = 0.25\n=======\nCPU_SHARE = 0.5\n>>>>>>> REPLACE\n';
  const server = await startFakeLlmServer({ rules: [{ match: 'CPU_SHARE = 0.25', reply: { kind: 'text', text: reply, usage: { input: 100, output: 20 } } }] });
  const runs = join(dir, 'runs');
  const models = JSON.stringify([{ provider: 'openai-compatible', model: 'fake-small', baseUrl: server.openaiBaseUrl, apiKeyEnv: 'OPENAI_API_KEY' }]);
  let out = '';
  let err = '';
  const code = await new Promise<number | null>((resolve) => {
    const child = cliAsync(['evolve', 'scheduler.py', '--serve', 'python3 {file}', '--config', join(dir, 'evolve.json'), '--gen-option', `models=${models}`, '--budget', '2', '-j', '1', '--gen-concurrency', '1', '--runs-dir', runs, '--json'], { cwd: dir, env: { OPENAI_API_KEY: 'sk-test' } });
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', resolve);
  }).finally(() => server.close());
  assert.equal(code, 0, `${err}\n${out.slice(-2000)}`);
  assert.ok(server.requests.length > 0, 'the model was asked');
  const [runId] = readdirSync(runs);
  const events = readFileSync(join(runs, runId as string, 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; result?: { ok: boolean; score: number } });
  const evaluated = events.filter((e) => e.type === 'evaluated');
  assert.ok(evaluated.length >= 2, `${evaluated.length} candidates evaluated`);
  assert.ok(evaluated.every((e) => e.result?.ok === true && Number.isFinite(e.result.score)), JSON.stringify(evaluated.map((e) => e.result)));
  // The evolved candidate is a different server with a different score.
  assert.ok(new Set(evaluated.map((e) => e.result?.score)).size >= 2);
});

test('faas run --serve: one simulation of a scheduler server, with Eudoxia\'s stats, and a broken one fails with its reason', async (t) => {
  const why = await unavailable();
  if (why) return t.skip(why);
  const run = cli(['faas', 'run', EXAMPLE, '--serve', 'python3 {file}', '--trace', join(GOLDEN, 'trace.csv'), '--params', join(GOLDEN, 'params.toml'), '--json']);
  assert.equal(run.code, 0, run.stderr);
  const stats = JSON.parse(run.stdout) as { pipelines_created: number; assignments: number };
  assert.equal(stats.pipelines_created, 252);
  assert.ok(stats.assignments > 0);
  const dir = tempDir();
  writeFileSync(join(dir, 'broken.py'), 'raise SystemExit("no scheduler here")\n');
  const broken = cli(['faas', 'run', join(dir, 'broken.py'), '--serve', 'python3 {file}', '--trace', join(GOLDEN, 'trace.csv'), '--params', join(GOLDEN, 'params.toml')]);
  assert.equal(broken.code, 4, broken.stderr);
  assert.match(broken.stderr, /^policy-evolver: the scheduler server failed: the scheduler server exited before the simulation ended; its last output: no scheduler here$/m);
  assert.equal(broken.stderr.trim().split('\n').length, 1, broken.stderr);
});
