// Contract of the command sandbox: run one shell command on files it is given, under limits, and
// say precisely how it ended.

export interface CommandLimits {
  /** Wall-clock limit of the whole evaluation. */
  timeoutMs: number;
  /** Resident memory of the whole process tree. */
  memoryMb: number;
  /** Processes alive at once in the tree. */
  maxProcesses: number;
  /** CPU time used by the whole tree (all cores together). */
  cpuSeconds: number;
  /** Bytes of stdout accepted (stderr keeps only a tail). */
  maxOutputBytes: number;
  /** Size of the writable scratch space (also the largest file the command may write). */
  scratchMb: number;
}

export interface CommandFile {
  name: string;
  content: string;
}

export interface CommandSpec {
  /**
   * The shell text and environment, built once the sandbox says in which folder the files are
   * (`dir` is a path as the command sees it).
   */
  prepare(dir: string): { command: string; env: Record<string, string> };
  /** Host folder the command starts in; visible read-only inside the sandbox. */
  cwd: string;
  /** Written into the command's private folder before it starts. */
  files: CommandFile[];
  limits: CommandLimits;
  /** Let the command reach the network (off unless the run opts in). */
  network: boolean;
  /**
   * Host folders made visible read-only at the same path (even inside a masked one such as /tmp):
   * a socket there lets the command connect out to one trusted host process and nothing else.
   */
  readOnlyBinds?: string[];
  signal: AbortSignal;
}

export type CommandEnd =
  | 'exited' // the main process exited (whatever its code)
  | 'timeout'
  | 'memory'
  | 'processes'
  | 'cpu'
  | 'output'
  | 'cancelled'
  | 'sandbox'; // the sandbox itself could not be set up

export interface CommandRun {
  end: CommandEnd;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** What the limit saw (e.g. "resident memory reached 900 MB"), or the sandbox's own error. */
  detail?: string;
}

export interface CommandSandbox {
  /** `bubblewrap`, or `none` when the run opted out with --unsandboxed-commands. */
  readonly kind: 'bubblewrap' | 'none';
  run(spec: CommandSpec): Promise<CommandRun>;
}
