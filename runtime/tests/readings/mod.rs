//! Three versions of one record, shared by the serializer tests: v1, v2 (a field added
//! with a default, compatible both ways) and a broken one (a field's type changed).

#![allow(dead_code)] // Each test file uses its own part.

use avrokit::AvroMessage;

#[derive(AvroMessage, Debug, Clone, PartialEq)]
#[avro(schema_json = r#"{"type":"record","name":"Reading","namespace":"it.serde","fields":[
  {"name":"sensor","type":"string"},{"name":"value","type":"double"}]}"#)]
pub struct ReadingV1 {
    pub sensor: String,
    pub value: f64,
}

/// V1 plus a field with a default: BACKWARD (and FORWARD) compatible.
#[derive(AvroMessage, Debug, Clone, PartialEq)]
#[avro(schema_json = r#"{"type":"record","name":"Reading","namespace":"it.serde","fields":[
  {"name":"sensor","type":"string"},{"name":"value","type":"double"},
  {"name":"unit","type":"string","default":"C"}]}"#)]
pub struct ReadingV2 {
    pub sensor: String,
    pub value: f64,
    pub unit: String,
}

/// V1 with `sensor` an int: incompatible.
#[derive(AvroMessage, Debug, Clone, PartialEq)]
#[avro(schema_json = r#"{"type":"record","name":"Reading","namespace":"it.serde","fields":[
  {"name":"sensor","type":"int"},{"name":"value","type":"double"}]}"#)]
pub struct ReadingBroken {
    pub sensor: i32,
    pub value: f64,
}
