//! The import graph between source files, for the circle and actor-boundary rules of
//! `tests/engine_purity.rs`.
//!
//! File A imports file B when A names an item defined in B, through a `use` or a path in code;
//! a re-export is followed to the file that defines the item. A module alone is not an item, so
//! `use super::assignor;` makes no edge until something inside it is named. Comments and string
//! literals are ignored. Glob imports are followed when a name is looked up through them.
//!
//! This is a reader for this crate's own style, not a Rust parser: it knows `mod`, `use`, item
//! keywords and `a::b::c` paths, and leaves out what cannot name another file (macros' bodies
//! are read as code, generics and `<T as Trait>::` paths are skipped).

use std::collections::{BTreeMap, BTreeSet};

/// A module: its crate (the crate root's path) and its path inside the crate.
type ModuleKey = (String, Vec<String>);

#[derive(Default)]
struct Module {
    /// The file its body is in.
    file: String,
    children: BTreeSet<String>,
    items: BTreeSet<String>,
    /// `use` bindings: the name and the path it stands for.
    bindings: BTreeMap<String, Vec<String>>,
    globs: Vec<Vec<String>>,
}

/// A path named in a file, and the module it is named from.
struct Mention {
    file: String,
    module: ModuleKey,
    path: Vec<String>,
}

#[derive(Default)]
pub struct Graph {
    modules: BTreeMap<ModuleKey, Module>,
    mentions: Vec<Mention>,
    /// Every file, with its module.
    pub files: BTreeMap<String, ModuleKey>,
}

/// Lookups under way: a module and the path looked up from it.
type Seen = BTreeSet<(ModuleKey, Vec<String>)>;

/// Where a path leads.
enum Target {
    Module(ModuleKey),
    Item(String),
}

/// The crate and module of a file under `src/`, by Cargo's and rustc's layout rules.
fn module_of(file: &str) -> ModuleKey {
    let roots = [
        "main.rs",
        "web_sandbox.rs",
        "web_pipelines.rs",
        "bin/kplay.rs",
    ];
    if roots.contains(&file) {
        return (file.to_owned(), Vec::new());
    }
    let (krate, rest) = match file.strip_prefix("bin/kplay/") {
        Some(rest) => ("bin/kplay.rs", rest),
        None if file == "lib.rs" => return ("lib.rs".to_owned(), Vec::new()),
        None => ("lib.rs", file),
    };
    let rest = rest.strip_suffix(".rs").expect("a Rust file");
    let mut path: Vec<String> = rest.split('/').map(str::to_owned).collect();
    if path.last().is_some_and(|last| last == "mod") {
        path.pop();
    }
    (krate.to_owned(), path)
}

/// The source with comments, strings and character literals blanked (newlines kept).
pub fn strip(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    let blank = |out: &mut String, c: char| out.push(if c == '\n' { '\n' } else { ' ' });
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, chars[i]);
                    i += 1;
                }
            }
        } else if let Some(hashes) = raw_string_start(&chars, i) {
            // r"...", r#"..."#, br"...": ends at a quote followed by as many hashes.
            let mut j = i;
            while chars[j] != '"' {
                j += 1;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (0..hashes).all(|h| chars.get(j + 1 + h) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                blank(&mut out, chars[j]);
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
                if let Some(&c) = chars.get(i) {
                    blank(&mut out, c);
                }
                i += 1;
            }
            out.push_str("\"\"");
            i += 1;
        } else if c == '\'' && next == Some('\\') {
            i += 2;
            while i < chars.len() && chars[i] != '\'' {
                i += 1;
            }
            out.push_str("' '");
            i += 1;
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            out.push_str("' '");
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// If a raw string starts at `i` (and is not the tail of an identifier), its number of hashes.
fn raw_string_start(chars: &[char], i: usize) -> Option<usize> {
    let before = i.checked_sub(1).map(|b| chars[b]);
    if before.is_some_and(|b| b.is_alphanumeric() || b == '_') {
        return None;
    }
    let mut j = i;
    if chars[j] == 'b' {
        j += 1;
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let mut hashes = 0;
    while chars.get(j) == Some(&'#') {
        hashes += 1;
        j += 1;
    }
    (chars.get(j) == Some(&'"')).then_some(hashes)
}

/// Identifiers, `::` and single punctuation characters.
fn tokens(code: &str) -> Vec<String> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            out.push("::".to_owned());
            i += 2;
        } else {
            if !c.is_whitespace() {
                out.push(c.to_string());
            }
            i += 1;
        }
    }
    out
}

fn is_ident(token: &str) -> bool {
    token
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
}

const ITEM_KEYWORDS: &[&str] = &[
    "struct", "enum", "fn", "const", "static", "type", "trait", "union",
];

/// A path a `use` names, and the name it binds (`None` for a glob).
type UsePath = (Vec<String>, Option<String>);

