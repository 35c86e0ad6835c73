import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import {
  type DataSubject,
  type GatewayServices,
  type Logger,
  type Principal,
  query,
  type RequestContext,
} from '../../core/plugin-api.ts';
import { buildExport, type ExportJob } from './export-builder.ts';
import { FORMAT_VERSION, MANIFEST_FILE } from './export-format.ts';
import { UnknownDataSubject } from './portability.errors.ts';
import type { ExportFile } from './portability-export.entity.ts';

export type ExportKind = 'access' | 'portability';
export type ExportStatus = 'pending' | 'building' | 'ready' | 'failed';

/** What a caller (the subject-requests plugin, GraphQL) sees of an export. */
export interface ExportView {
  readonly id: string;
  readonly merchantId: string;
  readonly subjectId: string;
  readonly kind: ExportKind;
  readonly status: ExportStatus;
  readonly requestId: string | null;
  readonly formatVersion: number;
  readonly createdAt: Date;
  readonly readyAt: Date | null;
  /** The link stops working then and the export is deleted by the next cleanup. */
  readonly expiresAt: Date;
  /** Each file with its download path (relative to the gateway's origin), once ready. */
  readonly files: readonly (ExportFile & { readonly url: string })[];
  /** The JSON document's download path, once ready: the link to give the subject. */
  readonly url: string | null;
}

export interface ExportOptions {
  /** How long a link works once the export is ready (and how long an unfinished one is kept). */
  linkTtlSeconds: number;
  /** A build's claim; renewed at every stored chunk, so it only has to cover one chunk. */
  claimSeconds: number;
  /** How often each process looks for exports to build and for expired ones to delete. */
  pollSeconds: number;
}

export const ROUTE_PREFIX = '/exports/';
export const fileUrl = (exportId: string, file: string) =>
  `${ROUTE_PREFIX}${exportId}/${encodeURIComponent(file)}`;

interface ExportRow {
  id: string;
  merchant_id: string;
  subject_id: string;
  kind: ExportKind;
  status: ExportStatus;
  request_id: string | null;
  format_version: number;
  files: ExportFile[] | string;
  created_at: Date | string;
  ready_at: Date | string | null;
  expires_at: Date | string;
}

const date = (value: Date | string) => (value instanceof Date ? value : new Date(value));

function view(row: ExportRow): ExportView {
  const ready = row.status === 'ready';
  const files = (typeof row.files === 'string' ? JSON.parse(row.files) : row.files) as ExportFile[];
  return {
    id: row.id,
    merchantId: row.merchant_id,
    subjectId: row.subject_id,
    kind: row.kind,
    status: row.status,
    requestId: row.request_id,
    formatVersion: row.format_version,
    createdAt: date(row.created_at),
    readyAt: row.ready_at === null ? null : date(row.ready_at),
    expiresAt: date(row.expires_at),
    files: ready ? files.map((file) => ({ ...file, url: fileUrl(row.id, file.name) })) : [],
    url: ready ? fileUrl(row.id, MANIFEST_FILE) : null,
  };
}

/**
 * Who may read an export: the subject in their own customer session, a key of the subject's
 * merchant, or an operator. Partners never: an export is not a payment event.
 */
export function mayRead(principal: Principal, row: Pick<ExportView, 'merchantId' | 'subjectId'>): boolean {
  switch (principal.kind) {
    case 'operator':
      return true;
    case 'merchant':
      return principal.merchantId === row.merchantId;
    case 'customer':
      return principal.merchantId === row.merchantId && principal.subjectId === row.subjectId;
    default:
      return false;
  }
}

const COLUMNS = `id, merchant_id, subject_id, kind, status, request_id, format_version, files, created_at, ready_at, expires_at`;

/**
 * Subjects' exports: created by the subject-requests plugin once a request is verified, built
 * in the background by whichever gateway process claims them first, served by the
 * `/exports/` route and deleted once their link expires. Every step is one SQL statement on
 * shared rows, so any number of processes run it together.
 */
export class ExportService {
  readonly #services: GatewayServices;
  readonly #orm: MikroORM;
  readonly #log: Logger;
  readonly #options: ExportOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;

  constructor(runtime: { services: GatewayServices; orm: MikroORM; log: Logger }, options: ExportOptions) {
    this.#services = runtime.services;
    this.#orm = runtime.orm;
    this.#log = runtime.log;
    this.#options = options;
  }

  /**
   * Starts an export of the subject's data; it is built in the background (poll `find`, or the
   * `dataExport` query, until `ready`). The caller has verified who asks: this service checks
   * only that a merchant's key or a customer session stays within its own merchant and subject.
   */
  async createExport(
    ctx: RequestContext,
    subject: DataSubject,
    options: { kind: ExportKind; requestId?: string },
  ): Promise<ExportView> {
    const subjectId = await this.#services.privacy.keys.findSubjectId(ctx.em, subject);
    if (!subjectId || !mayRead(ctx.principal, { merchantId: subject.merchantId, subjectId })) {
      throw new UnknownDataSubject();
    }
    const [row] = await query<ExportRow>(
      ctx.em,
      `insert into portability_export (id, merchant_id, subject_id, kind, request_id, status, format_version, files, created_at, expires_at)
       values (?, ?, ?, ?, ?, 'pending', ?, '[]', now(), now() + make_interval(secs => ?))
       returning ${COLUMNS}`,
      [
        randomUUID(),
        subject.merchantId,
        subjectId,
        options.kind,
        options.requestId ?? null,
        FORMAT_VERSION,
        this.#options.linkTtlSeconds,
      ],
    );
    ctx.log.info({ exportId: row!.id, kind: options.kind }, 'data export requested');
    this.wake();
    return view(row!);
  }

