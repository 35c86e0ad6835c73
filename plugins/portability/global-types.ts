import type { ExportService } from './export.service.ts';

declare module '../../core/global-types.ts' {
  interface GatewayServices {
    portability: ExportService;
  }
}
