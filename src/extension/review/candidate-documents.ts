// Read-only virtual documents holding candidate sources, so "Open in Diff Editor" can use
// vscode.diff without writing candidates into the workspace.
import * as vscode from 'vscode';
import type { ServerClient } from '../client';

export const CANDIDATE_SCHEME = 'policy-evolver-candidate';

export function candidateUri(runId: string, candidateId: string, fileName: string): vscode.Uri {
  return vscode.Uri.from({ scheme: CANDIDATE_SCHEME, path: `/${runId}/${candidateId}/${fileName}` });
}

export function parseCandidateUri(uri: vscode.Uri): { runId: string; candidateId: string } | undefined {
  const [, runId, candidateId] = uri.path.split('/');
  return runId && candidateId ? { runId, candidateId } : undefined;
}

export class CandidateDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly client: ServerClient) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const ref = parseCandidateUri(uri);
    if (!ref) throw new Error(`not a candidate document: ${uri.toString()}`);
    const source = await this.client.request('policyEvolver/candidateSource', ref);
    return source.code;
  }
}
