/**
 * One mail measurement (sends, inbound or latency), in its own process so its memory and JIT state
 * are its own. Prints one JSON line.
 *
 * Usage: node --expose-gc --import tsx bench/mail/worker.ts '{"kind":"sends","backend":"pglite","target":"...","workDir":"...","sends":2000,"concurrency":4}'
 */
import { measureInbound, type InboundInput, type InboundResult } from './inbound.ts';
import { measureLatency, type LatencyInput, type LatencyResult } from './latency.ts';
import { measureSends, type SendsInput, type SendsResult } from './sends.ts';

export type WorkerInput = SendsInput | InboundInput | LatencyInput;
export type WorkerResult = SendsResult | InboundResult | LatencyResult;

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as WorkerInput;
  const result: WorkerResult = input.kind === 'sends' ? await measureSends(input) : input.kind === 'inbound' ? await measureInbound(input) : await measureLatency(input);
  // A pooled SMTP socket or fetch's keep-alive agent must not hold the finished measurement open.
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
