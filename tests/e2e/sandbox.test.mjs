// End to end in the sandbox: the timeline rewinds and forks, the run survives a reload, and a
// saved state that cannot be read is reported without breaking the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { start, stop, open as openOn, assertNoSidewaysOverflow, screenshotPath, waitForFrames } from './support.mjs';

let site;

before(async () => {
  site = await start();
});

after(async () => {
  await stop(site);
});

const PROJECTOR = { width: 1280, height: 720 };
/** Where the sandbox keeps its run (packed), and where builds before the packed format did (JSON). */
const STORED = 'kafka-playground.sandbox.v2';
const STORED_AS_JSON = 'kafka-playground.sandbox.v1';
/** A run as those earlier builds stored it: the default preset, broker 2 crashed at 1.2 s, clock at 4 s. */
const V1_RUN = readFileSync(new URL('../data/saved-run-v1.json', import.meta.url), 'utf8');

function open(query = 'sandbox.html?preset=default', viewport = PROJECTOR) {
  return openOn(site, viewport, query, '[data-testid=sandbox]');
}

/** The simulated time on the clock, in seconds. */
async function clock(page) {
  const text = await page.textContent('[data-testid=clock]');
  return Number(text.match(/([\d.]+) s/)[1]);
}

/**
 * Sets (a string) or removes (null) storage entries, then opens the sandbox. The entries are
 * written from the tour's page, of the same origin, where no sandbox runs: a running sandbox
 * saves itself every few seconds and could overwrite them before a reload.
 */
async function storeThenOpen(page, entries) {
  await page.goto(site.url + 'index.html');
  await page.waitForSelector('[data-testid=app]');
  await page.evaluate((entries) => {
    for (const [key, value] of entries) {
      if (value === null) localStorage.removeItem(key);
      else localStorage.setItem(key, value);
    }
  }, entries);
  await page.goto(site.url + 'sandbox.html');
  await page.waitForSelector('[data-testid=sandbox]');
}

async function waitForClock(page, seconds) {
  await page.waitForFunction(
    (s) => Number(document.querySelector('[data-testid=clock]').textContent.match(/([\d.]+) s/)[1]) >= s,
    seconds,
    { timeout: 30_000 },
  );
}

