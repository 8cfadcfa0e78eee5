//! How one Avro value becomes one column value: chosen once per (writer field type,
//! column type) when a row plan is built, then run on the bytes of every record with no
//! schema walking beyond what JSONB columns need.
//!
//! The pair, not the Avro type alone, decides: the same `timestamp-micros` is a
//! TIMESTAMPTZ in an avrokit table and a plain BIGINT in a JDBC connector's, and a writer
//! schema may carry an `int` where the table has the BIGINT of a later `long`.

use super::error::ValueError;
use super::numeric::{self, Numeric};
use super::value::SqlValue;
use crate::codec::Reader;
use crate::codec::logical::Unit;
use avrokit_schema::ir::{FixedLogical, Logical, NamedKind, Schema, SchemaSet};
use avrokit_schema::sql::mapping::SqlType;

/// Microseconds from 1970-01-01 (Avro's epoch) to 2000-01-01 (PostgreSQL's).
const EPOCH_SHIFT_MICROS: i64 = 946_684_800_000_000;
/// Days from 1970-01-01 to 2000-01-01.
const EPOCH_SHIFT_DAYS: i32 = 10_957;
/// PostgreSQL's timestamp range, microseconds since its epoch: 4714-11-24 BC up to, not
/// including, 294277-01-01 (`MIN_TIMESTAMP`, `END_TIMESTAMP`).
const TIMESTAMP_RANGE: std::ops::Range<i64> = -211_813_488_000_000_000..9_223_371_331_200_000_000;
/// PostgreSQL's date range, days since its epoch (`IS_VALID_DATE`).
const DATE_RANGE: std::ops::Range<i64> = -2_451_545..2_145_031_949;
/// Microseconds in a day: TIME admits 00:00 to 24:00 inclusive.
const MICROS_PER_DAY: i64 = 86_400_000_000;

/// The Avro number a REAL or DOUBLE column is fed from (Avro promotes all of them).
#[derive(Debug, Clone, Copy)]
pub(super) enum Number {
    Int,
    Long,
    Float,
    Double,
}

/// One field's decoding into its column.
#[derive(Debug, Clone)]
pub(super) enum Conversion {
    /// boolean → BOOLEAN
    Boolean,
    /// int → INTEGER
    Int4,
    /// int, long (and the raw numbers of logical types) → BIGINT; both are varints.
    Int8,
    /// a number → REAL
    Float4(Number),
    /// a number → DOUBLE PRECISION
    Float8(Number),
    /// string → TEXT
    Text,
    /// bytes → TEXT (Avro promotes bytes to string): must be UTF-8.
    TextFromBytes,
    /// bytes or string → BYTEA
    Bytea,
    /// fixed → BYTEA
    FixedBytea(usize),
    /// enum → TEXT: the symbol, and which symbols the column's CHECK admits.
    Symbol { symbols: Vec<String>, admitted: Vec<bool> },
    /// decimal (bytes, or fixed of `size`) → NUMERIC
    Numeric {
        fixed: Option<usize>,
        precision: u32,
        scale: u32,
    },
    /// uuid string → UUID
    UuidText,
    /// uuid fixed(16) → UUID
    UuidFixed,
    /// date → DATE
    Date,
    /// time-millis (an int) or time-micros (a long) → TIME
    Time(Unit),
    /// timestamp-*, local-timestamp-* → TIMESTAMPTZ or TIMESTAMP
    Timestamp(Unit),
    /// duration fixed(12) → INTERVAL
    Interval,
    /// anything → JSONB, in the Avro JSON encoding of this (writer) type
    Jsonb(Schema),
    /// map of scalars → HSTORE, each value as text
    Hstore(HstoreValue),
    /// array → `<element>[]`
    Array(Box<Conversion>),
    /// `["null", T]` → T or NULL
    Optional { null_index: usize, inner: Box<Conversion> },
}

