//! Look at and craft Avro data with the generated codecs, like avro-tools' `tojson` and
//! `fromjson` (run through `cargo xtask avro`):
//!
//! ```text
//! avro tojson   --type astro.beam.TelescopeData [--writer old.avsc] < datum.bin > datum.json
//! avro fromjson --type astro.beam.TelescopeData < datum.json > datum.bin
//! ```
//!
//! A datum is one value in Avro binary, as a Kafka message body holds it after the
//! 5-byte Confluent header. Bytes pass through the type's generated codec, so `tojson`
//! also validates them; `--writer` reads data written with another version of the schema.

use avrokit::{Registered, Schema, avro_json};
use std::io::{Read, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<(), String> {
    let usage = "usage: avro (tojson | fromjson) --type FULL.NAME [--writer WRITER.avsc]";
    let command = args.first().ok_or(usage)?.as_str();
    let option = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1));
    let type_name = option("--type").ok_or(usage)?;
    let entry = Registered::find(avrokit_generated::REGISTRY, type_name).ok_or_else(|| {
        let known: Vec<&str> = avrokit_generated::REGISTRY.iter().map(|r| r.full_name).collect();
        format!("no generated type `{type_name}`; known: {}", known.join(", "))
    })?;
    let mut input = Vec::new();
    std::io::stdin()
        .read_to_end(&mut input)
        .map_err(|e| format!("cannot read stdin: {e}"))?;
    match command {
        "tojson" => {
            let canonical = match option("--writer") {
                Some(path) => {
                    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
                    let writer = Schema::parse(&text).map_err(|e| e.to_string())?;
                    (entry.reencode_with_writer)(&input, &writer)
                }
                None => (entry.reencode)(&input),
            }
            .map_err(|e| format!("not a valid `{type_name}`: {e}"))?;
            let json = avro_json::to_json((entry.schema)(), &canonical).map_err(|e| e.to_string())?;
            let text = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?;
            println!("{text}");
            Ok(())
        }
        "fromjson" => {
            let json: serde_json::Value =
                serde_json::from_slice(&input).map_err(|e| format!("stdin is not JSON: {e}"))?;
            let bytes = avro_json::from_json((entry.schema)(), &json).map_err(|e| e.to_string())?;
            check(entry, &bytes)?;
            std::io::stdout()
                .write_all(&bytes)
                .map_err(|e| format!("cannot write stdout: {e}"))
        }
        _ => Err(usage.into()),
    }
}

/// The generated codec must accept what the JSON became (it checks what JSON cannot, such
/// as logical-type ranges).
fn check(entry: &Registered, bytes: &[u8]) -> Result<(), String> {
    (entry.reencode)(bytes)
        .map(drop)
        .map_err(|e| format!("the generated codec rejects the value: {e}"))
}
