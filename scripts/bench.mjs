// `make bench`: the native criterion benchmark, the same workloads as wasm in headless Chromium,
// Netflix's peak second natively and on the pipelines page, and the frame-time script, printed
// side by side as ratios (wasm / native per workload; fps per page against the display's 60),
// so a regression shows as a changed ratio rather than as a noisy absolute figure on a shared
// machine. Not part of `make test`.
//
//   node scripts/bench.mjs            (after `make dist`; the Makefile's `bench` does both)
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Runs a command, echoing its output as it comes, and returns everything it printed. */
function run(command, args, env = {}) {
  return new Promise((resolve, reject) => {
    console.log(`\n==> ${command} ${args.join(' ')}`);
    const child = spawn(command, args, { cwd: repo, env: { ...process.env, ...env } });
    let out = '';
    const keep = (chunk) => {
      out += chunk;
      process.stdout.write(chunk);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} exited with ${code}`))));
  });
}

const UNITS = { elem: 1, Kelem: 1e3, Melem: 1e6, Gelem: 1e9 };

/** Criterion's mean throughput per case: `simulated_records/<case>` ... `thrpt: [lo mid hi]`. */
export function parseCriterion(text) {
  const figures = {};
  const pattern = /simulated_records\/(\w+)[\s\S]*?thrpt:\s*\[[^\]]*?\s([\d.]+)\s(\w+)\/s\s[\d.]+\s\w+\/s\]/g;
  for (const m of text.matchAll(pattern)) {
    figures[m[1]] = Number(m[2]) * (UNITS[m[3]] ?? NaN);
  }
  return figures;
}

/** The wasm benchmark's lines: `wasm <case>: <n> records in <ms> ms = <rate> records/s`. */
export function parseWasm(text) {
  const figures = {};
  for (const m of text.matchAll(/wasm (\w+): \d+ records in \d+ ms = (\d+) records\/s/g)) {
    figures[m[1]] = Number(m[2]);
  }
  return figures;
}

const native = parseCriterion(await run('cargo', ['bench', '--bench', 'throughput', '--', '--noplot']));
const wasm = parseWasm(await run(
  'cargo',
  ['test', '--release', '--target', 'wasm32-unknown-unknown', '--test', 'wasm_bench', '--', '--nocapture'],
  { CHROMEDRIVER: process.env.CHROMEDRIVER ?? '/usr/bin/chromedriver' },
));
const frames = (await run('node', ['scripts/frame-times.mjs', '8', 'default@1x', 'default@10x', 'large@1x', 'large@10x', 'pipelines@1x']))
  .split('\n')
  .filter((line) => line.startsWith('{'))
  .map((line) => JSON.parse(line));

// Netflix's peak second: natively with `kplay pipeline peak` (three runs), and in Chromium
// with scripts/peak-second.mjs (three runs of the page's button; the first also loads the
// worker's wasm, so the best of the three is compared).
const nativePeakMs = [];
for (let i = 0; i < 3; i += 1) {
  const out = await run('cargo', ['run', '--quiet', '--release', '--bin', 'kplay', '--', 'pipeline', 'peak', '--json']);
  nativePeakMs.push(JSON.parse(out.slice(out.indexOf('{'))).wall_ms);
}
const msOf = (text) => Number(text.replace(/[^\d]/g, ''));
const pagePeakMs = (await run('node', ['scripts/peak-second.mjs', '3']))
  .split('\n')
  .filter((line) => line.startsWith('{'))
  .map((line) => msOf(JSON.parse(line).wall_in_worker));

const rate = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M/s` : `${(n / 1e3).toFixed(1)} k/s`);
console.log('\nSimulated records per second');
console.log('case                      native       wasm         wasm / native');
for (const name of Object.keys(native)) {
  const ratio = wasm[name] ? (wasm[name] / native[name]).toFixed(2) : '–';
  console.log(`${name.padEnd(25)} ${rate(native[name]).padEnd(12)} ${(wasm[name] ? rate(wasm[name]) : '–').padEnd(12)} ${ratio}`);
}
console.log('\nNetflix\'s peak second (8 M events), wall ms');
const best = (list) => Math.min(...list);
console.log('                          native       wasm         wasm / native');
console.log(`${'each run'.padEnd(25)} ${nativePeakMs.map((ms) => ms.toFixed(0)).join(' ').padEnd(12)} ${pagePeakMs.join(' ')}`);
console.log(`${'best'.padEnd(25)} ${best(nativePeakMs).toFixed(0).padEnd(12)} ${String(best(pagePeakMs)).padEnd(12)} ${(best(pagePeakMs) / best(nativePeakMs)).toFixed(2)}`);
console.log('\nFrames per second (1280x720)');
console.log('page                      fps     p95 ms   fps / 60');
for (const f of frames) {
  console.log(`${f.target.padEnd(25)} ${String(f.fps).padEnd(7)} ${String(f.p95_ms).padEnd(8)} ${(f.fps / 60).toFixed(2)}`);
}
if (Object.keys(native).length === 0 || Object.keys(wasm).length === 0) {
  console.error('bench: could not read the native or the wasm figures (see the output above)');
  process.exit(1);
}
