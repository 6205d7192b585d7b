//! The web entry point that Trunk builds.

fn main() {
    #[cfg(target_arch = "wasm32")]
    yew::Renderer::<kafka_playground::ui::tour::Page>::new().render();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("kafka-playground is a web app: run `make serve` and open the printed URL.");
}
