//! Avro decimals (a big-endian two's-complement unscaled integer and the schema's scale)
//! as PostgreSQL NUMERIC values, exactly. `rust_decimal` stops at 28 digits while an Avro
//! decimal and a NUMERIC column go to 1000, so the digits are converted here rather than
//! through [`rust_decimal::Decimal`].

use bytes::{BufMut, BytesMut};
use std::fmt;

/// PostgreSQL's largest NUMERIC precision and scale (`NUMERIC_MAX_PRECISION`).
pub const MAX_PRECISION: u32 = 1000;

/// An exact decimal number: sign, the decimal digits of the unscaled magnitude, and the
/// number of them after the point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numeric {
    negative: bool,
    /// Decimal digits without leading zeros (empty for zero).
    digits: String,
    scale: u32,
}

/// Base of the limbs the byte string is converted through: the largest power of ten
/// whose product with 256 stays far inside `u64`.
const LIMB: u64 = 1_000_000_000;

impl Numeric {
    /// The number whose unscaled value is the big-endian two's-complement `bytes`. The
    /// conversion is quadratic in the length, which the caller bounds by the precision.
    pub fn from_unscaled(bytes: &[u8], scale: u32) -> Self {
        let negative = bytes.first().is_some_and(|b| b & 0x80 != 0);
        // Little-endian base-10^9 limbs of the magnitude: a negative value is the
        // complement of its bytes plus one.
        let mut limbs: Vec<u64> = Vec::new();
        for &byte in bytes {
            let mut carry = u64::from(if negative { !byte } else { byte });
            for limb in &mut limbs {
                let value = *limb * 256 + carry;
                *limb = value % LIMB;
                carry = value / LIMB;
            }
            if carry > 0 {
                limbs.push(carry);
            }
        }
        if negative {
            let mut carry = 1;
            for limb in &mut limbs {
                let value = *limb + carry;
                *limb = value % LIMB;
                carry = value / LIMB;
                if carry == 0 {
                    break;
                }
            }
            if carry > 0 {
                limbs.push(carry);
            }
        }
        let mut digits = String::new();
        for (i, limb) in limbs.iter().rev().enumerate() {
            if i == 0 {
                digits.push_str(&limb.to_string());
            } else {
                digits.push_str(&format!("{limb:09}"));
            }
        }
        let digits = digits.trim_start_matches('0').to_owned();
        Self {
            negative: negative && !digits.is_empty(),
            digits,
            scale,
        }
    }

    /// How many significant digits the number has, as a NUMERIC(p, s) precision counts
    /// them (at least the scale's).
    pub fn precision(&self) -> usize {
        self.digits.len().max(self.scale as usize)
    }

    /// The integer part and the fraction (exactly `scale` digits) as decimal strings.
    fn parts(&self) -> (&str, String) {
        let scale = self.scale as usize;
        if self.digits.len() > scale {
            let (integer, fraction) = self.digits.split_at(self.digits.len() - scale);
            (integer, fraction.to_owned())
        } else {
            ("", format!("{}{}", "0".repeat(scale - self.digits.len()), self.digits))
        }
    }

    /// Appends the binary NUMERIC encoding: digit count, weight, sign and display scale
    /// as 16-bit integers, then the base-10000 digits, most significant first.
    pub fn write(&self, out: &mut BytesMut) {
        let (integer, fraction) = self.parts();
        let integer = format!("{}{integer}", "0".repeat((4 - integer.len() % 4) % 4));
        let fraction = format!("{fraction}{}", "0".repeat((4 - fraction.len() % 4) % 4));
        let groups: Vec<u16> = integer
            .as_bytes()
            .chunks(4)
            .chain(fraction.as_bytes().chunks(4))
            .map(|chunk| chunk.iter().fold(0u16, |n, d| n * 10 + u16::from(d - b'0')))
            .collect();
        let leading = groups.iter().take_while(|g| **g == 0).count();
        let trailing = groups[leading..].iter().rev().take_while(|g| **g == 0).count();
        let significant = &groups[leading..groups.len() - trailing];
        // The weight is the power of 10000 of the first group; the digit counts fit i16
        // because the precision is at most MAX_PRECISION.
        let weight = if significant.is_empty() {
            0
        } else {
            (integer.len() / 4) as i32 - 1 - leading as i32
        };
        out.put_i16(significant.len() as i16);
        out.put_i16(weight as i16);
        out.put_u16(if self.negative { 0x4000 } else { 0x0000 });
        out.put_u16(self.scale as u16);
        for group in significant {
            out.put_u16(*group);
        }
    }
}

impl fmt::Display for Numeric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (integer, fraction) = self.parts();
        let sign = if self.negative { "-" } else { "" };
        let integer = if integer.is_empty() { "0" } else { integer };
        if fraction.is_empty() {
            write!(f, "{sign}{integer}")
        } else {
            write!(f, "{sign}{integer}.{fraction}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(bytes: &[u8], scale: u32) -> (String, Vec<u8>) {
        let numeric = Numeric::from_unscaled(bytes, scale);
        let mut out = BytesMut::new();
        numeric.write(&mut out);
        (numeric.to_string(), out.to_vec())
    }

    #[test]
    fn two_complement_bytes_become_exact_decimals() {
        assert_eq!(Numeric::from_unscaled(&[0x30, 0x39], 2).to_string(), "123.45");
        assert_eq!(Numeric::from_unscaled(&[0xcf, 0xc7], 2).to_string(), "-123.45");
        assert_eq!(Numeric::from_unscaled(&[0x05], 2).to_string(), "0.05");
        assert_eq!(Numeric::from_unscaled(&[], 3).to_string(), "0.000");
        assert_eq!(Numeric::from_unscaled(&[0xff], 0).to_string(), "-1");
        assert_eq!(Numeric::from_unscaled(&[0x80], 0).to_string(), "-128");
        // 2^127 - 1: 39 digits, past rust_decimal.
        let mut max = vec![0xff; 16];
        max[0] = 0x7f;
        assert_eq!(
            Numeric::from_unscaled(&max, 10).to_string(),
            "17014118346046923173168730371.5884105727"
        );
    }

    #[test]
    fn binary_numeric_groups_digits_by_ten_thousand_around_the_point() {
        // 123.45: groups 0123 | 4500, weight 0, dscale 2.
        let (_, bytes) = encoded(&[0x30, 0x39], 2);
        assert_eq!(bytes, [0, 2, 0, 0, 0, 0, 0, 2, 0, 123, 0x11, 0x94]);
        // 0.05: one group 0500 at weight -1.
        let (_, bytes) = encoded(&[0x05], 2);
        assert_eq!(bytes, [0, 1, 0xff, 0xff, 0, 0, 0, 2, 0x01, 0xf4]);
        // -100000000: 1 | 0000 | 0000 with trailing zero groups dropped, weight 2.
        let (text, bytes) = encoded(&(-100_000_000i32).to_be_bytes(), 0);
        assert_eq!(text, "-100000000");
        assert_eq!(bytes, [0, 1, 0, 2, 0x40, 0, 0, 0, 0, 1]);
        // zero keeps its display scale.
        let (_, bytes) = encoded(&[0], 4);
        assert_eq!(bytes, [0, 0, 0, 0, 0, 0, 0, 4]);
    }
}