/// How the writer's `avro` values fill a column of `column` (with `symbols` admitted when
/// it is an enum column), or `None` when they cannot.
pub(super) fn conversion(
    set: &SchemaSet,
    avro: &Schema,
    column: &SqlType,
    symbols: Option<&[String]>,
) -> Option<Conversion> {
    if let Some((inner, null_index)) = avro.as_optional() {
        let inner = Box::new(conversion(set, inner, column, symbols)?);
        return Some(Conversion::Optional { null_index, inner });
    }
    Some(match (avro, column) {
        (Schema::Boolean, SqlType::Boolean) => Conversion::Boolean,
        (Schema::Int, SqlType::Integer) => Conversion::Int4,
        (Schema::Int | Schema::Long, SqlType::BigInt) => Conversion::Int8,
        (Schema::Int | Schema::Long | Schema::Float, SqlType::Real) => Conversion::Float4(number(avro)?),
        (Schema::Int | Schema::Long | Schema::Float | Schema::Double, SqlType::Double) => {
            Conversion::Float8(number(avro)?)
        }
        (Schema::String, SqlType::Text) => Conversion::Text,
        (Schema::Bytes, SqlType::Text) => Conversion::TextFromBytes,
        (Schema::String | Schema::Bytes, SqlType::Bytea) => Conversion::Bytea,
        (Schema::Logical(logical), _) => logical_conversion(set, *logical, column, symbols)?,
        (Schema::Named(id), _) => match (&set.get(*id).kind, column) {
            (NamedKind::Enum(e), SqlType::Text) => Conversion::Symbol {
                admitted: e
                    .symbols
                    .iter()
                    .map(|s| symbols.is_none_or(|admitted| admitted.contains(s)))
                    .collect(),
                symbols: e.symbols.clone(),
            },
            (NamedKind::Fixed(f), SqlType::Bytea) => Conversion::FixedBytea(f.size),
            (NamedKind::Fixed(f), SqlType::Numeric(_)) => match f.logical {
                Some(FixedLogical::Decimal(d)) => numeric_conversion(Some(f.size), d.precision, d.scale, column)?,
                _ => return None,
            },
            (NamedKind::Fixed(f), SqlType::Uuid) if f.logical == Some(FixedLogical::Uuid) && f.size == 16 => {
                Conversion::UuidFixed
            }
            (NamedKind::Fixed(f), SqlType::Interval) if f.logical == Some(FixedLogical::Duration) && f.size == 12 => {
                Conversion::Interval
            }
            (_, SqlType::Jsonb) => Conversion::Jsonb(avro.clone()),
            _ => return None,
        },
        (Schema::Array(items), SqlType::Array(element)) => {
            Conversion::Array(Box::new(conversion(set, items, element, symbols)?))
        }
        (Schema::Map(values), SqlType::Hstore) => Conversion::Hstore(HstoreValue::of(set, values)?),
        (_, SqlType::Jsonb) => Conversion::Jsonb(avro.clone()),
        _ => return None,
    })
}

fn number(avro: &Schema) -> Option<Number> {
    Some(match avro {
        Schema::Int => Number::Int,
        Schema::Long => Number::Long,
        Schema::Float => Number::Float,
        Schema::Double => Number::Double,
        _ => return None,
    })
}

fn logical_conversion(
    set: &SchemaSet,
    logical: Logical,
    column: &SqlType,
    symbols: Option<&[String]>,
) -> Option<Conversion> {
    Some(match (logical, column) {
        (Logical::Decimal(d), SqlType::Numeric(_)) => numeric_conversion(None, d.precision, d.scale, column)?,
        (Logical::Uuid, SqlType::Uuid) => Conversion::UuidText,
        (Logical::Date, SqlType::Date) => Conversion::Date,
        (Logical::TimeMillis, SqlType::Time) => Conversion::Time(Unit::Millis),
        (Logical::TimeMicros, SqlType::Time) => Conversion::Time(Unit::Micros),
        (Logical::TimestampMillis | Logical::LocalTimestampMillis, SqlType::TimestampTz | SqlType::Timestamp) => {
            Conversion::Timestamp(Unit::Millis)
        }
        (Logical::TimestampMicros | Logical::LocalTimestampMicros, SqlType::TimestampTz | SqlType::Timestamp) => {
            Conversion::Timestamp(Unit::Micros)
        }
        (Logical::TimestampNanos | Logical::LocalTimestampNanos, SqlType::TimestampTz | SqlType::Timestamp) => {
            Conversion::Timestamp(Unit::Nanos)
        }
        // What the JDBC connectors see: the underlying number or string (README, "Sink
        // DDL": Connect's AvroData leaves these logical types unmapped).
        (logical, _) => conversion(set, &logical.base(), column, symbols)?,
    })
}

fn numeric_conversion(fixed: Option<usize>, precision: u32, scale: u32, column: &SqlType) -> Option<Conversion> {
    let fits = match column {
        SqlType::Numeric(Some((_, column_scale))) => *column_scale == scale,
        _ => true,
    };
    (fits && precision <= numeric::MAX_PRECISION && scale <= precision).then_some(Conversion::Numeric {
        fixed,
        precision,
        scale,
    })
}

