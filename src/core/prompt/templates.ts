// Loading the markdown templates of a domain, with a per-file fallback to the generic domain so
// a new evaluator works before anyone writes prompts for it.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../user-error';
import { checkTemplate } from './template';

export const FALLBACK_DOMAIN = 'generic';

/**
 * Placeholders `system.md` may use: stable per run, so the system prompt stays cacheable.
 * `jsFile` and `otherLanguageFile` are non-empty for JavaScript/TypeScript files and for every
 * other language respectively, so a section can address only the files it applies to (a small
 * context window should not pay for instructions about the other kind).
 */
export const SYSTEM_VARIABLES = ['fileName', 'language', 'domain', 'jsFile', 'otherLanguageFile'] as const;

/** Placeholders `user.md` may use. */
export const USER_VARIABLES = [
  'fileName',
  'language',
  'domain',
  'evolvable',
  'parentCode',
  'parentScore',
  'parentMetrics',
  'parentFeedback',
  'inspirations',
  'recentFailures',
  'history',
  'humanNotes',
  'task',
] as const;

const USER_REQUIRED = ['parentCode', 'task'] as const;

export interface PromptTemplates {
  /** Domain asked for (the evaluator's). */
  domain: string;
  system: string;
  user: string;
  /** Files the text came from, for messages. */
  systemPath: string;
  userPath: string;
}

export class PromptTemplateError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'PromptTemplateError';
  }
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PromptTemplateError(`cannot read prompt template ${path}: ${(err as Error).message}`);
  }
}

function locate(promptsDir: string, domain: string, file: string): { path: string; text: string } {
  for (const d of domain === FALLBACK_DOMAIN ? [domain] : [domain, FALLBACK_DOMAIN]) {
    const path = join(promptsDir, d, file);
    const text = readIfPresent(path);
    if (text !== undefined) return { path, text };
  }
  throw new PromptTemplateError(
    `no prompt template ${file} for domain '${domain}': looked for ${join(promptsDir, domain, file)} and ${join(promptsDir, FALLBACK_DOMAIN, file)}`,
  );
}

export function loadPromptTemplates(promptsDir: string, domain: string): PromptTemplates {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(domain)) {
    throw new PromptTemplateError(`invalid domain name '${domain}' (letters, digits, '-' and '_' only)`);
  }
  const system = locate(promptsDir, domain, 'system.md');
  const user = locate(promptsDir, domain, 'user.md');
  const problems = [
    ...checkTemplate(system.text, SYSTEM_VARIABLES, []).map((p) => `${system.path}: ${p}`),
    ...checkTemplate(user.text, USER_VARIABLES, USER_REQUIRED).map((p) => `${user.path}: ${p}`),
  ];
  if (problems.length) throw new PromptTemplateError(`bad prompt template: ${problems.join('; ')}`);
  return { domain, system: system.text, user: user.text, systemPath: system.path, userPath: user.path };
}
