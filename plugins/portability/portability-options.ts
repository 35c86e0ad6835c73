import { z } from 'zod';

export const portabilityOptions = z.strictObject({
  /**
   * How long a download link works once its export is ready; the export is deleted then. GDPR
   * Art. 12(3) asks for an answer without undue delay, not a lasting copy: 7 days leaves time
   * to download it.
   */
  linkTtlSeconds: z
    .number()
    .int()
    .min(1)
    .max(30 * 86_400)
    .default(7 * 86_400),
  /** How often each process looks for exports to build and expired ones to delete; 0: only when asked. */
  pollSeconds: z.number().int().min(0).max(3600).default(30),
});
