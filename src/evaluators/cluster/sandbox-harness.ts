import type { SandboxHarness } from '../../sandbox/types';

/** The cluster simulator harness; the evaluator sends it with every sandbox job. */
export const CLUSTER_HARNESS: SandboxHarness = { name: 'cluster', source: 'src/evaluators/cluster/harness.ts' };
