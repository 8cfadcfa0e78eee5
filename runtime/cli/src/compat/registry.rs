//! `compat --registry [URL]`: asks a live Schema Registry (Confluent API), through the
//! runtime's registry client, whether it would accept the current schema of every
//! catalog subject.
//!
//! Per subject (`<topic>-value`, and `<topic>-key` for Avro keys): its versions (none: a
//! new subject, compatible), the level the registry applies, then a compatibility check
//! against the latest version, or every version, newest first, stopping at the first that
//! fails, for transitive levels. Anything but a clear answer (unreachable, 401/403, 5xx,
//! an unexpected body) is an error, never a pass.
//!
//! Apicurio Registry (the dev stack's) differs from Confluent's server, and this module
//! allows for it: it ignores `verbose=true` (so an incompatible answer comes without
//! reasons: the failing version is fetched and the offline engine explains it, located),
//! it answers `is_compatible: true` for a subject it does not have (so versions are listed
//! first), and it enforces nothing until a level is set (a subject's level reads `NONE`,
//! which is reported).

use avrokit::registry_client::{
    BlockingRegistryClient, Compatibility, RegistryError, RegistryErrorKind, VersionSelector,
};
use avrokit_codegen::compat::{self, Verdict, Version};
use avrokit_codegen::gate::{Checked, Format, Options, Problem, Status, WorkingTree, print_report};
use avrokit_codegen::ir::{Schema, SchemaSet};
use avrokit_codegen::source::SourceFile;
use avrokit_codegen::{LoadOptions, load_files, schema_json};

/// Why the registry could not be asked: a one-line message (exit 2).
#[derive(Debug, thiserror::Error)]
#[error("cannot ask the schema registry at {url}: {request}: {message}")]
pub struct AskError {
    /// The registry's URL.
    pub url: String,
    /// The request that failed.
    pub request: String,
    /// What went wrong, with what to do.
    pub message: String,
}

impl AskError {
    fn new(client: &BlockingRegistryClient, err: RegistryError) -> AskError {
        let message = match err.kind() {
            RegistryErrorKind::Unauthorized { status, message } => format!(
                "HTTP {status}, not authorized: {message} (pass --registry-user and --registry-password, or \
                 --registry-token)"
            ),
            RegistryErrorKind::NotFound { .. } => format!(
                "{} (is the URL the Confluent API's, e.g. http://127.0.0.1:8081/apis/ccompat/v7 for Apicurio?)",
                err.kind()
            ),
            other => other.to_string(),
        };
        AskError {
            url: client.url().to_owned(),
            request: err.request.clone(),
            message,
        }
    }
}

