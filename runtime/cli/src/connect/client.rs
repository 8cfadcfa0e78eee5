//! A blocking client of the Kafka Connect REST API: the few calls deploying and watching
//! connectors needs, with typed errors.

use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::thread;
use std::time::Duration;

/// How often a write that met a rebalance (HTTP 409) is tried in all.
const ATTEMPTS_DURING_REBALANCE: u32 = 10;

/// What went wrong talking to Connect.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConnectError {
    /// No HTTP answer (connection refused, timeout, ...).
    Unreachable {
        /// `METHOD url`.
        request: String,
        /// The transport error.
        reason: String,
    },
    /// An answer other than the expected ones; `message` is Connect's `message` field or
    /// the body.
    Status {
        /// `METHOD url`.
        request: String,
        /// The HTTP status.
        status: u16,
        /// What Connect said.
        message: String,
    },
    /// An answer whose body is not the JSON the API documents.
    Body {
        /// `METHOD url`.
        request: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConnectError::Unreachable { request, reason } => {
                write!(f, "{request}: Kafka Connect does not answer: {reason}")
            }
            ConnectError::Status {
                request,
                status,
                message,
            } => write!(f, "{request}: HTTP {status}: {message}"),
            ConnectError::Body { request, reason } => write!(f, "{request}: unexpected answer: {reason}"),
        }
    }
}

impl std::error::Error for ConnectError {}

/// The outcome of `PUT /connectors/{name}/config`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// HTTP 201: the connector did not exist.
    Created,
    /// HTTP 200: its configuration was replaced (or was already this one).
    Updated,
}

/// `PUT /connector-plugins/{class}/config/validate`'s verdict: every key with errors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validation {
    /// `configs[].value.errors` by `configs[].value.name`, for keys with errors only.
    pub errors: BTreeMap<String, Vec<String>>,
}

/// A connector's or a task's state, from `GET /connectors/{name}/status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// `RUNNING`, `FAILED`, `PAUSED`, `UNASSIGNED`, `RESTARTING` or `STOPPED`.
    pub state: String,
    /// The worker it runs on.
    pub worker_id: String,
    /// The Java stack trace of a failure.
    pub trace: Option<String>,
}

/// A connector's status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The connector itself.
    pub connector: State,
    /// Its tasks by id.
    pub tasks: Vec<(u32, State)>,
}

impl Status {
    /// Whether the connector and at least one task run, and no task is in another state.
    pub fn running(&self) -> bool {
        self.connector.state == "RUNNING"
            && !self.tasks.is_empty()
            && self.tasks.iter().all(|(_, t)| t.state == "RUNNING")
    }

    /// Whether the connector or one of its tasks failed.
    pub fn failed(&self) -> bool {
        self.connector.state == "FAILED" || self.tasks.iter().any(|(_, t)| t.state == "FAILED")
    }
}

/// A client of one Connect cluster.
pub struct ConnectClient {
    base: String,
    agent: ureq::Agent,
}

impl ConnectClient {
    /// A client of the REST API at `url` (`http://host:8083`).
    pub fn new(url: &str) -> Self {
        Self {
            base: url.trim_end_matches('/').to_owned(),
            agent: crate::stack::http_agent(),
        }
    }

    /// The REST API's base URL.
    pub fn url(&self) -> &str {
        &self.base
    }

    /// Validates `config` (which names `connector.class`) against the plugin's own config
    /// definitions.
    pub fn validate(&self, class: &str, config: &BTreeMap<String, String>) -> Result<Validation, ConnectError> {
        let mut validation = Validation::default();
        for entry in self.validation_configs(class, config)? {
            let value = &entry["value"];
            let errors: Vec<String> = value["errors"]
                .as_array()
                .map(|errors| errors.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                .unwrap_or_default();
            if !errors.is_empty() {
                let key = value["name"].as_str().unwrap_or("(unnamed)").to_owned();
                validation.errors.insert(key, errors);
            }
        }
        Ok(validation)
    }

    /// The `configs` of `PUT /connector-plugins/{class}/config/validate`.
    fn validation_configs(&self, class: &str, config: &BTreeMap<String, String>) -> Result<Vec<Value>, ConnectError> {
        let path = format!("/connector-plugins/{class}/config/validate");
        let request = format!("PUT {}{path}", self.base);
        let (status, body) = self.send("PUT", &path, Some(&to_json(config)))?;
        if status != 200 {
            return Err(status_error(request, status, &body));
        }
        match parse(&request, &body)? {
            Value::Object(mut answer) => match answer.remove("configs") {
                Some(Value::Array(configs)) => Ok(configs),
                _ => Err(ConnectError::Body {
                    request,
                    reason: "no `configs` array".into(),
                }),
            },
            other => Err(ConnectError::Body {
                request,
                reason: format!("not an object: {other}"),
            }),
        }
    }

    /// Creates or replaces connector `name`'s configuration.
    pub fn put_config(&self, name: &str, config: &BTreeMap<String, String>) -> Result<Applied, ConnectError> {
        let path = format!("/connectors/{name}/config");
        match self.send_through_rebalances("PUT", &path, Some(&to_json(config)))? {
            (201, _) => Ok(Applied::Created),
            (200, _) => Ok(Applied::Updated),
            (status, body) => Err(status_error(format!("PUT {}{path}", self.base), status, &body)),
        }
    }

    /// Connector `name`'s status, or `None` when there is no such connector.
    pub fn status(&self, name: &str) -> Result<Option<Status>, ConnectError> {
        let path = format!("/connectors/{name}/status");
        let (status, body) = self.send("GET", &path, None)?;
        let request = format!("GET {}{path}", self.base);
        match status {
            404 => Ok(None),
            200 => parse_status(&request, &parse(&request, &body)?).map(Some),
            _ => Err(status_error(request, status, &body)),
        }
    }

    /// The names of every connector.
    pub fn connectors(&self) -> Result<Vec<String>, ConnectError> {
        let (status, body) = self.send("GET", "/connectors", None)?;
        let request = format!("GET {}/connectors", self.base);
        if status != 200 {
            return Err(status_error(request, status, &body));
        }
        let answer = parse(&request, &body)?;
        let mut names: Vec<String> = answer
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|n| n.as_str().map(str::to_owned))
            .collect();
        names.sort();
        Ok(names)
    }

