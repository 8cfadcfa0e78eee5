//! The PostgreSQL sink on the stack's real PostgreSQL: every generated DDL applied in a
//! scratch schema, rows built from the generated Rust types (of `avro-schemas/` and of
//! the sink corpus), encoded with their `AvroMessage` codecs, written through the sink
//! with both strategies, and every column read back with SQL and compared with the value
//! it came from. Also the upsert, and every error path that needs a database.
//!
//! Without a running stack each test passes after printing `SKIPPED …`; with
//! `DATABASE_URL` exported and PostgreSQL down, they fail.

use avrokit::AvroMessage;
use avrokit::Duration;
use avrokit::chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use avrokit::postgres::{EncodedValue, PgSink, PlanError, SinkError, SinkTable, Strategy, ValueError, tokio_postgres};
use avrokit::rust_decimal::Decimal;
use avrokit::uuid::Uuid;
use avrokit_generated::astro::beam::TelescopeData;
use avrokit_generated::smart::access::{AccessEvent, AccessEventType, DeviceHealth};
use avrokit_tests::pg_scratch::{self, Scratch};
use avrokit_tests::sql_corpus::sinks::{AllTypes, AllTypesShape, Color, ConnectorTypes, Hash, Kind, Position, WithMap};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use tokio_postgres::Client;

/// A value read back, typed by how the test reads it.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Bool(bool),
    Int(i64),
    /// Compared by bits, so NaN, infinities and -0 count.
    Float(u64),
    Text(String),
    Bytes(Vec<u8>),
    Json(Value),
    Ints(Vec<i64>),
    Texts(Vec<String>),
    Hstore(BTreeMap<String, String>),
}

fn float(v: f64) -> Cell {
    Cell::Float(v.to_bits())
}

fn text(v: impl ToString) -> Cell {
    Cell::Text(v.to_string())
}

fn read(row: &tokio_postgres::Row, index: usize, like: &Cell) -> Cell {
    match like {
        Cell::Bool(_) => Cell::Bool(row.get(index)),
        Cell::Int(_) => Cell::Int(row.get(index)),
        Cell::Float(_) => float(row.get(index)),
        Cell::Text(_) => Cell::Text(row.get(index)),
        Cell::Bytes(_) => Cell::Bytes(row.get(index)),
        Cell::Json(_) => Cell::Json(serde_json::from_str(row.get(index)).expect("PostgreSQL writes JSON")),
        Cell::Ints(_) => Cell::Ints(row.get(index)),
        Cell::Texts(_) => Cell::Texts(row.get(index)),
        Cell::Hstore(_) => {
            let map: HashMap<String, Option<String>> = row.get(index);
            Cell::Hstore(map.into_iter().map(|(k, v)| (k, v.unwrap_or_default())).collect())
        }
    }
}

/// SQL expressions that read a column as a comparable value: timestamps as microseconds
/// since 1970, dates as days, times as microseconds after midnight.
fn micros(column: &str) -> String {
    format!("(extract(epoch from {column}) * 1000000)::int8")
}

fn days(column: &str) -> String {
    format!("({column} - DATE '1970-01-01')::int8")
}

fn time_micros(t: &NaiveTime) -> i64 {
    i64::from(t.num_seconds_from_midnight()) * 1_000_000 + i64::from(t.nanosecond() / 1_000)
}

