// Secrets are never written: a marker API key that every channel tries to leak (an LLM reply that
// echoes it into the candidate and its explanation, an evaluator that prints the candidate in its
// error, feedback and stderr, the cassette, the RL export, the CLI's own output) appears nowhere.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliAsync } from '../helpers/cli';
import { startFakeLlmServer, type FakeRequest, type FakeTextReply } from '../helpers/fake-llm-server';
import { tempDir } from '../helpers/tmp';

const MARKER = 'sk-marker-5f9c2a7e41d0b3';

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = cliAsync(args, { cwd, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** The key the request carried, echoed back as the model's "improvement" and explanation. */
function echoKey(req: FakeRequest): FakeTextReply {
  const key = String(req.headers.authorization ?? '').replace(/^Bearer\s+/, '');
  return { kind: 'text', text: `Use the key ${key} for speed.\n\n<<<<<<< SEARCH\nlimit = 1\n=======\nlimit = 2  # ${key}\n>>>>>>> REPLACE\n`, usage: { input: 100, output: 20 } };
}

test('a marker key reaches no journal, source, cassette, export or output line', { timeout: 900_000 }, async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'policy.py'), 'limit = 1\n');
  // The evaluator repeats the candidate in its error, its feedback and on stderr.
  writeFileSync(join(dir, 'score.sh'), [
    `text=$(tr -d '\\n"\\\\' < "$1")`,
    `echo "stderr says $text" >&2`,
    `case "$text" in *"limit = 2"*) echo "{\\"ok\\": false, \\"error\\": \\"bad: $text\\", \\"feedback\\": \\"saw $text\\"}" ;; *) echo '{"score": 1}' ;; esac`,
  ].join('\n'));
  const server = await startFakeLlmServer({ apiKey: MARKER, rules: [{ reply: echoKey }] });
  const runs = join(dir, 'runs');
  const cassette = join(dir, 'run.cassette.jsonl');
  let live;
  try {
    live = await run(
      ['evolve', 'policy.py', '--command', 'sh score.sh {file}', '--generator', 'llm', '--gen-option', `models=${JSON.stringify([{ provider: 'openai-compatible', model: 'fake-small', baseUrl: server.openaiBaseUrl, apiKeyEnv: 'OPENAI_API_KEY' }])}`, '--record', cassette, '--budget', '3', '-j', '1', '--gen-concurrency', '1', '--runs-dir', runs, '--json'],
      dir,
      { OPENAI_API_KEY: MARKER },
    );
  } finally {
    await server.close();
  }
  assert.equal(live.code, 0, live.stderr);
  assert.ok(server.requests.length > 0, 'the model was asked');
  const exported = join(dir, 'export.jsonl');
  const [runId] = readdirSync(runs);
  const exportRun = await run(['export-rl', runId as string, '--runs-dir', runs, '--out', exported, '--reward', 'score'], dir, { OPENAI_API_KEY: MARKER });
  assert.equal(exportRun.code, 0, exportRun.stderr);

  const journal = readFileSync(join(runs, runId as string, 'journal.jsonl'), 'utf8');
  assert.match(journal, /\[redacted\]/, 'the channels did try: the scrubbed key shows where it was');
  const written = [...filesUnder(runs), cassette, exported];
  const leaks = written.filter((f) => readFileSync(f, 'utf8').includes(MARKER));
  assert.deepEqual(leaks, [], 'no written file holds the key');
  for (const [name, text] of Object.entries({ stdout: live.stdout, stderr: live.stderr, export: exportRun.stdout + exportRun.stderr })) {
    assert.ok(!text.includes(MARKER), `${name} holds the key`);
  }
});
