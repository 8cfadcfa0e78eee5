//! Logical types: conversions between the Rust value types and their underlying Avro
//! representations, shared by generated encoders and decoders.

use crate::error::{DecodeError, DecodeErrorKind, EncodeError};
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

const EPOCH_DAYS_FROM_CE: i32 = 719_163;

fn out_of_range(offset: usize, what: &'static str, detail: impl Into<String>) -> DecodeError {
    DecodeErrorKind::OutOfRange {
        offset,
        what,
        detail: detail.into(),
    }
    .into()
}

/// `date`: days since 1970-01-01.
pub fn date_to_days(date: &NaiveDate) -> i32 {
    // chrono's date range (±262,000 years) is well inside i32 days.
    date.num_days_from_ce() - EPOCH_DAYS_FROM_CE
}

/// The date `days` after 1970-01-01.
pub fn date_from_days(days: i32, offset: usize) -> Result<NaiveDate, DecodeError> {
    days.checked_add(EPOCH_DAYS_FROM_CE)
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .ok_or_else(|| out_of_range(offset, "date", format!("{days} days from the epoch")))
}

/// Sub-second units of a time of day or timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Milliseconds.
    Millis,
    /// Microseconds.
    Micros,
    /// Nanoseconds.
    Nanos,
}

impl Unit {
    fn per_second(self) -> i64 {
        match self {
            Unit::Millis => 1_000,
            Unit::Micros => 1_000_000,
            Unit::Nanos => 1_000_000_000,
        }
    }

    fn nanos_per_unit(self) -> i64 {
        1_000_000_000 / self.per_second()
    }
}

/// `time-millis` / `time-micros`: the time of day in `unit`s after midnight.
pub fn time_to_units(time: &NaiveTime, unit: Unit, what: &'static str) -> Result<i64, EncodeError> {
    let nanos = time.nanosecond();
    if nanos >= 1_000_000_000 {
        return Err(EncodeError::OutOfRange {
            what,
            detail: format!("the leap second {time}"),
        });
    }
    Ok(i64::from(time.num_seconds_from_midnight()) * unit.per_second() + i64::from(nanos) / unit.nanos_per_unit())
}

/// The time of day `value` `unit`s after midnight.
pub fn time_from_units(value: i64, unit: Unit, offset: usize, what: &'static str) -> Result<NaiveTime, DecodeError> {
    let per_second = unit.per_second();
    if !(0..86_400 * per_second).contains(&value) {
        return Err(out_of_range(offset, what, format!("{value} is not within one day")));
    }
    let secs = (value / per_second) as u32;
    let nanos = ((value % per_second) * unit.nanos_per_unit()) as u32;
    NaiveTime::from_num_seconds_from_midnight_opt(secs, nanos)
        .ok_or_else(|| out_of_range(offset, what, value.to_string()))
}

/// `timestamp-*`: `unit`s since the epoch.
pub fn timestamp_to_units(ts: &DateTime<Utc>, unit: Unit, what: &'static str) -> Result<i64, EncodeError> {
    naive_to_units(&ts.naive_utc(), unit, what)
}

/// `local-timestamp-*`: `unit`s since the epoch, on the local clock.
pub fn naive_to_units(ts: &NaiveDateTime, unit: Unit, what: &'static str) -> Result<i64, EncodeError> {
    let utc = ts.and_utc();
    let value = match unit {
        Unit::Millis => Some(utc.timestamp_millis()),
        Unit::Micros => Some(utc.timestamp_micros()),
        Unit::Nanos => utc.timestamp_nanos_opt(),
    };
    value.ok_or_else(|| EncodeError::OutOfRange {
        what,
        detail: format!("{ts} (outside 1677-2262)"),
    })
}

/// The instant `value` `unit`s after the epoch.
#[inline]
pub fn timestamp_from_units(
    value: i64,
    unit: Unit,
    offset: usize,
    what: &'static str,
) -> Result<DateTime<Utc>, DecodeError> {
    // What chrono's `DateTime::from_timestamp_{millis,micros,nanos}` compute, with the
    // calendar date of the day memoised: successive records are nearly always stamped on
    // the same day, and the day-to-date conversion is most of the cost.
    let per_second = unit.per_second();
    let secs = value.div_euclid(per_second);
    let nanos = (value.rem_euclid(per_second) * unit.nanos_per_unit()) as u32;
    let days = secs.div_euclid(86_400);
    let seconds_of_day = secs.rem_euclid(86_400) as u32;
    let ts = date_of_day(days).and_then(|date| {
        NaiveTime::from_num_seconds_from_midnight_opt(seconds_of_day, nanos).map(|time| date.and_time(time).and_utc())
    });
    ts.ok_or_else(|| out_of_range(offset, what, format!("{value} is beyond the years chrono represents")))
}

