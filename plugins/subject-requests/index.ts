import { z } from 'zod';
import { definePlugin, personal, technical } from '../../core/plugin-api.ts';
import { Migration0001SubjectRequests } from './migrations/0001-subject-requests.ts';
import { RequestProcessor } from './request-processor.ts';
import { RequestScheduler } from './request-scheduler.ts';
import { SubjectRequestChangeSchema, SubjectRequestSchema } from './subject-request.entity.ts';
import { SUBJECT_REQUEST_EVENT_TYPES } from './subject-request-event-types.ts';
import { eraseRequests, exportRequests } from './subject-requests.privacy.ts';
import { registerSubjectRequestsSchema } from './subject-requests.schema.ts';
import { SubjectRequestsService } from './subject-requests.service.ts';
import './global-types.ts';

export const subjectRequestsOptions = z.strictObject({
  /** How often each process runs the scheduled check (0: never; tests run it through the API). */
  checkIntervalSeconds: z.number().min(0).default(60),
  /** How long a process holds a request it carries out; past it, another process resumes it. */
  claimSeconds: z.number().int().min(1).default(120),
});

/** What a request record is for: answering the subject within the law's deadline, and proving it. */
const AUDIT = 'prove each data subject request was answered within its deadline';

export const subjectRequestsPlugin = definePlugin({
  name: 'subject-requests',
  version: '1.0.0',
  description:
    'Data subject requests: access, portability, erasure, correction, restriction, objection, opt-out of sale; identity first, deadlines from the packs',
  requires: ['payments', 'events', 'consent', 'portability'],
  enablement: { perMerchant: true, default: 'on' },
  options: subjectRequestsOptions,
  entities: [SubjectRequestSchema, SubjectRequestChangeSchema],
  migrations: [{ name: '0001-subject-requests', class: Migration0001SubjectRequests }],
  dataMap: {
    SubjectRequest: {
      id: technical('identify the request'),
      merchant: technical('whose customer asks (the controller)'),
      subjectId: technical('who asks: the pseudonymous subject'),
      customerId: technical('name the customer to partners in events'),
      kind: technical(AUDIT),
      status: technical(AUDIT),
      channel: technical(AUDIT),
      filedBy: technical('audit: the session or key that filed it'),
      receivedAt: technical(AUDIT),
      law: technical(AUDIT),
      rule: technical(AUDIT),
      acknowledgeBy: technical(AUDIT),
      acknowledgedAt: technical(AUDIT),
      dueAt: technical(AUDIT),
      extendedAt: technical(AUDIT),
      extensionReason: technical('tell the subject why the deadline was extended'),
      verifiedAt: technical(AUDIT),
      verification: technical('prove nothing left before the subject was verified'),
      detailsSealed: personal('carry out a correction or an objection: the values and purposes asked', {
        retention: 'P2Y',
        basis: 'legal-obligation',
        source: 'provided',
        recipients: ['the merchant through the API'],
      }),
      overdueAt: technical('report an overdue request once'),
      claimedUntil: technical('share processing between gateway processes'),
      completedAt: technical(AUDIT),
      answer: technical('tell the subject what was done, kept and why (no personal values)'),
      refusalReason: technical('tell the subject why the request was refused'),
      updatedAt: technical('audit'),
    },
    SubjectRequestChange: {
      id: technical('identify the change'),
      request: technical(AUDIT),
      fromStatus: technical(AUDIT),
      toStatus: technical(AUDIT),
      action: technical(AUDIT),
      actor: technical('audit: who acted'),
      note: technical(AUDIT),
      at: technical(AUDIT),
    },
  },
  setup: (plugin) => {
    const runtime = { orm: plugin.orm, log: plugin.log, services: plugin.services };
    const processor = new RequestProcessor(runtime, plugin.options.claimSeconds);
    const scheduler = new RequestScheduler(processor, runtime);
    const requests = new SubjectRequestsService(processor);
    return {
      services: requests,
      schema: (builder) => registerSubjectRequestsSchema(builder, requests, scheduler),
      hooks: { 'subject.export': exportRequests(plugin.services), 'subject.erase': eraseRequests },
      eventTypes: SUBJECT_REQUEST_EVENT_TYPES,
      onReady: () => scheduler.start(plugin.options.checkIntervalSeconds),
      onClose: () => scheduler.stop(),
    };
  },
});
