//! `Serializer` and `Deserializer`, async and blocking, offline against a one-answer
//! socket: bad frames, an unknown id, a registry gone after warm-up, the latest version
//! used or refused, decoding into an existing value. The same against the stack's
//! registry is `stack_registry_serde.rs`.

use avrokit::AvroMessage;
use avrokit::registry_client::{
    BlockingDeserializer, BlockingRegistryClient, BlockingSerializer, DeserializeError, Deserializer, IdSource,
    RegistryClient, RegistryConfig, RegistryErrorKind, RetryPolicy, SerializeError, Serializer,
};
use avrokit::wire::{self, FrameError};
use std::io::{Read, Write};
use std::net::TcpListener;

mod readings;

use readings::{ReadingV1, ReadingV2};

/// A registry that answers the first `count` connections with `status` and `body`, then
/// stops listening (a registry that went away).
fn answer_then_vanish(count: usize, status: &'static str, body: impl Into<String>) -> String {
    let body = body.into();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(count) {
            let mut stream = stream.unwrap();
            let mut buf = [0; 8192];
            let _ = stream.read(&mut buf);
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

/// One attempt, and a short timeout: a connection the vanishing registry's kernel
/// backlog accepts but nobody serves must fail in seconds.
fn offline_config(url: &str) -> RegistryConfig {
    RegistryConfig::new(url)
        .with_retry(RetryPolicy::none())
        .with_timeout(std::time::Duration::from_secs(2))
}

fn offline_client(url: &str) -> RegistryClient {
    RegistryClient::new(offline_config(url)).unwrap()
}

#[tokio::test]
async fn bad_frames_are_typed_before_any_registry_call() {
    // Nobody listens here: a registry call would fail differently.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let de = Deserializer::<ReadingV1>::new(offline_client(&format!("http://{closed}")));
    assert!(matches!(
        de.deserialize(b"").await,
        Err(DeserializeError::Frame(FrameError::Empty))
    ));
    let err = de.deserialize(br#"{"sensor":"s"}"#).await.unwrap_err();
    assert!(err.to_string().starts_with("Invalid magic byte 0x7b"), "{err}");
    assert!(matches!(
        de.deserialize(b"\x00\x00\x01").await,
        Err(DeserializeError::Frame(FrameError::TruncatedHeader { len: 3, .. }))
    ));
    assert!(!err.is_retriable());
}

#[tokio::test]
async fn an_unknown_id_is_named_and_not_retriable() {
    let url = answer_then_vanish(
        1,
        "404 Not Found",
        r#"{"error_code":40403,"message":"Schema 77 not found"}"#,
    );
    let de = Deserializer::<ReadingV1>::new(offline_client(&url));
    let err = de.deserialize(&wire::frame(77, b"")).await.unwrap_err();
    assert!(matches!(err, DeserializeError::UnknownSchemaId { id: 77, .. }), "{err}");
    assert!(err.to_string().starts_with("unknown schema id 77"), "{err}");
    assert!(!err.is_retriable());
}

/// The blocking serializer, on a plain thread.
#[test]
fn cached_ids_keep_serializing_after_the_registry_goes_away() {
    let url = answer_then_vanish(1, "200 OK", r#"{"id":42}"#);
    let ser = BlockingSerializer::<ReadingV1>::new(BlockingRegistryClient::new(offline_config(&url)).unwrap());
    let value = ReadingV1 {
        sensor: "s-1".into(),
        value: 21.5,
    };
    let first = ser.serialize("readings", &value).unwrap();
    assert_eq!(wire::unframe(&first).unwrap(), (42, &value.to_avro().unwrap()[..]));
    // The registry is gone: the known topic still serializes, a new one fails clearly.
    assert_eq!(ser.serialize("readings", &value).unwrap(), first);
    let err = ser.serialize("other", &value).unwrap_err();
    let SerializeError::Registry { subject, source } = &err else {
        panic!("{err}")
    };
    assert_eq!(subject, "other-value");
    assert!(matches!(source.kind(), RegistryErrorKind::Unreachable { .. }), "{err}");
    assert!(err.is_retriable(), "a registry that is down may come back");
}

/// The registry's answer to `GET /schemas/ids/{id}` for `schema`.
fn schema_answer(schema: &str) -> String {
    let escaped = schema.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    format!(r#"{{"schema":"{escaped}"}}"#)
}

/// Decoding in place: a v1 frame resolved into an existing v2 value (the writer schema
/// fetched once), again from the cache once the registry is gone, and a corrupt body.
#[tokio::test]
async fn frames_decode_into_an_existing_value() {
    let url = answer_then_vanish(1, "200 OK", schema_answer(ReadingV1::schema_json()));
    let de = Deserializer::<ReadingV2>::new(offline_client(&url));
    let frame = |sensor: &str, value: f64| {
        let v1 = ReadingV1 {
            sensor: sensor.into(),
            value,
        };
        wire::frame(7, &v1.to_avro().unwrap())
    };
    let mut reading = ReadingV2 {
        sensor: String::with_capacity(64),
        value: 0.0,
        unit: "K".into(),
    };
    de.deserialize_into(&frame("s-1", 1.5), &mut reading).await.unwrap();
    let expected = |sensor: &str, value: f64| ReadingV2 {
        sensor: sensor.into(),
        value,
        unit: "C".into(),
    };
    assert_eq!(reading, expected("s-1", 1.5));
    assert!(reading.sensor.capacity() >= 64, "the string's buffer was kept");
    de.deserialize_into(&frame("s-2", 2.5), &mut reading).await.unwrap();
    assert_eq!(reading, expected("s-2", 2.5));
    let err = de
        .deserialize_into(&wire::frame(7, b"\x7f"), &mut reading)
        .await
        .unwrap_err();
    assert!(matches!(err, DeserializeError::Decode { id: 7, .. }), "{err}");
}

/// The blocking twin, with frames of the reader's own schema.
#[test]
fn frames_decode_into_an_existing_value_blocking() {
    let url = answer_then_vanish(1, "200 OK", schema_answer(ReadingV2::schema_json()));
    let de = BlockingDeserializer::<ReadingV2>::new(BlockingRegistryClient::new(offline_config(&url)).unwrap());
    let mut reading = ReadingV2 {
        sensor: "old".into(),
        value: 0.0,
        unit: "K".into(),
    };
    for (sensor, unit) in [("s-1", "C"), ("s-2", "F")] {
        let written = ReadingV2 {
            sensor: sensor.into(),
            value: 3.0,
            unit: unit.into(),
        };
        de.deserialize_into(&wire::frame(8, &written.to_avro().unwrap()), &mut reading)
            .unwrap();
        assert_eq!(reading, written);
    }
}

/// The async twins of the test above, plus a registry that is down from the start: a
/// clear, retriable error naming the attempts the retry policy made.
#[tokio::test]
async fn async_serializers_outlive_the_registry_and_say_when_it_is_down() {
    let schema = serde_json::json!({ "schema": ReadingV1::schema_json() }).to_string();
    // One answer: the writer schema of id 42, fetched at warm-up.
    let url = answer_then_vanish(1, "200 OK", schema);
    let client = offline_client(&url);
    let ser = Serializer::<ReadingV1>::new(client.clone()).with_ids(IdSource::Fixed(42));
    let de = Deserializer::<ReadingV1>::new(client);
    let value = ReadingV1 {
        sensor: "s-1".into(),
        value: 21.5,
    };
    let framed = ser.serialize("readings", &value).await.unwrap();
    assert_eq!(de.deserialize(&framed).await.unwrap(), value);
    // Gone: the known writer schema keeps decoding, an unknown one cannot be fetched.
    assert_eq!(de.deserialize(&framed).await.unwrap(), value);
    let err = de
        .deserialize(&wire::frame(43, &value.to_avro().unwrap()))
        .await
        .unwrap_err();
    assert!(err.is_retriable(), "{err}");

    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let retry = RetryPolicy::default()
        .with_max_retries(2)
        .with_initial_backoff(std::time::Duration::from_millis(1))
        .with_max_backoff(std::time::Duration::from_millis(4));
    let down = RegistryClient::new(RegistryConfig::new(format!("http://{closed}")).with_retry(retry)).unwrap();
    let err = Serializer::<ReadingV1>::new(down)
        .serialize("readings", &value)
        .await
        .unwrap_err();
    assert!(err.is_retriable(), "{err}");
    assert!(
        err.to_string().starts_with(
            "cannot get a schema id for subject readings-value: schema registry POST \
             /subjects/readings-value/versions?normalize=false: cannot reach the registry after 3 attempt(s)"
        ),
        "{err}"
    );
}

/// A latest-version answer of `schema` (version 3, id 31).
fn latest_answer(schema: &str) -> String {
    serde_json::json!({"subject": "readings-value", "version": 3, "id": 31, "schema": schema}).to_string()
}

#[tokio::test]
async fn the_latest_version_is_written_when_it_is_the_types_schema() {
    // Another text of the same schema (reordered keys, whitespace): the same canonical form.
    let other_text = r#"{"namespace":"it.serde","name":"Reading","type":"record","fields":[
      {"type":"string","name":"sensor"},{"name":"value","type":"double","doc":"degrees"}]}"#;
    let url = answer_then_vanish(1, "200 OK", latest_answer(other_text));
    let ser = Serializer::<ReadingV1>::new(offline_client(&url)).with_ids(IdSource::Latest);
    let value = ReadingV1 {
        sensor: "s".into(),
        value: 1.0,
    };
    let framed = ser.serialize("readings", &value).await.unwrap();
    assert_eq!(wire::unframe(&framed).unwrap().0, 31);
    // Remembered for the time to live: the registry is gone and it still serializes.
    let mut buffer = b"kept".to_vec();
    ser.serialize_into("readings", &value, &mut buffer).await.unwrap();
    assert_eq!(&buffer[..4], b"kept");
    assert_eq!(&buffer[4..], &framed[..]);
}

#[tokio::test]
async fn a_latest_version_of_another_schema_is_refused() {
    let url = answer_then_vanish(1, "200 OK", latest_answer(ReadingV2::schema_json()));
    let ser = Serializer::<ReadingV1>::new(offline_client(&url)).with_ids(IdSource::Latest);
    let value = ReadingV1 {
        sensor: "s".into(),
        value: 1.0,
    };
    let err = ser.serialize("readings", &value).await.unwrap_err();
    let SerializeError::LatestIsNotOurs {
        subject, version, id, ..
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!((subject.as_str(), *version, *id), ("readings-value", 3, 31));
    assert!(err.to_string().contains("its canonical form differs"), "{err}");
    assert!(!err.is_retriable());
}
/// The async calls' futures are `Send`, so a producer or consumer task on a multi-thread
/// runtime can hold them across its own awaits (a compile-time check).
#[test]
fn the_async_calls_can_be_spawned() {
    fn spawnable<F: std::future::Future + Send + 'static>(_: F) {}
    let client = offline_client("http://127.0.0.1:1");
    let ser = std::sync::Arc::new(Serializer::<ReadingV1>::new(client.clone()));
    let de = std::sync::Arc::new(Deserializer::<ReadingV1>::new(client.clone()));
    let value = ReadingV1 {
        sensor: "s".into(),
        value: 1.0,
    };
    spawnable(async move { ser.serialize("t", &value).await });
    spawnable(async move { de.deserialize(b"").await });
    spawnable(async move { client.latest("t-value").await });
}
