// Said whenever candidate commands run without bubblewrap (evolve, faas run --serve). Its own
// module so that `faas run` does not load the evolve command to print it.
import { UNSANDBOXED_FLAG } from '../sandbox/command';

export const UNSANDBOXED_WARNING = `warning: command candidates run WITHOUT the OS sandbox (${UNSANDBOXED_FLAG}): they can read your files and environment, reach the network and outlive the run\n`;
