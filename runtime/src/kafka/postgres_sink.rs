//! A catalog topic consumed into its PostgreSQL table (features `kafka` and `postgres`):
//! each batch is upserted in one transaction, and its offsets are committed only after
//! that transaction has committed, so a crash at any point loses nothing, and the
//! redelivered batch is an idempotent upsert.

use super::consumer::{ConsumeError, Consumer, HandlerError, Record, RunSummary};
use super::framed::{Framed, WriterSchemas};
use crate::postgres::{self, PgSink, SinkError};

/// Consumes `consumer`'s records into `sink` until the consumer is shut down.
///
/// A record whose schema or value the table cannot take goes to the dead-letter topic
/// (its neighbours are written); a lost database connection, a serialization conflict or
/// a restarting server is waited out; any other database error is retried, then the batch
/// is written record by record and a record that still fails is a dead letter.
pub async fn run(consumer: &Consumer<Framed, WriterSchemas>, sink: &mut PgSink) -> Result<RunSummary, ConsumeError> {
    consumer
        .run(async |batch: &[Record<Framed>]| {
            let records: Vec<postgres::EncodedValue<'_>> = batch
                .iter()
                .map(|r| postgres::EncodedValue {
                    writer: &r.value.writer,
                    value: &r.value.body,
                })
                .collect();
            sink.write_batch(&records).await.map(|_| ()).map_err(classify)
        })
        .await
}

/// What the consumer should do about a sink error.
fn classify(error: SinkError) -> HandlerError {
    match &error {
        SinkError::Plan { .. } | SinkError::Value { .. } => HandlerError::fatal(error),
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
