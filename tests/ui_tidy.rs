//! The front end keeps its two kinds of files apart (the rule is stated in `src/ui/mod.rs`):
//! pure files, told by their names, never import the browser crates, so their logic stays
//! testable natively; and no UI file takes the engine's wire messages apart, so a protocol
//! change touches the engine alone. Also no UI file grows over the house limit of 800 lines.

use std::path::{Path, PathBuf};

/// Crates that only components may use.
const BROWSER_CRATES: &[&str] = &[
    "yew",
    "web_sys",
    "gloo",
    "wasm_bindgen",
    "js_sys",
    "plotters",
    "plotters_canvas",
];

/// File names that are pure wherever they are.
const PURE_FILE_NAMES: &[&str] = &[
    "state.rs",
    "session.rs",
    "view.rs",
    "book.rs",
    "watch.rs",
    "log.rs",
    "metrics.rs",
    "layout.rs",
    "spec.rs",
    "palette.rs",
    "play_clock.rs",
    "tests.rs",
    "test_support.rs",
];

/// Folders whose every file is pure.
const PURE_FOLDERS: &[&str] = &["view", "text"];

/// The engine's wire messages, which the UI reads only through their methods.
const WIRE_PATTERNS: &[&str] = &[
    "Message::",
    "ReplicaFetchResult",
    "FetchedPartition",
    "ProduceBatch",
    "GroupRequest::",
    "GroupResponse::",
];

const MAX_LINES: usize = 800;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ui exists") {
        let path = entry.expect("readable entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Whether the rule says `path` (relative to `src/ui`) is a pure file.
fn is_pure(path: &Path) -> bool {
    let named_pure = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|name| PURE_FILE_NAMES.contains(&name));
    let in_pure_folder = path
        .parent()
        .into_iter()
        .flat_map(Path::components)
        .any(|c| PURE_FOLDERS.contains(&c.as_os_str().to_str().unwrap_or("")));
    named_pure || in_pure_folder
}

/// Where `name` occurs in code as a whole word (or path start), ignoring comments.
fn uses(source: &str, names: &[&'static str]) -> Vec<(usize, &'static str)> {
    let mut found = Vec::new();
    for (number, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        for &name in names {
            let hit = code.match_indices(name).any(|(at, _)| {
                let before = code[..at].chars().next_back();
                let after = code[at + name.len()..].chars().next();
                let is_ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
                !is_ident(before) && (name.ends_with(':') || !is_ident(after))
            });
            if hit {
                found.push((number + 1, name));
            }
        }
    }
    found
}

fn ui_files() -> (PathBuf, Vec<PathBuf>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files.sort();
    assert!(files.len() > 40, "expected the UI's modules under {root:?}");
    (root, files)
}

#[test]
fn pure_files_import_no_browser_crate() {
    let (root, files) = ui_files();
    let mut report = Vec::new();
    let mut pure_count = 0;
    for file in files {
        let relative = file.strip_prefix(&root).expect("under src/ui");
        if !is_pure(relative) {
            continue;
        }
        pure_count += 1;
        let source = std::fs::read_to_string(&file).expect("readable source");
        for (line, name) in uses(&source, BROWSER_CRATES) {
            report.push(format!("src/ui/{}:{line}: `{name}`", relative.display()));
        }
    }
    assert!(pure_count > 30, "the rule should cover the pure files");
    assert!(
        report.is_empty(),
        "pure UI files (src/ui/mod.rs says which) must not import browser crates:\n{}",
        report.join("\n")
    );
}

#[test]
fn no_ui_file_takes_wire_messages_apart() {
    let (root, files) = ui_files();
    let mut report = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(&file).expect("readable source");
        for (line, name) in uses(&source, WIRE_PATTERNS) {
            let relative = file.strip_prefix(&root).expect("under src/ui");
            report.push(format!("src/ui/{}:{line}: `{name}`", relative.display()));
        }
    }
    assert!(
        report.is_empty(),
        "the UI reads messages through Message's and InFlight's methods, not their fields:\n{}",
        report.join("\n")
    );
}

#[test]
fn no_ui_file_is_over_the_line_limit() {
    let (root, files) = ui_files();
    let long: Vec<String> = files
        .iter()
        .filter_map(|file| {
            let lines = std::fs::read_to_string(file)
                .expect("readable")
                .lines()
                .count();
            let relative = file.strip_prefix(&root).expect("under src/ui");
            (lines > MAX_LINES).then(|| format!("src/ui/{}: {lines} lines", relative.display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "split these along their seams:\n{}",
        long.join("\n")
    );
}

/// The files that may name the chart painter's module or plotters: the painter itself, and
/// the page's side of it (whose `install_here` is for the browser tests only). Anything else
/// that did would put plotters back into a page's bundle.
const PAINTER_FILES: &[&str] = &["widgets/chart/paint.rs", "widgets/chart/painter.rs"];

#[test]
fn only_the_painter_names_plotters() {
    let (root, files) = ui_files();
    let mut report = Vec::new();
    for file in files {
        let relative = file.strip_prefix(&root).expect("under src/ui");
        if PAINTER_FILES
            .iter()
            .any(|allowed| relative == Path::new(allowed))
        {
            continue;
        }
        let source = std::fs::read_to_string(&file).expect("readable source");
        for (line, name) in uses(&source, &["plotters", "plotters_canvas", "paint::"]) {
            report.push(format!("src/ui/{}:{line}: `{name}`", relative.display()));
        }
    }
    assert!(
        report.is_empty(),
        "pages have their charts painted through widgets::chart::painter, so plotters stays in \
         the painter's bundle:\n{}",
        report.join("\n")
    );
}

#[test]
fn the_checker_catches_what_it_should() {
    // The naming rule.
    assert!(is_pure(Path::new("sandbox/state.rs")));
    assert!(is_pure(Path::new("sandbox/cluster/view/links.rs")));
    assert!(is_pure(Path::new("sandbox/events/text/sentence.rs")));
    assert!(!is_pure(Path::new("sandbox/cluster/svg.rs")));
    assert!(!is_pure(Path::new("tour/page.rs")));
    // A pure file importing Yew is caught; a comment or a longer name is not.
    assert_eq!(uses("use yew::prelude::*;", BROWSER_CRATES).len(), 1);
    assert_eq!(
        uses("let w = gloo::utils::window();", BROWSER_CRATES).len(),
        1
    );
    assert!(uses("// no yew here", BROWSER_CRATES).is_empty());
    assert!(uses("let yewish = 1;", BROWSER_CRATES).is_empty());
    // Taking a message apart is caught; asking it is not.
    assert_eq!(
        uses("Message::Produce { batches, .. } => 1,", WIRE_PATTERNS).len(),
        1
    );
    assert!(uses("flight.message.record_count()", WIRE_PATTERNS).is_empty());
    assert!(uses("MessageKind::Produce", WIRE_PATTERNS).is_empty());
}
