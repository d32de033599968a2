#!/usr/bin/env node
// The broker worker process: `worker` (the supervisor of evaluator and sampler processes) and the
// hidden `worker-process` it starts for each of them. `policy-evolver worker` runs this program.
import { Command } from 'commander';
import { runProgram } from '../app/run-program';
import { registerWorkerCommands } from './commands';

const program = new Command().name('policy-evolver').showHelpAfterError('(run with --help for usage)').exitOverride();
registerWorkerCommands(program);
void runProgram(program, process.argv);
