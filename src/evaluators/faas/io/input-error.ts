// A problem in a user's file, located as `file:line[:column]` so editors and people can jump to it.

export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly reason: string,
    readonly column?: number,
  ) {
    super(`${file}${line !== undefined ? `:${line}${column !== undefined ? `:${column}` : ''}` : ''}: ${reason}`);
    this.name = 'InputError';
  }
}
