// The one scrubber for secret values. Every place that learns a secret (API keys from the
// environment or the editor's SecretStorage, broker passwords) registers it here, and every place
// that writes (journal events, stored sources, cassettes, exports, logs, error lines) passes its
// text through `scrubSecrets`, so a key that reached a candidate, an LLM reply or an error message
// is replaced before it touches a disk or a screen.

export const REDACTED = '[redacted]';

/** Shorter values are too likely to occur by chance in ordinary text. */
const MIN_SECRET_LENGTH = 8;

/** Environment variable names whose values are credentials (broker URLs carry a password). */
export const SECRET_ENV_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH|BROKER|AMQP|SESSION|COOKIE/i;

const secrets = new Set<string>();
/** Longest first, so a secret containing another is replaced whole. */
let ordered: string[] = [];

function add(value: string): void {
  if (value.length < MIN_SECRET_LENGTH || secrets.has(value)) return;
  secrets.add(value);
  ordered = [...secrets].sort((a, b) => b.length - a.length);
}

/** Registers a secret value, and the forms it takes inside JSON text and URLs. */
export function registerSecret(value: string | undefined | null): void {
  if (typeof value !== 'string') return;
  const trimmed = value.trim();
  if (trimmed.length < MIN_SECRET_LENGTH) return;
  add(trimmed);
  add(JSON.stringify(trimmed).slice(1, -1));
  add(encodeURIComponent(trimmed));
  // A URL with credentials: its password is a secret of its own.
  const credentials = /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:([^@\s]+)@/i.exec(trimmed);
  if (credentials?.[1]) {
    registerSecret(credentials[1]);
    try {
      registerSecret(decodeURIComponent(credentials[1]));
    } catch {
      // not percent-encoded
    }
  }
}

/**
 * Registers the values of every variable whose name says it holds a credential. Called on every
 * scrub, so a key set after start-up (or a process that never registered one) is still covered.
 */
export function registerEnvironmentSecrets(env: NodeJS.ProcessEnv = process.env): void {
  for (const name of Object.keys(env)) if (SECRET_ENV_NAME.test(name)) registerSecret(env[name]);
}

export function scrubSecrets(text: string): string {
  registerEnvironmentSecrets();
  return scrub(text);
}

function scrub(text: string): string {
  let out = text;
  for (const secret of ordered) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  // Bearer tokens and passwords inside URLs are credentials whatever their origin.
  // Both patterns start with literal text and use bounded repeats: linear on megabytes of candidate output.
  if (out.includes('Bearer')) out = out.replace(/(Bearer\s{1,8})[A-Za-z0-9._~+/=-]{8,4096}/g, `$1${REDACTED}`);
  if (out.includes('://')) out = out.replace(/(:\/\/[^:/@\s"'`]{0,256}:)[^@\s"'`/]{1,256}@/g, `$1${REDACTED}@`);
  return out;
}

/** A copy of a JSON-like value with every string scrubbed (keys included). */
export function scrubValue<T>(value: T): T {
  registerEnvironmentSecrets();
  return scrubDeep(value);
}

function scrubDeep<T>(value: T): T {
  if (typeof value === 'string') return scrub(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => scrubDeep(v)) as T;
  if (value !== null && typeof value === 'object') {
    // Dates and the like serialise through toJSON; scrub what they would write.
    const toJson = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJson === 'function') return scrubDeep(toJson.call(value) as unknown) as T;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[scrub(k)] = scrubDeep(v);
    return out as T;
  }
  return value;
}
