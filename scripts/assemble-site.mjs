// Assembles dist/ from the wasm-bindgen output of scripts/build-site.sh: content-hashed names
// for what a page loads (so a browser never mixes an old bundle with a new page), the pages'
// HTML from the source pages (index.html, sandbox.html, pipelines.html), and the worker files
// under fixed names beside them (a page starts a worker by a name it knows).
//
// The source pages keep Trunk's `<link data-trunk ...>` tags, so `make dev` (trunk serve) reads
// the same files; this script replaces each tag the way Trunk would, without needing Trunk,
// which takes a newcomer's first `make serve` eight minutes to compile.
//
//   node scripts/assemble-site.mjs <bindgen-dir> <dist-dir> <public-url>
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [bindgen, dist, publicUrl = './'] = process.argv.slice(2);
if (!bindgen || !dist) {
  console.error('usage: node scripts/assemble-site.mjs <bindgen-dir> <dist-dir> [public-url]');
  process.exit(2);
}
const PAGES = ['index.html', 'sandbox.html', 'pipelines.html'];

fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(dist, { recursive: true });

/** Copies `from` into dist/ as `stem-<hash>ext` and returns the new name. */
function copyHashed(from, stem, ext) {
  const bytes = fs.readFileSync(from);
  const hash = crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  const name = `${stem}-${hash}${ext}`;
  fs.writeFileSync(path.join(dist, name), bytes);
  return name;
}

function copyAsIs(from, name = path.basename(from)) {
  fs.copyFileSync(from, path.join(dist, name));
  return name;
}

/** An attribute's value in a tag's text, or undefined; a bare attribute gives ''. */
function attribute(tag, name) {
  const match = tag.match(new RegExp(`\\s${name}(?:="([^"]*)")?[\\s/>]`));
  return match ? (match[1] ?? '') : undefined;
}

const hashed = new Map();
function once(key, make) {
  if (!hashed.has(key)) hashed.set(key, make());
  return hashed.get(key);
}

function replaceTrunkLink(tag) {
  const rel = attribute(tag, 'rel');
  if (rel === 'css') {
    const href = attribute(tag, 'href');
    const name = once(href, () => copyHashed(path.join(repo, href), path.basename(href, '.css'), '.css'));
    return `<link rel="stylesheet" href="${publicUrl}${name}" />`;
  }
  if (rel === 'copy-file') {
    copyAsIs(path.join(repo, attribute(tag, 'href')));
    return '';
  }
  if (rel === 'rust') {
    const bin = attribute(tag, 'data-bin');
    const js = path.join(bindgen, `${bin}.js`);
    const wasm = path.join(bindgen, `${bin}_bg.wasm`);
    if (attribute(tag, 'data-type') === 'worker') {
      // Workers keep fixed names: their loader (static/workers/) imports them by name.
      once(bin, () => [copyAsIs(js), copyAsIs(wasm)]);
      return '';
    }
    const [jsName, wasmName] = once(bin, () => [copyHashed(js, bin, '.js'), copyHashed(wasm, bin, '_bg.wasm')]);
    return [
      `<link rel="modulepreload" href="${publicUrl}${jsName}" crossorigin="anonymous">`,
      `<link rel="preload" href="${publicUrl}${wasmName}" crossorigin="anonymous" as="fetch" type="application/wasm">`,
      '<script type="module">',
      `import init from '${publicUrl}${jsName}';`,
      `await init({ module_or_path: '${publicUrl}${wasmName}' });`,
      '</script>',
    ].join('\n    ');
  }
  throw new Error(`a <link data-trunk rel="${rel}"> this script does not know: ${tag}`);
}

for (const page of PAGES) {
  const source = fs.readFileSync(path.join(repo, page), 'utf8');
  const html = source.replace(/<link\s+data-trunk\b[^>]*>/g, replaceTrunkLink);
  if (html.includes('data-trunk')) throw new Error(`${page}: a data-trunk tag was left`);
  fs.writeFileSync(path.join(dist, page), html);
}
