// Frame-time benchmark: opens the release build in headless Chromium, lets a sandbox preset
// play, and records the time between `requestAnimationFrame` callbacks, the same clock the
// playground's own loop runs on. Run with `make frame-times` (after `make dist`); figures go to
// BENCHMARKS.md by hand.
//
//   node scripts/frame-times.mjs [seconds] [preset...]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../tests/e2e/serve.mjs';
import { launchChromium } from '../tests/e2e/support.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [secondsArg = '10', ...presetArgs] = process.argv.slice(2);
const seconds = Number(secondsArg);
const presets = presetArgs.length ? presetArgs : ['default', 'large'];

const { server, url } = await serve(path.join(repo, 'dist'), '/');
const browser = await launchChromium();

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

for (const preset of presets) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`${url}sandbox.html?preset=${preset}`);
  await page.waitForSelector('[data-testid="sandbox"]');
  // Let the page settle (wasm compiled, first rebalance done) before measuring.
  await page.waitForTimeout(3000);
  const deltas = await page.evaluate((ms) => new Promise((resolve) => {
    const times = [];
    const start = performance.now();
    function tick(t) {
      times.push(t);
      if (t - start < ms) requestAnimationFrame(tick);
      else resolve(times.slice(1).map((x, i) => x - times[i]));
    }
    requestAnimationFrame(tick);
  }), seconds * 1000);
  const clock = await page.textContent('[data-testid="clock"]');
  const sorted = [...deltas].sort((a, b) => a - b);
  const mean = deltas.reduce((a, b) => a + b, 0) / deltas.length;
  console.log(JSON.stringify({
    preset,
    frames: deltas.length,
    fps: +(1000 / mean).toFixed(1),
    p50_ms: +percentile(sorted, 50).toFixed(1),
    p95_ms: +percentile(sorted, 95).toFixed(1),
    p99_ms: +percentile(sorted, 99).toFixed(1),
    max_ms: +sorted[sorted.length - 1].toFixed(1),
    over_33ms: deltas.filter((d) => d > 33.4).length,
    clock,
  }));
  await page.close();
}
await browser.close();
server.close();
