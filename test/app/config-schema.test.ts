// One case per run-config field and per editor setting: a wrong type or an out-of-range value is a
// one-line error naming the field; an unknown key names the closest known one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONFIG_FILE_SCHEMA, configFileProblem, runConfigProblem } from '../../src/app/config-schema';
import { settingsProblem, SETTINGS_SCHEMA } from '../../src/app/settings-schema';
import type { RunConfig } from '../../src/core/journal-events';
import { DEFAULTS } from '../../src/core/run-session';

/** [field path, a bad value, what the message must say] for every field of a run config file. */
const CONFIG_CASES: [string, unknown, RegExp][] = [
  ['evaluator', 42, /'evaluator' must be a name or/],
  ['evaluator', { id: 'command', option: {} }, /unknown key 'evaluator\.option' \(did you mean 'evaluator\.options'\?\)/],
  ['evaluator', { id: 7 }, /'evaluator\.id' must be a name/],
  ['evaluator', { id: 'command', options: [] }, /'evaluator\.options' must be an object/],
  ['generator', [], /'generator' must be a name or/],
  ['generator', '', /'generator' must not be empty/],
  ['seed', -1, /'seed' must be a whole number between 0 and/],
  ['seed', 1.5, /'seed' must be a whole number/],
  ['islands', 0, /'islands' must be a whole number between 1 and 64/],
  ['islands', 65, /'islands' must be a whole number between 1 and 64/],
  ['concurrency', 'two', /'concurrency' must be a whole number between 1 and 1,024/],
  ['generationConcurrency', 1000, /'generationConcurrency' must be a whole number between 1 and 256/],
  ['budget', 'three', /'budget' must be an object/],
  ['budget', { maxCandidates: 'three' }, /'budget\.maxCandidates' must be a whole number between 1 and 10,000,000.*got "three"/],
  ['budget', { maxCandidates: -5 }, /'budget\.maxCandidates' must be a whole number/],
  ['budget', { maxWallSeconds: 0 }, /'budget\.maxWallSeconds' must be a number greater than 0/],
  ['budget', { maxWallSeconds: 1e12 }, /'budget\.maxWallSeconds' must be a number greater than 0 and at most 1,000,000,000/],
  ['budget', { maxCostUsd: -1 }, /'budget\.maxCostUsd' must be a number between 0 and/],
  ['budget', { stagnation: 0.5 }, /'budget\.stagnation' must be a whole number/],
  ['budget', { maxCandidate: 3 }, /unknown key 'budget\.maxCandidate' \(did you mean 'budget\.maxCandidates'\?\)/],
  ['cascade', true, /'cascade' must be an object/],
  ['cascade', { enabled: 'yes' }, /'cascade\.enabled' must be true or false.*got "yes"/],
  ['cascade', { cheapCount: 0 }, /'cascade\.cheapCount' must be a whole number between 1 and/],
  ['cascade', { margin: Number.NaN }, /'cascade\.margin' must be a number/],
  ['cascade', { enable: true }, /unknown key 'cascade\.enable' \(did you mean 'cascade\.enabled'\?\)/],
  ['aggregation', 'avrage', /'aggregation' must be one of mean, median, last, min, weighted.*\(did you mean 'average'|'aggregation' must be one of mean, median, last, min, weighted/],
  ['aggregation', { kind: 'mean' }, /'aggregation' must be one of .* got an object/],
  ['searchReplaceRatio', 1.5, /'searchReplaceRatio' must be a number between 0 and 1/],
  ['migrationInterval', -3, /'migrationInterval' must be a whole number between 0 and/],
  ['eliteSize', 0, /'eliteSize' must be a whole number between 1 and 1,000/],
  ['exploitation', '0.5', /'exploitation' must be a number between 0 and 1/],
  ['inspirations', 17, /'inspirations' must be a whole number between 0 and 16/],
];

test('the run config file schema covers exactly the documented fields', () => {
  assert.deepEqual(Object.keys(CONFIG_FILE_SCHEMA).sort(), ['aggregation', 'budget', 'cascade', 'concurrency', 'eliteSize', 'evaluator', 'exploitation', 'generationConcurrency', 'generator', 'inspirations', 'islands', 'migrationInterval', 'searchReplaceRatio', 'seed'].sort());
  const covered = new Set(CONFIG_CASES.map(([field]) => field));
  for (const field of Object.keys(CONFIG_FILE_SCHEMA)) assert.ok(covered.has(field), `a case for '${field}'`);
});

test('every run config field: a bad value is one line naming the field', () => {
  for (const [field, value, pattern] of CONFIG_CASES) {
    const problem = configFileProblem({ [field]: value });
    assert.ok(problem, `${field} = ${JSON.stringify(value)} is refused`);
    assert.match(problem, pattern, `${field} = ${JSON.stringify(value)}`);
    assert.ok(!problem.includes('\n'), problem);
  }
});

test('good values pass, and unknown top-level keys name the closest one', () => {
  const good = { evaluator: { id: 'command', options: { command: 'x' } }, generator: 'mutate', seed: 3, islands: 2, concurrency: 4, generationConcurrency: 2, budget: { maxCandidates: 10, maxWallSeconds: 2160000, maxCostUsd: 0, stagnation: 5 }, cascade: { enabled: false, cheapCount: 1, margin: 0.2 }, aggregation: 'median', searchReplaceRatio: 0.5, migrationInterval: 0, eliteSize: 4, exploitation: 0.7, inspirations: 0 };
  assert.equal(configFileProblem(good), undefined);
  assert.match(configFileProblem({ isands: 3 }) ?? '', /unknown key 'isands' \(did you mean 'islands'\?\)/);
  assert.match(configFileProblem({ colour: 'red' }) ?? '', /unknown key 'colour' \(known: /);
  assert.equal(configFileProblem([]), 'must hold a JSON object');
});

test('a resolved RunConfig is checked whatever built it', () => {
  const config: RunConfig = { file: '/x.js', fileName: 'x.js', evaluator: { id: 'command', options: {} }, generator: { id: 'mutate', options: {} }, seed: 1, islands: 4, generationConcurrency: 2, evaluationConcurrency: 2, budget: { maxCandidates: 5 }, cascade: { ...DEFAULTS.cascade }, aggregation: { kind: 'mean' }, searchReplaceRatio: 0.8, migrationInterval: 50, eliteSize: 8, exploitation: 0.7, inspirations: 2 };
  assert.equal(runConfigProblem(config), undefined);
  assert.match(runConfigProblem({ ...config, evaluationConcurrency: 0 }) ?? '', /'evaluationConcurrency' must be a whole number/);
  assert.match(runConfigProblem({ ...config, budget: { maxWallSeconds: 1e12 } }) ?? '', /'budget\.maxWallSeconds'/);
  assert.match(runConfigProblem({ ...config, aggregation: { kind: 'avg' } as unknown as RunConfig['aggregation'] }) ?? '', /'aggregation' must be one of/);
});

/** [setting, a bad value, what the message must say] for every editor setting. */
const SETTING_CASES: [string, unknown, RegExp][] = [
  ['generator', 3, /'policyEvolver\.generator' must be text/],
  ['models', 'gpt', /'policyEvolver\.models' must be a list/],
  ['models', ['a', 2], /'policyEvolver\.models\[1\]' must be text/],
  ['baseUrl', false, /'policyEvolver\.baseUrl' must be text/],
  ['prices', 'gpt=1,2', /'policyEvolver\.prices' must be a list/],
  ['prices', [3], /'policyEvolver\.prices\[0\]' must be text/],
  ['contextWindow', -1, /'policyEvolver\.contextWindow' must be a whole number between 0 and 100,000,000/],
  ['budget', { maxCandidates: 'three' }, /'policyEvolver\.budget\.maxCandidates' must be a whole number/],
  ['budget', { maxWallSeconds: -1 }, /'policyEvolver\.budget\.maxWallSeconds' must be a number/],
  ['budget', { maxCostUsd: 'lots' }, /'policyEvolver\.budget\.maxCostUsd' must be a number/],
  ['budget', { maxCandidatez: 3 }, /unknown key 'policyEvolver\.budget\.maxCandidatez' \(did you mean 'policyEvolver\.budget\.maxCandidates'\?\)/],
  ['concurrency', -2, /'policyEvolver\.concurrency' must be a whole number between 0 and 1,024/],
  ['generationConcurrency', 1.5, /'policyEvolver\.generationConcurrency' must be a whole number/],
  ['files', {}, /'policyEvolver\.files' must be a list/],
  ['files', [{ pattern: '*.js', evaluater: 'faas' }], /unknown key 'policyEvolver\.files\[0\]\.evaluater' \(did you mean 'policyEvolver\.files\[0\]\.evaluator'\?\)/],
  ['files', [{ evaluator: 'faas' }], /'policyEvolver\.files\[0\]\.pattern' is missing/],
  ['codeLens', { evaluateOnOpen: 'yes' }, /'policyEvolver\.codeLens\.evaluateOnOpen' must be true or false/],
  ['openPanelOnStart', 1, /'policyEvolver\.openPanelOnStart' must be true or false/],
  ['saveAfterAccept', 'no', /'policyEvolver\.saveAfterAccept' must be true or false/],
];

test('every editor setting: a bad value is one line naming the setting', () => {
  const covered = new Set(SETTING_CASES.map(([k]) => k));
  for (const key of Object.keys(SETTINGS_SCHEMA)) assert.ok(covered.has(key), `a case for '${key}'`);
  for (const [key, value, pattern] of SETTING_CASES) {
    const problem = settingsProblem({ [key]: value });
    assert.ok(problem, `${key} = ${JSON.stringify(value)} is refused`);
    assert.match(problem, pattern);
  }
  assert.match(settingsProblem({ maxCandidates: 3 }) ?? '', /unknown key 'policyEvolver\.maxCandidates'/);
  assert.equal(settingsProblem({ generator: 'llm', models: ['openai:gpt-5'], budget: { maxCandidates: 0, maxWallSeconds: 0, maxCostUsd: 0 }, concurrency: 0, files: [{ pattern: '**/*.rbp', evaluator: 'protocol', options: { anything: 1 } }], codeLens: { evaluateOnOpen: true } }), undefined);
});

test('the settings schema knows every setting package.json declares, and no other', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pkg = require('../../package.json') as { contributes: { configuration: { properties: Record<string, unknown> } | { properties: Record<string, unknown> }[] } };
  const sections = Array.isArray(pkg.contributes.configuration) ? pkg.contributes.configuration : [pkg.contributes.configuration];
  const declared = sections.flatMap((s) => Object.keys(s.properties)).map((k) => k.replace(/^policyEvolver\./, ''));
  const known: string[] = [];
  for (const [key, rule] of Object.entries(SETTINGS_SCHEMA)) {
    if (rule.kind === 'object' && !rule.open && Object.keys(rule.fields).length) known.push(...Object.keys(rule.fields).map((f) => `${key}.${f}`));
    else known.push(key);
  }
  assert.deepEqual(known.sort(), declared.sort());
});
