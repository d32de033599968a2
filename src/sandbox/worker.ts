// Entry of a sandbox child process. It locks the realm down with SES, then runs jobs sent by the
// pool one at a time: load the trusted harness, give it a context whose loadCandidate()
// evaluates the candidate in a fresh Compartment, serialise what the harness returns.
// Limits (time, memory) are enforced from outside by the pool; this process only has to
// report results and failures precisely.
// First: orphan protection must be in place before the slow imports below.
import { engineGone } from './worker-orphan';
import type { JsonValue } from '../core/types';
import { createCandidateLoader, isCandidateRejection, type CandidateLoader } from './candidate-loader';
import { describeThrown } from './describe-error';
import { loadHarness } from './harness-module';
import { LruMap } from '../core/lru';
import type { BlobRef, JobMessage, ParentMessage, WorkerFailureKind, WorkerMessage } from './ipc';
import { lockdownRealm, type SesGlobals } from './ses-globals';
import { requireShippedBundle, saveShippedBytecode } from './worker-code-cache';
import { isResultError, toJsonText } from './serialize-result';
import type { Harness, HarnessContext } from './types';
import { openLinkToPool, type LinkToPool } from './worker-link';

const opened = openLinkToPool();
if (opened === undefined) {
  process.stderr.write('the sandbox worker must be started by the sandbox pool (it needs its link to the pool)\n');
  process.exit(2);
}
const link: LinkToPool = opened;


const ses: SesGlobals = lockdownRealm({
  // Candidates must not read stack frames (host paths, harness internals: information that
  // also varies between machines); the worker still reads full stacks via getStackString.
  errorTaming: 'safe',
  stackFiltering: 'concise',
  // The worker reports uncaught errors to the pool itself instead of SES printing and exiting.
  errorTrapping: 'none',
  unhandledRejectionTrapping: 'none',
  // Only trusted harness code has a console; candidates get none at all.
  consoleTaming: 'unsafe',
  // Ordinary JS assigns e.g. `obj.toString = ...` on its own objects; frozen prototypes
  // would make that throw without the override taming.
  overrideTaming: 'moderate',
  // Locale-dependent methods behave the same on every machine, keeping scores reproducible.
  localeTaming: 'safe',
  regExpTaming: 'safe',
  evalTaming: 'safeEval',
  domainTaming: 'safe',
}, (path) => requireShippedBundle(path) !== undefined);

// Part of the job's memory budget, so it stays a small share of the heap. The heap cap is read from
// the flag the pool sets, not from node:v8, whose loading alone is a share of a worker's start-up.
const heapCapMb = Number(/(?:^| )--max-old-space-size=(\d+)/.exec(process.execArgv.join(' '))?.[1] ?? 2048);
const BLOB_CACHE_CHARS = Math.min(64 * 1024 * 1024, Math.floor((heapCapMb * 1024 * 1024) / 8));
const blobs = new LruMap<string, string>(64, BLOB_CACHE_CHARS, (text) => text.length);
const loaders = new LruMap<string, CandidateLoader>(8);
let currentJob: number | undefined;
/** Jobs that arrived while the worker waited for blobs; the pool sends one at a time, but order is kept if it ever sends more. */
const backlog: JobMessage[] = [];

async function serve(): Promise<void> {
  await link.send({ type: 'ready' });
  for (;;) {
    const message = backlog.shift() ?? (await link.receive());
    if (message === null) engineGone();
    if (message.type === 'job') await runJob(message);
  }
}

// Candidates cannot schedule timers, but they can leave rejected promises behind; those must
// not kill a worker that later jobs will use.
process.on('unhandledRejection', () => undefined);

let exiting = false;
process.on('uncaughtException', (error: unknown) => {
  if (exiting) return;
  exiting = true;
  const message = `uncaught error in the sandbox worker: ${describeThrown(error, { frames: hostFrames })}`;
  // The realm may be in a broken state; report, then let the pool start a fresh worker.
  const exit = () => process.exit(70);
  if (currentJob === undefined) {
    process.stderr.write(`${message}\n`);
    exit();
  } else {
    link.send(failure(currentJob, 'error', message)).then(exit, exit);
  }
});

