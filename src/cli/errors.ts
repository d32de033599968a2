// Exit codes of the CLI. Errors a user can act on are `UserError`s: printed as one line, no stack.
export { UserError } from '../core/user-error';

export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  badInput: 3,
  evaluation: 4,
  interrupted: 130,
} as const;
