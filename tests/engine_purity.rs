//! The broker core stays pure: nothing under `src/engine/` may reach the browser, a wall clock
//! or OS randomness, or iterate a hash container (whose order would leak into the output).
//! Its files import each other without circles, and its actors keep to their own state: client
//! and group-member code never reads broker state, and broker code never reads client state.

#[path = "engine_purity/imports.rs"]
mod imports;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const FORBIDDEN: &[(&str, &str)] = &[
    ("yew", "the UI framework"),
    ("web_sys", "browser APIs"),
    ("js_sys", "JavaScript APIs"),
    ("gloo", "browser helpers"),
    ("wasm_bindgen", "the JavaScript bridge"),
    ("std::time", "the wall clock"),
    ("Instant", "the wall clock"),
    ("SystemTime", "the wall clock"),
    ("thread_rng", "OS randomness"),
    ("from_entropy", "OS randomness"),
    ("getrandom", "OS randomness"),
    ("OsRng", "OS randomness"),
    ("HashMap", "unordered iteration"),
    ("HashSet", "unordered iteration"),
    ("std::thread", "threads"),
    ("std::fs", "the file system"),
    ("std::net", "the real network"),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/engine exists") {
        let path = entry.expect("readable entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Finds forbidden names in code, ignoring comments (which may explain why a name is avoided).
fn violations(source: &str) -> Vec<(usize, &'static str, &'static str)> {
    let mut found = Vec::new();
    for (number, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        for &(name, why) in FORBIDDEN {
            let hit = code.match_indices(name).any(|(at, _)| {
                let before = code[..at].chars().next_back();
                let after = code[at + name.len()..].chars().next();
                let is_ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
                !is_ident(before) && !is_ident(after)
            });
            if hit {
                found.push((number + 1, name, why));
            }
        }
    }
    found
}

#[test]
fn the_engine_uses_nothing_impure() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files.sort();
    assert!(
        files.len() > 5,
        "expected the engine's modules under {root:?}"
    );
    let mut report = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(&file).expect("readable source");
        for (line, name, why) in violations(&source) {
            report.push(format!("{}:{line}: `{name}` ({why})", file.display()));
        }
    }
    assert!(
        report.is_empty(),
        "the engine must stay pure:\n{}",
        report.join("\n")
    );
}

#[test]
fn the_checker_catches_what_it_should() {
    assert_eq!(violations("use yew::prelude::*;").len(), 1);
    assert_eq!(violations("let t = std::time::Instant::now();").len(), 2);
    assert_eq!(
        violations("let m: HashMap<u32, u32> = HashMap::new();").len(),
        1
    );
    assert!(violations("// HashMap would leak order").is_empty());
    assert!(violations("let yewish = 1;").is_empty());
}

/// Every Rust file under `src/`, by its path under `src/` (`engine/mod.rs`).
fn sources() -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files
        .into_iter()
        .map(|file| {
            let name = file.strip_prefix(&root).expect("under src");
            let name = name.to_string_lossy().replace('\\', "/");
            (
                name,
                std::fs::read_to_string(&file).expect("readable source"),
            )
        })
        .collect()
}

fn describe(circle: &[String], edges: &BTreeMap<(String, String), BTreeSet<String>>) -> String {
    let mut lines = vec![format!("circle among {}:", circle.join(", "))];
    for ((from, to), names) in edges {
        if circle.contains(from) && circle.contains(to) {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            lines.push(format!("  {from} -> {to} ({})", names.join(", ")));
        }
    }
    lines.join("\n")
}

/// The engine's files form layers: no two of them import each other, directly or around a
/// ring. Circles elsewhere in `src/` are printed (other folders are being fixed) but only the
/// engine's fail the test.
#[test]
fn no_file_is_in_an_import_circle() {
    let graph = imports::Graph::build(&sources());
    assert!(graph.files.len() > 40, "expected the crate's files");
    let edges = graph.edges();
    assert!(
        edges.len() > 100,
        "the checker found almost no imports: it no longer reads the code"
    );
    let circles: Vec<String> = imports::circles(&edges)
        .iter()
        .map(|circle| describe(circle, &edges))
        .collect();
    assert!(
        circles.is_empty(),
        "no two files may import each other, directly or round a circle (the vocabulary sits \
         below what uses it):\n{}",
        circles.join("\n")
    );
}

fn graph_of(files: &[(&str, &str)]) -> imports::Graph {
    let files = files
        .iter()
        .map(|(name, source)| (name.to_string(), source.to_string()))
        .collect();
    imports::Graph::build(&files)
}

