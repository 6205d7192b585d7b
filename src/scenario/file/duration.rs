//! Durations as people write them: `250ms`, `5s`, `1.5s`, `2m`, `1m30s`, `1h`, or a bare
//! integer of milliseconds. Milliseconds are the engine's unit, so every duration must come to a
//! whole number of them.

/// The longest run the playground allows: ten simulated minutes. Every timer Kafka's defaults
/// set for the stories told here fits in it (retention checks, `metadata.max.age.ms` and
/// `max.poll.interval.ms` every five minutes, `delivery.timeout.ms` two). The sandbox's
/// default cluster simulates an hour in about half a second, but the largest preset (48
/// partitions, five groups) took 40 to 70 s for an hour and takes seconds for ten minutes, so
/// that every run finishes in seconds longer runs are refused.
pub const MAX_DURATION_MS: u64 = 600_000;

/// Parses a duration written as text into milliseconds.
///
/// The text is one or more `<number><unit>` parts, optionally separated by spaces, whose sum is
/// the duration (`1m30s` is 90000). A number may have a fraction (`1.5s`). Units are `ms`, `s`,
/// `m` and `h`. A text of digits alone is milliseconds, like an integer in the file.
pub fn parse_duration_ms(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(duration_help("an empty duration"));
    }
    if trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return trimmed
            .parse::<u64>()
            .map_err(|_| format!("duration \"{text}\" is too large"));
    }
    let mut total_ms: u64 = 0;
    let mut rest = trimmed;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, after_number) = rest.split_at(number_len);
        // "5 s" reads like "5s"; a space before the unit is common in prose.
        let after_number = after_number.trim_start();
        if number.is_empty() {
            return Err(duration_help(&format!("\"{text}\"")));
        }
        let unit_len = after_number
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(after_number.len());
        let (unit, after_unit) = after_number.split_at(unit_len);
        let unit_ms: u64 = match unit {
            "ms" => 1,
            "s" => 1_000,
            "m" | "min" => 60_000,
            "h" => 3_600_000,
            "" => {
                return Err(format!(
                    "duration \"{text}\" needs a unit after {number}: ms, s, m or h"
                ))
            }
            other => {
                return Err(format!(
                    "duration \"{text}\" has an unknown unit \"{other}\": use ms, s, m or h"
                ))
            }
        };
        let part_ms = scaled_ms(number, unit_ms).map_err(|problem| match problem {
            ScaleProblem::NotANumber => duration_help(&format!("\"{text}\"")),
            ScaleProblem::TooLarge => format!("duration \"{text}\" is too large"),
            ScaleProblem::PartOfAMillisecond => {
                format!("duration \"{text}\" is not a whole number of milliseconds")
            }
        })?;
        total_ms = total_ms
            .checked_add(part_ms)
            .ok_or_else(|| format!("duration \"{text}\" is too large"))?;
        rest = after_unit.trim_start();
    }
    Ok(total_ms)
}

enum ScaleProblem {
    NotANumber,
    TooLarge,
    PartOfAMillisecond,
}

/// `number` times `unit_ms`, where `number` may have a fraction.
fn scaled_ms(number: &str, unit_ms: u64) -> Result<u64, ScaleProblem> {
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if (whole.is_empty() && fraction.is_empty()) || fraction.contains('.') {
        return Err(ScaleProblem::NotANumber);
    }
    let whole_value: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| ScaleProblem::TooLarge)?
    };
    let whole_ms = whole_value
        .checked_mul(unit_ms)
        .ok_or(ScaleProblem::TooLarge)?;
    // Integer arithmetic keeps `0.1s` exact: one tenth of 1000 ms, not 0.1 * 1000 in floats.
    let mut denominator: u64 = 1;
    let mut numerator: u64 = 0;
    for digit in fraction.bytes() {
        denominator = denominator.checked_mul(10).ok_or(ScaleProblem::TooLarge)?;
        numerator = numerator
            .checked_mul(10)
            .and_then(|n| n.checked_add(u64::from(digit - b'0')))
            .ok_or(ScaleProblem::TooLarge)?;
    }
    let fraction_scaled = numerator
        .checked_mul(unit_ms)
        .ok_or(ScaleProblem::TooLarge)?;
    if !fraction_scaled.is_multiple_of(denominator) {
        return Err(ScaleProblem::PartOfAMillisecond);
    }
    whole_ms
        .checked_add(fraction_scaled / denominator)
        .ok_or(ScaleProblem::TooLarge)
}

