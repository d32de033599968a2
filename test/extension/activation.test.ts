// Activation registers everything without starting the server; API keys go to SecretStorage and
// the server only; the run options ask only what settings leave open; the restart cap.
import './use-vscode-stub';
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { pickRunOptions } from '../../src/extension/evolve-options';
import { activate } from '../../src/extension/main';
import { DomainCatalog, readBuiltDomains } from '../../src/extension/domains';
import { describeDomains } from '../../src/server/domains';
import { tempDir } from '../helpers/tmp';
import { allowRestart, MAX_RESTARTS, RESTART_WINDOW_MS } from '../../src/extension/restart-policy';
import { pushSecrets, setApiKey, storedSecrets } from '../../src/extension/secrets';
import { FakeServer } from './fake-server';
import { stub, Uri } from './vscode-stub';

beforeEach(() => stub.reset());

// The extension folder as the build leaves it: the domain list next to the bundles.
const extDir = tempDir('pe-ext-');
mkdirSync(join(extDir, 'dist'));
writeFileSync(join(extDir, 'dist', 'domains.json'), JSON.stringify(describeDomains()));
const asAbsolutePath = (p: string): string => join(extDir, p);
const catalog = new DomainCatalog(describeDomains());

class MemorySecrets {
  readonly values = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }
  get storage(): vscode.SecretStorage {
    return this as unknown as vscode.SecretStorage;
  }
}

test('activation registers the commands, the runs view, the candidate documents and the panel serializer, and starts no server', () => {
  const subscriptions: { dispose(): unknown }[] = [];
  const context = { subscriptions, extensionUri: Uri.file(extDir), asAbsolutePath, secrets: new MemorySecrets().storage };
  activate(context as unknown as vscode.ExtensionContext);
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[]; views: Record<string, { id: string }[]> } };
  for (const { command } of pkg.contributes.commands) assert.ok(stub.commands.has(command), `${command} is registered`);
  const viewIds = Object.values(pkg.contributes.views).flat().map((v) => v.id);
  assert.deepEqual(stub.treeViews.map((v) => v.id).filter((id) => viewIds.includes(id)), ['policyEvolver.runs']);
  assert.ok(stub.contentProviders.has('policy-evolver-candidate'));
  assert.ok(stub.serializers.has('policyEvolver.review'));
  assert.equal(stub.context.get('policyEvolver.evolvableFile'), false, 'no editor open: nothing to evolve');
  assert.deepEqual(stub.context.get('policyEvolver.evolvableExtensions'), catalog.dottedExtensions(), 'menus know the domains\' file types');
  assert.ok(catalog.dottedExtensions().includes('.rbp') && catalog.dottedExtensions().includes('.ts'));
  assert.ok(subscriptions.length > 0, 'everything is disposed with the extension');
  for (const s of subscriptions) s.dispose();
  assert.equal(stub.commands.size, 0, 'disposing the subscriptions unregisters every command');
});

test('activation marks an open policy file as evolvable for menus and key bindings', () => {
  // An empty file does not look worth starting the server for, but its extension can be evolved.
  stub.open('/w/policy.ts');
  activate({ subscriptions: [], extensionUri: Uri.file(extDir), asAbsolutePath, secrets: new MemorySecrets().storage } as unknown as vscode.ExtensionContext);
  assert.equal(stub.context.get('policyEvolver.evolvableFile'), true);
  stub.onDidChangeActiveTextEditor.fire({ document: stub.open('/w/notes.txt') });
  assert.equal(stub.context.get('policyEvolver.evolvableFile'), false);
});

test('looksEvolvable (from the domain descriptors): protocols always; code files only with an evolve block or a step or decide export', () => {
  assert.equal(catalog.looksEvolvable('/w/x.rbp', ''), true);
  assert.equal(catalog.looksEvolvable('/w/x.pml', ''), true);
  assert.equal(catalog.looksEvolvable('/w/p.ts', 'export function step(view) {}'), true);
  assert.equal(catalog.looksEvolvable('/w/p.ts', 'export function decide(view) {}'), true);
  assert.equal(catalog.looksEvolvable('/w/p.py', '# EVOLVE-BLOCK-START\nx = 1\n# EVOLVE-BLOCK-END'), true);
  assert.equal(catalog.looksEvolvable('/w/p.ts', 'export const x = 1;'), false);
  assert.equal(catalog.looksEvolvable('/w/README.md', 'EVOLVE-BLOCK-START'), false);
});

