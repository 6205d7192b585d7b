// Does the sandbox stay flat over a long run? Opens a preset in headless Chromium at a speed,
// lets it play for a number of wall-clock minutes, and every interval prints the simulated
// time, the frame rate of the last few seconds, the JS heap in use and the wasm memory's size.
// Not a test (it runs for as long as it is told to); figures go to BENCHMARKS.md by hand.
//
//   node scripts/long-run.mjs [minutes] [speed] [preset] [every_seconds]
//   node scripts/long-run.mjs 30 100 default 60     (30 wall minutes at 100x: ~50 h simulated)
//   node scripts/long-run.mjs 60 1 default 300      (an hour-long talk at 1x)
//   SCENARIO=benches/data/sandbox-default-one-hour-retention.toml node scripts/long-run.mjs 30 100
//                                                   (a scenario file pasted into the sandbox first)
//
// Wasm memory never shrinks (linear memory only grows), so a flat line means the sandbox
// reuses what it took; the JS heap is measured after a garbage collection.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../tests/e2e/serve.mjs';
import { launchChromium } from '../tests/e2e/support.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [minutesArg = '30', speed = '100', preset = 'default', everyArg = '60'] = process.argv.slice(2);
const minutes = Number(minutesArg);
const everyMs = Number(everyArg) * 1000;

const { server, url } = await serve(process.env.DIST ?? path.join(repo, 'dist'), '/');
const browser = await launchChromium();
// VIEWPORT=1920x1080 for a projector's size (1280x720 by default).
const [width, height] = (process.env.VIEWPORT ?? '1280x720').split('x').map(Number);
const page = await browser.newPage({ viewport: { width, height } });
// Keep a handle on every wasm memory the page instantiates, without touching the page's code.
await page.addInitScript(() => {
  window.__wasmMemories = [];
  const keep = (result) => {
    const instance = result.instance ?? result;
    const memory = instance?.exports?.memory;
    if (memory) window.__wasmMemories.push(memory);
    return result;
  };
  const streaming = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = (...args) => streaming(...args).then(keep);
  const plain = WebAssembly.instantiate;
  WebAssembly.instantiate = (...args) => plain(...args).then(keep);
});
await page.goto(`${url}sandbox.html?preset=${preset}`);
await page.waitForSelector('[data-testid="sandbox"]');
if (process.env.SCENARIO) {
  // Pasted as a visitor would, through the scenario reader; the run starts from the file.
  const text = fs.readFileSync(path.resolve(repo, process.env.SCENARIO), 'utf8');
  const name = /^name = "(.*)"$/m.exec(text)?.[1] ?? '';
  await page.click('text=Paste a scenario file');
  await page.fill('[data-testid=scenario-text]', text);
  await page.click('text=Load scenario');
  await page.waitForFunction((n) => document.querySelector('[data-testid=setup-name]')?.textContent.includes(n), name);
}
if (speed !== '1') await page.selectOption('[data-testid="speed"]', speed);
const cdp = await page.context().newCDPSession(page);

async function sample(wallS) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  const frames = await page.evaluate(() => new Promise((resolve) => {
    const times = [];
    const start = performance.now();
    function tick(t) {
      times.push(t);
      if (t - start < 3000) requestAnimationFrame(tick);
      else resolve(times.slice(1).map((x, i) => x - times[i]));
    }
    requestAnimationFrame(tick);
  }));
  const sorted = [...frames].sort((a, b) => a - b);
  const mean = frames.reduce((a, b) => a + b, 0) / frames.length;
  const wasmBytes = await page.evaluate(() => window.__wasmMemories.reduce((a, m) => a + m.buffer.byteLength, 0));
  const clock = (await page.textContent('[data-testid="clock"]'))?.trim();
  console.log(JSON.stringify({
    wall_min: +(wallS / 60).toFixed(1),
    clock,
    fps: +(1000 / mean).toFixed(1),
    p95_ms: +sorted[Math.floor(0.95 * sorted.length)].toFixed(1),
    js_heap_mb: +(usedSize / 1e6).toFixed(1),
    wasm_mb: +(wasmBytes / 1e6).toFixed(1),
  }));
}

const started = Date.now();
await page.waitForTimeout(3000);
await sample(0);
while (Date.now() - started < minutes * 60_000) {
  await page.waitForTimeout(Math.max(0, Math.min(everyMs, minutes * 60_000 - (Date.now() - started))));
  await sample((Date.now() - started) / 1000);
}
await browser.close();
server.close();
