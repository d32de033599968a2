// Accepting a candidate: the server plans the edit against the document's current text (refusing
// or rebasing when the file changed since the run started), the edit is applied as one
// WorkspaceEdit (one Ctrl+Z undoes it), and only then is the decision journaled.
import * as vscode from 'vscode';
import type { ServerClient } from '../client';

export type AcceptOutcome = { ok: true; rebased: boolean } | { ok: false; message: string };

export async function acceptCandidate(client: ServerClient, runId: string, candidateId: string, file: string): Promise<AcceptOutcome> {
  const uri = vscode.Uri.file(file);
  const doc = await vscode.workspace.openTextDocument(uri);
  const plan = await client.request('policyEvolver/planAccept', { runId, candidateId, current: doc.getText() });
  if (plan.kind === 'refused') return { ok: false, message: `Cannot accept ${candidateId}: ${plan.reason}` };
  if (plan.kind === 'unchanged') return { ok: false, message: `${candidateId} is already what the file contains.` };
  if (plan.concerns?.length) {
    const choice = await vscode.window.showWarningMessage(
      `Accept ${candidateId} anyway?`,
      { modal: true, detail: `${plan.concerns.map((c) => `• ${c[0]?.toUpperCase()}${c.slice(1)}.`).join('\n')}\n\nAccepting writes it into ${file.split(/[\\/]/).pop()}.` },
      'Accept Anyway',
    );
    if (choice !== 'Accept Anyway') return { ok: false, message: `Did not accept ${candidateId}: ${plan.concerns.join('; ')}.` };
  }
  const edit = new vscode.WorkspaceEdit();
  for (const e of plan.edits) edit.replace(uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.newText);
  const version = doc.version;
  const applied = await vscode.workspace.applyEdit(edit);
  if (!applied) return { ok: false, message: `VS Code did not apply the edit for ${candidateId} (the file may be read-only).` };
  if (doc.version === version) return { ok: false, message: `The edit for ${candidateId} changed nothing.` };
  // Show the file in the column it is already in (or the first), leaving the review panel visible.
  const column = vscode.window.visibleTextEditors.find((e) => e.document === doc)?.viewColumn ?? vscode.ViewColumn.One;
  await vscode.window.showTextDocument(doc, { preview: false, preserveFocus: true, viewColumn: column });
  if (vscode.workspace.getConfiguration('policyEvolver').get<boolean>('saveAfterAccept', true)) await doc.save();
  await client.request('policyEvolver/decision', { runId, candidateId, decision: 'accepted' });
  return { ok: true, rebased: plan.rebased };
}

export async function rejectCandidate(client: ServerClient, runId: string, candidateId: string, note: string | undefined): Promise<void> {
  await client.request('policyEvolver/decision', { runId, candidateId, decision: 'rejected', ...(note?.trim() ? { note: note.trim() } : {}) });
}