/// The date `days` after 1970-01-01 (`None` beyond chrono's range), remembering the last
/// day asked for on this thread.
#[inline]
fn date_of_day(days: i64) -> Option<NaiveDate> {
    use std::cell::Cell;
    thread_local! {
        // `i64::MIN` days is no timestamp's day (`i64::MIN` seconds is -1.07e14 days).
        static LAST: Cell<(i64, NaiveDate)> = const { Cell::new((i64::MIN, NaiveDate::MIN)) };
    }
    LAST.with(|last| {
        let (cached_days, cached_date) = last.get();
        if cached_days == days {
            return Some(cached_date);
        }
        let date = i32::try_from(days)
            .ok()?
            .checked_add(EPOCH_DAYS_FROM_CE)
            .and_then(NaiveDate::from_num_days_from_ce_opt)?;
        last.set((days, date));
        Some(date)
    })
}

/// The local date-time `value` `unit`s after the epoch.
pub fn naive_from_units(
    value: i64,
    unit: Unit,
    offset: usize,
    what: &'static str,
) -> Result<NaiveDateTime, DecodeError> {
    timestamp_from_units(value, unit, offset, what).map(|ts| ts.naive_utc())
}

/// `decimal`: the unscaled value as minimal big-endian two's complement (what Java's
/// `BigInteger.toByteArray` and fastavro write), after rescaling to the schema's scale.
pub fn decimal_to_bytes(value: &Decimal, precision: u32, scale: u32) -> Result<Vec<u8>, EncodeError> {
    let unscaled = unscaled(value, precision, scale)?;
    let bytes = unscaled.to_be_bytes();
    let sign = if unscaled < 0 { 0xff } else { 0x00 };
    // Drop leading sign bytes while the next byte still carries the sign bit.
    let mut start = 0;
    while start < 15 && bytes[start] == sign && (bytes[start + 1] & 0x80) == (sign & 0x80) {
        start += 1;
    }
    Ok(bytes[start..].to_vec())
}

/// `decimal` over a fixed of `size` bytes: sign-extended to the full size.
pub fn decimal_to_fixed(value: &Decimal, precision: u32, scale: u32, size: usize) -> Result<Vec<u8>, EncodeError> {
    let unscaled = unscaled(value, precision, scale)?;
    let sign = if unscaled < 0 { 0xff } else { 0x00 };
    let bytes = unscaled.to_be_bytes();
    let mut out = vec![sign; size.saturating_sub(16)];
    out.extend_from_slice(&bytes[16usize.saturating_sub(size)..]);
    Ok(out)
}

fn unscaled(value: &Decimal, precision: u32, scale: u32) -> Result<i128, EncodeError> {
    let does_not_fit = || EncodeError::DecimalDoesNotFit {
        value: value.to_string(),
        precision,
        scale,
    };
    let mut rescaled = *value;
    rescaled.rescale(scale);
    // rescale rounds when it has to drop digits, and caps the scale at 28: both mean the
    // value does not fit exactly.
    if rescaled != *value || rescaled.scale() != scale {
        return Err(does_not_fit());
    }
    let mantissa = rescaled.mantissa();
    if mantissa.unsigned_abs() >= 10u128.pow(precision.min(38)) {
        return Err(does_not_fit());
    }
    Ok(mantissa)
}

/// The decimal with the unscaled big-endian two's-complement `bytes` and `scale`.
pub fn decimal_from_bytes(bytes: &[u8], scale: u32, offset: usize) -> Result<Decimal, DecodeError> {
    let too_big = || out_of_range(offset, "decimal", "more than 28 digits or a scale above 28");
    let negative = bytes.first().is_some_and(|b| b & 0x80 != 0);
    let sign = if negative { 0xff } else { 0x00 };
    let significant = bytes
        .iter()
        .position(|b| *b != sign)
        .map_or(&bytes[bytes.len().saturating_sub(1)..], |i| &bytes[i..]);
    if significant.len() > 16 {
        return Err(too_big());
    }
    let mut unscaled: i128 = if negative { -1 } else { 0 };
    for b in significant {
        unscaled = (unscaled << 8) | i128::from(*b);
    }
    Decimal::try_from_i128_with_scale(unscaled, scale).map_err(|_| too_big())
}

/// `uuid` over a string: the canonical hyphenated lower-case form.
pub fn uuid_to_string(uuid: &Uuid) -> String {
    uuid.hyphenated().to_string()
}

/// Appends a `uuid` as its canonical string, without allocating.
pub fn write_uuid_str(buf: &mut Vec<u8>, uuid: &Uuid) {
    let mut text = Uuid::encode_buffer();
    crate::codec::write_str(buf, uuid.hyphenated().encode_lower(&mut text));
}