/// The registry's answer about one subject.
#[derive(Debug)]
pub struct SubjectCheck {
    /// The catalog's mode.
    pub catalog_mode: Compatibility,
    /// The level the registry applies to the subject (`NONE` when it enforces nothing).
    pub registry_level: Compatibility,
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

/// The level the registry applies to `subject`: its own, else the global one.
fn level(client: &BlockingRegistryClient, subject: &str) -> Result<Compatibility, RegistryError> {
    // Confluent falls back to the global level itself (`defaultToGlobal`); Apicurio
    // answers `NONE` for a subject without a level while the global one applies.
    match client.config(Some(subject)) {
        Ok(Compatibility::None) => client.config(None),
        Ok(level) => Ok(level),
        Err(err)
            if matches!(
                err.kind(),
                RegistryErrorKind::SubjectNotFound { .. } | RegistryErrorKind::NotFound { .. }
            ) =>
        {
            client.config(None)
        }
        Err(err) => Err(err),
    }
}

/// The subject's versions, oldest first; none for a subject the registry does not know.
fn versions(client: &BlockingRegistryClient, subject: &str) -> Result<Vec<u32>, RegistryError> {
    match client.versions(subject) {
        Ok(versions) => Ok(versions),
        Err(err) if matches!(err.kind(), RegistryErrorKind::SubjectNotFound { .. }) => Ok(Vec::new()),
        Err(err) => Err(err),
    }
}

/// Asks the registry about `schema` (in `set`) as the next version of `subject`.
pub fn check_subject(
    client: &BlockingRegistryClient,
    subject: &str,
    set: &SchemaSet,
    schema: &Schema,
    catalog_mode: Compatibility,
) -> Result<SubjectCheck, AskError> {
    let ask = |err| AskError::new(client, err);
    let json = schema_json::to_json(set, schema);
    let registry_level = level(client, subject).map_err(ask)?;
    let versions = versions(client, subject).map_err(ask)?;
    // Asked directly, Apicurio would say `is_compatible: true` for a new subject, which
    // is right but for the wrong reason; listing first makes "new" explicit everywhere.
    if versions.is_empty() {
        return Ok(SubjectCheck {
            catalog_mode,
            registry_level,
            outcome: Outcome::New,
        });
    }
    let to_check: Vec<u32> = if catalog_mode.is_transitive() || registry_level.is_transitive() {
        versions.iter().rev().copied().collect()
    } else {
        versions.last().copied().into_iter().collect()
    };
    let mut outcome = Outcome::Compatible(to_check.clone());
    for version in to_check {
        let answer = client
            .check_compatibility(subject, Some(VersionSelector::Number(version)), &json)
            .map_err(ask)?;
        if !answer.is_compatible {
            let mode = if registry_level == Compatibility::None {
                catalog_mode
            } else {
                registry_level
            };
            outcome = Outcome::Incompatible {
                version,
                messages: answer.messages,
                explanation: explain(client, subject, version, set, schema, mode)?,
            };
            break;
        }
    }
    Ok(SubjectCheck {
        catalog_mode,
        registry_level,
        outcome,
    })
}

/// The offline engine's verdict on the new schema against the registry's `version`, in
/// the direction of `mode`, one version at a time as the registry checks.
fn explain(
    client: &BlockingRegistryClient,
    subject: &str,
    version: u32,
    set: &SchemaSet,
    schema: &Schema,
    mode: Compatibility,
) -> Result<Option<Verdict>, AskError> {
    let text = client
        .version(subject, VersionSelector::Number(version))
        .map_err(|err| AskError::new(client, err))?
        .schema;
    let file = SourceFile::new(format!("{subject} version {version} (registry)"), text);
    let Ok(old) = load_files(vec![file], &LoadOptions::default()) else {
        // A schema this loader refuses (a registry holds what other tools registered):
        // the registry's own verdict still stands.
        return Ok(None);
    };
    let previous = [Version {
        number: version,
        set: &old,
        schema: &old.roots[0],
    }];
    Ok(Some(compat::check((set, schema), &previous, mode.single_version())))
}

/// Asks the registry about every subject of the catalog in `options` and prints its
/// answers; paths in messages read from the current directory.
pub fn against_registry(options: &Options, client: &BlockingRegistryClient) -> anyhow::Result<Status> {
    let (results, problems) = ask_registry(options, client)?;
    let passed = print_report(
        &results,
        &problems,
        options.accept.as_ref(),
        options.format,
        options.strictness,
    );
    Ok(Status::from_passed(passed))
}

/// The registry's answer about every subject of the catalog in `options`, printing only
/// the notes and per-subject lines (on stderr when `options.format` is JSON, so that the
/// caller's one JSON document stays alone on stdout).
pub fn ask_registry(
    options: &Options,
    client: &BlockingRegistryClient,
) -> anyhow::Result<(Vec<Checked>, Vec<Problem>)> {
    let current = WorkingTree::load(options)?;
    // Status lines go where they do not break the one JSON object on stdout.
    let say = |line: String| {
        if options.format == Format::Json {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    };
    say(format!("compat: against the schema registry at {}", client.url()));
    let mut results = Vec::new();
    let mut problems = Vec::new();
    for topic in &current.catalog.topics {
        let mut subjects: Vec<(String, &Schema)> = (topic.value_subjects_with_types())
            .map(|(subject, schema)| (subject.to_owned(), schema))
            .collect();
        if let (Some(subject), Some(key)) = (topic.key_subject(), &topic.key) {
            subjects.push((subject, key));
        }
        for (subject, schema) in subjects {
            let check = check_subject(client, &subject, &current.set, schema, topic.compatibility)?;
            let (level, catalog) = (check.registry_level, check.catalog_mode);
            if level == Compatibility::None {
                say(format!(
                    "note: {subject}: the registry enforces no compatibility for it (level NONE; Apicurio enforces \
                     nothing until one is set), so it would accept any schema; the catalog says {catalog} \
                     (`avrokit register` sets it)"
                ));
            } else if level != catalog {
                say(format!(
                    "note: {subject}: the registry applies {level} while the catalog says {catalog}; the answers \
                     below are the registry's (`avrokit register` sets the catalog's)"
                ));
            }
            let mode = if level == Compatibility::None { catalog } else { level };
            let pass = Verdict::pass;
            let verdict = match check.outcome {
                Outcome::New => {
                    say(format!(
                        "{subject}: new subject (the registry has no version of it): compatible"
                    ));
                    pass(mode)
                }
                Outcome::Compatible(versions) => {
                    let list: Vec<String> = versions.iter().map(u32::to_string).collect();
                    say(format!(
                        "{subject}: compatible with version {} ({level})",
                        list.join(", ")
                    ));
                    pass(mode)
                }
                Outcome::Incompatible {
                    version,
                    messages,
                    explanation,
                } => {
                    say(format!("{subject}: NOT compatible with version {version} ({level})"));
                    for message in &messages {
                        say(format!("{subject}: registry: {message}"));
                    }
                    if messages.is_empty() {
                        say(format!(
                            "{subject}: the registry gave no reasons (Apicurio ignores `verbose=true`); the offline \
                             engine's reasons for the same pair follow"
                        ));
                    }
                    let mut verdict = explanation.unwrap_or_else(|| pass(mode));
                    if verdict.messages.is_empty() {
                        // The registry is the authority here: a disagreement fails, said plainly.
                        problems.push(Problem {
                            position: current.position(schema),
                            rule: "REGISTRY_INCOMPATIBLE",
                            message: format!(
                                "the registry says {subject} is not compatible with its version {version} ({level}), \
                                 and the offline engine finds no reason: compare with \
                                 `GET /subjects/{subject}/versions/{version}`"
                            ),
                        });
                    }
                    verdict.compatible = false;
                    verdict.failed_version = Some(version);
                    if let Some(accept) = &options.accept {
                        verdict.accept(&|rule, pointer| accept.accepts(&subject, rule, pointer));
                        if verdict.compatible {
                            say(format!(
                                "note: {subject}: every finding is accepted, but the registry itself refuses this \
                                 schema at level {level}: registering it needs the subject's level lowered first"
                            ));
                        }
                    }
                    verdict
                }
            };
            results.push(Checked {
                subject,
                verdict,
                failed_json: None,
            });
        }
    }
    Ok((results, problems))
}

#[cfg(test)]
mod tests {
    //! Offline: the errors that must never pass (unreachable, 401, 5xx) against a socket
    //! that answers one canned response. Online: Apicurio from `avrokit stack up`, whose
    //! verdicts must match the offline engine's (skipped, saying so, without it).

    use super::*;
    use avrokit::registry_client::{Deletion, Normalize, RegistryConfig, RetryPolicy};
    use std::io::{Read, Write};
    use std::net::TcpListener;

    /// A registry that answers every request with `status` and `body`.
    fn canned(status: &str, body: &'static str) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let status = status.to_owned();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(8) {
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

    fn client(url: &str) -> BlockingRegistryClient {
        BlockingRegistryClient::new(RegistryConfig::new(url).with_retry(RetryPolicy::none())).unwrap()
    }

    fn error_of(url: &str) -> String {
        let set = load_files(
            vec![SourceFile::new("t.avsc", r#"{"type":"record","name":"T","fields":[]}"#)],
            &LoadOptions::default(),
        )
        .unwrap();
        check_subject(&client(url), "t-value", &set, &set.roots[0], Compatibility::Backward)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn unreachable_unauthorised_and_failing_registries_are_errors() {
        let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let err = error_of(&format!("http://{closed}"));
        assert!(
            err.starts_with(&format!("cannot ask the schema registry at http://{closed}")),
            "{err}"
        );
        assert!(err.contains("cannot reach the registry"), "{err}");

        let url = canned("401 Unauthorized", r#"{"error_code":401,"message":"Unauthorized"}"#);
        let err = error_of(&url);
        assert!(
            err.contains("HTTP 401, not authorized: Unauthorized (pass --registry-user and --registry-password"),
            "{err}"
        );

        let url = canned(
            "500 Internal Server Error",
            r#"{"error_code":50001,"message":"store down"}"#,
        );
        let err = error_of(&url);
        assert!(err.contains("HTTP 500") && err.contains("store down"), "{err}");
    }

    /// The workspace root: the seed schemas live there.
    fn workspace_root() -> std::path::PathBuf {
        let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        manifest.ancestors().nth(2).unwrap_or(manifest).to_owned()
    }

    fn load_json(name: &str, json: &serde_json::Value) -> SchemaSet {
        load_files(vec![SourceFile::new(name, json.to_string())], &LoadOptions::default()).unwrap()
    }

    #[test]
    fn apicurio_verdicts_match_the_offline_engine() {
        let Some(url) = std::env::var(crate::endpoints::REGISTRY_URL_VAR)
            .ok()
            .or_else(|| crate::stack::running_setting(crate::endpoints::REGISTRY_URL_VAR))
        else {
            // Past libtest's capture (`eprintln!` is captured), so a skip is visible.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED apicurio_verdicts_match_the_offline_engine: the stack is not up; run it with `cargo xtask \
                 test`, or `avrokit stack up` first"
            );
            return;
        };
        let client = client(&url);
        let current =
            avrokit_codegen::load_dir(&workspace_root().join("avro-schemas"), &LoadOptions::default()).unwrap();
        let id = current.lookup("astro.beam.TelescopeCommand").unwrap();
        let schema = Schema::Named(id);
        let json: serde_json::Value = serde_json::from_str(&schema_json::to_json(&current, &schema)).unwrap();
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
        let new = check_subject(&client, &subject, &current, &schema, Compatibility::Backward).unwrap();
        assert!(matches!(new.outcome, Outcome::New), "{new:?}");

        client.register(&subject, &v1.to_string(), Normalize::AsSent).unwrap();
        // Apicurio enforces nothing until a level is set.
        client.set_config(Some(&subject), Compatibility::Backward).unwrap();
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
        assert_eq!(answer.registry_level, Compatibility::Backward);
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

        let _ = client.delete_subject(&subject, Deletion::Soft);
        let _ = client.delete_subject(&subject, Deletion::Permanent);
    }
}
