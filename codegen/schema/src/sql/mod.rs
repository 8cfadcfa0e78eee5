//! A sink's PostgreSQL table: the sink as the catalog describes it ([`Sink`]), the column
//! each Avro type maps to for the writer that fills it ([`mapping`]), how that writer
//! spells names ([`names`]), and the table itself with its DDL ([`table::Table`]). Code
//! generation writes the DDL from this model and the runtime sink writes rows by it, so
//! the two cannot disagree.

mod default;
pub mod mapping;
pub mod names;
pub mod table;

pub use default::quote;

use crate::source::Span;

/// A PostgreSQL table fed from a topic.
#[derive(Debug, Clone)]
pub struct Sink {
    /// Table name.
    pub table: String,
    /// Who writes the table; it decides the column types the table can have.
    pub writer: SinkWriter,
    /// Where the table name is written in the catalog; `None` for a sink described in
    /// code ([`Sink::new`]).
    pub span: Option<Span>,
    /// Value fields forming the primary key.
    pub primary_key: Vec<String>,
    /// Secondary indexes.
    pub indexes: Vec<Index>,
    /// The Kafka Connect connector's name, when the catalog overrides the default.
    pub connector: Option<String>,
    /// The connector's dead-letter topic, when the catalog overrides the default.
    pub dead_letter_topic: Option<String>,
}

impl Sink {
    /// A sink described in code rather than read from a catalog: `table` written by
    /// `writer`, keyed by the value fields `primary_key`, without indexes or connector
    /// overrides.
    pub fn new<K: Into<String>>(
        table: impl Into<String>,
        writer: SinkWriter,
        primary_key: impl IntoIterator<Item = K>,
    ) -> Sink {
        Sink {
            table: table.into(),
            writer,
            span: None,
            primary_key: primary_key.into_iter().map(Into::into).collect(),
            indexes: Vec::new(),
            connector: None,
            dead_letter_topic: None,
        }
    }

    /// The same sink with a secondary index `name` on the value fields `columns`.
    pub fn with_index<C: Into<String>>(
        mut self,
        name: impl Into<String>,
        columns: impl IntoIterator<Item = C>,
    ) -> Sink {
        self.indexes.push(Index {
            name: name.into(),
            columns: columns.into_iter().map(Into::into).collect(),
        });
        self
    }
}

/// Who writes a sink's table: the DDL can only hold what that writer can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SinkWriter {
    /// avrokit's own sink (the Kafka runtime): every Avro type has a column type.
    Avrokit,
    /// Confluent's `io.confluent.connect.jdbc.JdbcSinkConnector` on Kafka Connect.
    ConfluentJdbc,
    /// Debezium's `io.debezium.connector.jdbc.JdbcSinkConnector` on Kafka Connect.
    DebeziumJdbc,
}

impl SinkWriter {
    /// Every writer, in the order the catalog documents them.
    pub const ALL: [SinkWriter; 3] = [SinkWriter::Avrokit, SinkWriter::ConfluentJdbc, SinkWriter::DebeziumJdbc];

    /// The catalog's name of the writer.
    pub fn as_str(self) -> &'static str {
        match self {
            SinkWriter::Avrokit => "avrokit",
            SinkWriter::ConfluentJdbc => "confluent-jdbc",
            SinkWriter::DebeziumJdbc => "debezium-jdbc",
        }
    }

    /// Whether a Kafka Connect connector writes the table (and `gen` writes its JSON).
    pub fn is_connector(self) -> bool {
        self != SinkWriter::Avrokit
    }

    /// A name for messages and generated comments.
    pub fn display_name(self) -> &'static str {
        match self {
            SinkWriter::Avrokit => "the avrokit sink",
            SinkWriter::ConfluentJdbc => "the Confluent JDBC sink connector",
            SinkWriter::DebeziumJdbc => "the Debezium JDBC sink connector",
        }
    }
}

/// A secondary index of a sink table.
#[derive(Debug, Clone)]
pub struct Index {
    /// Index name.
    pub name: String,
    /// Indexed value fields, in order.
    pub columns: Vec<String>,
}
