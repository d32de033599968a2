// The FaaS scheduling domain: an Eudoxia-compatible, event-driven simulator, its built-in
// policies, workload generation and trace I/O, and the evaluator the engine uses.
export { createFaasEvaluator, baselineFor, FAAS_EVALUATOR_INFO, type FaasEvaluatorOptions } from './evaluator';
export { simulate, type PolicyModule, type SimulationOptions } from './engine/simulator';
export type { EudoxiaStats, ExtraStats, SimulationOutcome, SimulationReport, SimulationFailure, CategoryStats } from './engine/results';
export type { DecisionError } from './engine/decisions';
export { BUILTIN_POLICIES, BUILTIN_POLICY_NAMES, builtinPolicy } from './policies';
export { defaultParams, resolveParams, maxTicksOf, PARAM_KEYS, PARAM_SPECS, ParamError, type SimParams } from './model/params';
export type { Trace, PipelineSpec, OperatorSpec, Priority, ScalingName } from './model/types';
export { readParamsFile, parseParamsToml, parseParamsJson, paramsFromObject } from './io/params-file';
export { readTraceFile, parseTraceCsv, formatTraceCsv, TRACE_COLUMNS } from './io/trace-csv';
export { InputError } from './io/input-error';
export { generateTrace, PROFILES, PROFILE_DESCRIPTIONS, isProfile, type ProfileName } from './workload/generator';
export { defaultWorkloads, traceWorkloads, loadWorkload, parseWorkloadData, SEED_PAPER_PARAMS, type FaasWorkloadData } from './workload/workloads';
export { OBJECTIVES, OBJECTIVE_DESCRIPTIONS, parseObjective, objectiveValue, relativeScore, scoreAgainst, type Objective, type ObjectiveName } from './objectives';
export { policyFromExports, runPolicy, runBuiltin, BadPolicyModule } from './run';
