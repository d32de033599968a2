// A blocking HTTP POST for the simulator's synchronous policy step: Eudoxia's REST scheduler asks an
// external server for every decision, and the simulation cannot continue until it answers. A
// worker thread does the request with fetch while the caller waits on a shared flag; the body
// comes back through a temporary file (any size, no shared-buffer sizing).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { writeFileSync } = require('node:fs');
const http = require('node:http');
const net = require('node:net');

// Relay mode: the server is reached through connections that a relay opens to this Unix socket
// (one spare at a time), each carrying one request; see RELAY_SOURCE in served-protocol.ts.
const relay = workerData && workerData.listenPath ? { spare: [], waiting: [] } : undefined;
if (relay) {
  net.createServer((socket) => {
    const waiter = relay.waiting.shift();
    if (waiter) waiter(socket);
    else relay.spare.push(socket);
  }).listen(workerData.listenPath).unref();
}
// A server's answer is held in memory and written to disk on the host: a hostile or broken one
// must not exhaust either by streaming without end.
function tooLarge() {
  const err = new Error('answered more than ' + Math.round(workerData.maxAnswerBytes / 1048576) + ' MB');
  err.tooLarge = true;
  return err;
}
async function readCapped(stream) {
  const chunks = [];
  let size = 0;
  for await (const c of stream ?? []) {
    size += c.length;
    if (size > workerData.maxAnswerBytes) throw tooLarge();
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}
function relaySocket(timeoutMs) {
  const ready = relay.spare.shift();
  if (ready) return Promise.resolve(ready);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { relay.waiting.splice(relay.waiting.indexOf(take), 1); reject(new Error('the scheduler server is not reachable (no relay connection)')); }, timeoutMs);
    const take = (socket) => { clearTimeout(timer); resolve(socket); };
    relay.waiting.push(take);
  });
}
async function viaRelay(url, body, timeoutMs) {
  const socket = await relaySocket(timeoutMs);
  return new Promise((resolve, reject) => {
    const req = http.request({ method: 'POST', path: new URL(url).pathname, createConnection: () => socket, timeout: timeoutMs,
      headers: { host: '127.0.0.1', 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' } }, (res) => {
      readCapped(res).then((text) => resolve({ status: res.statusCode, text }), reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within ' + timeoutMs + ' ms')));
    req.on('error', reject);
    req.end(body);
  });
}

parentPort.on('message', async ({ url, body, flag, out, timeoutMs }) => {
  const state = new Int32Array(flag);
  try {
    if (relay) {
      const { status, text } = await viaRelay(url, body, timeoutMs);
      writeFileSync(out, text);
      state[1] = status;
    } else {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(timeoutMs) });
      writeFileSync(out, await readCapped(res.body));
      state[1] = res.status;
    }
  } catch (err) {
    writeFileSync(out, String(err && err.cause ? err.cause.message || err.cause : err && err.message ? err.message : err));
    state[1] = err && err.tooLarge ? -2 : -1;
  }
  Atomics.store(state, 0, 1);
  Atomics.notify(state, 0);
});
`;

export class SyncHttpError extends Error {}

/** Far above any real scheduling answer (Eudoxia's are kilobytes). */
const MAX_ANSWER_BYTES = 32 << 20;

/** A client that posts JSON and blocks until the answer is in; close() ends its worker. */
export class SyncHttpClient {
  private readonly worker: Worker;
  private readonly dir = mkdtempSync(join(tmpdir(), 'faas-rest-'));
  private seq = 0;

  /**
   * With `listenPath`, requests do not go to the URL's host: they travel over connections a relay
   * opens to a Unix socket this client listens on (a server inside the command sandbox).
   */
  constructor(
    private readonly timeoutMs = 60_000,
    options: { listenPath?: string } = {},
  ) {
    // Loaded here, not at the top: every `faas run` loads this module, few use a REST scheduler.
    const { Worker: WorkerThread } = require('node:worker_threads') as typeof import('node:worker_threads');
    this.worker = new WorkerThread(WORKER_SOURCE, { eval: true, workerData: { listenPath: options.listenPath, maxAnswerBytes: MAX_ANSWER_BYTES } });
    this.worker.unref();
  }

  /** POSTs `value` as JSON and returns the parsed JSON answer; throws SyncHttpError on any failure. */
  postJson(url: string, value: unknown): unknown {
    const flag = new SharedArrayBuffer(8);
    const state = new Int32Array(flag);
    const out = join(this.dir, `r${this.seq++}`);
    this.worker.postMessage({ url, body: JSON.stringify(value), flag, out, timeoutMs: this.timeoutMs });
    if (Atomics.wait(state, 0, 0, this.timeoutMs + 5_000) === 'timed-out') throw new SyncHttpError(`${url} did not answer within ${this.timeoutMs} ms`);
    const text = readFileSync(out, 'utf8');
    rmSync(out, { force: true });
    const status = state[1] as number;
    if (status === -2) throw new SyncHttpError(`${url} ${text}`);
    if (status < 0) throw new SyncHttpError(`cannot reach ${url}: ${text}`);
    if (status < 200 || status >= 300) throw new SyncHttpError(`${url} answered HTTP ${status}: ${text.slice(0, 200)}`);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new SyncHttpError(`${url} answered something that is not JSON: ${text.slice(0, 200)}`);
    }
  }

  close(): void {
    void this.worker.terminate();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