async function runJob(job: JobMessage): Promise<void> {
  currentJob = job.id;
  // Wait until the acknowledgement is written: the pool treats a worker that dies before
  // acknowledging as already broken, and a harness may end the process right away.
  await link.send({ type: 'started', id: job.id });
  let outcome: WorkerMessage;
  try {
    outcome = await execute(job);
    saveShippedBytecode();
  } catch (error) {
    outcome = failure(job.id, 'error', `sandbox worker failure: ${describeThrown(error, { frames: hostFrames })}`);
  }
  try {
    await link.send(outcome);
  } finally {
    currentJob = undefined;
  }
}

async function execute(job: JobMessage): Promise<WorkerMessage> {
  const texts = await resolveBlobs(job);

  let harness: Harness;
  try {
    harness = loadHarness(job.harnessName, job.harnessPath);
  } catch (error) {
    return failure(job.id, 'error', `harness '${job.harnessName}' failed to load: ${describeThrown(error, { frames: hostFrames })}`);
  }

  let input: JsonValue;
  try {
    input = JSON.parse(texts.input) as JsonValue;
  } catch {
    return failure(job.id, 'error', 'the job input is not valid JSON');
  }

  const loader = candidateLoader(job, texts.code, texts.sourceMap);
  const context: HarnessContext = { input, loadCandidate: (endowments) => loader.load(endowments) };
  let result: unknown;
  try {
    result = await harness(context);
  } catch (error) {
    if (isCandidateRejection(error)) return failure(job.id, 'compile', error.message);
    // Only the candidate's own frames: the message is feedback about the candidate, and
    // harness errors are expected to explain themselves in words.
    return failure(job.id, 'error', describeThrown(error, { frames: loader.frames }));
  }

  try {
    return { type: 'done', id: job.id, ok: true, json: toJsonText(result, job.maxResultBytes) };
  } catch (error) {
    const message = isResultError(error) ? error.message : `the result could not be serialised: ${describeThrown(error)}`;
    return failure(job.id, 'result', message);
  }
}

function candidateLoader(job: JobMessage, js: string, sourceMap: string): CandidateLoader {
  const cached = loaders.get(job.code.hash);
  if (cached) return cached;
  const loader = createCandidateLoader(ses, { fileName: job.fileName, js, sourceMap });
  loaders.set(job.code.hash, loader);
  return loader;
}

async function resolveBlobs(job: JobMessage): Promise<{ code: string; sourceMap: string; input: string }> {
  const found = new Map<string, string>();
  const missing: string[] = [];
  for (const ref of [job.code, job.sourceMap, job.input] as BlobRef[]) {
    if (ref.text !== undefined) {
      found.set(ref.hash, ref.text);
      blobs.set(ref.hash, ref.text);
      continue;
    }
    const cached = blobs.get(ref.hash);
    if (cached !== undefined) found.set(ref.hash, cached);
    else missing.push(ref.hash);
  }
  if (missing.length > 0) {
    await link.send({ type: 'need', id: job.id, hashes: missing });
    const received = await blobsFor(job.id);
    for (const blob of received) {
      found.set(blob.hash, blob.text);
      blobs.set(blob.hash, blob.text);
    }
  }
  const text = (ref: BlobRef): string => {
    const value = found.get(ref.hash);
    if (value === undefined) throw new Error(`the pool did not supply blob ${ref.hash}`);
    return value;
  };
  return { code: text(job.code), sourceMap: text(job.sourceMap), input: text(job.input) };
}

async function blobsFor(id: number): Promise<{ hash: string; text: string }[]> {
  for (;;) {
    const message: ParentMessage | null = await link.receive();
    if (message === null) engineGone();
    if (message.type === 'blobs' && message.id === id) return message.blobs;
    if (message.type === 'job') backlog.push(message);
  }
}

function hostFrames(error: object): string[] {
  let stack = '';
  try {
    stack = ses.getStackString(error);
  } catch {
    return [];
  }
  return stack
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at '))
    .slice(0, 3);
}

/** A thrown message can be megabytes of candidate text; the pool never needs more than this. */
const MAX_MESSAGE = 16 * 1024;

function failure(id: number, kind: WorkerFailureKind, message: string): WorkerMessage {
  const bounded = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}... (${message.length - MAX_MESSAGE} more characters)` : message;
  return { type: 'done', id, ok: false, kind, message: bounded };
}

serve().catch((error: unknown) => {
  // The link itself broke (a malformed frame, a failed write): nothing more can reach the pool.
  process.stderr.write(`the sandbox worker lost its link to the pool: ${describeThrown(error, { frames: hostFrames })}\n`);
  process.exit(70);
});
