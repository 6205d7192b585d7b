//! Every hashing and partitioning vector in `tests/data/` against the engine.

use kafka_playground::engine::murmur2::{murmur2, partition_for_key, to_positive};
use serde_json::Value;

fn shared_data(name: &str) -> Value {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}

/// Decodes standard base64 (with padding). The vectors use it for raw key bytes; a dozen lines
/// here keep a dev-dependency out for one test.
fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits: u32 = 0;
    let mut bit_count = 0;
    let mut out = Vec::new();
    for byte in text.bytes().filter(|&b| b != b'=') {
        let value = ALPHABET
            .iter()
            .position(|&a| a == byte)
            .unwrap_or_else(|| panic!("bad base64 byte {byte}")) as u32;
        bits = (bits << 6) | value;
        bit_count += 6;
        if bit_count >= 8 {
            bit_count -= 8;
            out.push((bits >> bit_count) as u8);
            bits &= (1 << bit_count) - 1;
        }
    }
    out
}

#[test]
fn murmur2_matches_every_vector() {
    let vectors = shared_data("murmur2_vectors.json");
    let vectors = vectors.as_array().expect("an array of vectors");
    assert!(vectors.len() >= 39, "expected the 39 published vectors");
    for vector in vectors {
        let key = vector["key"].as_str().expect("key is a string");
        let expected = vector["murmur2"].as_i64().expect("murmur2 is a number") as i32;
        assert_eq!(murmur2(key.as_bytes()), expected, "murmur2({key:?})");
    }
}

#[test]
fn client_test_partitions_match() {
    let data = shared_data("partition_vectors.json");
    let cases = data["from_client_tests"].as_array().expect("cases");
    assert!(!cases.is_empty());
    for case in cases {
        let key = base64_decode(case["key_b64"].as_str().expect("key_b64"));
        let partitions = case["partitions"].as_u64().expect("partitions") as u32;
        let expected = case["partition"].as_u64().expect("partition") as u32;
        assert_eq!(
            partition_for_key(&key, partitions),
            expected,
            "key {} into {partitions}",
            case["key_repr"]
        );
    }
}

#[test]
fn extra_vectors_match_hash_positive_and_partitions() {
    let data = shared_data("partition_vectors.json");
    let cases = data["extra"].as_array().expect("extra");
    assert_eq!(cases.len(), 15);
    for case in cases {
        let key = case["key"].as_str().expect("key");
        let hash = murmur2(key.as_bytes());
        assert_eq!(
            i64::from(hash),
            case["murmur2"].as_i64().unwrap(),
            "{key:?}"
        );
        assert_eq!(
            u64::from(to_positive(hash)),
            case["to_positive"].as_u64().unwrap(),
            "{key:?}"
        );
        let by_count = case["partition"].as_object().expect("partition map");
        assert_eq!(by_count.len(), 3);
        for (count, expected) in by_count {
            let count: u32 = count.parse().expect("partition count");
            assert_eq!(
                u64::from(partition_for_key(key.as_bytes(), count)),
                expected.as_u64().unwrap(),
                "{key:?} into {count}"
            );
        }
    }
}

#[test]
fn base64_helper_decodes() {
    assert_eq!(base64_decode("MTIzNDU2Nzg5"), b"123456789");
    assert_eq!(base64_decode("ACA="), b"\x00 ");
    assert_eq!(base64_decode(""), b"");
}
