// Run storage: `<runs>/<run-id>/run.json` (config snapshot), `journal.jsonl` (append-only events)
// and `sources/<sha256>` (candidate files, content-addressed). Each event is one synchronous
// append, so a killed process loses at most the line being written; a torn last line is cut off
// when the journal is reopened and skipped when it is read. A failed append (full disk) is rolled
// back to the last whole line and stops every later write, so what was recorded stays readable and
// `resume` continues from it. Whole files are written atomically and every source is checked
// against its content hash when it is read back. One process writes a run at a time (run-lock.ts).
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalEvent, RunConfig } from './journal-events';
import { eventProblem } from './journal-validate';
import { acquireRunLock } from './run-lock';
import { makeDirs, StorageError, storageError, writeAll, writeFileAtomic } from './store-fs';
import { UserError } from './user-error';
import { scrubSecrets, scrubValue } from './secrets';

export interface SkippedLine {
  line: number;
  reason: string;
}

export interface JournalContents {
  events: JournalEvent[];
  /** Lines that were not replayed: damaged, unknown, or duplicates of an event already read. */
  skipped: SkippedLine[];
  /** The id the next appended event gets. */
  nextSeq: number;
}

const HASH = /^[0-9a-f]{64}$/;
const contentHash = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

export class RunStore {
  private fd: number | undefined;
  private nextSeq = 0;
  /** The first write that failed; every later write refuses with it, so a run cannot go on half-recorded. */
  private failure: Error | undefined;
  private releaseLock: (() => void) | undefined;
  private readonly known = new Set<string>();

  private constructor(readonly dir: string) {}

  get id(): string {
    return this.dir.split(/[\\/]/).filter(Boolean).pop() ?? this.dir;
  }

  /** Set once a write failed (full disk, permissions): the run must stop. */
  get writeFailure(): Error | undefined {
    return this.failure;
  }

  static create(runsDir: string, runId: string, config: RunConfig): RunStore {
    makeDirs(runsDir, 'runs folder');
    const dir = join(runsDir, runId);
    try {
      // Not recursive: two processes choosing the same id cannot both get the folder.
      mkdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new StorageError(`run folder ${dir} already exists`, 'EEXIST');
      throw storageError(err, `cannot create the run folder ${dir}`);
    }
    const store = new RunStore(dir);
    try {
      store.releaseLock = acquireRunLock(dir);
      mkdirSync(join(dir, 'sources'));
      writeFileAtomic(join(dir, 'run.json'), JSON.stringify({ runId, config: scrubValue(config) }, null, 2) + '\n', `run ${runId}: writing run.json`);
      store.fd = openSync(join(dir, 'journal.jsonl'), 'a');
    } catch (err) {
      store.close();
      rmSync(dir, { recursive: true, force: true });
      throw storageError(err, `cannot create the run folder ${dir}`);
    }
    return store;
  }

  /**
   * Opens an existing run. `forAppend` takes the run's write lock (refused while another live
   * process holds it) and repairs a torn last line so new events start on a fresh line.
   */
  static open(dir: string, forAppend = false): RunStore {
    const journal = join(dir, 'journal.jsonl');
    if (!existsSync(journal)) throw new UserError(`${dir} is not a run folder (no journal.jsonl)`);
    const store = new RunStore(dir);
    if (forAppend) {
      store.releaseLock = acquireRunLock(dir);
      try {
        makeDirs(join(dir, 'sources'), 'sources folder');
        const fd = openSync(journal, 'r+');
        try {
          cutTornTail(fd);
        } finally {
          closeSync(fd);
        }
        removeStaleTemporaries(dir);
        store.nextSeq = readJournal(journal).nextSeq;
        store.fd = openSync(journal, 'a');
      } catch (err) {
        store.close();
        throw storageError(err, `run ${store.id}: cannot open its journal for writing`);
      }
    }
    return store;
  }

  append(event: JournalEvent): void {
    if (this.failure) throw this.failure;
    if (this.fd === undefined) throw new Error('run journal is not open for writing');
    const { seq: _ignored, ...body } = event;
    // No secret value is ever written, whatever field it reached (feedback, errors, explanations).
    const bytes = Buffer.from(JSON.stringify({ seq: this.nextSeq, ...scrubValue(body) }) + '\n', 'utf8');
    // Measured at each append, not tracked: another store object of this process (a decision
    // recorded while the run goes on) may have appended since.
    let before: number | undefined;
    try {
      before = fstatSync(this.fd).size;
      writeAll(this.fd, bytes);
    } catch (err) {
      try {
        // Leave no partial line: the journal ends with the last event that was written whole.
        if (before !== undefined) ftruncateSync(this.fd, before);
      } catch {
        // the next open cuts the torn line instead
      }
      throw this.fail(err, 'cannot record to its journal');
    }
    this.nextSeq++;
  }

