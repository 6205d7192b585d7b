//! Keeps `src/scenario/compiled.rs` equal to what the tour's scenario files say, and
//! `src/scenario/setups.packed` (every shipped file's setup, packed, which the sandbox reads
//! instead of the TOML) equal to what every shipped file says.
//!
//! The tour's scenes are scenario files like every other setup, but the tour's page does not
//! carry the TOML parser: it would make that page's download about a fifth larger for two fixed
//! files. So their setups are compiled to Rust here, from the files, the way rust-analyzer's
//! sourcegen tests keep generated code fresh: this test writes the file it expects, and fails
//! if that changed anything, so a stale file can never pass. Run `cargo test --test sourcegen`
//! once more after it rewrote the file, and commit the result.
//!
//! The Rust is made from each setup's `Debug` text, which already spells Rust's structs,
//! newtypes and field names; only strings, vectors and enum variants need their types spelled
//! out. A second test compares each compiled setup with the parsed file, value for value, so
//! a mistake in this translation fails too.

use kafka_playground::scenario::{compiled, packed, Setup, Shipped, SHIPPED};

/// The scenario files compiled for the tour, with the name of the function that returns each.
const COMPILED: [(&str, &str); 2] = [
    ("first-example", "first_example"),
    ("first-example-one-partition", "first_example_one_partition"),
];

/// Which enum a field's bare variant names belong to, since `Debug` prints `All`, not
/// `Acks::All`.
const ENUM_OF_FIELD: &[(&str, &str)] = &[
    ("command", "Command"),
    ("acks", "Acks"),
    ("cleanup_policy", "CleanupPolicy"),
    ("auto_offset_reset", "AutoOffsetReset"),
    ("partitioner", "KeylessPartitioner"),
    ("send_mode", "SendMode"),
    ("keys", "KeyPattern"),
    ("a", "Node"),
    ("b", "Node"),
];

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Ident(String),
    Text(String),
    Number(String),
    Punct(char),
}

/// Splits `Debug` text into identifiers, string literals (kept with their quotes and escapes,
/// which `Debug` writes as Rust does), numbers and punctuation.
fn tokens(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' {
            let start = i;
            i += 1;
            while chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push(Token::Text(chars[start..i].iter().collect()));
        } else if c.is_ascii_digit() || c == '-' {
            let start = i;
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                i += 1;
            }
            out.push(Token::Number(chars[start..i].iter().collect()));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Token::Ident(chars[start..i].iter().collect()));
        } else {
            out.push(Token::Punct(c));
            i += 1;
        }
    }
    out
}

struct Emitter {
    tokens: Vec<Token>,
    at: usize,
}

impl Emitter {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Token {
        self.at += 1;
        self.tokens[self.at - 1].clone()
    }

    fn expect(&mut self, punct: char) {
        assert_eq!(self.next(), Token::Punct(punct), "at token {}", self.at);
    }

    /// One value, as Rust. `enum_name` is the enum its bare variants belong to, if any.
    fn value(&mut self, enum_name: Option<&str>, depth: usize) -> String {
        match self.next() {
            Token::Text(text) => format!("{text}.into()"),
            Token::Number(number) => number,
            Token::Punct('[') => {
                let items = self.list(']', enum_name, depth);
                format!("vec![{items}]")
            }
            Token::Ident(ident) => self.named(ident, enum_name, depth),
            other => panic!("unexpected {other:?} at token {}", self.at),
        }
    }

    fn named(&mut self, ident: String, enum_name: Option<&str>, depth: usize) -> String {
        let is_keyword = matches!(ident.as_str(), "true" | "false" | "Some" | "None");
        // `AutoOffsetReset::None` is the one variant that shares a name with Option's.
        let path = match enum_name {
            Some(name) if !is_keyword || (ident == "None" && name == "AutoOffsetReset") => {
                format!("{name}::{ident}")
            }
            _ => ident.clone(),
        };
        match self.peek() {
            Some(Token::Punct('{')) => {
                self.next();
                let fields = self.fields(depth + 1);
                let indent = "    ".repeat(depth);
                format!("{path} {{\n{fields}{indent}}}")
            }
            Some(Token::Punct('(')) => {
                self.next();
                // Inside `Some(..)` the enum is still the field's.
                let inner = if ident == "Some" { enum_name } else { None };
                format!("{path}({})", self.list(')', inner, depth))
            }
            _ => path,
        }
    }

