//! The registry stopped after warm-up, through the Kafka glue: the producer keeps framing
//! with its cached schema id and a consumer keeps decoding with the cached writer schema,
//! so production and consumption go on; a subject the registry has not seen fails
//! clearly meanwhile, and works once the registry is back.
//!
//! It stops the stack's registry (`avrokit stack stop schema-registry`) and starts it
//! again; the registry keeps its schemas in a file, so later tests find every id it gave
//! out before. Without a running stack it prints `SKIPPED ...` and passes.

mod running_stack;
mod scratch;

use avrokit::kafka::topics::{TopicAdmin, TopicPlan, TopicSpec};
use avrokit::kafka::{Consumer, ConsumerSettings, ProduceError, Producer, ProducerSettings, Record};
use avrokit::registry_client::{RegistryClient, RegistryConfig, RetryPolicy};
use avrokit::{AvroMessage, Topic};
use avrokit_cli::stack::Outage;
use running_stack::KafkaStack;
use scratch::scratch_name;
use std::io::Write;
use std::time::Duration;

#[derive(AvroMessage, Debug, Clone, PartialEq)]
#[avro(
    schema_json = r#"{"type":"record","name":"Reading","namespace":"it.outage","fields":[
  {"name":"sensor","type":"string"},{"name":"value","type":"double"}]}"#
)]
struct Reading {
    sensor: String,
    value: f64,
}

const DURING: usize = 50;

fn reading(i: usize) -> Reading {
    Reading {
        sensor: format!("s-{i}"),
        value: i as f64 / 4.0,
    }
}

fn scratch_topic(name: &str) -> Topic<str, Reading> {
    let name: &'static str = Box::leak(name.to_owned().into_boxed_str());
    let subject: &'static str = Box::leak(format!("{name}-value").into_boxed_str());
    Topic::new(name, subject, None, &[], None)
}

/// Reads `count` records of `topic` as group `group`: their sensors.
async fn consume(bootstrap: &str, group: &str, topic: &str, registry: RegistryClient, count: usize) -> Vec<String> {
    let mut settings = ConsumerSettings::new(bootstrap, group, [topic]);
    settings.max_wait = Duration::from_millis(200);
    let consumer = Consumer::<Reading>::new(settings, registry, None).unwrap();
    let shutdown = consumer.shutdown();
    let mut sensors = Vec::new();
    consumer
        .run(async |batch: &[Record<Reading>]| {
            sensors.extend(batch.iter().map(|r| r.value.sensor.clone()));
            if sensors.len() >= count {
                shutdown.trigger();
            }
            Ok(())
        })
        .await
        .expect("consumed");
    sensors
}

#[test]
fn production_and_consumption_go_on_with_cached_schemas_while_the_registry_is_away() {
    let Some(KafkaStack {
        bootstrap,
        registry: registry_url,
    }) = KafkaStack::find("stack_kafka_registry_outage")
    else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let run = scratch_name("it-outage");
    let (known, fresh) = (format!("{run}.known"), format!("{run}.fresh"));
    // No retries and a short timeout: the refusal of the fresh subject shows up at once.
    let config = RegistryConfig::new(&registry_url)
        .with_retry(RetryPolicy::none())
        .with_timeout(Duration::from_secs(3));
    let registry = RegistryClient::new(config).unwrap();
    let producer = Producer::new(&ProducerSettings::new(&bootstrap), registry.clone()).unwrap();
    let (known_topic, fresh_topic) = (scratch_topic(&known), scratch_topic(&fresh));

    runtime.block_on(async {
        let admin = TopicAdmin::connect(&bootstrap).unwrap();
        for name in [&known, &fresh] {
            let spec = TopicSpec::new(name.clone());
            admin.apply(&TopicPlan::new(spec, None)).await.unwrap();
        }
        // Warm-up: the schema registered and its id cached; a consumer caches the writer
        // schema in the client's cache, which every clone shares.
        producer.send(&known_topic, "warm", &reading(0)).await.unwrap();
        let warm = consume(&bootstrap, &format!("{known}-warm"), &known, registry.clone(), 1).await;
        assert_eq!(warm, ["s-0"]);
    });

    let mut restart = Outage::stop("schema-registry").unwrap();
    if !restart.was_stopped() {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED stack_kafka_registry_outage: no native registry process to stop"
        );
        return;
    }
    let during: Result<usize, String> = runtime.block_on(async {
        for i in 1..=DURING {
            producer
                .send(&known_topic, "during", &reading(i))
                .await
                .map_err(|e| e.to_string())?;
        }
        match producer.send(&fresh_topic, "f", &reading(0)).await {
            Err(ProduceError::Serialize { source, .. }) if source.is_retriable() => {}
            other => return Err(format!("a new subject without the registry: {other:?}")),
        }
        let read = consume(
            &bootstrap,
            &format!("{known}-during"),
            &known,
            registry.clone(),
            DURING + 1,
        )
        .await;
        Ok(read.len())
    });
    restart.end().unwrap();
    assert_eq!(
        during,
        Ok(DURING + 1),
        "production and consumption went on while the registry was away"
    );

    // Back: the new subject registers and sends.
    runtime
        .block_on(producer.send(&fresh_topic, "f", &reading(0)))
        .expect("the registry is back");
}
