/**
 * The one error that stops boot. Its message names what is wrong and how to fix it, so an
 * operator reading one log line knows what to change.
 */
export class BootError extends Error {
  override readonly name = 'BootError';
  readonly plugin: string | undefined;
  readonly fix: string;

  constructor(options: { plugin?: string; problem: string; fix: string }) {
    const where = options.plugin ? `plugin "${options.plugin}": ` : '';
    super(`${where}${options.problem}. Fix: ${options.fix}`);
    this.plugin = options.plugin;
    this.fix = options.fix;
  }

  /** Several refusals found in one pass (every bad plugin), reported together, one line each. */
  static all(errors: readonly BootError[]): BootError {
    if (errors.length === 1) return errors[0]!;
    const combined = new BootError({
      problem: `${errors.length} problems stop boot`,
      fix: errors.map((error) => error.fix).join('; '),
    });
    combined.message = `${errors.length} problems stop boot:\n${errors.map((e) => `- ${e.message}`).join('\n')}`;
    return combined;
  }
}