test('the build\'s domain list is read as it is, and a missing one is reported', () => {
  assert.deepEqual(readBuiltDomains(asAbsolutePath('dist/domains.json')).domains, describeDomains());
  assert.match(readBuiltDomains('/nowhere/domains.json').error ?? '', /cannot read the domain list/);
});

test('the pickers offer only what fits the file: no mutate for rule tables, the synthesizer only for them', async () => {
  stub.config.set('policyEvolver.budget.maxCandidates', 7);
  stub.quickPicks.push('qlearning');
  assert.deepEqual(await pickRunOptions(catalog, '/w/x.rbp', false, undefined), { generator: 'qlearning' });
  stub.quickPicks.push('mutate');
  await assert.rejects(pickRunOptions(catalog, '/w/x.rbp', false, undefined), /"mutate", which is not among llm, openai, anthropic, qlearning$/);
  stub.quickPicks.length = 0;
  stub.quickPicks.push('qlearning');
  await assert.rejects(pickRunOptions(catalog, '/w/p.ts', false, undefined), /"qlearning", which is not among mutate, llm, openai, anthropic$/);
  stub.quickPicks.length = 0;
  stub.quickPicks.push('protocol');
  await assert.rejects(pickRunOptions(catalog, '/w/p.ts', true, undefined), /not among faas, cluster, command$/);
});

test('Set API Key stores the key in SecretStorage and hands it to a running server; an empty key removes it', async () => {
  const secrets = new MemorySecrets();
  const server = new FakeServer().on('policyEvolver/setSecrets', () => true);
  stub.quickPicks.push('OpenAI');
  stub.inputs.push('  sk-test-123  ');
  await setApiKey(server.client, secrets.storage);
  assert.deepEqual(await storedSecrets(secrets.storage), { OPENAI_API_KEY: 'sk-test-123' });
  assert.deepEqual(server.sent('policyEvolver/setSecrets'), [{ secrets: { OPENAI_API_KEY: 'sk-test-123' } }]);
  assert.ok(stub.shown('info').some((m) => /Saved the OpenAI key/.test(m)));
  assert.ok(stub.shown().every((m) => !m.includes('sk-test-123')), 'the key itself is never shown');

  stub.quickPicks.push('OpenAI');
  stub.inputs.push('');
  await setApiKey(server.client, secrets.storage);
  assert.deepEqual(await storedSecrets(secrets.storage), {});
});

test('stored keys are pushed to a (re)started server; nothing is sent when there are none', async () => {
  const secrets = new MemorySecrets();
  const server = new FakeServer().on('policyEvolver/setSecrets', () => true);
  await pushSecrets(server.client, secrets.storage);
  assert.deepEqual(server.requests, []);
  await secrets.store('policyEvolver.ANTHROPIC_API_KEY', 'sk-ant-1');
  await pushSecrets(server.client, secrets.storage);
  assert.deepEqual(server.sent('policyEvolver/setSecrets'), [{ secrets: { ANTHROPIC_API_KEY: 'sk-ant-1' } }]);
});

test('run options: an evaluator is asked for only when the file needs one; a command evaluator asks for its command', async () => {
  stub.config.set('policyEvolver.generator', 'mutate');
  stub.config.set('policyEvolver.budget.maxCandidates', 7);
  assert.deepEqual(await pickRunOptions(catalog, '/w/policy.py', false, undefined), {});
  assert.deepEqual(stub.quickPickTitles, []);

  stub.quickPicks.push('command');
  stub.inputs.push('python3 score.py {file}');
  assert.deepEqual(await pickRunOptions(catalog, '/w/policy.py', true, 'no evaluator matches policy.py'), { evaluator: 'command', command: 'python3 score.py {file}' });

  stub.quickPicks.push(undefined);
  assert.equal(await pickRunOptions(catalog, '/w/policy.py', true, undefined), undefined, 'dismissing the evaluator question cancels');
});

test('the language server is restarted after a crash, but not after too many crashes in a short time', () => {
  const crashes: number[] = [];
  for (let i = 0; i < MAX_RESTARTS; i++) assert.equal(allowRestart(crashes, 1000 + i), true, `crash ${i + 1}`);
  assert.equal(allowRestart(crashes, 1000 + MAX_RESTARTS), false, 'a crash loop ends');
  assert.equal(allowRestart(crashes, 1000 + MAX_RESTARTS + RESTART_WINDOW_MS), true, 'old crashes leave the window');
});
