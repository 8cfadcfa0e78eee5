//! Waiting for a service to become healthy, and saying why when it does not.

use super::layout::Layout;
use super::process;
use super::topology::Service;
use anyhow::bail;
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

/// The outcome of one health probe.
pub type Probe = Result<(), String>;

/// Polls `probe` until it passes, the process dies or `timeout` runs out.
///
/// On failure the error names the service, the last probe's answer, the log path and the
/// log's last lines.
pub fn wait_healthy(
    layout: &Layout,
    service: Service,
    pid: u32,
    timeout: Duration,
    mut probe: impl FnMut() -> Probe,
) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let mut last = String::from("not probed yet");
    while started.elapsed() < timeout {
        match probe() {
            Ok(()) => return Ok(started.elapsed()),
            Err(why) => last = why,
        }
        if !process::is_alive(pid) {
            return Err(unhealthy(
                layout,
                service,
                &format!("the process (pid {pid}) exited; last probe: {last}"),
            ));
        }
        thread::sleep(Duration::from_millis(250));
    }
    Err(unhealthy(
        layout,
        service,
        &format!("not healthy after {} s; last probe: {last}", timeout.as_secs()),
    ))
}

/// An error naming the service, the reason, its log and the log's last lines.
pub fn unhealthy(layout: &Layout, service: Service, why: &str) -> anyhow::Error {
    let log = layout.log(service);
    anyhow::anyhow!(
        "{service} failed to become healthy: {why}\nlog: {}\n--- last lines of the log ---\n{}",
        log.display(),
        tail_lines(&log, 30)
    )
}

/// The last `n` lines of a text file (or a note that it cannot be read).
pub fn tail_lines(path: &Path, n: usize) -> String {
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let lines: Vec<&str> = text.lines().collect();
            lines[lines.len().saturating_sub(n)..].join("\n")
        }
        Err(err) => format!("(cannot read {}: {err})", path.display()),
    }
}

/// An HTTP client with short timeouts that returns 4xx/5xx answers instead of errors.
pub fn http_agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        .build()
        .into()
}

/// `GET url`; `Ok(body)` on HTTP 200, else the status or transport error as text.
pub fn http_get_ok(agent: &ureq::Agent, url: &str) -> Result<String, String> {
    let mut resp = agent.get(url).call().map_err(|e| format!("GET {url}: {e}"))?;
    let status = resp.status().as_u16();
    let body = resp
        .body_mut()
        .read_to_string()
        .map_err(|e| format!("GET {url}: reading the body: {e}"))?;
    if status == 200 {
        Ok(body)
    } else {
        Err(format!("GET {url}: HTTP {status}: {}", first_chars(&body, 300)))
    }
}

/// `PUT url` with a JSON body; `Ok(body)` on HTTP 2xx.
pub fn http_put_json(agent: &ureq::Agent, url: &str, content_type: &str, body: &str) -> anyhow::Result<String> {
    let mut resp = agent
        .put(url)
        .header("Content-Type", content_type)
        .header("Accept", content_type)
        .send(body)
        .map_err(|e| anyhow::anyhow!("PUT {url}: {e}"))?;
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    if !(200..300).contains(&status) {
        bail!("PUT {url}: HTTP {status}: {}", first_chars(&text, 500));
    }
    Ok(text)
}

fn first_chars(text: &str, n: usize) -> String {
    text.chars().take(n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_lines_keeps_the_last_lines() {
        let dir = std::env::temp_dir().join(format!("avrokit-tail-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("service.log");
        std::fs::write(&file, "one\ntwo\nthree\nfour\n").unwrap();
        assert_eq!(tail_lines(&file, 2), "three\nfour");
        assert_eq!(tail_lines(&file, 10), "one\ntwo\nthree\nfour");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn unhealthy_names_the_service_log_and_its_tail() {
        let root = std::env::temp_dir().join(format!("avrokit-unhealthy-{}", std::process::id()));
        let layout = Layout::new(&root);
        std::fs::create_dir_all(layout.logs()).unwrap();
        std::fs::write(layout.log(Service::Connect), "starting\nboom: plugin missing\n").unwrap();
        let msg = format!("{:#}", unhealthy(&layout, Service::Connect, "timed out"));
        assert!(msg.starts_with("connect failed to become healthy: timed out"), "{msg}");
        assert!(
            msg.contains(&layout.log(Service::Connect).display().to_string()),
            "{msg}"
        );
        assert!(msg.ends_with("boom: plugin missing"), "{msg}");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