/// A map value Debezium keeps in an hstore: a scalar, written as its text.
#[derive(Debug, Clone)]
pub(super) enum HstoreValue {
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Text,
    Symbol(Vec<String>),
}

impl HstoreValue {
    fn of(set: &SchemaSet, avro: &Schema) -> Option<Self> {
        Some(match avro {
            Schema::Boolean => HstoreValue::Boolean,
            Schema::Int => HstoreValue::Int,
            Schema::Long => HstoreValue::Long,
            Schema::Float => HstoreValue::Float,
            Schema::Double => HstoreValue::Double,
            Schema::String => HstoreValue::Text,
            Schema::Logical(logical) => return Self::of(set, &logical.base()),
            Schema::Named(id) => match &set.get(*id).kind {
                NamedKind::Enum(e) => HstoreValue::Symbol(e.symbols.clone()),
                _ => return None,
            },
            _ => return None,
        })
    }

    fn read_text(&self, r: &mut Reader<'_>) -> Result<String, ValueError> {
        Ok(match self {
            HstoreValue::Boolean => r.read_bool()?.to_string(),
            HstoreValue::Int => r.read_int()?.to_string(),
            HstoreValue::Long => r.read_long()?.to_string(),
            HstoreValue::Float => r.read_float()?.to_string(),
            HstoreValue::Double => r.read_double()?.to_string(),
            HstoreValue::Text => r.read_str()?.to_owned(),
            HstoreValue::Symbol(symbols) => symbols[r.read_enum_index(symbols.len())?].clone(),
        })
    }
}

fn out_of_range(what: &'static str, value: impl ToString, sql: &'static str) -> ValueError {
    ValueError::OutOfRange {
        what,
        value: value.to_string(),
        sql,
    }
}

fn text(value: &str, sql: &'static str) -> Result<SqlValue, ValueError> {
    if value.contains('\0') {
        return Err(ValueError::Nul { sql });
    }
    Ok(SqlValue::Text(value.to_owned()))
}

/// Avro units since 1970 → microseconds since 2000, inside PostgreSQL's range.
fn timestamp(value: i64, unit: Unit) -> Result<i64, ValueError> {
    let micros = match unit {
        Unit::Millis => value.checked_mul(1_000),
        Unit::Micros => Some(value),
        // PostgreSQL keeps microseconds: truncated toward the past, as README says.
        Unit::Nanos => Some(value.div_euclid(1_000)),
    };
    micros
        .and_then(|m| m.checked_sub(EPOCH_SHIFT_MICROS))
        .filter(|m| TIMESTAMP_RANGE.contains(m))
        .ok_or_else(|| out_of_range("timestamp", value, "TIMESTAMP"))
}

