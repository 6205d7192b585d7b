// Starts the peak second's worker (src/ui/pipelines/peak/): a module worker that loads the
// wasm-bindgen module built for `kafka-playground-peak` (names without a hash, beside this
// file) and runs its `main`, which installs the message handler and says "ready".
import init from './kafka-playground-peak.js';

init({ module_or_path: new URL('./kafka-playground-peak_bg.wasm', import.meta.url) });
