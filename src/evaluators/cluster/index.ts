// The cluster allocation domain: an event-driven simulator of tasks placed on cloud and edge
// nodes, multi-objective rewards with Pareto tracking, scenario files with a published schema,
// trace-shaped scenario generation and trace importers, heuristic and genetic baselines, and
// the evaluator the engine uses.
export { createClusterEvaluator, parseClusterOptions, ClusterEvaluator, CLUSTER_EVALUATOR_INFO, type ClusterEvaluatorOptions, type ClusterRun } from './evaluator';
export { simulate, type PolicyModule, type SimulationOptions, type SimulationOutcome, type SimulationReport, type SimulationFailure } from './engine/simulator';
export { computeMetrics, gini, percentile, idealRunTime, fitsNode, type ClusterMetrics } from './engine/metrics';
export { OBJECTIVE_NAMES, OBJECTIVE_DESCRIPTIONS, DEFAULT_WEIGHTS, parseWeights, combineReward, dominates, ParetoFront, type ObjectiveName, type Goodness, type ParetoPoint } from './objectives';
export { LEVELS, isLevel, scenarioToJson, SCENARIO_VERSION, type Level, type Scenario, type TaskSpec, type NodeSpec, type Constraints } from './model/scenario';
export { SCENARIO_SCHEMA } from './model/schema';
export { checkSchema, type FieldError } from './model/schema-check';
export { parseScenario, parseScenarioText, readScenarioFile, ScenarioError } from './model/parse';
export { generateScenario, generateScenarioJson, defaultParams, parseParams, peakDemand, PARAM_RANGES, INTEGER_PARAMS, LEVEL_SIZES, TASK_CPU_BOUNDS, type GeneratorParams, type NumericParam } from './workload/generator';
export { familyScenarios, seedScenarios, seedScenarioParams, seedSplit, SEED_COUNTS } from './workload/seeds';
export { TRACE_PROFILES, TRACE_PROFILE_NAMES, NODE_TYPES, isTraceProfile, logNormalCdf, normalCdf, type TraceProfile, type TraceProfileName, type NodeType, type LogNormal } from './workload/trace-stats';
export { importGoogleTaskEvents, type GoogleImportOptions } from './io/google';
export { importAzureVmTable } from './io/azure';
export { ImportError } from './io/csv';
export type { ImportOptions } from './io/import-common';
export { HEURISTIC_NAMES, heuristic, isHeuristic, type HeuristicName } from './policies/heuristics';
export { geneticBaseline, planPolicy, type GeneticOptions, type GeneticResult, type Chromosome } from './policies/genetic';
export { baselinesFor, scenarioKey, type BaselineSet } from './baselines';
export { policyFromExports, runHeuristic, BadPolicyModule } from './run';
export { builtinEntries, fileEntries, inlineEntries, toWorkloads, scenarioOf, parseLevels, type ScenarioEntry } from './workloads';
export type * from './policy-api';
