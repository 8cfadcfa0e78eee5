//! The REST layer, above the transport: the Confluent API's endpoints, one method each,
//! uncached (every call is a request).
//!
//! Answers are read leniently (newer servers add fields such as `guid`, `ts`,
//! `metadata`), and schema strings are never compared byte for byte: registries
//! normalise them differently (Apicurio 3.3 returns compact canonical JSON).

use super::config::RegistryConfig;
use super::error::{RegistryError, RegistryErrorKind};
use super::transport::Transport;
use avrokit_schema::Compatibility;
use reqwest::Method;
use serde::Deserialize;
use std::sync::Arc;

/// A version of a subject, as `GET /subjects/{s}/versions/{v}` and the lookup answer it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct SubjectVersion {
    /// The subject.
    pub subject: String,
    /// The version number (from 1).
    pub version: u32,
    /// The schema's registry id (what a frame carries).
    pub id: u32,
    /// The schema text, as the registry returns it.
    pub schema: String,
    /// The subjects' versions whose named types the schema uses by name (empty for a
    /// self-contained schema).
    #[serde(default)]
    pub references: Vec<SchemaReference>,
}

/// One entry of a schema's `references` array: the named type `name` is defined by
/// version `version` of `subject` (Confluent's `{"name", "subject", "version"}`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
pub struct SchemaReference {
    /// The full name of the referenced type, as the schema text uses it.
    pub name: String,
    /// The subject that holds it.
    pub subject: String,
    /// The version of that subject.
    pub version: u32,
}

impl SchemaReference {
    /// `name` defined by `version` of `subject`.
    pub fn new(name: impl Into<String>, subject: impl Into<String>, version: u32) -> Self {
        Self {
            name: name.into(),
            subject: subject.into(),
            version,
        }
    }
}

/// A schema as `GET /schemas/ids/{id}` returns it: its text and what it references.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RegisteredSchema {
    /// The schema text, as the registry returns it.
    pub schema: String,
    /// The versions whose named types the text uses by name, to be resolved before it
    /// can be parsed (empty for a self-contained schema).
    pub references: Vec<SchemaReference>,
}

/// Which version of a subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionSelector {
    /// The newest (non-deleted) version.
    Latest,
    /// A version number (from 1).
    Number(u32),
}

impl std::fmt::Display for VersionSelector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VersionSelector::Latest => f.write_str("latest"),
            VersionSelector::Number(n) => write!(f, "{n}"),
        }
    }
}

/// The answer of a compatibility check.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct CompatibilityCheck {
    /// The verdict.
    pub is_compatible: bool,
    /// The reasons, as opaque strings (Confluent's are single-quoted pseudo-JSON, not
    /// parseable; Apicurio sends none).
    #[serde(default)]
    pub messages: Vec<String>,
}

