// The attacker's side of self-play: it proposes scenarios for a curriculum level and hears back
// what happened to each (rejected by a validator and why, or how the defender did on it).
import type { GeneratorParams, Level } from '../..';
import type { Rejection } from '../validators';

export interface ProposalContext {
  level: Level;
  round: number;
  /** How many scenarios to propose. */
  count: number;
  signal: AbortSignal;
}

export interface Proposal {
  /** Unique id, also the scenario id once accepted. */
  id: string;
  /** Scenario JSON as proposed (validated by the controller). */
  json: unknown;
  /** Generator parameters, when the scenario was generated from them. */
  params?: GeneratorParams;
  /** Which attacker (and prompt variant) produced it. */
  source: string;
  promptVariant?: string;
  /** Set when the attacker could not even produce scenario JSON (unusable reply, parameters out of range). */
  problem?: string;
}

export interface DefenderResult {
  /** The current best policy's reward on the scenario, and the best heuristic's. */
  reward: number;
  bestBaseline: number;
  success: boolean;
  /** Share of the policy database's top policies that succeed on it (learnability is highest near 0.5). */
  successShare: number;
  /** Short description (size, load, mix) for prompts. */
  summary: string;
}

export interface ProposalOutcome {
  proposal: Proposal;
  accepted: boolean;
  rejection?: Rejection;
  defender?: DefenderResult;
}

export interface Attacker {
  readonly id: string;
  propose(ctx: ProposalContext): Promise<Proposal[]>;
  observe(outcomes: readonly ProposalOutcome[]): void;
  /** Its learned state as JSON, so a resumed self-play continues where it stopped. */
  save(): unknown;
  load(state: unknown): void;
}

/** 4q(1-q): 1 when the defender's policies solve the scenario half the time, 0 when always or never. */
export function learnability(successShare: number): number {
  return 4 * successShare * (1 - successShare);
}

/**
 * What the built-in attacker maximises: how far the defender falls below the best heuristic (a
 * heuristic solving it shows the scenario is solvable), plus a learnability bonus; -1 when
 * a validator rejected it.
 */
export function attackScore(outcome: ProposalOutcome): number {
  if (!outcome.accepted || !outcome.defender) return -1;
  const d = outcome.defender;
  return Math.max(-0.2, Math.min(0.5, d.bestBaseline - d.reward)) + 0.05 * learnability(d.successShare);
}
