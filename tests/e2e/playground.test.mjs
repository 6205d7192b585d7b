// End to end: Playwright drives the release build in headless Chromium, as a visitor would.
// Run by `make test` after `make dist`. Screenshots are saved under target/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, stop, open as openOn, assertNoSidewaysOverflow, screenshotPath, waitForFrames } from './support.mjs';

let site;

before(async () => {
  site = await start();
});

after(async () => {
  await stop(site);
});

function open(viewport, query = '') {
  return openOn(site, viewport, query);
}

async function printed(page) {
  return page.$$eval('.console-lines li[data-value]', (items) => items.map((i) => i.dataset.value));
}

async function finishFirstExample(page) {
  await page.selectOption('[data-testid=speed]', '8');
  await page.waitForFunction(
    () => document.querySelectorAll('.console-lines li[data-value]').length === 5,
    null,
    { timeout: 30_000 },
  );
}

test('the first example reads a b c d e back as a d b e c', async () => {
  const { page, problems } = await open({ width: 1280, height: 720 });
  assert.equal(await page.locator('.lane').count(), 3);
  await finishFirstExample(page);
  assert.deepEqual(await printed(page), ['a', 'd', 'b', 'e', 'c']);
  const caption = await page.textContent('[data-testid=caption]');
  assert.match(caption, /read back a d b e c/);
  assert.match(caption, /P0: a d · P1: b e · P2: c/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('then the same into one partition arrives in order', async () => {
  const { page, problems } = await open({ width: 1280, height: 720 });
  await finishFirstExample(page);
  // The guided start moves on by itself after a pause on the result.
  await page.waitForSelector('[data-testid=app][data-scene=one-partition]', { timeout: 30_000 });
  assert.equal(await page.locator('.lane').count(), 1);
  await page.waitForFunction(
    () => document.querySelectorAll('.console-lines li[data-value]').length === 5,
    null,
    { timeout: 30_000 },
  );
  assert.deepEqual(await printed(page), ['1', '2', '3', '4', '5']);
  assert.deepEqual(problems, []);
  await page.close();
});

test('pressing Produce lands a record in a cell labelled with its offset', async () => {
  const { page, problems } = await open({ width: 1280, height: 720 });
  await finishFirstExample(page);
  await page.click('text=Stay here');
  // murmur2("user-42") % 3 == 1, and partition 1 already holds b (0) and e (1).
  await page.fill('[data-testid=key]', 'user-42');
  await page.fill('[data-testid=value]', 'hello');
  await page.click('[data-testid=produce]');
  const cell = page.locator(".lane[data-partition='1'] .cell[data-value='hello']");
  await cell.waitFor({ timeout: 15_000 });
  assert.equal(await cell.getAttribute('data-offset'), '2');
  assert.equal((await cell.locator('.cell-offset').textContent()).trim(), '2');
  // The consumer keeps polling, so it prints the new record too.
  await page.waitForFunction(
    () => [...document.querySelectorAll('.console-lines li[data-value]')].some((li) => li.dataset.value === 'hello'),
    null,
    { timeout: 15_000 },
  );
  assert.deepEqual(problems, []);
  await page.close();
});

test('a link to an unknown scene explains itself and the page still works', async () => {
  const { page, problems } = await open({ width: 1280, height: 720 }, '?scene=nope');
  const notice = await page.textContent('[data-testid=notice]');
  assert.match(notice, /scene 'nope'/);
  assert.equal(await page.locator('.lane').count(), 3);
  assert.deepEqual(problems, []);
  await page.close();
});

test('keyboard: space pauses and the arrow key steps', async () => {
  const { page, problems } = await open({ width: 1280, height: 720 });
  await page.keyboard.press('Space');
  assert.match(await page.textContent('[data-testid=play]'), /Play/);
  const before = await page.textContent('[data-testid=clock]');
  // Twenty frames at 1x would move the clock's tenths; paused, it must not move.
  await waitForFrames(page, 20);
  assert.equal(await page.textContent('[data-testid=clock]'), before, 'paused time stands still');
  for (let i = 0; i < 3; i += 1) await page.keyboard.press('ArrowRight');
  assert.notEqual(await page.textContent('[data-testid=clock]'), before, 'each step moves time to the next event');
  assert.deepEqual(problems, []);
  await page.close();
});

for (const viewport of [
  { width: 1280, height: 720 },
  { width: 800, height: 500 },
  { width: 390, height: 844 },
]) {
  test(`screenshots at ${viewport.width}x${viewport.height}`, async () => {
    const { page, problems } = await open(viewport);
    // Mid-flight: records on their way to their partitions.
    await page.waitForFunction(() => document.querySelectorAll('.flight.record').length > 0, null, { timeout: 15_000 });
    await page.screenshot({ path: screenshotPath(`${viewport.width}x${viewport.height}-sending.png`) });
    await finishFirstExample(page);
    await page.click('text=Stay here');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshotPath(`${viewport.width}x${viewport.height}-result.png`) });
    await assertNoSidewaysOverflow(page);
    assert.deepEqual(problems, []);
    await page.close();
  });
}
