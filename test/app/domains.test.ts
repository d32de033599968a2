// Domains are known through their descriptors only: the built-in ones are inferred from their files
// (cluster included), and a domain registered with one line shows up in evaluator inference, the
// sandbox harness lookup, the generator choices and the server's descriptor request.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { domains } from '../../src/app/domains';
import { buildRunConfig } from '../../src/app/run-config';
import { normalizeCode } from '../../src/core/normalize';
import type { DomainDescriptor } from '../../src/evaluators/descriptor';
import { createSandboxPool } from '../../src/sandbox/pool';
import { describeDomains } from '../../src/server/domains';

const root = resolve(__dirname, '../..');

test('the built-in domains are inferred from their files, cluster included', () => {
  const cluster = join(root, 'examples/cluster/first-fit.ts');
  assert.equal(buildRunConfig(cluster, readFileSync(cluster, 'utf8'), {}).evaluator.id, 'cluster');
  const faas = join(root, 'examples/faas/priority.ts');
  assert.equal(buildRunConfig(faas, readFileSync(faas, 'utf8'), {}).evaluator.id, 'faas');
  const rbp = join(root, 'examples/protocols/bracha.rbp');
  const protocol = buildRunConfig(rbp, readFileSync(rbp, 'utf8'), {});
  assert.equal(protocol.evaluator.id, 'protocol');
  // The program mutator cannot parse rule tables; the domain's own synthesizer is the default.
  assert.equal(protocol.generator.id, 'qlearning');
  assert.throws(() => buildRunConfig('/w/notes.txt', 'hello', {}), /cannot tell how to score notes\.txt: pass --evaluator NAME \(faas, protocol, cluster, command\)/);
  assert.throws(() => buildRunConfig('/w/both.ts', 'export function step() {}\nexport function decide() {}\n', {}), /could be scored by faas or cluster/);
});

test("an evaluator given another domain's file is refused up front, naming the domains that fit", () => {
  const faas = join(root, 'examples/faas/priority.ts');
  const rbp = join(root, 'examples/protocols/bracha.rbp');
  const refused = (file: string, flags: Parameters<typeof buildRunConfig>[2], message: RegExp, code = readFileSync(file, 'utf8')): void => {
    assert.throws(() => buildRunConfig(file, code, flags), (err: Error & { exitCode?: number }) => message.test(err.message) && err.exitCode === 3);
  };
  refused(faas, { evaluator: 'protocol', generator: 'mutate' }, /^the protocol evaluator scores \.rbp, \.pml files, not priority\.ts; faas and cluster score \.ts files$/);
  // Before the generator is chosen: an .rbp under faas is not a question of which model to use.
  refused(rbp, { evaluator: 'faas' }, /^the faas evaluator scores \.js, .*\.ts.* files, not bracha\.rbp; protocol scores \.rbp files$/);
  refused(rbp, { evaluator: 'cluster' }, /^the cluster evaluator scores .* files, not bracha\.rbp/);
  refused('/w/sched.py', { evaluator: 'faas' }, /^the faas evaluator scores .* files, not sched\.py$/, 'x = 1');
  // What does fit still runs: a scheduler server in any language, and any file under a command.
  assert.equal(buildRunConfig('/w/sched.py', 'x = 1', { serve: 'python3 {file}', model: ['openai:gpt-5'] }).evaluator.id, 'faas');
  assert.equal(buildRunConfig('/w/main.go', 'x := 1', { command: 'true', model: ['openai:gpt-5'] }).evaluator.id, 'command');
  // Same extension, another domain's program: a FaaS policy under cluster and the other way round.
  refused(faas, { evaluator: 'cluster' }, /^priority\.ts is a faas program, not a cluster one: drop --evaluator, or pass --evaluator faas$/);
  refused(join(root, 'examples/cluster/first-fit.ts'), { evaluator: 'faas' }, /^first-fit\.ts is a cluster program, not a faas one: drop --evaluator, or pass --evaluator cluster$/);
  // A program no domain claims yet (a new file) is left to the evaluator named.
  assert.equal(buildRunConfig('/w/new.ts', '// nothing yet\n', { evaluator: 'cluster' }).evaluator.id, 'cluster');
});

test('the editor gets every domain with the generators that fit its files', () => {
  const byId = new Map(describeDomains().map((d) => [d.id, d]));
  assert.deepEqual([...byId.keys()], ['faas', 'protocol', 'cluster', 'command']);
  const protocol = byId.get('protocol');
  assert.ok(protocol);
  assert.deepEqual(protocol.extensions, ['rbp', 'pml']);
  assert.deepEqual(protocol.languageIds, ['rbp', 'promela']);
  assert.ok(!protocol.generators.some((g) => g.id === 'mutate'), 'mutate cannot parse .rbp');
  assert.ok(protocol.generators.some((g) => g.id === 'qlearning'));
  assert.deepEqual(protocol.defaultGenerators, { rbp: 'qlearning', pml: 'llm' });
  assert.equal(byId.get('cluster')?.selfPlay, true);
  assert.equal(byId.get('command')?.needsCommand, true);
  assert.ok(!byId.get('faas')?.generators.some((g) => g.id === 'qlearning'), 'the synthesizer belongs to the protocol domain');
});

