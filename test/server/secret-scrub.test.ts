// Secrets that never were in the environment (a key from the editor's SecretStorage, a broker
// password given on a command line) are still scrubbed from what the run store writes and what a
// worker publishes: whoever learns a secret registers it with the one scrubber.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { RunStore } from '../../src/core/journal';
import type { RunConfig } from '../../src/core/journal-events';
import { applySecrets } from '../../src/server/secrets';
import { parseBrokerUrl } from '../../src/transport/broker-url';
import { encodeBody } from '../../src/transport/messages';
import { tempDir } from '../helpers/tmp';

const STORED = 'sk-from-secret-storage-91e3b0';
const BROKER_PASSWORD = 'brokerpw-4d2c88aa';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

test('a SecretStorage key and a broker password never reach the journal, sources or broker messages', () => {
  assert.equal(process.env.OPENAI_API_KEY, undefined, 'the key is not in the environment');
  applySecrets({ OPENAI_API_KEY: STORED });
  parseBrokerUrl(`amqp://alice:${BROKER_PASSWORD}@localhost:5672/vh`);
  const runs = tempDir();
  const config = { file: '/w/policy.js', fileName: 'policy.js', evaluator: { id: 'command', options: { command: `echo ${STORED}` } } } as unknown as RunConfig;
  const store = RunStore.create(runs, 'run-1', config);
  try {
    store.putSource(`// key ${STORED}\nexport const password = '${BROKER_PASSWORD}';\n`);
    store.append({ type: 'proposal-failed', index: 1, island: 0, parentIds: ['c0'], stage: 'generate', error: `upstream said ${STORED} and amqp://alice:${BROKER_PASSWORD}@localhost`, time: new Date().toISOString() });
  } finally {
    store.close();
  }
  const files = filesUnder(runs);
  assert.ok(files.length >= 3, files.join(' '));
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    assert.ok(!text.includes(STORED) && !text.includes(BROKER_PASSWORD), `${file} holds a secret:\n${text}`);
  }
  assert.match(readFileSync(join(runs, 'run-1', 'journal.jsonl'), 'utf8'), /upstream said \[redacted\]/);
  const message = encodeBody({ feedback: `the candidate printed ${STORED}` }).toString('utf8');
  assert.ok(!message.includes(STORED), message);
});
