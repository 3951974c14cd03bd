import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Field paths that may carry secrets anywhere in a log object. pino replaces them before serialisation,
 * so a secret passed by mistake never reaches the log (a test checks it: src/platform/logger.test.ts).
 */
export const REDACTED_PATHS = [
  'secret', '*.secret', 'secretText', '*.secretText', 'clientSecret', '*.clientSecret', 'client_secret', '*.client_secret',
  'password', '*.password', 'token', '*.token', 'accessToken', '*.accessToken', 'access_token', '*.access_token',
  'authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization', 'req.headers.client_secret',
  'headers.cookie', 'req.headers.cookie', 'privateKey', '*.privateKey', 'masterKey', '*.masterKey',
];

export function createLogger(options: LoggerOptions & { name?: string } = {}): Logger {
  const level = options.level ?? process.env.GATEHOUSE_LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info');
  return pino({ ...options, level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}

/** A logger that drops everything: default for tests and embedded use. */
export const silentLogger: Logger = pino({ level: 'silent' });
