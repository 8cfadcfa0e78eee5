//! Avro binary encoding: the primitives generated code calls (also for writing Avro by
//! hand) and a strict [`Reader`]. The logical-type conversions and the in-place array
//! decoder are there for the derive's generated code, hidden from these docs.

mod collections;
#[doc(hidden)]
pub mod logical;
mod read;
mod repr;
mod utf8;
mod write;

#[doc(hidden)]
pub use collections::{for_each_item, read_array_in_place};
pub use collections::{read_array, read_map};
pub use read::Reader;
pub use repr::AvroAdapter;
#[doc(hidden)]
pub use repr::{BytesRepr, StrRepr, adapted, adapter_repr};
pub use write::{
    write_block, write_bool, write_bytes, write_double, write_fixed, write_float, write_int, write_long, write_str,
};
