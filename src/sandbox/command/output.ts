// What a command prints: stdout up to a cap (it carries the result), and the tail of stderr (it
// carries error messages).
import type { Readable } from 'node:stream';

const STDERR_TAIL_BYTES = 64 * 1024;

export class OutputCollector {
  private readonly out: Buffer[] = [];
  private readonly err: Buffer[] = [];
  private outBytes = 0;
  private errBytes = 0;

  constructor(
    private readonly maxOutputBytes: number,
    private readonly onOverflow: () => void,
  ) {}

  attach(stdout: Readable, stderr: Readable): void {
    stdout.on('data', (chunk: Buffer) => {
      if (this.outBytes > this.maxOutputBytes) return;
      this.outBytes += chunk.length;
      if (this.outBytes > this.maxOutputBytes) {
        this.onOverflow();
        return;
      }
      this.out.push(chunk);
    });
    stderr.on('data', (chunk: Buffer) => {
      this.errBytes += chunk.length;
      this.err.push(chunk);
      while (this.errBytes > STDERR_TAIL_BYTES && this.err.length > 1) this.errBytes -= (this.err.shift() as Buffer).length;
    });
  }

  get stdout(): string {
    return Buffer.concat(this.out).toString('utf8');
  }

  get stderr(): string {
    return Buffer.concat(this.err).toString('utf8').slice(-STDERR_TAIL_BYTES);
  }
}

/**
 * Resolves when both streams closed, or `graceMs` after being asked, whichever is first; then the
 * streams are destroyed. A stray process holding a pipe can never keep an evaluation waiting.
 */
export function drain(streams: Readable[], graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    let open = streams.filter((s) => !s.closed).length;
    const done = (): void => {
      clearTimeout(timer);
      for (const s of streams) s.destroy();
      resolve();
    };
    const timer = setTimeout(done, graceMs);
    if (open === 0) return done();
    for (const s of streams) {
      if (s.closed) continue;
      s.once('close', () => {
        open--;
        if (open === 0) done();
      });
    }
  });
}