/// Percent-encodes a subject as one path segment (RecordName and TopicRecordName
/// subjects hold `.`, and user subjects may hold `/` or `:`).
pub(super) fn encode_segment(subject: &str) -> String {
    subject
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The request body carrying an Avro schema (`schemaType` omitted: AVRO is the default
/// everywhere, and some older servers reject the field), with its references when it has
/// any (the field is left out otherwise, as older servers know no `references`).
fn schema_body(schema: &str, references: &[SchemaReference]) -> String {
    if references.is_empty() {
        serde_json::json!({ "schema": schema }).to_string()
    } else {
        serde_json::json!({ "schema": schema, "references": references }).to_string()
    }
}

/// The registry's REST API, uncached: each method is one endpoint and one request
/// (retried by the [`RetryPolicy`](super::RetryPolicy)). Cheap to clone: clones share the
/// connection pool.
///
/// [`RegistryClient`](super::RegistryClient) is the client to use; it answers
/// [`register`](super::RegistryClient::register), [`lookup`](super::RegistryClient::lookup),
/// [`schema_by_id`](super::RegistryClient::schema_by_id) and
/// [`latest`](super::RegistryClient::latest) from its caches, and hands out this layer as
/// [`rest`](super::RegistryClient::rest) for answers that must come from the registry
/// itself (a freshly registered latest version, the registry's own schema text). Its
/// calls need a tokio runtime with I/O and time enabled.
#[derive(Debug, Clone)]
pub struct RestClient {
    transport: Arc<Transport>,
}

impl RestClient {
    /// A client of the registry `config` describes (its cache settings unused); fails
    /// only on an unusable CA certificate or credentials that cannot be sent in a header.
    /// Needs no runtime.
    pub fn new(config: RegistryConfig) -> Result<Self, RegistryError> {
        Ok(Self {
            transport: Arc::new(Transport::new(&config)?),
        })
    }

    /// The base URL.
    pub fn url(&self) -> &str {
        self.transport.url()
    }

    /// A call whose 2xx body is JSON of type `T`.
    async fn call_json<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<T, RegistryError> {
        self.transport.call_json(method, path, body).await
    }

    /// Registers `schema` (Avro JSON) under `subject` (`POST /subjects/{s}/versions`) and
    /// returns its id; registering the same schema again returns the same id.
    pub async fn register(&self, subject: &str, schema: &str, normalize: Normalize) -> Result<u32, RegistryError> {
        self.register_with_references(subject, schema, &[], normalize).await
    }

    /// [`register`](Self::register) for a schema that uses the named types of other
    /// subjects' versions by name (`references`, each already registered).
    pub async fn register_with_references(
        &self,
        subject: &str,
        schema: &str,
        references: &[SchemaReference],
        normalize: Normalize,
    ) -> Result<u32, RegistryError> {
        #[derive(Deserialize)]
        struct Registered {
            id: u32,
        }
        let path = format!(
            "/subjects/{}/versions?normalize={}",
            encode_segment(subject),
            normalize.query()
        );
        let body = schema_body(schema, references);
        let answer: Registered = self.call_json(Method::POST, &path, Some(body)).await?;
        Ok(answer.id)
    }

    /// Finds `schema` among `subject`'s versions (`POST /subjects/{s}`), without
    /// registering it: 40401 for an unknown subject, 40403 for an unregistered schema.
    pub async fn lookup(
        &self,
        subject: &str,
        schema: &str,
        normalize: Normalize,
    ) -> Result<SubjectVersion, RegistryError> {
        self.lookup_with_references(subject, schema, &[], normalize).await
    }

    /// [`lookup`](Self::lookup) of a schema registered with `references`.
    pub async fn lookup_with_references(
        &self,
        subject: &str,
        schema: &str,
        references: &[SchemaReference],
        normalize: Normalize,
    ) -> Result<SubjectVersion, RegistryError> {
        let path = format!("/subjects/{}?normalize={}", encode_segment(subject), normalize.query());
        let body = schema_body(schema, references);
        self.call_json(Method::POST, &path, Some(body)).await
    }

    /// The text of the schema with registry id `id` (`GET /schemas/ids/{id}`), as the
    /// registry returns it: what a frame's id means. Only Avro schemas are accepted. A
    /// schema with references is not self-contained;
    /// [`schema_with_references`](Self::schema_with_references) says what it uses.
    pub async fn schema_by_id(&self, id: u32) -> Result<String, RegistryError> {
        Ok(self.schema_with_references(id).await?.schema)
    }

    /// The schema with registry id `id` (`GET /schemas/ids/{id}`) and the references it
    /// was registered with. Only Avro schemas are accepted.
    pub async fn schema_with_references(&self, id: u32) -> Result<RegisteredSchema, RegistryError> {
        #[derive(Deserialize)]
        struct ById {
            schema: String,
            #[serde(rename = "schemaType")]
            schema_type: Option<String>,
            #[serde(default)]
            references: Vec<SchemaReference>,
        }
        let path = format!("/schemas/ids/{id}");
        let answer: ById = self.call_json(Method::GET, &path, None).await?;
        match answer.schema_type.as_deref() {
            None | Some("AVRO") => Ok(RegisteredSchema {
                schema: answer.schema,
                references: answer.references,
            }),
            Some(other) => Err(RegistryError::new(
                format!("GET {path}"),
                RegistryErrorKind::InvalidResponse {
                    what: format!("schema {id} is a {other} schema, not Avro"),
                },
            )),
        }
    }

    /// One version of a subject (`GET /subjects/{s}/versions/{v|latest}`).
    pub async fn version(&self, subject: &str, version: VersionSelector) -> Result<SubjectVersion, RegistryError> {
        let path = format!("/subjects/{}/versions/{version}", encode_segment(subject));
        self.call_json(Method::GET, &path, None).await
    }

    /// The latest version of a subject.
    pub async fn latest(&self, subject: &str) -> Result<SubjectVersion, RegistryError> {
        self.version(subject, VersionSelector::Latest).await
    }

    /// Every subject (`GET /subjects`).
    pub async fn subjects(&self) -> Result<Vec<String>, RegistryError> {
        self.call_json(Method::GET, "/subjects", None).await
    }

    /// A subject's version numbers (`GET /subjects/{s}/versions`).
    pub async fn versions(&self, subject: &str) -> Result<Vec<u32>, RegistryError> {
        let path = format!("/subjects/{}/versions", encode_segment(subject));
        self.call_json(Method::GET, &path, None).await
    }

    /// Whether `schema` could be registered under `subject`: against one version, or
    /// (`None`) against every version the subject's level covers. Asks for the verbose
    /// reasons (Apicurio ignores that and sends none).
    pub async fn check_compatibility(
        &self,
        subject: &str,
        version: Option<VersionSelector>,
        schema: &str,
    ) -> Result<CompatibilityCheck, RegistryError> {
        let versions = match version {
            Some(v) => format!("versions/{v}"),
            None => "versions".to_owned(),
        };
        let path = format!(
            "/compatibility/subjects/{}/{versions}?verbose=true",
            encode_segment(subject)
        );
        self.call_json(Method::POST, &path, Some(schema_body(schema, &[])))
            .await
    }

    /// The compatibility level: global (`None`), or a subject's, falling back to the
    /// global one (`defaultToGlobal=true`).
    pub async fn config(&self, subject: Option<&str>) -> Result<Compatibility, RegistryError> {
        let path = match subject {
            Some(s) => format!("/config/{}?defaultToGlobal=true", encode_segment(s)),
            None => "/config".to_owned(),
        };
        let answer: ConfigAnswer = self.call_json(Method::GET, &path, None).await?;
        answer.level(&format!("GET {path}"))
    }

    /// Sets the compatibility level, global (`None`) or of a subject; returns the level
    /// the registry echoes.
    pub async fn set_config(
        &self,
        subject: Option<&str>,
        level: Compatibility,
    ) -> Result<Compatibility, RegistryError> {
        let path = match subject {
            Some(s) => format!("/config/{}", encode_segment(s)),
            None => "/config".to_owned(),
        };
        let body = serde_json::json!({ "compatibility": level.as_str() }).to_string();
        let answer: ConfigAnswer = self.call_json(Method::PUT, &path, Some(body)).await?;
        answer.level(&format!("PUT {path}"))
    }

    /// Deletes a subject, returning the versions deleted. A soft delete hides it; a
    /// permanent one removes it, and Confluent requires a soft delete first (40405
    /// otherwise). Apicurio allows deletes only when configured to.
    pub async fn delete_subject(&self, subject: &str, deletion: Deletion) -> Result<Vec<u32>, RegistryError> {
        let path = format!("/subjects/{}?permanent={}", encode_segment(subject), deletion.query());
        self.call_json(Method::DELETE, &path, None).await
    }

    /// Deletes one version of a subject (soft, or permanent after a soft delete),
    /// returning its number.
    pub async fn delete_version(
        &self,
        subject: &str,
        version: VersionSelector,
        deletion: Deletion,
    ) -> Result<u32, RegistryError> {
        let path = format!(
            "/subjects/{}/versions/{version}?permanent={}",
            encode_segment(subject),
            deletion.query()
        );
        self.call_json(Method::DELETE, &path, None).await
    }
}

/// Whether the registry normalises a schema before comparing or storing it
/// (`?normalize=`; Confluent does, Apicurio and others ignore the flag).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Normalize {
    /// The schema as sent: what the serializers register, so ids follow the text they
    /// frame with.
    #[default]
    AsSent,
    /// Normalised by the registry first, so formatting differences share a version.
    ByRegistry,
}

impl Normalize {
    fn query(self) -> bool {
        self == Normalize::ByRegistry
    }
}

/// How a delete removes a subject or version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Deletion {
    /// Hidden from reads, kept for ids already in use (and undone by registering again).
    Soft,
    /// Gone for good; Confluent accepts it only after a soft delete.
    Permanent,
}