  /** Stores text under its content hash and returns the hash. A stored copy that fails its hash is replaced. */
  putSource(text: string): string {
    if (this.failure) throw this.failure;
    const bytes = Buffer.from(scrubSecrets(text), 'utf8');
    const hash = contentHash(bytes);
    if (this.known.has(hash)) return hash;
    const path = join(this.dir, 'sources', hash);
    if (!this.intact(path, hash)) {
      try {
        writeFileAtomic(path, bytes);
      } catch (err) {
        throw this.fail(err, 'cannot store a candidate source');
      }
    }
    this.known.add(hash);
    return hash;
  }

  /**
   * Reads a stored text and checks it against its hash. `owner` names what it belongs to (e.g.
   * "candidate c12") in the error a missing or damaged file gives.
   */
  readSource(hash: string, owner?: string): string {
    const what = owner ? `the source of ${owner}` : `stored text ${hash.slice(0, 12)}`;
    if (!HASH.test(hash)) throw new StorageError(`run ${this.id}: ${what} has an invalid hash '${hash.slice(0, 70)}'`);
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(this.dir, 'sources', hash));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new StorageError(`run ${this.id}: ${what} is missing (sources/${hash})`, 'ENOENT');
      throw storageError(err, `run ${this.id}: reading ${what}`);
    }
    if (contentHash(bytes) !== hash) throw new StorageError(`run ${this.id}: ${what} is damaged (sources/${hash.slice(0, 12)}… does not match its content hash)`, 'EBADHASH');
    this.known.add(hash);
    return bytes.toString('utf8');
  }

  read(): JournalContents {
    return readJournal(join(this.dir, 'journal.jsonl'));
  }

  close(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
    }
    this.fd = undefined;
    this.releaseLock?.();
    this.releaseLock = undefined;
  }

  private intact(path: string, hash: string): boolean {
    try {
      return contentHash(readFileSync(path)) === hash;
    } catch {
      return false;
    }
  }

  private fail(err: unknown, doing: string): Error {
    const wrapped = storageError(err, `run ${this.id}: ${doing}`);
    this.failure ??= new StorageError(`${wrapped.message}; nothing recorded before was lost: fix the cause, then resume the run`, (wrapped as StorageError).code);
    return this.failure;
  }
}

/**
 * Temporary files of atomic writes that a killed process left behind. Only called by the lock
 * holder, so no other process is between writing and renaming one.
 */
function removeStaleTemporaries(dir: string): void {
  for (const folder of [dir, join(dir, 'sources')]) {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!/^\..+\.\d+-[0-9a-f]{8}\.tmp$/.test(name)) continue;
      try {
        unlinkSync(join(folder, name));
      } catch {
        // gone already
      }
    }
  }
}

function cutTornTail(fd: number): void {
  const size = fstatSync(fd).size;
  if (size === 0) return;
  const chunk = Buffer.alloc(Math.min(size, 1 << 16));
  let end = size;
  // Walk back to the last newline; everything after it is a line cut in half.
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const n = readSync(fd, chunk, 0, end - start, start);
    const nl = chunk.subarray(0, n).lastIndexOf(10);
    if (nl >= 0) {
      const keep = start + nl + 1;
      if (keep < size) ftruncateSync(fd, keep);
      return;
    }
    end = start;
  }
  ftruncateSync(fd, 0);
}

export function readJournal(path: string): JournalContents {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw storageError(err, `reading the run journal ${path}`);
  }
  // An editor that saved the journal may have added a byte-order mark.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const events: JournalEvent[] = [];
  const skipped: SkippedLine[] = [];
  const seen = new Map<number, number>();
  let maxSeq = -1;
  let lineNo = 0;
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const line = text.slice(start, nl < 0 ? text.length : nl);
    lineNo++;
    start = nl < 0 ? text.length : nl + 1;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      skipped.push({ line: lineNo, reason: nl < 0 ? 'incomplete last line (cut by a crash)' : `unreadable line: ${(err as Error).message}` });
      continue;
    }
    const problem = eventProblem(value);
    if (problem) {
      skipped.push({ line: lineNo, reason: problem });
      continue;
    }
    const event = value as JournalEvent;
    if (event.seq !== undefined) {
      const first = seen.get(event.seq);
      if (first !== undefined) {
        skipped.push({ line: lineNo, reason: `duplicate of event ${event.seq} (line ${first}), ignored` });
        continue;
      }
      seen.set(event.seq, lineNo);
      maxSeq = Math.max(maxSeq, event.seq);
    }
    events.push(event);
  }
  return { events, skipped, nextSeq: maxSeq + 1 };
}

/** Run folders under `runsDir`, newest first (ids start with a timestamp). */
export function listRunDirs(runsDir: string): string[] {
  if (!existsSync(runsDir)) return [];
  try {
    if (!statSync(runsDir).isDirectory()) throw new StorageError(`the runs folder ${runsDir} is not a folder`, 'ENOTDIR');
    return readdirSync(runsDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(runsDir, d.name, 'journal.jsonl')))
      .map((d) => join(runsDir, d.name))
      .sort()
      .reverse();
  } catch (err) {
    throw storageError(err, `reading the runs folder ${runsDir}`);
  }
}
