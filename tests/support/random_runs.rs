//! Runs that must give the same event trace natively and in the browser: every shipped
//! scenario, and a few hundred random fault schedules written as scenario files. Shared by
//! `tests/same_everywhere.rs` (native) and `tests/browser.rs` (wasm32 in headless Chromium),
//! which both compare against the committed `tests/data/trace-hashes.txt`: two platforms equal
//! to one file are equal to each other.
//!
//! The random schedules are scenario files rather than command lists so that they go through
//! the same reader, checks and `Setup::build` as every run a user starts, and so that a failing
//! one can be printed and replayed with `kplay run --trace`.
#![allow(dead_code)]

use std::fmt::Write;

use kafka_playground::engine::SimTime;
use kafka_playground::scenario::{parse_scenario, SHIPPED};

/// How many random fault schedules are compared.
pub const RANDOM_RUNS: u64 = 200;

/// How long each shipped scenario runs, in simulated milliseconds: long enough for every one
/// to have started its clients, traffic and faults, short enough for a debug build of the
/// large preset in a browser.
const SHIPPED_RUN_MS: u64 = 10_000;

/// The committed hashes, one `name hash` line per run.
pub const EXPECTED: &str = include_str!("../data/trace-hashes.txt");

/// SplitMix64: a few lines of well-known arithmetic, the same on every platform, so the
/// schedules are data of this file and not of a crate's version.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number from `low` to `high`, both included.
    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const BROKERS: u64 = 3;

/// A random scenario file: three brokers, one or two topics, up to three producers with
/// workloads, a consumer group, and up to twelve faults in the first eight seconds.
pub fn random_scenario(number: u64) -> String {
    let mut rng = SplitMix(number);
    let mut toml = String::new();
    let seed = rng.next() % 1_000_000;
    writeln!(
        toml,
        "version = 1\nname = \"random run {number}\"\nseed = {seed}"
    )
    .unwrap();
    writeln!(toml, "duration = \"12s\"\n\n[cluster]\nbrokers = {BROKERS}").unwrap();
    writeln!(
        toml,
        "replica_lag_time_max_ms = {}\nbroker_session_timeout_ms = 3000",
        rng.between(1_000, 5_000)
    )
    .unwrap();
    writeln!(
        toml,
        "group_initial_rebalance_delay_ms = 500\noffsets_topic_num_partitions = {}",
        rng.between(1, 5)
    )
    .unwrap();
    writeln!(
        toml,
        "\n[network]\nlatency_ms = {}\njitter_ms = {}",
        rng.between(1, 10),
        rng.between(0, 5)
    )
    .unwrap();
    let topics = rng.between(1, 2);
    for topic in 0..topics {
        write_topic(&mut toml, &mut rng, topic);
    }
    let producers = rng.between(1, 3);
    for producer in 1..=producers {
        write_producer(&mut toml, &mut rng, producer, topics);
    }
    let consumers = rng.between(1, 3);
    for consumer in 1..=consumers {
        writeln!(
            toml,
            "\n[[consumers]]\nid = {consumer}\ntopic = \"t0\"\ngroup = \"g\"\nauto_offset_reset = \"earliest\"\nsession_timeout_ms = 6000\nheartbeat_interval_ms = 1000"
        )
        .unwrap();
    }
    let mut times: Vec<u64> = (0..rng.between(0, 12))
        .map(|_| rng.between(0, 8_000))
        .collect();
    times.sort_unstable();
    let mut state = Faults {
        down: [false; BROKERS as usize],
        isolated: [false; BROKERS as usize],
        crashed: vec![false; consumers as usize],
    };
    for at_ms in times {
        let action = state.next(&mut rng);
        writeln!(toml, "\n[[timeline]]\nat = {at_ms}\n{action}").unwrap();
    }
    toml
}

fn write_topic(toml: &mut String, rng: &mut SplitMix, topic: u64) {
    let replication_factor = rng.between(1, BROKERS);
    writeln!(
        toml,
        "\n[[topics]]\nname = \"t{topic}\"\npartitions = {}\nreplication_factor = {replication_factor}",
        rng.between(1, 4)
    )
    .unwrap();
    writeln!(
        toml,
        "min_insync_replicas = {}\nunclean_leader_election_enable = {}",
        rng.between(1, replication_factor),
        rng.chance(50)
    )
    .unwrap();
}

fn write_producer(toml: &mut String, rng: &mut SplitMix, producer: u64, topics: u64) {
    let acks = ["0", "1", "all"][rng.between(0, 2) as usize];
    // Idempotence needs acks=all; with other acks the file leaves it unsaid, as Kafka allows.
    let idempotence = match acks {
        "all" => format!("enable_idempotence = {}\n", rng.chance(50)),
        _ => "enable_idempotence = false\n".to_owned(),
    };
    let keys = if rng.chance(50) {
        format!("cycle:{}", rng.between(1, 16))
    } else {
        "none".to_owned()
    };
    writeln!(
        toml,
        "\n[[producers]]\nid = {producer}\nacks = \"{acks}\"\n{idempotence}linger_ms = {}\nmax_in_flight_requests_per_connection = {}\nrequest_timeout_ms = {}",
        rng.between(0, 10),
        rng.between(1, 5),
        rng.between(2_000, 10_000)
    )
    .unwrap();
    writeln!(
        toml,
        "workload = {{ topic = \"t{}\", rate = {}, keys = \"{keys}\" }}",
        rng.between(0, topics - 1),
        rng.between(5, 200)
    )
    .unwrap();
}