fn epoch_days(d: &NaiveDate) -> i64 {
    (*d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date")).num_days()
}

fn interval(column: &str, span: &Duration) -> Vec<(String, Cell)> {
    vec![
        (
            format!("(extract(year from {column}) * 12 + extract(month from {column}))::int8"),
            Cell::Int(i64::from(span.months)),
        ),
        (
            format!("extract(day from {column})::int8"),
            Cell::Int(i64::from(span.days)),
        ),
        (
            format!(
                "(extract(hour from {column}) * 3600000000 + extract(minute from {column}) * 60000000 + extract(microseconds from {column}))::int8"
            ),
            Cell::Int(i64::from(span.millis) * 1000),
        ),
    ]
}

/// `column IS NULL` for `None`, the value's cell otherwise.
fn optional<T>(column: &str, value: &Option<T>, cell: impl Fn(&T) -> Cell) -> (String, Cell) {
    match value {
        None => (format!("{column} IS NULL"), Cell::Bool(true)),
        Some(v) => (column.to_owned(), cell(v)),
    }
}

fn position(p: &Position) -> Value {
    json!({"x": p.x, "y": p.y})
}

fn color(c: &Color) -> String {
    match c {
        Color::Red => "RED",
        Color::Green => "GREEN",
    }
    .to_owned()
}

/// What every column of `all_types` must hold for `v`.
fn all_types_cells(v: &AllTypes) -> Vec<(String, Cell)> {
    let mut cells = vec![
        ("flag".to_owned(), Cell::Bool(v.flag)),
        ("small::int8".to_owned(), Cell::Int(i64::from(v.small))),
        ("ratio::float8".to_owned(), float(f64::from(v.ratio))),
        ("score".to_owned(), float(v.score)),
        ("label".to_owned(), text(&v.label)),
        ("blob".to_owned(), Cell::Bytes(v.blob.clone())),
        ("hash".to_owned(), Cell::Bytes(v.hash.0.to_vec())),
        ("color".to_owned(), text(color(&v.color))),
        ("price::text".to_owned(), text(v.price)),
        ("uid::text".to_owned(), text(v.uid)),
        (days("day"), Cell::Int(epoch_days(&v.day))),
        (micros("at_ms"), Cell::Int(time_micros(&v.at_ms))),
        (micros("at_us"), Cell::Int(time_micros(&v.at_us))),
        (micros("ts_ms"), Cell::Int(v.ts_ms.timestamp_micros())),
        (micros("ts_us"), Cell::Int(v.ts_us.timestamp_micros())),
        // PostgreSQL keeps microseconds: the nanoseconds are cut.
        (micros("ts_ns"), Cell::Int(v.ts_ns.timestamp_micros())),
        (micros("local_ts"), Cell::Int(v.local_ts.and_utc().timestamp_micros())),
        ("position::text".to_owned(), Cell::Json(position(&v.position))),
        ("tags::text".to_owned(), Cell::Json(json!(v.tags))),
        (
            "points::text".to_owned(),
            Cell::Json(Value::Array(v.points.iter().map(position).collect())),
        ),
        (
            "numbers::int8[]".to_owned(),
            Cell::Ints(v.numbers.iter().map(|n| i64::from(*n)).collect()),
        ),
        ("colors".to_owned(), Cell::Texts(v.colors.iter().map(color).collect())),
        (
            "shape::text".to_owned(),
            // A union of several types keeps Avro's JSON encoding: the branch named.
            Cell::Json(match &v.shape {
                AllTypesShape::Position(p) => json!({"sinks.Position": position(p)}),
                AllTypesShape::String(s) => json!({"string": s}),
            }),
        ),
        optional("note", &v.note, |s| text(s)),
        // `["null", T]` is T or NULL: no union wrapper in the JSON.
        optional("maybe_position::text", &v.maybe_position, |p| Cell::Json(position(p))),
        ("\"CamelCase\"::int8".to_owned(), Cell::Int(i64::from(v.camel_case))),
    ];
    cells.extend(interval("span", &v.span));
    cells
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32, nanos: u32) -> DateTime<Utc> {
    naive(y, m, d, h, min, s, nanos).and_utc()
}

fn naive(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32, nanos: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|date| date.and_hms_nano_opt(h, min, s, nanos))
        .expect("a valid date and time")
}

