//! `compat --registry URL`: asks a live Schema Registry (Confluent API)
//! whether it would accept the current schema of every catalog subject.
//!
//! Per subject (`<topic>-value`, and `<topic>-key` for Avro keys): `GET
//! /subjects/{s}/versions` (404: a new subject, compatible), the subject's level (`GET
//! /config/{s}`, then `GET /config`), then `POST /compatibility/subjects/{s}/versions/latest
//! ?verbose=true`, or every version, newest first, stopping at the first that fails, for
//! transitive levels. Anything but a clear answer (unreachable, 401/403, 5xx, an
//! unexpected body) is an error, never a pass.
//!
//! Apicurio Registry (the stack's) differs from Confluent's server, and this module allows
//! for it: it ignores `verbose=true` (so an incompatible answer comes without reasons: the
//! failing version is fetched and the offline engine explains it, located), it answers
//! `is_compatible: true` for a subject it does not have (so versions are listed first), and
//! it enforces nothing until a level is set (`GET /config/{s}` says `NONE`, which is
//! reported).

use super::Error;
use super::subjects::is_transitive;
use crate::compat::{self, Compatibility, Verdict, Version};
use crate::ir::{Schema, SchemaSet};
use crate::source::SourceFile;
use crate::{LoadOptions, load_files};
use base64::Engine;
use std::time::Duration;

/// The content type of the Confluent API.
const CONTENT_TYPE: &str = "application/vnd.schemaregistry.v1+json";

/// How to authenticate.
#[derive(Debug, Clone)]
pub enum Auth {
    /// HTTP basic (Confluent Cloud: API key and secret).
    Basic {
        /// The user (API key).
        user: String,
        /// The password (API secret).
        password: String,
    },
    /// A bearer token.
    Bearer(String),
}

/// A Schema Registry client for the few calls the gate needs.
pub struct Client {
    base: String,
    authorization: Option<String>,
    agent: ureq::Agent,
}

/// Turns an answer the gate cannot use into an [`Error::Registry`]: `WHAT: CAUSE` for a
/// failed parse, `WHAT` for a missing value (exit 2, never a pass).
trait Context<T> {
    fn with_context(self, what: impl FnOnce() -> String) -> Result<T, Error>;
}

impl<T, E: std::fmt::Display> Context<T> for Result<T, E> {
    fn with_context(self, what: impl FnOnce() -> String) -> Result<T, Error> {
        self.map_err(|err| Error::Registry(format!("{}: {err}", what())))
    }
}

impl<T> Context<T> for Option<T> {
    fn with_context(self, what: impl FnOnce() -> String) -> Result<T, Error> {
        self.ok_or_else(|| Error::Registry(what()))
    }
}

/// The registry's answer about one subject.
#[derive(Debug)]
pub struct SubjectCheck {
    /// The catalog's mode.
    pub catalog_mode: Compatibility,
    /// The level the registry applies to the subject (`NONE` when it enforces nothing).
    pub registry_level: String,
    /// What it said.
    pub outcome: Outcome,
}

/// What the registry said about one subject.
#[derive(Debug)]
pub enum Outcome {
    /// The registry has no version of the subject: the schema would be its version 1.
    New,
    /// Compatible with these versions (the latest, or all for transitive levels).
    Compatible(Vec<u32>),
    /// Incompatible with `version`.
    Incompatible {
        /// The first version that fails, as the registry numbers it.
        version: u32,
        /// The registry's verbose messages (empty from registries that ignore `verbose`).
        messages: Vec<String>,
        /// The offline engine's verdict on the same pair, in the registry's direction:
        /// located reasons where the registry gives none.
        explanation: Option<Verdict>,
    },
}

