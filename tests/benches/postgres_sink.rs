//! The PostgreSQL sink's two strategies measured on the stack's PostgreSQL:
//! multi-row `INSERT … ON CONFLICT` with bind parameters against binary `COPY` into a
//! temporary table then `INSERT … SELECT … ON CONFLICT`, for a narrow table of
//! `avro-schemas/` (`raw_access_events`, 5 columns) and the widest corpus table
//! (`all_types`, 28 columns of every type), fresh keys (inserts) and the same keys again
//! (updates).
//!
//! `cargo bench -p avrokit-tests --bench postgres_sink` prints rows per second, the best
//! of a few rounds per case (the database is shared with other work, so the best round
//! is the one least disturbed). No assertion: `xtask/BENCHMARKS.md` records the numbers.

use avrokit::AvroMessage;
use avrokit::postgres::{PgSink, Strategy};
use avrokit_generated::smart::access::{AccessEvent, AccessEventType};
use avrokit_tests::pg_scratch;
use avrokit_tests::sql_corpus::sinks::{AllTypes, AllTypesShape, Color, Hash, Position};
use std::time::{Duration, Instant};

const ROUNDS: usize = 5;
const BATCHES: [usize; 3] = [100, 1_000, 5_000];

fn access_event(i: u64) -> AccessEvent {
    AccessEvent {
        event_id: avrokit::uuid::Uuid::from_u128(u128::from(i) + 1),
        device_id: format!("lock-{}", i % 1000),
        event_ts: avrokit::chrono::DateTime::from_timestamp_millis(1_700_000_000_000 + i as i64).expect("in range"),
        event_type: AccessEventType::Open,
        trigger_source: "keypad".into(),
    }
}

fn all_types(i: u64) -> AllTypes {
    let position = Position { x: i as f64, y: 0.5 };
    let at = avrokit::chrono::DateTime::from_timestamp_millis(1_700_000_000_000 + i as i64).expect("in range");
    AllTypes {
        id: i as i64,
        flag: i.is_multiple_of(2),
        small: i as i32,
        ratio: 0.25,
        score: i as f64 / 3.0,
        label: format!("label {i}"),
        blob: vec![7; 32],
        hash: Hash([1, 2, 3, 4]),
        color: Color::Green,
        price: avrokit::rust_decimal::Decimal::new(i as i64 % 10_000_000, 2),
        uid: avrokit::uuid::Uuid::from_u128(u128::from(i)),
        day: at.date_naive(),
        at_ms: at.time(),
        at_us: at.time(),
        ts_ms: at,
        ts_us: at,
        ts_ns: at,
        local_ts: at.naive_utc(),
        span: avrokit::Duration::new(1, 2, 3),
        position: position.clone(),
        tags: [("k".to_owned(), format!("{i}"))].into(),
        points: vec![position.clone(), position.clone()],
        numbers: vec![1, 2, 3, i as i32],
        colors: vec![Color::Red],
        shape: AllTypesShape::Position(position.clone()),
        note: Some("note".into()),
        maybe_position: Some(position),
        camel_case: 1,
    }
}

/// The best rows per second of `ROUNDS` rounds writing `batch` rows of `make` once with
/// fresh keys and once more with the same keys.
async fn measure<T: AvroMessage>(
    sink: &mut PgSink,
    make: fn(u64) -> T,
    batch: usize,
    first_key: &mut u64,
) -> (f64, f64) {
    let mut best = (Duration::MAX, Duration::MAX);
    for _ in 0..ROUNDS {
        let values: Vec<T> = (*first_key..*first_key + batch as u64).map(make).collect();
        *first_key += batch as u64;
        let encoded = pg_scratch::encode_all(&values);
        let records = pg_scratch::records_of::<T>(&encoded);
        let start = Instant::now();
        sink.write_batch(&records).await.expect("inserts commit");
        let inserted = start.elapsed();
        let start = Instant::now();
        sink.write_batch(&records).await.expect("updates commit");
        let updated = start.elapsed();
        best = (best.0.min(inserted), best.1.min(updated));
    }
    let rate = |d: Duration| batch as f64 / d.as_secs_f64();
    (rate(best.0), rate(best.1))
}

async fn run() {
    let Some((scratch, admin)) = pg_scratch::with_tables("postgres_sink_bench").await else {
        return;
    };
    println!("| table | batch | strategy | insert rows/s | update rows/s |");
    println!("|---|---|---|---|---|");
    for table in ["raw_access_events", "all_types"] {
        for batch in BATCHES {
            for strategy in [Strategy::Insert, Strategy::Unnest, Strategy::Copy] {
                let mut pg = match table {
                    "all_types" => scratch.sink::<AllTypes>(table).await,
                    _ => scratch.sink::<AccessEvent>(table).await,
                }
                .with_strategy(strategy);
                admin
                    .batch_execute(&format!("TRUNCATE {table}"))
                    .await
                    .expect("truncate");
                let mut key = 0;
                let (insert, update) = match table {
                    "all_types" => measure(&mut pg, all_types, batch, &mut key).await,
                    _ => measure(&mut pg, access_event, batch, &mut key).await,
                };
                println!("| {table} | {batch} | {strategy:?} | {insert:.0} | {update:.0} |");
            }
        }
    }
}

fn main() {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(run());
}
