//! The converters a connector reads keys and values with: Avro through the registry for
//! values (and Avro keys), plain strings or bytes for raw keys.

use crate::catalog::{AvroConverter, ConnectSettings, KeyFormat, Topic};
use crate::ir::Schema;
use std::collections::BTreeMap;

/// Confluent's Avro converter (Confluent Hub).
pub const CONFLUENT_AVRO_CONVERTER: &str = "io.confluent.connect.avro.AvroConverter";
/// Apicurio's Avro converter (Maven Central), which the native stack runs.
pub const APICURIO_AVRO_CONVERTER: &str = "io.apicurio.registry.utils.converter.AvroConverter";
/// Settings (without the `key.converter.`/`value.converter.` prefix) that make Apicurio's
/// converter read magic byte + 4-byte **content id** (the id the Confluent-compatible API
/// hands out) and never register anything itself. The registry URL is set apart.
pub const APICURIO_CONFLUENT_FRAMES: [(&str, &str); 4] = [
    ("apicurio.registry.as-confluent", "true"),
    ("apicurio.registry.use-id", "contentId"),
    ("apicurio.registry.headers.enabled", "false"),
    ("apicurio.registry.auto-register", "false"),
];
/// Kafka's converter for UTF-8 string keys.
pub const STRING_CONVERTER: &str = "org.apache.kafka.connect.storage.StringConverter";
/// Kafka's converter for opaque byte keys.
pub const BYTE_ARRAY_CONVERTER: &str = "org.apache.kafka.connect.converters.ByteArrayConverter";

/// `key.converter…` and `value.converter…` entries for `topic`.
pub(crate) fn entries(settings: &ConnectSettings, topic: &Topic) -> BTreeMap<String, String> {
    let mut config = avro("value.converter", settings);
    let raw_key = match (&topic.key, topic.key_format) {
        (Some(_), KeyFormat::Avro) => None,
        (Some(Schema::Bytes), KeyFormat::Raw) => Some(BYTE_ARRAY_CONVERTER),
        // Raw strings, and topics without keys: a null key converts to null either way.
        _ => Some(STRING_CONVERTER),
    };
    match raw_key {
        Some(class) => {
            config.insert("key.converter".to_owned(), class.to_owned());
        }
        None => config.extend(avro("key.converter", settings)),
    }
    config
}

/// The Avro converter's entries under `prefix`.
fn avro(prefix: &str, settings: &ConnectSettings) -> BTreeMap<String, String> {
    let mut config = BTreeMap::new();
    let mut set = |key: &str, value: &str| {
        let key = if key.is_empty() {
            prefix.to_owned()
        } else {
            format!("{prefix}.{key}")
        };
        config.insert(key, value.to_owned());
    };
    match settings.converter {
        AvroConverter::Confluent => {
            set("", CONFLUENT_AVRO_CONVERTER);
            set("schema.registry.url", &settings.registry_url);
        }
        AvroConverter::Apicurio => {
            set("", APICURIO_AVRO_CONVERTER);
            set("apicurio.registry.url", &settings.registry_url);
            for (key, value) in APICURIO_CONFLUENT_FRAMES {
                set(key, value);
            }
        }
    }
    config
}
