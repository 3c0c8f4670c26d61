// End-to-end check of the stylegan4j explorer page in Debian's chromium, driven by playwright-core.
// Usage: node e2e.mjs http://127.0.0.1:PORT/ screenshot.png
// Exits 0 and prints "e2e ok" when every step passed; prints the failing step and exits 1 otherwise.
import { chromium } from 'playwright-core';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, screenshot] = process.argv.slice(2);
if (!base || !screenshot) {
  console.error('usage: node e2e.mjs BASE_URL SCREENSHOT.png');
  process.exit(2);
}
const TIMEOUT = 60_000;
const profile = await mkdtemp(join(tmpdir(), 'stylegan4j-e2e-'));
let context;
let failed = false;

function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
  console.log('  ok: ' + message);
}

try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1100, height: 760 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const problems = [];
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('console', (m) => { if (m.type() === 'error') { problems.push('console error: ' + m.text()); } });
  const api = [];
  page.on('response', (r) => { if (r.url().includes('/api/')) { api.push({ url: r.url(), status: r.status() }); } });

  const apiResponse = (path) => page.waitForResponse((r) => r.url().includes(path) && r.status() === 200, { timeout: TIMEOUT });
  const renders = async () => Number(await page.evaluate(() => document.body.dataset.renders || '0'));
  const waitRenders = (n) => page.waitForFunction((k) => Number(document.body.dataset.renders || '0') >= k, n, { timeout: TIMEOUT });
  const src = () => page.getAttribute('#image', 'src');
  const request = () => page.getAttribute('#image', 'data-request');

  await page.goto(base, { waitUntil: 'load' });
  await waitRenders(1);
  const info = await page.evaluate(() => fetch('/api/info').then((r) => r.json()));
  const first = await src();
  check(first && first.startsWith('blob:'), 'first image shown from a blob (' + (await request()) + ')');
  const natural = await page.evaluate(() => document.getElementById('image').naturalWidth);
  check(natural === info.resolution, 'image is ' + natural + ' px wide like the network');

  let n = await renders();
  const psiDone = apiResponse('psi=0.25');
  await page.locator('#psi').fill('0.25');
  await psiDone;
  await waitRenders(n + 1);
  check((await src()) !== first, 'psi change replaced the image');
  check((await request()).includes('psi=0.25'), 'image request carries psi=0.25');

  n = await renders();
  const beforeMix = await src();
  const mixDone = apiResponse('/api/mix');
  await page.click('button.band[data-band=coarse]');
  const mix = await mixDone;
  await waitRenders(n + 1);
  check(mix.status() === 200 && mix.headers()['content-type'] === 'image/png', 'mixing band click got a 200 PNG');
  check((await src()) !== beforeMix && (await request()).includes('styles=coarse'), 'coarse mix shown');
  check(await page.locator('button.band[data-band=coarse]').evaluate((b) => b.classList.contains('active')), 'coarse button marked active');

  n = await renders();
  const interpDone = apiResponse('/api/interpolate');
  await page.locator('#t').fill('0.3');
  await interpDone;
  await waitRenders(n + 1);
  check((await request()).includes('t=0.30'), 'interpolation slider drew t=0.30');

  // Latest request wins: many quick psi moves end on the last value's image.
  for (const v of ['-1', '-0.5', '0', '0.5', '1', '1.5', '0.8']) {
    await page.locator('#psi').fill(v);
  }
  await page.waitForFunction(() => (document.getElementById('image').dataset.request || '').includes('psi=0.80'), null, { timeout: TIMEOUT });
  await page.waitForTimeout(500);
  check((await request()).includes('psi=0.80'), 'after rapid moves the shown image is the last one asked for');

  const noiseSlider = page.locator('#noise-coarse');
  if (await noiseSlider.count() > 0) {
    const noiseDone = apiResponse('noiseStrength=coarse');
    await noiseSlider.fill('0');
    await noiseDone;
    check(true, 'coarse noise strength slider requested noiseStrength=coarse:0.00');
  }

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  const saved = await download.path();
  const size = (await stat(saved)).size;
  check(download.suggestedFilename().endsWith('.png') && size > 50, 'download button saved ' + download.suggestedFilename() + ' (' + size + ' bytes)');

  // Upload a photo (an image the network drew), wait for its projection, then draw and mix it like a seed.
  const photo = Buffer.from(await (await fetch(new URL('api/generate?seed=5&psi=1', base))).arrayBuffer());
  const accepted = page.waitForResponse((r) => r.url().endsWith('/api/project') && r.request().method() === 'POST', { timeout: TIMEOUT });
  await page.setInputFiles('#upload', { name: 'photo.png', mimeType: 'image/png', buffer: photo });
  check((await accepted).status() === 202, 'upload accepted for projection (202)');
  await page.waitForFunction(() => Number(document.body.dataset.projections || '0') >= 1, null, { timeout: 120_000 });
  const projected = await page.inputValue('#sourceA');
  check(/^p[0-9a-f]{16}$/.test(projected), 'finished projection picked as source A (' + projected + ')');
  check(await page.locator('#sourceB option[value=' + projected + ']').count() === 1, 'projection offered as source B too');
  check(await page.locator('#projections img').evaluate((img) => img.complete && img.naturalWidth > 0), 'target thumbnail shown');
  await page.waitForFunction((p) => (document.getElementById('image').dataset.request || '').includes('seed=' + p), projected, { timeout: TIMEOUT });
  check((await request()).startsWith('/api/generate?seed=' + projected), 'projection drawn: ' + (await request()));
  n = await renders();
  const projectedMix = apiResponse('/api/mix?a=' + projected);
  await page.click('button.band[data-band=coarse]');
  await projectedMix;
  await waitRenders(n + 1);
  check((await request()).includes('a=' + projected) && (await request()).includes('styles=coarse'), 'projection mixed with seed B');

  const statuses = api.map((r) => r.status);
  check(statuses.length >= 5 && statuses.every((s) => s === 200 || s === 202 || s === 503), 'API answers seen: ' + JSON.stringify(statuses));
  check(problems.length === 0, 'no page or console errors ' + JSON.stringify(problems));
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log('e2e ok: screenshot ' + screenshot);
} catch (e) {
  failed = true;
  console.error('e2e FAILED: ' + (e && e.stack ? e.stack : e));
} finally {
  if (context) {
    await context.close();
  }
  await rm(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
