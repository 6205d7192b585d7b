// Serves the built site (dist/) on 127.0.0.1 at the given port, for `make serve`.
//   node scripts/serve.mjs [port]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../tests/e2e/serve.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.argv[2] ?? 8080);
const { url } = await serve(path.join(repo, 'dist'), '/', port);
console.log(`kafka-playground is at ${url} (the sandbox: ${url}sandbox.html, the pipelines: ${url}pipelines.html). Ctrl-C stops.`);
