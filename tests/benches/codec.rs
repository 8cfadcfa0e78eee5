//! `cargo xtask bench codec`: encode and decode speed of the derived codecs against
//! apache-avro 0.22's two paths, on three records of `avro-schemas/`, plus the cost of
//! schema resolution.
//!
//! Every benchmark sits in a group `codec/<Record>/<encode|decode>` whose throughput is one
//! record and its encoded size, so criterion reports records/s and MB/s; `cargo xtask bench
//! codec` reads the estimates back and prints the ratios. Before anything is timed, each
//! record is checked to have the same bytes on every path (apache-avro's encodings equal
//! avrokit's, and every decoder gives back the record), so all paths do the same work.
//! `avrokit in place` is the exception, measured beside them: it decodes every record into
//! one value (`set_from_avro`), whose strings and buffers the next record reuses.
//!
//! apache-avro reads and writes serde mirrors of the generated types (below): timestamps as
//! the `i64` of the wire, bytes through `apache_avro::serde::bytes`, enums as unit variants
//! named after the symbols. Its schemas are parsed from the same `.avsc` text
//! (`schema_json()`).
//!
//! A `TelescopeData` codec written by hand without any Avro library is measured too
//! (`codec/hand_written.rs`): the level a specialised codec reaches, for comparison.

#![allow(deprecated)] // apache-avro 0.22 deprecates `to_avro_datum`/`from_avro_datum`, the `Value` path most code uses.

use apache_avro::reader::datum::GenericDatumReader;
use apache_avro::writer::datum::GenericDatumWriter;
use avrokit::AvroMessage;
use avrokit::chrono::DateTime;
use avrokit_generated::astro::beam::{TelescopeCommand, TelescopeData, TelescopeState, TelescopeStatus};
use avrokit_generated::cosmic::horizons::{ElementMetrics, ElementTelemetry, RouteType};
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main, measurement::WallTime};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::fmt::Debug;
use std::hint::black_box;

#[path = "codec/hand_written.rs"]
mod hand_written;

