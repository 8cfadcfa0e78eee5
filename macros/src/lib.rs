//! `#[derive(AvroMessage)]` for avrokit (use it through the `avrokit` crate, which
//! re-exports it).
//!
//! The derive reads the type's Avro schema at compile time, through the same loader and
//! IR as `avrokit-codegen`, and emits a direct binary codec: no `Value`, no serde, no
//! schema walk at run time. When the Rust type and the schema disagree (a missing or extra
//! field, a type mismatch, wrong enum symbols or union branches) compilation fails with an
//! error at the offending field saying what the schema expects.
//!
//! Its one public item is [`macro@AvroMessage`], documented there.

#![deny(missing_docs)]

mod attrs;
mod cache;
mod check;
mod codec;
mod expand;
mod schemas;

use proc_macro::TokenStream;

/// Derives `avrokit::AvroMessage` from the type's Avro schema: a direct binary codec
/// checked against the schema at compile time.
///
/// ```ignore
/// #[derive(avrokit::AvroMessage)]
/// #[avro(schema = "avro-schemas/astro-beam/telescope-data.avsc")]
/// struct TelescopeData { /* the schema's fields */ }
/// ```
///
/// Records derive on structs, Avro enums and unions on enums (one variant per branch,
/// a unit variant for `null`), fixed on `struct X(pub [u8; N])`.
///
/// Container attributes (one of `schema`, `schema_json`, or `schema_dir` with `name` is
/// required):
/// - `schema = "path.avsc"`: the schema file, relative to the crate's manifest directory;
///   named types it refers to are looked up in the `.avsc` files of its directory (and
///   below), or of `schema_dir`;
/// - `schema_json = "..."`: the schema written inline;
/// - `schema_dir = "dir"`: where referenced types are defined;
/// - `name = "full.Name"`: which named type of `schema_dir` this is (instead of `schema`).
///
/// Field and variant attribute: `#[avro(rename = "wireName")]` when the Rust name is not
/// the idiomatic form of the Avro name.
///
/// Field attribute: `#[avro(repr = "i64")]` when the field's type is a user type standing
/// for the schema's value through `avrokit::AvroAdapter`: the derive checks `repr`
/// against the schema, and the adapter's `Repr` must be exactly `repr` (a compile error
/// at the field otherwise).
///
/// Besides the natural Rust types, `string` values may be `Box<str>` or `Arc<str>` and
/// `bytes` values `bytes::Bytes` (shared with the frame by `from_avro_bytes`).
///
/// When the Rust type and the schema disagree (a missing or extra field, a type mismatch,
/// wrong enum symbols or union branches) compilation fails at the offending field, saying
/// what the schema expects.
#[proc_macro_derive(AvroMessage, attributes(avro))]
pub fn derive_avro_message(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
