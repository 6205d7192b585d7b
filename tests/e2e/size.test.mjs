// The download budget: every wasm bundle is at most BUDGET_BYTES gzipped, so the playground
// opens quickly on a phone or inside a blog post. The pages' bundles (tour, sandbox, pipelines)
// are what a visitor waits for; the scenario reader's worker loads only when a file is pasted,
// and the peak second's only when its button is pressed, and both are held to the same bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { repo } from './support.mjs';

// Lowered from 600 KB to what issue 12's work reached: 560 KB after collecting B-trees by
// insertion, 450 KB after sorted vectors for the small maps (the sandbox is 434 109 B). The
// issue's aim is 400 KB.
const BUDGET_BYTES = 450 * 1024;
const BUNDLES = [
  'kafka-playground',
  'kafka-playground-sandbox',
  'kafka-playground-pipelines',
  'kafka-playground-reader',
  'kafka-playground-peak',
];

test(`each wasm bundle is at most ${BUDGET_BYTES / 1024} KB gzipped`, () => {
  const dist = path.join(repo, 'dist');
  const wasm = fs.readdirSync(dist).filter((name) => name.endsWith('.wasm'));
  const bundleOf = (name) => BUNDLES.find((bundle) => name.replace(/(-[0-9a-f]{16})?_bg\.wasm$/, '') === bundle);
  assert.deepEqual(wasm.map(bundleOf).sort(), [...BUNDLES].sort(), `one bundle per page and one per worker: ${wasm}`);
  for (const name of wasm) {
    const gzipped = zlib.gzipSync(fs.readFileSync(path.join(dist, name)), { level: 9 }).length;
    assert.ok(gzipped <= BUDGET_BYTES, `${name} is ${gzipped} bytes gzipped, over ${BUDGET_BYTES}`);
  }
});
