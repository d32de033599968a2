// Prompt assembly and reply parsing for the LLM generators: pure functions of their inputs (the
// template loader is the only part that touches the file system).

export { assemblePrompt, type AssembledPrompt } from './assemble';
export { estimateTokens, estimatePromptTokens, promptBudget, shrunkBudget } from './budget';
export { canonicalPrompt, parseCanonicalPrompt, promptHash, promptMessages, type ChatMessage } from './hash';
export { parseReply, ReplyParseError, type ParsedReply, type ReplyContext } from './parse-reply';
export { renderTemplate, checkTemplate, templateVariables, type TemplateVars } from './template';
export {
  FALLBACK_DOMAIN,
  loadPromptTemplates,
  PromptTemplateError,
  SYSTEM_VARIABLES,
  USER_VARIABLES,
  type PromptTemplates,
} from './templates';
export { DIVIDER_MARKER, REPLACE_MARKER, SEARCH_MARKER, taskInstructions } from './format';
