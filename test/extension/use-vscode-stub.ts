// Import this first in a test of src/extension: `require('vscode')` (which exists only inside a VS
// Code extension host) then loads ./vscode-stub instead. The hook sits in module resolution, so
// the code under test imports `vscode` exactly as it does in the real editor.
import Module from 'node:module';
import { join } from 'node:path';

const STUB = join(__dirname, 'vscode-stub.ts');

interface Resolver {
  _resolveFilename(request: string, parent: unknown, ...rest: unknown[]): string;
}
const resolver = Module as unknown as Resolver;
const original = resolver._resolveFilename;
resolver._resolveFilename = function resolveVscode(request: string, parent: unknown, ...rest: unknown[]): string {
  return original.call(this, request === 'vscode' ? STUB : request, parent, ...rest);
};
