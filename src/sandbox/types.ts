// Contract between evaluators (trusted, in the engine process) and the sandbox pool that runs
// untrusted candidate code in confined child processes.
import type { JsonValue } from '../core/types';

export interface SandboxLimits {
  /** Wall-clock limit for one job, including harness work. */
  timeoutMs: number;
  /** Resident memory limit of the worker process running the job. */
  memoryMb: number;
  /** Largest serialised result accepted from the worker. */
  maxResultBytes: number;
}

/**
 * A trusted harness module the sandbox does not know by itself: a domain hands it over with each
 * job. The build bundles it as `dist/harness-<name>.js`; run from source, `source` is loaded.
 */
export interface SandboxHarness {
  name: string;
  /** Source file relative to the package root, e.g. `src/evaluators/faas/harness.ts`. */
  source: string;
}

export interface SandboxJob {
  /** A harness of the sandbox's own (`call`, from `src/sandbox/entries.json`) or one a domain provides. */
  harness: string | SandboxHarness;
  /** Untrusted candidate source, TypeScript or JavaScript module text. */
  candidateCode: string;
  /** File name of the candidate (extension selects the TS or JS loader). */
  candidateFileName: string;
  /** Input for the harness; must be JSON. */
  input: JsonValue;
  limits?: Partial<SandboxLimits>;
}

export type SandboxFailureKind =
  | 'compile' // candidate did not parse or transpile
  | 'error' // candidate or harness threw
  | 'timeout' // wall-time limit exceeded while the worker computed (or sat blocked on an idle host); the worker was killed
  | 'overloaded' // the host gave the worker too little CPU to judge the time limit; not the candidate's fault
  | 'memory' // memory limit exceeded; the worker was killed
  | 'crash' // the worker died for another reason
  | 'result' // result too large or not JSON-serialisable
  | 'cancelled'; // the caller's AbortSignal fired

export type SandboxOutcome =
  | { ok: true; value: JsonValue; durationMs: number }
  | { ok: false; kind: SandboxFailureKind; message: string; durationMs: number };

export interface SandboxPool {
  readonly size: number;
  run(job: SandboxJob, signal?: AbortSignal): Promise<SandboxOutcome>;
  close(): Promise<void>;
}

/**
 * What a harness module sees. A harness is trusted code that runs in the worker (outside the
 * candidate's Compartment); it loads the candidate and drives it, e.g. a simulator calling a
 * policy's `step` as a plain function call.
 */
export interface HarnessContext {
  input: JsonValue;
  /**
   * Evaluates the candidate in a fresh hardened Compartment whose only globals are the
   * endowments given here (plus the frozen JS intrinsics), and returns its exports.
   */
  loadCandidate(endowments?: Record<string, unknown>): Record<string, unknown>;
}

/** A harness module's default export (`export default` or `module.exports.default`). */
export type Harness = (ctx: HarnessContext) => JsonValue | Promise<JsonValue>;