    fn list(&mut self, close: char, enum_name: Option<&str>, depth: usize) -> String {
        let mut items = Vec::new();
        while self.peek() != Some(&Token::Punct(close)) {
            items.push(self.value(enum_name, depth + 1));
            if self.peek() == Some(&Token::Punct(',')) {
                self.next();
            }
        }
        self.expect(close);
        if items.iter().any(|item| item.contains('\n')) {
            let indent = "    ".repeat(depth + 1);
            let body: String = items
                .iter()
                .map(|item| format!("\n{indent}{item},"))
                .collect();
            format!("{body}\n{}", "    ".repeat(depth))
        } else {
            items.join(", ")
        }
    }

    fn fields(&mut self, depth: usize) -> String {
        let indent = "    ".repeat(depth);
        let mut out = String::new();
        while self.peek() != Some(&Token::Punct('}')) {
            let Token::Ident(field) = self.next() else {
                panic!("a field name at token {}", self.at)
            };
            self.expect(':');
            let enum_name = ENUM_OF_FIELD
                .iter()
                .find(|(name, _)| *name == field)
                .map(|(_, enum_name)| *enum_name);
            let value = self.value(enum_name, depth);
            out.push_str(&format!("{indent}{field}: {value},\n"));
            if self.peek() == Some(&Token::Punct(',')) {
                self.next();
            }
        }
        self.expect('}');
        out
    }
}

/// A setup as a Rust expression.
fn rust_of(setup: &Setup) -> String {
    let mut emitter = Emitter {
        tokens: tokens(&format!("{setup:?}")),
        at: 0,
    };
    let expression = emitter.value(None, 1);
    assert_eq!(emitter.at, emitter.tokens.len(), "the whole setup was read");
    expression
}

fn expected_file() -> String {
    let mut out = String::from(
        "//! The tour's scenario files as Rust, so the tour's page needs no TOML parser.\n\
         //!\n\
         //! Generated by `tests/sourcegen.rs` from `static/scenarios/`: do not edit. Change the\n\
         //! scenario file, run `cargo test --test sourcegen` (which rewrites this file), and\n\
         //! commit both.\n\
         \n\
         use crate::engine::*;\n\
         use crate::scenario::{Setup, Stamped};\n",
    );
    for (slug, function) in COMPILED {
        let setup = Shipped::by_slug(slug).expect("a shipped file").setup();
        out.push_str(&format!(
            "\n/// `static/scenarios/{slug}.toml`.\npub fn {function}() -> Setup {{\n    {}\n}}\n",
            rust_of(&setup)
        ));
    }
    out
}

#[test]
fn the_compiled_setups_are_generated_from_the_current_files() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/scenario/compiled.rs");
    let expected = expected_file();
    let current = std::fs::read_to_string(path).unwrap_or_default();
    if current != expected {
        std::fs::write(path, &expected).expect("src/scenario/compiled.rs is writable");
        panic!(
            "src/scenario/compiled.rs was stale and has been rewritten from static/scenarios/; \
             run the tests again and commit it"
        );
    }
}

/// Every shipped file's setup with its slug, in the order of [`SHIPPED`], packed.
fn expected_setups_packed() -> Vec<u8> {
    let all: Vec<(String, Setup)> = SHIPPED
        .iter()
        .map(|file| (file.slug.to_string(), file.setup()))
        .collect();
    packed::pack(&all)
}

#[test]
fn the_packed_setups_are_generated_from_the_current_files() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/scenario/setups.packed");
    let expected = expected_setups_packed();
    let current = std::fs::read(path).unwrap_or_default();
    if current != expected {
        std::fs::write(path, &expected).expect("src/scenario/setups.packed is writable");
        panic!(
            "src/scenario/setups.packed was stale and has been rewritten from static/scenarios/; \
             run the tests again and commit it"
        );
    }
}

#[test]
fn each_compiled_setup_equals_its_parsed_file() {
    let compiled: [(&str, Setup); 2] = [
        ("first-example", compiled::first_example()),
        (
            "first-example-one-partition",
            compiled::first_example_one_partition(),
        ),
    ];
    for (slug, setup) in compiled {
        assert_eq!(setup, Shipped::by_slug(slug).unwrap().setup(), "{slug}");
    }
    assert_eq!(COMPILED.len(), 2, "every compiled file is compared above");
}

#[test]
fn the_emitter_spells_types_that_debug_leaves_out() {
    let mut emitter = Emitter {
        tokens: tokens(
            r#"Stamped { at_ms: 5, command: Produce { key: None, value: Some("a\"b"), acks: All } }"#,
        ),
        at: 0,
    };
    let rust = emitter.value(None, 0);
    assert!(rust.contains("command: Command::Produce {"), "{rust}");
    assert!(rust.contains("key: None,"), "{rust}");
    assert!(rust.contains(r#"value: Some("a\"b".into()),"#), "{rust}");
    assert!(rust.contains("acks: Acks::All,"), "{rust}");
}
