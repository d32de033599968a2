// Asks for whatever the settings do not say about a run: how to score the file, where candidates
// come from, and how many to try.
import * as vscode from 'vscode';
import type { RunOverrides } from '../messages/lsp';

export async function pickRunOptions(needEvaluator: boolean, reason: string | undefined): Promise<RunOverrides | undefined> {
  const overrides: RunOverrides = {};
  if (needEvaluator) {
    const evaluator = await vscode.window.showQuickPick(
      [
        { label: 'command', description: 'score with a shell command that prints JSON', id: 'command' },
        { label: 'faas', description: 'FaaS scheduling simulator (TS/JS policy exporting init/step)', id: 'faas' },
        { label: 'protocol', description: 'distributed protocol checked with Spin (.rbp)', id: 'protocol' },
      ],
      { title: 'Policy Evolver: how should candidates be scored?', placeHolder: reason ?? 'Pick an evaluator (set policyEvolver.files to skip this)', ignoreFocusOut: true },
    );
    if (!evaluator) return undefined;
    overrides.evaluator = evaluator.id;
    if (evaluator.id === 'command') {
      const command = await vscode.window.showInputBox({ title: 'Evaluator command', prompt: '{file} is replaced by the candidate path; it must print a JSON result', value: 'node evaluate.mjs {file}', ignoreFocusOut: true });
      if (!command) return undefined;
      overrides.command = command;
    }
  }
  const configured = vscode.workspace.getConfiguration('policyEvolver');
  if (!configured.get<string>('generator')) {
    const generator = await vscode.window.showQuickPick(
      [
        { label: 'mutate', description: 'local program mutations; no API key, no cost' },
        { label: 'llm', description: 'LLM models from policyEvolver.models (needs an API key)' },
        { label: 'openai', description: 'OpenAI (needs OPENAI_API_KEY)' },
        { label: 'anthropic', description: 'Anthropic (needs ANTHROPIC_API_KEY)' },
      ],
      { title: 'Policy Evolver: where do candidates come from?', ignoreFocusOut: true },
    );
    if (!generator) return undefined;
    overrides.generator = generator.label;
  }
  if (!configured.get<number>('budget.maxCandidates')) {
    const budget = await vscode.window.showInputBox({
      title: 'Candidates to try',
      value: '50',
      ignoreFocusOut: true,
      validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) >= 1 ? undefined : 'a whole number of at least 1'),
    });
    if (!budget) return undefined;
    overrides.maxCandidates = Number(budget);
  }
  return overrides;
}
