// Run storage: `<runs>/<run-id>/run.json` (config snapshot), `journal.jsonl` (append-only events)
// and `sources/<sha256>` (candidate files, content-addressed). Each event is one synchronous
// append, so a killed process loses at most the line being written; a torn last line is cut off
// when the journal is reopened and skipped when it is read.
import { closeSync, existsSync, fstatSync, ftruncateSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalEvent, RunConfig } from './journal-events';
import { sha256 } from './normalize';

export interface SkippedLine {
  line: number;
  reason: string;
}

export interface JournalContents {
  events: JournalEvent[];
  skipped: SkippedLine[];
}

export class RunStore {
  private fd: number | undefined;
  private readonly known = new Set<string>();

  private constructor(readonly dir: string) {}

  get id(): string {
    return this.dir.split(/[\\/]/).filter(Boolean).pop() ?? this.dir;
  }

  static create(runsDir: string, runId: string, config: RunConfig): RunStore {
    const dir = join(runsDir, runId);
    if (existsSync(dir)) throw new Error(`run folder ${dir} already exists`);
    mkdirSync(join(dir, 'sources'), { recursive: true });
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ runId, config }, null, 2) + '\n');
    const store = new RunStore(dir);
    store.fd = openSync(join(dir, 'journal.jsonl'), 'a');
    return store;
  }

  /** Opens an existing run; `forAppend` repairs a torn last line so new events start on a fresh line. */
  static open(dir: string, forAppend = false): RunStore {
    if (!existsSync(join(dir, 'journal.jsonl'))) throw new Error(`${dir} is not a run folder (no journal.jsonl)`);
    const store = new RunStore(dir);
    if (forAppend) {
      mkdirSync(join(dir, 'sources'), { recursive: true });
      store.fd = openSync(join(dir, 'journal.jsonl'), 'r+');
      cutTornTail(store.fd);
      closeSync(store.fd);
      store.fd = openSync(join(dir, 'journal.jsonl'), 'a');
    }
    return store;
  }

  append(event: JournalEvent): void {
    if (this.fd === undefined) throw new Error('run journal is not open for writing');
    writeSync(this.fd, JSON.stringify(event) + '\n');
  }

  /** Stores text under its content hash and returns the hash. */
  putSource(text: string): string {
    const hash = sha256(text);
    if (!this.known.has(hash)) {
      const path = join(this.dir, 'sources', hash);
      try {
        writeFileSync(path, text, { flag: 'wx' });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      this.known.add(hash);
    }
    return hash;
  }

  readSource(hash: string): string {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`invalid source hash ${hash}`);
    return readFileSync(join(this.dir, 'sources', hash), 'utf8');
  }

  read(): JournalContents {
    return readJournal(join(this.dir, 'journal.jsonl'));
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
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
  const text = readFileSync(path, 'utf8');
  const events: JournalEvent[] = [];
  const skipped: SkippedLine[] = [];
  let lineNo = 0;
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const line = text.slice(start, nl < 0 ? text.length : nl);
    lineNo++;
    start = nl < 0 ? text.length : nl + 1;
    if (line.trim() === '') continue;
    try {
      const event = JSON.parse(line) as JournalEvent;
      if (typeof event !== 'object' || event === null || typeof event.type !== 'string') throw new Error('not an event object');
      events.push(event);
    } catch (err) {
      skipped.push({ line: lineNo, reason: nl < 0 ? 'incomplete last line (cut by a crash)' : `unreadable line: ${(err as Error).message}` });
    }
  }
  return { events, skipped };
}

/** Run folders under `runsDir`, newest first (ids start with a timestamp). */
export function listRunDirs(runsDir: string): string[] {
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(runsDir, d.name, 'journal.jsonl')))
    .map((d) => join(runsDir, d.name))
    .sort()
    .reverse();
}