impl Client {
    /// A client of the Confluent API at `url` (Apicurio: `…/apis/ccompat/v7`).
    pub fn new(url: &str, auth: Option<Auth>) -> Client {
        let authorization = auth.map(|auth| match auth {
            Auth::Basic { user, password } => format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
            ),
            Auth::Bearer(token) => format!("Bearer {token}"),
        });
        Client {
            base: url.trim_end_matches('/').to_owned(),
            authorization,
            agent: ureq::Agent::config_builder()
                .timeout_global(Some(Duration::from_secs(30)))
                .http_status_as_error(false)
                .build()
                .into(),
        }
    }

    /// One call; `Ok(None)` for a 404, the body for a 2xx, an error for anything else.
    fn call(&self, method: &str, path: &str, body: Option<&str>) -> Result<Option<String>, Error> {
        let url = format!("{}{path}", self.base);
        let result = match (method, body) {
            ("GET", _) => self.with_headers_get(self.agent.get(&url)).call(),
            ("DELETE", _) => self.with_headers_get(self.agent.delete(&url)).call(),
            ("PUT", Some(body)) => self.with_headers_post(self.agent.put(&url)).send(body),
            (_, body) => self.with_headers_post(self.agent.post(&url)).send(body.unwrap_or("")),
        };
        let mut response = result.map_err(|err| {
            Error::Registry(format!(
                "cannot reach the schema registry at {}: {err} (is it running, and is the URL the Confluent API's, \
                 e.g. http://127.0.0.1:8081/apis/ccompat/v7 for Apicurio?)",
                self.base
            ))
        })?;
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        match status {
            200..=299 => Ok(Some(text)),
            404 => Ok(None),
            401 | 403 => Err(Error::Registry(format!(
                "the schema registry refused {method} {path} with HTTP {status}: {} (pass --user and --password, or --token)",
                error_message(&text)
            ))),
            _ => Err(Error::Registry(format!(
                "the schema registry answered {method} {path} with HTTP {status}: {}",
                error_message(&text)
            ))),
        }
    }

    fn with_headers_get(
        &self,
        request: ureq::RequestBuilder<ureq::typestate::WithoutBody>,
    ) -> ureq::RequestBuilder<ureq::typestate::WithoutBody> {
        let request = request.header("Accept", CONTENT_TYPE);
        match &self.authorization {
            Some(value) => request.header("Authorization", value),
            None => request,
        }
    }

    fn with_headers_post(
        &self,
        request: ureq::RequestBuilder<ureq::typestate::WithBody>,
    ) -> ureq::RequestBuilder<ureq::typestate::WithBody> {
        let request = request
            .header("Accept", CONTENT_TYPE)
            .header("Content-Type", CONTENT_TYPE);
        match &self.authorization {
            Some(value) => request.header("Authorization", value),
            None => request,
        }
    }

    /// The subject's version numbers, oldest first; `None` when the registry does not
    /// know the subject.
    pub fn versions(&self, subject: &str) -> Result<Option<Vec<u32>>, Error> {
        let Some(body) = self.call("GET", &format!("/subjects/{}/versions", encode(subject)), None)? else {
            return Ok(None);
        };
        let versions: Vec<u32> = serde_json::from_str(&body)
            .with_context(|| format!("unexpected answer to GET /subjects/{subject}/versions: {body}"))?;
        Ok((!versions.is_empty()).then_some(versions))
    }

    /// The level the registry applies to `subject`: the subject's own, else the global one.
    pub fn level(&self, subject: &str) -> Result<String, Error> {
        // Confluent answers 404 without a subject-level setting; Apicurio answers 200
        // `NONE` (while the global level applies), so NONE falls through to the global one.
        let own = self
            .call("GET", &format!("/config/{}", encode(subject)), None)?
            .map(|body| compatibility_level(&body))
            .transpose()?;
        match own {
            Some(level) if level != "NONE" => Ok(level),
            _ => {
                let body = self
                    .call("GET", "/config", None)?
                    .with_context(|| "GET /config: HTTP 404".into())?;
                compatibility_level(&body)
            }
        }
    }

    /// Whether `schema` is compatible with `version` (a number or `latest`) of `subject`,
    /// and the registry's verbose messages.
    pub fn check(&self, subject: &str, version: &str, schema: &str) -> Result<(bool, Vec<String>), Error> {
        let path = format!(
            "/compatibility/subjects/{}/versions/{version}?verbose=true",
            encode(subject)
        );
        let body = self
            .call("POST", &path, Some(&schema_body(schema)))?
            .with_context(|| format!("POST {path}: HTTP 404 (the version was deleted meanwhile?)"))?;
        let answer: serde_json::Value =
            serde_json::from_str(&body).with_context(|| format!("unexpected answer to POST {path}: {body}"))?;
        let Some(compatible) = answer.get("is_compatible").and_then(|v| v.as_bool()) else {
            return Err(Error::Registry(format!(
                "unexpected answer to POST {path} (no `is_compatible`): {body}"
            )));
        };
        let messages = answer
            .get("messages")
            .and_then(|m| m.as_array())
            .map(|m| {
                m.iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        Ok((compatible, messages))
    }

    /// The schema text of `version` of `subject`.
    pub fn schema(&self, subject: &str, version: u32) -> Result<String, Error> {
        let path = format!("/subjects/{}/versions/{version}", encode(subject));
        let body = self
            .call("GET", &path, None)?
            .with_context(|| format!("GET {path}: HTTP 404"))?;
        let answer: serde_json::Value =
            serde_json::from_str(&body).with_context(|| format!("unexpected answer to GET {path}: {body}"))?;
        answer
            .get("schema")
            .and_then(|s| s.as_str())
            .map(str::to_owned)
            .with_context(|| format!("GET {path}: no `schema` in the answer"))
    }

    /// Registers `schema` under `subject`; its id.
    #[cfg(test)]
    pub fn register(&self, subject: &str, schema: &str) -> Result<u64, Error> {
        let path = format!("/subjects/{}/versions", encode(subject));
        let body = self
            .call("POST", &path, Some(&schema_body(schema)))?
            .with_context(|| format!("POST {path}: HTTP 404"))?;
        let answer: serde_json::Value =
            serde_json::from_str(&body).with_context(|| format!("unexpected answer to POST {path}: {body}"))?;
        answer
            .get("id")
            .and_then(|id| id.as_u64())
            .with_context(|| format!("POST {path}: no `id` in {body}"))
    }

    /// Sets the subject's level (`PUT /config/{s}`).
    #[cfg(test)]
    pub fn set_level(&self, subject: &str, mode: Compatibility) -> Result<(), Error> {
        let body = format!("{{\"compatibility\":\"{}\"}}", mode.as_str());
        self.call("PUT", &format!("/config/{}", encode(subject)), Some(&body))?;
        Ok(())
    }

    /// Deletes the subject, soft then permanently (Confluent needs both steps).
    #[cfg(test)]
    pub fn delete_subject(&self, subject: &str) -> Result<(), Error> {
        self.call("DELETE", &format!("/subjects/{}", encode(subject)), None)?;
        self.call("DELETE", &format!("/subjects/{}?permanent=true", encode(subject)), None)?;
        Ok(())
    }
}

/// Asks the registry about `schema` (in `set`) as the next version of `subject`.
pub fn check_subject(
    client: &Client,
    subject: &str,
    set: &SchemaSet,
    schema: &Schema,
    catalog_mode: Compatibility,
) -> Result<SubjectCheck, Error> {
    let json = crate::schema_json::to_json(set, schema);
    let registry_level = client.level(subject)?;
    let outcome = match client.versions(subject)? {
        // Asked directly, Apicurio would say `is_compatible: true`, which is right but
        // for the wrong reason; listing first makes "new" explicit on every registry.
        None => Outcome::New,
        Some(versions) => {
            let transitive = is_transitive(catalog_mode) || registry_level.ends_with("_TRANSITIVE");
            let to_check: Vec<u32> = if transitive {
                versions.iter().rev().copied().collect()
            } else {
                versions.last().copied().into_iter().collect()
            };
            let mut outcome = Outcome::Compatible(to_check.clone());
            for version in to_check {
                let (compatible, messages) = client.check(subject, &version.to_string(), &json)?;
                if !compatible {
                    let explanation = explain(client, subject, version, set, schema, &registry_level, catalog_mode)?;
                    outcome = Outcome::Incompatible {
                        version,
                        messages,
                        explanation,
                    };
                    break;
                }
            }
            outcome
        }
    };
    Ok(SubjectCheck {
        catalog_mode,
        registry_level,
        outcome,
    })
}

/// The offline engine's verdict on the new schema against the registry's `version`, in
/// the direction of the registry's level (the catalog's when the registry has none).
fn explain(
    client: &Client,
    subject: &str,
    version: u32,
    set: &SchemaSet,
    schema: &Schema,
    registry_level: &str,
    catalog_mode: Compatibility,
) -> Result<Option<Verdict>, Error> {
    let text = client.schema(subject, version)?;
    let file = SourceFile::new(format!("{subject} version {version} (registry)"), text);
    let Ok(old) = load_files(vec![file], &LoadOptions::default()) else {
        // A schema this loader refuses (a registry holds what other tools registered):
        // the registry's own verdict still stands.
        return Ok(None);
    };
    let mode = single_version_mode(parse_level(registry_level).unwrap_or(catalog_mode));
    let previous = [Version {
        number: version,
        set: &old,
        schema: &old.roots[0],
    }];
    Ok(Some(compat::check((set, schema), &previous, mode)))
}

/// The registry checks one version at a time in its level's direction.
fn single_version_mode(mode: Compatibility) -> Compatibility {
    match mode {
        Compatibility::BackwardTransitive => Compatibility::Backward,
        Compatibility::ForwardTransitive => Compatibility::Forward,
        Compatibility::FullTransitive => Compatibility::Full,
        other => other,
    }
}

/// A registry level name as a mode.
pub fn parse_level(level: &str) -> Option<Compatibility> {
    Compatibility::ALL
        .into_iter()
        .find(|m| m.as_str().eq_ignore_ascii_case(level))
}

/// `{"schema": "<the schema as a JSON string>"}` (schemaType omitted: AVRO).
fn schema_body(schema: &str) -> String {
    serde_json::json!({ "schema": schema }).to_string()
}

/// `compatibilityLevel` of a `GET /config` answer (Confluent also says `compatibility`).
fn compatibility_level(body: &str) -> Result<String, Error> {
    let value: serde_json::Value =
        serde_json::from_str(body).with_context(|| format!("unexpected answer to GET /config: {body}"))?;
    value
        .get("compatibilityLevel")
        .or_else(|| value.get("compatibility"))
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .with_context(|| format!("GET /config: no `compatibilityLevel` in {body}"))
}

/// The registry's `message` from an error body, else the body itself.
fn error_message(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_owned))
        .unwrap_or_else(|| body.chars().take(300).collect())
}

