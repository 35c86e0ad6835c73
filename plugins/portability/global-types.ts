import type { ExportService, ExportView } from './export.service.ts';

declare module '../../core/global-types.ts' {
  interface GatewayServices {
    portability: ExportService;
  }
  interface GatewayObjects {
    /** So the subject-requests plugin can hand a request's export to the client by name. */
    DataExport: ExportView;
  }
}
