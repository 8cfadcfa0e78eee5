//! PostgreSQL restarted while the avrokit sink (`postgres_sink::run`) consumes a topic
//! that is still being written: the sink waits the restart out, connects again, writes
//! the batch it could not commit again, and in the end the table holds every event
//! exactly once (as many rows as distinct keys as events produced).
//!
//! This stops the stack's PostgreSQL (`avrokit_cli::stack::Outage`, which starts it
//! again even when an assertion fails first) for about two seconds; it is a test binary
//! of its own, so no other test of this crate runs meanwhile. Without a running stack it
//! prints `SKIPPED ...` and passes.

#[path = "stack_fault/access_sink.rs"]
mod access_sink;

use access_sink::{Bench, event};
use avrokit_cli::stack::Outage;
use std::time::{Duration, Instant};

const TEST: &str = "stack_fault_postgres_restart";
const EVENTS: u32 = 2400;

#[tokio::test]
async fn the_sink_waits_out_a_postgresql_restart_and_writes_every_event_once() {
    let Some(bench) = Bench::open(TEST, 2).await else {
        return;
    };
    let (shutdown, sinking) = bench.start_sink(50, None).await;
    let producer = bench.producer();
    let topic = bench.topic;
    // 300 events a second for eight seconds, their acknowledgments awaited at the end:
    // the restart falls in the middle.
    let producing = tokio::spawn(async move {
        let mut pending = Vec::with_capacity(EVENTS as usize);
        for i in 0..EVENTS {
            let value = event(i);
            pending.push(
                producer
                    .enqueue(&topic, &value.device_id.clone(), &value)
                    .await
                    .expect("queued"),
            );
            if i % 30 == 29 {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        for delivery in pending {
            delivery.await.expect("delivered");
        }
    });

    // The sink is writing before the database goes.
    let started = Instant::now();
    while bench.rows().await.0 == 0 {
        assert!(started.elapsed() < Duration::from_secs(60), "the sink wrote nothing");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let mut outage = tokio::task::spawn_blocking(|| Outage::stop("postgres"))
        .await
        .unwrap()
        .expect("stopping PostgreSQL");
    if !outage.was_stopped() {
        eprintln!("SKIPPED {TEST}: PostgreSQL is not the native stack's process (nothing to stop)");
        return;
    }
    let down = Instant::now();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let outage = tokio::task::spawn_blocking(move || outage.end().map(|()| outage))
        .await
        .unwrap()
        .expect("starting PostgreSQL again");
    drop(outage);
    let rows_after_restart = bench.rows().await.0;
    println!(
        "PostgreSQL was away {:.1} s; {rows_after_restart} rows when it was back",
        down.elapsed().as_secs_f64()
    );
    assert!(
        rows_after_restart < i64::from(EVENTS),
        "the restart must fall while events are still being sunk"
    );
    assert!(!sinking.is_finished(), "the sink gave up: {:?}", sinking.finish().await);

    producing.await.expect("every event delivered");
    let started = Instant::now();
    let (rows, distinct) = loop {
        let (rows, distinct) = bench.rows().await;
        if rows >= i64::from(EVENTS) || started.elapsed() > Duration::from_secs(60) {
            break (rows, distinct);
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    shutdown.trigger();
    let summary = sinking.finish().await.expect("the sink stops cleanly");
    println!(
        "{rows} rows, {distinct} distinct event ids, {EVENTS} events produced; sink: {summary:?}; \
         caught up {:.1} s after the last event was acknowledged",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(
        (rows, distinct),
        (i64::from(EVENTS), i64::from(EVENTS)),
        "every event exactly once"
    );
    assert_eq!(summary.dead_lettered, 0);
    // The settled count, not a passing one: nothing more arrives.
    assert_eq!(bench.rows().await, (i64::from(EVENTS), i64::from(EVENTS)));
}
