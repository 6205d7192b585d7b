//! The throughput benchmark in headless Chromium (a benchmark, not a check: `make test` does
//! not run it). Run it with:
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --release --target wasm32-unknown-unknown --test wasm_bench`
#![cfg(target_arch = "wasm32")]

use kafka_playground::engine::testing::{run_for, throughput_cluster};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const DURATION_MS: u64 = 2_000;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

#[wasm_bindgen_test]
fn simulated_records_per_second_in_the_browser() {
    // The same cases as benches/throughput.rs (see there for why 500 records/s gives one
    // record per request).
    for (name, rate, batched) in [
        ("batched", 1_000_000, true),
        ("one_record_per_batch", 5_000, false),
        ("one_record_per_request", 500, false),
    ] {
        let mut best = f64::MAX;
        let mut records = 0;
        for _ in 0..3 {
            let mut sim = throughput_cluster(rate, batched);
            let start = now_ms();
            records = run_for(&mut sim, DURATION_MS);
            best = best.min(now_ms() - start);
        }
        console_log!(
            "wasm {name}: {records} records in {best:.0} ms = {:.0} records/s",
            records as f64 / (best / 1000.0)
        );
    }
}
