// End to end in the pipelines view (pipelines.html): pipelines side by side with live
// figures, sourced and modelled marks, the CodeMentor burst with and without Kafka, a failure
// story, and screenshots at the projector and small-laptop sizes.
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

const PROJECTOR = { width: 1280, height: 720 };
const SMALL = { width: 800, height: 500 };

function open(query = 'pipelines.html', viewport = PROJECTOR) {
  return openOn(site, viewport, query, '[data-testid=pipelines]');
}

/** The records-in total of one stage in a pipeline's live figures table. */
async function stageTotal(page, pipeline, stage) {
  const text = await page.textContent(`[data-testid=figures-${pipeline}] tr[data-stage=${stage}] td[data-figure=total]`);
  return Number(text.trim());
}

async function clock(page) {
  const text = await page.textContent('[data-testid=pipe-clock]');
  return Number(text.match(/([\d.]+) s/)[1]);
}

test('the pipelines view is reachable from the navigation', async () => {
  const { page, problems } = await openOn(site, PROJECTOR, '?mode=sandbox', '[data-testid=sandbox]');
  await page.click('[data-testid=mode-pipelines]');
  await page.waitForSelector('[data-testid=pipelines]');
  assert.equal(await page.getAttribute('[data-testid=mode-pipelines]', 'aria-current'), 'page');
  assert.deepEqual(problems, []);
  await page.close();
});

test('two pipelines run side by side on one clock and their live figures change', async () => {
  const { page, problems } = await open('pipelines.html?compare=netflix,codementor');
  await page.waitForSelector('[data-testid=card-netflix]');
  await page.waitForSelector('[data-testid=card-codementor]');
  // Side by side: the two cards share a row at 1280 px.
  const a = await page.locator('[data-testid=card-codementor]').boundingBox();
  const b = await page.locator('[data-testid=card-netflix]').boundingBox();
  assert.ok(Math.abs(a.y - b.y) < 2 && b.x > a.x + a.width - 2, 'the cards sit in one row');
  // Both diagrams are drawn, with Kafka topics and moving marks.
  assert.ok(await page.locator('[data-testid=diagram-netflix] .kafka-band').count() >= 2);
  assert.ok(await page.locator('[data-testid=diagram-codementor] .kafka-band').count() >= 2);

  await page.selectOption('[data-testid=pipe-speed]', '5');
  const before = await stageTotal(page, 'netflix', 'fk');
  const beforeCm = await stageTotal(page, 'codementor', 'treq');
  await page.waitForFunction(() => {
    const text = document.querySelector('[data-testid=pipe-clock]').textContent;
    return Number(text.match(/([\d.]+) s/)[1]) >= 8;
  }, null, { timeout: 20_000 });
  const after = await stageTotal(page, 'netflix', 'fk');
  const afterCm = await stageTotal(page, 'codementor', 'treq');
  assert.ok(after > before + 10, `Fronting Kafka went from ${before} to ${after} records`);
  assert.ok(afterCm > beforeCm, `the submissions topic went from ${beforeCm} to ${afterCm}`);
  const rate = Number(await page.textContent('[data-testid=figures-netflix] tr[data-stage=fk] td[data-figure=rate]'));
  assert.ok(rate > 2 && rate < 8, `Fronting Kafka takes ${rate} records/s of the 5/s load`);
  assert.ok(await page.locator('[data-testid=diagram-netflix] .mark').count() > 0, 'marks travel the edges');
  // Members per processor.
  assert.equal((await page.textContent('[data-testid=figures-netflix] tr[data-stage=r_es] td[data-figure=members]')).trim(), '2');

  // Pausing stops the clock.
  await page.click('[data-testid=pipe-play]');
  const paused = await clock(page);
  await waitForFrames(page, 20);
  assert.equal(await clock(page), paused);

  // Adding a third pipeline: it catches up with the same clock.
  await page.check('[data-testid=pick-uber]');
  await page.waitForSelector('[data-testid=card-uber]');
  assert.ok(await stageTotal(page, 'uber', 'reg') > 0, 'Uber caught up with the clock');
  assert.deepEqual(problems, []);
  await page.close();
});

