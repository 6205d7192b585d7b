// Where a frame's time goes: records a Chrome trace of a page playing and sums the main
// thread's work by kind (script, style, layout, paint, ...), and with `--cpu` the script's
// hottest functions from a CPU profile. Not a test; figures go to BENCHMARKS.md by hand.
//
//   [SETTLE_MS=3000] [THREADS=1] [CSS=...] node scripts/frame-profile.mjs [seconds] [target] [--cpu]
//
// THREADS=1 adds each thread's busy time per frame (the compositor's and raster's as well as
// the page's). CSS adds a style sheet before the profile starts, to measure what a part of
// the page costs by taking it out (`CSS='.cluster-wrap{content-visibility:hidden}'`).
// The target is read as in scripts/frame-times.mjs (`large@10x@1920x1080`, `pipelines`). For
// readable wasm function names, build the bundle with names kept (`wasm-opt -g`).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../tests/e2e/serve.mjs';
import { launchChromium } from '../tests/e2e/support.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const cpu = args.includes('--cpu');
const [secondsArg = '4', target = 'large'] = args.filter((a) => a !== '--cpu');
const seconds = Number(secondsArg);

const [which, ...rest] = target.split('@');
let speed = '1';
let [width, height] = [1280, 720];
for (const part of rest) {
  let m;
  if ((m = /^(\d+(?:\.\d+)?)x$/.exec(part))) speed = m[1];
  else if ((m = /^(\d+)x(\d+)$/.exec(part))) [width, height] = [Number(m[1]), Number(m[2])];
}

const { server, url } = await serve(process.env.DIST ?? path.join(repo, 'dist'), '/');
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width, height } });
if (which === 'pipelines') {
  await page.goto(`${url}pipelines.html?compare=coupang-eats,uber,netflix,codementor`);
  await page.waitForSelector('[data-testid="pipelines"]');
} else {
  await page.goto(`${url}sandbox.html?preset=${which}`);
  await page.waitForSelector('[data-testid="sandbox"]');
  if (speed !== '1') await page.selectOption('[data-testid="speed"]', speed);
}
// SETTLE_MS: how long the page plays before the profile starts (3 s; longer to profile late in
// a run, where more has been retained).
if (process.env.CSS) await page.addStyleTag({ content: process.env.CSS });
await page.waitForTimeout(Number(process.env.SETTLE_MS ?? 3000));

const session = await page.context().newCDPSession(page);
if (cpu) {
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 1000 });
  await session.send('Profiler.start');
}
await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
const frames = await page.evaluate((ms) => new Promise((resolve) => {
  let n = 0;
  const start = performance.now();
  function tick(t) {
    n += 1;
    if (t - start < ms) requestAnimationFrame(tick);
    else resolve(n);
  }
  requestAnimationFrame(tick);
}), seconds * 1000);
const trace = JSON.parse((await browser.stopTracing()).toString());

// Top-level main-thread slices only: a kind's time is not counted again inside another.
const events = (trace.traceEvents ?? trace).filter((e) => e.ph === 'X' && e.dur);
const mainThread = events.find((e) => e.name === 'FireAnimationFrame')?.tid;
const kinds = {
  FireAnimationFrame: 'script (animation frames)', FunctionCall: 'script (other callbacks)',
  TimerFire: 'script (timers)', EventDispatch: 'script (events)',
  UpdateLayoutTree: 'style', Layout: 'layout', PrePaint: 'pre-paint', Paint: 'paint',
  Layerize: 'layerize', 'Document::updateStyleAndLayout': 'style and layout (forced)',
  GCEvent: 'garbage collection', MinorGC: 'garbage collection', MajorGC: 'garbage collection',
  ParseHTML: 'parse HTML', ScrollLayer: 'scroll',
};
const totals = {};
let covered = [];
for (const e of events.filter((e) => e.tid === mainThread).sort((a, b) => a.ts - b.ts)) {
  const kind = kinds[e.name];
  if (!kind) continue;
  // Skip slices nested in one already counted.
  if (covered.some(([s, end]) => e.ts >= s && e.ts + e.dur <= end)) continue;
  covered = covered.filter(([, end]) => end > e.ts);
  covered.push([e.ts, e.ts + e.dur]);
  totals[kind] = (totals[kind] ?? 0) + e.dur / 1000;
}
const raster = events.filter((e) => e.name === 'RasterTask').reduce((a, e) => a + e.dur / 1000, 0);
console.log(`${target}: ${frames} frames in ${seconds} s (${(frames / seconds).toFixed(1)} fps)`);
console.log('main thread, ms in all and per frame:');
for (const [kind, ms] of Object.entries(totals).sort((a, b) => b[1] - a[1])) {
  console.log(`  ${kind.padEnd(28)} ${ms.toFixed(0).padStart(6)}  ${(ms / frames).toFixed(2).padStart(6)}`);
}
console.log(`  ${'raster (other threads)'.padEnd(28)} ${raster.toFixed(0).padStart(6)}  ${(raster / frames).toFixed(2).padStart(6)}`);
if (process.env.THREADS) {
  const names = new Map((trace.traceEvents ?? trace).filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => [`${e.pid}/${e.tid}`, e.args.name]));
  const busy = new Map();
  const byThread = new Map();
  for (const e of events) { const k = `${e.pid}/${e.tid}`; if (!byThread.has(k)) byThread.set(k, []); byThread.get(k).push(e); }
  for (const [k, list] of byThread) {
    list.sort((a, b) => a.ts - b.ts); let end = 0, sum = 0;
    for (const e of list) { const s0 = Math.max(e.ts, end); const e1 = e.ts + e.dur; if (e1 > s0) { sum += e1 - s0; end = e1; } }
    busy.set(k, sum / 1000);
  }
  for (const [k, ms] of [...busy].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`  thread ${(names.get(k) ?? k).padEnd(30)} ${(ms / frames).toFixed(2)} ms/frame`);
}
console.log(`  elements in the page: ${await page.evaluate(() => document.getElementsByTagName('*').length)}`);

if (cpu) {
  const { profile } = await session.send('Profiler.stop');
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const n = byId.get(id);
    const name = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}`;
    self.set(name, (self.get(name) ?? 0) + (dt[i] ?? 0) / 1000);
  });
  console.log('hottest functions (self time, ms):');
  for (const [name, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`  ${ms.toFixed(0).padStart(6)}  ${name}`);
  }
  // Inclusive time of the playground's own functions (a function counted once per sample
  // however deep it recurses), which tells which of its steps the time is spent under.
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map();
  profile.samples.forEach((id, i) => {
    const seen = new Set();
    for (let n = id; n !== undefined; n = parent.get(n)) {
      const fn = byId.get(n).callFrame.functionName;
      const short = fn.replace(/::h[0-9a-f]{16}$/, '');
      if (!(process.env.ALL_FUNCTIONS || short.includes('kafka_playground')) || seen.has(short)) continue;
      seen.add(short);
      inclusive.set(short, (inclusive.get(short) ?? 0) + (dt[i] ?? 0) / 1000);
    }
  });
  console.log("the playground's functions (inclusive time, ms):");
  for (const [name, ms] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 30))) {
    console.log(`  ${ms.toFixed(0).padStart(6)}  ${name.slice(0, 150)}`);
  }
}
await browser.close();
server.close();
