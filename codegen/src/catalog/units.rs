//! Human units in the catalog: `7d`, `12h`, `100GiB`.

use std::fmt;

/// Why a duration or size could not be read: what is wrong, and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct UnitError {
    /// What is wrong, quoting the text.
    pub message: String,
    /// What to write instead.
    pub hint: String,
}

impl UnitError {
    fn new(message: String, hint: &str) -> Self {
        Self {
            message,
            hint: hint.to_owned(),
        }
    }
}

impl fmt::Display for UnitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; {}", self.message, self.hint)
    }
}

impl std::error::Error for UnitError {}

/// Milliseconds in a duration written as a number and a unit (`ms`, `s`, `m`, `h`, `d`,
/// `w`), or `forever` (-1, Kafka's "no limit").
pub(super) fn parse_duration_ms(text: &str) -> Result<i64, UnitError> {
    if text == "forever" {
        return Ok(-1);
    }
    let (number, unit) = split_number(text);
    let factor: i64 = match unit {
        "ms" => 1,
        "s" => 1_000,
        "m" | "min" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        "w" => 7 * 86_400_000,
        _ => {
            return Err(UnitError::new(
                format!("`{text}` is not a duration"),
                "write a number and a unit (ms, s, m, h, d, w) without a space, e.g. \"7d\", or \"forever\"",
            ));
        }
    };
    number
        .parse::<i64>()
        .ok()
        .and_then(|n| n.checked_mul(factor))
        .filter(|ms| *ms > 0)
        .ok_or_else(|| {
            UnitError::new(
                format!("`{text}` is not a positive duration that fits in 64 bits"),
                "write a positive number and a unit, e.g. \"7d\", or \"forever\" for no limit",
            )
        })
}

/// Bytes in a size written as a number and a binary unit (`B`, `KiB`, `MiB`, `GiB`,
/// `TiB`), or `unlimited` (-1). Decimal units (`GB`) are refused: Kafka's configs are in
/// bytes, and "100 GB" in Kafka documentation almost always means 100 GiB.
pub(super) fn parse_bytes(text: &str) -> Result<i64, UnitError> {
    if text == "unlimited" {
        return Ok(-1);
    }
    let (number, unit) = split_number(text);
    let factor: i64 = match unit {
        "" | "B" => 1,
        "KiB" => 1 << 10,
        "MiB" => 1 << 20,
        "GiB" => 1 << 30,
        "TiB" => 1 << 40,
        "KB" | "MB" | "GB" | "TB" | "kB" => {
            return Err(UnitError::new(
                format!("`{text}` is ambiguous: `{unit}` means a power of 1000 to some tools and of 1024 to others"),
                "write a binary unit (KiB, MiB, GiB, TiB: powers of 1024), e.g. \"100GiB\", or a byte count",
            ));
        }
        _ => {
            return Err(UnitError::new(
                format!("`{text}` is not a size"),
                "write a number and a binary unit without a space, e.g. \"100GiB\", a byte count, or \"unlimited\"",
            ));
        }
    };
    number
        .parse::<i64>()
        .ok()
        .and_then(|n| n.checked_mul(factor))
        .filter(|bytes| *bytes > 0)
        .ok_or_else(|| {
            UnitError::new(
                format!("`{text}` is not a positive size that fits in 64 bits"),
                "write a positive size, e.g. \"100GiB\", or \"unlimited\" for no limit",
            )
        })
}

fn split_number(text: &str) -> (&str, &str) {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    (&text[..digits], text[digits..].trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_durations_and_sizes() {
        assert_eq!(parse_duration_ms("7d"), Ok(604_800_000));
        assert_eq!(parse_duration_ms("30d"), Ok(2_592_000_000));
        assert_eq!(parse_duration_ms("90m"), Ok(5_400_000));
        assert_eq!(parse_duration_ms("forever"), Ok(-1));
        assert!(parse_duration_ms("7 days").is_err());
        assert!(parse_duration_ms("0d").is_err());
        assert_eq!(parse_bytes("100GiB"), Ok(107_374_182_400));
        assert_eq!(parse_bytes("1048576"), Ok(1_048_576));
        assert_eq!(parse_bytes("unlimited"), Ok(-1));
        assert!(parse_bytes("100GB").unwrap_err().message.contains("ambiguous"));
        assert!(parse_bytes("99999999999TiB").is_err());
    }
}