#[test]
fn the_circle_checker_catches_what_it_should() {
    // Two files naming each other's items: one through `use`, one through a path in code.
    let ring = graph_of(&[
        ("lib.rs", "mod a; mod b;"),
        ("a.rs", "use crate::b::B; pub struct A;"),
        ("b.rs", "pub struct B; fn f() { let _ = crate::a::A; }"),
    ]);
    assert_eq!(
        imports::circles(&ring.edges()),
        vec![vec!["a.rs".to_owned(), "b.rs".to_owned()]]
    );
    // A re-export is followed to the file that defines the item, here around three files.
    let through_reexport = graph_of(&[
        ("lib.rs", "mod e;"),
        ("e/mod.rs", "mod a; mod b; mod c; pub use a::A;"),
        ("e/a.rs", "use super::b::B; pub struct A;"),
        ("e/b.rs", "use super::c::C; pub struct B;"),
        ("e/c.rs", "use super::A; pub enum C {}"),
    ]);
    assert_eq!(imports::circles(&through_reexport.edges()).len(), 1);
    // A child using its parent's `Simulation` while the parent re-exports the child's types is
    // not a circle; nor is a name in a comment or a string, or a module without an item.
    let fine = graph_of(&[
        ("lib.rs", "mod e;"),
        ("e/mod.rs", "mod a; mod b; pub use a::A; pub struct Simulation;"),
        ("e/a.rs", "use super::Simulation; pub struct A; // super::b::B\nfn f() { let _ = \"super::b::B\"; }"),
        ("e/b.rs", "use super::a; pub struct B; fn g() -> a::A { a::A }"),
    ]);
    assert!(imports::circles(&fine.edges()).is_empty());
    assert_eq!(
        fine.edges().len(),
        1,
        "b names a::A once: {:?}",
        fine.edges()
    );
}

/// The two sides of the engine's actor boundary. The controller (metadata every client may
/// ask for), the dispatch and the auditor stand on neither side.
const CLIENT_SIDE: &[&str] = &["engine/client/", "engine/group/member/"];
const BROKER_SIDE: &[&str] = &["engine/broker/", "engine/group/coordinator/"];

/// What each side must not read of the other's state inside `impl Simulation`: the fields
/// that hold it and the getters that hand it out.
const BROKER_STATE: &[&str] = &[
    "self.brokers",
    "self.broker",
    "self.broker_state",
    "self.leader_log",
    "self.replica_log",
    "self.groups",
    "self.group",
];
const CLIENT_STATE: &[&str] = &[
    "self.producers",
    "self.producer",
    "self.consumers",
    "self.consumer",
];

/// What client code must not read either: the controller's metadata and its answers, which
/// clients learn only from Metadata responses (their own cache, `engine/client/metadata.rs`).
const CONTROLLER_STATE: &[&str] = &[
    "self.topics",
    "self.topic",
    "self.partition_meta",
    "self.partition",
    "self.all_partitions",
    "self.coordinator_for",
];

type Forbidden = &'static [&'static [&'static str]];

fn side_of(file: &str) -> Option<(&'static str, Forbidden)> {
    if CLIENT_SIDE.iter().any(|dir| file.starts_with(dir)) {
        Some(("client", &[BROKER_STATE, CONTROLLER_STATE]))
    } else if BROKER_SIDE.iter().any(|dir| file.starts_with(dir)) {
        Some(("broker", &[CLIENT_STATE]))
    } else {
        None
    }
}

/// The code of every `impl Simulation { ... }` block, with its first line number.
fn simulation_impls(code: &str) -> Vec<(usize, &str)> {
    let mut blocks = Vec::new();
    let mut from = 0;
    while let Some(found) = code[from..].find("impl Simulation") {
        let start = from + found;
        let Some(open) = code[start..].find('{').map(|o| start + o) else {
            break;
        };
        if !code[start + "impl Simulation".len()..open]
            .trim()
            .is_empty()
        {
            from = open;
            continue;
        }
        let mut depth = 0;
        let mut end = code.len();
        for (offset, c) in code[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + offset;
                        break;
                    }
                }
                _ => {}
            }
        }
        blocks.push((code[..start].lines().count().max(1), &code[open..end]));
        from = end;
    }
    blocks
}

/// Reads of the other side's state in one file's `impl Simulation` blocks.
fn state_crossings(file: &str, source: &str) -> Vec<String> {
    let Some((side, forbidden)) = side_of(file) else {
        return Vec::new();
    };
    let code = imports::strip(source);
    let mut found = Vec::new();
    for (first_line, block) in simulation_impls(&code) {
        for (number, line) in block.lines().enumerate() {
            for name in forbidden.iter().copied().flatten() {
                let hit = line.match_indices(name).any(|(at, _)| {
                    let after = line[at + name.len()..].chars().next();
                    !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
                });
                if hit {
                    found.push(format!(
                        "{file}:{}: {side} code reads `{name}`",
                        first_line + number
                    ));
                }
            }
        }
    }
    found
}

/// Imports across the boundary: a client-side file naming an item of a broker-side file, or
/// the other way round.
fn imports_across(edges: &BTreeMap<(String, String), BTreeSet<String>>) -> Vec<String> {
    let side = |file: &str| side_of(file).map(|(side, _)| side);
    edges
        .iter()
        .filter(|((from, to), _)| {
            side(from).is_some() && side(to).is_some_and(|s| Some(s) != side(from))
        })
        .map(|((from, to), names)| format!("{from} imports {to}: {names:?}"))
        .collect()
}

