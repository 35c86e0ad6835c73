import type { SubjectRequestsService } from './subject-requests.service.ts';

declare module '../../core/global-types.ts' {
  interface GatewayServices {
    'subject-requests': SubjectRequestsService;
  }
}
