// Self-play for the cluster allocation domain: an attacker generating challenging but valid
// scenarios against a defender (the engine) evolving the policy, with five-layer scenario
// validation, a curriculum, an ELO-ranked policy database, diversity tracking, stopping rules and
// meta-prompt evolution; plus the benchmark tools behind `cluster bench`.
export { runSelfPlay, describe, LEVEL_RATING, type SelfPlayOptions, type SelfPlayEvent, type SelfPlayReport, type RoundRecord, type StopReason } from './controller';
export { defend, TUNE_GENERATOR, type DefenderSettings, type DefenderRound, type DefenderOutcome } from './defender';
export { untunableReason } from './tune/tune-defender';
export { Curriculum, type CurriculumStep } from './curriculum';
export { EloTable, matchScore, MATCH_MARGIN, type EloEntry, type MatchResult } from './elo';
export { PolicyDatabase, type PolicyEntry } from './policy-db';
export { DiversityTracker, type DiversityStats } from './diversity';
export { scenarioFeatures, featureDistance, FEATURE_NAMES, overload, burstShare, type FeatureVector } from './features';
export { PromptVariantPool, ATTACKER_DIRECTIVES, DEFENDER_DIRECTIVES, type PromptVariant } from './meta-prompts';
export { scorePolicy, type PolicyScore, type MatchOutcome } from './score';
export * from './validators';
export { BuiltinAttacker, ATTACK_RANGES, type BuiltinAttackerOptions } from './attacker/builtin';
export { LlmAttacker, createScenarioModel, loadAttackerTemplates, extractJsonObject, type ScenarioModel, type AttackerTemplates, type LlmAttackerOptions } from './attacker/llm';
export { attackScore, learnability, type Attacker, type Proposal, type ProposalContext, type ProposalOutcome, type DefenderResult } from './attacker/types';
export { summarize, pairedComparison, bootstrapMeanCi, holm, type Summary, type PairedComparison } from './stats';
export { compareOnSet, comparePaired, compareWithHeuristicsByLevel, type LevelComparison, failedEverywhere, REWARD_FLOOR, ORACLE_NAME, runPolicyFile, scalability, transfer, syntheticScenarios, loadedScenarios, traceShapedScenarios, BENCH_METRICS, HIGHER_IS_BETTER, type SetReport, type ScalePoint, type TransferReport, type BenchOptions, type BenchMetric } from './bench';
