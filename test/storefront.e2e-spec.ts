import { Page } from 'playwright-core';
import request from 'supertest';
import { toSqlDateTime } from '../src/database/sql';
import { newProduct } from './support/factories';
import { postHold } from './support/http';
import { launchBrowser } from './support/browser';
import { expectInvariants } from './support/invariants';
import { startTestApp, TestApp } from './support/test-app';

/**
 * The storefront in a real browser (headless Chromium): the page follows the live stream, and
 * the buy flow and its refusals read as a shopper would read them.
 */
describe('storefront (GET /, headless Chromium)', () => {
  let t: TestApp;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('serves the page with a CSP that allows only its own scripts, and leaves the API its whole policy', async () => {
    const page = await request(t.url).get('/').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const policy = page.headers['content-security-policy'];
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("script-src-attr 'none'");
    expect(policy).not.toContain('upgrade-insecure-requests');
    expect(page.text).not.toMatch(/<script>|on(click|load)=/);
    await request(t.url)
      .get('/app.js')
      .expect(200)
      .expect('content-type', /javascript/);
    const api = await request(t.url).get('/api/products').expect(200);
    expect(api.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    const unknown = await request(t.url).get('/no-such-page').expect(404);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('shows live availability, buys a unit, and tells the shopper when it is sold out', async () => {
    const product = await newProduct(t.dataSource, { name: 'Test Sneaker', price: '99.00', stock: 3 });
    const upcoming = await newProduct(t.dataSource, { name: 'Upcoming Drop', stock: 5 });
    await t.dataSource.query('UPDATE products SET sale_starts_at = ? WHERE id = ?', [
      toSqlDateTime(new Date(t.clock.now().getTime() + 3600_000)),
      upcoming.id,
    ]);
    page = await browser.context.newPage();
    // A blocked script (CSP) or a failed request would show here, not as a silent blank page.
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${t.url}/`);

    const card = page.locator(`article[data-product-id="${product.id}"]`);
    await card.locator('.name', { hasText: 'Test Sneaker' }).waitFor();
    await card.locator('.available', { hasText: '3 left' }).waitFor();
    await card.locator('.live.on').waitFor();

    // A drop that has not started: a countdown, and a refusal that says so.
    const soon = page.locator(`article[data-product-id="${upcoming.id}"]`);
    await soon.locator('.sale', { hasText: /^Sale starts in (00:59:\d\d|01:00:00)$/ }).waitFor();
    await soon.getByRole('button', { name: 'Hold' }).click();
    await page.locator('#message.refusal', { hasText: 'The sale has not started yet' }).waitFor();

    // Another shopper takes a unit: the count falls without a reload.
    expect((await postHold(t.url, product.id, 1)).status).toBe(201);
    await card.locator('.available', { hasText: '2 left' }).waitFor();

    // This shopper holds one and orders it.
    await card.getByRole('button', { name: 'Hold' }).click();
    await page.locator('#basket-timer', { hasText: /^00:0[12]:\d\d left to order$/ }).waitFor();
    await card.locator('.available', { hasText: '1 left' }).waitFor();
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.locator('#message', { hasText: 'Order placed: 1 unit(s), $99.00' }).waitFor();

    // The last unit goes to someone else; this shopper's attempt is refused in plain words.
    expect((await postHold(t.url, product.id, 1)).status).toBe(201);
    await card.locator('.available', { hasText: 'Sold out' }).waitFor();
    await card.getByRole('button', { name: 'Hold' }).click();
    await page.locator('#message.refusal', { hasText: 'Sold out: every unit is taken.' }).waitFor();

    expect(problems.filter((p) => !/409|Conflict/.test(p))).toEqual([]);
    await expectInvariants(
      t.dataSource,
      new Map([
        [product.id, 3],
        [upcoming.id, 5],
      ]),
    );
  });
});