#[test]
fn clients_and_brokers_never_read_each_others_state() {
    let sources = sources();
    let mut report: Vec<String> = sources
        .iter()
        .flat_map(|(file, source)| state_crossings(file, source))
        .collect();
    report.extend(imports_across(&imports::Graph::build(&sources).edges()));
    let sided = sources.keys().filter(|f| side_of(f).is_some()).count();
    assert!(
        sided >= 6,
        "expected the actors' folders, found {sided} files"
    );
    assert!(
        report.is_empty(),
        "an actor reached across the boundary:\n{}",
        report.join("\n")
    );
}

#[test]
fn the_boundary_checker_catches_what_it_should() {
    let reads_brokers = "impl Simulation {\n fn f(&self) {\n let b = self.brokers.len();\n }\n}";
    assert_eq!(
        state_crossings("engine/client/producer/sender.rs", reads_brokers),
        vec!["engine/client/producer/sender.rs:3: client code reads `self.brokers`"]
    );
    assert_eq!(
        state_crossings("engine/group/member/join.rs", reads_brokers).len(),
        1
    );
    assert!(state_crossings("engine/controller/mod.rs", reads_brokers).is_empty());
    // A client finds leaders and coordinators in its own metadata, never the controller's.
    let reads_metadata = "impl Simulation {\n fn f(&self) {\n self.partition_meta(tp);\n self.coordinator_for(g);\n self.topics.get(t);\n }\n}";
    assert_eq!(
        state_crossings("engine/client/producer/sender.rs", reads_metadata).len(),
        3
    );
    assert!(state_crossings("engine/controller/image.rs", reads_metadata).is_empty());
    let reads_consumers = "impl Simulation { fn g(&self) { self.consumer(id); } }";
    assert_eq!(
        state_crossings("engine/broker/fetch.rs", reads_consumers).len(),
        1
    );
    // A replica's own `producers` (its idempotence table) is broker state, and a comment or a
    // longer name is no read.
    let own_state = "impl Replica { fn h(&mut self) { self.producers.clear(); } }\n\
        impl Simulation { fn k(&self) { // self.consumers\n self.consumers_seen; } }";
    assert!(state_crossings("engine/broker/mod.rs", own_state).is_empty());
    let graph = graph_of(&[
        ("lib.rs", "mod engine;"),
        ("engine/mod.rs", "mod broker; mod client;"),
        ("engine/broker/mod.rs", "pub struct BrokerState;"),
        (
            "engine/client/mod.rs",
            "use crate::engine::broker::BrokerState;",
        ),
    ]);
    assert_eq!(imports_across(&graph.edges()).len(), 1);
}

/// The engine's vocabulary: the files every actor speaks in. They sit at the bottom of the
/// engine and name nothing an actor defines, so no actor's change can ripple into them.
const VOCABULARY: &[&str] = &[
    "engine/command.rs",
    "engine/config.rs",
    "engine/errors.rs",
    "engine/event.rs",
    "engine/ids.rs",
    "engine/limits.rs",
    "engine/murmur2.rs",
    "engine/network.rs",
    "engine/phases.rs",
    "engine/record.rs",
    "engine/rng.rs",
    "engine/time.rs",
    "engine/timer.rs",
];
const ACTORS: &[&str] = &[
    "engine/broker/",
    "engine/client/",
    "engine/controller/",
    "engine/group/",
];

fn vocabulary_naming_actors(edges: &BTreeMap<(String, String), BTreeSet<String>>) -> Vec<String> {
    edges
        .iter()
        .filter(|((from, to), _)| {
            VOCABULARY.contains(&from.as_str()) && ACTORS.iter().any(|dir| to.starts_with(dir))
        })
        .map(|((from, to), names)| format!("{from} names {names:?} from {to}"))
        .collect()
}

#[test]
fn the_vocabulary_names_no_actor() {
    let sources = sources();
    for file in VOCABULARY {
        assert!(
            sources.contains_key(*file),
            "{file} is gone: update VOCABULARY"
        );
    }
    let report = vocabulary_naming_actors(&imports::Graph::build(&sources).edges());
    assert!(
        report.is_empty(),
        "the vocabulary must sit below the actors:\n{}",
        report.join("\n")
    );
    // The rule catches what it should: an event naming a phase kept by an actor.
    let graph = graph_of(&[
        ("lib.rs", "mod engine;"),
        ("engine/mod.rs", "mod event; mod group;"),
        ("engine/group/mod.rs", "pub enum GroupPhase { Stable }"),
        ("engine/event.rs", "use super::group::GroupPhase;"),
    ]);
    assert_eq!(vocabulary_naming_actors(&graph.edges()).len(), 1);
}
