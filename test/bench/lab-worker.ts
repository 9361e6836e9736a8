/**
 * The lab outside the tool: in the real world the nameservers are other machines, so neither their CPU nor
 * their memory may be charged to the tool being measured. startLabProcess() runs the lab in a child process
 * (the memory rows then measure the tool's process alone, and report the lab's RSS beside it);
 * startLabInWorker() in a worker thread of this process. Loopback only either way.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { NetworkProfile } from '../../src/profile.js';
import type { Scenario } from '../../src/lab/scenario.js';

export interface WorkerLab {
  profile: NetworkProfile;
  /** The lab's own V8 heap (its isolate), to tell its share of the process's RSS from the tool's. */
  heapBytes(): Promise<number>;
  /** The lab process's RSS (child process only; a worker shares the tool's). */
  rssBytes?(): Promise<number>;
  /** CPU the lab process has used so far, in ms (child process only). */
  cpuMs?(): Promise<number>;
  stop(): Promise<void>;
}

type Usage = { heapBytes: number; rssBytes: number; cpuMs: number };
type LabMessage = { profile: NetworkProfile } | Usage;

interface Port {
  once(event: 'message', fn: (m: LabMessage) => void): unknown;
  postMessage(m: string): void;
}

function labHandle(port: Port, profile: NetworkProfile, exited: Promise<unknown>): WorkerLab {
  const usage = (): Promise<Usage> =>
    new Promise((resolve) => {
      port.once('message', (m) => resolve(m as Usage));
      port.postMessage('heap');
    });
  return {
    profile,
    heapBytes: async () => (await usage()).heapBytes,
    rssBytes: async () => (await usage()).rssBytes,
    cpuMs: async () => (await usage()).cpuMs,
    async stop() {
      port.postMessage('stop');
      await exited;
    },
  };
}

/** The lab in a child process with its own heap and RSS, as the servers would be on other machines. */
export async function startLabProcess(scenario: Scenario, delayMs = 0): Promise<WorkerLab> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--lab-process'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  const exited = new Promise((r) => child.once('exit', r));
  child.send({ scenario, delayMs });
  const profile = await new Promise<NetworkProfile>((resolve, reject) => {
    child.once('message', (m: { profile: NetworkProfile }) => resolve(m.profile));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`lab process exited ${code}`)));
  });
  const port: Port = {
    once: (e, fn) => child.once(e, fn),
    postMessage: (m) => void child.send(m),
  };
  return labHandle(port, profile, exited);
}

export async function startLabInWorker(scenario: Scenario, delayMs = 0): Promise<WorkerLab> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { scenario, delayMs } });
  const profile = await new Promise<NetworkProfile>((resolve, reject) => {
    worker.once('message', (m: { profile: NetworkProfile }) => resolve(m.profile));
    worker.once('error', reject);
  });
  const exited = new Promise((r) => worker.once('exit', r));
  const lab = labHandle(worker, profile, exited);
  return { profile, heapBytes: lab.heapBytes, stop: lab.stop };
}

/** Serves the lab until told to stop; `send` and `onMessage` are the worker's port or the process's IPC. */
async function serveLab(
  start: { scenario: Scenario; delayMs: number },
  send: (m: LabMessage) => void,
  onMessage: (fn: (m: string) => void) => void,
  close: () => void,
): Promise<void> {
  const { startLab } = await import('../../src/lab/index.js');
  const lab = await startLab(start.scenario, { delayMs: start.delayMs });
  send({ profile: lab.profile });
  let stopping = false;
  onMessage((m) => {
    if (m === 'heap') {
      const u = process.memoryUsage();
      const c = process.cpuUsage();
      return send({ heapBytes: u.heapTotal, rssBytes: u.rss, cpuMs: (c.user + c.system) / 1000 });
    }
    if (stopping) return;
    stopping = true;
    void lab.stop().then(close);
  });
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  await serveLab(
    workerData as { scenario: Scenario; delayMs: number },
    (m) => port.postMessage(m),
    (fn) => port.on('message', fn),
    () => {
      port.removeAllListeners('message');
      port.close();
    },
  );
} else if (process.argv.includes('--lab-process') && process.send) {
  // The lab ends with the bench, however the bench ends.
  process.once('disconnect', () => process.exit(0));
  const start = await new Promise<{ scenario: Scenario; delayMs: number }>((resolve) =>
    process.once('message', resolve as (m: unknown) => void),
  );
  await serveLab(
    start,
    (m) => void process.send!(m),
    (fn) => process.on('message', fn as (m: unknown) => void),
    () => process.exit(0),
  );
}
