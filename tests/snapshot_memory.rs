//! What the sandbox's timeline costs in memory (issue 12, "flat over time"). A session keeps
//! up to `MAX_SNAPSHOTS` copies of the simulation so that rewinding anywhere is quick; if each
//! copy held its own copy of every record, of every batch and of the auditor's table, a long
//! run would need that many times the memory of the run itself (2.9 GB after five minutes at
//! 100× in Chromium). Snapshots share what they have in common instead, so a snapshot costs a
//! small part of the run it copies.
//!
//! Bytes are counted by a global allocator, so the figures are exact and the same on every
//! machine; nothing here is timed.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use kafka_playground::engine::SimTime;
use kafka_playground::scenario::shipped::compiled_setup;
use kafka_playground::ui::sandbox::session::Session;

struct Counting;

static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; only a counter is kept.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The counter is global, so the tests take turns: one test's allocations would otherwise
/// count in the other's figures.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn live_bytes() -> isize {
    LIVE_BYTES.load(Ordering::Relaxed)
}

/// The bytes of the default preset's simulation after `run_ms` simulated milliseconds, of one
/// more copy of it, and of the sandbox's session (the simulation, its snapshots and its log).
fn measure(run_ms: u64) -> (isize, isize, isize) {
    measure_preset("sandbox-default", run_ms)
}

fn measure_preset(preset: &str, run_ms: u64) -> (isize, isize, isize) {
    let setup = compiled_setup(preset).unwrap();

    let before = live_bytes();
    let mut sim = setup.build();
    sim.advance_to(SimTime::from_ms(run_ms));
    drop(sim.drain_events());
    let sim_bytes = live_bytes() - before;

    let before = live_bytes();
    let copy = sim.clone();
    let copy_bytes = live_bytes() - before;
    drop(copy);

    let before = live_bytes();
    let mut session = Session::<()>::new(setup);
    session.advance_to(SimTime::from_ms(run_ms));
    let session_bytes = live_bytes() - before;
    println!(
        "{} s, {} records: simulation {sim_bytes} B, one more copy {copy_bytes} B, \
         session with {} snapshots {session_bytes} B",
        run_ms / 1000,
        sim.audit().produced,
        session.snapshot_count()
    );
    (sim_bytes, copy_bytes, session_bytes)
}

/// Ten and thirty simulated minutes: the simulation grows with its records, and a copy of it
/// does not. Before snapshots shared their tables, a copy grew with the run (692 KB at ten
/// minutes, 1,307 KB at thirty), and so did every one of the session's snapshots.
#[test]
fn a_copy_of_the_simulation_does_not_grow_with_the_run() {
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let (sim_early, copy_early, _) = measure(10 * 60 * 1_000);
    let (sim_late, copy_late, _) = measure(30 * 60 * 1_000);
    assert!(
        sim_late > 2 * sim_early,
        "the run grew from {sim_early} B to {sim_late} B"
    );
    assert!(
        copy_late * 10 < copy_early * 11,
        "a copy grew from {copy_early} B to {copy_late} B"
    );
    assert!(
        copy_late * 10 < sim_late,
        "a copy costs {copy_late} B of a {sim_late} B simulation"
    );
}

/// The simulation the session runs costs what the same simulation costs alone, although the
/// timeline's snapshots share its tables and so copy the last chunk of each one they write
/// to. Before copies were made with room for exactly a chunk, a copied chunk doubled its
/// room at the next push and kept up to twice the slots it needed: after one simulated hour
/// the session's simulation held 1.6 times the bytes of the same run alone.
#[test]
fn the_sessions_simulation_costs_what_the_simulation_costs_alone() {
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let run_ms = 3_600 * 1_000;
    let (alone_bytes, _, _) = measure(run_ms);

    let before = live_bytes();
    let mut session = Session::<()>::new(compiled_setup("sandbox-default").unwrap());
    // As the page advances it: one frame's worth of time at 100× per step.
    let mut now_ms = 0;
    while now_ms < run_ms {
        now_ms = (now_ms + 1_670).min(run_ms);
        session.advance_to(SimTime::from_ms(now_ms));
    }
    let kept = session.sim().clone();
    drop(session);
    let in_session_bytes = live_bytes() - before;
    drop(kept);
    println!("alone {alone_bytes} B, the session's simulation {in_session_bytes} B");
    assert!(
        in_session_bytes * 100 < alone_bytes * 105,
        "the session's simulation holds {in_session_bytes} B, the same run alone {alone_bytes} B"
    );
}

/// The large preset's sixty consumers poll about 300 times a simulated second, and each poll
/// used to leave a `max.poll.interval.ms` check in the timer queue for five minutes: 93 000 of
/// them after five simulated minutes, 7.6 MB in every copy, so the session's 96 snapshots
/// took 600 MB and the tab ran out of memory within minutes at 10×. One pending check per
/// member now: a copy stays under 2.5 MB (1.7 MB when this was written) at one and at five
/// simulated minutes alike.
#[test]
fn a_copy_of_the_large_preset_stays_small_however_often_its_consumers_poll() {
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let (_, copy_early, _) = measure_preset("sandbox-large", 60 * 1_000);
    let (_, copy_late, _) = measure_preset("sandbox-large", 5 * 60 * 1_000);
    for copy in [copy_early, copy_late] {
        assert!(
            copy < 2_500_000,
            "a copy of the large preset costs {copy} B"
        );
    }
    assert!(
        copy_late * 10 < copy_early * 12,
        "a copy grew from {copy_early} B to {copy_late} B"
    );
}
