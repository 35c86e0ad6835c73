import { type HookHandler, query, type SubjectKeys } from '../../core/plugin-api.ts';

/** The subject's exports themselves (what was asked and when), never their contents again. */
export const exportExports =
  (keys: SubjectKeys): HookHandler<'subject.export'> =>
  ({ em, subject }) => {
    async function* records() {
      const subjectId = await keys.findSubjectId(em, subject);
      if (!subjectId) return;
      yield* await query<Record<string, unknown>>(
        em,
        `select id, kind, request_id as "requestId", status, created_at as "createdAt", expires_at as "expiresAt"
           from portability_export where subject_id = ? order by created_at, id`,
        [subjectId],
      );
    }
    return [{ name: 'portability.exports', source: 'observed', records: records() }];
  };

/** An erased subject's exports go at once, chunks with them (the shredded key made them unreadable anyway). */
export const eraseExports =
  (keys: SubjectKeys): HookHandler<'subject.erase'> =>
  async ({ em, subject }) => {
    const subjectId = await keys.findSubjectId(em, subject);
    if (subjectId) await query(em, 'delete from portability_export where subject_id = ?', [subjectId]);
    return { erased: ['PortabilityExport', 'PortabilityExportChunk'], kept: [] };
  };
