//! `cargo xtask bench compat`: pair checks of the compatibility engine on 20-field schemas
//! against apache-avro 0.22's `SchemaCompatibility::can_read` on the same pairs.
//!
//! apache-avro stops at the first problem and reports no location; avrokit walks the whole
//! pair and builds every incompatibility with its JSON pointer, file and line. Schemas are
//! parsed once, outside the timed loop, on both sides. Each group `compat/<pair>` has the
//! functions `avrokit` and `apache-avro`; the bench prints the ratio at the end too.

use apache_avro::schema_compatibility::SchemaCompatibility;
use avrokit_codegen::compat;
use avrokit_codegen::ir::SchemaSet;
use avrokit_codegen::source::SourceFile;
use avrokit_codegen::{LoadOptions, load_files};
use criterion::Criterion;
use std::hint::black_box;
use std::time::Instant;

/// The 20 fields of the old schema: every kind of type the rules treat differently.
const OLD_FIELDS: [&str; 20] = [
    r#"{"name":"id","type":"string"}"#,
    r#"{"name":"seq","type":"int"}"#,
    r#"{"name":"count","type":"long"}"#,
    r#"{"name":"ratio","type":"float"}"#,
    r#"{"name":"value","type":"double"}"#,
    r#"{"name":"payload","type":"bytes"}"#,
    r#"{"name":"ok","type":"boolean"}"#,
    r#"{"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}}"#,
    r#"{"name":"day","type":{"type":"int","logicalType":"date"}}"#,
    r#"{"name":"state","type":{"type":"enum","name":"State","symbols":["A","B","C","D"]}}"#,
    r#"{"name":"hash","type":{"type":"fixed","name":"Hash","size":16}}"#,
    r#"{"name":"note","type":["null","string"],"default":null}"#,
    r#"{"name":"tags","type":{"type":"array","items":"string"},"default":[]}"#,
    r#"{"name":"attrs","type":{"type":"map","values":"long"},"default":{}}"#,
    r#"{"name":"pos","type":{"type":"record","name":"Pos","fields":[{"name":"x","type":"double"},{"name":"y","type":"double"}]}}"#,
    r#"{"name":"prev","type":["null","Pos"],"default":null}"#,
    r#"{"name":"choice","type":["null","int","string"],"default":null}"#,
    r#"{"name":"owner","type":"string"}"#,
    r#"{"name":"level","type":"int","default":0}"#,
    r#"{"name":"checked","type":"State"}"#,
];

fn record(fields: &[&str]) -> String {
    format!(
        r#"{{"type":"record","name":"Event","namespace":"bench","fields":[{}]}}"#,
        fields.join(",")
    )
}

/// The pairs: (name, old, new).
fn pairs() -> Vec<(&'static str, String, String)> {
    let old = record(&OLD_FIELDS);
    // Compatible evolution: promotions, a new defaulted field, a new union branch, an enum symbol.
    let mut evolved = OLD_FIELDS.to_vec();
    evolved[1] = r#"{"name":"seq","type":"long"}"#;
    evolved[3] = r#"{"name":"ratio","type":"double"}"#;
    evolved[9] = r#"{"name":"state","type":{"type":"enum","name":"State","symbols":["A","B","C","D","E"]}}"#;
    evolved[16] = r#"{"name":"choice","type":["null","int","string","bytes"],"default":null}"#;
    evolved.push(r#"{"name":"extra","type":"string","default":""}"#);
    // Incompatible in four places.
    let mut broken = OLD_FIELDS.to_vec();
    broken[0] = r#"{"name":"id","type":"int"}"#;
    broken[9] = r#"{"name":"state","type":{"type":"enum","name":"State","symbols":["A","B"]}}"#;
    broken[10] = r#"{"name":"hash","type":{"type":"fixed","name":"Hash","size":32}}"#;
    broken.push(r#"{"name":"extra","type":"string"}"#);
    vec![
        ("identical", old.clone(), old.clone()),
        ("compatible evolution", old.clone(), record(&evolved)),
        ("four incompatibilities", old, record(&broken)),
    ]
}

struct Pair {
    name: &'static str,
    ours: (SchemaSet, SchemaSet),
    theirs: (apache_avro::Schema, apache_avro::Schema),
}

fn prepare() -> Vec<Pair> {
    let load = |path: &str, text: &str| load_files(vec![SourceFile::new(path, text)], &LoadOptions::default()).unwrap();
    pairs()
        .into_iter()
        .map(|(name, old, new)| {
            let pair = Pair {
                name,
                ours: (load("old.avsc", &old), load("new.avsc", &new)),
                theirs: (
                    apache_avro::Schema::parse_str(&old).unwrap(),
                    apache_avro::Schema::parse_str(&new).unwrap(),
                ),
            };
            // Both say the same before anything is timed (BACKWARD: new reads old).
            let ours = avrokit(&pair).is_compatible();
            let theirs = apache(&pair);
            assert_eq!(ours, theirs, "{name}: avrokit and apache-avro disagree");
            pair
        })
        .collect()
}

fn avrokit(pair: &Pair) -> compat::Report {
    let (old, new) = &pair.ours;
    compat::can_read((new, &new.roots[0]), (old, &old.roots[0]))
}

fn apache(pair: &Pair) -> bool {
    let (old, new) = &pair.theirs;
    SchemaCompatibility::can_read(old, new).is_ok()
}

fn bench(c: &mut Criterion, pairs: &[Pair]) {
    for pair in pairs {
        let mut group = c.benchmark_group(format!("compat/{}", pair.name));
        group.bench_function("avrokit", |b| b.iter(|| black_box(avrokit(black_box(pair)))));
        group.bench_function("apache-avro", |b| b.iter(|| black_box(apache(black_box(pair)))));
        group.finish();
    }
}

/// Nanoseconds per call, over enough calls to take about 0.2 s.
fn time(mut f: impl FnMut()) -> f64 {
    let mut n = 1_000u32;
    loop {
        let start = Instant::now();
        for _ in 0..n {
            f();
        }
        let elapsed = start.elapsed();
        if elapsed.as_millis() >= 200 {
            return elapsed.as_nanos() as f64 / f64::from(n);
        }
        n *= 4;
    }
}

fn main() {
    let pairs = prepare();
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion, &pairs);
    criterion.final_summary();
    println!("\ncompat pair checks, 20-field schemas (avrokit collects every incompatibility with its location):");
    for pair in &pairs {
        let ours = time(|| {
            black_box(avrokit(black_box(pair)));
        });
        let theirs = time(|| {
            black_box(apache(black_box(pair)));
        });
        println!(
            "  {:<24} avrokit {:>8.0} ns   apache-avro {:>8.0} ns   apache-avro/avrokit {:.2}x ({} incompatibilities found)",
            pair.name,
            ours,
            theirs,
            theirs / ours,
            avrokit(pair).incompatibilities.len()
        );
    }
}
