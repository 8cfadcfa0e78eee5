//! The Python side of the stack tests: the scripts under `tests/stack/` (confluent-kafka
//! and fastavro, each in the pinned virtualenv the script makes) run with `python3`, and
//! the hex in which frames cross between them and the tests.

use crate::stack_env::repo_root;
use std::io::Write;
use std::process::{Command, Stdio};

/// Runs `tests/stack/SCRIPT ARGS` with `env` added to the environment: its stdout,
/// trimmed, or a panic with both outputs.
pub fn run(script: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    run_with_input(script, args, env, "")
}

/// [`run`] with `stdin` as the script's input.
pub fn run_with_input(script: &str, args: &[&str], env: &[(&str, &str)], stdin: &str) -> String {
    let path = repo_root().join("tests/stack").join(script);
    let mut child = Command::new("python3")
        .arg(&path)
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("running python3 {}: {e}", path.display()));
    // From a thread of its own: a script that prints as it reads would otherwise block on
    // a full stdout pipe while this side still writes.
    let mut pipe = child.stdin.take().expect("stdin is piped");
    let input = stdin.to_owned();
    let writer = std::thread::spawn(move || pipe.write_all(input.as_bytes()));
    let output = child.wait_with_output().unwrap_or_else(|e| panic!("{script}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    println!("{script} {args:?}:\n{stdout}");
    assert!(
        output.status.success(),
        "{script} {args:?} failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    writer
        .join()
        .expect("the writer thread")
        .unwrap_or_else(|e| panic!("writing to {script}: {e}"));
    stdout
}

/// `bytes` as lowercase hex, as the scripts read frames.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The bytes of `text`, hex as the scripts print frames.
pub fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}
