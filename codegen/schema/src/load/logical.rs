//! Logical types: which `logicalType` may annotate which underlying type, and their
//! parameters.
//!
//! The specification lets readers ignore an invalid logical type and fall back to the
//! underlying type, and Java's parser does. For a schema author that silently changes the
//! generated Rust type and the SQL column, so a *known* logical type on the wrong base
//! type or with bad parameters is reported: as a warning by default (the schema loads, as
//! it does for the registry, with the underlying type), as an error with
//! [`Strictness::Strict`](crate::Strictness::Strict). An *unknown* logical type falls
//! back to the underlying type silently, as the specification says.

use crate::diagnostic::Diagnostic;
use crate::ir::{Decimal, FixedLogical, Logical, Schema};
use crate::json::{Json, Member};
use crate::source::SourceFile;

/// The logical type of a primitive schema object (`{"type": "long", "logicalType": ...}`).
pub(super) fn primitive_logical(file: &SourceFile, json: &Json, base: &Schema) -> Result<Option<Logical>, Diagnostic> {
    let Some(member) = json.get("logicalType") else {
        return Ok(None);
    };
    let Some(name) = member.value.as_str() else {
        return Err(not_a_string(file, member));
    };
    let logical = match name {
        "decimal" => Logical::Decimal(decimal(file, json, member, None)?),
        "uuid" => Logical::Uuid,
        "date" => Logical::Date,
        "time-millis" => Logical::TimeMillis,
        "time-micros" => Logical::TimeMicros,
        "timestamp-millis" => Logical::TimestampMillis,
        "timestamp-micros" => Logical::TimestampMicros,
        "timestamp-nanos" => Logical::TimestampNanos,
        "local-timestamp-millis" => Logical::LocalTimestampMillis,
        "local-timestamp-micros" => Logical::LocalTimestampMicros,
        "local-timestamp-nanos" => Logical::LocalTimestampNanos,
        "duration" => {
            return Err(Diagnostic::at(
                file,
                member.value.span,
                "logical type `duration` annotates a fixed of size 12, not a primitive",
            )
            .with_hint(r#"write {"type": "fixed", "name": "...", "size": 12, "logicalType": "duration"}"#));
        }
        _ => return Ok(None),
    };
    if &logical.base() != base {
        let base_name = primitive_name(base);
        let expected = primitive_name(&logical.base());
        let also_fixed = matches!(logical, Logical::Decimal(_) | Logical::Uuid);
        return Err(Diagnostic::at(
            file,
            member.value.span,
            format!(
                "logical type `{name}` annotates `{expected}`{}, not `{base_name}`",
                if also_fixed { " or a fixed" } else { "" }
            ),
        )
        .with_hint(format!(r#"write {{"type": "{expected}", "logicalType": "{name}"}}"#)));
    }
    Ok(Some(logical))
}

/// The logical type of a fixed definition.
pub(super) fn fixed_logical(file: &SourceFile, json: &Json, size: usize) -> Result<Option<FixedLogical>, Diagnostic> {
    let Some(member) = json.get("logicalType") else {
        return Ok(None);
    };
    let Some(name) = member.value.as_str() else {
        return Err(not_a_string(file, member));
    };
    let size_error = |expected: usize| {
        Diagnostic::at(
            file,
            member.value.span,
            format!("logical type `{name}` needs a fixed of size {expected}, this one has size {size}"),
        )
        .with_hint(format!("set \"size\": {expected}"))
    };
    match name {
        "decimal" => Ok(Some(FixedLogical::Decimal(decimal(file, json, member, Some(size))?))),
        "uuid" if size == 16 => Ok(Some(FixedLogical::Uuid)),
        "uuid" => Err(size_error(16)),
        "duration" if size == 12 => Ok(Some(FixedLogical::Duration)),
        "duration" => Err(size_error(12)),
        "date"
        | "time-millis"
        | "time-micros"
        | "timestamp-millis"
        | "timestamp-micros"
        | "timestamp-nanos"
        | "local-timestamp-millis"
        | "local-timestamp-micros"
        | "local-timestamp-nanos" => {
            let base = if matches!(name, "date" | "time-millis") {
                "int"
            } else {
                "long"
            };
            Err(Diagnostic::at(
                file,
                member.value.span,
                format!("logical type `{name}` annotates `{base}`, not a fixed"),
            )
            .with_hint(format!(
                r#"write {{"type": "{base}", "logicalType": "{name}"}} where the fixed is used"#
            )))
        }
        _ => Ok(None),
    }
}

/// The warning for a logical type the loader ignores: the problem, what the type is read
/// as instead, and the same hint.
pub(super) fn ignored(mut diagnostic: Diagnostic, underlying: &str) -> Diagnostic {
    diagnostic.message = format!(
        "{}; the logical type is ignored, as the specification says, and the type read as a plain `{underlying}`",
        diagnostic.message
    );
    diagnostic.into_warning()
}

/// The smallest fixed size whose two's-complement integers hold `precision` digits.
fn min_fixed_size(precision: u32) -> usize {
    // Start from the estimate (a sign bit plus log2(10) bits per digit) and correct it,
    // rather than count up from 1: precisions run into the billions.
    let bits = (f64::from(precision) / std::f64::consts::LOG10_2).ceil() as usize + 1;
    let mut size = bits.div_ceil(8).max(1);
    while size > 1 && max_fixed_precision(size - 1) >= precision {
        size -= 1;
    }
    while max_fixed_precision(size) < precision {
        size += 1;
    }
    size
}

/// The source text of a value, for messages ("found -10").
fn json_text<'f>(file: &'f SourceFile, json: &Json) -> &'f str {
    file.text().get(json.span.start..json.span.end).unwrap_or("this")
}

/// The largest precision a two's-complement integer of `size` bytes can hold.
pub(crate) fn max_fixed_precision(size: usize) -> u32 {
    if size == 0 {
        return 0;
    }
    // floor(log10(2^(8n-1) - 1)); the f64 estimate is exact away from integer boundaries,
    // which powers of two never hit.
    let bits = (8 * size as u64 - 1) as f64;
    (bits * std::f64::consts::LOG10_2).floor() as u32
}

fn not_a_string(file: &SourceFile, member: &Member) -> Diagnostic {
    Diagnostic::at(
        file,
        member.value.span,
        format!("`logicalType` must be a string, found {}", member.value.kind_name()),
    )
    .with_hint(r#"write the logical type's name, e.g. "logicalType": "timestamp-millis""#)
}

/// The parameters of a decimal whose `logicalType` member is `logical`.
fn decimal(file: &SourceFile, json: &Json, logical: &Member, fixed_size: Option<usize>) -> Result<Decimal, Diagnostic> {
    let Some(precision_member) = json.get("precision") else {
        return Err(Diagnostic::at(file, logical.value.span, "decimal has no `precision`")
            .with_hint(r#"add the total number of digits, e.g. "precision": 10"#));
    };
    let precision = precision_member
        .value
        .as_i64()
        .and_then(|p| u32::try_from(p).ok())
        .filter(|p| *p > 0)
        .ok_or_else(|| {
            Diagnostic::at(
                file,
                precision_member.value.span,
                format!(
                    "decimal `precision` must be a positive integer, found {}",
                    json_text(file, &precision_member.value)
                ),
            )
            .with_hint(r#"the precision is the total number of digits, at least 1, e.g. "precision": 10"#)
        })?;
    let scale = match json.get("scale") {
        None => 0,
        Some(member) => member
            .value
            .as_i64()
            .and_then(|s| u32::try_from(s).ok())
            .ok_or_else(|| {
                Diagnostic::at(
                    file,
                    member.value.span,
                    format!(
                        "decimal `scale` must be a non-negative integer, found {}",
                        json_text(file, &member.value)
                    ),
                )
                .with_hint(r#"the scale is the number of digits after the point, e.g. "scale": 2 (0 when omitted)"#)
            })?,
    };
    if scale > precision {
        let span = json.get("scale").map_or(json.span, |m| m.value.span);
        return Err(Diagnostic::at(
            file,
            span,
            format!("decimal `scale` {scale} is greater than its `precision` {precision}"),
        )
        .with_hint(format!(
            "lower the scale to at most {precision} or raise the precision: the scale counts the digits after the point, which are part of the precision's total"
        )));
    }
    if let Some(size) = fixed_size {
        let max = max_fixed_precision(size);
        if precision > max {
            return Err(Diagnostic::at(
                file,
                precision_member.value.span,
                format!("decimal precision {precision} does not fit a fixed of {size} bytes (at most {max} digits)"),
            )
            .with_hint(format!(
                "a precision of {precision} needs a fixed of {} bytes; increase the size or lower the precision",
                min_fixed_size(precision)
            )));
        }
    }
    Ok(Decimal { precision, scale })
}

fn primitive_name(schema: &Schema) -> &'static str {
    match schema {
        Schema::Int => "int",
        Schema::Long => "long",
        Schema::Bytes => "bytes",
        Schema::String => "string",
        Schema::Boolean => "boolean",
        Schema::Float => "float",
        Schema::Double => "double",
        _ => "null",
    }
}

#[cfg(test)]
mod tests {
    use super::{max_fixed_precision, min_fixed_size};

    #[test]
    fn fixed_precision_limits_match_the_spec_table() {
        // From the Avro specification's decimal section.
        let expected = [(1, 2), (2, 4), (3, 6), (4, 9), (5, 11), (8, 18), (16, 38)];
        for (size, digits) in expected {
            assert_eq!(max_fixed_precision(size), digits, "size {size}");
            assert_eq!(min_fixed_size(digits), size, "precision {digits}");
        }
        assert_eq!(min_fixed_size(10), 5);
        assert_eq!(max_fixed_precision(min_fixed_size(u32::MAX)), u32::MAX);
    }
}
