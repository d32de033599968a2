// The schema of the editor's `policyEvolver.*` settings, as the language server receives them. A
// setting of the wrong type or out of range, or an unknown key (a typo in settings.json), is named
// with its full key instead of silently running the default.
import { didYouMean, type FieldRule, objectProblem } from './config-schema';

const FILE_RULE_FIELDS: Record<string, FieldRule> = {
  pattern: { kind: 'string', doc: 'a glob matched against the file path' },
  evaluator: { kind: 'string', doc: 'how files matching the pattern are scored' },
  options: { kind: 'object', fields: {}, open: true, doc: 'evaluator options' },
  config: { kind: 'string', doc: 'a run config JSON file, relative to the workspace folder' },
};

export const SETTINGS_SCHEMA: Record<string, FieldRule> = {
  generator: { kind: 'string', doc: 'where candidates come from' },
  models: { kind: 'list', item: { kind: 'string', doc: 'provider:model[@weight]' }, maxItems: 64, doc: 'LLM models' },
  baseUrl: { kind: 'string', doc: 'OpenAI-compatible server for the models' },
  prices: { kind: 'list', item: { kind: 'string', doc: 'MODEL=IN,OUT[,CACHED] in USD per million tokens' }, maxItems: 256, doc: 'prices of models missing from the price table' },
  contextWindow: { kind: 'int', min: 0, max: 100_000_000, doc: "the models' context window in tokens; 0 = the model's default" },
  budget: {
    kind: 'object',
    fields: {
      maxCandidates: { kind: 'int', min: 0, max: 10_000_000, doc: '0 = the default' },
      maxWallSeconds: { kind: 'number', min: 0, max: 1e9, doc: '0 = no time limit' },
      maxCostUsd: { kind: 'number', min: 0, max: 1e7, doc: '0 = no cost limit' },
    },
    doc: 'when a run stops',
  },
  concurrency: { kind: 'int', min: 0, max: 1024, doc: 'candidates in flight; 0 = the default' },
  generationConcurrency: { kind: 'int', min: 0, max: 256, doc: 'generator calls at the same time; 0 = the default' },
  files: { kind: 'list', item: { kind: 'object', fields: FILE_RULE_FIELDS, doc: 'a file rule' }, maxItems: 1000, doc: 'evaluator rules by file pattern' },
  codeLens: { kind: 'object', fields: { evaluateOnOpen: { kind: 'boolean', doc: 'score a file when it opens' } }, doc: 'CodeLens behaviour' },
  openPanelOnStart: { kind: 'boolean', doc: 'open the review panel when a run starts' },
  saveAfterAccept: { kind: 'boolean', doc: 'save the file after accepting a candidate' },
};

/** Why the `policyEvolver` settings section is invalid (one line naming the setting), or undefined. */
export function settingsProblem(raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) return 'the policyEvolver settings must be an object';
  const section = raw as Record<string, unknown>;
  // Evaluator options are the evaluator's to check; only the rule's own keys are checked here.
  const problem = objectProblem(section, SETTINGS_SCHEMA, '');
  if (problem === undefined) {
    if (Array.isArray(section.files)) {
      const missing = section.files.findIndex((r) => typeof (r as { pattern?: unknown })?.pattern !== 'string');
      if (missing >= 0) return `setting 'policyEvolver.files[${missing}].pattern' is missing: each file rule needs a glob pattern`;
    }
    return undefined;
  }
  return `setting ${problem.replace(/'([^']+)'/, "'policyEvolver.$1'").replace(/did you mean '([^']+)'/, "did you mean 'policyEvolver.$1'")}`;
}

export { didYouMean };
