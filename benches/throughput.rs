//! Simulated records per wall-clock second on the standard workload (see BENCHMARKS.md):
//! 3 brokers, 12 partitions, replication factor 3, acks=all, one consumer group of 3.

// Criterion is a native dev-dependency; for wasm32 this benchmark is an empty program (the
// browser benchmark is tests/wasm_bench.rs).
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
#[cfg(not(target_arch = "wasm32"))]
use kafka_playground::engine::workloads::{run_for, throughput_cluster};

/// Simulated time per measured run.
#[cfg(not(target_arch = "wasm32"))]
const DURATION_MS: u64 = 2_000;

#[cfg(not(target_arch = "wasm32"))]
fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("simulated_records");
    group.sample_size(10);
    for (name, rate, batched) in [
        ("batched", 1_000_000, true),
        ("one_record_per_batch", 5_000, false),
    ] {
        // The record count is deterministic, so one dry run tells criterion the element count.
        let records = run_for(&mut throughput_cluster(rate, batched), DURATION_MS);
        group.throughput(Throughput::Elements(records));
        group.bench_function(name, |b| {
            b.iter_batched(
                || throughput_cluster(rate, batched),
                // The simulation is returned so criterion drops it outside the timed part, as
                // the browser benchmark does.
                |mut sim| {
                    run_for(&mut sim, DURATION_MS);
                    sim
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

#[cfg(not(target_arch = "wasm32"))]
criterion_group!(benches, bench);
#[cfg(not(target_arch = "wasm32"))]
criterion_main!(benches);
