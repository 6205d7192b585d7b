//! The scenario reader's web worker (`kafka-playground-reader`): the TOML parser and the
//! scenario file's checks, in a bundle of their own that a page loads only when a visitor
//! pastes a scenario file (see `src/ui/reader/`).

fn main() {
    #[cfg(target_arch = "wasm32")]
    kafka_playground::ui::reader::worker::run();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("kafka-playground-reader is the playground's web worker: run `make serve`.");
}
