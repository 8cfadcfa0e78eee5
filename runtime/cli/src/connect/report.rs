//! Connector states as `connect deploy` and `connect status` print them, with the traces
//! of whatever failed.

use super::client::Status;
use serde_json::{Value, json};

/// `name: connector STATE, task 0 STATE, ...` and, below, each failure's trace.
pub fn render(name: &str, status: &Status) -> String {
    let tasks: Vec<String> = status
        .tasks
        .iter()
        .map(|(id, task)| format!("task {id} {}", task.state))
        .collect();
    let tasks = if tasks.is_empty() {
        "no tasks".to_owned()
    } else {
        tasks.join(", ")
    };
    let mut text = format!(
        "{name}: connector {} on {}, {tasks}",
        status.connector.state, status.connector.worker_id
    );
    if let Some(trace) = status
        .connector
        .trace
        .as_deref()
        .filter(|_| status.connector.state == "FAILED")
    {
        text.push_str(&format!("\n  connector trace:\n{}", indent(trace)));
    }
    for (id, task) in &status.tasks {
        if let Some(trace) = task.trace.as_deref().filter(|_| task.state == "FAILED") {
            text.push_str(&format!("\n  task {id} trace:\n{}", indent(trace)));
        }
    }
    text
}

/// A connector's status as `connect status --format json` prints it (`None`: there is
/// no such connector).
pub fn json(name: &str, status: Option<&Status>) -> Value {
    let Some(status) = status else {
        return json!({
            "name": name,
            "found": false,
            "state": null,
            "worker_id": null,
            "trace": null,
            "tasks": [],
        });
    };
    let tasks: Vec<Value> = status
        .tasks
        .iter()
        .map(|(id, task)| {
            json!({
                "id": id,
                "state": task.state,
                "worker_id": task.worker_id,
                "trace": task.trace,
            })
        })
        .collect();
    json!({
        "name": name,
        "found": true,
        "state": status.connector.state,
        "worker_id": status.connector.worker_id,
        "trace": status.connector.trace,
        "tasks": tasks,
    })
}

fn indent(trace: &str) -> String {
    trace.lines().map(|l| format!("    {l}")).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connect::client::State;

    fn state(state: &str, trace: Option<&str>) -> State {
        State {
            state: state.into(),
            worker_id: "w:8083".into(),
            trace: trace.map(str::to_owned),
        }
    }

    #[test]
    fn failed_tasks_show_their_traces() {
        let status = Status {
            connector: state("RUNNING", None),
            tasks: vec![(0, state("RUNNING", None)), (1, state("FAILED", Some("boom\n\tat X")))],
        };
        assert_eq!(
            render("t-sink", &status),
            "t-sink: connector RUNNING on w:8083, task 0 RUNNING, task 1 FAILED\n  task 1 trace:\n    boom\n    \tat X"
        );
    }
}