test('sourced facts and modelled assumptions are marked differently, with a legend', async () => {
  const { page, problems } = await open();
  assert.ok(await page.locator('[data-testid=pipe-legend] .prov.sourced').count() >= 1);
  assert.ok(await page.locator('[data-testid=pipe-legend] .prov.modelled').count() >= 1);
  const sourced = page.locator('[data-testid=comparison-table] [data-provenance=sourced]');
  const modelled = page.locator('[data-testid=comparison-table] [data-provenance=modelled]');
  assert.ok(await sourced.count() > 0, 'the comparison has sourced cells');
  assert.ok(await modelled.count() > 0, 'and modelled ones');
  assert.match(await sourced.first().getAttribute('title'), /^Sourced: \[\d+\]/);
  assert.match(await modelled.first().getAttribute('title'), /^Modelled by the playground: /);
  // Modelled badges are dashed, sourced ones solid: not told apart by colour alone.
  const styles = await page.evaluate(() => ['sourced', 'modelled'].map((kind) =>
    getComputedStyle(document.querySelector(`[data-testid=comparison-table] .prov.${kind}`)).borderTopStyle));
  assert.deepEqual(styles, ['solid', 'dashed']);
  // In the diagrams too.
  assert.ok(await page.locator('[data-testid=diagram-netflix] .node-prov.sourced').count() > 0);
  assert.ok(await page.locator('[data-testid=diagram-uber] .node-prov.modelled').count() > 0);
  // Sources are links.
  assert.ok(await page.locator('[data-testid=sources-netflix] a[href^="https://"]').count() >= 3);
  // The table has its six aspects and a year for published scale.
  const scale = await page.textContent('[data-testid=comparison-table] tr:has(th:text("Published scale"))');
  assert.match(scale, /20\d\d/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the CodeMentor burst drops requests without Kafka and none with it', async () => {
  const { page, problems } = await open();
  await page.click('[data-testid=pipe-play]'); // pause the comparison while the experiment runs
  await page.fill('[data-testid=exp-burst]', '150');
  await page.fill('[data-testid=exp-concurrency]', '4');
  await page.click('[data-testid=exp-run]');
  await page.waitForSelector('[data-testid=experiment-results]', { timeout: 30_000 });
  const dropped = async (variant) =>
    Number(await page.textContent(`[data-testid=exp-${variant}] td[data-figure=dropped]`));
  const submitted = async (variant) =>
    Number(await page.textContent(`[data-testid=exp-${variant}] td[data-figure=submitted]`));
  assert.equal(await submitted('without'), 150);
  assert.equal(await submitted('with'), 150);
  assert.ok(await dropped('without') > 0, 'without Kafka, some submissions are dropped');
  assert.equal(await dropped('with'), 0, 'with Kafka, none are');
  assert.equal(Number(await page.textContent('[data-testid=exp-with] td[data-figure=completed]')), 150);
  assert.match(await page.textContent('[data-testid=exp-verdict]'), /With Kafka, 0 were dropped/);
  assert.equal(await page.locator('[data-testid=experiment-results] .exp-chart').count(), 4);
  await page.locator('#experiment').scrollIntoViewIfNeeded();
  await page.locator('[data-testid=experiment-results]').screenshot({ path: screenshotPath('pipelines-experiment-1280.png') });

  // A field that is not a number is reported, not run.
  await page.fill('[data-testid=exp-python]', '250');
  await page.click('[data-testid=exp-run]');
  assert.match(await page.textContent('[data-testid=exp-problems]'), /Python share/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('Netflix\'s peak second pushes 8 M events through the engine in a worker while the page keeps drawing', async () => {
  const { page, problems } = await open();
  assert.equal(await page.getAttribute('[data-testid=peak-status]', 'data-state'), 'idle');
  // Frames the page draws from the click until the run is done: a run on the page's own
  // thread would leave none to count.
  await page.evaluate(() => {
    window.peakFrames = 0;
    const tick = () => { window.peakFrames += 1; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  const clockBefore = await clock(page);
  await page.click('[data-testid=peak-run]');
  await page.waitForSelector('[data-testid=peak-status][data-state=done]', { timeout: 120_000 });
  const frames = await page.evaluate(() => window.peakFrames);
  assert.ok(frames >= 10, `the page drew only ${frames} frames while the peak second ran`);
  assert.ok(await clock(page) > clockBefore, 'the comparison above kept playing');
  const figure = async (key) => (await page.textContent(`[data-testid=peak-figures] [data-figure=${key}] dd`)).trim();
  const count = (text) => Number(text.replaceAll(',', ''));
  const acknowledged = count(await figure('events'));
  const dropped = count(await figure('failed'));
  assert.equal(acknowledged + dropped, 8_000_000, 'every event of the second was answered');
  assert.ok(acknowledged > 7_000_000, `${acknowledged} acknowledged`);
  const batches = count(await figure('batches'));
  assert.ok(batches > 1_000 && batches < acknowledged / 50, `${batches} batches: batched, many events each`);
  assert.ok(count(await figure('requests')) <= batches);
  assert.match(await figure('simulated'), /^1,0\d\d ms$/, 'one simulated second and the last answers');
  assert.match(await figure('wall'), /^[\d,]+ ms$/);
  assert.match(await figure('wall-rate'), /M\/s|k\/s/);
  assert.match(await page.textContent('[data-testid=peak-status]'), /^Done: /);
  assert.equal(await page.getAttribute('[data-testid=peak-run]', 'disabled'), null, 'it can run again');
  await page.locator('#peak').scrollIntoViewIfNeeded();
  await page.locator('#peak').screenshot({ path: screenshotPath('pipelines-peak-1280.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await assertNoSidewaysOverflow(page);
  await page.locator('#peak').screenshot({ path: screenshotPath('pipelines-peak-390.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a poison message walks Uber\'s retry topics into the DLQ while the main topic flows', async () => {
  const { page, problems } = await open();
  await page.selectOption('[data-testid=pipe-speed]', '20');
  await page.click('[data-testid=story-uber-poison]');
  await page.waitForSelector('[data-testid=story-body]');
  await page.waitForFunction(
    () => document.querySelector('[data-testid=story-clock]').textContent.includes('finished'),
    null,
    { timeout: 30_000 },
  );
  const figure = async (key) => (await page.textContent(`[data-highlight=${key}] .big`)).trim();
  assert.equal(await figure('dlq'), '1');
  assert.ok(Number(await figure('svc')) > 100, 'the service kept receiving');
  // Members commit every 5 s, so a group that keeps up shows up to about 25 records of lag.
  assert.ok(Number(await figure('cp-lag')) <= 30, 'the Consumer Proxy kept up');
  assert.ok(await page.locator('[data-testid=story-body] .watched').count() >= 4, 'watched stages are ringed');
  await page.locator('[data-testid=story-body]').screenshot({ path: screenshotPath('pipelines-story-1280.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a slow Netflix sink lags alone', async () => {
  const { page, problems } = await open();
  await page.selectOption('[data-testid=pipe-speed]', '20');
  await page.click('[data-testid=story-netflix-slow-sink]');
  await page.waitForFunction(
    () => document.querySelector('[data-testid=story-clock]').textContent.includes('finished'),
    null,
    { timeout: 30_000 },
  );
  const figure = async (key) => Number((await page.textContent(`[data-highlight=${key}] .big`)).trim());
  assert.ok(await figure('es-lag') > 50, 'the Elasticsearch router lags');
  assert.ok(await figure('s3-lag') <= 30, 'the S3 router keeps up');
  assert.ok(await figure('kf-lag') <= 30, 'the Consumer Kafka router keeps up');
  assert.deepEqual(problems, []);
  await page.close();
});

for (const viewport of [PROJECTOR, SMALL]) {
  test(`pipelines screenshots at ${viewport.width}x${viewport.height}`, async () => {
    const { page, problems } = await open('pipelines.html', viewport);
    await page.selectOption('[data-testid=pipe-speed]', '5');
    await page.waitForFunction(() => {
      const text = document.querySelector('[data-testid=pipe-clock]').textContent;
      return Number(text.match(/([\d.]+) s/)[1]) >= 6;
    }, null, { timeout: 20_000 });
    await page.screenshot({ path: screenshotPath(`pipelines-${viewport.width}x${viewport.height}.png`) });
    await page.locator('#table').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath(`pipelines-table-${viewport.width}x${viewport.height}.png`) });
    await assertNoSidewaysOverflow(page);
    assert.deepEqual(problems, []);
    await page.close();
  });
}
