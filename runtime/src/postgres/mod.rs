//! The PostgreSQL sink (feature `postgres`): Avro records upserted in batches into the
//! table `cargo xtask gen` generated for their topic.
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
//! # async fn run(records: &[avrokit::postgres::EncodedValue<'_>]) -> Result<(), avrokit::postgres::SinkError> {
//! use avrokit::postgres::{PgSink, Sink, SinkTable, SinkWriter, connect};
//! let sink = Sink::new("raw_device_health", SinkWriter::Avrokit, ["device_id", "reported_at"]);
//! # let value = avrokit::Schema::parse("{}").unwrap();
//! let table = SinkTable::new(&value, "smart-access.health", &sink)?;
//! let mut pg = PgSink::new(connect("postgres://avrokit:avrokit@127.0.0.1/avrokit").await?, table).await?;
//! let committed = pg.write_batch(records).await?;
//! // Only now may the consumer commit the batch's offsets.
//! # let _ = committed; Ok(()) }
//! ```
//!
//! Without a database, the same table model gives the DDL and the plan of a writer schema:
//!
//! ```rust
//! use avrokit::AvroMessage;
//! use avrokit::postgres::{RowPlan, Sink, SinkTable, SinkWriter};
//!
//! #[derive(AvroMessage)]
//! #[avro(schema_json = r#"{"type": "record", "name": "Health", "namespace": "demo", "fields": [
//!     {"name": "device_id", "type": "string"},
//!     {"name": "battery_pct", "type": "int"},
//!     {"name": "note", "type": ["null", "string"], "default": null}]}"#)]
//! struct Health {
//!     device_id: String,
//!     battery_pct: i32,
//!     note: Option<String>,
//! }
//!
//! let sink = Sink::new("device_health", SinkWriter::Avrokit, ["device_id"]);
//! let table = SinkTable::of::<Health>("demo.health", &sink)?;
//! let ddl = table.table().render(); // what `avrokit gen` writes to generated/sql/device_health.sql
//! assert!(ddl.contains("CREATE TABLE IF NOT EXISTS device_health ("));
//! assert!(ddl.contains("PRIMARY KEY (device_id)"));
//!
//! // Records an older schema wrote (no `note`) fill the columns they have:
//! let v1 = avrokit::Schema::parse(r#"{"type": "record", "name": "Health", "namespace": "demo", "fields": [
//!     {"name": "device_id", "type": "string"}, {"name": "battery_pct", "type": "int"}]}"#)?;
//! let plan = RowPlan::new(table.table(), table.value(), &v1)?;
//! let row = plan.decode(&[12, b'l', b'o', b'c', b'k', b'-', b'1', 160, 1]).expect("a valid record");
//! assert_eq!(row.values.len(), 2); // device_id and battery_pct; `note` keeps its default
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! **Dependencies.** The feature adds tokio-postgres with its `runtime` feature and what
//! that brings (postgres-protocol, postgres-types, tokio-util, socket2, the SCRAM/MD5
//! hashes, stringprep, whoami). No TLS: connect over loopback or a private network.
//!
//! **One table model.** [`SinkTable`] wraps the table `avrokit gen` builds the DDL from,
//! so a test can render the runtime's table for every generated type and compare it byte
//! for byte with `generated/sql/*.sql`. [`PgSink::new`] prepares
//! `SELECT <columns> FROM <table> LIMIT 0` and refuses to start when the table is missing
//! (PostgreSQL's `42P01`) or a column's type is not the model's (a migration not run:
//! `avrokit migrate`).
//!
//! **Row plans.** A [`RowPlan`] is built once per writer schema (cached by fingerprint):
//! each writer field is matched to its column by name or alias, and the (Avro type, column
//! type) pair chooses the conversion. A writer field without a column, a type that cannot
//! fill its column, or a missing key or NOT NULL-without-default column is a
//! [`PlanError`] before any byte is read; a column the writer lacks gets its default on
//! insert and keeps its value on update.
//!
//! | Avro (writer) | column | value sent (binary) |
//! |---|---|---|
//! | boolean, int, long, float, double | BOOLEAN, INTEGER, BIGINT, REAL, DOUBLE PRECISION | as is; int → BIGINT/REAL/DOUBLE and long/float → DOUBLE (Avro promotions) |
//! | string; bytes | TEXT; BYTEA | as is (bytes → TEXT must be UTF-8, string → BYTEA its bytes) |
//! | fixed | BYTEA | the bytes |
//! | enum | TEXT | the symbol; a symbol outside the column's CHECK is refused at the record |
//! | decimal (bytes or fixed) | NUMERIC(p, s) or NUMERIC | exact, any number of digits up to the precision |
//! | uuid (string / fixed 16) | UUID | the 16 bytes |
//! | date; time-millis, time-micros | DATE; TIME | days, microseconds after midnight |
//! | timestamp-*, local-timestamp-* | TIMESTAMPTZ, TIMESTAMP | microseconds (nanoseconds cut, toward the past) |
//! | duration | INTERVAL | months, days, milliseconds × 1000 |
//! | time-micros, timestamp-micros/-nanos, local-timestamp-* | BIGINT (connector tables) | the raw number, as the connectors write it |
//! | uuid fixed, duration | BYTEA (connector tables) | the raw bytes |
//! | array of a scalar above | `<element>[]` | a one-dimensional array |
//! | map of scalars | HSTORE (Debezium's table) | each value as text |
//! | record, map, union of several types, other arrays | JSONB | the Avro JSON encoding of the value ([`crate::avro_json`]): lossless, and it reads back with `avro_json::from_json` and the writer schema |
//! | `["null", T]` | T's column, nullable | NULL or T's value (no union wrapper, also in JSONB) |
//!
//! Values PostgreSQL cannot hold are refused at the record and field before the database:
//! timestamps and dates outside PostgreSQL's range, times outside a day, durations with
//! more than 2³¹−1 months or days, decimals beyond the precision, U+0000 in TEXT, JSONB or
//! HSTORE.
//!
//! **Upsert.** [`PgSink::write_batch`] decodes the whole batch first (a bad record fails
//! it without a round trip), keeps the last record of each key (PostgreSQL refuses to
//! update a row twice in one statement), then runs one transaction: `INSERT … ON CONFLICT
//! (key) DO UPDATE SET <the plan's non-key columns> = EXCLUDED…, sink_timestamp =
//! CURRENT_TIMESTAMP` (`created_at` keeps the first write's time); `DO NOTHING` when every
//! column the plan fills is key; a plain INSERT for a table without key. It returns
//! [`Committed`] only after `COMMIT` succeeded; any error rolls the whole batch back. A
//! commit whose outcome is lost with the connection is an error: the batch is written
//! again on redelivery, which the upsert makes harmless.
//!
//! **Deletes.** [`PgSink::write_changes`] takes [`Change`]s: upserts and tombstones'
//! deletes, in one transaction, of one key's changes the last one winning. A tombstone's
//! raw key is the value of the table's single primary-key column (TEXT, UUID as text, or
//! BYTEA; `avrokit gen` refuses a catalog whose tombstone topic's sink is keyed otherwise)
//! and `DELETE … WHERE key = ANY($1)` removes the rows; any other table refuses it as
//! [`SinkError::Tombstone`].
//!
//! **Errors** ([`SinkError`]): `Value { record, field, error }` (malformed bytes with their
//! offset, out-of-range values, NULL for NOT NULL), `Plan { record, error }`,
//! `ColumnType { column, expected, found }`, `Encode { row, column, reason }` (a value
//! without a binary form of its column's type), `Table` (the `gen` refusals), and
//! `Database { doing, code, message, source }` with PostgreSQL's SQLSTATE and message
//! ([`SinkError::sqlstate`]).
//!
//! **Strategies.** [`Strategy::Unnest`] (the default) writes a batch as new rows first:
//! one binary `COPY … FROM STDIN` straight into the table, streamed in 16 KiB chunks
//! (PostgreSQL inserts the first rows while the sink encodes the rest), which costs
//! PostgreSQL well under half of an upsert of the same rows. When a key was already there
//! the copy fails with a unique violation, the batch's transaction is rolled back, and the
//! same rows are upserted with `INSERT … SELECT * FROM unnest($1::type[], …) ON CONFLICT`
//! (one array parameter per column, so one prepared statement per writer schema whatever
//! the batch size), as are the next 1, 2, 4, … 64 batches: streams of new events take the
//! cheap path and streams of updates rarely pay for a failed one. A batch of one writer
//! schema without tombstones goes out as BEGIN, its COPY or upsert and COMMIT together,
//! in one round trip. A table with an array column (which `unnest` would flatten) is
//! upserted as `Insert` does it.
//! [`Strategy::Insert`]: multi-row `INSERT … VALUES … ON CONFLICT` with binary bind
//! parameters, up to 65,535 parameters per statement, prepared once per writer schema and
//! row count. `Unnest` writes new keys 1.0–1.9× as fast as `Insert` on a narrow table and
//! 1.5–2.1× on a wide one; keys that alternate between new and old batch by batch (the
//! back-off's worst case) cost it up to 25 % more than `Insert`.
//! [`Strategy::Copy`]: `COPY … FROM STDIN (FORMAT binary)` into a session `TEMP` table,
//! then `INSERT … SELECT … ON CONFLICT`; it pays a fixed cost per batch that only large
//! batches of wide rows win back, so it is for bulk loads (`xtask/BENCHMARKS.md` has the
//! measurements).
//!
//! **Offsets.** The upserts are idempotent, so a sink's consumer may commit in the
//! background (`kafka::OffsetCommit::Background`): offsets are still stored only after
//! the batch's transaction committed, a crash replays at most a commit interval of
//! records into rows that already hold them, and no broker round trip waits after each
//! batch (about +30 % rows/s end to end).

mod check;
mod convert;
mod copy_in;
mod delete;
mod error;
mod fresh;
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
pub use sink::{Change, Committed, EncodedValue, PgSink, Strategy};
pub use table::SinkTable;
pub use tokio_postgres;
pub use value::SqlValue;

/// Connects to PostgreSQL at `url` (`postgres://user:password@host:port/database`,
/// without TLS) and drives the connection on the current tokio runtime; a lost
/// connection surfaces as an error of the client's next call ([`PgSink::connect`] makes a
/// sink that connects again by itself).
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