fn duration_help(what: &str) -> String {
    format!(
        "{what} is not a duration: write a number and a unit like \"250ms\", \"5s\", \"1.5s\", \"2m\" or \"1m30s\", or an integer of milliseconds"
    )
}

/// Prints milliseconds the way a person would write them in a scenario: `250ms`, `5s`,
/// `1.5s`, `2m`.
pub fn format_duration_ms(ms: u64) -> String {
    if ms == 0 {
        "0s".to_owned()
    } else if ms.is_multiple_of(3_600_000) {
        format!("{}h", ms / 3_600_000)
    } else if ms.is_multiple_of(60_000) {
        format!("{}m", ms / 60_000)
    } else if ms.is_multiple_of(1_000) {
        format!("{}s", ms / 1_000)
    } else if ms >= 1_000 {
        let text = format!("{}.{:03}", ms / 1_000, ms % 1_000);
        format!("{}s", text.trim_end_matches('0'))
    } else {
        format!("{ms}ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_bare_milliseconds() {
        assert_eq!(parse_duration_ms("250ms"), Ok(250));
        assert_eq!(parse_duration_ms("5s"), Ok(5_000));
        assert_eq!(parse_duration_ms("2m"), Ok(120_000));
        assert_eq!(parse_duration_ms("1h"), Ok(3_600_000));
        assert_eq!(parse_duration_ms("0s"), Ok(0));
        assert_eq!(parse_duration_ms("1500"), Ok(1_500));
        assert_eq!(parse_duration_ms(" 7s "), Ok(7_000));
    }

    #[test]
    fn fractions_and_compound_durations() {
        assert_eq!(parse_duration_ms("1.5s"), Ok(1_500));
        assert_eq!(parse_duration_ms("0.1s"), Ok(100));
        assert_eq!(parse_duration_ms(".25s"), Ok(250));
        assert_eq!(parse_duration_ms("1m30s"), Ok(90_000));
        assert_eq!(parse_duration_ms("1m 30s 5ms"), Ok(90_005));
    }

    #[test]
    fn bad_durations_say_what_is_wrong() {
        assert!(parse_duration_ms("")
            .unwrap_err()
            .contains("not a duration"));
        assert!(parse_duration_ms("5").is_ok());
        assert_eq!(parse_duration_ms("5 s"), Ok(5_000));
        assert!(parse_duration_ms("5 seconds")
            .unwrap_err()
            .contains("unknown unit \"seconds\""));
        assert!(parse_duration_ms("1.5")
            .unwrap_err()
            .contains("needs a unit"));
        assert!(parse_duration_ms("0.5ms")
            .unwrap_err()
            .contains("whole number of milliseconds"));
        assert!(parse_duration_ms("-5s")
            .unwrap_err()
            .contains("not a duration"));
        assert!(parse_duration_ms("1..5s")
            .unwrap_err()
            .contains("not a duration"));
        assert!(parse_duration_ms("s")
            .unwrap_err()
            .contains("not a duration"));
        assert!(parse_duration_ms("99999999999999999999")
            .unwrap_err()
            .contains("too large"));
        assert!(parse_duration_ms("9999999999999999h")
            .unwrap_err()
            .contains("too large"));
    }

    #[test]
    fn formatting_round_trips() {
        for ms in [0, 1, 250, 1_000, 1_500, 61_000, 120_000, 3_600_000] {
            assert_eq!(parse_duration_ms(&format_duration_ms(ms)), Ok(ms));
        }
        assert_eq!(format_duration_ms(1_500), "1.5s");
        assert_eq!(format_duration_ms(250), "250ms");
        assert_eq!(format_duration_ms(120_000), "2m");
        assert_eq!(format_duration_ms(86_400_000), "24h");
    }
}
