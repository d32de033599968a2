// Runs inside a real VS Code (Electron) extension host launched by @vscode/test-electron.
const assert = require('node:assert/strict');
const vscode = require('vscode');
const path = require('node:path');

exports.run = async function run() {
  const file = path.join(process.env.PE_WORKSPACE, 'bin-packing', 'heuristic.js');
  const doc = await vscode.workspace.openTextDocument(file);
  await vscode.window.showTextDocument(doc);
  const commands = await vscode.commands.getCommands(true);
  for (const id of ['policyEvolver.evolve', 'policyEvolver.evaluate', 'policyEvolver.stop', 'policyEvolver.resume', 'policyEvolver.showReviewPanel']) assert.ok(commands.includes(id), id);
  const result = await vscode.commands.executeCommand('policyEvolver.evaluate', doc.uri);
  assert.ok(result && result.ok, 'the example scores');
  const lenses = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', doc.uri);
  assert.ok(lenses.some((l) => l.command && /^Score /.test(l.command.title)), 'a score CodeLens');
};
