// Netflix's peak second in headless Chromium: opens the release build's pipelines page, presses
// the peak-second button `runs` times (the first run includes fetching and compiling the
// worker's wasm; the wall time the page shows starts when the worker begins the run), and
// prints each run's figures as the page shows them, with the frames the page drew meanwhile.
// Part of `make bench`; figures go to BENCHMARKS.md by hand.
//
//   node scripts/peak-second.mjs [runs]      (after `make dist`; default 3 runs)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../tests/e2e/serve.mjs';
import { launchChromium } from '../tests/e2e/support.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? '3');
const { server, url } = await serve(process.env.DIST ?? path.join(repo, 'dist'), '/');
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
await page.goto(`${url}pipelines.html`);
await page.waitForSelector('[data-testid=peak-run]');

const figure = async (key) =>
  (await page.textContent(`[data-testid=peak-figures] [data-figure=${key}] dd`)).trim();
for (let run = 1; run <= runs; run += 1) {
  await page.evaluate(() => {
    window.peakFrames = 0;
    window.peakLongest = 0;
    let last = performance.now();
    const tick = (now) => {
      window.peakFrames += 1;
      window.peakLongest = Math.max(window.peakLongest, now - last);
      last = now;
      if (window.peakFrames < 1e6) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const clicked = Date.now();
  await page.click('[data-testid=peak-run]');
  await page.waitForSelector('[data-testid=peak-status][data-state=done]', { timeout: 300_000 });
  const sinceClickMs = Date.now() - clicked;
  const result = {
    run,
    events_acknowledged: await figure('events'),
    events_dropped: await figure('failed'),
    batches: await figure('batches'),
    requests: await figure('requests'),
    simulated: await figure('simulated'),
    simulated_rate: await figure('simulated-rate'),
    wall_in_worker: await figure('wall'),
    wall_rate: await figure('wall-rate'),
    since_click_ms: sinceClickMs,
    page_frames: await page.evaluate(() => window.peakFrames),
    longest_frame_ms: Math.round(await page.evaluate(() => window.peakLongest)),
  };
  console.log(JSON.stringify(result));
  // Stop this run's frame counter before the next.
  await page.evaluate(() => { window.peakFrames = 1e6; });
}
await browser.close();
server.close();
