// The download budget: every page's release wasm is at most 600 KB gzipped (issue 4), so the
// playground opens quickly on a phone or inside a blog post.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { repo } from './support.mjs';

const BUDGET_BYTES = 600 * 1024;

test('each page\'s wasm is at most 600 KB gzipped', () => {
  const dist = path.join(repo, 'dist');
  const bundles = fs.readdirSync(dist).filter((name) => name.endsWith('.wasm'));
  assert.equal(bundles.length, 3, `one bundle per page (tour, sandbox, pipelines): ${bundles}`);
  for (const name of bundles) {
    const gzipped = zlib.gzipSync(fs.readFileSync(path.join(dist, name)), { level: 9 }).length;
    assert.ok(gzipped <= BUDGET_BYTES, `${name} is ${gzipped} bytes gzipped, over ${BUDGET_BYTES}`);
  }
});
