//! Netflix's peak second's web worker (`kafka-playground-peak`): the broker core alone, in a
//! bundle of its own that the pipelines page loads only when a visitor runs the peak second
//! (see `src/ui/pipelines/peak/`).

fn main() {
    #[cfg(target_arch = "wasm32")]
    kafka_playground::ui::pipelines::peak::worker::run();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("kafka-playground-peak is the pipelines page's web worker: run `make serve`.");
}
