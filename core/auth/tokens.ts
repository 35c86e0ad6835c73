import { createHash, randomBytes } from 'node:crypto';

/**
 * Credentials are 256 random bits behind a kind prefix (`gw_op_`, `gw_mk_`, ...), so a leaked
 * one is recognisable by secret scanners and says what it unlocks. Only their SHA-256 is stored.
 */
export const TOKEN_PREFIXES = {
  operator: 'gw_op_',
  merchant: 'gw_mk_',
  partner: 'gw_pk_',
  session: 'gw_cs_',
} as const;

export type TokenKind = keyof typeof TOKEN_PREFIXES;

export function mintToken(kind: TokenKind): string {
  return TOKEN_PREFIXES[kind] + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function tokenKind(token: string): TokenKind | undefined {
  return (Object.keys(TOKEN_PREFIXES) as TokenKind[]).find((kind) => token.startsWith(TOKEN_PREFIXES[kind]));
}

/** `Bearer <token>`, or a bare token (WebSocket connection params often carry it without the scheme). */
export function tokenFromAuthorization(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(value.trim());
  return match ? match[1] : value.trim();
}
