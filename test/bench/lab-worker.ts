/**
 * The lab in a worker thread: in the real world the nameservers are other machines, so their CPU must not
 * be charged to the tool being measured. Still one process, still loopback only.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { NetworkProfile } from '../../src/profile.js';
import type { Scenario } from '../../src/lab/scenario.js';

export interface WorkerLab {
  profile: NetworkProfile;
  /** The lab's own V8 heap (its isolate), to tell its share of the process's RSS from the tool's. */
  heapBytes(): Promise<number>;
  stop(): Promise<void>;
}

export async function startLabInWorker(scenario: Scenario, delayMs = 0): Promise<WorkerLab> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { scenario, delayMs } });
  const profile = await new Promise<NetworkProfile>((resolve, reject) => {
    worker.once('message', (m: { profile: NetworkProfile }) => resolve(m.profile));
    worker.once('error', reject);
  });
  return {
    profile,
    heapBytes() {
      return new Promise<number>((resolve) => {
        worker.once('message', (m: { heapBytes: number }) => resolve(m.heapBytes));
        worker.postMessage('heap');
      });
    },
    async stop() {
      worker.postMessage('stop');
      await new Promise((r) => worker.once('exit', r));
    },
  };
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const { startLab } = await import('../../src/lab/index.js');
  const { scenario, delayMs } = workerData as { scenario: Scenario; delayMs: number };
  const lab = await startLab(scenario, { delayMs });
  port.postMessage({ profile: lab.profile });
  port.on('message', async (m: string) => {
    if (m === 'heap') return port.postMessage({ heapBytes: process.memoryUsage().heapTotal });
    port.removeAllListeners('message');
    await lab.stop();
    port.close();
  });
}
