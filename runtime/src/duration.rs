//! The Avro `duration` logical type.

/// An Avro `duration`: an amount of time in months, days and milliseconds.
///
/// The three parts are independent, as in the Avro specification: a month is not a fixed
/// number of days and a day is not always 86,400,000 milliseconds (leap seconds, daylight
/// saving), so they are neither normalised nor converted into one another. On the wire it
/// is a `fixed` of 12 bytes: three little-endian unsigned 32-bit integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Duration {
    /// Whole months.
    pub months: u32,
    /// Whole days.
    pub days: u32,
    /// Milliseconds.
    pub millis: u32,
}

impl Duration {
    /// A duration of the given months, days and milliseconds.
    pub const fn new(months: u32, days: u32, millis: u32) -> Self {
        Self { months, days, millis }
    }

    /// The 12-byte Avro representation: months, days, milliseconds, each little-endian.
    pub fn to_le_bytes(self) -> [u8; 12] {
        let mut out = [0u8; 12];
        out[..4].copy_from_slice(&self.months.to_le_bytes());
        out[4..8].copy_from_slice(&self.days.to_le_bytes());
        out[8..].copy_from_slice(&self.millis.to_le_bytes());
        out
    }

    /// Reads the 12-byte Avro representation.
    pub fn from_le_bytes(bytes: [u8; 12]) -> Self {
        let part = |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        Self {
            months: part(0),
            days: part(4),
            millis: part(8),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Duration;

    #[test]
    fn bytes_are_three_little_endian_u32() {
        let d = Duration::new(1, 2, 0x0403_0201);
        assert_eq!(d.to_le_bytes(), [1, 0, 0, 0, 2, 0, 0, 0, 1, 2, 3, 4]);
        assert_eq!(Duration::from_le_bytes(d.to_le_bytes()), d);
    }
}
