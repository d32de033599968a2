// API keys live in VS Code's SecretStorage and are handed to the server process only.
import * as vscode from 'vscode';
import type { ServerClient } from './client';

export const KEY_NAMES = [
  { label: 'OpenAI', name: 'OPENAI_API_KEY' },
  { label: 'Anthropic', name: 'ANTHROPIC_API_KEY' },
  { label: 'OpenAI-compatible server (Ollama, vLLM, …)', name: 'OPENAI_COMPATIBLE_API_KEY' },
] as const;

const storageKey = (name: string): string => `policyEvolver.${name}`;

export async function storedSecrets(secrets: vscode.SecretStorage): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const { name } of KEY_NAMES) {
    const value = await secrets.get(storageKey(name));
    if (value) out[name] = value;
  }
  return out;
}

export async function pushSecrets(client: ServerClient, secrets: vscode.SecretStorage): Promise<void> {
  const values = await storedSecrets(secrets);
  if (Object.keys(values).length) await client.request('policyEvolver/setSecrets', { secrets: values });
}

export async function setApiKey(client: ServerClient, secrets: vscode.SecretStorage): Promise<void> {
  const pick = await vscode.window.showQuickPick(
    KEY_NAMES.map((k) => ({ label: k.label, description: k.name, name: k.name })),
    // Often opened from a notification's button: the toast closing must not take focus, and the
    // picker with it, before the user has chosen (as the key's input box below, it stays open).
    { title: 'Policy Evolver: Set API Key', placeHolder: 'Which provider?', ignoreFocusOut: true },
  );
  if (!pick) return;
  const value = await vscode.window.showInputBox({ title: `${pick.label} API key`, prompt: 'Stored in VS Code SecretStorage; leave empty to remove it', password: true, ignoreFocusOut: true });
  if (value === undefined) return;
  if (value === '') await secrets.delete(storageKey(pick.name));
  else await secrets.store(storageKey(pick.name), value.trim());
  if (client.started) await client.request('policyEvolver/setSecrets', { secrets: { [pick.name]: value.trim() } });
  void vscode.window.showInformationMessage(value === '' ? `Removed the ${pick.label} key.` : `Saved the ${pick.label} key.`);
}
