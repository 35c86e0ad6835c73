import { expect, test } from 'vitest';
import type { NoticePurpose } from '../../../plugins/consent/notice-content.ts';
import { namesTerm, sensitiveWithoutOwnConsent } from '../../../plugins/consent/notice-sensitive.ts';

const purpose = (id: string, mandatory: boolean, items: string[]): NoticePurpose => ({
  id,
  description: `use for ${id}`,
  mandatory,
  items,
  retention: '1 year',
  refusalConsequence: 'none',
  sellsOrShares: false,
});
const TERMS = ['health', 'sex life', '건강', '지문'];

test('a Latin term matches whole words, a Hangul one inside a word', () => {
  expect(namesTerm('Health condition', 'health')).toBe(true);
  expect(namesTerm('sex life or orientation', 'sex life')).toBe(true);
  expect(namesTerm('healthy-snacks preference', 'health')).toBe(false);
  expect(namesTerm('건강정보', '건강')).toBe(true);
  expect(namesTerm('지문을', '지문')).toBe(true);
  expect(namesTerm('email', '건강')).toBe(false);
});

test('sensitive items need an optional purpose of their own', () => {
  const check = (...purposes: NoticePurpose[]) => sensitiveWithoutOwnConsent({ title: 'x', purposes }, TERMS);
  expect(check(purpose('payment', true, ['email']))).toBeNull();
  expect(check(purpose('payment', true, ['email', '건강 상태']))).toMatchObject({
    purpose: 'payment',
    item: '건강 상태',
  });
  expect(check(purpose('offers', false, ['email', 'health']))).toMatchObject({
    why: expect.stringContaining('together with other items'),
  });
  expect(check(purpose('payment', true, ['email']), purpose('offers', false, ['health', '지문']))).toBeNull();
});
