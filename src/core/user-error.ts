/**
 * An error the user can act on (bad input, missing key, unknown name). Front ends show its message
 * as it is, without a stack; `exitCode` is what the CLI exits with.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 3,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
