// The worker's end of its link to the pool. Where the pool can, it gives the worker a plain pipe
// as fd 3 (LINK_FD) and the worker reads it with blocking reads: node's IPC channel, the
// alternative, makes node load its child_process and net machinery before the first line of the
// worker runs (about 14 ms of CPU per worker, measured on this project's CI-like machine). Blocking is
// right here: the worker has nothing else to do while it waits for the pool, runs one job at a
// time, and a candidate's leftover promises still run at every await of the job loop. On Windows
// (no such fd) and for workers a test forks by hand, the IPC channel is used as before.
import { fstatSync, readSync, writeSync } from 'node:fs';
import { decodeFrameBody, encodeFrame, MAX_FRAME_BYTES } from './link-frames';
import { isParentMessage, LINK_FD, type ParentMessage, type WorkerMessage } from './ipc';

export interface LinkToPool {
  /** Sends `message`; settles once it is written out (a worker may be ended right after). */
  send(message: WorkerMessage): Promise<void>;
  /** The pool's next message; null once the pool is gone. */
  receive(): Promise<ParentMessage | null>;
}

/** The pool's link, or undefined when this process was not started by a pool. */
export function openLinkToPool(): LinkToPool | undefined {
  if (typeof process.send === 'function') return ipcLink();
  return pipeIsOpen() ? pipeLink() : undefined;
}

function pipeIsOpen(): boolean {
  try {
    const stat = fstatSync(LINK_FD);
    return stat.isSocket() || stat.isFIFO();
  } catch {
    return false;
  }
}

/** A short sleep for a pipe that turned out non-blocking (EAGAIN); never seen from our pool. */
const pause = new Int32Array(new SharedArrayBuffer(4));

function readExactly(buffer: Buffer): boolean {
  let at = 0;
  while (at < buffer.length) {
    let n: number;
    try {
      n = readSync(LINK_FD, buffer, at, buffer.length - at, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 1);
      continue;
    }
    if (n === 0) {
      if (at === 0) return false;
      throw new Error('the pool closed the link in the middle of a message');
    }
    at += n;
  }
  return true;
}

function writeAll(frame: Buffer): void {
  let at = 0;
  while (at < frame.length) {
    try {
      at += writeSync(LINK_FD, frame, at, frame.length - at);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

function pipeLink(): LinkToPool {
  const size = Buffer.alloc(4);
  return {
    send: (message) => {
      writeAll(encodeFrame(message));
      return Promise.resolve();
    },
    receive: async () => {
      for (;;) {
        if (!readExactly(size)) return null;
        const length = size.readUInt32BE(0);
        if (length > MAX_FRAME_BYTES) throw new Error(`the pool announced a message of ${length} bytes`);
        const body = Buffer.allocUnsafe(length);
        if (!readExactly(body)) throw new Error('the pool closed the link in the middle of a message');
        const message = decodeFrameBody(body);
        if (isParentMessage(message)) return message;
      }
    },
  };
}

function ipcLink(): LinkToPool {
  const queued: (ParentMessage | null)[] = [];
  let waiting: ((message: ParentMessage | null) => void) | undefined;
  const deliver = (message: ParentMessage | null): void => {
    if (waiting) {
      const wake = waiting;
      waiting = undefined;
      wake(message);
    } else queued.push(message);
  };
  process.on('message', (raw: unknown) => {
    if (isParentMessage(raw)) deliver(raw);
  });
  process.on('disconnect', () => deliver(null));
  return {
    send: (message) => new Promise((resolve) => process.send?.(message, undefined, undefined, () => resolve())),
    receive: () => {
      if (queued.length > 0) return Promise.resolve(queued.shift() as ParentMessage | null);
      return new Promise((resolve) => {
        waiting = resolve;
      });
    },
  };
}