impl Conversion {
    /// Reads one value from `r` and converts it.
    pub(super) fn decode(&self, set: &SchemaSet, r: &mut Reader<'_>) -> Result<SqlValue, ValueError> {
        Ok(match self {
            Conversion::Boolean => SqlValue::Bool(r.read_bool()?),
            Conversion::Int4 => SqlValue::Int4(r.read_int()?),
            Conversion::Int8 => SqlValue::Int8(r.read_long()?),
            Conversion::Float4(n) => SqlValue::Float4(match n {
                Number::Int => r.read_int()? as f32,
                Number::Long => r.read_long()? as f32,
                _ => r.read_float()?,
            }),
            Conversion::Float8(n) => SqlValue::Float8(match n {
                Number::Int => f64::from(r.read_int()?),
                Number::Long => r.read_long()? as f64,
                Number::Float => f64::from(r.read_float()?),
                Number::Double => r.read_double()?,
            }),
            Conversion::Text => text(r.read_str()?, "TEXT")?,
            Conversion::TextFromBytes => text(
                std::str::from_utf8(r.read_bytes()?).map_err(|_| ValueError::NotUtf8)?,
                "TEXT",
            )?,
            Conversion::Bytea => SqlValue::Bytea(r.read_bytes()?.to_vec()),
            Conversion::FixedBytea(size) => {
                let start = r.position();
                r.skip_fixed(*size)?;
                SqlValue::Bytea(r.consumed_since(start).to_vec())
            }
            Conversion::Symbol { symbols, admitted } => {
                let index = r.read_enum_index(symbols.len())?;
                if !admitted[index] {
                    return Err(ValueError::Symbol(symbols[index].clone()));
                }
                SqlValue::Text(symbols[index].clone())
            }
            Conversion::Numeric {
                fixed,
                precision,
                scale,
            } => {
                let bytes = match fixed {
                    Some(size) => {
                        let start = r.position();
                        r.skip_fixed(*size)?;
                        r.consumed_since(start)
                    }
                    None => r.read_bytes()?,
                };
                // Sign-extension bytes carry no digits; past them, each byte adds at
                // most 2.41 digits, so this bounds the conversion before it runs.
                let significant = bytes
                    .iter()
                    .position(|b| *b != 0 && *b != 0xff)
                    .map_or(0, |i| bytes.len() - i);
                if significant > (*precision as usize * 10).div_ceil(24) + 1 {
                    return Err(out_of_range("decimal", format!("of {} bytes", bytes.len()), "NUMERIC"));
                }
                let value = Numeric::from_unscaled(bytes, *scale);
                if value.precision() > *precision as usize {
                    return Err(out_of_range("decimal", &value, "its precision"));
                }
                SqlValue::Numeric(value)
            }
            Conversion::UuidText => {
                let offset = r.position();
                let text = r.read_str()?;
                SqlValue::Uuid(*crate::codec::logical::uuid_from_str(text, offset)?.as_bytes())
            }
            Conversion::UuidFixed => SqlValue::Uuid(r.read_fixed::<16>()?),
            Conversion::Date => {
                let days = i64::from(r.read_int()?) - i64::from(EPOCH_SHIFT_DAYS);
                if !DATE_RANGE.contains(&days) {
                    return Err(out_of_range("date", days + i64::from(EPOCH_SHIFT_DAYS), "DATE"));
                }
                SqlValue::Date(days as i32)
            }
            Conversion::Time(unit) => {
                let micros = match unit {
                    Unit::Millis => i64::from(r.read_int()?) * 1_000,
                    _ => r.read_long()?,
                };
                if !(0..=MICROS_PER_DAY).contains(&micros) {
                    return Err(out_of_range("time of day", format!("{micros} µs"), "TIME"));
                }
                SqlValue::Time(micros)
            }
            Conversion::Timestamp(unit) => SqlValue::Timestamp(timestamp(r.read_long()?, *unit)?),
            Conversion::Interval => {
                let duration = crate::Duration::from_le_bytes(r.read_fixed::<12>()?);
                let months =
                    i32::try_from(duration.months).map_err(|_| out_of_range("months", duration.months, "INTERVAL"))?;
                let days = i32::try_from(duration.days).map_err(|_| out_of_range("days", duration.days, "INTERVAL"))?;
                SqlValue::Interval {
                    months,
                    days,
                    micros: i64::from(duration.millis) * 1_000,
                }
            }
            Conversion::Jsonb(schema) => {
                let json = crate::avro_json::read(set, schema, r)?;
                if json.is_null() {
                    // Only a union's null branch reads as a bare null: the field is empty.
                    return Ok(SqlValue::Null);
                }
                if holds_nul(&json) {
                    return Err(ValueError::Nul { sql: "JSONB" });
                }
                SqlValue::Jsonb(json.to_string())
            }
            Conversion::Hstore(value) => {
                let mut pairs = Vec::new();
                crate::codec::for_each_item(r, |r| {
                    let key = r.read_str()?;
                    let text = value.read_text(r)?;
                    if key.contains('\0') || text.contains('\0') {
                        return Err(ValueError::Nul { sql: "HSTORE" });
                    }
                    pairs.push((key.to_owned(), text));
                    Ok(())
                })?;
                SqlValue::Hstore(pairs)
            }
            Conversion::Array(element) => {
                let mut items = Vec::new();
                crate::codec::for_each_item(r, |r| {
                    items.push(element.decode(set, r)?);
                    Ok::<_, ValueError>(())
                })?;
                SqlValue::Array(items)
            }
            Conversion::Optional { null_index, inner } => {
                let index = r.read_union_index(2)?;
                if index == *null_index {
                    SqlValue::Null
                } else {
                    inner.decode(set, r)?
                }
            }
        })
    }
}

/// Whether a JSON value holds U+0000 anywhere, which JSONB refuses.
fn holds_nul(json: &serde_json::Value) -> bool {
    match json {
        serde_json::Value::String(s) => s.contains('\0'),
        serde_json::Value::Array(items) => items.iter().any(holds_nul),
        serde_json::Value::Object(entries) => entries.iter().any(|(k, v)| k.contains('\0') || holds_nul(v)),
        _ => false,
    }
}