/// serde mirrors of the generated types, in the shape apache-avro's serde support expects.
mod mirror {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct TelescopeData {
        pub data_id: String,
        pub observation_id: String,
        pub sequence_number: i32,
        pub timestamp: i64,
        #[serde(with = "apache_avro::serde::bytes")]
        pub data: Vec<u8>,
        pub processed: bool,
        pub processing_pipeline_version: Option<String>,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
    #[allow(clippy::upper_case_acronyms)]
    pub enum TelescopeState {
        UNKNOWN,
        IDLE,
        SLEWING,
        TRACKING,
        OBSERVING,
        PARKED,
        MAINTENANCE,
        FAULT,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct TelescopeStatus {
        pub telescope_id: String,
        pub state: TelescopeState,
        pub right_ascension_deg: Option<f64>,
        pub declination_deg: Option<f64>,
        pub current_observation_id: Option<String>,
        pub message: Option<String>,
        pub timestamp: i64,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
    #[allow(non_camel_case_types)]
    pub enum RouteType {
        node_to_hub,
        hub_to_hub,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[allow(non_snake_case)]
    pub struct ElementMetrics {
        pub vibration: f64,
        pub powerUsage: f64,
        pub noiseFloor: f64,
        pub rfiLevel: f64,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[allow(non_snake_case)]
    pub struct ElementTelemetry {
        pub sourceId: String,
        pub targetId: String,
        pub routeType: RouteType,
        pub elementId: String,
        pub siteId: String,
        pub timestamp: i64,
        pub metrics: ElementMetrics,
        #[serde(with = "apache_avro::serde::bytes_opt")]
        pub data_chunk: Option<Vec<u8>>,
    }
}

const TIMESTAMP_MS: i64 = 1_700_000_000_123;

fn timestamp() -> DateTime<avrokit::chrono::Utc> {
    DateTime::from_timestamp_millis(TIMESTAMP_MS).expect("a valid instant")
}

/// A chunk of observation data with a 1 KiB payload.
fn telescope_data() -> (TelescopeData, mirror::TelescopeData) {
    let payload: Vec<u8> = (0..1024u32).map(|i| (i.wrapping_mul(31) % 251) as u8).collect();
    let ours = TelescopeData {
        data_id: "data-obs-2024-001-000042".into(),
        observation_id: "obs-2024-001".into(),
        sequence_number: 42,
        timestamp: timestamp(),
        data: payload.clone(),
        processed: true,
        processing_pipeline_version: Some("pipeline-1.4.2".into()),
    };
    let theirs = mirror::TelescopeData {
        data_id: ours.data_id.clone(),
        observation_id: ours.observation_id.clone(),
        sequence_number: ours.sequence_number,
        timestamp: TIMESTAMP_MS,
        data: payload,
        processed: ours.processed,
        processing_pipeline_version: ours.processing_pipeline_version.clone(),
    };
    (ours, theirs)
}

/// A status update of a tracking telescope.
fn telescope_status() -> (TelescopeStatus, mirror::TelescopeStatus) {
    let ours = TelescopeStatus {
        telescope_id: "telescope-03".into(),
        state: TelescopeState::Tracking,
        right_ascension_deg: Some(83.633_08),
        declination_deg: Some(22.014_5),
        current_observation_id: Some("obs-2024-001".into()),
        message: None,
        timestamp: timestamp(),
    };
    let theirs = mirror::TelescopeStatus {
        telescope_id: ours.telescope_id.clone(),
        state: mirror::TelescopeState::TRACKING,
        right_ascension_deg: ours.right_ascension_deg,
        declination_deg: ours.declination_deg,
        current_observation_id: ours.current_observation_id.clone(),
        message: None,
        timestamp: TIMESTAMP_MS,
    };
    (ours, theirs)
}

/// A telemetry packet of an array element, with a small raw data chunk.
fn element_telemetry() -> (ElementTelemetry, mirror::ElementTelemetry) {
    let chunk: Vec<u8> = (0..64u8).collect();
    let ours = ElementTelemetry {
        source_id: "element-2-017".into(),
        target_id: "site-2".into(),
        route_type: RouteType::NodeToHub,
        element_id: "element-017".into(),
        site_id: "site-2".into(),
        timestamp: timestamp(),
        metrics: ElementMetrics {
            vibration: 0.0123,
            power_usage: 152.5,
            noise_floor: -97.25,
            rfi_level: -71.5,
        },
        data_chunk: Some(chunk.clone()),
    };
    let theirs = mirror::ElementTelemetry {
        sourceId: ours.source_id.clone(),
        targetId: ours.target_id.clone(),
        routeType: mirror::RouteType::node_to_hub,
        elementId: ours.element_id.clone(),
        siteId: ours.site_id.clone(),
        timestamp: TIMESTAMP_MS,
        metrics: mirror::ElementMetrics {
            vibration: ours.metrics.vibration,
            powerUsage: ours.metrics.power_usage,
            noiseFloor: ours.metrics.noise_floor,
            rfiLevel: ours.metrics.rfi_level,
        },
        data_chunk: Some(chunk),
    };
    (ours, theirs)
}

/// Names of the compared paths, as they appear in criterion's ids (and so in
/// `target/criterion/`); `cargo xtask bench codec` looks them up by these names.
const AVROKIT: &str = "avrokit";
/// avrokit decoding into one value kept across iterations, as a loop over a stream does.
const AVROKIT_IN_PLACE: &str = "avrokit in place";
const VALUE_PATH: &str = "apache-avro Value";
const SERDE_PATH: &str = "apache-avro serde";
const HAND_WRITTEN: &str = "hand-written";
/// avrokit decoding `Box<str>`/`bytes::Bytes` types from a shared frame.
const AVROKIT_SHARED: &str = "avrokit Bytes shared";

fn group<'a>(c: &'a mut Criterion, record: &str, op: &str, encoded_len: usize) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(format!("codec/{record}/{op}"));
    group.throughput(Throughput::ElementsAndBytes {
        elements: 1,
        bytes: encoded_len as u64,
    });
    group
}

/// Checks that every path writes and reads the same bytes, then times them.
fn compare<T, M>(c: &mut Criterion, record: &str, ours: &T, theirs: &M)
where
    T: AvroMessage + PartialEq + Debug,
    M: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let schema = apache_avro::Schema::parse_str(T::schema_json()).expect("apache-avro parses the schema");
    let datum_writer = GenericDatumWriter::builder(&schema).build().expect("a datum writer");
    let datum_reader = GenericDatumReader::builder(&schema).build().expect("a datum reader");

