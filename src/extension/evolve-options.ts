// Asks for whatever the settings do not say about a run: how to score the file, where candidates
// come from, and how many to try. The choices come from the domain descriptors (the catalog the
// server sent): only evaluators that can score this file, only generators that can edit it.
import * as vscode from 'vscode';
import type { RunOverrides } from '../messages/lsp';
import type { DomainCatalog } from './domains';

export async function pickRunOptions(catalog: DomainCatalog, fileName: string, needEvaluator: boolean, reason: string | undefined): Promise<RunOverrides | undefined> {
  const overrides: RunOverrides = {};
  if (needEvaluator) {
    const choices = catalog.domainsFor(fileName);
    if (!choices.length) {
      void vscode.window.showErrorMessage(`Policy Evolver: no evaluator can score ${fileName.split(/[\\/]/).pop() ?? fileName} (known: ${catalog.all().map((d) => d.id).join(', ')})`);
      return undefined;
    }
    const evaluator = await vscode.window.showQuickPick(
      choices.map((d) => ({ label: d.id, description: d.description, id: d.id, needsCommand: d.needsCommand })),
      { title: 'Policy Evolver: how should candidates be scored?', placeHolder: reason ?? 'Pick an evaluator (set policyEvolver.files to skip this)', ignoreFocusOut: true },
    );
    if (!evaluator) return undefined;
    overrides.evaluator = evaluator.id;
    if (evaluator.needsCommand) {
      const command = await vscode.window.showInputBox({ title: 'Evaluator command', prompt: '{file} is replaced by the candidate path; it must print a JSON result', value: 'node evaluate.mjs {file}', ignoreFocusOut: true });
      if (!command) return undefined;
      overrides.command = command;
    }
  }
  const configured = vscode.workspace.getConfiguration('policyEvolver');
  if (!configured.get<string>('generator')) {
    // Replaying needs a cassette file, which the settings name; it is not a choice to make here.
    const generators = catalog.generatorsFor(fileName, overrides.evaluator).filter((g) => g.id !== 'replay');
    const generator = await vscode.window.showQuickPick(
      generators.map((g) => ({ label: g.id, description: g.description })),
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
