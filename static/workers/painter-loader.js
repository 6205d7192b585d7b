// Loads the chart painter (src/ui/widgets/chart/paint.rs, built as `kafka-playground-painter`)
// on the page's main thread, the first time a page paints a chart (src/ui/widgets/chart/
// painter.rs adds this script). Its module and wasm have fixed names beside this file. Once
// loaded, its `paintChart(canvas, packedSpec)` is left on `globalThis.kafkaPlaygroundPainter`,
// or the reason it could not load as `error`, and the page hears so by one event.
import init, { paintChart } from './kafka-playground-painter.js';

try {
  await init({ module_or_path: new URL('./kafka-playground-painter_bg.wasm', import.meta.url) });
  globalThis.kafkaPlaygroundPainter = { paintChart };
} catch (error) {
  globalThis.kafkaPlaygroundPainter = { error: String(error?.message ?? error) };
}
dispatchEvent(new Event('kafka-playground-painter'));
