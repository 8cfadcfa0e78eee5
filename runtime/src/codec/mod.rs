//! Avro binary encoding: the primitives generated code calls, a strict [`Reader`], and
//! the logical-type conversions.

mod collections;
pub mod logical;
mod read;
mod utf8;
mod write;

pub use collections::{for_each_item, read_array, read_array_in_place, read_map};
pub use read::Reader;
pub use write::{
    write_block, write_bool, write_bytes, write_double, write_fixed, write_float, write_int, write_long, write_str,
};
