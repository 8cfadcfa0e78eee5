//! `Serializer` and `Deserializer` against the stack's registry (Apicurio through its
//! Confluent API): round trips, v1 read as v2 and the reverse, an incompatible type
//! refused, the latest version. Without a running stack it prints `SKIPPED ...` and passes.

mod readings;
mod stack_registry;

use avrokit::registry_client::{
    BlockingDeserializer, BlockingRegistryClient, BlockingSerializer, Compatibility, Deletion, DeserializeError,
    Deserializer, IdSource, RegistryClient, RegistryConfig, RegistryErrorKind, SerializeError, Serializer,
};
use avrokit::wire;
use readings::{ReadingBroken, ReadingV1, ReadingV2};
use stack_registry::scratch_name;

/// The stack's registry, or `None` (having said why) when it is not running.
fn registry(test: &str) -> Option<RegistryClient> {
    RegistryClient::new(RegistryConfig::new(stack_registry::registry(test)?)).ok()
}

#[tokio::test]
async fn round_trips_and_evolution_against_apicurio() {
    let Some(client) = registry("round_trips_and_evolution_against_apicurio") else {
        return;
    };
    let topic = scratch_name("avrokit-it-serde");
    let subject = format!("{topic}-value");
    // Apicurio enforces nothing until a level is set.
    client
        .set_config(Some(&subject), Compatibility::Backward)
        .await
        .unwrap();

    let v1 = ReadingV1 {
        sensor: "s-1".into(),
        value: 21.5,
    };
    let v2 = ReadingV2 {
        sensor: "s-2".into(),
        value: -3.25,
        unit: "K".into(),
    };
    let bytes1 = Serializer::<ReadingV1>::new(client.clone())
        .serialize(&topic, &v1)
        .await
        .unwrap();
    let (id1, _) = wire::unframe(&bytes1).unwrap();
    assert_eq!(
        client.rest().latest(&subject).await.unwrap().id,
        id1,
        "auto-registered under {subject}"
    );
    let bytes2 = Serializer::<ReadingV2>::new(client.clone())
        .serialize(&topic, &v2)
        .await
        .unwrap();
    let (id2, _) = wire::unframe(&bytes2).unwrap();
    assert_ne!(id1, id2);
    assert_eq!(client.versions(&subject).await.unwrap(), vec![1, 2]);

    // Fresh clients: the writer schemas come from the registry, not from the caches above.
    let fresh = || RegistryClient::new(RegistryConfig::new(client.url())).unwrap();
    let de1 = Deserializer::<ReadingV1>::new(fresh());
    let de2 = Deserializer::<ReadingV2>::new(fresh());
    assert_eq!(de1.deserialize(&bytes1).await.unwrap(), v1);
    assert_eq!(de2.deserialize(&bytes2).await.unwrap(), v2);
    // v1 read as v2: the reader's default fills `unit`.
    assert_eq!(
        de2.deserialize(&bytes1).await.unwrap(),
        ReadingV2 {
            sensor: "s-1".into(),
            value: 21.5,
            unit: "C".into()
        }
    );
    // v2 read as v1: `unit` skipped.
    assert_eq!(
        de1.deserialize(&bytes2).await.unwrap(),
        ReadingV1 {
            sensor: "s-2".into(),
            value: -3.25
        }
    );

    // The latest version is v2: a v2 serializer may write its id, a v1 one may not.
    let latest = Serializer::<ReadingV2>::new(client.clone()).with_ids(IdSource::Latest);
    assert_eq!(latest.schema_id(&topic).await.unwrap(), id2);
    let err = Serializer::<ReadingV1>::new(client.clone())
        .with_ids(IdSource::Latest)
        .schema_id(&topic)
        .await
        .unwrap_err();
    assert!(
        matches!(err, SerializeError::LatestIsNotOurs { version: 2, .. }),
        "{err}"
    );
    // The blocking twins read the same frames.
    let blocking = BlockingRegistryClient::new(RegistryConfig::new(client.url())).unwrap();
    assert_eq!(
        BlockingDeserializer::<ReadingV1>::new(blocking.clone())
            .deserialize(&bytes2)
            .unwrap()
            .sensor,
        "s-2"
    );
    assert_eq!(
        BlockingSerializer::<ReadingV2>::new(blocking)
            .serialize(&topic, &v2)
            .unwrap(),
        bytes2
    );

    let err = Serializer::<ReadingBroken>::new(client.clone())
        .serialize(&topic, &ReadingBroken { sensor: 1, value: 0.0 })
        .await
        .unwrap_err();
    let SerializeError::Registry { source, .. } = &err else {
        panic!("{err}")
    };
    assert!(matches!(source.kind(), RegistryErrorKind::Incompatible { .. }), "{err}");
    assert!(!err.is_retriable(), "a refused schema stays refused");

    let err = de1.deserialize(&wire::frame(2_000_000_000, b"")).await.unwrap_err();
    assert!(matches!(err, DeserializeError::UnknownSchemaId { .. }), "{err}");

    client.delete_subject(&subject, Deletion::Soft).await.unwrap();
    client.delete_subject(&subject, Deletion::Permanent).await.unwrap();
}
