// Where the cluster commands write: stdout/stderr and the exit code, or a test's own sink.

/** Where the commands write; tests pass their own. */
export interface ClusterCliOutput {
  out(text: string): void;
  err(text: string): void;
  /** Sets the exit code for a command that ran but found problems (default: process.exitCode). */
  exitCode?(code: number): void;
}

export function setExitCode(io: ClusterCliOutput, code: number): void {
  if (io.exitCode) io.exitCode(code);
  else process.exitCode = code;
}

export const STD_OUTPUT: ClusterCliOutput = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
