//! Filling a sentence's blanks. A catalog sentence names its blanks, so each language puts
//! them where its word order wants them:
//!
//! - `{name}`: the argument's text (a count with thousands separators);
//! - `{name:one|other}`: a word chosen by the count `name` (English plurals: `{count:record|records}`);
//! - `{name:을/를}`: the argument's text followed by the Korean particle its last sound takes
//!   (을/를, 은/는, 이/가, 과/와, 으로/로), so a sentence built around a name reads as written.
//!
//! A blank without an argument is left as written, so a mistake shows instead of vanishing
//! (`tests/catalog.rs` checks both languages name the same blanks).

/// A value for a blank.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Arg<'a> {
    Text(&'a str),
    Count(u64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(text: &'a str) -> Self {
        Arg::Text(text)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(text: &'a String) -> Self {
        Arg::Text(text)
    }
}

impl From<u64> for Arg<'_> {
    fn from(count: u64) -> Self {
        Arg::Count(count)
    }
}

impl From<u32> for Arg<'_> {
    fn from(count: u32) -> Self {
        Arg::Count(u64::from(count))
    }
}

impl From<usize> for Arg<'_> {
    fn from(count: usize) -> Self {
        Arg::Count(count as u64)
    }
}

/// `template` with its blanks filled from `args` (name, value).
pub fn fill(template: &str, args: &[(&str, Arg)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            out.push_str(&rest[open..]);
            return out;
        };
        let blank = &rest[open + 1..close];
        let (name, form) = match blank.split_once(':') {
            Some((name, form)) => (name, Some(form)),
            None => (blank, None),
        };
        match args
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, value)| *value)
        {
            Some(value) => write_blank(&mut out, value, form),
            None => out.push_str(&rest[open..=close]),
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

fn write_blank(out: &mut String, value: Arg, form: Option<&str>) {
    let text = match value {
        Arg::Text(text) => text.to_owned(),
        Arg::Count(count) => grouped(count),
    };
    match form {
        None => out.push_str(&text),
        Some(form) => match form.split_once('|') {
            Some((one, other)) => {
                out.push_str(if value == Arg::Count(1) { one } else { other });
            }
            None => {
                out.push_str(&text);
                out.push_str(particle(&text, form));
            }
        },
    }
}

/// A count with a comma between each group of three digits, as both languages write it
/// (`8000000` as `8,000,000`).
pub fn grouped(count: u64) -> String {
    let digits = count.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// The final sound of a word, as far as a Korean particle cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ending {
    Vowel,
    /// ㄹ: takes 로, not 으로, but 을, 은, 이 and 과 like any other consonant.
    Rieul,
    Consonant,
}

/// The particle of `pair` ("을/를": after a consonant / after a vowel) that `word` takes.
/// Unknown pairs are written as given.
pub fn particle<'p>(word: &str, pair: &'p str) -> &'p str {
    let Some((after_consonant, after_vowel)) = pair.split_once('/') else {
        return pair;
    };
    match (ending(word), after_consonant) {
        (Ending::Vowel, _) | (Ending::Rieul, "으로") => after_vowel,
        _ => after_consonant,
    }
}

/// How a word ends when read aloud in Korean: a Hangul syllable by its final consonant, a
/// number by its last digit's reading (영, 일, 이, 삼... and 십, 백, 천, 만 after zeros), an
/// acronym by its last letter's name (ISR ends in 알), another Latin word by its last letter
/// (-ng as 응).
fn ending(word: &str) -> Ending {
    let trimmed = word.trim_end_matches(|c: char| !c.is_alphanumeric());
    let Some(last) = trimmed.chars().last() else {
        return Ending::Vowel;
    };
    match last {
        '가'..='힣' => match (last as u32 - 0xAC00) % 28 {
            0 => Ending::Vowel,
            8 => Ending::Rieul,
            _ => Ending::Consonant,
        },
        '0' => Ending::Consonant,
        '1' | '7' | '8' => Ending::Rieul,
        '3' | '6' => Ending::Consonant,
        '2' | '4' | '5' | '9' => Ending::Vowel,
        'A'..='Z' if is_acronym(trimmed) => match last {
            'L' | 'R' => Ending::Rieul,
            'M' | 'N' => Ending::Consonant,
            _ => Ending::Vowel,
        },
        _ if trimmed.to_ascii_lowercase().ends_with("ng") => Ending::Consonant,
        _ => match last.to_ascii_lowercase() {
            'l' => Ending::Rieul,
            'm' | 'n' | 'b' | 'c' | 'k' | 'p' | 't' => Ending::Consonant,
            _ => Ending::Vowel,
        },
    }
}

/// Whether a word ends in capitals read letter by letter (ISR, HW, LEO), not a capitalised word.
fn is_acronym(word: &str) -> bool {
    let tail: Vec<char> = word
        .chars()
        .rev()
        .take_while(char::is_ascii_alphabetic)
        .collect();
    tail.iter().all(char::is_ascii_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanks_are_filled_by_name_in_any_order() {
        let text = fill(
            "{who} leads {count} {count:partition|partitions}",
            &[("count", 1u32.into()), ("who", "broker 2".into())],
        );
        assert_eq!(text, "broker 2 leads 1 partition");
        let text = fill(
            "{who}가 파티션 {count}개를 이끌어요",
            &[("who", "브로커 2".into()), ("count", 12_345u64.into())],
        );
        assert_eq!(text, "브로커 2가 파티션 12,345개를 이끌어요");
    }

    #[test]
    fn a_blank_without_an_argument_stays_visible() {
        assert_eq!(fill("at {time}", &[]), "at {time}");
        assert_eq!(fill("broken {brace", &[]), "broken {brace");
    }

    #[test]
    fn particles_follow_the_last_sound() {
        let with = |word: &str, pair: &str| fill(&format!("{{w:{pair}}}"), &[("w", word.into())]);
        assert_eq!(with("컨슈머", "을/를"), "컨슈머를");
        assert_eq!(with("파티션", "을/를"), "파티션을");
        assert_eq!(with("리더", "이/가"), "리더가");
        assert_eq!(with("오프셋", "은/는"), "오프셋은");
        assert_eq!(with("오프셋", "으로/로"), "오프셋으로");
        assert_eq!(with("레플리카 목록", "으로/로"), "레플리카 목록으로");
        assert_eq!(with("파일", "으로/로"), "파일로");
        assert_eq!(with("파일", "을/를"), "파일을");
        // Numbers as they are read: 영, 일, 이, 삼; 십 after a zero.
        assert_eq!(with("orders-0", "을/를"), "orders-0을");
        assert_eq!(with("orders-1", "으로/로"), "orders-1로");
        assert_eq!(with("orders-2", "을/를"), "orders-2를");
        assert_eq!(with("offset 10", "이/가"), "offset 10이");
        // Acronyms by their letters' names; other Latin words by their last letter.
        assert_eq!(with("ISR", "에서/에서"), "ISR에서");
        assert_eq!(with("ISR", "으로/로"), "ISR로");
        assert_eq!(with("ISR", "이/가"), "ISR이");
        assert_eq!(with("HW", "이/가"), "HW가");
        assert_eq!(with("LEO", "을/를"), "LEO를");
        assert_eq!(with("billing", "은/는"), "billing은");
        assert_eq!(with("orders", "은/는"), "orders는");
        assert_eq!(with("`acks`", "을/를"), "`acks`를");
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(8_000_000), "8,000,000");
    }
}