    /// Deletes connector `name`; `false` when there was none.
    pub fn delete(&self, name: &str) -> Result<bool, ConnectError> {
        let path = format!("/connectors/{name}");
        match self.send_through_rebalances("DELETE", &path, None)? {
            (200 | 204, _) => Ok(true),
            (404, _) => Ok(false),
            (status, body) => Err(status_error(format!("DELETE {}{path}", self.base), status, &body)),
        }
    }

    /// A write, tried again while the workers rebalance: Connect answers 409 to writes
    /// until the group has a leader again.
    fn send_through_rebalances(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> Result<(u16, String), ConnectError> {
        let mut attempt = 1;
        loop {
            let answer = self.send(method, path, body)?;
            if answer.0 != 409 || attempt == ATTEMPTS_DURING_REBALANCE {
                return Ok(answer);
            }
            thread::sleep(Duration::from_millis(500 * u64::from(attempt)));
            attempt += 1;
        }
    }

    /// One request; the status and the body, whatever the status.
    fn send(&self, method: &str, path: &str, body: Option<&str>) -> Result<(u16, String), ConnectError> {
        let url = format!("{}{path}", self.base);
        let request = format!("{method} {url}");
        let unreachable = |err: ureq::Error| ConnectError::Unreachable {
            request: request.clone(),
            reason: err.to_string(),
        };
        let mut response = match (method, body) {
            ("PUT", Some(body)) => self
                .agent
                .put(&url)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .send(body),
            ("DELETE", _) => self.agent.delete(&url).call(),
            _ => self.agent.get(&url).header("Accept", "application/json").call(),
        }
        .map_err(unreachable)?;
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().map_err(|err| ConnectError::Body {
            request: request.clone(),
            reason: err.to_string(),
        })?;
        Ok((status, text))
    }
}

/// A configuration as the REST API takes it; a map of strings always serializes.
fn to_json(config: &BTreeMap<String, String>) -> String {
    serde_json::to_string(config).expect("a map of strings serializes")
}

fn parse(request: &str, body: &str) -> Result<Value, ConnectError> {
    serde_json::from_str(body).map_err(|err| ConnectError::Body {
        request: request.to_owned(),
        reason: format!("not JSON ({err}): {}", body.chars().take(300).collect::<String>()),
    })
}

/// Connect's error answers are `{"error_code": ..., "message": "..."}`.
fn status_error(request: String, status: u16, body: &str) -> ConnectError {
    let message = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v["message"].as_str().map(str::to_owned))
        .unwrap_or_else(|| body.chars().take(500).collect());
    ConnectError::Status {
        request,
        status,
        message,
    }
}

fn parse_state(value: &Value) -> Option<State> {
    Some(State {
        state: value["state"].as_str()?.to_owned(),
        worker_id: value["worker_id"].as_str().unwrap_or_default().to_owned(),
        trace: value["trace"].as_str().map(str::to_owned),
    })
}

fn parse_status(request: &str, value: &Value) -> Result<Status, ConnectError> {
    let malformed = || ConnectError::Body {
        request: request.to_owned(),
        reason: format!("not a connector status: {value}"),
    };
    let connector = parse_state(&value["connector"]).ok_or_else(malformed)?;
    let mut tasks = Vec::new();
    for task in value["tasks"].as_array().into_iter().flatten() {
        let id = task["id"]
            .as_u64()
            .and_then(|id| u32::try_from(id).ok())
            .ok_or_else(malformed)?;
        tasks.push((id, parse_state(task).ok_or_else(malformed)?));
    }
    Ok(Status { connector, tasks })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_with_a_failed_task_is_failed_and_not_running() {
        let value = serde_json::json!({
            "name": "t-sink",
            "connector": {"state": "RUNNING", "worker_id": "w:8083"},
            "tasks": [{"id": 0, "state": "FAILED", "worker_id": "w:8083", "trace": "java.lang.Boom"}],
            "type": "sink"
        });
        let status = parse_status("GET x", &value).unwrap();
        assert!(status.failed());
        assert!(!status.running());
        assert_eq!(status.tasks[0].1.trace.as_deref(), Some("java.lang.Boom"));
    }

    #[test]
    fn a_connector_without_tasks_is_not_running_yet() {
        let value = serde_json::json!({"connector": {"state": "RUNNING", "worker_id": "w"}, "tasks": []});
        let status = parse_status("GET x", &value).unwrap();
        assert!(!status.running() && !status.failed());
    }

    #[test]
    fn error_answers_keep_connects_message() {
        let err = status_error("PUT u".into(), 400, r#"{"error_code":400,"message":"bad class"}"#);
        assert_eq!(err.to_string(), "PUT u: HTTP 400: bad class");
        assert!(parse("GET u", "<html>").is_err());
    }
}
