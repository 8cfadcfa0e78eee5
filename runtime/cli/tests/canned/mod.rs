//! Offline stand-ins for the services `avrokit` talks to — a closed loopback port (an
//! unreachable service) and tiny HTTP servers with canned answers (a registry refusing
//! the credentials, a Kafka Connect cluster) — and the check every environment error
//! must pass: exit 2, one `error: ...` line on stderr, no panic.

#![allow(dead_code)] // Each test file uses its own part.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output};

/// `avrokit ARGS` with `envs`, from `dir` (or the current directory).
pub fn avrokit(args: &[&str], envs: &[(&str, &str)], dir: Option<&std::path::Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_avrokit"));
    command.args(args).envs(envs.iter().copied());
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let out = command.output().expect("runs avrokit");
    println!(
        "$ avrokit {}\n{}{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Asserts an environment error: exit 2, stderr exactly one line, starting `error:` and
/// containing `needle`, no panic. Returns the line.
pub fn assert_one_line_error(out: &Output, needle: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "exit 2: {stderr}");
    assert!(!stderr.contains("panicked"), "no panic: {stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "stderr is one line: {stderr}");
    let line = lines[0].to_owned();
    assert!(line.starts_with("error: "), "{line}");
    assert!(line.contains(needle), "`{needle}` in: {line}");
    line
}

/// Like [`assert_one_line_error`], but stderr may hold progress notes before the error
/// line (`--format json` sends them there): the error is still exactly one line, the
/// last.
pub fn assert_error_after_notes(out: &Output, needle: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "exit 2: {stderr}");
    assert!(!stderr.contains("panicked"), "no panic: {stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    let errors = lines.iter().filter(|l| l.starts_with("error:")).count();
    assert_eq!(errors, 1, "one error line: {stderr}");
    let line = lines.last().copied().unwrap_or_default().to_owned();
    assert!(line.starts_with("error: "), "the error is the last line: {stderr}");
    assert!(line.contains(needle), "`{needle}` in: {line}");
    line
}

/// A loopback address nothing listens on (a port bound and released).
pub fn closed_port() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    addr.to_string()
}

/// A server answering each request with `route(method, path)`: `(status line, JSON
/// body)`. Its URL.
pub fn serve(route: impl Fn(&str, &str) -> (String, String) + Send + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            // The request head (the calls under test send no body worth reading).
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let head = String::from_utf8_lossy(&request);
            let mut words = head.split_whitespace();
            let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
            let (status, body) = route(method, path);
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

/// A registry that answers every request 401, as one does to missing credentials.
pub fn refusing_registry() -> String {
    serve(|_, _| {
        (
            "401 Unauthorized".to_owned(),
            r#"{"error_code":401,"message":"Unauthorized"}"#.to_owned(),
        )
    })
}

/// Stdout as the one JSON document it must be (trailing text is an error).
pub fn document(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is not one JSON document ({err}):\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}
