//! House rules that hold for the whole repository, checked the way rust-analyzer's tidy tests
//! check theirs: by reading the files.
//!
//! - The repository stands alone: no tracked file names the folder that sat beside it while it
//!   was being built (the `shared` folder one level up), because a clone from a public host
//!   has nothing beside it.
//! - Source files stay small enough to read: none over [`FILE_LINES_MAX`] lines.
//! - Functions stay short enough to read: none over [`FUNCTION_LINES_MAX`] lines, data literals
//!   aside.
//! - Maps and sets are sorted vectors (`VecMap`, `VecSet`) unless they grow with a run: the
//!   B-trees allowed are listed, each with its reason beside its declaration.
//!
//! Each rule has a self-test that feeds it a violation, so a checker that silently stopped
//! checking would fail too.

use std::path::{Path, PathBuf};

/// The longest a source file may be. Past this, a file mixes things that have seams.
const FILE_LINES_MAX: usize = 800;

/// Built from pieces so that this file does not name the path it forbids.
fn outside_path() -> String {
    ["..", "shared"].join("/")
}

/// Folders that are built, installed or generated, never written by hand.
const SKIPPED_DIRS: &[&str] = &["target", "node_modules", "dist", ".git"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file of the repository a person wrote: the tracked files when git can say, else every
/// file outside the generated folders (a source archive has no `.git`).
fn repository_files() -> Vec<PathBuf> {
    let listed = std::process::Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(root())
        .output();
    if let Ok(output) = listed {
        if output.status.success() && !output.stdout.is_empty() {
            return output
                .stdout
                .split(|&b| b == 0)
                .filter(|name| !name.is_empty())
                .map(|name| root().join(String::from_utf8_lossy(name).as_ref()))
                .filter(|path| path.is_file())
                .collect();
        }
    }
    let mut files = Vec::new();
    walk(&root(), &mut files);
    files
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if !SKIPPED_DIRS.iter().any(|skip| name == *skip) {
                walk(&path, out);
            }
        } else {
            out.push(path);
        }
    }
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Lines (1-based) of `text` that name the outside folder.
fn outside_references(text: &str) -> Vec<usize> {
    let needle = outside_path();
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.contains(&needle))
        .map(|(index, _)| index + 1)
        .collect()
}

#[test]
fn no_file_reads_or_names_the_folder_beside_the_repository() {
    let mut found = Vec::new();
    for path in repository_files() {
        // Binary files (images, the lock of a package manager) are not read as text.
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for line in outside_references(&text) {
            found.push(format!("{}:{line}", relative(&path)));
        }
    }
    assert!(
        found.is_empty(),
        "these lines name {}, which a clone of the repository does not have; keep what they \
         need inside the repository (tests/data/ for test data):\n  {}",
        outside_path(),
        found.join("\n  ")
    );
}

#[test]
fn the_outside_path_checker_catches_what_it_should() {
    let text = format!("fine\nlet p = \"{}/data/x.json\";\n", outside_path());
    assert_eq!(outside_references(&text), vec![2]);
    assert!(outside_references("let p = \"tests/data/x.json\";").is_empty());
}

/// Source files over the limit, with their line counts.
fn long_files(files: &[(String, usize)]) -> Vec<String> {
    files
        .iter()
        .filter(|(_, lines)| *lines > FILE_LINES_MAX)
        .map(|(name, lines)| format!("{name} ({lines} lines)"))
        .collect()
}

#[test]
fn no_source_file_is_over_the_line_limit() {
    let mut sources = Vec::new();
    for dir in ["src", "tests", "benches"] {
        walk(&root().join(dir), &mut sources);
    }
    let counted: Vec<(String, usize)> = sources
        .iter()
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("a source file is UTF-8");
            (relative(path), text.lines().count())
        })
        .collect();
    assert!(counted.len() > 50, "the walk found the sources");
    let long = long_files(&counted);
    assert!(
        long.is_empty(),
        "split these files along their seams (at most {FILE_LINES_MAX} lines):\n  {}",
        long.join("\n  ")
    );
}

#[test]
fn the_line_limit_checker_catches_what_it_should() {
    let files = vec![
        ("small.rs".to_string(), FILE_LINES_MAX),
        ("big.rs".to_string(), FILE_LINES_MAX + 1),
    ];
    assert_eq!(
        long_files(&files),
        vec![format!("big.rs ({} lines)", FILE_LINES_MAX + 1)]
    );
}

