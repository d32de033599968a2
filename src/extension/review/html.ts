// The review panel's HTML shell: a strict Content Security Policy (scripts only with this load's
// nonce, styles and images only from the extension), theme colours from --vscode-* variables.
import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

export function nonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

export function reviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, uriJoin: (base: vscode.Uri, ...parts: string[]) => vscode.Uri): string {
  const n = nonce();
  const script = webview.asWebviewUri(uriJoin(extensionUri, 'dist', 'webview.js'));
  const style = webview.asWebviewUri(uriJoin(extensionUri, 'media', 'review.css'));
  const codicons = webview.asWebviewUri(uriJoin(extensionUri, 'dist', 'codicons', 'codicon.css'));
  const csp = [`default-src 'none'`, `img-src ${webview.cspSource} data:`, `style-src ${webview.cspSource}`, `font-src ${webview.cspSource}`, `script-src 'nonce-${n}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${codicons.toString()}">
<link rel="stylesheet" href="${style.toString()}">
<title>Policy Evolver: Review</title>
</head>
<body>
<div id="app" role="application" aria-label="Policy Evolver review"></div>
<script nonce="${n}" src="${script.toString()}"></script>
</body>
</html>`;
}
