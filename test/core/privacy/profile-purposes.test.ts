import fc from 'fast-check';
import { expect, test } from 'vitest';
import type { PluginDefinition } from '../../../core/plugin.ts';
import { PROFILE_FIELDS, type ProfileField } from '../../../core/privacy/profile-fields.ts';
import { ProfileFieldNotAllowed, ProfilePurposes } from '../../../core/privacy/profile-purposes.ts';

const field = fc.constantFrom(...PROFILE_FIELDS);
const plugins = fc.array(
  fc.record({
    needs: fc.uniqueArray(field),
    enabled: fc.boolean(),
    consent: fc.boolean(),
    granted: fc.boolean(),
  }),
  { maxLength: 4 },
);

test('property: input is collectable exactly when every given field is needed by an enabled purpose that needs no consent or whose consent the subject gave; else the first missing field is named with the purposes it lacks', async () => {
  await fc.assert(
    fc.asyncProperty(plugins, fc.uniqueArray(field), async (declared, given) => {
      const definitions = declared.map(
        ({ needs, consent }, i): PluginDefinition => ({
          name: `p${i}`,
          version: '1.0.0',
          purposes: {
            [`purpose-${i}`]: { description: 'x', basis: consent ? 'consent' : 'contract', profile: needs },
          },
        }),
      );
      const purposes = new ProfilePurposes(
        definitions,
        (plugin) => declared[Number(plugin.slice(1))]!.enabled,
      );
      const usable = (d: (typeof declared)[number]) => d.enabled && (!d.consent || d.granted);
      const allowed = new Set<ProfileField>(declared.filter(usable).flatMap((d) => d.needs));
      const firstMissing = PROFILE_FIELDS.find((f) => given.includes(f) && !allowed.has(f));
      let thrown: unknown;
      try {
        await purposes.assertCollectable('m', given, async (p) => declared[Number(p.slice(8))]!.granted);
      } catch (error) {
        thrown = error;
      }
      if (firstMissing === undefined) return thrown === undefined;
      expect(thrown).toBeInstanceOf(ProfileFieldNotAllowed);
      const refusal = thrown as ProfileFieldNotAllowed;
      expect(refusal.field).toBe(firstMissing);
      const enabledNeeding = declared.flatMap((d, i) =>
        d.enabled && d.needs.includes(firstMissing) ? [`purpose-${i}`] : [],
      );
      // Enabled purposes that need it exist only when all of them wait for a consent.
      expect(refusal.consentMissing).toBe(enabledNeeding.length > 0);
      expect(refusal.purposes).toEqual(
        enabledNeeding.length > 0
          ? enabledNeeding
          : declared.flatMap((d, i) => (d.needs.includes(firstMissing) ? [`purpose-${i}`] : [])),
      );
      return true;
    }),
  );
});

test('two plugins declaring the same purpose name stop boot', () => {
  const twice = (name: string): PluginDefinition => ({
    name,
    version: '1.0.0',
    purposes: { shared: { description: 'x', basis: 'contract', profile: ['email'] } },
  });
  expect(() => new ProfilePurposes([twice('a'), twice('b')], () => true)).toThrow(/"shared", which "a"/);
});
