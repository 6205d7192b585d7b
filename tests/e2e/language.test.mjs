// Korean and English: `?lang=` wins, then the visitor's last choice, then the browser's
// languages; `<html lang>` follows; the switch changes the words and nothing else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, stop, open, screenshotPath } from './support.mjs';

let site;

before(async () => {
  site = await start();
});

after(async () => {
  await stop(site);
});

const PROJECTOR = { width: 1280, height: 720 };

async function clockSeconds(page) {
  return Number((await page.textContent('[data-testid=clock]')).match(/([\d.]+) s/)[1]);
}

test('?lang=ko shows the views in Korean on every page, with <html lang="ko">', async () => {
  for (const [query, ready] of [['?lang=ko', '[data-testid=app]'], ['sandbox.html?lang=ko', '[data-testid=sandbox]'], ['pipelines.html?lang=ko', '[data-testid=pipelines]']]) {
    const { page, problems } = await open(site, PROJECTOR, query, ready);
    assert.equal(await page.getAttribute('html', 'lang'), 'ko', query);
    assert.equal((await page.textContent('[data-testid=mode-sandbox]')).trim(), '샌드박스', query);
    assert.equal((await page.textContent('[data-testid=mode-tour]')).trim(), '가이드 투어', query);
    // The switch offers the other language in its own words.
    assert.equal((await page.textContent('[data-testid=lang-switch]')).trim(), 'English', query);
    assert.deepEqual(problems, [], query);
    await page.close();
  }
});

test('a browser that prefers Korean gets Korean; any other gets English', async () => {
  for (const [locale, lang, sandbox] of [['ko-KR', 'ko', '샌드박스'], ['ja-JP', 'en', 'Sandbox'], ['en-US', 'en', 'Sandbox']]) {
    const context = await site.browser.newContext({ viewport: PROJECTOR, locale });
    const page = await context.newPage();
    await page.goto(`${site.url}sandbox.html`);
    await page.waitForSelector('[data-testid=sandbox]');
    assert.equal(await page.getAttribute('html', 'lang'), lang, locale);
    assert.equal((await page.textContent('[data-testid=mode-sandbox]')).trim(), sandbox, locale);
    await context.close();
  }
});

test('switching the language keeps the run where it is, and is remembered', async () => {
  const { page, problems } = await open(site, PROJECTOR, 'sandbox.html?preset=default&lang=en', '[data-testid=sandbox]');
  await page.waitForFunction(() => /t = [2-9]/.test(document.querySelector('[data-testid=clock]').textContent));
  const before = await clockSeconds(page);
  await page.click('[data-testid=lang-switch]');
  assert.equal(await page.getAttribute('html', 'lang'), 'ko');
  assert.equal((await page.textContent('[data-testid=mode-sandbox]')).trim(), '샌드박스');
  // The run went on from where it was: the clock did not go back to zero.
  assert.ok(await clockSeconds(page) >= before, 'the clock kept its time');
  // The address says the new language, so a reload or a shared link keeps it.
  assert.match(page.url(), /[?&]lang=ko\b/);
  assert.match(page.url(), /preset=default/);
  await page.screenshot({ path: screenshotPath('sandbox-ko-header.png') });
  // Remembered: the tour, opened without ?lang=, speaks Korean too.
  await page.goto(`${site.url}`);
  await page.waitForSelector('[data-testid=app]');
  assert.equal(await page.getAttribute('html', 'lang'), 'ko');
  assert.deepEqual(problems, []);
  await page.close();
});
