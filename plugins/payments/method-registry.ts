import { BootError } from '../../core/plugin-api.ts';
import type { PaymentMethod } from './payment-method.ts';

/** The payment methods every installed plugin contributes, by id. Filled at boot, read at run time. */
export class PaymentMethodRegistry {
  readonly #methods = new Map<string, { method: PaymentMethod; plugin: string }>();

  register(plugin: string, method: PaymentMethod): void {
    const existing = this.#methods.get(method.id);
    if (existing) {
      throw new BootError({
        plugin,
        problem: `payment method "${method.id}" is already provided by plugin "${existing.plugin}"`,
        fix: 'give each payment method a unique id',
      });
    }
    this.#methods.set(method.id, { method, plugin });
  }

  get(id: string): PaymentMethod | undefined {
    return this.#methods.get(id)?.method;
  }

  list(): PaymentMethod[] {
    return [...this.#methods.values()].map((entry) => entry.method);
  }
}
