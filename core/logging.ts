import pino, { type DestinationStream, type Logger } from 'pino';
import { serializeError } from './logging-errors.ts';
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

export interface LoggerHooks {
  /**
   * Called for each line that carries an `err`; returning true drops the line. The gateway
   * folds the errors of a database outage into one line this way (see DatabaseOutage).
   */
  absorb?: (err: unknown, message: string | undefined) => boolean;
}

export function createLogger(config: LogConfig = {}, hooks: LoggerHooks = {}): Logger {
  const { absorb } = hooks;
  return pino(
    {
      level: config.level ?? (process.env.LOG_LEVEL as pino.LevelWithSilent | undefined) ?? 'info',
      base: { service: 'gateway' },
      redact: { paths: redactPaths, censor: '[redacted]' },
      // Errors are logged under `err` (or `error`): database errors without their text.
      serializers: { err: serializeError, error: serializeError },
      hooks: {
        logMethod(args, method) {
          const [first, message] = args as unknown[];
          const err = first && typeof first === 'object' ? (first as { err?: unknown }).err : undefined;
          if (err !== undefined && absorb?.(err, typeof message === 'string' ? message : undefined)) return;
          return method.apply(this, args);
        },
      },
      mixin: () => {
        const scope = requestScope.getStore();
        return scope ? { requestId: scope.requestId } : {};
      },
    },
    config.destination ?? pino.destination({ sync: false }),
  );
}
