//! A scratch schema on the stack's PostgreSQL for the sink's tests and bench: created
//! with the generated DDL of the tables of `avro-schemas/` and of the sink corpus, dropped
//! when the [`Scratch`] goes, and the catalogs' sinks to build the sink tables from.

use crate::stack_env::{self, say};
use avrokit::postgres::{self, EncodedValue, PgSink, Sink, SinkError, SinkTable, tokio_postgres};
use avrokit::{AvroMessage, Topic};
use avrokit_codegen::Generator;
use avrokit_codegen::output::GeneratedFile;
use std::process::Command;

/// The catalogs whose sinks the tests write: `avro-schemas/`'s and the sink corpus's.
pub const CATALOG_DIRS: [&str; 2] = ["../avro-schemas", "corpus/sql/ok"];

/// A schema of its own on the stack's PostgreSQL, dropped on drop.
pub struct Scratch {
    url: String,
    /// The schema's name.
    pub schema: String,
}

impl Scratch {
    /// A fresh schema named after `test` and the process, or `None` when the stack is
    /// not up (after printing `SKIPPED …`). Panics when `DATABASE_URL` is exported (as
    /// `cargo xtask test` does) but PostgreSQL does not answer.
    pub async fn open(test: &str) -> Option<Scratch> {
        let how = format!(
            "run it with `cargo xtask test`, or `cargo xtask stack up` then `cargo test -p avrokit-tests --test {test}`"
        );
        let url = match stack_env::var("DATABASE_URL") {
            Ok((url, _)) => url,
            Err(why) => {
                say(&format!("SKIPPED {test} (PostgreSQL): {why}; {how}"));
                return None;
            }
        };
        let client = match postgres::connect(&url).await {
            Ok(client) => client,
            Err(why) => {
                assert!(std::env::var_os("DATABASE_URL").is_none(), "PostgreSQL at {url}: {why}");
                say(&format!("SKIPPED {test} (PostgreSQL): {why} (stale stack.env?); {how}"));
                return None;
            }
        };
        let schema = format!("avrokit_{test}_{}", std::process::id());
        // hstore lives in public, shared by every scratch schema; another test may be
        // creating it at this very moment, which is fine.
        let _ = client
            .batch_execute("CREATE EXTENSION IF NOT EXISTS hstore SCHEMA public")
            .await;
        client
            .batch_execute(&format!(
                "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
            ))
            .await
            .unwrap_or_else(|e| panic!("creating schema {schema}: {e}"));
        Some(Scratch { url, schema })
    }

    /// A connection whose tables are the scratch schema's (public stays on the path for
    /// hstore), with timestamps shown in UTC.
    pub async fn connect(&self) -> Result<tokio_postgres::Client, SinkError> {
        let client = postgres::connect(&self.url).await?;
        client
            .batch_execute(&format!(
                "SET search_path TO {}, public; SET TimeZone TO 'UTC'",
                self.schema
            ))
            .await
            .map_err(|e| SinkError::database("choosing the scratch schema", e))?;
        Ok(client)
    }

    /// A connection URL whose tables are the scratch schema's, for another process.
    pub fn url(&self) -> String {
        let separator = if self.url.contains('?') { '&' } else { '?' };
        format!(
            "{}{separator}options=-c%20search_path%3D{}%2Cpublic",
            self.url, self.schema
        )
    }

    /// A sink for values of `T` into `table` (as the catalogs describe it) over a new
    /// connection to the scratch schema.
    pub async fn sink<T: AvroMessage>(&self, table: &str) -> PgSink {
        let (topic, sink) = sink_of(table);
        let table = SinkTable::of::<T>(&topic, &sink).expect("the sink table builds");
        let client = self.connect().await.expect("the scratch schema answers");
        PgSink::new(client, table).await.expect("the table is there")
    }

    /// A sink for the values of `topic` into the table its catalog entry names (the
    /// descriptor's sink), over a new connection to the scratch schema.
    pub async fn topic_sink<K: ?Sized, T: AvroMessage>(&self, topic: &Topic<K, T>) -> PgSink {
        let table = SinkTable::for_topic(topic)
            .expect("the catalog sinks the topic")
            .expect("its table builds");
        let client = self.connect().await.expect("the scratch schema answers");
        PgSink::new(client, table).await.expect("the table is there")
    }

    /// Runs every generated DDL file in the scratch schema.
    pub async fn create_tables(&self, client: &tokio_postgres::Client) {
        for file in generated_sql() {
            client
                .batch_execute(&file.contents)
                .await
                .unwrap_or_else(|e| panic!("{}: {e:?}", file.path.display()));
        }
    }
}

/// A scratch schema holding every generated table, and a connection to it; `None` when
/// the stack is not up (see [`Scratch::open`]).
pub async fn with_tables(test: &str) -> Option<(Scratch, tokio_postgres::Client)> {
    let scratch = Scratch::open(test).await?;
    let client = scratch.connect().await.expect("the scratch schema answers");
    scratch.create_tables(&client).await;
    Some((scratch, client))
}

/// Each value's Avro binary encoding, by its own codec.
pub fn encode_all<T: AvroMessage>(values: &[T]) -> Vec<Vec<u8>> {
    values.iter().map(|v| v.to_avro().expect("the value encodes")).collect()
}

/// The sink's records for values of `T` encoded by [`encode_all`].
pub fn records_of<T: AvroMessage>(encoded: &[Vec<u8>]) -> Vec<EncodedValue<'_>> {
    encoded
        .iter()
        .map(|value| EncodedValue {
            writer: T::schema(),
            value,
        })
        .collect()
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // Synchronous, so that it also runs when a test panics inside its runtime.
        let _ = Command::new("psql")
            .args([
                &self.url,
                "-X",
                "-q",
                "-c",
                &format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema),
            ])
            .output();
    }
}

/// The DDL `cargo xtask gen` writes for the sinks of `avro-schemas/` and of the sink corpus.
pub fn generated_sql() -> Vec<GeneratedFile> {
    CATALOG_DIRS
        .iter()
        .flat_map(|dir| {
            Generator::new(dir)
                .catalog(format!("{dir}/catalog.toml"))
                .generate()
                .unwrap_or_else(|diagnostics| panic!("{dir} must generate:\n{diagnostics}"))
                .sql
        })
        .collect()
}

/// The topic and sink of `table` in the catalogs.
pub fn sink_of(table: &str) -> (String, Sink) {
    for dir in CATALOG_DIRS {
        let schemas = avrokit_codegen::load_dir(std::path::Path::new(dir), &Default::default())
            .unwrap_or_else(|d| panic!("{dir}: {d}"));
        let catalog = avrokit_codegen::catalog::load_catalog(&std::path::Path::new(dir).join("catalog.toml"), &schemas)
            .unwrap_or_else(|d| panic!("{dir}: {d}"));
        for topic in catalog.topics {
            if let Some(sink) = topic.sink.filter(|s| s.table == table) {
                return (topic.name, sink);
            }
        }
    }
    panic!("no catalog sinks into {table}")
}
