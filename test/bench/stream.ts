/**
 * Bench: 100,000 names through preflightStream() in one process, as a platform checking its customers'
 * names would: reports read one by one and let go, peak RSS of the tool's process (the lab has its own).
 */
import { performance } from 'node:perf_hooks';
import { preflightStream, type PreflightOptions } from '../../src/engine/preflight.js';
import { benchScenario } from './scenario.js';
import { startLabProcess } from './lab-worker.js';

export async function streamedNames(
  zones: number,
  perZone: number,
  row: (measure: string, value: string, target?: string, ok?: boolean) => void,
): Promise<void> {
  let generated: ReturnType<typeof benchScenario> | undefined = benchScenario(zones, perZone);
  const names = generated.names;
  const lab = await startLabProcess(generated.scenario);
  // The lab process has its copy; the scenario's objects are the bench's, not the tool's, memory.
  generated = undefined;
  try {
    const options: PreflightOptions = {
      profile: { ...lab.profile, extraPublicSuffixes: ['test'], publicResolvers: [] },
      challenge: 'dns-01',
    };
    const before = process.memoryUsage().rss;
    let peak = before;
    let toolHeap = 0;
    let labHeap = 0;
    let labRss = 0;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.rss);
      toolHeap = Math.max(toolHeap, m.heapTotal);
    }, 20);
    const labSampler = setInterval(
      () =>
        void lab.rssBytes!()
          .then((b) => (labRss = Math.max(labRss, b)))
          .then(() => lab.heapBytes().then((b) => (labHeap = Math.max(labHeap, b)))),
      250,
    );
    let reports = 0;
    let notFailing = 0;
    const t = performance.now();
    for await (const r of preflightStream(names, options)) {
      reports++;
      if (r.verdict !== 'fail') notFailing++;
    }
    const ms = performance.now() - t;
    clearInterval(sampler);
    clearInterval(labSampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const mb = (b: number): string => (b / 1048576).toFixed(0);
    row(
      `${names.length} names streamed (preflightStream), no delay`,
      `${(names.length / (ms / 1000)).toFixed(0)} names/s; ${reports} reports, ${notFailing} not failing`,
      `${names.length} reports`,
      reports === names.length && notFailing === names.length,
    );
    row(
      "  peak memory (RSS of the tool's process; the lab runs in its own)",
      `${mb(peak)} MB (${mb(before)} MB before the run; largest V8 heap ${mb(toolHeap)} MB; the lab's process, not counted: ${mb(labRss)} MB RSS, ${mb(labHeap)} MB heap)`,
      '< 400 MB',
      peak < 400 * 1048576,
    );
  } finally {
    await lab.stop();
  }
}
