// The CLI loads only the invoked command's code: the groups' names must match what their modules
// register, and in the bundle the big libraries (shipped as their own files) stay unloaded by a
// command that does not use them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { COMMAND_GROUPS, fullProgram, programFor } from '../../src/cli/command-groups';
import { baseProgram } from '../../src/cli/base-program';
import { ROOT } from '../helpers/cli';

const names = (program: Command): string[] => program.commands.map((c) => c.name()).sort();

test('every top-level command belongs to exactly one group, and each group registers exactly its names', async () => {
  const all = names(await fullProgram(baseProgram));
  const listed = COMMAND_GROUPS.flatMap((g) => [...g.commands]).sort();
  assert.deepEqual(listed, all);
  assert.equal(new Set(listed).size, listed.length, 'a command is listed in two groups');
  for (const group of COMMAND_GROUPS) {
    const program = new Command();
    const register = await group.load();
    register(program);
    assert.deepEqual(names(program), [...group.commands].sort());
    // The build makes the group's own bundle from its module and register names.
    const module = (await import(join(ROOT, 'src', 'cli', `${group.module}.ts`))) as { [name: string]: unknown };
    assert.equal(module[group.register], register, group.group);
  }
});

test('an invocation loads its own group, the bare root for --version, everything for help or an unknown command', async () => {
  const full = (): Promise<Command> => fullProgram(baseProgram);
  assert.deepEqual(names(await programFor(['--version'], baseProgram, full)), []);
  assert.deepEqual(names(await programFor(['faas', 'run', 'naive', '--json'], baseProgram, full)), ['faas']);
  assert.deepEqual(names(await programFor(['show', 'abc'], baseProgram, full)), ['apply', 'diff', 'reject', 'runs', 'show', 'unreject']);
  const everything = names(await full());
  for (const args of [[], ['--help'], ['help', 'faas'], ['bogus'], ['--version', '--bogus']]) {
    assert.deepEqual(names(await programFor(args, baseProgram, full)), everything, args.join(' '));
  }
});

const CLI = join(ROOT, 'dist', 'cli.js');
const SEPARATE = ['typescript.js', 'anthropic-sdk.js', 'openai.js', 'amqplib.js', 'tensorflow.js'];

/** The dist/ files a bundled CLI process loaded, with its exit code. */
function loadedFiles(args: string[], cacheDir = mkdtempSync(join(tmpdir(), 'cli-cache-'))): { code: number | null; loaded: string[]; stdout: string; stderr: string } {
  const hook = join(mkdtempSync(join(tmpdir(), 'cli-loaded-')), 'hook.js');
  writeFileSync(hook, "process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify(Object.keys(require.cache)) + '\\n'));\n");
  const r = spawnSync(process.execPath, ['--require', hook, CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, POLICY_EVOLVER_CACHE_DIR: cacheDir } });
  const line = r.stderr.split('\n').find((l) => l.startsWith('LOADED '));
  assert.ok(line, r.stderr);
  const dist = join(ROOT, 'dist');
  const loaded = (JSON.parse(line.slice('LOADED '.length)) as string[]).filter((f) => f.startsWith(dist)).map((f) => f.slice(dist.length + 1));
  return { code: r.status, loaded, stdout: r.stdout, stderr: r.stderr };
}

test('the bundled CLI parses a separately shipped library only when the command uses it', { skip: !existsSync(CLI) && 'dist/cli.js is not built' }, () => {
  const version = loadedFiles(['--version']);
  assert.equal(version.code, 0, version.stderr);
  // The executable is a launcher for the CLI's bundles (src/cli/launch.ts): the root program alone
  // for --version, the whole CLI for help and unknown commands, each group's own bundle for its commands.
  assert.deepEqual(version.loaded, ['cli.js', 'cli-root.js']);
  assert.equal(version.stdout, '0.1.0\n');
  const short = loadedFiles(['-V']);
  assert.deepEqual([short.loaded, short.stdout], [['cli.js', 'cli-root.js'], '0.1.0\n']);
  for (const args of [['--help'], ['help', 'faas'], ['bogus']]) assert.deepEqual(loadedFiles(args).loaded, ['cli.js', 'cli-main.js'], args.join(' '));

  // Defining a command must not load what running it needs: each group's help.
  for (const group of COMMAND_GROUPS) {
    for (const command of group.commands) {
      const help = loadedFiles([command, '--help']);
      assert.equal(help.code, 0, help.stderr);
      assert.deepEqual(help.loaded, ['cli.js', `cli-${group.group}.js`], `${command} --help`);
      assert.match(help.stdout, new RegExp(`^Usage: policy-evolver ${command}`, 'm'));
    }
  }

  const golden = join(ROOT, 'test', 'fixtures', 'eudoxia', 'naive_defaults_10m');
  const builtin = loadedFiles(['faas', 'run', 'naive', '--trace', join(golden, 'trace.csv'), '--params', join(golden, 'params.toml'), '--json']);
  assert.equal(builtin.code, 0, builtin.stderr);
  assert.deepEqual(builtin.loaded.filter((f) => SEPARATE.includes(f)), []);

  // A policy file is compiled in the CLI process: the compiler is loaded then, and from its own file.
  const faas = join(ROOT, 'examples', 'faas');
  const cacheDir = mkdtempSync(join(tmpdir(), 'cli-cache-'));
  const fileRun = ['faas', 'run', join(faas, 'naive.ts'), '--trace', join(faas, 'sample-trace.csv'), '--params', join(faas, 'params.toml'), '--json'];
  const file = loadedFiles(fileRun, cacheDir);
  assert.equal(file.code, 0, file.stderr);
  assert.deepEqual(file.loaded.filter((f) => SEPARATE.includes(f)), ['typescript.js']);
  // The same file again: its compiled text comes from the per-user cache, and no compiler loads.
  const again = loadedFiles(fileRun, cacheDir);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(again.loaded.filter((f) => SEPARATE.includes(f)), []);

  // Errors thrown in a lazily loaded command still reach the launcher's exit-code mapping.
  const missing = loadedFiles(['faas', 'run', 'no-such-policy.ts']);
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /^policy-evolver: no policy file 'no-such-policy\.ts'/m);
});

test('the CLI bundle and the compiler ship as pure ASCII, so start-up decodes them as Latin-1', { skip: !existsSync(CLI) && 'dist/cli.js is not built' }, () => {
  // One non-ASCII character (a literal em dash in a regex, say) makes every start-up decode
  // megabytes as UTF-8 (core/code-cache.ts); write such characters as \u escapes.
  const bundles = readdirSync(join(ROOT, 'dist')).filter((f) => /^cli(-[a-z-]+)?\.js$/.test(f));
  assert.ok(bundles.includes('cli-faas.js') && bundles.includes('cli-main.js'), bundles.join(' '));
  for (const file of [...bundles, 'typescript.js']) {
    const bytes = readFileSync(join(ROOT, 'dist', file));
    const at = bytes.findIndex((b) => b > 0x7f);
    const line = at < 0 ? '' : bytes.subarray(0, at).toString('latin1').split('\n').length;
    assert.equal(at, -1, `dist/${file} has a non-ASCII byte on line ${line}`);
  }
});