test("every domain's default generator can work on the files it scores, so a run started without --generator is never refused for a generator nobody chose", () => {
  for (const d of domains.all()) {
    // The command domain scores any language its command scores, not only the ones the editor knows.
    const names = [...d.extensions.map((ext) => `p.${ext}`), ...(d.id === 'command' ? ['plain.txt', 'main.go', 'lib.rs', 'Makefile'] : [])];
    for (const name of names) {
      const chosen = d.defaultGenerator(name);
      assert.ok(domains.generatorsFor(d.id, name).includes(chosen), `${d.id} defaults to ${chosen} for ${name}, which cannot work on it`);
    }
  }
  // Through run settings too: with a command on a text file, the run starts with a model generator.
  assert.equal(buildRunConfig('/w/plain.txt', 'hello', { command: 'true', model: ['openai:gpt-5'] }).generator.id, 'llm');
});

test('package.json activates on every language a domain scores and its menus read the domains\' file types', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { activationEvents: string[]; contributes: { menus: Record<string, { when?: string }[]> } };
  for (const d of describeDomains()) for (const id of d.languageIds) assert.ok(pkg.activationEvents.includes(`onLanguage:${id}`), `onLanguage:${id} for ${d.id}`);
  const clauses = Object.values(pkg.contributes.menus).flat().map((m) => m.when ?? '');
  assert.ok(!clauses.some((w) => /resourceExtname =~/.test(w)), 'no hard-coded extension lists in menus');
  assert.ok(clauses.some((w) => w.includes('resourceExtname in policyEvolver.evolvableExtensions')));
});

test('a domain registered with one line is seen everywhere', async () => {
  const toy: DomainDescriptor = {
    id: 'toy',
    label: 'Toy',
    description: 'a toy domain for the registry test',
    extensions: ['toy'],
    claims: (file) => file.endsWith('.toy'),
    fileTypes: [{ extension: 'toy', language: 'toylang', comments: { line: ['%'], block: false } }],
    createEvaluator: async () => ({
      info: { id: 'toy', domain: 'toy', features: [] },
      workloads: async () => [{ id: 'w', split: 'search' }],
      evaluate: async () => ({ ok: true, score: 1, metrics: {}, features: {}, perWorkload: [], feedback: '' }),
    }),
    harnesses: [{ name: 'toy-double', source: 'test/app/fixtures/toy-harness.ts' }],
    defaultGenerator: () => 'replay',
    prompts: 'generic',
    editor: { languageIds: ['toy'] },
  };
  domains.register(toy);

  // CLI inference and the domain's default generator.
  const config = buildRunConfig('/w/policy.toy', 'x = 1', {});
  assert.equal(config.evaluator.id, 'toy');
  assert.equal(config.generator.id, 'replay');
  // A generator that cannot work on its files is refused up front (mutate only parses JS/TS).
  assert.throws(() => buildRunConfig('/w/policy.toy', 'x = 1', { evaluator: 'toy', generator: 'mutate' }), /the mutate generator cannot work on policy\.toy; generators that can: llm/);

  // Its comment syntax reaches deduplication.
  assert.equal(normalizeCode('x = 1 % a note\n', 'p.toy'), normalizeCode('x = 1\n', 'p.toy'));

  // The server's descriptor request.
  const described = describeDomains().find((d) => d.id === 'toy');
  assert.ok(described);
  assert.deepEqual(described.languageIds, ['toy']);
  assert.ok(!described.generators.some((g) => g.id === 'mutate'), 'mutate only parses JS/TS');

  // The sandbox harness lookup (what the build bundles) and a real sandboxed run through it.
  const harness = domains.harnesses().find((h) => h.name === 'toy-double');
  assert.deepEqual(harness, { name: 'toy-double', source: 'test/app/fixtures/toy-harness.ts' });
  const pool = createSandboxPool({ size: 1 });
  try {
    const outcome = await pool.run({ harness, candidateCode: 'export function score() { return 21; }', candidateFileName: 'c.js', input: null });
    assert.deepEqual(outcome.ok ? outcome.value : outcome, { doubled: 42 });
  } finally {
    await pool.close();
  }

  assert.throws(() => domains.register(toy), /registered twice/);
});