/// Parses a `uuid` string.
pub fn uuid_from_str(text: &str, offset: usize) -> Result<Uuid, DecodeError> {
    Uuid::try_parse(text).map_err(|err| out_of_range(offset, "uuid", format!("{text:?}: {err}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn decimals_are_minimal_twos_complement() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(decimal_to_bytes(&d("0"), 5, 2).unwrap(), [0x00]);
        assert_eq!(decimal_to_bytes(&d("1.27"), 5, 2).unwrap(), [0x7f]);
        assert_eq!(decimal_to_bytes(&d("1.28"), 5, 2).unwrap(), [0x00, 0x80]);
        assert_eq!(decimal_to_bytes(&d("-1.28"), 5, 2).unwrap(), [0x80]);
        assert_eq!(decimal_to_bytes(&d("-1.29"), 5, 2).unwrap(), [0xff, 0x7f]);
        assert_eq!(decimal_to_bytes(&d("-1.23"), 5, 2).unwrap(), [0x85]);
        assert_eq!(
            decimal_to_bytes(&d("1.5"), 5, 2).unwrap(),
            [0x00, 0x96],
            "rescaled to 150"
        );
        assert!(decimal_to_bytes(&d("1.234"), 5, 2).is_err(), "would round");
        assert!(decimal_to_bytes(&d("1000.00"), 5, 2).is_err(), "six digits");
        assert_eq!(
            decimal_to_fixed(&d("-1.23"), 5, 2, 4).unwrap(),
            [0xff, 0xff, 0xff, 0x85]
        );
        for s in ["0", "1.27", "-1.28", "-1.23", "999.99", "-999.99"] {
            let bytes = decimal_to_bytes(&d(s), 5, 2).unwrap();
            assert_eq!(decimal_from_bytes(&bytes, 2, 0).unwrap(), d(s));
        }
        assert_eq!(decimal_from_bytes(&[0xff, 0xff, 0x85], 2, 0).unwrap(), d("-1.23"));
    }

    #[test]
    fn times_and_timestamps_convert_both_ways() {
        let t = NaiveTime::from_hms_micro_opt(1, 2, 3, 4_005).unwrap();
        assert_eq!(time_to_units(&t, Unit::Millis, "time-millis"), Ok(3_723_004));
        assert_eq!(time_to_units(&t, Unit::Micros, "time-micros"), Ok(3_723_004_005));
        assert_eq!(time_from_units(3_723_004_005, Unit::Micros, 0, "time-micros"), Ok(t));
        assert!(time_from_units(86_400_000, Unit::Millis, 0, "time-millis").is_err());
        let ts = DateTime::from_timestamp_micros(-1).unwrap();
        assert_eq!(timestamp_to_units(&ts, Unit::Micros, "timestamp-micros"), Ok(-1));
        assert_eq!(
            timestamp_to_units(&ts, Unit::Millis, "timestamp-millis"),
            Ok(-1),
            "floor, as Java"
        );
        assert!(timestamp_from_units(i64::MAX, Unit::Millis, 0, "timestamp-millis").is_err());
        let far = NaiveDate::from_ymd_opt(3000, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        assert!(naive_to_units(&far, Unit::Nanos, "local-timestamp-nanos").is_err());
        assert_eq!(date_to_days(&NaiveDate::from_ymd_opt(1970, 1, 2).unwrap()), 1);
        assert_eq!(
            date_from_days(-1, 0),
            Ok(NaiveDate::from_ymd_opt(1969, 12, 31).unwrap())
        );
        assert!(date_from_days(i32::MAX, 0).is_err());
    }

    #[test]
    fn timestamps_decode_as_chrono_computes_them() {
        let day = 86_400_000i64;
        let mut values = vec![
            0,
            1,
            -1,
            999,
            -999,
            1_000,
            -1_000,
            day - 1,
            day,
            -day,
            -day - 1,
            i64::MAX,
            i64::MIN,
        ];
        values.extend((-40..40).map(|i| 1_700_000_000_123 + i * 37_123_457));
        values.extend((-40..40).map(|i| i * 9_876_543_210_987));
        for value in values {
            // Twice: once computed, once from the memoised day.
            for _ in 0..2 {
                assert_eq!(
                    timestamp_from_units(value, Unit::Millis, 0, "t").ok(),
                    DateTime::from_timestamp_millis(value),
                    "{value} ms"
                );
                assert_eq!(
                    timestamp_from_units(value, Unit::Micros, 0, "t").ok(),
                    DateTime::from_timestamp_micros(value),
                    "{value} us"
                );
                assert_eq!(
                    timestamp_from_units(value, Unit::Nanos, 0, "t").ok(),
                    Some(DateTime::from_timestamp_nanos(value)),
                    "{value} ns"
                );
            }
        }
    }
}