/// What the faults so far have done, so that each next one is legal where it happens (the
/// scenario reader refuses, say, crashing a consumer twice).
struct Faults {
    down: [bool; BROKERS as usize],
    isolated: [bool; BROKERS as usize],
    crashed: Vec<bool>,
}

impl Faults {
    /// One timeline action (without its `at`). A kind with no legal target (restarting when
    /// every broker runs) becomes a change of the drop rate.
    fn next(&mut self, rng: &mut SplitMix) -> String {
        let broker = rng.between(0, BROKERS - 1);
        let b = broker as usize;
        match rng.between(0, 12) {
            0..=2 if !self.down[b] => {
                self.down[b] = true;
                format!("action = \"crash-broker\"\nbroker = {broker}")
            }
            3..=5 if self.down[b] => {
                self.down[b] = false;
                format!("action = \"restart-broker\"\nbroker = {broker}")
            }
            6..=7 if !self.isolated[b] && !self.down[b] => {
                self.isolated[b] = true;
                format!("action = \"isolate-broker\"\nbroker = {broker}")
            }
            8..=9 if self.isolated[b] => {
                self.isolated[b] = false;
                format!("action = \"heal-broker\"\nbroker = {broker}")
            }
            10 => {
                let consumer = rng.between(1, self.crashed.len() as u64);
                let crashed = &mut self.crashed[consumer as usize - 1];
                if *crashed {
                    return "action = \"set-network\"\ndrop_per_million = 0".to_owned();
                }
                *crashed = true;
                format!("action = \"crash-consumer\"\nconsumer = {consumer}")
            }
            12 => {
                let other = (broker + rng.between(1, BROKERS - 1)) % BROKERS;
                format!(
                    "action = \"set-link-latency\"\nbetween = [\"broker-{broker}\", \"broker-{other}\"]\nlatency = \"{}ms\"",
                    rng.between(1, 400)
                )
            }
            _ => format!(
                "action = \"set-network\"\ndrop_per_million = {}",
                if rng.chance(30) {
                    0
                } else {
                    rng.between(1_000, 200_000)
                }
            ),
        }
    }
}

/// FNV-1a over the Debug text of every event (which, unlike the one-line sentence, shows
/// every field), one event after another.
fn fnv1a(hash: &mut u64, bytes: &[u8]) {
    for byte in bytes {
        *hash ^= u64::from(*byte);
        *hash = hash.wrapping_mul(0x0000_0100_0000_01B3);
    }
}

/// The hash of the run's events up to `until_ms`, with the number of events, as 16 and a few
/// hex digits: `3f…a1/1234`.
fn trace_hash(scenario_text: &str, until_ms: Option<u64>) -> Result<String, String> {
    let scenario = parse_scenario(scenario_text).map_err(|errors| {
        errors
            .iter()
            .map(|e| format!("{}:{} {}", e.line, e.column, e.message))
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    let mut sim = scenario.build(None);
    let until = until_ms.map_or_else(|| scenario.run_until(), SimTime::from_ms);
    let mut hash = 0xCBF2_9CE4_8422_2325u64;
    let mut events = 0usize;
    // In slices, so the trace is hashed as it goes rather than held whole.
    let mut at = SimTime::ZERO;
    while at < until {
        at = SimTime::from_ms((at.as_ms() + 1_000).min(until.as_ms()));
        sim.advance_to(at);
        for event in sim.drain_events() {
            fnv1a(&mut hash, format!("{event:?}\n").as_bytes());
            events += 1;
        }
    }
    Ok(format!("{hash:016x}/{events}"))
}

/// The name and trace hash of every compared run, in a fixed order: the shipped scenarios
/// first, then the random schedules `random-0` … `random-199`.
pub fn every_run() -> impl Iterator<Item = (String, String)> {
    let shipped = SHIPPED.into_iter().map(|file| {
        let hash = trace_hash(file.text, Some(SHIPPED_RUN_MS))
            .unwrap_or_else(|e| panic!("{} does not read: {e}", file.slug));
        (file.slug.to_owned(), hash)
    });
    let random = (0..RANDOM_RUNS).map(|number| {
        let text = random_scenario(number);
        let hash = trace_hash(&text, None)
            .unwrap_or_else(|e| panic!("random-{number} does not read: {e}\n{text}"));
        (format!("random-{number}"), hash)
    });
    shipped.chain(random)
}

/// The committed hash of a run, by name.
pub fn expected(name: &str) -> Option<&'static str> {
    EXPECTED
        .lines()
        .filter_map(|line| line.split_once(' '))
        .find(|(n, _)| *n == name)
        .map(|(_, hash)| hash)
}
