//! Identifiers as each writer spells them in SQL: which case survives, what a dot means,
//! and when a name must be quoted.

use super::SinkWriter;

/// PostgreSQL's reserved key words (Appendix C, "reserved" and "reserved (can be
/// function or type)"): unquoted, they are syntax errors as table or column names.
const RESERVED: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "binary",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "group",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "natural",
    "not",
    "notnull",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "outer",
    "overlaps",
    "placing",
    "primary",
    "references",
    "returning",
    "right",
    "select",
    "session_user",
    "similar",
    "some",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
];

/// Whether `word` is reserved in PostgreSQL (compared in lower case, as the parser does).
pub fn is_reserved(word: &str) -> bool {
    RESERVED.contains(&word.to_ascii_lowercase().as_str())
}

/// Whether `name` reads back as itself without quotes: lower case letters, digits and
/// underscores, not starting with a digit, not reserved. Anything else is folded or
/// refused by the parser.
fn plain(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !is_reserved(name)
}

/// `name` as a quoted identifier (inner quotes doubled).
pub fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A column as `writer` names it in the table: the physical name in the database.
pub fn column_name(writer: SinkWriter, field: &str) -> String {
    match writer {
        // Both keep the Avro name: the avrokit sink quotes when needed, Confluent always
        // quotes (`quote.sql.identifiers=always`).
        SinkWriter::Avrokit | SinkWriter::ConfluentJdbc => field.to_owned(),
        // Debezium writes names unquoted (`quote.identifiers=false`), so PostgreSQL folds
        // them to lower case.
        SinkWriter::DebeziumJdbc => field.to_ascii_lowercase(),
    }
}

/// The parts of a table name as `writer` resolves it (`[schema, table]` or `[table]`).
pub fn table_parts(writer: SinkWriter, table: &str) -> Vec<String> {
    match writer {
        // A dot separates the schema from the table: Confluent parses `table.name.format`
        // that way, and avrokit follows SQL.
        SinkWriter::Avrokit | SinkWriter::ConfluentJdbc => table.split('.').map(str::to_owned).collect(),
        // Debezium's default collection naming strategy turns dots into underscores, and
        // the unquoted name folds to lower case.
        SinkWriter::DebeziumJdbc => vec![table.replace('.', "_").to_ascii_lowercase()],
    }
}

/// An identifier as `writer`'s statements spell it, so that the DDL creates exactly the
/// name the writer's INSERTs will use.
pub fn identifier(writer: SinkWriter, physical: &str) -> String {
    match writer {
        SinkWriter::ConfluentJdbc => quoted(physical),
        SinkWriter::Avrokit | SinkWriter::DebeziumJdbc if plain(physical) => physical.to_owned(),
        // Only reached for Debezium by reserved words, which the table check refuses first;
        // quoting keeps the DDL itself valid regardless.
        SinkWriter::Avrokit | SinkWriter::DebeziumJdbc => quoted(physical),
    }
}

/// A table name as `writer`'s statements spell it.
pub fn table_identifier(writer: SinkWriter, table: &str) -> String {
    table_parts(writer, table)
        .iter()
        .map(|part| identifier(writer, part))
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_writer_spells_names_its_own_way() {
        assert_eq!(identifier(SinkWriter::Avrokit, "data_id"), "data_id");
        assert_eq!(identifier(SinkWriter::Avrokit, "sourceId"), "\"sourceId\"");
        assert_eq!(identifier(SinkWriter::Avrokit, "order"), "\"order\"");
        assert_eq!(identifier(SinkWriter::ConfluentJdbc, "data_id"), "\"data_id\"");
        assert_eq!(column_name(SinkWriter::DebeziumJdbc, "sourceId"), "sourceid");
        assert_eq!(
            table_identifier(SinkWriter::ConfluentJdbc, "raw.events"),
            "\"raw\".\"events\""
        );
        assert_eq!(
            table_identifier(SinkWriter::DebeziumJdbc, "Telescope.Data"),
            "telescope_data"
        );
        assert_eq!(table_identifier(SinkWriter::Avrokit, "t"), "t");
    }

    #[test]
    fn timestamp_is_a_type_name_not_a_reserved_word() {
        // `telescope_data_raw` (avro-schemas/catalog.toml) has a column `timestamp`, unquoted.
        assert!(!is_reserved("timestamp"));
        assert!(is_reserved("ORDER"));
    }
}
