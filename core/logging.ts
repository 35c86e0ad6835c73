import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { BootError } from './boot-error.ts';
import { serializeError } from './logging-errors.ts';
import { requestScope } from './request-scope.ts';

export type { Logger };

export interface LogConfig {
  level?: pino.LevelWithSilent;
  /** Where lines go; stdout by default. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
  /**
   * `json`: one JSON object a line, for log collectors. `pretty`: coloured, readable lines for
   * development (pino-pretty). Default: `LOG_FORMAT`, else pretty when stdout is a terminal.
   */
  format?: LogFormat;
}

export type LogFormat = 'json' | 'pretty';
const FORMATS: readonly string[] = ['json', 'pretty'];

function formatOf(config: LogConfig): LogFormat {
  const chosen = config.format ?? (process.env.LOG_FORMAT || undefined);
  if (chosen === undefined) return !config.destination && process.stdout.isTTY ? 'pretty' : 'json';
  if (!FORMATS.includes(chosen)) {
    throw new BootError({
      problem: `LOG_FORMAT "${chosen}" is not a log format`,
      fix: 'set LOG_FORMAT to json or pretty, or unset it (pretty on a terminal, else json)',
    });
  }
  return chosen as LogFormat;
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

const { chindingsSym } = pino.symbols;

export function createLogger(config: LogConfig = {}, hooks: LoggerHooks = {}): Logger {
  const { absorb } = hooks;
  const format = formatOf(config);
  const destination =
    format === 'pretty'
      ? pretty({
          destination: config.destination ?? 1,
          colorize: !config.destination && process.stdout.isTTY,
          ignore: 'pid,hostname,service',
          translateTime: 'SYS:HH:MM:ss.l',
          singleLine: true,
          // A terminal is read by a person: nothing lost at exit matters more than throughput.
          sync: true,
        })
      : (config.destination ?? pino.destination({ sync: false }));
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
      // The request's id, unless the logger is a child that binds its own (a job's, a WebSocket
      // operation's): pino would write the key twice.
      mixin: (_object, _level, logger) => {
        const scope = requestScope.getStore();
        if (!scope) return {};
        const bound = (logger as unknown as Record<symbol, string | undefined>)[chindingsSym];
        return bound?.includes('"requestId":') ? {} : { requestId: scope.requestId };
      },
    },
    destination,
  );
}