/// The longest a function may be, in lines from its `fn` to its closing brace. Past this, a
/// function does several things that could each have a name.
const FUNCTION_LINES_MAX: usize = 100;

/// Functions allowed to be longer because they are data, not logic: each builds a literal
/// (a pipeline's stages, a table) that reads best in one piece. The test fails if one of them
/// shrinks under the limit or disappears, so the list cannot rot.
const DATA_LITERALS: &[(&str, &str)] = &[
    ("src/pipeline/builtin/codementor.rs", "codementor_with"),
    ("src/pipeline/builtin/coupang_eats.rs", "coupang_eats"),
    ("src/pipeline/builtin/netflix.rs", "netflix"),
    ("src/pipeline/builtin/uber.rs", "uber"),
    // One sentence per event kind, as a table: one match keeps the compiler's check that every
    // kind of event has its sentence.
    ("src/engine/event.rs", "fmt"),
    // Generated from the tour's scenario files (tests/sourcegen.rs).
    ("src/scenario/compiled.rs", "first_example"),
    ("src/scenario/compiled.rs", "first_example_one_partition"),
    // One scenario file that uses every timeline action, and the commands it must give.
    (
        "src/scenario/file/tests.rs",
        "every_timeline_action_is_understood",
    ),
];

/// Removes comments and the contents of string and character literals (keeping their quotes
/// and every newline), so that braces inside them do not count.
fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                if chars[i] == '\n' {
                    out.push('\n');
                }
                i += 1;
            }
            i += 2;
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !prev_is_ident(&chars, i)
        {
            // A raw string: r"..." or r#"..."# with any number of hashes.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (0..hashes).all(|k| chars.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                if chars[j] == '\n' {
                    out.push('\n');
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                if chars.get(i) == Some(&'\n') {
                    out.push('\n');
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' {
            // A character literal ('{', '\n', '\u{7b}'), or a lifetime ('a), which is kept.
            if next == Some('\\') {
                let mut j = i + 2;
                while j < chars.len() && chars[j] != '\'' {
                    j += 1;
                }
                i = j + 1;
                out.push_str("' '");
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
                out.push_str("' '");
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn prev_is_ident(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// The name of the function a line declares, if it declares one with a body.
fn declared_function(line: &str) -> Option<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "fn")?;
    let before_ok = words[..at].iter().all(|w| {
        matches!(
            *w,
            "pub" | "const" | "async" | "unsafe" | "extern" | "default"
        ) || w.starts_with("pub(")
            || w.starts_with("\"")
    });
    if !before_ok {
        return None;
    }
    let name: String = words
        .get(at + 1)?
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// Every function in `source` with its name, first line (1-based) and length in lines.
fn function_lengths(source: &str) -> Vec<(String, usize, usize)> {
    let code = code_only(source);
    let lines: Vec<&str> = code.lines().collect();
    let mut found = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let Some(name) = declared_function(line) else {
            continue;
        };
        // Find the body's opening brace (a declaration ending in `;` has none), then its match.
        let mut depth = 0usize;
        let mut opened = false;
        let mut end = None;
        'lines: for (offset, text) in lines[start..].iter().enumerate() {
            for c in text.chars() {
                match c {
                    ';' if !opened && depth == 0 => break 'lines,
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => {
                        depth = depth.saturating_sub(1);
                        if opened && depth == 0 {
                            end = Some(start + offset);
                            break 'lines;
                        }
                    }
                    _ => {}
                }
            }
        }
        if let Some(end) = end {
            found.push((name, start + 1, end - start + 1));
        }
    }
    found
}

#[test]
fn no_function_is_over_the_line_limit() {
    let mut sources = Vec::new();
    walk(&root().join("src"), &mut sources);
    let mut long = Vec::new();
    let mut literals_seen = Vec::new();
    for path in sources
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
    {
        let name = relative(path);
        let text = std::fs::read_to_string(path).expect("a source file is UTF-8");
        for (function, line, length) in function_lengths(&text) {
            if length <= FUNCTION_LINES_MAX {
                continue;
            }
            if DATA_LITERALS.contains(&(name.as_str(), function.as_str())) {
                literals_seen.push((name.clone(), function));
            } else {
                long.push(format!("{name}:{line} {function} ({length} lines)"));
            }
        }
    }
    assert!(
        long.is_empty(),
        "split these functions (at most {FUNCTION_LINES_MAX} lines, data literals aside):\n  {}",
        long.join("\n  ")
    );
    for (file, function) in DATA_LITERALS {
        assert!(
            literals_seen
                .iter()
                .any(|(f, n)| f == file && n == function),
            "{file} {function} is listed as a long data literal but is not one any more: \
             take it off DATA_LITERALS"
        );
    }
}

#[test]
fn the_function_length_checker_catches_what_it_should() {
    let body = "    let x = 1;\n".repeat(FUNCTION_LINES_MAX);
    let source = format!(
        "fn short() {{\n    let s = \"}}\"; let c = '{{';\n}}\n\npub(crate) fn long() {{\n{body}}}\nfn decl();\n"
    );
    let lengths = function_lengths(&source);
    assert_eq!(lengths[0], ("short".to_string(), 1, 3));
    assert_eq!(lengths[1], ("long".to_string(), 5, FUNCTION_LINES_MAX + 2));
    assert_eq!(
        lengths.len(),
        2,
        "a declaration without a body is not a function here"
    );
}

/// The B-trees the shipped code may declare, each a map that grows with a run and loses
/// entries from anywhere in it (where a sorted vector would move every later entry each
/// time). Everything else is a `VecMap`, `VecSet`, `DequeMap` or `IdSlots` (`src/engine/sorted/`): each
/// B-tree key and value type adds several kilobytes of wasm to every page that runs the engine.
const B_TREES_ALLOWED: &[(&str, &str)] = &[
    (
        "src/pipeline/run/mod.rs",
        "records: BTreeMap<RecordId, Trace>",
    ),
    (
        "src/pipeline/run/timers.rs",
        "timers: BTreeMap<(SimTime, u64), Action>",
    ),
];

/// Lines (1-based) of `source` that name a B-tree type outside comments and the allowed
/// declarations (`use` lines and `BTreeMap::new()` are not declarations of a new type).
fn unexpected_b_trees(file: &str, source: &str) -> Vec<usize> {
    let allowed: Vec<&str> = B_TREES_ALLOWED
        .iter()
        .filter(|(path, _)| *path == file)
        .map(|(_, declaration)| *declaration)
        .collect();
    source
        .lines()
        .enumerate()
        .filter(|(_, line)| {
            let code = line.split("//").next().unwrap_or("");
            let names_a_tree = code.contains("BTreeMap<") || code.contains("BTreeSet");
            names_a_tree && !allowed.iter().any(|declaration| code.contains(declaration))
        })
        .map(|(index, _)| index + 1)
        .collect()
}

#[test]
fn b_trees_are_kept_for_the_maps_that_grow_with_a_run() {
    let mut found = Vec::new();
    for path in repository_files() {
        let file = relative(&path);
        // The native command line never ships as wasm; the sorted module's own tests compare
        // against the B-trees.
        let shipped = file.starts_with("src/") && file.ends_with(".rs");
        if !shipped || file.starts_with("src/bin/") || file.starts_with("src/engine/sorted/") {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap_or_default();
        for line in unexpected_b_trees(&file, &source) {
            found.push(format!("{file}:{line}"));
        }
    }
    assert!(
        found.is_empty(),
        "B-trees outside B_TREES_ALLOWED (use VecMap or VecSet from crate::engine::sorted, or \
         add the declaration with the reason it grows): {found:?}"
    );
}

#[test]
fn the_b_tree_checker_catches_what_it_should() {
    let source = "use std::collections::BTreeMap;\nstruct S {\n    timers: BTreeMap<(SimTime, u64), Action>,\n    names: BTreeMap<String, u32>,\n    // a BTreeSet<u8> in a comment\n    seen: BTreeSet<u8>,\n}\n";
    assert_eq!(
        unexpected_b_trees("src/pipeline/run/timers.rs", source),
        vec![4, 6]
    );
    assert_eq!(unexpected_b_trees("src/other.rs", source), vec![3, 4, 6]);
}
