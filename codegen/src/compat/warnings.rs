//! Logical-type changes the reference checker lets through (it compares underlying types
//! only) although the same bytes then mean something else: a count of milliseconds read as
//! microseconds, a UTC instant read as local time, a decimal's digits shifted by a new
//! scale, a day number read as a plain int.

use crate::ir::{Decimal, FixedLogical, Logical, Schema};

/// The warning for two readable primitives (same kind or a promotion), if their logical
/// types differ in meaning.
pub(super) fn primitive_change(reader: &Schema, writer: &Schema) -> Option<String> {
    let reader_logical = logical(reader);
    let writer_logical = logical(writer);
    match (reader_logical, writer_logical) {
        (None, None) => None,
        (Some(r), Some(w)) if r == w => None,
        (Some(Logical::Decimal(r)), Some(Logical::Decimal(w))) => decimal_change(r, w),
        (Some(r), Some(w)) => Some(format!(
            "the writer's {} is read as {}: {}",
            describe(w),
            describe(r),
            between(r, w)
        )),
        (Some(r), None) => Some(format!(
            "the writer's plain {} is read as {}: its values get a meaning they were not written with",
            plain(writer),
            describe(r)
        )),
        (None, Some(w)) => Some(format!(
            "the writer's {} is read as a plain {}: readers lose its meaning ({})",
            describe(w),
            plain(reader),
            meaning(w)
        )),
    }
}

/// The warning for two fixed types of equal size whose logical types differ.
pub(super) fn fixed_change(reader: Option<FixedLogical>, writer: Option<FixedLogical>) -> Option<String> {
    match (reader, writer) {
        (Some(FixedLogical::Decimal(r)), Some(FixedLogical::Decimal(w))) => decimal_change(r, w),
        (r, w) if r == w => None,
        (r, w) => Some(format!(
            "the writer's {} is read as {}: the same bytes, another meaning",
            fixed_name(w),
            fixed_name(r)
        )),
    }
}

fn logical(schema: &Schema) -> Option<Logical> {
    match schema {
        Schema::Logical(logical) => Some(*logical),
        _ => None,
    }
}

fn decimal_change(reader: Decimal, writer: Decimal) -> Option<String> {
    if reader.scale != writer.scale {
        // The bytes hold the unscaled integer: a new scale moves the decimal point.
        Some(format!(
            "decimal scale changes from {} to {}: every value is read 10^{} times {}",
            writer.scale,
            reader.scale,
            reader.scale.abs_diff(writer.scale),
            if reader.scale > writer.scale {
                "smaller"
            } else {
                "larger"
            }
        ))
    } else if reader.precision < writer.precision {
        Some(format!(
            "decimal precision shrinks from {} to {}: values with more digits no longer fit",
            writer.precision, reader.precision
        ))
    } else {
        None
    }
}

fn describe(logical: Logical) -> String {
    match logical {
        Logical::Decimal(d) => format!("decimal({}, {})", d.precision, d.scale),
        other => other.name().to_owned(),
    }
}

fn plain(schema: &Schema) -> &'static str {
    match schema {
        Schema::Int => "int",
        Schema::Long => "long",
        Schema::Float => "float",
        Schema::Double => "double",
        Schema::Bytes => "bytes",
        Schema::String => "string",
        Schema::Logical(logical) => match logical.base() {
            Schema::Int => "int",
            Schema::Long => "long",
            Schema::Bytes => "bytes",
            _ => "string",
        },
        _ => "value",
    }
}

fn fixed_name(logical: Option<FixedLogical>) -> String {
    match logical {
        None => "plain fixed".to_owned(),
        Some(FixedLogical::Decimal(d)) => format!("decimal({}, {})", d.precision, d.scale),
        Some(FixedLogical::Uuid) => "uuid".to_owned(),
        Some(FixedLogical::Duration) => "duration".to_owned(),
    }
}

/// The unit of a time-like logical type and whether it is an instant in UTC.
fn time_unit(logical: Logical) -> Option<(&'static str, bool)> {
    Some(match logical {
        Logical::TimestampMillis => ("milliseconds", true),
        Logical::TimestampMicros => ("microseconds", true),
        Logical::TimestampNanos => ("nanoseconds", true),
        Logical::LocalTimestampMillis => ("milliseconds", false),
        Logical::LocalTimestampMicros => ("microseconds", false),
        Logical::LocalTimestampNanos => ("nanoseconds", false),
        _ => return None,
    })
}

fn between(reader: Logical, writer: Logical) -> String {
    match (time_unit(reader), time_unit(writer)) {
        (Some((r_unit, r_utc)), Some((w_unit, w_utc))) if r_unit != w_unit => {
            let zone = if r_utc == w_utc {
                ""
            } else {
                ", and the time zone changes"
            };
            format!("{w_unit} are read as {r_unit}{zone}")
        }
        (Some((_, r_utc)), Some(_)) => format!(
            "an instant {} is read as {}",
            if r_utc { "in local time" } else { "in UTC" },
            if r_utc { "one in UTC" } else { "a local date-time" }
        ),
        _ => format!("{} values are read as {}", meaning(writer), meaning(reader)),
    }
}

fn meaning(logical: Logical) -> &'static str {
    match logical {
        Logical::Decimal(_) => "scaled decimal digits",
        Logical::Uuid => "UUIDs",
        Logical::Date => "days since the epoch",
        Logical::TimeMillis => "milliseconds after midnight",
        Logical::TimeMicros => "microseconds after midnight",
        Logical::TimestampMillis | Logical::LocalTimestampMillis => "milliseconds since the epoch",
        Logical::TimestampMicros | Logical::LocalTimestampMicros => "microseconds since the epoch",
        Logical::TimestampNanos | Logical::LocalTimestampNanos => "nanoseconds since the epoch",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_units_and_zones() {
        let millis = Schema::Logical(Logical::TimestampMillis);
        let micros = Schema::Logical(Logical::TimestampMicros);
        let local = Schema::Logical(Logical::LocalTimestampMillis);
        assert_eq!(
            primitive_change(&micros, &millis).unwrap(),
            "the writer's timestamp-millis is read as timestamp-micros: milliseconds are read as microseconds"
        );
        assert!(
            primitive_change(&local, &millis)
                .unwrap()
                .contains("in UTC is read as a local date-time")
        );
        assert_eq!(primitive_change(&millis, &millis), None);
        assert!(primitive_change(&Schema::Long, &millis).unwrap().contains("plain long"));
    }

    #[test]
    fn decimal_scale_and_precision() {
        let d = |precision, scale| Schema::Logical(Logical::Decimal(Decimal { precision, scale }));
        assert!(
            primitive_change(&d(6, 3), &d(4, 2))
                .unwrap()
                .contains("scale changes from 2 to 3")
        );
        assert!(
            primitive_change(&d(4, 2), &d(6, 2))
                .unwrap()
                .contains("precision shrinks")
        );
        assert_eq!(primitive_change(&d(8, 2), &d(6, 2)), None);
    }
}
