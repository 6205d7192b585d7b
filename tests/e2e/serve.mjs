// A tiny static file server for dist/, on 127.0.0.1 and a free port, so the end-to-end tests
// need nothing beyond Node itself.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.toml': 'text/plain; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
};

/** Serves `root` under the URL prefix `base` (e.g. "/" or "/kafka-playground/"), on `port`
 * (0: any free port). */
export function serve(root, base = '/', port = 0) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (!url.pathname.startsWith(base)) {
      res.writeHead(404).end('not found');
      return;
    }
    let relative = decodeURIComponent(url.pathname.slice(base.length));
    if (relative === '' || relative.endsWith('/')) relative += 'index.html';
    const file = path.join(root, path.normalize(relative));
    if (!file.startsWith(path.resolve(root))) {
      res.writeHead(403).end('forbidden');
      return;
    }
    fs.readFile(file, (err, data) => {
      if (err) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
      res.end(data);
    });
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ server, url: `http://127.0.0.1:${port}${base}` });
    });
  });
}
