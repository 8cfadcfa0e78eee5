//! Arbitrary values of a generated type round-trip through its table: batches of
//! `DeviceHealth` (any text, any timestamp both chrono and PostgreSQL hold, any numbers)
//! written through the PostgreSQL sink and read back column by column. Skips like the
//! other stack tests when PostgreSQL is not there.

use avrokit::chrono::DateTime;
use avrokit_generated::smart::access::DeviceHealth;
use avrokit_tests::pg_scratch;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// Unix milliseconds from PostgreSQL's first timestamp (4714-11-24 BC) to chrono's last.
const MILLIS: std::ops::RangeInclusive<i64> = -210_866_803_200_000..=8_210_266_876_799_999;

fn device_health() -> impl Strategy<Value = DeviceHealth> {
    (
        // Any text but U+0000, which PostgreSQL's TEXT refuses (the sink says so).
        proptest::collection::vec(any::<char>().prop_filter("no NUL", |c| *c != '\0'), 0..24),
        MILLIS,
        any::<i32>(),
        any::<i32>(),
        any::<bool>(),
    )
        .prop_map(
            |(name, millis, battery_pct, signal_strength_dbm, is_online)| DeviceHealth {
                device_id: name.into_iter().collect(),
                reported_at: DateTime::from_timestamp_millis(millis).expect("inside chrono's range"),
                battery_pct,
                signal_strength_dbm,
                is_online,
            },
        )
}

#[test]
fn arbitrary_device_health_reports_round_trip_through_the_table() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let Some((scratch, admin)) = runtime.block_on(pg_scratch::with_tables("postgres_sink_props")) else {
        return;
    };
    let sink = runtime.block_on(scratch.sink::<DeviceHealth>("raw_device_health"));
    // Held across the write's awaits, which a RefCell borrow must not be.
    let sink = tokio::sync::Mutex::new(sink);
    let mut runner = TestRunner::new(Config {
        cases: 48,
        ..Config::default()
    });
    let batches = proptest::collection::vec(device_health(), 1..16).prop_map(|mut reports| {
        // One row per report: distinct keys by an index suffix.
        for (i, report) in reports.iter_mut().enumerate() {
            report.device_id.push_str(&format!("#{i}"));
        }
        reports
    });
    let outcome = runner.run(&batches, |reports| {
        runtime.block_on(async {
            admin
                .batch_execute("TRUNCATE raw_device_health")
                .await
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let encoded = pg_scratch::encode_all(&reports);
            let records = pg_scratch::records_of::<DeviceHealth>(&encoded);
            let committed = sink
                .lock()
                .await
                .write_batch(&records)
                .await
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(committed.rows, reports.len());
            for report in &reports {
                let row = admin
                    .query_one(
                        "SELECT (extract(epoch from reported_at) * 1000)::int8, battery_pct, \
                         signal_strength_dbm, is_online FROM raw_device_health WHERE device_id = $1",
                        &[&report.device_id],
                    )
                    .await
                    .map_err(|e| TestCaseError::fail(format!("{:?}: {e}", report.device_id)))?;
                prop_assert_eq!(row.get::<_, i64>(0), report.reported_at.timestamp_millis());
                prop_assert_eq!(row.get::<_, i32>(1), report.battery_pct);
                prop_assert_eq!(row.get::<_, i32>(2), report.signal_strength_dbm);
                prop_assert_eq!(row.get::<_, bool>(3), report.is_online);
            }
            Ok(())
        })
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}
