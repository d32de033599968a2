// Record/replay cassettes: JSONL, one header line then one line per model call, appended as calls
// finish so a crashed run keeps everything recorded so far. An entry is keyed by the SHA-256 of
// the canonical prompt (see core/prompt/hash.ts) and also carries the candidate index, so two
// candidates that happened to send the same prompt replay their own responses.

import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { TokenUsage } from '../../core/types';
import { UserError } from '../../core/user-error';
import type { CallErrorKind } from './errors';
import type { Redactor } from './redact';

export const CASSETTE_VERSION = 1;

export interface CassetteHeader {
  type: 'cassette';
  version: number;
}

export interface CassetteEntry {
  type: 'call';
  /** SHA-256 (hex) of the canonical prompt. */
  hash: string;
  /** Candidate index of the request. */
  index: number;
  /** Token budget the prompt was assembled with (replay rebuilds the prompt with it). */
  budget: number;
  /** Hash of the prompt this one replaced after a context-length rejection. */
  retryOf?: string;
  /** Hash of the prompt whose reply could not be used; this one asked for a corrected reply. */
  repairOf?: string;
  /** Arm that answered (`GenerationResult.source`). */
  source: string;
  provider: string;
  model: string;
  system: string;
  user: string;
  response?: string;
  finishReason?: string;
  usage?: TokenUsage;
  /** Set instead of `response` when the call failed for good (after retries). */
  error?: { kind: CallErrorKind; message: string; limit?: number; actual?: number };
}

export class CassetteError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'CassetteError';
  }
}

/** Appends entries to a cassette, creating it (and its folder) with a header when needed. */
export class CassetteWriter {
  readonly path: string;

  constructor(
    path: string,
    private readonly redactor: Redactor,
  ) {
    this.path = resolve(path);
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      if (!existsSync(this.path) || statSync(this.path).size === 0) {
        const header: CassetteHeader = { type: 'cassette', version: CASSETTE_VERSION };
        appendFileSync(this.path, `${JSON.stringify(header)}\n`);
      } else {
        // Appending to an existing cassette (a resumed run): it must be one of ours, and a line
        // cut short by a crash is dropped so the next entry starts on a line of its own.
        readCassette(this.path);
        const text = readFileSync(this.path, 'utf8');
        if (!text.endsWith('\n')) truncateSync(this.path, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)));
      }
    } catch (err) {
      if (err instanceof CassetteError) throw err;
      throw new CassetteError(`cannot write cassette ${this.path}: ${(err as Error).message}`);
    }
  }

  append(entry: CassetteEntry): void {
    appendFileSync(this.path, `${this.redactor.redact(JSON.stringify(entry))}\n`);
  }
}

export interface CassetteContents {
  entries: CassetteEntry[];
  /** A last line cut short by a crash, skipped. */
  tornTail: boolean;
}

function isEntry(v: unknown): v is CassetteEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Partial<CassetteEntry>;
  return (
    e.type === 'call' &&
    typeof e.hash === 'string' &&
    typeof e.index === 'number' &&
    typeof e.budget === 'number' &&
    typeof e.source === 'string' &&
    typeof e.model === 'string' &&
    (typeof e.response === 'string' || typeof e.error === 'object')
  );
}

export function readCassette(path: string): CassetteContents {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CassetteError(code === 'ENOENT' ? `cassette file not found: ${path}` : `cannot read cassette ${path}: ${(err as Error).message}`);
  }
  const lines = text.split('\n');
  const complete = text.endsWith('\n');
  const entries: CassetteEntry[] = [];
  let tornTail = false;
  let sawHeader = false;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (!line) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (i === lines.length - 1 && !complete) {
        tornTail = true;
        continue;
      }
      throw new CassetteError(`cassette ${path} line ${i + 1} is not valid JSON`);
    }
    if (!sawHeader) {
      const h = value as Partial<CassetteHeader>;
      if (h?.type !== 'cassette') throw new CassetteError(`${path} is not a cassette (its first line is not a cassette header)`);
      if (h.version !== CASSETTE_VERSION) throw new CassetteError(`cassette ${path} has version ${String(h.version)}; this version reads ${CASSETTE_VERSION}`);
      sawHeader = true;
      continue;
    }
    if (!isEntry(value)) throw new CassetteError(`cassette ${path} line ${i + 1} is not a call entry`);
    entries.push(value);
  }
  if (!sawHeader) throw new CassetteError(`cassette ${path} is empty`);
  return { entries, tornTail };
}

/** Lookup by prompt hash; entries with the request's own index win, each is served once when possible. */
export class CassetteIndex {
  private readonly byHash = new Map<string, CassetteEntry[]>();
  private readonly used = new Set<CassetteEntry>();

  constructor(readonly entries: readonly CassetteEntry[]) {
    for (const e of entries) {
      const list = this.byHash.get(e.hash);
      if (list) list.push(e);
      else this.byHash.set(e.hash, [e]);
    }
  }

  /** Budgets of first attempts, most common first, so replay tries the likeliest prompt first. */
  initialBudgets(): number[] {
    const counts = new Map<number, number>();
    for (const e of this.entries) if (!e.retryOf) counts.set(e.budget, (counts.get(e.budget) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([budget]) => budget);
  }

  /** Whether the hash was recorded, for candidate `index` when given. */
  has(hash: string, index?: number): boolean {
    const list = this.byHash.get(hash);
    return list !== undefined && (index === undefined || list.some((e) => e.index === index));
  }

  take(hash: string, index: number): CassetteEntry | undefined {
    const list = this.byHash.get(hash);
    if (!list) return undefined;
    const pick =
      list.find((e) => e.index === index && !this.used.has(e)) ??
      list.find((e) => e.index === index) ??
      list.find((e) => !this.used.has(e)) ??
      (list[0] as CassetteEntry);
    this.used.add(pick);
    return pick;
  }
}
