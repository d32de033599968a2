import type { SandboxHarness } from '../../sandbox/types';

/** The FaaS simulator harness; the evaluator and `faas run` send it with every sandbox job. */
export const FAAS_HARNESS: SandboxHarness = { name: 'faas', source: 'src/evaluators/faas/harness.ts' };

/**
 * The simulator process that runs inside the command sandbox beside a scheduler server written in
 * another language (rest/served-runner.ts); the build bundles it as dist/harness-faas-rest.js.
 */
export const FAAS_SERVED_RUNNER: SandboxHarness = { name: 'faas-rest', source: 'src/evaluators/faas/rest/served-runner.ts' };
