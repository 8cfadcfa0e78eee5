//! A catalog topic consumed into its PostgreSQL table (features `kafka` and `postgres`):
//! each batch is upserted in one transaction, and its offsets are committed only after
//! that transaction has committed, so a crash at any point loses nothing, and the
//! redelivered batch is an idempotent upsert.
//!
//! On a topic with tombstones, consume `Option<Framed>` (decoder
//! `Tombstones<WriterSchemas>`): a tombstone deletes the row its key names, in the same
//! transaction as the batch's upserts.

use super::consumer::{ConsumeError, Consumer, Decode, HandlerError, Record, RunSummary};
use super::framed::Framed;
use crate::postgres::{self, Change, PgSink, SinkError};

/// What the runner consumes: [`Framed`] values, each upserted, or `Option<Framed>` on a
/// topic with tombstones, where `None` deletes the key's row.
pub trait SinkValue: Clone + Send + Sync {
    /// The value to upsert, or `None` for a tombstone.
    fn framed(&self) -> Option<&Framed>;
}

impl SinkValue for Framed {
    fn framed(&self) -> Option<&Framed> {
        Some(self)
    }
}

impl SinkValue for Option<Framed> {
    fn framed(&self) -> Option<&Framed> {
        self.as_ref()
    }
}

/// Consumes `consumer`'s records into `sink` until the consumer is shut down.
///
/// A record whose schema or value the table cannot take goes to the dead-letter topic
/// (its neighbours are written); a lost database connection, a serialization conflict or
/// a restarting server is waited out (with backoff, the batch uncommitted, its offsets
/// too) and the batch written again: a sink made by [`PgSink::connect`] connects again
/// for it, so a PostgreSQL restart costs a pause, no record. Any other database error is
/// retried, then the batch is written record by record and a record that still fails is
/// a dead letter.
///
/// A tombstone (with `Option<Framed>` values) deletes the row whose primary key its raw
/// key is (see [`Change::Delete`]); a tombstone without a key, or on a table it cannot
/// delete from, is a dead letter.
pub async fn run<V: SinkValue, D: Decode<Value = V>>(
    consumer: &Consumer<V, D>,
    sink: &mut PgSink,
) -> Result<RunSummary, ConsumeError> {
    consumer
        .run(async |batch: &[Record<V>]| {
            let changes = batch
                .iter()
                .map(|r| match (r.value.framed(), r.raw_key()) {
                    (Some(framed), _) => Ok(Change::Upsert(postgres::EncodedValue {
                        writer: &framed.writer,
                        value: &framed.body,
                    })),
                    (None, Some(key)) => Ok(Change::Delete { key }),
                    (None, None) => Err(HandlerError::fatal("a tombstone without a key names no row to delete")),
                })
                .collect::<Result<Vec<_>, _>>()?;
            sink.write_changes(&changes).await.map(|_| ()).map_err(classify)
        })
        .await
}

/// What the consumer should do about a sink error.
fn classify(error: SinkError) -> HandlerError {
    match &error {
        SinkError::Plan { .. } | SinkError::Value { .. } | SinkError::Tombstone { .. } | SinkError::Encode { .. } => {
            HandlerError::fatal(error)
        }
        // Class 08: the connection; 40: serialization failures and deadlocks; 57P: the
        // server shutting down or restarting. No SQLSTATE: the connection is gone.
        SinkError::Database { .. }
            if error
                .sqlstate()
                .is_none_or(|code| code.starts_with("08") || code.starts_with("40") || code.starts_with("57P")) =>
        {
            HandlerError::wait(error)
        }
        _ => HandlerError::Retriable(Box::new(error)),
    }
}
