import pino, { type DestinationStream, type Logger } from 'pino';
import { requestScope } from './request-scope.ts';

export type { Logger };

export interface LogConfig {
  level?: pino.LevelWithSilent;
  /** Where JSON lines go; stdout by default. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
}

/**
 * Values that must never reach a log line whatever a plugin passes to the logger: the
 * censor applies at any depth of these key names.
 */
const SECRET_KEYS = [
  'authorization',
  'apiKey',
  'secret',
  'password',
  'token',
  'otp',
  'otpCode',
  'totpCode',
  'recoveryCode',
  'cardNumber',
  'cvc',
  'pan',
  'masterKey',
];

const redactPaths = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

export function createLogger(config: LogConfig = {}): Logger {
  return pino(
    {
      level: config.level ?? (process.env.LOG_LEVEL as pino.LevelWithSilent | undefined) ?? 'info',
      base: { service: 'gateway' },
      redact: { paths: redactPaths, censor: '[redacted]' },
      mixin: () => {
        const scope = requestScope.getStore();
        return scope ? { requestId: scope.requestId } : {};
      },
    },
    config.destination ?? pino.destination({ sync: false }),
  );
}
