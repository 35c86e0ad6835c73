import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BootError } from '../../../core/boot-error.ts';
import { definePlugin } from '../../../core/plugin.ts';
import { resolvePlugins } from '../../../core/registry.ts';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { carrierBillingPlugin } from '../../../plugins/carrier-billing/index.ts';
import { eventsPlugin } from '../../../plugins/events/index.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';
import { sandboxCardPlugin } from '../../../plugins/sandbox-card/index.ts';
import { totpPlugin } from '../../../plugins/totp/index.ts';
import { walletPlugin } from '../../../plugins/wallet/index.ts';
import { mappedThing } from '../../support/fixture-plugins.ts';

interface Entry {
  plugin: string;
  entity: string;
  field: string;
  category: string;
  personal: boolean;
  purpose: string;
  basis: string | null;
  source: string | null;
  retention: string;
  recipients: string[];
}

const ENTRY_FIELDS = 'plugin entity field category personal purpose basis source retention recipients';

function withPersonalField(field: Record<string, unknown>) {
  const thing = mappedThing.definition;
  return definePlugin({
    name: 'careless',
    version: '1.0.0',
    entities: thing.entities,
    dataMap: { Thing: { ...thing.dataMap!.Thing!, ownerEmail: field as never } },
  });
}

describe('boot refuses personal data without a legal basis or a source', () => {
  test.each([
    ['basis', { category: 'personal', purpose: 'contact the owner', retention: 'P1Y', source: 'provided' }],
    ['source', { category: 'personal', purpose: 'contact the owner', retention: 'P1Y', basis: 'contract' }],
    ['basis or a source', { category: 'sensitive', purpose: 'contact the owner', retention: 'P1Y' }],
  ])('a personal field without a %s', (lacking, field) => {
    let refused: unknown;
    try {
      resolvePlugins([withPersonalField(field)]);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(BootError);
    expect((refused as BootError).message).toContain(
      `plugin "careless": dataMap.Thing.ownerEmail is personal data without a ${lacking}`,
    );
    expect((refused as BootError).fix).toContain('personal(purpose, { retention, basis, source })');
  });

  test('a technical field needs neither', () => {
    expect(() => resolvePlugins([mappedThing])).not.toThrow();
  });
});

describe('the record of processing (GDPR Art. 30), through GraphQL and the CLI command', () => {
  let t: TestGateway;

  beforeAll(async () => {
    t = await createTestGateway({
      plugins: [
        eventsPlugin,
        paymentsPlugin,
        walletPlugin,
        sandboxCardPlugin,
        carrierBillingPlugin,
        totpPlugin,
      ],
    });
  });
  afterAll(() => t?.close());

  const dataMap = async (args = '') =>
    (await t.operator.data<{ dataMap: Entry[] }>(`{ dataMap${args} { ${ENTRY_FIELDS} } }`)).dataMap;

  test('lists every stored field of every installed plugin, the kernel’s own included', async () => {
    const entries = await dataMap();
    const plugins = new Set(entries.map((e) => e.plugin));
    for (const name of [
      'auth',
      'enablement',
      'payments',
      'wallet',
      'sandbox-card',
      'carrier-billing',
      'totp',
    ]) {
      expect(plugins).toContain(name);
    }
    const keyed = new Map(entries.map((e) => [`${e.entity}.${e.field}`, e]));
    expect(keyed.size).toBe(entries.length);
    expect(keyed.get('ApiKey.secretHash')).toMatchObject({
      category: 'credential',
      personal: false,
      basis: null,
    });
  });

  test('every personal field says its basis, source, retention and recipients', async () => {
    const personal = await dataMap('(personal: true)');
    expect(personal.length).toBeGreaterThan(5);
    for (const entry of personal) {
      expect(entry.personal).toBe(true);
      expect(entry.basis, `${entry.entity}.${entry.field}`).not.toBeNull();
      expect(entry.source, `${entry.entity}.${entry.field}`).not.toBeNull();
    }
    const byField = (entity: string, field: string) =>
      personal.find((e) => e.entity === entity && e.field === field);
    // The customer reference is kept once, on the subject, sealed under the subject's key.
    expect(byField('PrivacySubject', 'refSealed')).toMatchObject({
      plugin: 'privacy',
      basis: 'contract',
      source: 'provided',
      retention: 'while-active',
      recipients: ['the merchant, through the API'],
    });
    expect(byField('Customer', 'birthDate')).toMatchObject({ plugin: 'payments', basis: 'legal_obligation' });
    expect(byField('Customer', 'jurisdiction')).toMatchObject({ basis: 'legal_obligation' });
    // A phone number is its holder's: sealed on the verification and the billing source, under
    // the subject's key; the shared line keeps only its keyed index.
    for (const entity of ['CarrierVerification', 'CarrierBillingSource']) {
      expect(byField(entity, 'phoneSealed')?.recipients).toEqual([
        'the carrier, to text codes and bill the line',
      ]);
    }
    expect(byField('CarrierSubscriber', 'phoneSealed')).toBeUndefined();
    expect(byField('CarrierSubscriber', 'phoneIndex')?.source).toBe('derived');
  });

  test('filters by plugin; merchants may read it, anonymous callers may not', async () => {
    const totp = await dataMap('(plugin: "totp")');
    expect(new Set(totp.map((e) => e.plugin))).toEqual(new Set(['totp']));
    const merchant = await t.createMerchant();
    const asMerchant = await merchant.client.data<{ dataMap: Entry[] }>('{ dataMap { entity field } }');
    expect(asMerchant.dataMap.length).toBe((await dataMap()).length);
    const anonymous = await t.anonymous.request('{ dataMap { entity } }');
    expect(anonymous.data).toBeNull();
    expect(anonymous.errors?.[0]?.extensions?.code).toMatch(/UNAUTHENTICATED|FORBIDDEN/);
  });

  test('`privacy ropa` prints the same record as Markdown or JSON, and refuses an unknown format', async () => {
    const command = t.gateway.commands.get('privacy ropa')!;
    const run = async (format?: string) => {
      const lines: string[] = [];
      const code = await command.run({
        em: t.gateway.database.em.fork(),
        out: (line) => lines.push(line),
        flags: { format },
      });
      return { code, text: lines.join('\n') };
    };
    const json = await run('json');
    expect(json.code).toBe(0);
    const entries = JSON.parse(json.text) as Entry[];
    expect(entries.length).toBe((await dataMap()).length);
    expect(entries.find((e) => e.entity === 'Customer' && e.field === 'jurisdiction')?.basis).toBe(
      'legal-obligation',
    );

    const md = await run();
    expect(md.code).toBe(0);
    expect(md.text).toMatch(/^# Record of processing activities \(GDPR Art\. 30\)/);
    expect(md.text).toContain('| payments | Customer | email | personal |');
    const personalPart = md.text.slice(0, md.text.indexOf('## Other stored fields'));
    expect(personalPart).not.toContain('| secretHash |');

    expect((await run('xml')).code).toBe(2);
  });
});
