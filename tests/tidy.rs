//! House rules that hold for the whole repository, checked the way rust-analyzer's tidy tests
//! check theirs: by reading the files.
//!
//! - The repository stands alone: no tracked file names the folder that sat beside it while it
//!   was being built (the `shared` folder one level up), because a clone from a public host
//!   has nothing beside it.
//!
//! Each rule has a self-test that feeds it a violation, so a checker that silently stopped
//! checking would fail too.

use std::path::{Path, PathBuf};

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
