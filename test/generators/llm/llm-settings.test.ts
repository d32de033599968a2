// The editor's LLM settings (prices, context window) reach the run config the same way the CLI's
// --price and --context-window do, and a wrong entry is one line naming the setting.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseSettings, runConfigFor } from '../../../src/server/settings';
import { tempDir } from '../../helpers/tmp';

test('policyEvolver.prices and policyEvolver.contextWindow reach the LLM generator options', () => {
  const dir = tempDir();
  const file = join(dir, 'pack.js');
  const code = '// EVOLVE-BLOCK-START\nx = 1;\n// EVOLVE-BLOCK-END\n';
  writeFileSync(file, code);
  const settings = parseSettings({ models: ['openai-compatible:qwen@http://127.0.0.1:11434'], prices: ['qwen=0,0'], contextWindow: 8192, files: [{ pattern: '**/*.js', evaluator: 'command', options: { command: 'true {file}' } }] });
  assert.equal(settings.problem, undefined);
  const config = runConfigFor(file, code, settings, dir);
  assert.deepEqual(config.generator.options.prices, { qwen: { input: 0, output: 0 } });
  assert.deepEqual(config.generator.options.models, [{ provider: 'openai-compatible', model: 'qwen', baseUrl: 'http://127.0.0.1:11434', contextWindow: 8192 }]);
  const bad = parseSettings({ models: ['openai:x'], prices: ['x=cheap'] });
  assert.throws(() => runConfigFor(file, code, bad, dir), /setting 'policyEvolver\.prices': each entry is MODEL=IN,OUT\[,CACHED\]/);
  assert.match(parseSettings({ contextWindow: 'big' }).problem ?? '', /policyEvolver\.contextWindow/);
});
