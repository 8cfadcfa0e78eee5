//! Every derived type of `avro-schemas/` (the generated crate) and of the tricky corpus,
//! by Avro full name, with type-erased operations, so one test (or fuzz target) can run
//! over all of them.

use crate::corpus as tricky;
use avrokit::{AvroMessage, DecodeError, EncodeError, Schema, avro_json};
use avrokit_generated as seeds;

/// The operations of one type.
#[derive(Clone, Copy)]
pub struct TypeOps {
    /// The Avro full name.
    pub name: &'static str,
    /// The type's schema.
    pub schema: fn() -> &'static Schema,
    /// Decodes exactly one value and encodes it again.
    pub reencode: fn(&[u8]) -> Result<Vec<u8>, Failure>,
    /// Decodes bytes written with another schema of the type.
    pub reencode_with_writer: fn(&[u8], &Schema) -> Result<Vec<u8>, String>,
}

/// Why a round trip failed.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The bytes did not decode.
    Decode(DecodeError),
    /// The value did not encode.
    Encode(EncodeError),
}

fn reencode<T: AvroMessage>(bytes: &[u8]) -> Result<Vec<u8>, Failure> {
    let value = T::from_avro(bytes).map_err(Failure::Decode)?;
    value.to_avro().map_err(Failure::Encode)
}

fn reencode_with_writer<T: AvroMessage>(bytes: &[u8], writer: &Schema) -> Result<Vec<u8>, String> {
    let value = T::from_avro_with_writer(bytes, writer).map_err(|e| e.to_string())?;
    value.to_avro().map_err(|e| e.to_string())
}

/// The JSON encoding of bytes of the type named `name`.
pub fn to_json(ops: &TypeOps, bytes: &[u8]) -> Result<serde_json::Value, DecodeError> {
    avro_json::to_json((ops.schema)(), bytes)
}

macro_rules! registry {
    ($($ty:ty),* $(,)?) => {
        /// Every registered type.
        pub fn all() -> Vec<TypeOps> {
            vec![$(TypeOps {
                name: match <$ty as AvroMessage>::FULL_NAME { Some(name) => name, None => "" },
                schema: <$ty as AvroMessage>::schema,
                reencode: reencode::<$ty>,
                reencode_with_writer: reencode_with_writer::<$ty>,
            }),*]
        }
    };
}

registry! {
    seeds::astro::beam::CommandAcknowledgment,
    seeds::astro::beam::TelescopeCommand,
    seeds::astro::beam::TelescopeData,
    seeds::astro::beam::TelescopeStatus,
    seeds::cosmic::horizons::ElementMetrics,
    seeds::cosmic::horizons::ElementTelemetry,
    seeds::iot::hub::CleanTelemetryEvent,
    seeds::iot::hub::DeadLetter,
    seeds::iot::hub::TelemetryEvent,
    seeds::smart::access::AccessEvent,
    seeds::smart::access::DeviceHealth,
    tricky::Rootless,
    tricky::tricky::cross::UsesLater,
    tricky::tricky::cross::Zed,
    tricky::tricky::defaults::Defaults,
    tricky::tricky::defaults::Point,
    tricky::tricky::logical::AllLogical,
    tricky::tricky::names::Type,
    tricky::tricky::ns::Outer,
    tricky::tricky::ns::Inner,
    tricky::tricky::ns::a::Thing,
    tricky::tricky::ns::b::Thing,
    tricky::tricky::props::Failure,
    tricky::tricky::recursion::Add,
    tricky::tricky::recursion::Expr,
    tricky::tricky::recursion::ListNode,
    tricky::tricky::recursion::Literal,
    tricky::tricky::recursion::Negate,
    tricky::tricky::recursion::Ping,
    tricky::tricky::recursion::Pong,
    tricky::tricky::recursion::Tree,
    tricky::tricky::shadow::String,
    tricky::tricky::unions::Circle,
    tricky::tricky::unions::Drawing,
    tricky::tricky::unions::Square,
}

/// The registered type with this full name.
pub fn lookup(name: &str) -> Option<TypeOps> {
    all().into_iter().find(|ops| ops.name == name)
}
