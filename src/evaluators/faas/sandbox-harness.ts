import type { SandboxHarness } from '../../sandbox/types';

/** The FaaS simulator harness; the evaluator and `faas run` send it with every sandbox job. */
export const FAAS_HARNESS: SandboxHarness = { name: 'faas', source: 'src/evaluators/faas/harness.ts' };
