// Evolution with a scripted fake model: how much a run gets out of each call. The bin-packing and
// FaaS examples are evolved through the real CLI against the loopback fake, whose model proposes
// a change to one numeric constant per reply in the shapes real models send: clean SEARCH/REPLACE
// most of the time, sometimes the whole file without its markers, a bare unified diff, a SEARCH
// copied with the wrong text, or JSON around the code (and a clean edit when asked to repair).
// Reported: improvements per 100 model calls and spend per improvement. POLICY_EVOLVER_CLI points
// at another CLI entry (e.g. an older checkout) to compare, POLICY_EVOLVER_EXAMPLES at its examples.
import { copyFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { readJournal } from '../src/core/journal';
import { Rng } from '../src/core/rng';
import { startFakeLlmServer, type FakeReply, type FakeRequest } from '../test/helpers/fake-llm-server';

const ROOT = join(__dirname, '..');
/** Examples to evolve; POLICY_EVOLVER_EXAMPLES points at another checkout's, to compare versions on their own inputs. */
const EXAMPLES_DIR = resolve(process.env.POLICY_EVOLVER_EXAMPLES ?? join(ROOT, 'examples'));
const PRICE = { input: 1, output: 4 };

/** The parent program: the first fenced block of the prompt. */
function parentOf(req: FakeRequest): string {
  const m = /```[^\n]*\n([\s\S]*?)\n```/.exec(req.user);
  return m?.[1] ?? '';
}

/** One numeric constant of the evolvable block, nudged. */
function nudge(parent: string, rng: Rng): { line: string; changed: string } | undefined {
  const start = parent.indexOf('EVOLVE-BLOCK-START');
  const end = parent.indexOf('EVOLVE-BLOCK-END');
  const block = start >= 0 && end > start ? parent.slice(parent.indexOf('\n', start) + 1, parent.lastIndexOf('\n', end)) : parent;
  const lines = block.split('\n').filter((l) => /\b\d+(\.\d+)?\b/.test(l) && !/^\s*(\/\/|\*|\/\*)/.test(l));
  if (!lines.length) return undefined;
  const line = rng.pick(lines);
  const numbers = [...line.matchAll(/\b\d+(?:\.\d+)?\b/g)];
  const target = rng.pick(numbers);
  const value = Number(target[0]);
  const next = value === 0 ? rng.pick([0.1, 0.25, 0.5]) : Math.round(value * (0.6 + rng.next() * 0.8) * 1000) / 1000;
  const at = target.index ?? 0;
  return { line, changed: line.slice(0, at) + String(next) + line.slice(at + target[0].length) };
}

function scriptedModel(req: FakeRequest, n: number): FakeReply {
  const rng = new Rng(1000 + n);
  const parent = parentOf(req);
  const edit = nudge(parent, rng);
  const usage = { input: Math.ceil((req.system.length + req.user.length) / 4) };
  if (!edit) return { kind: 'text', text: 'No change.', usage };
  const why = 'Adjusting this constant should balance the trade-off better.';
  const clean = `${why}\n\n<<<<<<< SEARCH\n${edit.line}\n=======\n${edit.changed}\n>>>>>>> REPLACE\n`;
  if (req.user.includes('## Why it could not be used')) return { kind: 'text', text: clean, usage };
  const shape = n % 10;
  const withoutMarkers = parent
    .split('\n')
    .filter((l) => !/EVOLVE-BLOCK-(START|END)/.test(l))
    .join('\n')
    .replace(edit.line, edit.changed);
  if (shape === 6) return { kind: 'text', text: `${why}\n\n\`\`\`\n${withoutMarkers}\n\`\`\`\n`, usage };
  if (shape === 7) return { kind: 'text', text: `${why}\n\n--- a/file\n+++ b/file\n@@ -1,1 +1,1 @@\n-${edit.line}\n+${edit.changed}\n`, usage };
  if (shape === 8) return { kind: 'text', text: `${why}\n\n<<<<<<< SEARCH\n${edit.line.replace(/\d/, 'x')}\n=======\n${edit.changed}\n>>>>>>> REPLACE\n`, usage };
  if (shape === 9) return { kind: 'text', text: JSON.stringify({ explanation: why, edits: [{ search: edit.line, replace: edit.changed }] }), usage };
  return { kind: 'text', text: clean, usage };
}

function cli(args: string[], cwd: string): Promise<{ code: number | null; stderr: string }> {
  const entry = resolve(process.env.POLICY_EVOLVER_CLI ?? join(ROOT, 'src', 'cli', 'main.ts'));
  const tsx = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  const child = spawn(process.execPath, ['--import', tsx, entry, ...args], { cwd, env: { ...process.env, OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((res) => child.on('close', (code) => res({ code, stderr })));
}

interface Example {
  name: string;
  folder: string;
  files: string[];
  file: string;
  extra: string[];
  budget: number;
}

const EXAMPLES: Example[] = [
  { name: 'bin-packing', folder: 'bin-packing', files: ['heuristic.js', 'evaluate.mjs', 'evolve.json'], file: 'heuristic.js', extra: ['--config', 'evolve.json'], budget: 40 },
  { name: 'faas', folder: 'faas', files: ['priority.ts', 'policy-api.d.ts', 'params.toml', 'sample-trace.csv'], file: 'priority.ts', extra: [], budget: 12 },
];

export async function runEvolution(): Promise<void> {
  for (const ex of EXAMPLES) {
    const dir = mkdtempSync(join(tmpdir(), `pe-bench-llm-${ex.name}-`));
    for (const f of ex.files) copyFileSync(join(EXAMPLES_DIR, ex.folder, f), join(dir, f));
    const server = await startFakeLlmServer({ rules: [{ reply: scriptedModel }] });
    const started = performance.now();
    let result;
    try {
      result = await cli(
        ['evolve', ex.file, ...ex.extra, '--budget', String(ex.budget), '-j', '2', '--gen-concurrency', '2', '--seed', '7', '-m', 'fake-small', '--base-url', server.openaiBaseUrl, '--gen-option', `prices=${JSON.stringify({ 'fake-small': PRICE })}`, '--runs-dir', join(dir, 'runs'), '--quiet'],
        dir,
      );
    } finally {
      await server.close();
    }
    if (result.code !== 0) {
      console.log(`${ex.name}: the run failed (exit ${result.code}): ${result.stderr.trim().split('\n').pop()}`);
      continue;
    }
    const runDir = join(dir, 'runs', readdirSync(join(dir, 'runs'))[0] as string);
    const { events } = readJournal(join(runDir, 'journal.jsonl'));
    const calls = events.filter((e) => e.type === 'llm-call');
    const spend = calls.reduce((s, e) => s + (e.type === 'llm-call' ? e.costUsd : 0), 0);
    const improvements = events.filter((e) => e.type === 'evaluated' && e.improvement).length;
    const failed = events.filter((e) => e.type === 'proposal-failed').length;
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `${ex.name}: ${ex.budget} candidates, ${calls.length} calls, ${failed} unusable proposals, ${improvements} improvements -> ` +
        `${((improvements * 100) / Math.max(1, calls.length)).toFixed(1)} improvements per 100 calls, ` +
        `${improvements ? `$${(spend / improvements).toFixed(5)}` : 'n/a'} per improvement ($${spend.toFixed(5)} in all, ${seconds.toFixed(0)} s wall)`,
    );
  }
}

if (require.main === module) void runEvolution();
