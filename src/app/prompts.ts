// Where prompt templates live: prompts/<domain>/*.md in the package (next to dist/ when bundled,
// at the repository root from source). Every generator context gets its folder from here.
import { join } from 'node:path';
import { findPackageRoot } from '../sandbox/entries';

export function promptsDir(): string {
  return join(findPackageRoot(), 'prompts');
}
