//! `kplay partition`: Kafka's keyed partitioning, `toPositive(murmur2(key)) % partitions`.

use std::io::{self, BufRead, Write};

use kafka_playground::engine::murmur2::{murmur2, partition_for_key};
use serde::Serialize;
use serde_json::Value;

use super::outcome::Outcome;

/// The answer to one JSON line. The fields are in this order in the output.
#[derive(Debug, Serialize)]
struct PartitionAnswer {
    partition: u32,
    /// As Java prints it: a signed 32-bit integer.
    murmur2: i32,
}

/// Keys from the command line, as UTF-8 bytes: `KEY -> partition P (murmur2 H)`.
pub fn keys(out: &mut impl Write, keys: &[String], partitions: u32) -> io::Result<Outcome> {
    for key in keys {
        let bytes = key.as_bytes();
        writeln!(
            out,
            "{key} -> partition {} (murmur2 {})",
            partition_for_key(bytes, partitions),
            murmur2(bytes)
        )?;
    }
    Ok(Outcome::Ok)
}

/// One question per line; `default_partitions` (from `--partitions`) serves lines without a
/// `partitions` field.
pub fn json_lines(
    input: impl BufRead,
    out: &mut impl Write,
    default_partitions: Option<u32>,
) -> io::Result<Outcome> {
    super::json_lines::answer_each(input, out, |line| answer(line, default_partitions))
}

fn answer(line: &Value, default_partitions: Option<u32>) -> Result<PartitionAnswer, String> {
    let object = line
        .as_object()
        .ok_or("expected an object like {\"key\": \"user-42\", \"partitions\": 3}")?;
    let key: Vec<u8> = match (object.get("key"), object.get("key_b64")) {
        (Some(_), Some(_)) => return Err("give either key or key_b64, not both".to_owned()),
        (Some(Value::String(key)), None) => key.as_bytes().to_vec(),
        (None, Some(Value::String(encoded))) => super::base64::decode(encoded)?,
        (Some(Value::Null), None) | (None, Some(Value::Null)) => {
            return Err(
                "a null key has no hash: Kafka places keyless records with the sticky or round-robin partitioner".to_owned(),
            )
        }
        (Some(_), None) => return Err("key must be a string".to_owned()),
        (None, Some(_)) => return Err("key_b64 must be a base64 string".to_owned()),
        (None, None) => return Err("missing key (or key_b64 for raw bytes)".to_owned()),
    };
    let partitions = match object.get("partitions") {
        Some(value) => value
            .as_u64()
            .and_then(|count| u32::try_from(count).ok())
            .filter(|count| *count >= 1)
            .ok_or("partitions must be a whole number from 1")?,
        None => default_partitions.ok_or("missing partitions (or pass --partitions N)")?,
    };
    Ok(PartitionAnswer {
        partition: partition_for_key(&key, partitions),
        murmur2: murmur2(&key),
    })
}