  /** The export if the caller may read it and it has not expired; null otherwise. */
  async find(ctx: RequestContext, id: string): Promise<ExportView | null> {
    const [row] = await query<ExportRow>(
      ctx.em,
      `select ${COLUMNS} from portability_export where id = ? and expires_at > now()`,
      [id],
    );
    if (!row) return null;
    const found = view(row);
    return mayRead(ctx.principal, found) ? found : null;
  }

  start(): void {
    if (this.#options.pollSeconds > 0) {
      this.#timer = setInterval(() => this.wake(), this.#options.pollSeconds * 1000).unref();
    }
    this.wake();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#again = false;
    await this.#running?.catch(() => {});
  }

  /** Runs a pass now (or right after the one running): build what is due, delete what expired. */
  wake(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.run()
      .catch((error: unknown) => this.#log.error({ err: error }, 'data export pass failed'))
      .finally(() => {
        this.#running = undefined;
        if (this.#again) {
          this.#again = false;
          this.wake();
        }
      });
  }

  /** Resolves once this process has nothing left to build (the CLI, tests and the bench wait on it). */
  async idle(): Promise<void> {
    this.wake();
    while (this.#running) await this.#running;
  }

  /** One pass: delete what expired, then build exports until none is due. */
  private async run(): Promise<void> {
    await this.deleteExpired();
    for (let job = await this.#claim(); job; job = await this.#claim()) await this.#build(job);
  }

  /**
   * Deletes expired exports with their chunks (cascade): one statement, so every process may run
   * it. An export still being built under a live claim waits for its build to end.
   */
  async deleteExpired(): Promise<number> {
    const em = this.#orm.em.fork();
    const deleted = await query<{ id: string }>(
      em,
      `delete from portability_export
        where expires_at <= now() and (status <> 'building' or claimed_until is null or claimed_until <= now())
        returning id`,
    );
    if (deleted.length > 0) this.#log.info({ deleted: deleted.length }, 'expired data exports deleted');
    return deleted.length;
  }

  /** The oldest export due: pending, or building under a claim that lapsed (its process died). */
  async #claim(): Promise<(ExportJob & { claim: string }) | undefined> {
    const claim = randomUUID();
    const [row] = await query<{
      id: string;
      merchant_id: string;
      subject_id: string;
      kind: ExportKind;
      request_id: string | null;
    }>(
      this.#orm.em.fork(),
      `update portability_export set status = 'building', claim = ?, claimed_until = now() + make_interval(secs => ?)
        where id = (select id from portability_export
          where expires_at > now() and (status = 'pending' or (status = 'building' and claimed_until <= now()))
          order by created_at limit 1 for update skip locked)
        returning id, merchant_id, subject_id, kind, request_id`,
      [claim, this.#options.claimSeconds],
    );
    if (!row) return undefined;
    return {
      id: row.id,
      merchantId: row.merchant_id,
      subjectId: row.subject_id,
      kind: row.kind,
      requestId: row.request_id,
      claim,
    };
  }

  async #build(job: ExportJob & { claim: string }): Promise<void> {
    const em = this.#orm.em.fork();
    const log = this.#log.child({ exportId: job.id });
    const renew = async () => {
      const held = await query(
        em,
        `update portability_export set claimed_until = now() + make_interval(secs => ?)
          where id = ? and claim = ? returning id`,
        [this.#options.claimSeconds, job.id, job.claim],
      );
      if (held.length === 0) throw new ClaimLost();
    };
    try {
      // A build taken over from a process that died starts again from nothing.
      await query(em, 'delete from portability_export_chunk where export_id = ?', [job.id]);
      const started = performance.now();
      const files = await buildExport(em, this.#services, job, renew);
      const outcome = await query(
        em,
        files === null
          ? `update portability_export set status = 'failed', failure = 'the subject was erased', claim = null, claimed_until = null
              where id = ? and claim = ? returning id`
          : `update portability_export set status = 'ready', files = ?, ready_at = now(), claim = null, claimed_until = null,
               expires_at = now() + make_interval(secs => ?)
              where id = ? and claim = ? returning id`,
        files === null
          ? [job.id, job.claim]
          : [JSON.stringify(files), this.#options.linkTtlSeconds, job.id, job.claim],
      );
      if (outcome.length > 0) {
        log.info(
          { ms: Math.round(performance.now() - started), files: files?.length ?? 0 },
          'data export built',
        );
      }
    } catch (error) {
      if (error instanceof ClaimLost) {
        log.warn('data export claim lost: another process builds it');
        return;
      }
      log.error({ err: error }, 'data export failed');
      await query(
        em,
        `update portability_export set status = 'failed', failure = 'the export could not be built', claim = null, claimed_until = null
          where id = ? and claim = ?`,
        [job.id, job.claim],
      ).catch(() => {});
    }
  }
}

class ClaimLost extends Error {}