/// An ordinary value, and one at every edge PostgreSQL's types hold.
fn all_types_values() -> Vec<AllTypes> {
    let ordinary = AllTypes {
        id: 1,
        flag: true,
        small: -7,
        ratio: 0.5,
        score: 2.25,
        label: "it's plain".into(),
        blob: vec![1, 255],
        hash: Hash([0xde, 0xad, 0xbe, 0xef]),
        color: Color::Green,
        price: Decimal::new(12345, 2),
        uid: Uuid::from_u128(0x6f1c1f52_8f5e_4c1e_9d3c_2f1d7c0e5b1a),
        day: NaiveDate::from_ymd_opt(2024, 5, 1).expect("a date"),
        at_ms: NaiveTime::from_hms_milli_opt(12, 34, 56, 789).expect("a time"),
        at_us: NaiveTime::from_hms_micro_opt(1, 2, 3, 456_789).expect("a time"),
        ts_ms: utc(2024, 5, 1, 12, 0, 0, 123_000_000),
        ts_us: utc(2024, 5, 1, 12, 0, 0, 123_456_000),
        ts_ns: utc(2024, 5, 1, 12, 0, 0, 123_456_789),
        local_ts: naive(2024, 5, 1, 14, 0, 0, 0),
        span: Duration::new(1, 2, 3_000),
        position: Position { x: 1.5, y: -2.0 },
        tags: BTreeMap::from([("k".to_owned(), "v".to_owned())]),
        points: vec![Position { x: 0.0, y: 1.0 }, Position { x: 2.0, y: 3.0 }],
        numbers: vec![1, 2, 3],
        colors: vec![Color::Red, Color::Green],
        shape: AllTypesShape::String("square".into()),
        note: Some("a note".into()),
        maybe_position: Some(Position { x: 9.0, y: 8.0 }),
        camel_case: 3,
    };
    let edges = AllTypes {
        id: i64::MAX,
        flag: false,
        small: i32::MIN,
        ratio: f32::NAN,
        score: -0.0,
        label: "ünïcødé 🦀 — \"quoted\" 'single' \\ back\ttab\nline 日本語".into(),
        blob: vec![0, 0, 255, 0],
        hash: Hash([0, 0, 0, 0]),
        color: Color::Red,
        price: Decimal::new(-999_999_999, 2),
        uid: Uuid::max(),
        // PostgreSQL's first day; chrono's last (PostgreSQL's goes further).
        day: NaiveDate::from_ymd_opt(-4713, 11, 24).expect("a date"),
        at_ms: NaiveTime::from_hms_milli_opt(23, 59, 59, 999).expect("a time"),
        at_us: NaiveTime::from_hms_micro_opt(0, 0, 0, 0).expect("a time"),
        ts_ms: utc(-4713, 11, 24, 0, 0, 0, 0),
        ts_us: DateTime::<Utc>::MAX_UTC,
        ts_ns: DateTime::from_timestamp_nanos(i64::MIN),
        local_ts: NaiveDate::MAX.and_hms_milli_opt(23, 59, 59, 999).expect("a time"),
        span: Duration::new(i32::MAX as u32, i32::MAX as u32, u32::MAX),
        position: Position {
            x: f64::MAX,
            y: f64::MIN_POSITIVE,
        },
        tags: BTreeMap::from([
            ("ключ".to_owned(), "значение 🦀".to_owned()),
            (String::new(), String::new()),
        ]),
        points: vec![],
        numbers: vec![i32::MIN, 0, i32::MAX],
        colors: vec![],
        shape: AllTypesShape::Position(Position { x: -1e-300, y: 1e300 }),
        note: None,
        maybe_position: None,
        camel_case: i32::MAX,
    };
    vec![ordinary, edges]
}

/// Writes `values` in one batch, encoded with their own codec.
async fn write<T: AvroMessage>(sink: &mut PgSink, values: &[T]) -> Result<avrokit::postgres::Committed, SinkError> {
    let encoded = pg_scratch::encode_all(values);
    sink.write_batch(&pg_scratch::records_of::<T>(&encoded)).await
}

/// Reads `cells` (expression, expected) from the row `key_sql` selects and lists every
/// difference.
/// The rows of `from` (a table, and possibly a `WHERE` clause).
async fn count(client: &Client, from: &str) -> i64 {
    client
        .query_one(&format!("SELECT count(*) FROM {from}"), &[])
        .await
        .expect("a count")
        .get(0)
}

async fn compare(client: &Client, table: &str, key_sql: &str, cells: &[(String, Cell)]) -> Vec<String> {
    let expressions: Vec<&str> = cells.iter().map(|(e, _)| e.as_str()).collect();
    let sql = format!("SELECT {} FROM {table} WHERE {key_sql}", expressions.join(", "));
    let row = match client.query_one(&sql, &[]).await {
        Ok(row) => row,
        Err(e) => return vec![format!("{sql}: {e:?}")],
    };
    cells
        .iter()
        .enumerate()
        .filter_map(|(i, (expression, expected))| {
            let found = read(&row, i, expected);
            (found != *expected).then(|| format!("{table} [{key_sql}] {expression}: {found:?}, expected {expected:?}"))
        })
        .collect()
}

#[tokio::test]
async fn the_runtime_table_model_is_the_one_the_ddl_came_from() {
    // No database needed: the sink's table, built from the Rust type's schema, renders
    // byte for byte the DDL `gen` wrote from the .avsc files and the catalog.
    let tables: [(&str, SinkTable); 7] = [
        ("raw_access_events", table_of::<AccessEvent>("raw_access_events")),
        ("raw_device_health", table_of::<DeviceHealth>("raw_device_health")),
        ("telescope_data_raw", table_of::<TelescopeData>("telescope_data_raw")),
        ("all_types", table_of::<AllTypes>("all_types")),
        ("confluent_types", table_of::<ConnectorTypes>("confluent_types")),
        ("debezium_types", table_of::<ConnectorTypes>("debezium_types")),
        ("Map.Table", table_of::<WithMap>("Map.Table")),
    ];
    let files = pg_scratch::generated_sql();
    assert_eq!(files.len(), tables.len(), "a Rust type for every generated table");
    for (name, table) in &tables {
        let file = files
            .iter()
            .find(|f| f.path.to_string_lossy() == format!("{name}.sql"))
            .unwrap_or_else(|| panic!("{name}.sql is generated"));
        assert_eq!(table.table().render(), file.contents, "{name}");
    }
}

