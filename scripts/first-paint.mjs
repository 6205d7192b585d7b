// First paint and first interaction on a cold cache: opens each page of the release build
// (dist/) in a fresh browser context, so nothing is cached, from a server on localhost, and
// reports the median over several loads of
//   - first contentful paint (the browser's own `first-contentful-paint` entry), and
//   - interactive: when the page's root component is in the document, which is when the wasm
//     has been fetched, compiled and started and every control answers.
// Issue 12 asks for at most 1 s and 1.5 s. A benchmark, not a test: figures go to
// BENCHMARKS.md by hand.
//
//   node scripts/first-paint.mjs [loads-per-page]      (after `make dist`)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../tests/e2e/serve.mjs';
import { launchChromium } from '../tests/e2e/support.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const loads = Number(process.argv[2] ?? 5);
const PAGES = [
  ['index.html', '[data-testid="app"]'],
  ['sandbox.html', '[data-testid="sandbox"]'],
  ['pipelines.html', '[data-testid="pipelines"]'],
];

const { server, url } = await serve(path.join(repo, 'dist'), '/');
const browser = await launchChromium();

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

console.log('| page | first contentful paint (median) | interactive (median) | loads |');
console.log('|---|---|---|---|');
for (const [page, root] of PAGES) {
  const paints = [];
  const ready = [];
  for (let i = 0; i < loads; i += 1) {
    // A new context has an empty cache: every load downloads and compiles the wasm again.
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const tab = await context.newPage();
    await tab.goto(url + page);
    await tab.waitForSelector(root);
    const interactive = await tab.evaluate(() => performance.now());
    // The paint entry can land a frame after the root appears.
    const paint = await tab.evaluate(() => new Promise((resolve) => {
      const find = () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime;
      const now = find();
      if (now !== undefined) return resolve(now);
      new PerformanceObserver(() => resolve(find())).observe({ type: 'paint', buffered: true });
    }));
    paints.push(paint);
    ready.push(interactive);
    await context.close();
  }
  console.log(`| ${page} | ${median(paints).toFixed(0)} ms | ${median(ready).toFixed(0)} ms | ${loads} |`);
}

await browser.close();
server.close();
