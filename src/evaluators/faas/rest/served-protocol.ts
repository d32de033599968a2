// What the host side of a served candidate exchanges: the job the simulator process
// (served-runner.ts, a trusted process on the host) reads, and the relay that runs inside the
// command sandbox beside the candidate's server. The relay connects out to the simulator's Unix
// socket (a read-only bind into the sandbox) and carries each request to the server's TCP port on
// the sandbox's loopback; the candidate can reach nothing else, and never the simulator's output.
import type { JsonValue } from '../../../core/types';

export interface ServedJob {
  /** Unix socket the simulator listens on and the relay connects to. */
  listenPath: string;
  /** Longest wait for one answer of the server. */
  answerMs: number;
  keepInvalid: number;
  workloads: { id: string; data: JsonValue }[];
}

/**
 * The relay (plain JavaScript, run by node inside the sandbox):
 * node relay.js <socket> <port> <server pid> <startup ms>. It waits until the server listens, then
 * keeps one spare connection open to the simulator; the first bytes on it open a TCP connection
 * to the server and the two are joined. It exits when the server dies or never listens, saying so
 * on stderr, which ends the sandbox.
 */
export const RELAY_SOURCE = `'use strict';
const net = require('node:net');
const fs = require('node:fs');
const [socketPath, portText, pidText, startupText] = process.argv.slice(2);
const port = Number(portText);
const pid = Number(pidText);
function alive() {
  try {
    const stat = fs.readFileSync('/proc/' + pid + '/stat', 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    try { process.kill(pid, 0); return true; } catch { return false; }
  }
}
const watch = setInterval(() => {
  if (!alive()) { process.stderr.write('the scheduler server exited\\n'); process.exit(3); }
}, 50);
function listening(deadline) {
  return new Promise((resolve) => {
    const probe = net.connect({ host: '127.0.0.1', port });
    probe.once('connect', () => { probe.destroy(); resolve(); });
    probe.once('error', () => {
      if (Date.now() >= deadline) { process.stderr.write('the scheduler server did not listen on port ' + port + ' within ' + startupText + ' ms\\n'); process.exit(4); }
      setTimeout(() => listening(deadline).then(resolve), 20);
    });
  });
}
function spare(attempt) {
  const up = net.connect(socketPath);
  let used = false;
  up.once('error', () => {
    if (used) return;
    // The simulator may not listen yet (for up to 30 s); once it is gone, the work is over.
    if (attempt < 1500) setTimeout(() => spare(attempt + 1), 20);
    else process.exit(0);
  });
  up.once('connect', () => { attempt = 0; });
  up.once('data', (first) => {
    used = true;
    spare(0);
    const tcp = net.connect({ host: '127.0.0.1', port });
    tcp.write(first);
    up.pipe(tcp);
    tcp.pipe(up);
    tcp.on('error', () => up.destroy());
    up.on('error', () => tcp.destroy());
  });
}
listening(Date.now() + Number(startupText)).then(() => spare(0));
`;
