// A private RabbitMQ broker for one test file (or a benchmark): its own node name, ports, data and
// log folders on loopback, never the system service. As root, Debian's wrapper runs the broker as
// the `rabbitmq` user, so the folders belong to that user. A watchdog stops the broker if the test
// process dies without cleaning up.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SERVER_BIN = '/usr/lib/rabbitmq/bin/rabbitmq-server';
const CTL_BIN = '/usr/lib/rabbitmq/bin/rabbitmqctl';
const WRAPPER_DIR = '/usr/sbin';

export class BrokerMissing extends Error {}

export function assertRabbitMqInstalled(): void {
  if (!existsSync(SERVER_BIN) || !existsSync(CTL_BIN)) {
    throw new BrokerMissing(
      'rabbitmq-server is not installed, and the distributed tests need a real RabbitMQ broker: install it with `apt-get install -y rabbitmq-server` (scripts/test.sh does this when run as root)',
    );
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(500);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.connect(port, '127.0.0.1');
  });
}

const isRoot = (): boolean => process.getuid?.() === 0;

/** How long a broker may take to start or stop before the test gives up: only a hang should reach it, also on a loaded machine. */
const BROKER_PATIENCE_MS = 300_000;

export interface TestBroker {
  /** amqp://guest:guest@127.0.0.1:PORT/ (guest may log in over loopback). */
  url: string;
  port: number;
  node: string;
  /** Stops the broker node but keeps its data, for a restart. */
  stopNode(): Promise<void>;
  startNode(): Promise<void>;
  restart(pauseMs?: number): Promise<void>;
  /** Stops the broker and its epmd and removes its folders. */
  stop(): Promise<void>;
  ctl(args: string[]): string;
  /** Adds a user with full rights on `/`; returns its URL. */
  addUser(user: string, password: string): string;
  log(): string;
}

export async function startBroker(name = 'pe'): Promise<TestBroker> {
  assertRabbitMqInstalled();
  const root = mkdtempSync(join(tmpdir(), `pe-rabbit-${name}-`));
  const dirs = { mnesia: join(root, 'mnesia'), log: join(root, 'log'), home: join(root, 'home') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const [port, distPort, epmdPort] = [await freePort(), await freePort(), await freePort()];
  const node = `${name}-${process.pid}-${port}@localhost`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: dirs.home,
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: dirs.mnesia,
    RABBITMQ_LOG_BASE: dirs.log,
    RABBITMQ_FEATURE_FLAGS_FILE: join(root, 'feature_flags'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(root, 'enabled_plugins'),
    RABBITMQ_PID_FILE: join(root, 'broker.pid'),
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: '127.0.0.1',
  };
  writeFileSync(join(root, 'enabled_plugins'), '[].\n');
  if (isRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'rabbitmq']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'rabbitmq']).toString().trim());
    for (const p of [root, ...Object.values(dirs), join(root, 'enabled_plugins')]) chownSync(p, uid, gid);
  }
  // As root the wrapper switches to the rabbitmq user; other users run the scripts directly.
  const serverCmd = isRoot() ? join(WRAPPER_DIR, 'rabbitmq-server') : SERVER_BIN;
  const ctlCmd = isRoot() ? join(WRAPPER_DIR, 'rabbitmqctl') : CTL_BIN;
  let output = '';
  let proc: ChildProcess | undefined;

  const ctl = (args: string[]): string => {
    const r = spawnSync(ctlCmd, ['-n', node, ...args], { env, encoding: 'utf8', timeout: BROKER_PATIENCE_MS });
    if (r.status !== 0) throw new Error(`rabbitmqctl ${args[0]} failed: ${r.stderr || r.stdout}`);
    return r.stdout;
  };

  const brokerPid = (): number | undefined => {
    try {
      const pid = Number(readFileSync(join(root, 'broker.pid'), 'utf8').trim());
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  };
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  async function startNode(): Promise<void> {
    output = '';
    const p = spawn(serverCmd, [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    proc = p;
    const deadline = Date.now() + BROKER_PATIENCE_MS;
    // Ready when the broker says so: waits on its output, not on a clock.
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error): void => {
        clearTimeout(timer);
        p.stdout?.off('data', onData);
        p.stderr?.off('data', onData);
        p.off('exit', onExit);
        if (err) reject(err);
        else resolve();
      };
      const onData = (d: Buffer): void => {
        output += d.toString();
        if (/completed with \d+ plugins/.test(output)) done();
      };
      const onExit = (code: number | null): void => done(new Error(`the test broker exited during startup (code ${code}):\n${output}`));
      const timer = setTimeout(() => done(new Error(`the test broker did not start within ${BROKER_PATIENCE_MS / 1000} s:\n${output}`)), BROKER_PATIENCE_MS);
      p.stdout?.on('data', onData);
      p.stderr?.on('data', onData);
      p.once('exit', onExit);
    });
    p.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    p.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    while (!(await canConnect(port))) {
      if (Date.now() > deadline) throw new Error(`the test broker does not accept connections on ${port}:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function stopNode(): Promise<void> {
    const pid = brokerPid();
    try {
      ctl(['stop']);
    } catch {
      if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
    }
    const deadline = Date.now() + BROKER_PATIENCE_MS;
    while ((pid && alive(pid)) || (proc && proc.exitCode === null && proc.signalCode === null)) {
      if (Date.now() > deadline) {
        if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const killEpmd = (): void => {
    spawnSync('epmd', ['-kill'], { env, timeout: 10_000 });
  };

  // If this process dies without stopping the broker, the watchdog does it.
  const watchdog = spawn(
    '/bin/sh',
    ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; "${ctlCmd}" -n "${node}" stop >/dev/null 2>&1; epmd -kill >/dev/null 2>&1; rm -rf "${root}"`],
    { env, detached: true, stdio: 'ignore' },
  );
  watchdog.unref();

  try {
    await startNode();
  } catch (err) {
    await stopNode().catch(() => undefined);
    killEpmd();
    throw err;
  }

  let stopped = false;
  return {
    url: `amqp://guest:guest@127.0.0.1:${port}/`,
    port,
    node,
    stopNode,
    startNode,
    async restart(pauseMs = 0) {
      await stopNode();
      if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
      await startNode();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopNode();
      killEpmd();
      try {
        if (watchdog.pid) process.kill(watchdog.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      rmSync(root, { recursive: true, force: true });
    },
    ctl,
    addUser(user, password) {
      ctl(['add_user', user, password]);
      ctl(['set_permissions', '-p', '/', user, '.*', '.*', '.*']);
      return `amqp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/`;
    },
    log: () => output,
  };
}
