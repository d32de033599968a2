// `policy-evolver llm test`: checks that an LLM endpoint is reachable with the key in the
// environment, and prints the resolved endpoint and the models it offers.

import type { Command } from 'commander';
import { checkEndpoint, LlmCallError, LlmConfigError, PROVIDERS, type EndpointReport, type ProviderKind } from '../../generators/llm';
import { ExitCode, UserError } from '../errors';

interface TestFlags {
  provider?: string;
  baseUrl?: string;
  model?: string;
  apiKeyEnv?: string;
  timeout?: string;
  json?: boolean;
}

function provider(flags: TestFlags): ProviderKind {
  if (flags.provider === undefined) return flags.baseUrl ? 'openai-compatible' : 'openai';
  if (!(PROVIDERS as readonly string[]).includes(flags.provider)) {
    throw new UserError(`--provider must be one of ${PROVIDERS.join(', ')} (got '${flags.provider}')`, ExitCode.usage);
  }
  return flags.provider as ProviderKind;
}

function keyLine(r: EndpointReport): string {
  if (r.key.set) return `${r.key.name} (set)`;
  if (r.key.name) return `${r.key.name} (not set)`;
  return 'none sent (set --api-key-env if the server needs one)';
}

function print(r: EndpointReport): void {
  const out: string[] = [`provider:  ${r.provider}`, `endpoint:  ${r.baseUrl}`, `key:       ${keyLine(r)}`];
  if (r.modelsError) out.push(`models:    could not list (${r.modelsError})`);
  else out.push(`models:    ${r.models.length} offered${r.models.length ? `\n${r.models.map((m) => `  ${m}`).join('\n')}` : ''}`);
  if (r.model) {
    if (!r.modelsError && !r.modelListed) out.push(`warning:   '${r.model}' is not in the endpoint's model list`);
    if (r.ping) {
      const u = r.ping.usage;
      out.push(
        `model:     ${r.model} answered in ${r.ping.ms} ms: ${JSON.stringify(r.ping.reply.slice(0, 80)) || '(empty reply)'}`,
        `usage:     ${u.inputTokens} tokens in, ${u.outputTokens} out, $${u.costUsd.toFixed(6)}`,
      );
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

export function registerLlmCommands(program: Command): void {
  const llm = program.command('llm').description('LLM provider tools');
  llm
    .command('test')
    .description('check an LLM endpoint: print the resolved URL, the key in use (never its value) and the models offered; with --model, ask it for one word')
    .option('--provider <provider>', `one of ${PROVIDERS.join(', ')} (default: openai, or openai-compatible when --base-url is given)`)
    .option('--base-url <url>', 'endpoint, e.g. http://127.0.0.1:11434/v1 for Ollama (default: the provider\'s public API)')
    .option('--model <model>', 'also send a one-line completion to this model')
    .option('--api-key-env <name>', 'environment variable holding the key (default: OPENAI_API_KEY / ANTHROPIC_API_KEY; none for openai-compatible)')
    .option('--timeout <ms>', 'give up after this many milliseconds', '30000')
    .option('--json', 'print JSON')
    .action(async (flags: TestFlags) => {
      const timeoutMs = Number(flags.timeout);
      if (!Number.isInteger(timeoutMs) || timeoutMs < 100) throw new UserError(`--timeout must be a whole number of milliseconds, at least 100 (got '${flags.timeout}')`, ExitCode.usage);
      const ctrl = new AbortController();
      const onSigint = () => ctrl.abort();
      process.once('SIGINT', onSigint);
      const timer = setTimeout(() => ctrl.abort(), timeoutMs);
      try {
        const report = await checkEndpoint(
          {
            provider: provider(flags),
            ...(flags.baseUrl ? { baseUrl: flags.baseUrl } : {}),
            ...(flags.model ? { model: flags.model } : {}),
            ...(flags.apiKeyEnv ? { apiKeyEnv: flags.apiKeyEnv } : {}),
            timeoutMs,
          },
          (name) => process.env[name],
          ctrl.signal,
        );
        if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        else print(report);
      } catch (err) {
        if (ctrl.signal.aborted) throw new UserError(`no answer within ${timeoutMs} ms (or interrupted)`, ExitCode.badInput);
        if (err instanceof LlmConfigError) throw new UserError(err.message.replace(/^llm test options: /, ''), ExitCode.usage);
        if (err instanceof LlmCallError) throw new UserError(err.message, ExitCode.badInput);
        throw err;
      } finally {
        clearTimeout(timer);
        process.removeListener('SIGINT', onSigint);
      }
    });
}