/// The cells of `d`'s row in `telescope_data_raw` (a Debezium sink's table: its
/// timestamp-millis is a TIMESTAMP, UTC wall time).
fn telescope_cells(d: &TelescopeData) -> Vec<(String, Cell)> {
    vec![
        ("observation_id".to_owned(), text(&d.observation_id)),
        (
            "sequence_number::int8".to_owned(),
            Cell::Int(i64::from(d.sequence_number)),
        ),
        (micros("timestamp"), Cell::Int(d.timestamp.timestamp_micros())),
        ("data".to_owned(), Cell::Bytes(d.data.clone())),
        ("processed".to_owned(), Cell::Bool(d.processed)),
        optional("processing_pipeline_version", &d.processing_pipeline_version, |s| {
            text(s)
        }),
    ]
}

fn table_of<T: AvroMessage>(table: &str) -> SinkTable {
    let (topic, sink) = pg_scratch::sink_of(table);
    SinkTable::of::<T>(&topic, &sink).expect("the sink table builds")
}

#[tokio::test]
async fn every_avrokit_column_reads_back_as_the_value_it_came_from() {
    let Some((scratch, admin)) = pg_scratch::with_tables("postgres_sink_all_types").await else {
        return;
    };
    let values = all_types_values();
    let mut failures = Vec::new();
    // all_types has array columns: `Strategy::Unnest` writes it as `Insert` does.
    for strategy in [Strategy::Insert, Strategy::Unnest, Strategy::Copy] {
        admin.batch_execute("TRUNCATE all_types").await.expect("truncate");
        let mut sink = scratch.sink::<AllTypes>("all_types").await.with_strategy(strategy);
        let committed = write(&mut sink, &values).await.expect("the batch commits");
        assert_eq!((committed.records, committed.rows, committed.affected), (2, 2, 2));
        for value in &values {
            let key = format!("id = {}", value.id);
            for failure in compare(&admin, "all_types", &key, &all_types_cells(value)).await {
                failures.push(format!("{strategy:?}: {failure}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn the_avro_schemas_tables_hold_rows_of_the_generated_types() {
    let Some((scratch, admin)) = pg_scratch::with_tables("postgres_sink_avro_schemas").await else {
        return;
    };
    let mut failures = Vec::new();

    let events = [
        AccessEvent {
            event_id: Uuid::from_u128(1),
            device_id: "lock-1".into(),
            event_ts: utc(2024, 5, 1, 12, 0, 0, 5_000_000),
            event_type: AccessEventType::Open,
            trigger_source: "app".into(),
        },
        AccessEvent {
            event_id: Uuid::from_u128(u128::MAX - 1),
            device_id: "锁-🔒".into(),
            event_ts: utc(1969, 12, 31, 23, 59, 59, 999_000_000),
            event_type: AccessEventType::Fail,
            trigger_source: String::new(),
        },
    ];
    let mut sink = scratch
        .sink::<AccessEvent>("raw_access_events")
        .await
        .with_strategy(Strategy::Unnest);
    write(&mut sink, &events).await.expect("the batch commits");
    for e in &events {
        let cells = [
            ("device_id".to_owned(), text(&e.device_id)),
            (micros("event_ts"), Cell::Int(e.event_ts.timestamp_micros())),
            (
                "event_type".to_owned(),
                text(match e.event_type {
                    AccessEventType::Open => "open",
                    AccessEventType::Close => "close",
                    AccessEventType::Fail => "fail",
                }),
            ),
            ("trigger_source".to_owned(), text(&e.trigger_source)),
            ("created_at IS NOT NULL".to_owned(), Cell::Bool(true)),
        ];
        let key = format!("event_id = '{}'", e.event_id);
        failures.extend(compare(&admin, "raw_access_events", &key, &cells).await);
    }

    let reports = [
        DeviceHealth {
            device_id: "lock-1".into(),
            reported_at: utc(2024, 5, 1, 12, 0, 30, 0),
            battery_pct: 100,
            signal_strength_dbm: i32::MIN,
            is_online: true,
        },
        DeviceHealth {
            device_id: "lock-1".into(),
            reported_at: utc(2024, 5, 1, 12, 1, 0, 0),
            battery_pct: 0,
            signal_strength_dbm: -70,
            is_online: false,
        },
    ];
    let mut sink = scratch
        .sink::<DeviceHealth>("raw_device_health")
        .await
        .with_strategy(Strategy::Copy);
    write(&mut sink, &reports).await.expect("the batch commits");
    for r in &reports {
        let cells = [
            ("battery_pct::int8".to_owned(), Cell::Int(i64::from(r.battery_pct))),
            (
                "signal_strength_dbm::int8".to_owned(),
                Cell::Int(i64::from(r.signal_strength_dbm)),
            ),
            ("is_online".to_owned(), Cell::Bool(r.is_online)),
        ];
        let key = format!(
            "device_id = '{}' AND {} = {}",
            r.device_id,
            micros("reported_at"),
            r.reported_at.timestamp_micros()
        );
        failures.extend(compare(&admin, "raw_device_health", &key, &cells).await);
    }

    // A Debezium sink's table: its timestamp-millis is a TIMESTAMP (UTC wall time).
    let data = [
        TelescopeData {
            data_id: "d-1".into(),
            observation_id: "obs-1".into(),
            sequence_number: i32::MAX,
            timestamp: utc(2024, 5, 1, 12, 0, 0, 1_000_000),
            data: vec![0, 1, 2, 255],
            processed: true,
            processing_pipeline_version: Some("v2.1".into()),
        },
        TelescopeData {
            data_id: "d-2".into(),
            observation_id: "obs-1".into(),
            sequence_number: 0,
            timestamp: utc(2000, 1, 1, 0, 0, 0, 0),
            data: vec![],
            processed: false,
            processing_pipeline_version: None,
        },
    ];
    let mut sink = scratch
        .sink::<TelescopeData>("telescope_data_raw")
        .await
        .with_strategy(Strategy::Insert);
    write(&mut sink, &data).await.expect("the batch commits");
    for d in &data {
        let key = format!("data_id = '{}'", d.data_id);
        failures.extend(compare(&admin, "telescope_data_raw", &key, &telescope_cells(d)).await);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn connector_cells(v: &ConnectorTypes, quoted: bool) -> Vec<(String, Cell)> {
    let q = |c: &str| if quoted { format!("\"{c}\"") } else { c.to_lowercase() };
    vec![
        (q("flag"), Cell::Bool(v.flag)),
        (format!("{}::int8", q("small")), Cell::Int(i64::from(v.small))),
        (q("big"), Cell::Int(v.big)),
        (format!("{}::float8", q("ratio")), float(f64::from(v.ratio))),
        (q("score"), float(v.score)),
        (q("blob"), Cell::Bytes(v.blob.clone())),
        (q("kind"), text(if v.kind == Kind::A { "A" } else { "B" })),
        (format!("{}::text", q("price")), text(v.price)),
        (format!("{}::text", q("uid")), text(v.uid)),
        (days(&q("day")), Cell::Int(epoch_days(&v.day))),
        (micros(&q("at_ms")), Cell::Int(time_micros(&v.at_ms))),
        // What the connectors see: time-micros and timestamp-micros as plain numbers.
        (q("at_us"), Cell::Int(time_micros(&v.at_us))),
        (micros(&q("ts_ms")), Cell::Int(v.ts_ms.timestamp_micros())),
        (q("ts_us"), Cell::Int(v.ts_us.timestamp_micros())),
        (q("numbers"), Cell::Ints(v.numbers.clone())),
        optional(&q("note"), &v.note, |s| text(s)),
        (q("sourceId"), text(&v.source_id)),
    ]
}

#[tokio::test]
async fn the_connector_tables_hold_rows_as_the_connectors_would_write_them() {
    let Some((scratch, admin)) = pg_scratch::with_tables("postgres_sink_connectors").await else {
        return;
    };
    let value = ConnectorTypes {
        id: "c-1".into(),
        flag: true,
        small: i32::MIN,
        big: i64::MIN,
        ratio: f32::INFINITY,
        score: f64::MIN,
        blob: vec![0],
        kind: Kind::B,
        price: Decimal::new(-100, 2),
        uid: Uuid::nil(),
        day: NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date"),
        at_ms: NaiveTime::from_hms_milli_opt(0, 0, 0, 1).expect("a time"),
        at_us: NaiveTime::from_hms_micro_opt(23, 59, 59, 999_999).expect("a time"),
        ts_ms: utc(1900, 1, 1, 0, 0, 0, 0),
        ts_us: utc(2100, 12, 31, 23, 59, 59, 999_999_000),
        numbers: vec![i64::MIN, i64::MAX],
        note: None,
        source_id: "src-é".into(),
    };
    let mut failures = Vec::new();
    for (table, quoted) in [("confluent_types", true), ("debezium_types", false)] {
        let mut sink = scratch
            .sink::<ConnectorTypes>(table)
            .await
            .with_strategy(Strategy::Copy);
        write(&mut sink, std::slice::from_ref(&value))
            .await
            .expect("the batch commits");
        let ident = if quoted {
            format!("\"{table}\"")
        } else {
            table.to_owned()
        };
        let key = if quoted { "\"id\" = 'c-1'" } else { "id = 'c-1'" };
        failures.extend(compare(&admin, &ident, key, &connector_cells(&value, quoted)).await);
    }
    let maps = WithMap {
        id: "m".into(),
        attributes: BTreeMap::from([("a".to_owned(), "1".to_owned()), ("ü".to_owned(), "🦀".to_owned())]),
    };
    let mut sink = scratch
        .sink::<WithMap>("Map.Table")
        .await
        .with_strategy(Strategy::Insert);
    write(&mut sink, std::slice::from_ref(&maps))
        .await
        .expect("the batch commits");
    let cells = [("attributes".to_owned(), Cell::Hstore(maps.attributes.clone()))];
    failures.extend(compare(&admin, "map_table", "id = 'm'", &cells).await);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn an_upsert_keeps_one_row_per_key_with_the_last_values() {
    let Some((scratch, admin)) = pg_scratch::with_tables("postgres_sink_upsert").await else {
        return;
    };
    for strategy in [Strategy::Insert, Strategy::Unnest, Strategy::Copy] {
        admin.batch_execute("TRUNCATE all_types").await.expect("truncate");
        let mut sink = scratch.sink::<AllTypes>("all_types").await.with_strategy(strategy);
        let [first, _] = <[AllTypes; 2]>::try_from(all_types_values()).expect("two values");
        write(&mut sink, std::slice::from_ref(&first))
            .await
            .expect("the first write commits");
        let created: i64 = admin
            .query_one(&format!("SELECT {} FROM all_types", micros("created_at")), &[])
            .await
            .expect("one row")
            .get(0);
        // The same key twice in one batch, then again in the next: the last one wins.
        let second = AllTypes {
            label: "second".into(),
            note: None,
            ..first.clone()
        };
        let third = AllTypes {
            label: "third".into(),
            numbers: vec![],
            ..first.clone()
        };
        let committed = write(&mut sink, &[second, third.clone()])
            .await
            .expect("the batch commits");
        assert_eq!((committed.records, committed.rows), (2, 1), "{strategy:?}");
        let row = admin
            .query_one(
                &format!(
                    "SELECT count(*) OVER (), {}, sink_timestamp > created_at FROM all_types",
                    micros("created_at")
                ),
                &[],
            )
            .await
            .expect("one row");
        assert_eq!(row.get::<_, i64>(0), 1, "{strategy:?}: one row per key");
        assert_eq!(row.get::<_, i64>(1), created, "{strategy:?}: created_at is kept");
        assert!(row.get::<_, bool>(2), "{strategy:?}: sink_timestamp is refreshed");
        let failures = compare(&admin, "all_types", "id = 1", &all_types_cells(&third)).await;
        assert!(failures.is_empty(), "{strategy:?}: {}", failures.join("\n"));
    }
}

/// `Strategy::Unnest` on a table of scalar columns (TEXT, INTEGER, TIMESTAMP, BYTEA,
/// BOOLEAN, a nullable TEXT), against `Insert` and `Copy`: new rows, then the same keys
/// again (twice in one batch, the last winning) update them.
#[tokio::test]
async fn every_strategy_upserts_scalar_rows_alike() {
    let Some((scratch, admin)) = pg_scratch::with_tables("postgres_sink_strategies").await else {
        return;
    };
    let data = |i: i32, pipeline: Option<&str>| TelescopeData {
        data_id: format!("d-{}", i % 3),
        observation_id: format!("obs-{i}"),
        sequence_number: i,
        timestamp: utc(2024, 5, 1, 12, 0, 0, 0) + avrokit::chrono::TimeDelta::milliseconds(i64::from(i)),
        data: vec![i as u8; i as usize % 7],
        processed: i % 2 == 0,
        processing_pipeline_version: pipeline.map(str::to_owned),
    };
    for strategy in [Strategy::Insert, Strategy::Unnest, Strategy::Copy] {
        admin
            .batch_execute("TRUNCATE telescope_data_raw")
            .await
            .expect("truncate");
        let mut sink = scratch
            .sink::<TelescopeData>("telescope_data_raw")
            .await
            .with_strategy(strategy);
        let first: Vec<TelescopeData> = (0..3).map(|i| data(i, Some("v1"))).collect();
        let committed = write(&mut sink, &first).await.expect("the first batch commits");
        assert_eq!((committed.rows, committed.affected), (3, 3), "{strategy:?}");
        // Keys d-0, d-1, d-2, d-0: the second d-0 wins.
        let second: Vec<TelescopeData> = (3..7).map(|i| data(i, (i % 2 == 1).then_some("v2"))).collect();
        let committed = write(&mut sink, &second).await.expect("the second batch commits");
        assert_eq!((committed.records, committed.rows), (4, 3), "{strategy:?}");
        let mut failures = Vec::new();
        for d in &second[1..] {
            let key = format!("data_id = '{}'", d.data_id);
            failures.extend(compare(&admin, "telescope_data_raw", &key, &telescope_cells(d)).await);
        }
        let rows = count(&admin, "telescope_data_raw").await;
        assert_eq!(rows, 3, "{strategy:?}: one row per key");
        assert!(failures.is_empty(), "{strategy:?}: {}", failures.join("\n"));
    }
}

#[tokio::test]
async fn a_large_batch_of_old_keys_falls_back_from_the_copy_to_upserts() {
    let Some((scratch, admin)) = pg_scratch::with_tables("postgres_sink_copy_fallback").await else {
        return;
    };
    // 500 rows of 1 KiB: the copy of new rows goes out in many chunks, and PostgreSQL
    // refuses it at its first old key while the sink is still sending.
    let data = |i: i32, version: &str| TelescopeData {
        data_id: format!("d-{i}"),
        observation_id: "obs".into(),
        sequence_number: i,
        timestamp: utc(2024, 5, 1, 12, 0, 0, 0),
        data: vec![i as u8; 1024],
        processed: false,
        processing_pipeline_version: Some(version.to_owned()),
    };
    let mut sink = scratch.sink::<TelescopeData>("telescope_data_raw").await;
    let first: Vec<TelescopeData> = (0..500).map(|i| data(i, "v1")).collect();
    let committed = write(&mut sink, &first).await.expect("new keys are copied in");
    assert_eq!(committed.affected, 500);
    // The same keys, the last one first: the copy fails at once; then all old keys.
    let mut again: Vec<TelescopeData> = (0..500).map(|i| data(i, "v2")).collect();
    again.rotate_right(1);
    let committed = write(&mut sink, &again).await.expect("old keys are upserted");
    assert_eq!((committed.rows, committed.affected), (500, 500));
    let updated = count(&admin, "telescope_data_raw WHERE processing_pipeline_version = 'v2'").await;
    assert_eq!(updated, 500, "every row holds the second batch's values");
    // Half new, half old keys in one batch: written whole, once.
    let mixed: Vec<TelescopeData> = (250..750).map(|i| data(i, "v3")).collect();
    let committed = write(&mut sink, &mixed).await.expect("a mixed batch is upserted");
    assert_eq!(committed.affected, 500);
    assert_eq!(count(&admin, "telescope_data_raw").await, 750);
}

#[tokio::test]
async fn a_missing_table_is_postgresqls_error() {
    let Some(scratch) = Scratch::open("postgres_sink_missing").await else {
        return;
    };
    let (topic, sink) = pg_scratch::sink_of("raw_device_health");
    let table = SinkTable::of::<DeviceHealth>(&topic, &sink).expect("the sink table builds");
    let client = scratch.connect().await.expect("the scratch schema answers");
    // Only the scratch schema: a table of that name in `public` (the examples make one)
    // must not be found instead.
    client
        .batch_execute(&format!("SET search_path TO {}", scratch.schema))
        .await
        .expect("the scratch schema alone");
    let error = PgSink::new(client, table)
        .await
        .expect_err("no table in a fresh schema");
    assert_eq!(error.sqlstate(), Some("42P01"), "{error}");
    assert!(
        error
            .to_string()
            .contains("relation \"raw_device_health\" does not exist"),
        "{error}"
    );
}

#[tokio::test]
async fn bad_records_fail_the_batch_naming_record_and_field_and_write_nothing() {
    let Some((scratch, admin)) = pg_scratch::with_tables("postgres_sink_errors").await else {
        return;
    };
    let mut sink = scratch
        .sink::<AllTypes>("all_types")
        .await
        .with_strategy(Strategy::Insert);
    let good = all_types_values().remove(0).to_avro().expect("encodes");
    let writer = AllTypes::schema();
    let record = |value: &'static [u8]| EncodedValue { writer, value };

    // Corrupt bytes: a truncated record, located at the field where the bytes ran out
    // (the last byte is `CamelCase`, the 16 before it `maybe_position`'s doubles).
    let truncated: &'static [u8] = Box::leak(good[..good.len() - 3].to_vec().into_boxed_slice());
    let good: &'static [u8] = Box::leak(good.into_boxed_slice());
    match sink.write_batch(&[record(good), record(truncated)]).await {
        Err(SinkError::Value {
            record: 1,
            field,
            error: ValueError::Decode(_),
        }) => assert_eq!(field, "maybe_position"),
        other => panic!("expected a decode error at record 1: {other:?}"),
    }

    // Values PostgreSQL cannot hold, caught before the database with their reason.
    let mut before_postgres = all_types_values().remove(0);
    before_postgres.ts_us = DateTime::<Utc>::MIN_UTC;
    before_postgres.label = "nul \0 inside".into();
    let error = write(&mut sink, &[before_postgres.clone()])
        .await
        .expect_err("out of range");
    assert!(
        matches!(&error, SinkError::Value { record: 0, field, error: ValueError::Nul { .. } } if field == "label"),
        "{error}"
    );
    before_postgres.label = "fine".into();
    let error = write(&mut sink, &[before_postgres]).await.expect_err("out of range");
    assert!(
        matches!(&error, SinkError::Value { record: 0, field, error: ValueError::OutOfRange { .. } } if field == "ts_us"),
        "{error}"
    );

    // A writer schema with a field the table has no column for.
    let mut json: Value = serde_json::from_str(AllTypes::schema_json()).expect("schema JSON");
    json["fields"]
        .as_array_mut()
        .expect("fields")
        .push(json!({"name": "extra", "type": "int", "default": 0}));
    let wider = avrokit::Schema::parse(&json.to_string()).expect("a valid schema");
    let error = sink
        .write_batch(&[
            EncodedValue { writer, value: good },
            EncodedValue {
                writer: &wider,
                value: good,
            },
        ])
        .await
        .expect_err("extra has no column");
    assert!(
        matches!(&error, SinkError::Plan { record: 1, error: PlanError::NoColumn { field, .. } } if field == "extra"),
        "{error}"
    );

    // A value the database refuses (a CHECK the table has and the model does not know of):
    // PostgreSQL's message and SQLSTATE, and the batch is rolled back.
    admin
        .batch_execute("ALTER TABLE all_types ADD CONSTRAINT small_positive CHECK (small > 0)")
        .await
        .expect("alter");
    let error = write(&mut sink, &all_types_values())
        .await
        .expect_err("the check fails");
    assert_eq!(error.sqlstate(), Some("23514"), "{error}");
    assert!(error.to_string().contains("small_positive"), "{error}");
    let rows = count(&admin, "all_types").await;
    assert_eq!(rows, 0, "nothing of a failed batch is written");
}

#[tokio::test]
async fn a_table_whose_column_types_differ_from_the_model_is_refused_at_start() {
    let Some(scratch) = Scratch::open("postgres_sink_types").await else {
        return;
    };
    let admin = scratch.connect().await.expect("the scratch schema answers");
    admin
        .batch_execute(
            "CREATE TABLE raw_device_health (device_id TEXT, reported_at TIMESTAMPTZ, battery_pct BIGINT, \
             signal_strength_dbm INTEGER, is_online BOOLEAN)",
        )
        .await
        .expect("create");
    let (topic, sink) = pg_scratch::sink_of("raw_device_health");
    let table = SinkTable::of::<DeviceHealth>(&topic, &sink).expect("the sink table builds");
    let error = PgSink::new(scratch.connect().await.expect("connects"), table)
        .await
        .expect_err("battery_pct is BIGINT");
    assert!(
        matches!(&error, SinkError::ColumnType { column, expected, found, .. }
            if column == "battery_pct" && expected == "int4" && found == "int8"),
        "{error}"
    );
}
