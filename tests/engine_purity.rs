//! The broker core stays pure: nothing under `src/engine/` may reach the browser, a wall clock
//! or OS randomness, or iterate a hash container (whose order would leak into the output).

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
