import { createHmac } from 'node:crypto';
import { generate, verify } from 'otplib';
import { describe, expect, test } from 'vitest';

// RFC 6238 Appendix B: the seeds are ASCII "1234567890" repeated to the hash's block size.
const SEEDS = {
  sha1: '12345678901234567890',
  sha256: '12345678901234567890123456789012',
  sha512: '1234567890123456789012345678901234567890123456789012345678901234',
} as const;

const VECTORS: readonly [time: number, sha1: string, sha256: string, sha512: string][] = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

/** RFC 4226 section 5.3 over the RFC 6238 time counter, with node:crypto: the reference. */
function referenceTotp(algorithm: keyof typeof SEEDS, time: number, digits = 8): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(time / 30)));
  const mac = createHmac(algorithm, Buffer.from(SEEDS[algorithm], 'ascii')).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

describe.each([
  ['sha1', 1],
  ['sha256', 2],
  ['sha512', 3],
] as const)('RFC 6238 Appendix B, %s', (algorithm, column) => {
  test.each(VECTORS.map((row) => [row[0], row[column]] as const))(
    'T = %i gives %s',
    async (time, expected) => {
      expect(referenceTotp(algorithm, time)).toBe(expected);
      const secret = new TextEncoder().encode(SEEDS[algorithm]);
      expect(await generate({ secret, algorithm, digits: 8, epoch: time })).toBe(expected);
      const checked = await verify({ secret, algorithm, digits: 8, epoch: time, token: expected });
      expect(checked).toMatchObject({ valid: true, delta: 0, timeStep: Math.floor(time / 30) });
    },
  );
});

test('the reference and otplib agree on 6-digit SHA-1 codes, the parameters enrollment uses', async () => {
  const secret = new TextEncoder().encode(SEEDS.sha1);
  for (let time = 0; time < 3600 * 24 * 365 * 60; time += 7_777_777) {
    expect(await generate({ secret, epoch: time })).toBe(referenceTotp('sha1', time, 6));
  }
});
