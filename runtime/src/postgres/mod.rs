//! The PostgreSQL sink (feature `postgres`): Avro records upserted in batches into the
//! table `cargo xtask gen` generated for their topic (README, "PostgreSQL sink").
//!
//! The table model is codegen's own ([`SinkTable`] wraps
//! [`avrokit_schema::sql::table::Table`]), so the sink writes exactly the columns and
//! types the DDL created, for any of the three writers' mappings. Records are decoded
//! straight from their Avro bytes with the schema they were written with: a
//! [`RowPlan`] per writer schema says which field feeds which column and how its value
//! converts, so the sink needs no Rust type and follows schema evolution (a field the
//! writer lacks leaves its column to the table's default).
//!
//! ```no_run
//! # async fn run(records: &[avrokit::postgres::Record<'_>]) -> Result<(), avrokit::postgres::SinkError> {
//! use avrokit::postgres::{PgSink, Sink, SinkTable, SinkWriter, connect};
//! let sink = Sink::new("raw_device_health", SinkWriter::Avrokit, ["device_id", "reported_at"]);
//! # let value = avrokit::Schema::parse("{}").unwrap();
//! let table = SinkTable::new(&value, "smart-access.health", &sink)?;
//! let mut pg = PgSink::new(connect("postgres://avrokit:avrokit@127.0.0.1/avrokit").await?, table).await?;
//! let committed = pg.write_batch(records).await?;
//! // Only now may the consumer commit the batch's offsets.
//! # let _ = committed; Ok(()) }
//! ```

mod check;
mod convert;
mod error;
mod numeric;
mod plan;
mod sink;
mod statement;
mod table;
mod value;

pub use avrokit_schema::sql::table::Table;
pub use avrokit_schema::sql::{Index, Sink, SinkWriter};
pub use error::{PlanError, SinkError, ValueError};
pub use numeric::Numeric;
pub use plan::{Row, RowPlan};
pub use sink::{Committed, PgSink, Record, Strategy};
pub use table::SinkTable;
pub use tokio_postgres;
pub use value::SqlValue;

/// Connects to PostgreSQL at `url` (`postgres://user:password@host:port/database`,
/// without TLS) and drives the connection on the current tokio runtime; a lost
/// connection surfaces as an error of the client's next call.
pub async fn connect(url: &str) -> Result<tokio_postgres::Client, SinkError> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        // The URL is left out of the message: it may hold a password.
        .map_err(|e| SinkError::database("connecting to PostgreSQL", e))?;
    tokio::spawn(async move {
        // Its error is the one the client's next call reports.
        let _ = connection.await;
    });
    Ok(client)
}
