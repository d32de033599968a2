// Exit codes of the CLI. Errors a user can act on are `UserError`s: printed as one line, no stack.
export { UserError } from '../core/user-error';
export { ExitCode } from '../app/exit-codes';
