//! Binary `COPY … FROM STDIN` of a batch's rows, streamed in chunks of [`CHUNK`] bytes:
//! PostgreSQL inserts the first rows while the rest are encoded, and the first chunk is
//! encoded while PostgreSQL answers the `COPY` itself. (tokio-postgres's
//! `BinaryCopyInWriter` sends, and wakes the connection's task, every 4 KiB.)

use super::error::SinkError;
use super::plan::{Row, RowPlan};
use avrokit_schema::sql::table::Table;
use bytes::{BufMut, Bytes, BytesMut};
use futures_sink::Sink;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use tokio_postgres::CopyInSink;
use tokio_postgres::types::{IsNull, ToSql, Type};

/// The binary COPY header: the signature, no flags, no header extension.
const HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";

/// The most bytes encoded before they are sent.
const CHUNK: usize = 16 * 1024;

/// The table a group's rows go to, the plan that made them, and the table's value
/// column types.
pub(super) type Target<'a> = (&'a Table, &'a RowPlan, &'a [Type]);

/// Sends `rows` into the COPY that `start` starts (of `target`'s plan columns) and ends
/// it; the number of rows PostgreSQL copied. `doing` names the copy in errors.
pub(super) async fn send(
    start: impl Future<Output = Result<CopyInSink<Bytes>, tokio_postgres::Error>>,
    target: Target<'_>,
    rows: &[Row],
    doing: impl Fn() -> String,
) -> Result<u64, SinkError> {
    let database = |e| SinkError::database(doing(), e);
    let (table, plan, types) = target;
    let columns: Vec<(&str, &Type)> = plan
        .columns()
        .iter()
        .map(|i| (table.columns[*i].ident.as_str(), &types[*i]))
        .collect();
    let mut chunks = Chunks::new(&columns, rows)?;
    let (sink, first) = tokio::join!(start, async { chunks.next() });
    let mut sink = std::pin::pin!(sink.map_err(database)?);
    let mut chunk = first?;
    while let Some(data) = chunk {
        write(sink.as_mut(), data).await.map_err(database)?;
        chunk = chunks.next()?;
    }
    sink.finish().await.map_err(database)
}

/// Hands `data` to the connection.
async fn write(mut sink: Pin<&mut CopyInSink<Bytes>>, data: Bytes) -> Result<(), tokio_postgres::Error> {
    poll_fn(|cx| sink.as_mut().poll_ready(cx)).await?;
    sink.as_mut().start_send(data)?;
    poll_fn(|cx| sink.as_mut().poll_flush(cx)).await
}

/// `rows` in the binary COPY format, [`CHUNK`] bytes or so at a time: the header, each
/// row's field count and its fields (length, then the value's binary form; -1 for
/// NULL), and the trailer.
struct Chunks<'a> {
    /// The columns, spelled, and their types.
    columns: &'a [(&'a str, &'a Type)],
    /// The rows still to encode, with their index.
    rows: std::iter::Enumerate<std::slice::Iter<'a, Row>>,
    /// The fields' count, as each row starts with it.
    width: i16,
    out: BytesMut,
    /// Whether the trailer is written.
    ended: bool,
}

