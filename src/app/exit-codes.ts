// Exit codes of every policy-evolver process. Errors a user can act on are `UserError`s (core):
// printed as one line, no stack, exiting with their code.
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  badInput: 3,
  evaluation: 4,
  interrupted: 130,
} as const;
