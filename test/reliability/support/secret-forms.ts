/** The ways a secret could be written into a log line: each form is searched for. */
export interface Secret {
  kind: string;
  value: string;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A token (API key, session, webhook secret): itself, and its random part without the prefix. */
export function tokenForms(kind: string, token: string): Secret[] {
  const body = token.replace(/^[a-z]+_[a-z]+_/, '').replace(/^whsec_/, '');
  return [{ kind, value: token }, ...(body !== token && body.length >= 16 ? [{ kind, value: body }] : [])];
}

/** A card number as typed, with spaces, with dashes, and as bare digits. */
export function cardForms(number: string): Secret[] {
  const digits = number.replace(/\D/g, '');
  const groups = digits.match(/.{1,4}/g) ?? [digits];
  return [...new Set([digits, groups.join(' '), groups.join('-')])].map((value) => ({
    kind: 'card number',
    value,
  }));
}

/** A Korean mobile number in the ways people and systems write it. */
export function phoneForms(national: string): Secret[] {
  const digits = national.replace(/\D/g, ''); // 010xxxxxxxx
  const rest = digits.slice(1); // 10xxxxxxxx
  const forms = [
    digits,
    `${digits.slice(0, 3)}-${digits.slice(3, 7)}-${digits.slice(7)}`,
    `${digits.slice(0, 3)} ${digits.slice(3, 7)} ${digits.slice(7)}`,
    `+82${rest}`,
    `82${rest}`,
    `+82 ${rest.slice(0, 2)} ${rest.slice(2, 6)} ${rest.slice(6)}`,
  ];
  return forms.map((value) => ({ kind: 'phone number', value }));
}

/** Where `secret` occurs in `text` (a short code only as a whole number, not inside a longer one). */
export function findSecret(text: string, secret: Secret): number {
  const pattern = /^\d{1,8}$/.test(secret.value)
    ? new RegExp(`(?<![\\d])${escapeRegExp(secret.value)}(?![\\d])`)
    : new RegExp(escapeRegExp(secret.value));
  return text.search(pattern);
}

/** The line around a hit, with the secret itself masked, for the report. */
export function excerpt(text: string, at: number, secret: Secret): string {
  const start = Math.max(0, at - 120);
  return text
    .slice(start, at + secret.value.length + 120)
    .replaceAll(secret.value, `<${secret.kind}>`)
    .replace(/\s+/g, ' ');
}
