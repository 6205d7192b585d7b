// Frame-time benchmark: opens the release build in headless Chromium, lets a page play, and
// records the time between `requestAnimationFrame` callbacks, the same clock the playground's
// own loop runs on. Run with `make frame-times` (after `make dist`); figures go to BENCHMARKS.md
// by hand. Prints one JSON line per target.
//
//   node scripts/frame-times.mjs [seconds] [target...]
//
// A target is `page[@speed][@WIDTHxHEIGHT]`, where page is a sandbox preset (`default`,
// `large`, ...) or `pipelines` (all four pipelines side by side); for example `large@10x`,
// `large@10x@1920x1080` or `pipelines@1920x1080`. Speed defaults to 1x and the viewport to
// 1280x720. Without targets it runs issue 12's matrix: both presets at 1x and 10x and the
// pipelines page, each at 1280x720 and 1920x1080.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../tests/e2e/serve.mjs';
import { launchChromium } from '../tests/e2e/support.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [secondsArg = '10', ...targetArgs] = process.argv.slice(2);
const seconds = Number(secondsArg);
const matrix = [];
for (const size of ['1280x720', '1920x1080']) {
  for (const preset of ['default', 'large']) {
    for (const speed of ['1x', '10x']) matrix.push(`${preset}@${speed}@${size}`);
  }
  matrix.push(`pipelines@${size}`);
}
const targets = targetArgs.length ? targetArgs : matrix;

/** Reads `page[@speed][@WxH]`. */
export function parseTarget(target) {
  const [page, ...rest] = target.split('@');
  let speed = '1';
  let width = 1280;
  let height = 720;
  for (const part of rest) {
    let m;
    if ((m = /^(\d+(?:\.\d+)?)x$/.exec(part))) speed = m[1];
    else if ((m = /^(\d+)x(\d+)$/.exec(part))) [width, height] = [Number(m[1]), Number(m[2])];
    else throw new Error(`frame-times: cannot read '${part}' in target '${target}'`);
  }
  return { page, speed, width, height };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

// DIST=path measures another build (an earlier commit's, say) with the same script.
const { server, url } = await serve(process.env.DIST ?? path.join(repo, 'dist'), '/');
const browser = await launchChromium();

for (const target of targets) {
  const { page: which, speed, width, height } = parseTarget(target);
  const page = await browser.newPage({ viewport: { width, height } });
  let clockSelector;
  if (which === 'pipelines') {
    await page.goto(`${url}pipelines.html?compare=coupang-eats,uber,netflix,codementor`);
    await page.waitForSelector('[data-testid="pipelines"]');
    clockSelector = '[data-testid="pipe-clock"]';
  } else {
    await page.goto(`${url}sandbox.html?preset=${which}`);
    await page.waitForSelector('[data-testid="sandbox"]');
    if (speed !== '1') await page.selectOption('[data-testid="speed"]', speed);
    clockSelector = '[data-testid="clock"]';
  }
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
  const clock = await page.textContent(clockSelector).catch(() => null);
  const sorted = [...deltas].sort((a, b) => a - b);
  const mean = deltas.reduce((a, b) => a + b, 0) / deltas.length;
  console.log(JSON.stringify({
    target: `${which}@${speed}x@${width}x${height}`,
    frames: deltas.length,
    fps: +(1000 / mean).toFixed(1),
    p50_ms: +percentile(sorted, 50).toFixed(1),
    p95_ms: +percentile(sorted, 95).toFixed(1),
    p99_ms: +percentile(sorted, 99).toFixed(1),
    max_ms: +sorted[sorted.length - 1].toFixed(1),
    over_17ms: deltas.filter((d) => d > 17.5).length,
    clock: clock?.trim(),
  }));
  await page.close();
}
await browser.close();
server.close();
