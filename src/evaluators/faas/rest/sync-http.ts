// A blocking HTTP POST for the simulator's synchronous policy step: Eudoxia's REST scheduler asks an
// external server for every decision, and the simulation cannot continue until it answers. A
// worker thread does the request with fetch while the caller waits on a shared flag; the body
// comes back through a temporary file (any size, no shared-buffer sizing).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { writeFileSync } = require('node:fs');
parentPort.on('message', async ({ url, body, flag, out, timeoutMs }) => {
  const state = new Int32Array(flag);
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(timeoutMs) });
    writeFileSync(out, await res.text());
    state[1] = res.status;
  } catch (err) {
    writeFileSync(out, String(err && err.cause ? err.cause.message || err.cause : err && err.message ? err.message : err));
    state[1] = -1;
  }
  Atomics.store(state, 0, 1);
  Atomics.notify(state, 0);
});
`;

export class SyncHttpError extends Error {}

/** A client that posts JSON and blocks until the answer is in; close() ends its worker. */
export class SyncHttpClient {
  private readonly worker = new Worker(WORKER_SOURCE, { eval: true });
  private readonly dir = mkdtempSync(join(tmpdir(), 'faas-rest-'));
  private seq = 0;

  constructor(private readonly timeoutMs = 60_000) {
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
