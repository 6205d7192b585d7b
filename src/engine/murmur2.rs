//! Java-compatible murmur2, as in `org.apache.kafka.common.utils.Utils.murmur2`, and the keyed
//! partition rule of `BuiltInPartitioner.partitionForKey`.

/// MurmurHash2 (32-bit) exactly as Kafka's Java client computes it, returned signed as Java
/// prints it. All arithmetic wraps at 32 bits and every shift is logical, like Java's `>>>`.
pub fn murmur2(data: &[u8]) -> i32 {
    const SEED: u32 = 0x9747_b28c;
    const M: u32 = 0x5bd1_e995;
    const R: u32 = 24;

    let length = data.len();
    // Java takes the length as an int; keys longer than 2 GiB cannot occur in a record.
    let mut h: u32 = SEED ^ (length as u32);

    let mut blocks = data.chunks_exact(4);
    for block in &mut blocks {
        let mut k = u32::from_le_bytes([block[0], block[1], block[2], block[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }

    // The tail cases fall through in Java's switch, so each applies when at least that many
    // bytes remain.
    let tail = blocks.remainder();
    if tail.len() >= 3 {
        h ^= u32::from(tail[2]) << 16;
    }
    if tail.len() >= 2 {
        h ^= u32::from(tail[1]) << 8;
    }
    if !tail.is_empty() {
        h ^= u32::from(tail[0]);
        h = h.wrapping_mul(M);
    }

    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h as i32
}

/// Kafka's `Utils.toPositive`: masks the sign bit. This is not `abs`:
/// `to_positive(i32::MIN) == 0`.
pub fn to_positive(value: i32) -> u32 {
    (value as u32) & 0x7fff_ffff
}

/// The partition Kafka's default partitioner picks for a non-null serialized key. It counts all
/// partitions, including ones without a leader: unavailable partitions are not skipped.
pub fn partition_for_key(key: &[u8], partition_count: u32) -> u32 {
    assert!(
        partition_count > 0,
        "a topic always has at least one partition"
    );
    to_positive(murmur2(key)) % partition_count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kafka_utils_test_vectors() {
        assert_eq!(murmur2(b"21"), -973_932_308);
        assert_eq!(murmur2(b"foobar"), -790_332_482);
        assert_eq!(murmur2(b"abc"), 479_470_107);
    }

    #[test]
    fn to_positive_is_a_mask_not_abs() {
        assert_eq!(to_positive(i32::MIN), 0);
        assert_eq!(to_positive(-1), 0x7fff_ffff);
        assert_eq!(to_positive(5), 5);
    }
}
