const MB = 1024 * 1024;

/** Memory of one measurement, in MB. */
export interface MemoryFigures {
  /** After setup and a full collection, right before the timed part. */
  baselineRssMb: number;
  baselineHeapMb: number;
  /** Sampled during the timed part (heap includes garbage not yet collected). */
  peakRssMb: number;
  peakHeapMb: number;
  /** The kernel's peak resident size of the whole process, setup included. */
  maxRssMb: number;
}

/**
 * Samples RSS and heap every `everyMs` from now until stop(), after a full collection (when the
 * process runs with --expose-gc, as bench workers do) so the baseline is what setup left behind.
 */
export function sampleMemory(everyMs = 10): { stop(): MemoryFigures } {
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage();
  const peak = { rss: base.rss, heap: base.heapUsed };
  const sample = () => {
    const m = process.memoryUsage();
    if (m.rss > peak.rss) peak.rss = m.rss;
    if (m.heapUsed > peak.heap) peak.heap = m.heapUsed;
  };
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return {
        baselineRssMb: base.rss / MB,
        baselineHeapMb: base.heapUsed / MB,
        peakRssMb: peak.rss / MB,
        peakHeapMb: peak.heap / MB,
        // resourceUsage().maxRSS is in kilobytes.
        maxRssMb: process.resourceUsage().maxRSS / 1024,
      };
    },
  };
}
