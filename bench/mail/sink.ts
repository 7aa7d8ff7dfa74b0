/**
 * The far end of the mail benchmark: the loopback SMTP sink in a process of its own, as a real SMTP
 * server would be, so its parsing and the messages it keeps are not counted as Baton's CPU and memory.
 * Prints {"url": ...} once it listens; when stdin closes it stops and prints what it accepted.
 *
 * Usage: node --import tsx bench/mail/sink.ts
 */
import { startSmtpSink } from '../../src/adapters/email/sink.ts';

export interface SinkReport {
  accepted: number;
  /** Distinct Message-IDs among them: fewer than accepted means a step was sent twice. */
  distinct: number;
}

const sink = await startSmtpSink();
process.stdout.write(`${JSON.stringify({ url: sink.url })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void sink.close().then(() => {
    const report: SinkReport = { accepted: sink.messages.length, distinct: new Set(sink.messages.map((m) => m.messageId)).size };
    process.stdout.write(`${JSON.stringify(report)}\n`, () => process.exit(0));
  });
});
