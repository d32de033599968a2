// Connecting a run to its broker, for the composition root. The journal keeps the URL without a
// password; the full URL comes from the command line or the environment every time the run starts.
import type { BrokerSettings } from '../core/journal-events';
import { UserError } from '../core/user-error';
import { BROKER_URL_ENV, parseBrokerUrl, type BrokerAddress } from './broker-url';
import { BrokerCoordinator } from './coordinator';
import { callbackLogger } from './log';

export function brokerAddressForRun(settings: BrokerSettings, secret: (name: string) => string | undefined): BrokerAddress {
  const full = secret(BROKER_URL_ENV);
  if (full) return parseBrokerUrl(full);
  if (settings.url) return parseBrokerUrl(settings.url);
  throw new UserError(`this run sends its work to a broker, but no URL was given: pass --broker URL or set ${BROKER_URL_ENV}`);
}

export async function connectRunBroker(
  settings: BrokerSettings,
  options: { baseDir: string; secret: (name: string) => string | undefined; notify: (level: 'info' | 'warn', message: string) => void },
): Promise<BrokerCoordinator> {
  const fromJournal = !options.secret(BROKER_URL_ENV);
  try {
    return await BrokerCoordinator.connect({
      address: brokerAddressForRun(settings, options.secret),
      experiment: settings.experiment,
      maxAttempts: settings.maxAttempts,
      baseDir: options.baseDir,
      log: callbackLogger('broker', options.notify),
    });
  } catch (err) {
    // The journaled URL has no password: say where the credentials should come from.
    if (fromJournal && err instanceof UserError && /refused the login/.test(err.message)) {
      throw new UserError(`${err.message}; the run's journal keeps the broker URL without its password: pass --broker URL or set ${BROKER_URL_ENV}`);
    }
    throw err;
  }
}
