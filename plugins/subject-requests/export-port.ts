import type { DataSubject, GatewayServices, RequestContext } from '../../core/plugin-api.ts';

/**
 * What this plugin needs of the portability plugin (plugins/portability, which builds the export
 * file and its expiring link). Declared here, narrowly, until that plugin lands: it will declare
 * `services.portability` itself, and this port then reads it unchanged.
 */
export interface ExportPort {
  createExport(
    ctx: RequestContext,
    subject: DataSubject,
    options: { kind: 'access' | 'portability'; requestId: string },
  ): Promise<{ id: string }>;
}

/** The installed export service, or null: access and portability requests then wait, verified. */
export function exportPort(services: GatewayServices): ExportPort | null {
  const candidate = (services as unknown as { portability?: Partial<ExportPort> }).portability;
  return typeof candidate?.createExport === 'function' ? (candidate as ExportPort) : null;
}