/** Drags the timeline to `ms`, as a visitor's mouse would (an `input` event per move). */
async function seek(page, ms) {
  await page.$eval('[data-testid=timeline]', (input, value) => {
    input.value = String(value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, ms);
}

test('rewinding, then acting, forks the run from that moment', async () => {
  const { page, problems } = await open();
  await page.selectOption('[data-testid=speed]', '5');
  await waitForClock(page, 6);
  await page.click('[data-testid=play]');
  const reached = await clock(page);
  await seek(page, 2000);
  assert.equal(await clock(page), 2);
  assert.match(await page.textContent('[data-testid=time-status]'), /Rewound to 2\.0 s/);
  assert.match(await page.textContent('[data-testid=play]'), /Play/, 'seeking keeps it paused');
  // The clock shows tenths of a second, so the end of the run is within 50 ms of it.
  const horizon = Number(await page.getAttribute('[data-testid=timeline]', 'max'));
  assert.ok(horizon >= reached * 1000 - 50, `the timeline still reaches ${horizon} ms (was at ${reached} s)`);

  await page.click('[data-testid=kill-broker-0]');
  assert.match(await page.textContent('[data-testid=notice]'), /forked at t = 2\.0 s/);
  assert.equal(Number(await page.getAttribute('[data-testid=timeline]', 'max')), 2000, 'the old future is gone');
  assert.match(await page.textContent('[data-testid=broker-0]'), /down/);

  // Replaying the fork forward keeps the new past.
  await page.click('[data-testid=play]');
  await waitForClock(page, 4);
  assert.match(await page.textContent('[data-testid=broker-0]'), /down/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the sandbox comes back after a reload', async () => {
  const { page, problems } = await open();
  await waitForClock(page, 1);
  const before = await page.evaluate((key) => localStorage.getItem(key), STORED);
  await page.click('[data-testid=kill-broker-2]');
  // The run is saved as its setup and action log after every action: wait until the kill is
  // in storage.
  await page.waitForFunction(
    ([key, before]) => (localStorage.getItem(key) ?? before) !== before,
    [STORED, before],
    { timeout: 10_000 },
  );
  await page.goto(site.url + 'sandbox.html');
  await page.waitForSelector('[data-testid=sandbox]');
  assert.equal(await page.locator('[data-testid=notice]').count(), 0, 'no complaint about the saved state');
  assert.match(await page.textContent('[data-testid=broker-2]'), /down/);
  assert.ok((await clock(page)) >= 1, 'the clock is restored too');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a saved state that cannot be read is reported and set aside', async () => {
  const { page, problems } = await open('sandbox.html');
  await storeThenOpen(page, [[STORED, 'AQ$$']]);
  const notice = await page.textContent('[data-testid=notice]');
  assert.match(notice, /could not be read/);
  assert.match(notice, /'\$' at character 3/);
  const aside = await page.evaluate((key) => localStorage.getItem(key + '.unreadable'), STORED);
  assert.equal(aside, 'AQ$$');
  // And the page works: time runs in a fresh sandbox.
  await waitForClock(page, 0.5);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a run an earlier build stored as JSON comes back, and broken JSON says where', async () => {
  const { page, problems } = await open('sandbox.html');
  await storeThenOpen(page, [[STORED, null], [STORED_AS_JSON, V1_RUN]]);
  // The reader's worker reads the JSON; the run is then restored, paused at its clock.
  await page.waitForFunction((key) => localStorage.getItem(key) === null, STORED_AS_JSON, { timeout: 10_000 });
  // The key goes in the same update that restores the run; the page shows it when it next renders.
  await page.waitForFunction(() => /down/.test(document.querySelector('[data-testid=broker-2]')?.textContent ?? ''), null, { timeout: 10_000 });
  assert.equal(await clock(page), 4);
  assert.equal(await page.locator('[data-testid=notice]').count(), 0, 'no complaint about the saved state');
  assert.ok(await page.evaluate((key) => localStorage.getItem(key), STORED), 'stored again, packed');

  await storeThenOpen(page, [[STORED, null], [STORED_AS_JSON, '{"version": 1, "setup": 42']]);
  await page.waitForSelector('[data-testid=notice].error');
  const notice = await page.textContent('[data-testid=notice]');
  assert.match(notice, /could not be read/);
  assert.match(notice, /line 1, column/);
  const aside = await page.evaluate((key) => localStorage.getItem(key + '.unreadable'), STORED_AS_JSON);
  assert.equal(aside, '{"version": 1, "setup": 42');
  await waitForClock(page, 0.5);
  assert.deepEqual(problems, []);
  await page.close();
});

test('charts whose painter cannot load say so on the canvas, and the page goes on', async () => {
  const { page, problems } = await open();
  await page.route('**/painter-loader.js', (route) => route.abort());
  await page.reload();
  await page.waitForSelector('[data-testid=sandbox]');
  await page.waitForFunction(() => document.querySelector('canvas.chart-canvas')?.hasAttribute('data-unpainted'), null, { timeout: 10_000 });
  const why = await page.getAttribute('canvas.chart-canvas', 'data-unpainted');
  assert.match(why, /the chart painter did not load/);
  // The text alternative is still there, and time runs.
  assert.ok((await page.getAttribute('canvas.chart-canvas', 'aria-label')).length > 0);
  await waitForClock(page, 1);
  // The failed request is the one problem the console reports.
  assert.ok(problems.every((p) => /painter-loader|Failed to load/.test(p)), problems.join('\n'));
  await page.close();
});

test('on the large preset the log bars are painted where their rows are, and pointing at one names its replica', async () => {
  const { page, problems } = await open('sandbox.html?preset=large');
  await waitForClock(page, 3);
  await page.click('[data-testid=play]');
  await waitForFrames(page, 3);
  const canvas = 'canvas[data-testid=cluster-moving]';
  assert.equal(await page.getAttribute(canvas, 'data-bars'), '144');
  // A leader's bar starts with committed records (log start 0, high watermark past it): the
  // canvas there is the committed blue. The row's label, left of its bar, is not painted on
  // the canvas at all.
  const probe = await page.evaluate((selector) => {
    const canvas = document.querySelector(selector);
    const box = canvas.getBoundingClientRect();
    // One read of the whole canvas: a second would make Chromium warn in the console.
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const pixel = (x, y) => {
      const at = 4 * (Math.round((y - box.top) * canvas.height / box.height) * canvas.width
        + Math.round((x - box.left) * canvas.width / box.width));
      return [...data.slice(at, at + 4)];
    };
    const place = document.querySelector('.cl-replica.leader .cl-bar-place').getBoundingClientRect();
    const label = document.querySelector('.cl-replica.leader .cl-row-label').getBoundingClientRect();
    return {
      inBar: pixel(place.left + 3, place.top + place.height / 2),
      onLabel: pixel(label.left + label.width / 2, label.top + label.height / 2),
    };
  }, canvas);
  const [r, g, b, a] = probe.inBar;
  assert.ok(a > 200 && Math.abs(r - 0x00) < 40 && Math.abs(g - 0x72) < 40 && Math.abs(b - 0xb2) < 40,
    `the committed blue inside a leader's bar, not ${probe.inBar}`);
  assert.equal(probe.onLabel[3], 0, 'nothing painted over the row label');
  // The bar's place in the SVG takes the pointer: hovering it highlights its replica.
  await page.hover('.cl-replica.leader .cl-bar-place');
  await page.waitForSelector('.cl-replica.leader.emphasised, .cl-broker.emphasised', { timeout: 5_000 });
  const title = await page.textContent('.cl-replica.leader title');
  assert.match(title, /on broker \d+: leader; log start \d+, high watermark \d+, log end \d+/);
  await page.screenshot({ path: screenshotPath('sandbox-large-bars.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('old links with ?mode= reach their page, and the views link to each other', async () => {
  const { page, problems } = await openOn(site, PROJECTOR, '?mode=sandbox&preset=four-members', '[data-testid=sandbox]');
  assert.match(page.url(), /sandbox\.html\?mode=sandbox&preset=four-members$/);
  assert.match(await page.textContent('[data-testid=setup-name]'), /4 partitions, 4 members/);
  await page.click('[data-testid=mode-tour]');
  await page.waitForSelector('[data-testid=app][data-scene]');
  await page.click('[data-testid=mode-pipelines]');
  await page.waitForURL(/pipelines\.html/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a scenario file with a mistake is answered with line and column', async () => {
  const { page, problems } = await open();
  await page.click('text=Paste a scenario file');
  await page.fill('[data-testid=scenario-text]', 'version = 1\nname = "x"\nseed = "nope"\n');
  await page.click('text=Load scenario');
  assert.match(await page.textContent('[data-testid=scenario-errors]'), /line 3, column/);
  // The reader is a worker of its own, fetched the first time a file is pasted; a correct
  // file then starts the sandbox from it.
  const good = [
    'version = 1', 'name = "pasted by hand"', 'seed = 7', '[cluster]', 'brokers = 1',
    '[[topics]]', 'name = "t"', 'partitions = 2', 'replication_factor = 1',
  ].join('\n');
  await page.fill('[data-testid=scenario-text]', good);
  await page.click('text=Load scenario');
  await page.waitForFunction(() => document.querySelector('[data-testid=setup-name]')?.textContent.includes('pasted by hand'));
  assert.equal(await page.locator('[data-testid=scenario-errors]').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

/** The number in an audit bar item, e.g. `lost` or `produced`. */
async function auditFigure(page, id) {
  const text = await page.textContent(`[data-testid=audit-${id}] .audit-value`);
  return Number(text.replace(/[^\d]/g, ''));
}

test('the zombie leader: cut from its peers, it keeps taking acks=1 writes that the heal loses', async () => {
  for (const [viewport, name] of [[PROJECTOR, '1280x720'], [{ width: 768, height: 430 }, '768x430']]) {
    const { page, problems } = await open('sandbox.html?preset=zombie-leader', viewport);
    await page.selectOption('[data-testid=speed]', '5');
    // After the cut (10 s) and the controller's election of another leader (19 s): broker 2's
    // links to its peers are drawn broken, and the legend says what a broken link is.
    await waitForClock(page, 21);
    assert.ok((await page.locator('.cl-link.down').count()) >= 2, 'the cut links are drawn broken');
    assert.match(await page.textContent('.cl-legend'), /no connection/);
    await page.screenshot({ path: screenshotPath(`sandbox-zombie-cut-${name}.png`) });
    // After the heal (40 s) the zombie truncates what only it had: acknowledged, then lost.
    await waitForClock(page, 42);
    assert.ok(await auditFigure(page, 'lost') >= 100, "the zombie's acknowledged writes are lost");
    await page.screenshot({ path: screenshotPath(`sandbox-zombie-healed-${name}.png`) });
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test('killing the leader under acks=1 shows the acknowledged records that were lost', async () => {
  const { page, problems } = await open('sandbox.html?preset=acks1-by-hand');
  await page.selectOption('[data-testid=speed]', '2');
  await waitForClock(page, 6);
  // A lost record is drawn only while its offset is in a replica's drawn tail, which new
  // records soon push out. So a watcher in the page pauses the run in the very frame the first
  // one is drawn (a visitor would pause to look, too); it starts before the kill, so no frame
  // is missed however busy the machine is.
  await page.evaluate(() => {
    window.pausedOnLostRecord = new Promise((resolve) => {
      const look = () => {
        if (document.querySelector('.cl-cell.lost')) {
          document.querySelector('[data-testid=play]').click();
          resolve();
        } else {
          requestAnimationFrame(look);
        }
      };
      look();
    });
  });
  // Whichever broker leads orders-0 (the seed decides), kill it by hand.
  const leader = page.locator('[data-testid^=broker-]', { hasText: 'leads 1' });
  await leader.locator('button', { hasText: 'Kill' }).click();
  await page.waitForFunction(() => window.pausedOnLostRecord.then(() => true), null, { timeout: 30_000 });
  assert.match(await page.textContent('[data-testid=play]'), /Play/, 'paused on the first lost record');
  const lost = await auditFigure(page, 'lost');
  assert.ok(lost >= 1);
  assert.match(await page.textContent('[data-testid=audit-lost]'), /lost/i);
  // Struck through in the cluster view, where they were.
  assert.ok((await page.locator('.cl-strike').count()) >= 1, 'a struck-through record is drawn');
  await page.screenshot({ path: screenshotPath('sandbox-acks1-lost-1280x720.png') });

  // Its journey tells the story: acknowledged, then gone.
  await page.locator('.cl-cell.lost').first().click();
  await page.waitForSelector('[data-testid=journey-panel]');
  assert.match(await page.textContent('[data-testid=journey-panel]'), /acknowledged/i);
  assert.deepEqual(problems, []);
  await page.close();
});

/** The record drawn under the point (x, y) of the page, or null. */
function recordAt(page, x, y) {
  return page.evaluate(([px, py]) => document.elementFromPoint(px, py)?.closest('[data-record]')?.getAttribute('data-record') ?? null, [x, y]);
}

test('a record clicked at 5x is the record that was under the pointer', async () => {
  const { page, problems } = await open();
  await page.selectOption('[data-testid=speed]', '5');
  await waitForClock(page, 8);
  // Aim where a visitor would: at the newest record of the first replica drawn, which is the
  // one that slides away first. Its place is read from the page, as an eye would.
  await page.$eval('[data-testid=cluster]', (svg) => svg.scrollIntoView({ block: 'center' }));
  const { x, y } = await page.evaluate(() => {
    const cells = document.querySelector('[data-testid=cluster] .cl-replica').querySelectorAll('.cl-cell');
    const box = cells[cells.length - 1].getBoundingClientRect();
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  });
  await page.mouse.move(x, y);
  const aimed = await recordAt(page, x, y);
  assert.ok(aimed !== null, 'the pointer is on a record');
  // While the pointer rests on it, the record stays where it is however fast time runs.
  const clockBefore = await clock(page);
  for (let i = 0; i < 30; i += 1) {
    await waitForFrames(page, 1);
    assert.equal(await recordAt(page, x, y), aimed, `frame ${i}: the record under the pointer changed`);
  }
  assert.ok(await clock(page) > clockBefore, 'time kept running meanwhile');
  await page.mouse.down();
  await page.mouse.up();
  await page.waitForFunction(
    (id) => document.querySelector('.journey-title')?.textContent.startsWith(`record ${id} `),
    aimed,
    { timeout: 10_000 },
  );
  assert.deepEqual(problems, []);
  await page.close();
});

test('a fifth member on a 4-partition topic sits idle, and says why', async () => {
  const { page, problems } = await open('sandbox.html?preset=four-members');
  await page.selectOption('[data-testid=speed]', '5');
  await page.waitForFunction(
    () => document.querySelector('[data-testid=group-state]')?.textContent.includes('Stable'),
    null,
    { timeout: 30_000 },
  );
  assert.equal(await page.locator('.member.idle').count(), 0, 'four members, four partitions: nobody idles');
  await page.click('[data-testid=open-group-form]');
  await page.fill('[data-testid=group-id]', 'billing');
  await page.click('[data-testid=add-consumer]');
  await page.waitForFunction(
    () => document.querySelectorAll('.member.idle').length === 1
      && document.querySelector('[data-testid=group-state]').textContent.includes('Stable'),
    null,
    { timeout: 60_000 },
  );
  assert.match(await page.textContent('.member.idle'), /idle/);
  assert.equal(await page.locator('[data-testid^=member-]').count(), 5);
  await page.screenshot({ path: screenshotPath('sandbox-idle-member-1280x720.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

for (const viewport of [
  { width: 1280, height: 720 },
  { width: 800, height: 500 },
  { width: 390, height: 844 },
]) {
  test(`sandbox screenshots at ${viewport.width}x${viewport.height}`, async () => {
    const { page, problems } = await open('sandbox.html?preset=default', viewport);
    await page.selectOption('[data-testid=speed]', '5');
    await waitForClock(page, 12);
    await page.screenshot({ path: screenshotPath(`sandbox-${viewport.width}x${viewport.height}.png`) });
    await page.screenshot({ path: screenshotPath(`sandbox-${viewport.width}x${viewport.height}-full.png`), fullPage: true });
    await assertNoSidewaysOverflow(page);
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('a tombstone by hand, and removing a whole group', async () => {
  const { page, problems } = await open();
  await waitForClock(page, 1);
  await page.fill('[data-testid=key]', 'user-1');
  await page.check('[data-testid=tombstone]');
  await page.click('[data-testid=produce]');
  await page.waitForFunction(
    () => document.querySelector('.event-log')?.textContent.includes('a tombstone (null value)'),
    null,
    { timeout: 10_000 },
  );
  await page.click('[data-testid=group-item-billing] button');
  await page.waitForFunction(
    () => !document.querySelector('[data-testid=consumer-0]') && !document.querySelector('[data-testid=consumer-1]'),
    null,
    { timeout: 10_000 },
  );
  assert.equal(await page.locator('[data-testid=notice].error').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});
