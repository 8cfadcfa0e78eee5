//! The runtime's producer, consumer and PostgreSQL sink through the stack's secure
//! endpoints only: records are produced to the broker's SASL_SSL listener (SCRAM-SHA-512,
//! the stack's throwaway CA) with schemas registered at the HTTPS registry (basic auth),
//! and the avrokit sink reads them back through the same listener and registry into
//! `raw_access_events`, every event exactly once. The settings are the ones `stack env`
//! prints (`KAFKA_SECURE_BOOTSTRAP_SERVERS`, `KAFKA_SASL_*`, `KAFKA_SSL_CA_LOCATION`,
//! `SCHEMA_REGISTRY_SECURE_*`), exported or from `target/stack/stack.env`.
//!
//! Without a stack that has the secure endpoints the test passes after printing why it
//! was skipped.

use avrokit::chrono::DateTime;
use avrokit::kafka::topics::{TopicAdmin, TopicPlan, TopicSpec};
use avrokit::kafka::{
    Consumer, ConsumerSettings, KafkaSettings, Producer, ProducerSettings, WriterSchemas, postgres_sink,
};
use avrokit::postgres::{PgSink, SinkTable};
use avrokit::registry_client::{Auth, RegistryClient, RegistryConfig};
use avrokit::uuid::Uuid;
use avrokit::{AvroMessage, Topic};
use avrokit_generated::smart::access::{AccessEvent, AccessEventType};
use avrokit_generated::topics;
use avrokit_tests::pg_scratch::Scratch;
use avrokit_tests::stack_env::{self, say};
use std::time::{Duration, Instant};

const EVENTS: u32 = 500;

/// The secure endpoints' settings, or `None` (having said why) without them.
struct Secure {
    kafka: KafkaSettings,
    registry: RegistryConfig,
    password: String,
}

impl Secure {
    fn find(test: &str) -> Option<Secure> {
        let get = |key: &str| stack_env::var(key).map(|(value, _)| value);
        let found = (|| -> Result<Secure, String> {
            let password = get("KAFKA_SASL_PASSWORD")?;
            let kafka = KafkaSettings::new(get("KAFKA_SECURE_BOOTSTRAP_SERVERS")?)
                .set("security.protocol", "SASL_SSL")
                .set("sasl.mechanism", get("KAFKA_SASL_MECHANISM")?)
                .set("sasl.username", get("KAFKA_SASL_USERNAME")?)
                .set("sasl.password", password.clone())
                .set("ssl.ca.location", get("KAFKA_SSL_CA_LOCATION")?);
            let ca = std::fs::read(get("SCHEMA_REGISTRY_SECURE_CA")?).map_err(|e| format!("the CA: {e}"))?;
            let registry = RegistryConfig::new(get("SCHEMA_REGISTRY_SECURE_URL")?)
                .with_auth(Auth::Basic {
                    user: get("SCHEMA_REGISTRY_SECURE_USER")?,
                    password: get("SCHEMA_REGISTRY_SECURE_PASSWORD")?,
                })
                .with_ca_pem(ca);
            Ok(Secure {
                kafka,
                registry,
                password,
            })
        })();
        match found {
            Ok(secure) if std::net::TcpStream::connect(&secure.kafka.bootstrap_servers).is_ok() => Some(secure),
            Ok(secure) => {
                say(&format!(
                    "SKIPPED {test}: nothing listens at {} (stale stack.env?)",
                    secure.kafka.bootstrap_servers
                ));
                None
            }
            Err(why) => {
                say(&format!(
                    "SKIPPED {test}: no secure endpoints: {why}; run it with `cargo xtask test` \
                     (a stack started by this avrokit)"
                ));
                None
            }
        }
    }

    fn registry_client(&self) -> RegistryClient {
        RegistryClient::new(self.registry.clone()).expect("a registry client")
    }
}

fn event(i: u32) -> AccessEvent {
    AccessEvent {
        event_id: Uuid::from_u128(0x5ec0_0000_0000_0000_0000_0000_0000_0000 + u128::from(i)),
        device_id: format!("door-{}", i % 7),
        event_ts: DateTime::from_timestamp_millis(1_760_000_000_000 + i64::from(i)).unwrap(),
        event_type: [AccessEventType::Open, AccessEventType::Close, AccessEventType::Fail][(i % 3) as usize],
        trigger_source: "badge".into(),
    }
}

