//! Token emitters: the encoder and decoder of one value of a schema.
//!
//! Generated code stays small by calling the runtime's codec functions (`avrokit::codec`)
//! and the trait methods of nested named types; only the control flow the schema fixes
//! (field order, union branch indexes) is written out.

use avrokit_schema::ir::{FixedLogical, Logical, NamedKind, Schema, SchemaSet};
use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

fn unit(logical: Logical) -> TokenStream {
    match logical {
        Logical::TimeMillis | Logical::TimestampMillis | Logical::LocalTimestampMillis => {
            quote!(::avrokit::codec::logical::Unit::Millis)
        }
        Logical::TimestampNanos | Logical::LocalTimestampNanos => quote!(::avrokit::codec::logical::Unit::Nanos),
        _ => quote!(::avrokit::codec::logical::Unit::Micros),
    }
}

/// Statements appending the encoding of `value` (an expression of type `&T`) to `buf`.
pub fn encode(set: &SchemaSet, schema: &Schema, value: &TokenStream) -> TokenStream {
    let c = quote!(::avrokit::codec);
    match schema {
        Schema::Null => quote!(let _ = #value;),
        Schema::Boolean => quote!(#c::write_bool(buf, *#value);),
        Schema::Int => quote!(#c::write_int(buf, *#value);),
        Schema::Long => quote!(#c::write_long(buf, *#value);),
        Schema::Float => quote!(#c::write_float(buf, *#value);),
        Schema::Double => quote!(#c::write_double(buf, *#value);),
        Schema::Bytes => quote!(#c::write_bytes(buf, #value);),
        Schema::String => quote!(#c::write_str(buf, #value);),
        Schema::Logical(logical) => {
            let name = logical.name();
            match logical {
                Logical::Decimal(d) => {
                    let (p, s) = (d.precision, d.scale);
                    quote!(#c::write_bytes(buf, &#c::logical::decimal_to_bytes(#value, #p, #s)?);)
                }
                Logical::Uuid => quote!(#c::logical::write_uuid_str(buf, #value);),
                Logical::Date => quote!(#c::write_int(buf, #c::logical::date_to_days(#value));),
                Logical::TimeMillis => {
                    let unit = unit(*logical);
                    quote!(#c::write_long(buf, #c::logical::time_to_units(#value, #unit, #name)?);)
                }
                Logical::TimeMicros => {
                    let unit = unit(*logical);
                    quote!(#c::write_long(buf, #c::logical::time_to_units(#value, #unit, #name)?);)
                }
                Logical::TimestampMillis | Logical::TimestampMicros | Logical::TimestampNanos => {
                    let unit = unit(*logical);
                    quote!(#c::write_long(buf, #c::logical::timestamp_to_units(#value, #unit, #name)?);)
                }
                _ => {
                    let unit = unit(*logical);
                    quote!(#c::write_long(buf, #c::logical::naive_to_units(#value, #unit, #name)?);)
                }
            }
        }
        Schema::Array(items) => {
            let item = encode(set, items, &quote!(item));
            quote!(#c::write_block(buf, #value.iter(), |buf, item| { #item Ok::<(), ::avrokit::EncodeError>(()) })?;)
        }
        Schema::Map(values) => {
            let entry = encode(set, values, &quote!(value));
            quote!(#c::write_block(buf, #value.iter(), |buf, (key, value)| {
                #c::write_str(buf, key);
                #entry
                Ok::<(), ::avrokit::EncodeError>(())
            })?;)
        }
        Schema::Union(_) => match schema.as_optional() {
            Some((inner, null_index)) => {
                let null = Literal::i64_unsuffixed(null_index as i64);
                let other = Literal::i64_unsuffixed(1 - null_index as i64);
                let inner = encode(set, inner, &quote!(value));
                quote!(match #value {
                    ::core::option::Option::None => #c::write_long(buf, #null),
                    ::core::option::Option::Some(value) => { #c::write_long(buf, #other); #inner }
                })
            }
            None => quote!(::avrokit::AvroMessage::encode_to(#value, buf)?;),
        },
        Schema::Named(id) => match &set.get(*id).kind {
            NamedKind::Fixed(fixed) => match fixed.logical {
                Some(FixedLogical::Uuid) => quote!(#c::write_fixed(buf, #value.as_bytes());),
                Some(FixedLogical::Duration) => quote!(#c::write_fixed(buf, &#value.to_le_bytes());),
                Some(FixedLogical::Decimal(d)) => {
                    let (p, s, size) = (d.precision, d.scale, fixed.size);
                    quote!(#c::write_fixed(buf, &#c::logical::decimal_to_fixed(#value, #p, #s, #size)?);)
                }
                None => quote!(::avrokit::AvroMessage::encode_to(#value, buf)?;),
            },
            _ => quote!(::avrokit::AvroMessage::encode_to(#value, buf)?;),
        },
    }
}

/// An expression decoding one value of `schema` from the reader `r`.
pub fn decode(set: &SchemaSet, schema: &Schema) -> TokenStream {
    let c = quote!(::avrokit::codec);
    match schema {
        Schema::Null => quote!(()),
        Schema::Boolean => quote!(r.read_bool()?),
        Schema::Int => quote!(r.read_int()?),
        Schema::Long => quote!(r.read_long()?),
        Schema::Float => quote!(r.read_float()?),
        Schema::Double => quote!(r.read_double()?),
        Schema::Bytes => quote!(#c::BytesRepr::decode(r)?),
        Schema::String => quote!(#c::StrRepr::decode(r)?),
        Schema::Logical(logical) => {
            let name = logical.name();
            let unit = unit(*logical);
            match logical {
                Logical::Decimal(d) => {
                    let s = d.scale;
                    quote!({ let o = r.position(); #c::logical::decimal_from_bytes(r.read_bytes()?, #s, o)? })
                }
                Logical::Uuid => quote!({ let o = r.position(); #c::logical::uuid_from_str(r.read_str()?, o)? }),
                Logical::Date => quote!({ let o = r.position(); #c::logical::date_from_days(r.read_int()?, o)? }),
                Logical::TimeMillis | Logical::TimeMicros => {
                    quote!({ let o = r.position(); #c::logical::time_from_units(r.read_long()?, #unit, o, #name)? })
                }
                Logical::TimestampMillis | Logical::TimestampMicros | Logical::TimestampNanos => {
                    quote!({ let o = r.position(); #c::logical::timestamp_from_units(r.read_long()?, #unit, o, #name)? })
                }
                _ => quote!({ let o = r.position(); #c::logical::naive_from_units(r.read_long()?, #unit, o, #name)? }),
            }
        }
        Schema::Array(items) => {
            let item = decode(set, items);
            quote!(#c::read_array(r, |r| ::core::result::Result::Ok(#item))?)
        }
        Schema::Map(values) => {
            let value = decode(set, values);
            quote!(#c::read_map(r, |r| ::core::result::Result::Ok(#value))?)
        }
        Schema::Union(_) => match schema.as_optional() {
            Some((inner, null_index)) => {
                let null = Literal::usize_unsuffixed(null_index);
                let inner = decode(set, inner);
                quote!(match r.read_union_index(2)? {
                    #null => ::core::option::Option::None,
                    _ => ::core::option::Option::Some(#inner),
                })
            }
            None => quote!(::avrokit::AvroMessage::decode_from(r)?),
        },
        Schema::Named(id) => match &set.get(*id).kind {
            NamedKind::Fixed(fixed) => match fixed.logical {
                Some(FixedLogical::Uuid) => quote!(::avrokit::uuid::Uuid::from_bytes(r.read_fixed::<16>()?)),
                Some(FixedLogical::Duration) => quote!(::avrokit::Duration::from_le_bytes(r.read_fixed::<12>()?)),
                Some(FixedLogical::Decimal(d)) => {
                    let (s, size) = (d.scale, Literal::usize_unsuffixed(fixed.size));
                    quote!({ let o = r.position(); #c::logical::decimal_from_bytes(&r.read_fixed::<#size>()?, #s, o)? })
                }
                None => quote!(::avrokit::AvroMessage::decode_from(r)?),
            },
            _ => quote!(::avrokit::AvroMessage::decode_from(r)?),
        },
    }
}

/// Statements decoding one value of `schema` from the reader `r` into `*place` (a `&mut`
/// binding), keeping what `*place` already owns: strings and bytes keep their buffers,
/// arrays their items, optional values and named types their contents. Maps and scalar
/// values are assigned afresh.
pub fn decode_in_place(set: &SchemaSet, schema: &Schema, place: &Ident) -> TokenStream {
    let c = quote!(::avrokit::codec);
    match schema {
        Schema::String => quote!(#c::StrRepr::decode_into(#place, r)?;),
        Schema::Bytes => quote!(#c::BytesRepr::decode_into(#place, r)?;),
        Schema::Array(items) => {
            let fresh = decode(set, items);
            let reuse = decode_in_place(set, items, place);
            quote!(#c::read_array_in_place(
                r,
                #place,
                |r| ::core::result::Result::Ok(#fresh),
                |r, #place| { #reuse ::core::result::Result::Ok(()) },
            )?;)
        }
        Schema::Union(_) => match schema.as_optional() {
            Some((inner, null_index)) => {
                let null = Literal::usize_unsuffixed(null_index);
                let fresh = decode(set, inner);
                let reuse = decode_in_place(set, inner, place);
                quote!(match r.read_union_index(2)? {
                    #null => *#place = ::core::option::Option::None,
                    _ => {
                        if let ::core::option::Option::Some(#place) = #place.as_mut() {
                            #reuse
                        } else {
                            *#place = ::core::option::Option::Some(#fresh);
                        }
                    }
                })
            }
            None => quote!(::avrokit::AvroMessage::decode_in_place(#place, r)?;),
        },
        Schema::Named(id) if !matches!(&set.get(*id).kind, NamedKind::Fixed(f) if f.logical.is_some()) => {
            quote!(::avrokit::AvroMessage::decode_in_place(#place, r)?;)
        }
        _ => {
            let fresh = decode(set, schema);
            quote!(*#place = #fresh;)
        }
    }
}
