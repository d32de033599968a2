// Test helpers: an in-process stand-in for the sandbox pool that runs the real FaaS harness,
// loading candidate code from a temporary file (tests run under tsx, so TypeScript loads too).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonValue } from '../../../src/core/types';
import type { HarnessContext, SandboxJob, SandboxOutcome, SandboxPool } from '../../../src/sandbox/types';
import faasHarness from '../../../src/evaluators/faas/harness';

let counter = 0;
const dir = mkdtempSync(join(tmpdir(), 'faas-candidates-'));

/** A HarnessContext whose loadCandidate evaluates `code` as a fresh module on every call. */
export function fakeHarnessContext(code: string, fileName: string, input: JsonValue): HarnessContext {
  return {
    input,
    loadCandidate(): Record<string, unknown> {
      const path = join(dir, `${counter++}-${fileName}`);
      writeFileSync(path, code);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require(path) as Record<string, unknown>;
    },
  };
}

/** Runs jobs of the `faas` harness in-process (no isolation: for trusted test code only). */
export function inProcessPool(): SandboxPool & { jobs: SandboxJob[] } {
  const jobs: SandboxJob[] = [];
  return {
    size: 1,
    jobs,
    async run(job: SandboxJob): Promise<SandboxOutcome> {
      jobs.push(job);
      const started = performance.now();
      try {
        const value = await faasHarness(fakeHarnessContext(job.candidateCode, job.candidateFileName, job.input));
        return { ok: true, value, durationMs: performance.now() - started };
      } catch (err) {
        return { ok: false, kind: 'error', message: (err as Error).message, durationMs: performance.now() - started };
      }
    },
    async close(): Promise<void> {},
  };
}
