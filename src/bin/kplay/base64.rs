//! Standard base64 (RFC 4648), for raw key bytes in JSON lines. Twenty lines here keep a
//! dependency out for one field.

/// Decodes standard or URL-safe base64; the `=` padding is optional.
pub fn decode(text: &str) -> Result<Vec<u8>, String> {
    let digits = text.trim_end_matches('=');
    if text.len() - digits.len() > 2 || digits.len() % 4 == 1 {
        return Err(format!("\"{text}\" is not valid base64"));
    }
    let mut bytes = Vec::with_capacity(digits.len() * 3 / 4);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for character in digits.bytes() {
        let value = match character {
            b'A'..=b'Z' => character - b'A',
            b'a'..=b'z' => character - b'a' + 26,
            b'0'..=b'9' => character - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return Err(format!("\"{text}\" is not valid base64")),
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn decodes_with_and_without_padding() {
        assert_eq!(decode("").unwrap(), b"");
        assert_eq!(decode("YQ==").unwrap(), b"a");
        assert_eq!(decode("YWI=").unwrap(), b"ab");
        assert_eq!(decode("YWJj").unwrap(), b"abc");
        assert_eq!(decode("YWI").unwrap(), b"ab");
        assert_eq!(decode("/w==").unwrap(), vec![0xff]);
    }

    #[test]
    fn rejects_what_is_not_base64() {
        assert!(decode("Y").is_err());
        assert!(decode("Y!==").is_err());
        assert!(decode("YQ===").is_err());
    }
}
