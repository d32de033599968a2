// Errors a user can act on. The CLI prints their message as one line (no stack) and exits with
// `exitCode`; anything else is a bug and is reported as an internal error.

export const ExitCode = {
  ok: 0,
  /** The run finished but found no candidate better than the starting program. */
  noImprovement: 0,
  internal: 1,
  usage: 2,
  badInput: 3,
  evaluation: 4,
  interrupted: 130,
} as const;

export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.badInput,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
