//! Setups and runs as compact bytes, and those bytes as text. Pages read these instead of JSON:
//! serde's JSON reader for every command and config cost the sandbox 34 KB of its gzipped
//! wasm, while the binary reader ([postcard]) reads fields by position and carries no field
//! names or duplicate checks. The text form is URL-safe base64 without padding, so it can sit
//! in browser storage and, later, in a link.
//!
//! The price of naming no fields is that any change to a type these bytes hold changes the
//! format. `tests/packed_format.rs` pins the format's shape, so such a change fails a test
//! that says which version to bump; readers check that version before anything else.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The value as postcard bytes.
///
/// # Panics
/// Never for this crate's types: postcard fails only on serde features they do not use
/// (maps of unknown length, `deserialize_any`), which `tests/packed_format.rs` rules out.
pub fn pack<T: Serialize>(value: &T) -> Vec<u8> {
    postcard::to_allocvec(value).expect("this crate's types all pack (tests/packed_format.rs)")
}

/// Reads bytes written by [`pack`]. `what` names the value in the message ("the saved run"),
/// which says what is wrong rather than quoting a decoder's error code.
pub fn unpack<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T, String> {
    match postcard::take_from_bytes::<T>(bytes) {
        Ok((value, [])) => Ok(value),
        Ok((_, rest)) => Err(format!(
            "{what} has {} bytes more than it should",
            rest.len()
        )),
        Err(postcard::Error::DeserializeUnexpectedEnd) => {
            Err(format!("{what} is cut short ({} bytes)", bytes.len()))
        }
        Err(error) => Err(format!(
            "{what} holds something this version does not know ({error})"
        )),
    }
}

/// Bytes as text: URL-safe base64 without padding.
pub fn to_text(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Text written by [`to_text`] back to bytes; the message names the first character that is
/// not URL-safe base64.
pub fn from_text(text: &str, what: &str) -> Result<Vec<u8>, String> {
    URL_SAFE_NO_PAD
        .decode(text.trim())
        .map_err(|error| match error {
            base64::DecodeError::InvalidByte(at, byte) => format!(
                "{what} has {:?} at character {}, which base64 text cannot hold",
                char::from(byte),
                at + 1
            ),
            other => format!("{what} is not base64 text ({other})"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::compiled::{first_example, first_example_one_partition};
    use crate::scenario::Setup;

    // Every shipped setup goes through `pack` and `unpack` on its way into the pages
    // (`setups.packed`), and `shipped.rs` compares each with its parsed file.
    #[test]
    fn a_setup_comes_back_from_bytes_and_text_unchanged() {
        for setup in [first_example(), first_example_one_partition()] {
            let text = to_text(&pack(&setup));
            let back: Setup = unpack(&from_text(&text, "it").unwrap(), "it").unwrap();
            assert_eq!(back, setup);
            assert!(
                text.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                "{text}"
            );
        }
    }

    #[test]
    fn bad_bytes_and_text_are_named_not_panicked_on() {
        let bytes = pack(&first_example());
        let short = unpack::<Setup>(&bytes[..bytes.len() / 2], "the saved run").unwrap_err();
        assert!(short.starts_with("the saved run is cut short"), "{short}");
        let mut long = bytes.clone();
        long.extend([1, 2, 3]);
        let long = unpack::<Setup>(&long, "the saved run").unwrap_err();
        assert_eq!(long, "the saved run has 3 bytes more than it should");
        let text = from_text("abc$def", "the link").unwrap_err();
        assert_eq!(
            text,
            "the link has '$' at character 4, which base64 text cannot hold"
        );
        // Any bytes at all give an answer, never a panic or an endless loop.
        for seed in 0..2_000u32 {
            let noise: Vec<u8> = (0..(seed % 97))
                .map(|i| (seed.wrapping_mul(2_654_435_761).rotate_left(i) >> 3) as u8)
                .collect();
            let _ = unpack::<Setup>(&noise, "noise");
        }
    }
}