/// Creates `name` (2 partitions) through the SASL_SSL listener; its descriptor.
async fn scratch_topic<V: AvroMessage>(secure: &Secure, name: &str) -> Topic<str, V> {
    let mut config = avrokit::kafka::rdkafka::ClientConfig::new();
    config.set("bootstrap.servers", &secure.kafka.bootstrap_servers);
    for (key, value) in &secure.kafka.overrides {
        config.set(key, value);
    }
    let admin = TopicAdmin::from_config(&config).expect("an admin client");
    admin
        .apply(&TopicPlan::new(TopicSpec::new(name).with_partitions(2), None))
        .await
        .unwrap_or_else(|e| panic!("creating {name} over SASL_SSL: {e}"));
    let name: &'static str = Box::leak(name.to_owned().into_boxed_str());
    let subject: &'static str = Box::leak(format!("{name}-value").into_boxed_str());
    Topic::new(name, subject, None, &[], None)
}

#[tokio::test]
async fn stack_secure_sink_reads_the_sasl_ssl_listener_into_postgres_exactly_once() {
    let test = "stack_secure_sink";
    let Some(secure) = Secure::find(test) else {
        return;
    };
    let Some(scratch) = Scratch::open(test).await else {
        return;
    };
    let db = scratch.connect().await.unwrap();
    db.batch_execute(
        &std::fs::read_to_string(stack_env::repo_root().join("generated/sql/raw_access_events.sql")).unwrap(),
    )
    .await
    .unwrap();

    let run = avrokit_tests::stack_registry::scratch_name("it-secure-sink");
    let topic = scratch_topic::<AccessEvent>(&secure, &run).await;
    let producer = Producer::new(
        &ProducerSettings::new(&secure.kafka.bootstrap_servers).with_kafka(secure.kafka.clone()),
        secure.registry_client(),
    )
    .expect("a SASL_SSL producer");
    for i in 0..EVENTS {
        let value = event(i);
        producer
            .send(&topic, &value.device_id.clone(), &value)
            .await
            .expect("delivered over SASL_SSL");
    }

    let table = SinkTable::for_topic(&topics::SMART_ACCESS_EVENTS)
        .expect("the catalog sinks the topic")
        .unwrap();
    let mut sink = PgSink::connect(&scratch.url(), table).await.unwrap();
    let mut settings = ConsumerSettings::new(&secure.kafka.bootstrap_servers, format!("{run}-sink"), [run.as_str()]);
    settings.kafka = secure.kafka.clone();
    settings.max_batch = 100;
    let consumer = Consumer::with_decoder(settings, WriterSchemas::new(secure.registry_client()), None)
        .expect("a SASL_SSL consumer");
    let shutdown = consumer.shutdown();
    let watcher = {
        let db = scratch.connect().await.unwrap();
        tokio::spawn(async move {
            let started = Instant::now();
            loop {
                let rows: i64 = db
                    .query_one("SELECT count(*) FROM raw_access_events", &[])
                    .await
                    .unwrap()
                    .get(0);
                if rows >= i64::from(EVENTS) || started.elapsed() > Duration::from_secs(90) {
                    shutdown.trigger();
                    return rows;
                }
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
        })
    };
    let summary = postgres_sink::run(&consumer, &mut sink).await.expect("the sink ran");
    watcher.await.unwrap();
    let row = db
        .query_one("SELECT count(*), count(DISTINCT event_id) FROM raw_access_events", &[])
        .await
        .unwrap();
    let (rows, distinct): (i64, i64) = (row.get(0), row.get(1));
    assert_eq!(
        (rows, distinct),
        (i64::from(EVENTS), i64::from(EVENTS)),
        "every event exactly once"
    );
    let sample = event(321);
    let row = db
        .query_one(
            "SELECT device_id, trigger_source FROM raw_access_events WHERE event_id::text = $1",
            &[&sample.event_id.to_string()],
        )
        .await
        .unwrap();
    assert_eq!(
        (row.get::<_, String>(0), row.get::<_, String>(1)),
        (sample.device_id, "badge".to_owned())
    );
    // Nothing the run printed or kept in its summary shows the password.
    let shown = format!("{summary:?} {consumer:?} {producer:?}");
    assert!(!shown.contains(&secure.password), "the Debug output shows the password");
}
