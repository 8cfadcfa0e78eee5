//! Every generated type (every record type of `avro-schemas/`, `avrokit_generated::REGISTRY`)
//! through the Confluent framing against the stack's real registry: fastavro's values of
//! each type (`tests/vectors/fastavro.json`) are serialized by `BlockingSerializer<T>`
//! (auto-registering under a scratch `<topic>-value`), decoded by a `BlockingDeserializer<T>` on a
//! fresh client (so the writer schema comes from the registry, by id), and must re-encode
//! to fastavro's very bytes. Without a registry the test prints `SKIPPED ...` and passes.

use avrokit::AvroMessage;
use avrokit::registry_client::Deletion;
use avrokit::registry_client::{BlockingDeserializer, BlockingRegistryClient, BlockingSerializer, RegistryConfig};
use avrokit::wire;
use avrokit_generated::{astro, cosmic, iot, smart};
use avrokit_tests::stack_registry;
use serde_json::Value;
use std::collections::BTreeSet;

/// fastavro's values of the type named `full_name`, as Avro binary.
fn fastavro_values(full_name: &str) -> Vec<Vec<u8>> {
    let text = std::fs::read_to_string("vectors/fastavro.json").expect("tests/vectors/fastavro.json");
    let vectors: Value = serde_json::from_str(&text).expect("valid JSON");
    vectors["vectors"]
        .as_array()
        .expect("vectors")
        .iter()
        .filter(|v| v["type"] == full_name)
        .map(|v| {
            let hex = v["binary"].as_str().expect("binary");
            (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
                .collect()
        })
        .collect()
}

/// Round-trips every fastavro value of `T` through a scratch topic; returns `T`'s full name.
fn round_trip<T: AvroMessage>(client: &BlockingRegistryClient) -> &'static str {
    let name = T::FULL_NAME.expect("generated records are named");
    let values = fastavro_values(name);
    assert!(!values.is_empty(), "no fastavro values of {name}");
    let topic = stack_registry::scratch_name(&format!("avrokit-it-type-{name}"));
    let ser = BlockingSerializer::<T>::new(client.clone());
    // A fresh client: its id → schema cache is empty, so the writer schema is fetched.
    let de =
        BlockingDeserializer::<T>::new(BlockingRegistryClient::new(RegistryConfig::new(client.url())).expect("config"));
    let mut ids = BTreeSet::new();
    for (i, binary) in values.iter().enumerate() {
        let value = T::from_avro(binary).unwrap_or_else(|e| panic!("{name} #{i}: fastavro's bytes: {e}"));
        let framed = ser
            .serialize(&topic, &value)
            .unwrap_or_else(|e| panic!("{name} #{i}: {e}"));
        let (id, body) = wire::unframe(&framed).expect("a frame");
        assert_eq!(body, &binary[..], "{name} #{i}: the body is the bare encoding");
        ids.insert(id);
        let back = de.deserialize(&framed).unwrap_or_else(|e| panic!("{name} #{i}: {e}"));
        assert_eq!(&back.to_avro().expect("encodes"), binary, "{name} #{i}: round trip");
    }
    assert_eq!(ids.len(), 1, "{name}: one schema, one id");
    let subject = format!("{topic}-value");
    let id = *ids.first().expect("an id");
    assert_eq!(
        client.rest().latest(&subject).expect("registered").id,
        id,
        "{name}: under {subject}"
    );
    client.delete_subject(&subject, Deletion::Soft).expect("soft delete");
    client
        .delete_subject(&subject, Deletion::Permanent)
        .expect("permanent delete");
    name
}

#[test]
fn every_generated_type_round_trips_through_the_registry() {
    let Some(client) = stack_registry::client(
        "every_generated_type_round_trips_through_the_registry",
        "stack_registry_generated_types",
    ) else {
        return;
    };
    let tested: BTreeSet<&str> = [
        round_trip::<astro::beam::CommandAcknowledgment>(&client),
        round_trip::<astro::beam::TelescopeCommand>(&client),
        round_trip::<astro::beam::TelescopeData>(&client),
        round_trip::<astro::beam::TelescopeStatus>(&client),
        round_trip::<cosmic::horizons::ElementMetrics>(&client),
        round_trip::<cosmic::horizons::ElementTelemetry>(&client),
        round_trip::<iot::hub::CleanTelemetryEvent>(&client),
        round_trip::<iot::hub::DeadLetter>(&client),
        round_trip::<iot::hub::TelemetryEvent>(&client),
        round_trip::<smart::access::AccessEvent>(&client),
        round_trip::<smart::access::DeviceHealth>(&client),
    ]
    .into();
    // A type added to avro-schemas/ must be added above.
    let all: BTreeSet<&str> = avrokit_generated::REGISTRY.iter().map(|r| r.full_name).collect();
    assert_eq!(tested, all, "every generated type is round-tripped");
}

/// `cargo xtask register` sends `schema_json::to_json` of the catalog's schemas; a
/// `Serializer` registers the generated type's `schema_json()`. Apicurio's ids are content
/// ids, so the two must be the same text for producers to frame the ids `register` printed.
#[test]
fn register_and_serializers_send_the_same_schema_text() {
    let options = avrokit_codegen::LoadOptions::default().with_layout(avrokit_codegen::SchemaLayout::OneTypePerFile);
    let set = avrokit_codegen::load_dir(std::path::Path::new("../avro-schemas"), &options).expect("loads");
    for entry in avrokit_generated::REGISTRY {
        let id = set.lookup(entry.full_name).expect("in avro-schemas/");
        let json = avrokit_codegen::schema_json::to_json(&set, &avrokit_codegen::ir::Schema::Named(id));
        assert_eq!(json, (entry.schema)().json(), "{}", entry.full_name);
    }
}
