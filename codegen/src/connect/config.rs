//! One connector's configuration: the writer's own keys (connection, upsert by the
//! catalog's primary key, deletes on tombstones where the topic has them, no table
//! creation or evolution, the table's name), the converters, and error tolerance with a
//! dead-letter topic.

use super::converter;
use super::naming::{dead_letter_topic, table_name_format};
use crate::catalog::{ConnectSettings, KeyFormat, Sink, SinkWriter, Topic};
use std::collections::BTreeMap;

/// Confluent's JDBC sink connector class.
pub const CONFLUENT_JDBC_SINK: &str = "io.confluent.connect.jdbc.JdbcSinkConnector";
/// Debezium's JDBC sink connector class.
pub const DEBEZIUM_JDBC_SINK: &str = "io.debezium.connector.jdbc.JdbcSinkConnector";

/// Kafka's transform that wraps a record key into a struct of one field.
pub const HOIST_FIELD_KEY: &str = "org.apache.kafka.connect.transforms.HoistField$Key";
/// The name of the Debezium sink's key transform for raw keys on topics with tombstones.
const HOIST_KEY: &str = "hoistKey";

/// The connector class of a connector `writer`, `None` for avrokit's own sink.
pub(crate) fn connector_class(writer: SinkWriter) -> Option<&'static str> {
    match writer {
        SinkWriter::Avrokit => None,
        SinkWriter::ConfluentJdbc => Some(CONFLUENT_JDBC_SINK),
        SinkWriter::DebeziumJdbc => Some(DEBEZIUM_JDBC_SINK),
    }
}

/// The configuration of `topic`'s connector `sink` in `environment`, keys sorted. Every
/// value is a string, as Connect's REST API takes them.
pub(crate) fn build(
    settings: &ConnectSettings,
    topic: &Topic,
    sink: &Sink,
    environment: &str,
) -> BTreeMap<String, String> {
    let kafka = topic.settings_for(environment);
    let mut config: BTreeMap<String, String> = BTreeMap::new();
    let mut set = |key: &str, value: &str| {
        config.insert(key.to_owned(), value.to_owned());
    };
    if let Some(class) = connector_class(sink.writer) {
        set("connector.class", class);
    }
    set("topics", &topic.name);
    // More tasks than partitions would sit idle.
    set("tasks.max", &kafka.partitions.to_string());
    set("connection.url", &settings.database_url);
    set("connection.password", &settings.database_password);
    set("insert.mode", "upsert");
    // A tombstone deletes the row its key names: the key columns then come from the
    // record key (both connectors require that for deletes), which the catalog checked
    // holds exactly the primary key.
    let (key_source, deletes) = match topic.tombstones {
        true => ("record_key", "true"),
        false => ("record_value", "false"),
    };
    set("delete.enabled", deletes);
    let key_fields = sink.primary_key.join(",");
    let table = table_name_format(sink);
    match sink.writer {
        SinkWriter::ConfluentJdbc => {
            set("connection.user", &settings.database_user);
            // The DDL is PostgreSQL's; naming the dialect keeps the URL from choosing another.
            set("dialect.name", "PostgreSqlDatabaseDialect");
            set("pk.mode", key_source);
            set("pk.fields", &key_fields);
            // The generated DDL and its migrations own the table.
            set("auto.create", "false");
            set("auto.evolve", "false");
            set("table.name.format", &table);
            // The DDL quotes every identifier because the connector does; said explicitly
            // so that a changed default cannot split the two.
            set("quote.sql.identifiers", "always");
        }
        SinkWriter::DebeziumJdbc => {
            set("connection.username", &settings.database_user);
            set("primary.key.mode", key_source);
            set("primary.key.fields", &key_fields);
            // The generated DDL and its migrations own the table.
            set("schema.evolution", "none");
            set("collection.name.format", &table);
            // The DDL writes Debezium's names unquoted (lower-cased) because the connector
            // does; explicit for the same reason as Confluent's quoting.
            set("quote.identifiers", "false");
            if topic.tombstones && topic.key_format == KeyFormat::Raw {
                // Debezium reads a `record_key` as a struct (a string key fails with a
                // ClassCastException in `KafkaDebeziumSinkRecord.keyAsStruct`): Kafka's
                // HoistField wraps the raw key into one whose only field is the key column.
                set("transforms", HOIST_KEY);
                set(&format!("transforms.{HOIST_KEY}.type"), HOIST_FIELD_KEY);
                set(&format!("transforms.{HOIST_KEY}.field"), &key_fields);
            }
        }
        SinkWriter::Avrokit => {}
    }
    set("errors.tolerance", "all");
    set("errors.deadletterqueue.topic.name", &dead_letter_topic(topic, sink));
    set(
        "errors.deadletterqueue.topic.replication.factor",
        &kafka.replication_factor.to_string(),
    );
    set("errors.deadletterqueue.context.headers.enable", "true");
    // Failures are logged without the record, which may hold what the database protects.
    set("errors.log.enable", "true");
    set("errors.log.include.messages", "false");
    config.extend(converter::entries(settings, topic));
    config
}
