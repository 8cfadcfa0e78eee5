//! A Schema Registry client for the Confluent REST API (Confluent Schema Registry, and
//! the Confluent-compatible APIs of Apicurio Registry, Karapace and Redpanda). Behind the
//! `registry` feature, so codec-only users build no HTTP stack.
//!
//! ```no_run
//! use avrokit::registry_client::{BlockingRegistryClient, Normalize, RegistryClient, RegistryConfig};
//! # async fn run() -> Result<(), avrokit::registry_client::RegistryError> {
//! let url = "http://127.0.0.1:8081/apis/ccompat/v7";
//! // In async code (a tokio runtime with I/O and time):
//! let client = RegistryClient::new(RegistryConfig::new(url))?;
//! // Registered on the first call, then answered from the client's cache:
//! let id = client.register("orders-value", r#"{"type":"record","name":"Order","fields":[]}"#, Normalize::AsSent).await?;
//! let schema = client.schema_by_id(id).await?;
//! // Uncached: the registry's own current answer.
//! let latest = client.rest().latest("orders-value").await?;
//! // Without a runtime, the same calls, blocking:
//! let blocking = BlockingRegistryClient::new(RegistryConfig::new(url))?;
//! assert_eq!(blocking.schema_by_id(id)?, schema);
//! assert_eq!(blocking.rest().latest("orders-value")?, latest);
//! # Ok(()) }
//! ```
//!
//! **Layers.** Each layer is one module and uses only the layers below it:
//!
//! 1. `transport`: one HTTP exchange, authenticated ([`Auth`]), over TLS with the
//!    configured roots, timed out and retried ([`RetryPolicy`]); it knows no endpoint;
//! 2. `rest`: [`RestClient`], the Confluent API's endpoints, one method each, uncached;
//! 3. `cache`: the shared caches (bounded, each missing key fetched once however many
//!    callers miss it at the same time) in front of the REST calls whose answers keep;
//! 4. `client`: [`RegistryClient`], the facade: the cached calls under the plain names
//!    ([`register`](RegistryClient::register), [`lookup`](RegistryClient::lookup),
//!    [`schema_by_id`](RegistryClient::schema_by_id), [`latest`](RegistryClient::latest)),
//!    the others passed through, and the REST layer as
//!    [`rest()`](RegistryClient::rest) for uncached answers.
//!
//! Above them: [`BlockingRegistryClient`] (the facade's calls, waited for), and the
//! [`Serializer`] and [`Deserializer`] of [`AvroMessage`](crate::AvroMessage) types,
//! which call through either client ([`RegistryAccess`]) and name subjects by a
//! [`SubjectNameStrategy`]. `config` ([`RegistryConfig`]) and `error`
//! ([`RegistryError`]) are shared by every layer.
//!
//! **Async over `reqwest`, with a blocking twin.** The calls are written once, async, on
//! tokio (what the Kafka producer and consumer run on). [`BlockingRegistryClient`] runs
//! the same futures on a one-thread runtime of its own, for tools and plain threads;
//! [`BlockingSerializer`] and [`BlockingDeserializer`] are the serializers over it. The
//! hot paths (a known topic, a known writer id) answer from the caches without a request,
//! so neither kind waits on the steady state.
//!
//! # Serializers
//!
//! [`Serializer<T>`](Serializer) writes Confluent frames (`0x00`, the schema id as a
//! big-endian `u32`, the Avro body) of any [`AvroMessage`](crate::AvroMessage) type;
//! [`Deserializer<T>`](Deserializer) reads them. The wire format itself is
//! [`crate::wire`] and needs no feature.
//!
//! ```rust
//! use avrokit::registry_client::{IdSource, RegistryClient, RegistryConfig, Serializer};
//! use avrokit::{AvroMessage, wire};
//!
//! #[derive(AvroMessage, Debug, PartialEq)]
//! #[avro(schema_json = r#"{"type": "record", "name": "Reading", "namespace": "demo", "fields": [
//!     {"name": "sensor", "type": "string"}, {"name": "celsius", "type": "double"}]}"#)]
//! struct Reading {
//!     sensor: String,
//!     celsius: f64,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let client = RegistryClient::new(RegistryConfig::new("http://127.0.0.1:8081/apis/ccompat/v7"))?;
//! // A fixed id asks nothing of the registry; the default registers `Reading`'s schema under
//! // `demo.readings-value` on first use, and then answers from the cache.
//! let serializer = Serializer::<Reading>::new(client).with_ids(IdSource::Fixed(42));
//! let reading = Reading { sensor: "t-1".into(), celsius: 21.5 };
//! let frame = serializer.serialize("demo.readings", &reading).await?;
//! assert_eq!(wire::unframe(&frame)?, (42, &reading.to_avro()?[..]));
//! # Ok(()) }
//! ```
//!
//! - **Subjects:** TopicName (`<topic>-value`, or `-key` with
//!   [`for_keys`](Serializer::for_keys)), RecordName or TopicRecordName
//!   ([`SubjectNameStrategy`]).
//! - **Ids** ([`IdSource`]): auto-registration (the default), lookup only, the subject's
//!   latest version, or a fixed id. [`IdSource::Latest`] writes the id of the subject's
//!   latest version, asked again once the time to live has passed; that version must be
//!   `T`'s own schema, compared by Parsing Canonical Form (which keeps everything that
//!   decides the binary layout), since `T`'s codec can only write `T`'s layout. Any other
//!   latest version is refused with [`SerializeError::LatestIsNotOurs`], naming the
//!   subject, version, id and both canonical forms. (Confluent's Java serializer can
//!   re-encode a value with the latest schema instead, `use.latest.version`; a generated
//!   codec has no generic value to re-encode, and a refusal is better than silent garbage.)
//! - `serialize` returns a new buffer, `serialize_into` appends to the caller's (left as it
//!   was on an error). Once a topic's id is known, serializing keeps working while the
//!   registry is down.
//! - **Deserializing** fetches an unknown writer id once, then decodes directly when the
//!   writer schema is `T`'s and through the derive's resolution plans when it differs. An
//!   id the registry does not know is [`DeserializeError::UnknownSchemaId`];
//!   `is_retriable()` (on both error types) separates a failing registry from a bad message
//!   or a refused schema. `deserialize_into(&bytes, &mut value)` decodes into an existing
//!   value, reusing its buffers, for a loop reading one message after another.
//! - Schemas are registered self-contained, as [`AvroMessage::schema_json`](crate::AvroMessage::schema_json)
//!   gives them (`avrokit register` sends the same text, so the ids agree), as
//!   `{"schema": ...}` without references.
//! - **References.** A writer schema registered with Confluent's `references` array (named
//!   types used by name, each defined by a version of another subject) is read all the
//!   same: the referenced versions are fetched (`GET /subjects/{s}/versions/{v}`, and
//!   theirs in turn), cached for good (a version never changes) and inlined at their
//!   first use ([`Schema::parse_with_references`](crate::Schema::parse_with_references)),
//!   so the writer schema is self-contained when it is resolved against the reader's.
//!   [`RestClient::register_with_references`] registers such a schema.
//!
//! # The blocking client
//!
//! [`BlockingRegistryClient`] runs the async client's futures on a current-thread runtime
//! of its own, driven by one background thread (`avrokit-registry`); the caller's thread
//! polls the future, so a call costs no thread hop. Called from inside a tokio runtime it
//! does not panic: the call runs on a scoped helper thread while the caller waits, which
//! blocks that worker for the request, so async code should use [`RegistryClient`]. The
//! blocking client keeps its own connection pool. [`BlockingSerializer<T>`](BlockingSerializer)
//! and [`BlockingDeserializer<T>`](BlockingDeserializer) are the same types over it,
//! sharing every line but how a cache miss is waited for. The async serializers' futures
//! are `Send` (the serializer's need `T: Sync`, as it borrows the value), do the warm path
//! when called, and complete at their first poll unless the registry must be asked.
//!
//! # Caches
//!
//! The cached calls (those the serializers use) keep (subject, schema) → id and id → parsed
//! schema, never expiring (both are immutable), and subject → latest version for a time to
//! live ([`RegistryConfig::with_latest_ttl`], [`DEFAULT_LATEST_TTL`]: 60 s, as in
//! Confluent's clients). Each cache is bounded ([`DEFAULT_CACHE_CAPACITY`] entries by
//! default, oldest forgotten first) and shared by every clone of a client. Concurrent
//! misses on one key make one request, for async callers too: the first caller fetches, the
//! others await its answer; if that first caller is cancelled (its future dropped) or
//! panics, a waiter fetches in its place. Errors reach the callers that waited and are not
//! cached. An expired latest version that cannot be refreshed because the registry is
//! unreachable (a retriable error) is served for another period, so a producer keeps
//! writing through an outage; `known_schema(id)` reads the id cache without a request.
//!
//! # Configuration and errors
//!
//! [`RegistryConfig`]: basic or bearer authentication ([`Auth`], never shown by `Debug`),
//! extra CA certificates (PEM) for `https`, a timeout per attempt (30 s), and retries
//! ([`RetryPolicy`]: 3, exponential backoff from 200 ms to 5 s with jitter) on connection
//! errors and 5xx only, never on 4xx.
//!
//! A [`RegistryError`] keeps the registry's message and names its request
//! (`schema registry GET /schemas/ids/9: schema not found (40403): ...`); its
//! [`RegistryErrorKind`] is typed by HTTP status first, then `error_code`: 40401/40402/40403
//! not found (subject, version, schema), any 409 `Incompatible` (Apicurio and older
//! Confluent send code 409, current Confluent 40901), 42201 invalid schema, 42202 invalid
//! version, 42203 invalid level, 401/403, 5xx.
//!
//! # Registries: Confluent, Apicurio, Karapace, Redpanda
//!
//! Apicurio Registry 3.0.9's Confluent API (`/apis/ccompat/v7`, the dev stack's) is tested
//! live; the other columns come from the projects' sources, documentation and issue
//! trackers. The last column is what the client does about each difference.
//!
//! | | Confluent SR | Apicurio 3.0.9 ccompat (measured) | Karapace | Redpanda | the client |
//! |---|---|---|---|---|---|
//! | ids | one per distinct schema, shared across subjects | content ids, shared across subjects but per **text**: the same schema with other whitespace is a new version with a new id; `normalize=true` did not fold it | as Confluent | as Confluent | sends one text per type (`schema_json()`), so ids agree; never compares schema text |
//! | incompatible | HTTP 409, `error_code` 40901 (409 before Dec 2025) | HTTP 409, code 409, `RuleViolationException: Incompatible artifact: …` | 409 | 409 | keyed on the status: `Incompatible` keeps code and message |
//! | `verbose=true` | pseudo-JSON messages | ignored: `{"is_compatible":false}` | not supported (karapace#454) | since 24.3 (redpanda#14162) | `messages` may be empty; they are opaque strings |
//! | `normalize` | supported | accepted, no effect seen | not documented | supported | passed through ([`Normalize::ByRegistry`]), off by default |
//! | schema text returned | its own normalisation | as registered, whitespace included (3.3: compact canonical) | as registered (karapace#411) | compacted (redpanda#4970) | compares canonical forms, never text |
//! | contexts (`:.ctx:subject`) | supported | not supported: taken literally as a subject name | not documented | since 26.1 | subjects are percent-encoded like any other |
//! | deletes | soft, then permanent | off by default (the stack enables them); then as Confluent | as Confluent | as Confluent | `delete_subject`/`delete_version` return the registry's typed error |
//! | other answers | — | unknown subject 40401; `/versions/abc` 40402 (not 42202); invalid level 500 with code 0 (not 42203); `GET /config/{s}` without its own level answers `NONE` (not 40408); no `/mode`; compatibility against a missing subject answers `is_compatible: true` | messages not guaranteed identical | — | typed by status first, `error_code` second; unknown shapes kept as `Http`/`NotFound` with the body's start |
//! | `references` | stored, resolved in compatibility checks | stored and returned (by id and by version), looked up with them; a compatibility check against a version that has references fails, 42201 "Could not execute compatibility rule on invalid Avro schema", whatever is sent | as Confluent | as Confluent | resolves them when reading (fetched by version, cached, inlined); `register --references` registers them; the gate's report names such a 42201 |
//! | `metadata`, `ruleSet` | data contracts | accepted, neither stored nor enforced | accepted, ignored (karapace#916) | — | never sent |
//!
//! Apicurio enforces compatibility only once a level is set (a fresh registry reports
//! `NONE` and accepts anything until `PUT /config`); `avrokit stack up` sets `BACKWARD`.

mod access;
mod blocking;
mod cache;
mod client;
mod config;
mod deserializer;
mod error;
mod quick;
mod rest;
mod serializer;
mod single_flight;
mod subject;
#[cfg(test)]
mod test_server;
mod transport;

pub use access::RegistryAccess;
pub use avrokit_schema::Compatibility;
pub use blocking::{BlockingRegistryClient, BlockingRest};
pub use client::RegistryClient;
pub use config::{Auth, DEFAULT_CACHE_CAPACITY, DEFAULT_LATEST_TTL, RegistryConfig, RetryPolicy};
pub use deserializer::{BlockingDeserializer, DeserializeError, Deserializer};
pub use error::{RegistryError, RegistryErrorKind};
pub use rest::{
    CompatibilityCheck, Deletion, Normalize, RegisteredSchema, RestClient, SchemaReference, SubjectVersion,
    VersionSelector,
};
pub use serializer::{BlockingSerializer, IdSource, SerializeError, Serializer};
pub use subject::{RecordPart, SubjectNameStrategy};