/// Reads a `use` tree from `tokens[at..]` (after `use`) into full paths; returns them and the
/// index after the closing `;`.
fn use_tree(tokens: &[String], mut at: usize) -> (Vec<UsePath>, usize) {
    let mut found = Vec::new();
    let mut prefixes: Vec<Vec<String>> = vec![Vec::new()];
    let mut current: Vec<String> = Vec::new();
    let mut alias: Option<String> = None;
    let mut finish = |prefix: &[String], current: &mut Vec<String>, alias: &mut Option<String>| {
        if current.is_empty() {
            return;
        }
        let mut path = prefix.to_vec();
        if current.as_slice() == ["self"] {
            let name = alias.take().or_else(|| path.last().cloned());
            found.push((path, name));
        } else if current.last().is_some_and(|l| l == "*") {
            current.pop();
            path.append(current);
            found.push((path, None));
        } else {
            path.append(current);
            let name = alias.take().or_else(|| path.last().cloned());
            found.push((path, name));
        }
        current.clear();
    };
    while at < tokens.len() {
        let token = tokens[at].as_str();
        match token {
            ";" => {
                finish(prefixes.last().unwrap(), &mut current, &mut alias);
                return (found, at + 1);
            }
            "{" => {
                let mut prefix = prefixes.last().unwrap().clone();
                prefix.append(&mut current);
                prefixes.push(prefix);
            }
            "}" => {
                finish(prefixes.last().unwrap(), &mut current, &mut alias);
                prefixes.pop();
                if prefixes.is_empty() {
                    prefixes.push(Vec::new());
                }
            }
            "," => finish(prefixes.last().unwrap(), &mut current, &mut alias),
            "::" => {}
            "as" => {
                alias = tokens.get(at + 1).cloned();
                at += 1;
            }
            "*" => current.push("*".to_owned()),
            _ if is_ident(token) => current.push(token.to_owned()),
            _ => {}
        }
        at += 1;
    }
    (found, at)
}

impl Graph {
    /// Reads every file: `files` maps a path under `src/` (`engine/mod.rs`) to its source.
    pub fn build(files: &BTreeMap<String, String>) -> Graph {
        let mut graph = Graph::default();
        for (file, source) in files {
            let module = module_of(file);
            graph.files.insert(file.clone(), module.clone());
            graph.read_file(file, module, &strip(source));
        }
        // Declared file modules: `mod x;` in a parent whose child has a file.
        let keys: Vec<ModuleKey> = graph.modules.keys().cloned().collect();
        for (krate, path) in keys {
            if let Some((name, parent)) = path.split_last() {
                let parent = graph.modules.entry((krate, parent.to_vec())).or_default();
                parent.children.insert(name.clone());
            }
        }
        graph
    }

    fn read_file(&mut self, file: &str, module: ModuleKey, code: &str) {
        let tokens = tokens(code);
        self.modules.entry(module.clone()).or_default().file = file.to_owned();
        // The scope stack: `Some(name)` for an inline module, `None` for any other block.
        let mut scopes: Vec<Option<String>> = Vec::new();
        let mut at = 0;
        while at < tokens.len() {
            let here = {
                let mut path = module.1.clone();
                path.extend(scopes.iter().flatten().cloned());
                (module.0.clone(), path)
            };
            let at_module_level = scopes.last().is_none_or(Option::is_some);
            let token = tokens[at].as_str();
            let next = tokens.get(at + 1).map(String::as_str);
            match token {
                "mod" if next.is_some_and(is_ident) => {
                    let name = next.unwrap().to_owned();
                    if tokens.get(at + 2).map(String::as_str) == Some("{") {
                        let mut path = here.1.clone();
                        path.push(name.clone());
                        let inline = self.modules.entry((here.0.clone(), path)).or_default();
                        inline.file = file.to_owned();
                        scopes.push(Some(name.clone()));
                        at += 2;
                    }
                    let module = self.modules.entry(here).or_default();
                    module.children.insert(name);
                    at += 1;
                }
                "use" => {
                    let (paths, after) = use_tree(&tokens, at + 1);
                    for (path, name) in paths {
                        let module = self.modules.entry(here.clone()).or_default();
                        match name {
                            Some(name) if name != "_" => {
                                module.bindings.insert(name, path.clone());
                            }
                            Some(_) => {}
                            None => module.globs.push(path.clone()),
                        }
                        let file = file.to_owned();
                        let module = here.clone();
                        self.mentions.push(Mention { file, module, path });
                    }
                    at = after;
                    continue;
                }
                "{" => scopes.push(None),
                "}" => {
                    scopes.pop();
                }
                _ if ITEM_KEYWORDS.contains(&token) && at_module_level => {
                    if let Some(name) = next.filter(|n| is_ident(n)) {
                        let module = self.modules.entry(here).or_default();
                        module.items.insert(name.to_owned());
                    }
                }
                _ if is_ident(token) && next == Some("::") => {
                    let after_path = at > 0 && tokens[at - 1] == "::";
                    if !after_path {
                        let mut path = vec![token.to_owned()];
                        let mut j = at + 1;
                        while tokens.get(j).map(String::as_str) == Some("::")
                            && tokens.get(j + 1).is_some_and(|t| is_ident(t))
                        {
                            path.push(tokens[j + 1].clone());
                            j += 2;
                        }
                        let file = file.to_owned();
                        self.mentions.push(Mention {
                            file,
                            module: here,
                            path,
                        });
                        at = j;
                        continue;
                    }
                }
                _ => {}
            }
            at += 1;
        }
    }

