/**
 * One chat measurement in its own process. Prints one JSON line.
 *
 * Usage: node --expose-gc --import tsx bench/chat/worker.ts '{"kind":"chat","backend":"pglite","target":"...","workDir":"...","sequential":30,"concurrent":20,"held":1000}'
 */
import { measureChat, type ChatInput } from './measure.ts';

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as ChatInput;
  const result = await measureChat(input);
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