impl Deletion {
    fn query(self) -> bool {
        self == Deletion::Permanent
    }
}

/// A config answer: `GET` says `compatibilityLevel`, Confluent's `PUT` echoes
/// `compatibility` (Apicurio's says `compatibilityLevel`).
#[derive(Deserialize)]
struct ConfigAnswer {
    #[serde(rename = "compatibilityLevel")]
    compatibility_level: Option<String>,
    compatibility: Option<String>,
}

impl ConfigAnswer {
    fn level(self, request: &str) -> Result<Compatibility, RegistryError> {
        let text = self.compatibility_level.or(self.compatibility).unwrap_or_default();
        Compatibility::parse(&text).ok_or_else(|| {
            RegistryError::new(
                request,
                RegistryErrorKind::InvalidResponse {
                    what: format!("unknown compatibility level {text:?}"),
                },
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry_client::test_server::{answer, serve};

    #[tokio::test]
    async fn every_call_is_a_request_to_its_endpoint() {
        let server = serve(vec![answer("200 OK", r#"{"id":7}"#)]);
        let rest = RestClient::new(RegistryConfig::new(&server.url)).unwrap();
        for _ in 0..2 {
            assert_eq!(rest.register("a/b", "{}", Normalize::ByRegistry).await, Ok(7));
        }
        assert_eq!(
            server.requests(),
            vec!["POST /subjects/a%2Fb/versions?normalize=true HTTP/1.1"; 2]
        );
    }

    #[test]
    fn subjects_are_one_path_segment() {
        assert_eq!(encode_segment("orders-value"), "orders-value");
        assert_eq!(encode_segment("a/b:c d.e"), "a%2Fb%3Ac%20d.e");
        assert_eq!(encode_segment("é"), "%C3%A9");
    }
}
