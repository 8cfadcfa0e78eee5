//! [`SqlValue`]: one column value of a row, already in PostgreSQL's terms, and its binary
//! encoding, which bind parameters and binary COPY carry alike.

use super::numeric::Numeric;
use super::plan::Row;
use bytes::{BufMut, BytesMut};
use postgres_protocol::types as wire;
use std::error::Error;
use tokio_postgres::types::{IsNull, Kind, ToSql, Type, to_sql_checked};

/// A column value decoded from Avro, ready to be sent.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    /// `NULL`.
    Null,
    /// `BOOLEAN`.
    Bool(bool),
    /// `INTEGER`.
    Int4(i32),
    /// `BIGINT`.
    Int8(i64),
    /// `REAL`.
    Float4(f32),
    /// `DOUBLE PRECISION`.
    Float8(f64),
    /// `TEXT` (strings, enum symbols).
    Text(String),
    /// `BYTEA`.
    Bytea(Vec<u8>),
    /// `NUMERIC`.
    Numeric(Numeric),
    /// `UUID`, its 16 bytes.
    Uuid([u8; 16]),
    /// `DATE`: days since 2000-01-01, PostgreSQL's epoch.
    Date(i32),
    /// `TIME`: microseconds after midnight.
    Time(i64),
    /// `TIMESTAMPTZ` or `TIMESTAMP`: microseconds since 2000-01-01 00:00 (UTC for
    /// TIMESTAMPTZ).
    Timestamp(i64),
    /// `INTERVAL`, in PostgreSQL's three parts.
    Interval {
        /// Months.
        months: i32,
        /// Days.
        days: i32,
        /// Microseconds.
        micros: i64,
    },
    /// `JSONB`, as JSON text.
    Jsonb(String),
    /// `HSTORE`, its entries.
    Hstore(Vec<(String, String)>),
    /// A one-dimensional array.
    Array(Vec<SqlValue>),
}

/// One column of a batch's rows as a one-dimensional array parameter, for
/// `unnest($n::type[])`.
#[derive(Debug)]
pub(super) struct ColumnArray<'a> {
    /// The rows.
    pub rows: &'a [Row],
    /// Which of their values.
    pub column: usize,
}

impl ToSql for ColumnArray<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        array_to_sql(self.rows.iter().map(|row| &row.values[self.column]), ty, out)
    }

    /// Every array type: the statement casts each parameter to its column's array type.
    fn accepts(ty: &Type) -> bool {
        matches!(ty.kind(), Kind::Array(_))
    }

    to_sql_checked!();
}

/// `elements` as a one-dimensional array of `ty` (an array type), each in its binary form.
fn array_to_sql<'a, I>(elements: I, ty: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn Error + Sync + Send>>
where
    I: IntoIterator<Item = &'a SqlValue>,
    I::IntoIter: ExactSizeIterator,
{
    let Kind::Array(member) = ty.kind() else {
        return Err(format!("an array for a column of type {ty}").into());
    };
    let elements = elements.into_iter();
    let dimension = wire::ArrayDimension {
        len: i32::try_from(elements.len())?,
        lower_bound: 1,
    };
    wire::array_to_sql(
        Some(dimension),
        member.oid(),
        elements,
        |element, out| match element.to_sql(member, out)? {
            IsNull::Yes => Ok(postgres_protocol::IsNull::Yes),
            IsNull::No => Ok(postgres_protocol::IsNull::No),
        },
        out,
    )?;
    Ok(IsNull::No)
}

/// The version byte that starts JSONB's binary form.
const JSONB_VERSION: u8 = 1;

impl ToSql for SqlValue {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        match self {
            SqlValue::Null => return Ok(IsNull::Yes),
            SqlValue::Bool(v) => wire::bool_to_sql(*v, out),
            SqlValue::Int4(v) => wire::int4_to_sql(*v, out),
            SqlValue::Int8(v) => wire::int8_to_sql(*v, out),
            SqlValue::Float4(v) => wire::float4_to_sql(*v, out),
            SqlValue::Float8(v) => wire::float8_to_sql(*v, out),
            SqlValue::Text(v) => wire::text_to_sql(v, out),
            SqlValue::Bytea(v) => wire::bytea_to_sql(v, out),
            SqlValue::Numeric(v) => v.write(out),
            SqlValue::Uuid(v) => wire::uuid_to_sql(*v, out),
            SqlValue::Date(v) => wire::date_to_sql(*v, out),
            SqlValue::Time(v) => wire::time_to_sql(*v, out),
            SqlValue::Timestamp(v) => wire::timestamp_to_sql(*v, out),
            SqlValue::Interval { months, days, micros } => {
                out.put_i64(*micros);
                out.put_i32(*days);
                out.put_i32(*months);
            }
            SqlValue::Jsonb(text) => {
                out.put_u8(JSONB_VERSION);
                out.put_slice(text.as_bytes());
            }
            SqlValue::Hstore(entries) => {
                wire::hstore_to_sql(entries.iter().map(|(k, v)| (k.as_str(), Some(v.as_str()))), out)?;
            }
            SqlValue::Array(elements) => return array_to_sql(elements, ty, out),
        }
        Ok(IsNull::No)
    }

    /// Every type: the sink compares the table's column types with its table model when
    /// it starts, so a value always meets the column it was planned for.
    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}
