//! A scripted HTTP server on a local socket for the client's offline tests: it answers
//! requests with canned responses in order (the last one repeats) and records every
//! request line, so tests can count calls.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One canned answer.
#[derive(Clone)]
pub struct Canned {
    pub status: &'static str,
    pub body: String,
    /// How long to wait before answering (to make concurrent callers overlap).
    pub delay: Duration,
}

/// `status` with `body`, at once.
pub fn answer(status: &'static str, body: impl Into<String>) -> Canned {
    Canned {
        status,
        body: body.into(),
        delay: Duration::ZERO,
    }
}

/// A running server: its URL and the request lines it has seen.
pub struct Server {
    pub url: String,
    requests: Arc<Mutex<Vec<(String, String)>>>,
}

impl Server {
    /// The request lines so far (`GET /schemas/ids/1 HTTP/1.1`).
    pub fn requests(&self) -> Vec<String> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .map(|(line, _)| line.clone())
            .collect()
    }

    /// The header blocks so far, one string per request.
    pub fn headers(&self) -> Vec<String> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .map(|(_, headers)| headers.clone())
            .collect()
    }
}

/// Starts a server answering with `script`; one thread per connection, so slow answers
/// overlap as a real registry's would.
pub fn serve(script: Vec<Canned>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&requests);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let seen = Arc::clone(&seen);
            let script = script.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let mut length = 0;
                let mut headers = String::new();
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                        break;
                    }
                    headers.push_str(&header);
                    if let Some((name, value)) = header.split_once(':')
                        && name.eq_ignore_ascii_case("content-length")
                    {
                        length = value.trim().parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                let index = {
                    let mut seen = seen.lock().unwrap();
                    seen.push((line.trim_end().to_owned(), headers));
                    seen.len() - 1
                };
                let canned = &script[index.min(script.len() - 1)];
                std::thread::sleep(canned.delay);
                let _ = write!(
                    stream,
                    "HTTP/1.1 {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
                    canned.status,
                    canned.body.len(),
                    canned.body
                );
            });
        }
    });
    Server { url, requests }
}