/// Percent-encodes a subject for a URL path (subjects may hold `:` or `/` with other
/// naming strategies).
fn encode(subject: &str) -> String {
    subject
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    //! Offline: the errors that must never pass (unreachable, 401, 5xx) against a socket
    //! that answers one canned response. Online: Apicurio from `cargo xtask stack up`,
    //! whose verdicts must match the offline engine's (skipped, saying so, without it).

    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;

    /// A registry that answers every request with `status` and `body`.
    fn canned(status: &str, body: &'static str) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let status = status.to_owned();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(4) {
                let mut stream = stream.unwrap();
                let mut buf = [0; 4096];
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

    fn error_of(result: Result<Option<Vec<u32>>, Error>) -> String {
        let err = result.unwrap_err();
        assert!(matches!(err, Error::Registry(_)), "{err:?}");
        err.to_string()
    }

    #[test]
    fn unreachable_unauthorised_and_failing_registries_are_errors() {
        let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let err = error_of(Client::new(&format!("http://{closed}"), None).versions("t-value"));
        assert!(err.contains("cannot reach the schema registry"), "{err}");

        let url = canned("401 Unauthorized", r#"{"error_code":401,"message":"Unauthorized"}"#);
        let auth = Auth::Basic {
            user: "u".into(),
            password: "p".into(),
        };
        let err = error_of(Client::new(&url, Some(auth)).versions("t-value"));
        assert!(
            err.contains("HTTP 401: Unauthorized (pass --user and --password, or --token)"),
            "{err}"
        );

        let url = canned(
            "500 Internal Server Error",
            r#"{"error_code":50001,"message":"store down"}"#,
        );
        let err = error_of(Client::new(&url, None).versions("t-value"));
        assert!(err.contains("HTTP 500: store down"), "{err}");
    }

    /// The workspace root: the stack's files and the seed schemas live there.
    fn workspace_root() -> std::path::PathBuf {
        let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        manifest.parent().unwrap_or(manifest).to_owned()
    }

    /// The stack's registry URL, or why there is none.
    fn registry_url() -> Result<String, String> {
        if let Ok(url) = std::env::var("SCHEMA_REGISTRY_URL") {
            return Ok(url);
        }
        let file = workspace_root().join("target/stack/stack.env");
        let text = std::fs::read_to_string(&file)
            .map_err(|_| format!("the stack is not up ({} does not exist)", file.display()))?;
        text.lines()
            .filter_map(|l| l.split_once('='))
            .find(|(k, _)| k.trim() == "SCHEMA_REGISTRY_URL")
            .map(|(_, v)| v.trim().to_owned())
            .ok_or_else(|| format!("{} has no SCHEMA_REGISTRY_URL", file.display()))
    }

    fn load_json(name: &str, json: &serde_json::Value) -> SchemaSet {
        load_files(vec![SourceFile::new(name, json.to_string())], &LoadOptions::default()).unwrap()
    }

    #[test]
    fn apicurio_verdicts_match_the_offline_engine() {
        let url = match registry_url() {
            Ok(url) => url,
            Err(why) => {
                // Past libtest's capture (`eprintln!` is captured), so a skip is visible.
                let _ = writeln!(
                    std::io::stderr(),
                    "SKIPPED apicurio_verdicts_match_the_offline_engine: {why}; run it with `cargo xtask test`, or \
                     `cargo xtask stack up` then `cargo test -p avrokit-codegen --features gate apicurio`"
                );
                return;
            }
        };
        let client = Client::new(&url, None);
        if let Err(err) = client.level("probe") {
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED apicurio_verdicts_match_the_offline_engine: the registry at {url} does not answer ({err:#})"
            );
            return;
        }
        let current = crate::load_dir(&workspace_root().join("avro-schemas"), &LoadOptions::default()).unwrap();
        let id = current.lookup("astro.beam.TelescopeCommand").unwrap();
        let schema = Schema::Named(id);
        let json: serde_json::Value = serde_json::from_str(&crate::schema_json::to_json(&current, &schema)).unwrap();
        let with_fields = |edit: &dyn Fn(&mut Vec<serde_json::Value>)| {
            let mut json = json.clone();
            edit(json["fields"].as_array_mut().unwrap());
            json
        };
        // TelescopeCommand as first released: no `priority`.
        let v1 = with_fields(&|fields| fields.retain(|f| f["name"] != "priority"));
        // An incompatible variant: `telescope_id` string -> int.
        let broken = with_fields(&|fields| {
            for f in fields.iter_mut().filter(|f| f["name"] == "telescope_id") {
                f["type"] = "int".into();
            }
        });

        let subject = format!("avrokit-compat-test-{}-value", std::process::id());
        let _ = client.delete_subject(&subject);
        let new = check_subject(&client, &subject, &current, &schema, Compatibility::Backward).unwrap();
        assert!(matches!(new.outcome, Outcome::New), "{new:?}");

        client.register(&subject, &v1.to_string()).unwrap();
        // Apicurio enforces nothing until a level is set; the stack sets the global one.
        client.set_level(&subject, Compatibility::Backward).unwrap();
        let v1_set = load_json("v1", &v1);
        let offline = |set: &SchemaSet, schema: &Schema| {
            let previous = [Version {
                number: 1,
                set: &v1_set,
                schema: &v1_set.roots[0],
            }];
            compat::check((set, schema), &previous, Compatibility::Backward)
        };

        let answer = check_subject(&client, &subject, &current, &schema, Compatibility::Backward).unwrap();
        assert_eq!(answer.registry_level, "BACKWARD");
        assert!(
            matches!(&answer.outcome, Outcome::Compatible(v) if v == &[1]),
            "{answer:?}"
        );
        assert!(offline(&current, &schema).compatible);

        let broken_set = load_json("broken", &broken);
        let answer = check_subject(
            &client,
            &subject,
            &broken_set,
            &broken_set.roots[0],
            Compatibility::Backward,
        )
        .unwrap();
        let Outcome::Incompatible {
            version, explanation, ..
        } = &answer.outcome
        else {
            panic!("the registry accepted string -> int: {answer:?}");
        };
        assert_eq!(*version, 1);
        let offline = offline(&broken_set, &broken_set.roots[0]);
        assert!(!offline.compatible);
        let explanation = explanation.as_ref().expect("the registry's version loads");
        // The same verdict, kinds, places and messages (the old side's file differs: the
        // registry's copy versus ours).
        let summary = |v: &Verdict| -> Vec<(String, String, String)> {
            v.messages
                .iter()
                .map(|m| (m.kind.as_str().to_owned(), m.location.clone(), m.message.clone()))
                .collect()
        };
        assert_eq!(summary(explanation), summary(&offline));
        assert_eq!(explanation.messages[0].kind.as_str(), "TYPE_MISMATCH");
        assert_eq!(explanation.messages[0].location, "/fields/1/type");

        client.delete_subject(&subject).unwrap();
    }
}
