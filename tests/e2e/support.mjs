// What every end-to-end test file shares: the release build served on a subpath, one headless
// Chromium, and pages that record every console error, uncaught exception and failed request.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(repo, 'dist');
export const shots = path.join(repo, 'target', 'screenshots');
// Served under a subpath, as on a project page, to prove the build does not assume "/".
const BASE = '/kafka-playground/';

/**
 * Headless Chromium as every test and benchmark script runs it. Without the background-networking
 * flags Chromium keeps trying to reach Google's hosts, which this machine's network refuses.
 */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run',
    ],
  });
}

/** Starts the server and the browser; returns what `open` and `stop` need. */
export async function start() {
  assert.ok(fs.existsSync(path.join(dist, 'index.html')), 'dist/ is missing: run `make dist` first');
  fs.mkdirSync(shots, { recursive: true });
  const { server, url } = await serve(dist, BASE);
  const browser = await launchChromium();
  return { server, url, browser };
}

export async function stop(site) {
  await site?.browser?.close();
  site?.server?.close();
}

/** Opens the playground in a fresh browser context (so fresh storage) and collects problems. */
export async function open(site, viewport, query = '', ready = '[data-testid=app]') {
  const page = await site.browser.newPage({ viewport });
  const problems = [];
  page.on('console', (message) => {
    // Warnings count too: a page should load and run without a word in the console.
    if (message.type() === 'error' || message.type() === 'warning') {
      problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    // A request the page's own navigation cut off (a reload while the chart painter was still
    // loading) is not a problem of the page.
    if (request.failure()?.errorText === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
  });
  await page.goto(site.url + query);
  await page.waitForSelector(ready);
  return { page, problems };
}

/** Asserts nothing spills sideways out of the page. */
export async function assertNoSidewaysOverflow(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the viewport`);
}

export function screenshotPath(name) {
  return path.join(shots, name);
}

/**
 * Resolves after the page has drawn `count` more animation frames. A test that must show that
 * something did not change waits for frames, not milliseconds: on a busy machine a frame still
 * comes, while a fixed delay may pass before the page has drawn anything at all.
 */
export async function waitForFrames(page, count) {
  await page.evaluate((n) => new Promise((resolve) => {
    let left = n;
    const tick = () => {
      left -= 1;
      if (left <= 0) resolve();
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }), count);
}
