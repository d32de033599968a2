// Whether a run's candidates run as OS commands without bubblewrap, and the warning that says so
// (evolve, resume, show, faas run --serve). Its own module so that those commands need not load
// one another to ask.
import type { RunConfig } from '../core/journal-events';
import { UNSANDBOXED_FLAG } from '../sandbox/command';

export const UNSANDBOXED_WARNING = `warning: command candidates run WITHOUT the OS sandbox (${UNSANDBOXED_FLAG}): they can read your files and environment, reach the network and outlive the run\n`;

/** Whether the run's candidates run as OS commands (the command evaluator, or faas scheduler servers). */
export function sandboxesCommands(config: RunConfig): boolean {
  return config.evaluator.id === 'command' || (config.evaluator.id === 'faas' && typeof config.evaluator.options.serve === 'string');
}

export function commandsUnsandboxed(config: RunConfig): boolean {
  return sandboxesCommands(config) && config.evaluator.options.unsandboxed === true;
}
