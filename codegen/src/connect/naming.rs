//! The names a connector sink goes by: the connector's, its dead-letter topic's, and the
//! table name as the connector's name format must spell it.
//!
//! The table rule is `sql::names`'s, so the JSON names exactly the table the DDL creates.

use crate::catalog::{Sink, Topic};
use crate::sql::names::table_parts;

/// The table as the writer resolves it, written back in its name format: Confluent reads
/// `a.b` as schema `a`, table `b` (and quotes both); Debezium's name is already folded
/// (dots to underscores, lower case), so its naming strategy leaves it unchanged.
pub(crate) fn table_name_format(sink: &Sink) -> String {
    table_parts(sink.writer, &sink.table).join(".")
}

/// The connector's name: the catalog's `connector`, else `<table>-sink` with the table as
/// the writer resolves it.
pub(crate) fn connector_name(sink: &Sink) -> String {
    sink.connector
        .clone()
        .unwrap_or_else(|| format!("{}-sink", table_name_format(sink)))
}

/// The dead-letter topic: the catalog's `dead_letter_topic`, else `<topic>.dlq` (as
/// `avro-schemas/catalog.toml` names `telemetry.dlq`). A topic has at most one sink, so
/// the default is the sink's own.
pub(crate) fn dead_letter_topic(topic: &Topic, sink: &Sink) -> String {
    sink.dead_letter_topic
        .clone()
        .unwrap_or_else(|| format!("{}.dlq", topic.name))
}
