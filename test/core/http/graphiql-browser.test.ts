import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';

/**
 * Issue 14: GraphiQL was a blank page without internet (its assets came from a CDN). In Debian's
 * Chromium (installed by .ci/run through apt; never a browser download), the page must render
 * with no request leaving this machine, and run a query with an API key from the headers tab.
 */
const CHROMIUM = '/usr/bin/chromium';
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

let t: TestGateway;
let browser: BrowserContext;
let profile: string;
const outside: string[] = [];
const graphqlRequests: { method: string; authorization?: string; body: string | null }[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  t = await createTestGateway();
  profile = mkdtempSync(join(tmpdir(), 'gateway-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  // Anything for another host is recorded and refused, as it would fail on a machine offline.
  await browser.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (['blob:', 'data:'].includes(url.protocol) || LOCAL_HOSTS.has(url.hostname)) return route.continue();
    outside.push(url.href);
    return route.abort();
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await t?.close();
});

/** Replaces what a Monaco editor holds, as a person would: focus, select all, type. */
async function typeInto(page: Page, editor: string, text: string): Promise<void> {
  await page.locator(`${editor} .monaco-editor`).first().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

test('GraphiQL renders offline and runs a query with an API key from the headers tab', async () => {
  const { key, merchantId } = await t.createMerchant('Browser shop');
  const page = browser.pages()[0] ?? (await browser.newPage());
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/graphql' && request.method() === 'POST') {
      graphqlRequests.push({
        method: request.method(),
        authorization: request.headers().authorization,
        body: request.postData(),
      });
    }
  });
  await page.goto(t.url, { waitUntil: 'commit', timeout: 120_000 });
  await page.waitForSelector('.graphiql-query-editor .monaco-editor', { timeout: 120_000 });

  await typeInto(page, '.graphiql-query-editor', 'query Who { viewer { kind merchantId } }');
  await page.getByRole('button', { name: 'Headers', exact: true }).click();
  await typeInto(
    page,
    '.graphiql-editor-tool .graphiql-editor:not(.hidden)',
    `{ "Authorization": "Bearer ${key}" }`,
  );
  await page.getByRole('button', { name: /Execute query/ }).click();

  const response = page.locator('.graphiql-response');
  await expect
    .poll(async () => (await response.textContent()) ?? '', { timeout: 60_000 })
    .toContain(merchantId);
  expect(await response.textContent()).toContain('"merchant"');
  const run = graphqlRequests.find((r) => r.body?.includes('Who'));
  expect(run?.authorization).toBe(`Bearer ${key}`);
  expect(outside).toEqual([]);
}, 240_000);