impl<'a> Chunks<'a> {
    fn new(columns: &'a [(&'a str, &'a Type)], rows: &'a [Row]) -> Result<Chunks<'a>, SinkError> {
        let width = i16::try_from(columns.len()).map_err(|_| encoding(0, "", "more columns than COPY takes".into()))?;
        let mut out = BytesMut::with_capacity(CHUNK * 2);
        out.put_slice(HEADER);
        Ok(Chunks {
            columns,
            rows: rows.iter().enumerate(),
            width,
            out,
            ended: false,
        })
    }

    /// The next chunk (`None`: all sent).
    fn next(&mut self) -> Result<Option<Bytes>, SinkError> {
        if self.ended {
            return Ok(None);
        }
        while self.out.len() < CHUNK {
            let Some((index, row)) = self.rows.next() else {
                self.out.put_i16(-1);
                self.ended = true;
                break;
            };
            self.out.put_i16(self.width);
            for (value, (column, ty)) in row.values.iter().zip(self.columns) {
                let at = self.out.len();
                self.out.put_i32(0);
                let length = match value.to_sql(ty, &mut self.out) {
                    Ok(IsNull::Yes) => -1,
                    Ok(IsNull::No) => i32::try_from(self.out.len() - at - 4)
                        .map_err(|_| encoding(index, column, "a value over 2 GiB".into()))?,
                    Err(error) => return Err(encoding(index, column, error.to_string())),
                };
                self.out[at..at + 4].copy_from_slice(&length.to_be_bytes());
            }
        }
        Ok(Some(self.out.split().freeze()))
    }
}

/// Row `row`'s value of `column` could not be put in COPY's binary form.
fn encoding(row: usize, column: &str, reason: String) -> SinkError {
    SinkError::Encode {
        row,
        column: column.to_owned(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::postgres::SqlValue;

    /// Every chunk of `rows`.
    fn encode(columns: &[(&str, &Type)], rows: &[Row]) -> Result<Vec<Bytes>, SinkError> {
        let mut chunks = Chunks::new(columns, rows)?;
        let mut all = Vec::new();
        while let Some(chunk) = chunks.next()? {
            all.push(chunk);
        }
        Ok(all)
    }

    #[test]
    fn a_large_batch_goes_in_chunks_that_join_into_one_copy() {
        let rows: Vec<Row> = (0..2000)
            .map(|i| Row {
                values: vec![SqlValue::Int4(i), SqlValue::Bytea(vec![7; 100])],
                key: Vec::new(),
            })
            .collect();
        let chunks = encode(&[("id", &Type::INT4), ("payload", &Type::BYTEA)], &rows).expect("encodes");
        let row = 2 + 4 + 4 + 4 + 100;
        let total = HEADER.len() + rows.len() * row + 2;
        assert_eq!(chunks.iter().map(Bytes::len).sum::<usize>(), total);
        assert_eq!(chunks.len(), total.div_ceil(CHUNK), "chunks of about {CHUNK} bytes");
        assert!(
            chunks[..chunks.len() - 1]
                .iter()
                .all(|c| c.len() >= CHUNK && c.len() < CHUNK + row)
        );
    }

    #[test]
    fn rows_are_framed_as_postgres_binary_copy_reads_them() {
        let rows = [Row {
            values: vec![SqlValue::Int4(7), SqlValue::Null, SqlValue::Text("ab".into())],
            key: Vec::new(),
        }];
        let columns = [("id", &Type::INT4), ("note", &Type::TEXT), ("name", &Type::TEXT)];
        let data = encode(&columns, &rows).expect("encodes");
        assert_eq!(data.len(), 1, "a few bytes are one chunk");
        let data = &data[0];
        let mut expected = HEADER.to_vec();
        expected.extend_from_slice(&3i16.to_be_bytes());
        expected.extend_from_slice(&[0, 0, 0, 4, 0, 0, 0, 7]);
        expected.extend_from_slice(&(-1i32).to_be_bytes());
        expected.extend_from_slice(&[0, 0, 0, 2, b'a', b'b']);
        expected.extend_from_slice(&(-1i16).to_be_bytes());
        assert_eq!(&data[..], &expected[..]);
    }

    #[test]
    fn a_value_without_a_binary_form_is_located() {
        // An array value for a column that is not an array type.
        let rows = [Row {
            values: vec![SqlValue::Int4(1), SqlValue::Array(vec![SqlValue::Int4(2)])],
            key: Vec::new(),
        }];
        let error = encode(&[("id", &Type::INT4), ("count", &Type::INT4)], &rows).expect_err("refused");
        assert_eq!(
            error.to_string(),
            "row 0 of the batch, column count: an array for a column of type int4"
        );
    }
}
