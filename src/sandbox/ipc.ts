// Messages between the pool (parent) and a sandbox worker, over a pipe in frames (link-frames.ts)
// or, where there is no such pipe, node's IPC channel (worker-link.ts says why and when).
//
// Big texts (compiled code, source maps, job inputs) travel as content-addressed blobs: the
// parent sends a blob's text only when it believes the worker lacks it, and the worker asks
// for any it has evicted. Re-running one candidate on many workloads, or many candidates on one
// large trace, then costs a hash instead of megabytes of IPC.

/** How the pool and a worker talk: a plain pipe as the worker's fd LINK_FD, or node's IPC channel. */
export type LinkKind = 'pipe' | 'ipc';

/** The worker's file descriptor of a 'pipe' link (after stdin, stdout, stderr). */
export const LINK_FD = 3;

export interface BlobRef {
  hash: string;
  /** Present when the parent believes the worker does not hold this blob yet. */
  text?: string;
}

export interface JobMessage {
  type: 'job';
  id: number;
  harnessName: string;
  /** Absolute path of the trusted harness module. */
  harnessPath: string;
  /** Candidate file name, used for stack locations. */
  fileName: string;
  code: BlobRef;
  sourceMap: BlobRef;
  /** JSON text of the harness input. */
  input: BlobRef;
  maxResultBytes: number;
}

export interface BlobsMessage {
  type: 'blobs';
  id: number;
  blobs: { hash: string; text: string }[];
}

export type ParentMessage = JobMessage | BlobsMessage;

/** Failure kinds a worker can report itself; the others are decided by the parent. */
export type WorkerFailureKind = 'compile' | 'error' | 'result';

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'started'; id: number }
  | { type: 'need'; id: number; hashes: string[] }
  | { type: 'done'; id: number; ok: true; json: string }
  | { type: 'done'; id: number; ok: false; kind: WorkerFailureKind; message: string };

export function isWorkerMessage(value: unknown): value is WorkerMessage {
  if (typeof value !== 'object' || value === null || !('type' in value)) return false;
  const type = value.type;
  return type === 'ready' || type === 'started' || type === 'need' || type === 'done';
}

export function isParentMessage(value: unknown): value is ParentMessage {
  if (typeof value !== 'object' || value === null || !('type' in value)) return false;
  return value.type === 'job' || value.type === 'blobs';
}