    // The same bytes on every path, checked once, outside the timed loops.
    let bytes = ours.to_avro().expect("avrokit encodes");
    let value_bytes =
        apache_avro::to_avro_datum(&schema, apache_avro::to_value(theirs).expect("to_value")).expect("to_avro_datum");
    assert_eq!(
        value_bytes, bytes,
        "{record}: apache-avro's Value path writes other bytes than avrokit"
    );
    let serde_bytes = datum_writer.write_ser_to_vec(theirs).expect("write_ser");
    assert_eq!(
        serde_bytes, bytes,
        "{record}: apache-avro's serde path writes other bytes than avrokit"
    );
    assert_eq!(&T::from_avro(&bytes).expect("avrokit decodes"), ours);
    let value = apache_avro::from_avro_datum(&schema, &mut &bytes[..], None).expect("from_avro_datum");
    assert_eq!(&apache_avro::from_value::<M>(&value).expect("from_value"), theirs);
    assert_eq!(
        &datum_reader.read_deser::<M>(&mut &bytes[..]).expect("read_deser"),
        theirs
    );

    let mut g = group(c, record, "encode", bytes.len());
    let mut buf = Vec::with_capacity(bytes.len());
    g.bench_function(AVROKIT, |b| {
        b.iter(|| {
            buf.clear();
            black_box(ours).encode_to(&mut buf).expect("encodes");
            black_box(buf.len())
        })
    });
    g.bench_function(VALUE_PATH, |b| {
        b.iter(|| {
            let value = apache_avro::to_value(black_box(theirs)).expect("to_value");
            apache_avro::to_avro_datum(&schema, value).expect("encodes")
        })
    });
    let mut buf = Vec::with_capacity(bytes.len());
    g.bench_function(SERDE_PATH, |b| {
        b.iter(|| {
            buf.clear();
            datum_writer.write_ser(&mut buf, black_box(theirs)).expect("encodes");
            black_box(buf.len())
        })
    });
    g.finish();

