//! The registry process stopped and restarted mid-run (`avrokit stack stop|start
//! schema-registry`), for the blocking serializers and the async ones alike: after
//! warm-up, cached ids keep serializing and cached writer schemas keep decoding; a new
//! schema, or a client that starts while the registry is down, fails clearly with a
//! retriable error after the retry policy's attempts; once the registry is back, the same
//! serializer registers it (errors were not cached). Needs the native stack (the one
//! whose process `stack stop` can stop); otherwise prints `SKIPPED ...` and passes.

mod running_stack;
mod scratch;

use avrokit::AvroMessage;
use avrokit::registry_client::Deletion;
use avrokit::registry_client::{
    BlockingDeserializer, BlockingRegistryClient, BlockingSerializer, Deserializer, RegistryClient, RegistryConfig,
    RegistryErrorKind, RetryPolicy, SerializeError, Serializer,
};
use avrokit::wire;
use avrokit_cli::stack::Outage;
use scratch::scratch_name;
use std::io::Write;
use std::time::{Duration, Instant};

#[derive(AvroMessage, Debug, Clone, PartialEq)]
#[avro(schema_json = r#"{"type":"record","name":"Reading","namespace":"it.fault","fields":[
  {"name":"sensor","type":"string"},{"name":"value","type":"double"}]}"#)]
struct ReadingV1 {
    sensor: String,
    value: f64,
}

/// V1 plus a field with a default: a schema the registry has not seen at warm-up.
#[derive(AvroMessage, Debug, Clone, PartialEq)]
#[avro(schema_json = r#"{"type":"record","name":"Reading","namespace":"it.fault","fields":[
  {"name":"sensor","type":"string"},{"name":"value","type":"double"},
  {"name":"unit","type":"string","default":"C"}]}"#)]
struct ReadingV2 {
    sensor: String,
    value: f64,
    unit: String,
}

/// Two quick retries: a registry that is down fails in well under a second.
fn quick(url: &str) -> RegistryConfig {
    RegistryConfig::new(url)
        .with_retry(
            RetryPolicy::default()
                .with_max_retries(2)
                .with_initial_backoff(Duration::from_millis(50))
                .with_max_backoff(Duration::from_millis(200)),
        )
        .with_timeout(Duration::from_secs(5))
}

#[test]
fn a_registry_restart_mid_run_is_survived() {
    let test = "a_registry_restart_mid_run_is_survived";
    let Some(url) = running_stack::registry(test) else {
        return;
    };
    let client = BlockingRegistryClient::new(quick(&url)).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let async_client = RegistryClient::new(quick(&url)).unwrap();
    let topic = scratch_name("avrokit-it-fault");
    let v1 = ReadingV1 {
        sensor: "s-1".into(),
        value: 21.5,
    };

    // Warm-up: the id of v1 under <topic>-value, and its writer schema by id.
    let ser1 = BlockingSerializer::<ReadingV1>::new(client.clone());
    let ser2 = BlockingSerializer::<ReadingV2>::new(client.clone());
    let de = BlockingDeserializer::<ReadingV1>::new(client.clone());
    let framed = ser1.serialize(&topic, &v1).unwrap();
    assert_eq!(de.deserialize(&framed).unwrap(), v1);
    let async_ser = Serializer::<ReadingV1>::new(async_client.clone());
    let async_ser2 = Serializer::<ReadingV2>::new(async_client.clone());
    let async_de = Deserializer::<ReadingV1>::new(async_client.clone());
    runtime.block_on(async {
        assert_eq!(async_ser.serialize(&topic, &v1).await.unwrap(), framed);
        assert_eq!(async_de.deserialize(&framed).await.unwrap(), v1);
    });

    let mut restart = Outage::stop("schema-registry").unwrap();
    if !restart.was_stopped() {
        // Not the native stack's process (Docker?): nothing here can stop it.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: `avrokit stack stop schema-registry` stopped nothing; \
             the registry at {url} is not the native stack's"
        );
        return;
    }

    // Down: the cached id keeps serializing, the cached schema keeps decoding.
    let started = Instant::now();
    assert_eq!(ser1.serialize(&topic, &v1).unwrap(), framed);
    assert_eq!(de.deserialize(&framed).unwrap(), v1);
    // A new schema needs the registry: a clear, retriable error, after the retries.
    let v2 = ReadingV2 {
        sensor: "s-2".into(),
        value: -1.0,
        unit: "K".into(),
    };
    let err = ser2.serialize(&topic, &v2).unwrap_err();
    assert!(err.is_retriable(), "{err}");
    let SerializeError::Registry { subject, source } = &err else {
        panic!("{err}")
    };
    assert_eq!(subject, &format!("{topic}-value"));
    assert!(
        matches!(source.kind(), RegistryErrorKind::Unreachable { attempts: 3, .. }),
        "{err}"
    );
    assert!(
        err.to_string().contains("cannot reach the registry after 3 attempt(s)"),
        "{err}"
    );
    // An id the deserializer never saw cannot be fetched either: retriable, not "unknown".
    let err = de.deserialize(&wire::frame(1_999_999_999, b"")).unwrap_err();
    assert!(err.is_retriable(), "{err}");
    // The async serializers: the warm ones keep working; a client started while the
    // registry is down fails clearly, after its retries.
    runtime.block_on(async {
        assert_eq!(async_ser.serialize(&topic, &v1).await.unwrap(), framed);
        assert_eq!(async_de.deserialize(&framed).await.unwrap(), v1);
        let cold = Serializer::<ReadingV1>::new(RegistryClient::new(quick(&url)).unwrap());
        for err in [
            cold.serialize(&topic, &v1).await.unwrap_err(),
            async_ser2.serialize(&topic, &v2).await.unwrap_err(),
        ] {
            assert!(err.is_retriable(), "{err}");
            assert!(
                err.to_string().contains("cannot reach the registry after 3 attempt(s)"),
                "{err}"
            );
        }
    });
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "failing took {:?}",
        started.elapsed()
    );

    // Back: the same serializer, whose failure was not cached, registers v2.
    restart.end().unwrap();
    let framed2 = ser2.serialize(&topic, &v2).unwrap();
    let (id2, _) = wire::unframe(&framed2).unwrap();
    assert_eq!(client.rest().latest(&format!("{topic}-value")).unwrap().id, id2);
    let fresh = BlockingRegistryClient::new(RegistryConfig::new(&url)).unwrap();
    assert_eq!(
        BlockingDeserializer::<ReadingV2>::new(fresh)
            .deserialize(&framed2)
            .unwrap(),
        v2
    );
    // The async serializer of v2 (its failure not cached either) now gets v2's id.
    assert_eq!(runtime.block_on(async_ser2.schema_id(&topic)).unwrap(), id2);

    let subject = format!("{topic}-value");
    client.delete_subject(&subject, Deletion::Soft).unwrap();
    client.delete_subject(&subject, Deletion::Permanent).unwrap();
}
