// Broker addresses. The full URL (with its password) lives only in memory and in the environment of
// child processes; everything that is printed, journaled or published uses the redacted form.
import type { Options } from 'amqplib';
import { UserError } from '../core/user-error';
import { registerSecret } from '../core/secrets';

/** Where credentials come from when `--broker` is given without a URL (and for worker children). */
export const BROKER_URL_ENV = 'POLICY_EVOLVER_BROKER_URL';

const DEFAULT_HEARTBEAT_SECONDS = 10;

export interface BrokerAddress {
  /** `amqp://user@host:port/vhost`: never holds the password, safe to print and journal. */
  redacted: string;
  /** What amqplib needs to connect, credentials included. Never log this object. */
  connect: Options.Connect;
  /** The full URL, to hand to child processes through the environment (never through argv). */
  secretUrl: string;
}

/** Replaces any password in amqp(s) URLs found in `text` (log lines, error messages). */
export function redactSecrets(text: string): string {
  return text.replace(/(amqps?:\/\/[^:/@\s]*):[^@\s]*@/gi, '$1:***@');
}

export function parseBrokerUrl(raw: string): BrokerAddress {
  // Whatever happens next, its password is never written anywhere.
  registerSecret(raw);
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw.trim())) {
    // `--broker FILE` takes the next word when the URL was meant to come from the environment.
    const shown = raw.includes('@') || raw.includes(':') ? '(not shown: it may hold a password)' : `'${raw}'`;
    throw new UserError(`the broker URL ${shown} does not start with amqp://; to read it from ${BROKER_URL_ENV}, give --broker as the last option`);
  }
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    // The text may hold a password, so it is not echoed.
    throw new UserError('the broker URL is not a valid URL (not shown: it may hold a password); expected amqp://user:password@host:5672/vhost');
  }
  const protocol = url.protocol.replace(/:$/, '');
  const shown = (): string => redactedUrl(url);
  if (protocol !== 'amqp' && protocol !== 'amqps') throw new UserError(`the broker URL must start with amqp:// or amqps://, got ${shown()}`);
  if (!url.hostname) throw new UserError(`the broker URL has no host: ${shown()}`);
  const port = url.port ? Number(url.port) : protocol === 'amqps' ? 5671 : 5672;
  const path = url.pathname;
  let vhost = '/';
  if (path && path !== '/') {
    try {
      vhost = decodeURIComponent(path.slice(1));
    } catch {
      throw new UserError(`the broker URL's virtual host is not valid percent-encoding: ${shown()}`);
    }
  }
  const heartbeatText = url.searchParams.get('heartbeat');
  let heartbeat = DEFAULT_HEARTBEAT_SECONDS;
  if (heartbeatText !== null) {
    heartbeat = Number(heartbeatText);
    if (!Number.isInteger(heartbeat) || heartbeat < 0 || heartbeat > 600) throw new UserError(`heartbeat in the broker URL must be 0-600 seconds, got '${heartbeatText}'`);
  }
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  return {
    redacted: shown(),
    secretUrl: raw.trim(),
    connect: {
      protocol,
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port,
      vhost,
      heartbeat,
      ...(username ? { username } : {}),
      ...(username || password ? { password } : {}),
    },
  };
}

function redactedUrl(url: URL): string {
  const user = url.username ? `${url.username}@` : '';
  const path = url.pathname && url.pathname !== '/' ? url.pathname : '/';
  return `${url.protocol}//${user}${url.host}${path}`;
}

/**
 * The broker to use: `--broker URL`, or `--broker` alone (the URL comes from the environment, which
 * keeps the password out of `ps`), or nothing (undefined: stay local).
 */
export function resolveBrokerAddress(flag: string | boolean | undefined, env: (name: string) => string | undefined = (n) => process.env[n]): BrokerAddress | undefined {
  if (flag === undefined || flag === false) return undefined;
  if (flag === true) {
    const fromEnv = env(BROKER_URL_ENV);
    if (!fromEnv) throw new UserError(`--broker without a URL reads ${BROKER_URL_ENV}, which is not set`);
    return parseBrokerUrl(fromEnv);
  }
  return parseBrokerUrl(flag);
}