    /// Where `path`, named inside module `from`, leads. `seen` holds the lookups already under
    /// way, so re-exports and globs that point back at each other end the search.
    fn resolve(&self, from: &ModuleKey, path: &[String], seen: &mut Seen) -> Option<Target> {
        if path.is_empty() || !seen.insert((from.clone(), path.to_vec())) {
            return None;
        }
        let (first, rest) = path.split_first().unwrap();
        let start = match first.as_str() {
            "crate" => (from.0.clone(), Vec::new()),
            "kafka_playground" => ("lib.rs".to_owned(), Vec::new()),
            "self" => from.clone(),
            "super" => {
                let mut parent = from.1.clone();
                parent.pop()?;
                (from.0.clone(), parent)
            }
            _ => return self.walk(from, path, seen),
        };
        if rest.is_empty() {
            return Some(Target::Module(start));
        }
        if first == "super" || first == "self" {
            // `super::super::x` and `self::x` go on from there.
            if rest[0] == "super" {
                return self.resolve(&start, rest, seen);
            }
        }
        self.walk(&start, rest, seen)
    }

    /// Looks `path[0]` up among the names of `module`, then walks on.
    fn walk(&self, module: &ModuleKey, path: &[String], seen: &mut Seen) -> Option<Target> {
        if !seen.insert((module.clone(), [&["::".to_owned()], path].concat())) {
            return None;
        }
        let state = self.modules.get(module)?;
        let (name, rest) = path.split_first()?;
        let child = || {
            let mut child = module.1.clone();
            child.push(name.clone());
            (module.0.clone(), child)
        };
        let is_child = state.children.contains(name);
        let is_item = state.items.contains(name);
        if is_child && (!rest.is_empty() || !is_item) {
            return if rest.is_empty() {
                Some(Target::Module(child()))
            } else {
                self.walk(&child(), rest, seen)
            };
        }
        if is_item {
            return Some(Target::Item(state.file.clone()));
        }
        if let Some(bound) = state.bindings.get(name) {
            let target = self.resolve(module, bound, seen)?;
            return match (target, rest.is_empty()) {
                (Target::Module(next), false) => self.walk(&next, rest, seen),
                (target, _) => Some(target),
            };
        }
        for glob in &state.globs {
            if let Some(Target::Module(next)) = self.resolve(module, glob, seen) {
                if next != *module {
                    if let Some(found) = self.walk(&next, path, seen) {
                        return Some(found);
                    }
                }
            }
        }
        None
    }

    /// Whether `ancestor` is `file`'s own parent module (or a parent of it) in the same crate.
    fn is_ancestor(&self, ancestor: &str, file: &str) -> bool {
        let (Some(a), Some(f)) = (self.files.get(ancestor), self.files.get(file)) else {
            return false;
        };
        a.0 == f.0 && a.1.len() < f.1.len() && f.1.starts_with(&a.1)
    }

    /// Every edge between two files, with the paths that make it.
    pub fn edges(&self) -> BTreeMap<(String, String), BTreeSet<String>> {
        let mut edges: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
        let mut known: BTreeMap<(&ModuleKey, &[String]), Option<String>> = BTreeMap::new();
        for mention in &self.mentions {
            let key = (&mention.module, mention.path.as_slice());
            let target = known.entry(key).or_insert_with(|| {
                match self.resolve(&mention.module, &mention.path, &mut Seen::new()) {
                    Some(Target::Item(file)) => Some(file),
                    _ => None,
                }
            });
            let Some(to) = target.clone() else {
                continue;
            };
            let from = &mention.file;
            if *from == to || self.is_ancestor(&to, from) || self.is_ancestor(from, &to) {
                continue;
            }
            let key = (from.clone(), to);
            edges
                .entry(key)
                .or_default()
                .insert(mention.path.join("::"));
        }
        edges
    }
}

/// Every circle: the groups of files that reach each other (strongly connected components of
/// more than one file), each given as one closed walk through all its files' imports.
pub fn circles(edges: &BTreeMap<(String, String), BTreeSet<String>>) -> Vec<Vec<String>> {
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (from, to) in edges.keys() {
        next.entry(from).or_default().push(to);
        next.entry(to).or_default();
    }
    let reach = |start: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![start.to_owned()];
        while let Some(file) = stack.pop() {
            for &to in &next[file.as_str()] {
                if seen.insert(to.to_owned()) {
                    stack.push(to.to_owned());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&str, BTreeSet<String>> = next.keys().map(|&f| (f, reach(f))).collect();
    let mut done = BTreeSet::new();
    let mut found = Vec::new();
    for (&file, reached) in &reaches {
        if done.contains(file) || !reached.contains(file) {
            continue;
        }
        let group: Vec<String> = reached
            .iter()
            .filter(|other| reaches[other.as_str()].contains(file))
            .cloned()
            .collect();
        done.extend(group.iter().cloned());
        found.push(group);
    }
    found
}
