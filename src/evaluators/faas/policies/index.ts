// Built-in policies, trusted code that runs in-process (for `faas run` and the baselines).
import type { PolicyModule } from '../engine/simulator';
import * as naive from './naive';
import * as overbook from './overbook';
import * as priority from './priority';
import * as priorityPool from './priority-pool';

export const BUILTIN_POLICIES: Readonly<Record<string, PolicyModule>> = Object.freeze({
  naive,
  priority,
  'priority-pool': priorityPool,
  overbook,
});

export const BUILTIN_POLICY_NAMES: readonly string[] = Object.freeze(Object.keys(BUILTIN_POLICIES));

export function builtinPolicy(name: string): PolicyModule | undefined {
  return Object.prototype.hasOwnProperty.call(BUILTIN_POLICIES, name) ? BUILTIN_POLICIES[name] : undefined;
}
