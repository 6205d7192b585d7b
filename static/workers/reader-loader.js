// Starts the scenario reader's worker (src/ui/reader/): a module worker that loads the
// wasm-bindgen module Trunk built for `kafka-playground-reader` (names without a hash, beside
// this file) and runs its `main`, which installs the message handler and says "ready".
import init from './kafka-playground-reader.js';

init({ module_or_path: new URL('./kafka-playground-reader_bg.wasm', import.meta.url) });
