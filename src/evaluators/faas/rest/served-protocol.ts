// What the host and the in-sandbox simulator (served-runner.ts) exchange when a scheduler server
// in another language is scored: the job file it reads and the mark on the line it prints.
import type { JsonValue } from '../../../core/types';

export interface ServedJob {
  port: number;
  /** How long the server may take to start listening. */
  startupMs: number;
  /** Longest wait for one answer of the server. */
  answerMs: number;
  keepInvalid: number;
  workloads: { id: string; data: JsonValue }[];
}

/** Starts the runner's result line on stdout, which it shares with the candidate server. */
export const SERVED_RESULT_MARK = 'POLICY_EVOLVER_SERVED_RESULT ';
