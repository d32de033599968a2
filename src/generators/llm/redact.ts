// Keeps API keys out of everything we write or show. Keys are collected when a generator is
// created; every error message, log line and cassette line passes through `redact`. Keys also join
// the process-wide scrubber (core/secrets.ts), which covers journals, sources and exports.
import { registerSecret, scrubSecrets } from '../../core/secrets';

const MIN_SECRET_LENGTH = 6;

export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined): void {
    if (secret && secret.length >= MIN_SECRET_LENGTH) this.secrets.add(secret);
    registerSecret(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join('[redacted]');
    // Bearer tokens and credentials in URLs, whatever their origin.
    return scrubSecrets(out).replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g, '$1[redacted]').replace(/(\/\/)[^/\s:@]+:[^/\s@]+@/g, '$1[redacted]@');
  }

  /** An Error with the same name and a redacted message (the stack is dropped: it repeats the message). */
  redactError<E extends Error>(err: E): E {
    const message = this.redact(err.message);
    if (message !== err.message) {
      err.message = message;
      err.stack = `${err.name}: ${message}`;
    }
    return err;
  }
}
