//! The registry client against the real registry of `cargo xtask stack up` (Apicurio
//! Registry through its Confluent API). Without a running stack each test prints
//! `SKIPPED ...` with the command that runs it, and passes.
//!
//! Every run uses fresh subjects (the registry keeps them while the stack is up). The
//! calls are the async client's, then the blocking twin's.

mod stack_registry;

use avrokit::Schema;
use avrokit::registry_client::{
    BlockingRegistryClient, Compatibility, RegistryConfig, RegistryErrorKind, RestClient, VersionSelector,
};
use avrokit::registry_client::{Deletion, Normalize};
use stack_registry::{registry, scratch_name};

/// A subject no earlier run used.
fn fresh_subject(stem: &str) -> String {
    format!("{}-value", scratch_name(&format!("avrokit-it-{stem}")))
}

const V1: &str = r#"{"type":"record","name":"Reading","namespace":"it.avrokit","fields":[
  {"name":"sensor","type":"string"},{"name":"value","type":"double"}]}"#;
/// V1 plus a field with a default: BACKWARD compatible.
const V2: &str = r#"{"type":"record","name":"Reading","namespace":"it.avrokit","fields":[
  {"name":"sensor","type":"string"},{"name":"value","type":"double"},
  {"name":"unit","type":"string","default":"C"}]}"#;
/// V1 with `sensor` an int: incompatible.
const BROKEN: &str = r#"{"type":"record","name":"Reading","namespace":"it.avrokit","fields":[
  {"name":"sensor","type":"int"},{"name":"value","type":"double"}]}"#;

#[tokio::test]
async fn register_evolve_refuse_and_fetch_against_apicurio() {
    let Some(url) = registry("register_evolve_refuse_and_fetch_against_apicurio") else {
        return;
    };
    // The REST layer: every call reaches the registry.
    let client = RestClient::new(RegistryConfig::new(&url)).unwrap();
    let subject = fresh_subject("reading");
    // Set the level on the subject: Apicurio enforces nothing without one.
    assert_eq!(
        client
            .set_config(Some(&subject), Compatibility::Backward)
            .await
            .unwrap(),
        Compatibility::Backward
    );
    assert_eq!(client.config(Some(&subject)).await.unwrap(), Compatibility::Backward);

    let id1 = client.register(&subject, V1, Normalize::AsSent).await.unwrap();
    assert_eq!(
        client.register(&subject, V1, Normalize::AsSent).await.unwrap(),
        id1,
        "re-registering gives the same id"
    );
    assert_eq!(client.versions(&subject).await.unwrap(), vec![1]);

    let id2 = client.register(&subject, V2, Normalize::AsSent).await.unwrap();
    assert_ne!(id2, id1);
    assert_eq!(client.versions(&subject).await.unwrap(), vec![1, 2]);
    let latest = client.latest(&subject).await.unwrap();
    assert_eq!(
        (latest.subject.as_str(), latest.version, latest.id),
        (subject.as_str(), 2, id2)
    );
    let first = client.version(&subject, VersionSelector::Number(1)).await.unwrap();
    assert_eq!((first.version, first.id), (1, id1));
    let found = client.lookup(&subject, V1, Normalize::AsSent).await.unwrap();
    assert_eq!((found.version, found.id), (1, id1));
    assert!(client.subjects().await.unwrap().contains(&subject));

    let err = client.register(&subject, BROKEN, Normalize::AsSent).await.unwrap_err();
    let RegistryErrorKind::Incompatible { message, .. } = err.kind() else {
        panic!("expected Incompatible, got {err}");
    };
    assert!(!message.is_empty(), "{err}");
    assert!(
        !client
            .check_compatibility(&subject, Some(VersionSelector::Latest), BROKEN)
            .await
            .unwrap()
            .is_compatible
    );
    assert!(
        client
            .check_compatibility(&subject, None, V2)
            .await
            .unwrap()
            .is_compatible
    );

    // The registry may re-serialise the text: compare canonical forms, never bytes.
    let fetched = Schema::parse(&client.schema_by_id(id1).await.unwrap()).unwrap();
    assert_eq!(fetched.fingerprint(), Schema::parse(V1).unwrap().fingerprint());

    let err = client.schema_by_id(2_000_000_000).await.unwrap_err();
    assert!(matches!(err.kind(), RegistryErrorKind::SchemaNotFound { .. }), "{err}");
    let err = client.version(&subject, VersionSelector::Number(99)).await.unwrap_err();
    assert!(matches!(err.kind(), RegistryErrorKind::VersionNotFound { .. }), "{err}");
    let err = client
        .lookup(&fresh_subject("missing"), V1, Normalize::AsSent)
        .await
        .unwrap_err();
    assert!(matches!(err.kind(), RegistryErrorKind::SubjectNotFound { .. }), "{err}");

    assert_eq!(
        client.delete_subject(&subject, Deletion::Soft).await.unwrap(),
        vec![1, 2]
    );
    client.delete_subject(&subject, Deletion::Permanent).await.unwrap();
    let err = client.versions(&subject).await.unwrap_err();
    assert!(matches!(err.kind(), RegistryErrorKind::SubjectNotFound { .. }), "{err}");

    the_blocking_client_makes_the_same_calls(&url);
}

/// The blocking twin makes the same calls: a subject registered, found, its id cached,
/// deleted. Run after the async test, not beside it: Apicurio 3.0.9 once answered 404
/// for the latest version of a subject registered a moment before, while another
/// subject was being deleted.
fn the_blocking_client_makes_the_same_calls(url: &str) {
    let client = BlockingRegistryClient::new(RegistryConfig::new(url)).unwrap();
    let subject = fresh_subject("blocking");
    let id = client.register(&subject, V1, Normalize::AsSent).unwrap();
    assert_eq!(client.register(&subject, V1, Normalize::AsSent).unwrap(), id);
    assert_eq!(client.rest().lookup(&subject, V1, Normalize::AsSent).unwrap().id, id);
    assert_eq!(client.lookup(&subject, V1, Normalize::AsSent).unwrap(), id);
    assert_eq!(client.latest(&subject).unwrap().id, id);
    assert_eq!(
        client.schema_by_id(id).unwrap().fingerprint(),
        Schema::parse(V1).unwrap().fingerprint()
    );
    assert_eq!(client.delete_subject(&subject, Deletion::Soft).unwrap(), vec![1]);
    client.delete_subject(&subject, Deletion::Permanent).unwrap();
}
