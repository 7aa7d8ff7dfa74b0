import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Email addresses and message bodies are redacted unless `logPii` is on;
 * log lead ids instead.
 */
export function createLogger(options: { level: string; logPii: boolean; destination?: NodeJS.WritableStream | number }): Logger {
  const paths = ['email', '*.email', 'body', '*.body', 'text', '*.text', 'reply', '*.reply', 'req.headers.authorization', 'req.headers.cookie'];
  return pino(
    {
      level: options.level,
      base: { service: 'baton' },
      redact: { paths: options.logPii ? ['req.headers.authorization', 'req.headers.cookie'] : paths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.destination(typeof options.destination === 'number' ? options.destination : 1),
  );
}

/** A logger that writes nothing (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
