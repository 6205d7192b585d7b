//! The sandbox page's entry point (`sandbox.html`). Each page of the site is a wasm bundle of
//! its own, so a visitor downloads only the view they opened and each stays within the size
//! budget (BENCHMARKS.md).

fn main() {
    #[cfg(target_arch = "wasm32")]
    yew::Renderer::<kafka_playground::ui::sandbox::Page>::new().render();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("kafka-playground is a web app: run `make serve` and open the printed URL.");
}