    let mut g = group(c, record, "decode", bytes.len());
    g.bench_function(AVROKIT, |b| {
        b.iter(|| T::from_avro(black_box(&bytes)).expect("decodes"))
    });
    let mut reused = T::from_avro(&bytes).expect("decodes");
    g.bench_function(AVROKIT_IN_PLACE, |b| {
        b.iter(|| {
            reused.set_from_avro(black_box(&bytes)).expect("decodes");
            black_box(&reused);
        })
    });
    g.bench_function(VALUE_PATH, |b| {
        b.iter(|| {
            let value = apache_avro::from_avro_datum(&schema, &mut black_box(&bytes[..]), None).expect("decodes");
            apache_avro::from_value::<M>(&value).expect("from_value")
        })
    });
    g.bench_function(SERDE_PATH, |b| {
        b.iter(|| {
            datum_reader
                .read_deser::<M>(&mut black_box(&bytes[..]))
                .expect("decodes")
        })
    });
    g.finish();
}

/// The allocating decode of the same record generated with `string` as `Box<str>` and
/// `bytes` as `bytes::Bytes`, from a frame held as `Bytes` (`from_avro_bytes`: the bytes
/// fields share the frame), in the decode group of `compare`.
fn shared_bytes<S: AvroMessage + Debug>(c: &mut Criterion, record: &str, bytes: &[u8]) {
    let frame = avrokit::bytes::Bytes::copy_from_slice(bytes);
    let decoded = S::from_avro_bytes(&frame).expect("decodes");
    assert_eq!(
        decoded.to_avro().expect("encodes"),
        bytes,
        "{record}: Bytes types write other bytes"
    );
    let mut g = group(c, record, "decode", bytes.len());
    g.bench_function(AVROKIT_SHARED, |b| {
        b.iter(|| S::from_avro_bytes(black_box(&frame)).expect("decodes"))
    });
    g.finish();
}

/// The hand-written `TelescopeData` codec, in the groups of `compare`, checked to agree
/// with avrokit first.
fn hand_written(c: &mut Criterion, data: &TelescopeData) {
    let bytes = data.to_avro().expect("avrokit encodes");
    let mut buf = Vec::with_capacity(bytes.len());
    hand_written::encode(data, &mut buf);
    assert_eq!(buf, bytes, "the hand-written encoder writes other bytes than avrokit");
    assert_eq!(hand_written::decode(&bytes).as_ref(), Some(data));

    let mut g = group(c, "TelescopeData", "encode", bytes.len());
    g.bench_function(HAND_WRITTEN, |b| {
        b.iter(|| {
            buf.clear();
            hand_written::encode(black_box(data), &mut buf);
            black_box(buf.len())
        })
    });
    g.finish();
    let mut g = group(c, "TelescopeData", "decode", bytes.len());
    g.bench_function(HAND_WRITTEN, |b| {
        b.iter(|| hand_written::decode(black_box(&bytes)).expect("decodes"))
    });
    g.finish();
}

fn records(c: &mut Criterion) {
    let (ours, theirs) = telescope_data();
    compare(c, "TelescopeData", &ours, &theirs);
    shared_bytes::<avrokit_tests::seed_box_str_bytes::astro::beam::TelescopeData>(
        c,
        "TelescopeData",
        &ours.to_avro().expect("encodes"),
    );
    hand_written(c, &ours);
    let (ours, theirs) = telescope_status();
    compare(c, "TelescopeStatus", &ours, &theirs);
    let (ours, theirs) = element_telemetry();
    compare(c, "ElementTelemetry", &ours, &theirs);
    shared_bytes::<avrokit_tests::seed_box_str_bytes::cosmic::horizons::ElementTelemetry>(
        c,
        "ElementTelemetry",
        &ours.to_avro().expect("encodes"),
    );
}

/// TelescopeCommand as its first version wrote it, before `priority` was added.
const TELESCOPE_COMMAND_V1: &str = r#"{"type":"record","name":"TelescopeCommand","namespace":"astro.beam","fields":[
    {"name":"command_id","type":"string"},{"name":"telescope_id","type":"string"},
    {"name":"command_type","type":"string"},
    {"name":"parameters","type":{"type":"map","values":"string"},"default":{}},
    {"name":"issued_by","type":["null","string"],"default":null},
    {"name":"timestamp","type":{"type":"long","logicalType":"timestamp-millis"}}]}"#;

/// Decoding through a resolution plan (v1 writer, current reader) against decoding data
/// written with the reader's own schema.
fn resolution(c: &mut Criterion) {
    let v1 = avrokit::Schema::parse(TELESCOPE_COMMAND_V1).expect("v1 parses");
    let command = TelescopeCommand {
        command_id: "cmd-2024-000123".into(),
        telescope_id: "telescope-03".into(),
        command_type: "start_observation".into(),
        parameters: BTreeMap::from([
            ("dec".into(), "22.0145".into()),
            ("exposure_s".into(), "30".into()),
            ("ra".into(), "83.63308".into()),
        ]),
        issued_by: Some("operator-7".into()),
        timestamp: timestamp(),
        priority: 0,
    };
    let current = command.to_avro().expect("encodes");
    // v1 data is current data without the trailing priority (0 is the single byte 0x00).
    let mut old = current.clone();
    assert_eq!(old.pop(), Some(0x00));
    assert_eq!(
        TelescopeCommand::from_avro_with_writer(&old, &v1).expect("resolves"),
        command
    );
    assert_eq!(TelescopeCommand::from_avro(&current).expect("decodes"), command);

    let mut g = group(c, "TelescopeCommand", "decode", current.len());
    g.bench_function("avrokit same schema", |b| {
        b.iter(|| TelescopeCommand::from_avro(black_box(&current)).expect("decodes"))
    });
    g.throughput(Throughput::ElementsAndBytes {
        elements: 1,
        bytes: old.len() as u64,
    });
    g.bench_function("avrokit resolved from v1", |b| {
        b.iter(|| TelescopeCommand::from_avro_with_writer(black_box(&old), &v1).expect("resolves"))
    });
    g.finish();
}

criterion_group!(benches, records, resolution);
criterion_main!(benches);
