//! Derived codecs: round trips of generated types, known bytes, and resolution between
//! schema versions.

use avrokit::AvroMessage;
use avrokit::DecodeErrorKind;
use avrokit::chrono::DateTime;
use avrokit_generated::astro::beam::{TelescopeCommand, TelescopeData};
use avrokit_tests::corpus::tricky::{defaults, recursion, unions};
use std::collections::BTreeMap;

fn round_trip<T: AvroMessage + PartialEq + std::fmt::Debug>(value: &T) -> Vec<u8> {
    let bytes = value.to_avro().expect("encodes");
    let back = T::from_avro(&bytes).unwrap_or_else(|e| panic!("decodes: {e}"));
    assert_eq!(&back, value);
    bytes
}

#[test]
fn telescope_data_has_the_bytes_the_spec_prescribes() {
    let data = TelescopeData {
        data_id: "d1".into(),
        observation_id: "o".into(),
        sequence_number: -1,
        timestamp: DateTime::from_timestamp_millis(1).unwrap(),
        data: vec![0xab],
        processed: true,
        processing_pipeline_version: Some("v".into()),
    };
    let bytes = round_trip(&data);
    assert_eq!(
        bytes,
        [
            0x04, b'd', b'1', // data_id
            0x02, b'o', // observation_id
            0x01, // sequence_number -1
            0x02, // timestamp 1 ms
            0x02, 0xab, // data
            0x01, // processed
            0x02, 0x02, b'v', // union branch 1, "v"
        ]
    );
}

/// A whole record followed by more bytes is refused where the record ends, and a cut
/// record by the decoder's own error (not as trailing bytes), from a slice and from
/// `Bytes` alike.
#[test]
fn from_avro_wants_exactly_one_record() {
    let whole = TelescopeData {
        data_id: "d1".into(),
        observation_id: "o".into(),
        sequence_number: 7,
        timestamp: DateTime::from_timestamp_millis(1_714_564_800_000).unwrap(),
        data: vec![0xab; 100],
        processed: false,
        processing_pipeline_version: None,
    }
    .to_avro()
    .expect("encodes");
    let mut longer = whole.clone();
    longer.push(0x00);
    let cut = &whole[..whole.len() - 1];
    type Decoder = fn(&[u8]) -> Result<TelescopeData, avrokit::DecodeError>;
    let decoders: [Decoder; 2] = [TelescopeData::from_avro, |bytes| {
        TelescopeData::from_avro_bytes(&avrokit::bytes::Bytes::copy_from_slice(bytes))
    }];
    for decode in decoders {
        assert!(decode(&whole).is_ok());
        let trailing = decode(&longer).expect_err("a byte too many");
        assert!(
            matches!(trailing.kind(), DecodeErrorKind::TrailingBytes { offset, remaining: 1 } if *offset == whole.len()),
            "{trailing}"
        );
        let truncated = decode(cut).expect_err("without its union branch");
        assert!(
            matches!(truncated.kind(), DecodeErrorKind::Truncated { .. }),
            "{truncated}"
        );
    }
}

#[test]
fn tricky_types_round_trip() {
    round_trip(&defaults::Defaults::default());
    round_trip(&unions::Drawing {
        shape: unions::DrawingShape::Square(unions::Square { side: 2.5 }),
        null_last: Some("x".into()),
        many: unions::DrawingMany::Array(vec![1, -2, 3]),
        shapes: vec![unions::DrawingShapesItem::Circle(unions::Circle { radius: 1.0 })],
        tagged: BTreeMap::from([
            ("a".into(), unions::DrawingTaggedValue::Int(5)),
            ("b".into(), unions::DrawingTaggedValue::Null),
        ]),
        only: unions::DrawingOnly::Int(7),
        nested: unions::DrawingNested::Array(vec![unions::DrawingNestedArrayItem::String("s".into())]),
    });
    round_trip(&recursion::ListNode {
        value: 1,
        next: Some(Box::new(recursion::ListNode { value: 2, next: None })),
    });
}

#[test]
fn fingerprints_and_schemas_are_carried() {
    assert_eq!(TelescopeData::FULL_NAME, Some("astro.beam.TelescopeData"));
    assert_eq!(TelescopeData::schema().fingerprint(), TelescopeData::fingerprint());
    assert_eq!(
        TelescopeData::fingerprint(),
        avrokit::Schema::parse(TelescopeData::schema_json())
            .unwrap()
            .fingerprint(),
        "the assembled schema is self-contained"
    );
    assert!(
        TelescopeData::schema_json().contains("\"default\":false"),
        "the authored schema keeps defaults"
    );
}

#[test]
fn old_commands_without_priority_read_with_the_default() {
    // TelescopeCommand as its first version wrote it (no `priority`).
    let v1 = avrokit::Schema::parse(
        r#"{"type":"record","name":"TelescopeCommand","namespace":"astro.beam","fields":[
            {"name":"command_id","type":"string"},{"name":"telescope_id","type":"string"},
            {"name":"command_type","type":"string"},
            {"name":"parameters","type":{"type":"map","values":"string"},"default":{}},
            {"name":"issued_by","type":["null","string"],"default":null},
            {"name":"timestamp","type":{"type":"long","logicalType":"timestamp-millis"}}]}"#,
    )
    .unwrap();
    let command = TelescopeCommand {
        command_id: "cmd-001".into(),
        telescope_id: "t1".into(),
        command_type: "start_observation".into(),
        parameters: BTreeMap::from([("ra".into(), "10.5".into())]),
        issued_by: None,
        timestamp: DateTime::from_timestamp_millis(1_700_000_000_000).unwrap(),
        priority: 7,
    };
    let mut v1_bytes = command.to_avro().unwrap();
    // v1 data is v2 data without the trailing priority (zigzag 7 = 0x0e).
    assert_eq!(v1_bytes.pop(), Some(0x0e));
    let read = TelescopeCommand::from_avro_with_writer(&v1_bytes, &v1).unwrap();
    assert_eq!(read, TelescopeCommand { priority: 0, ..command });
}
