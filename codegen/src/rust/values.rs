//! Default values → Rust expressions, for the `Default` impls of records.
//!
//! Logical-type defaults become `const { ... }` blocks over chrono's and uuid's const
//! constructors, so they cost nothing at run time and a value chrono cannot represent
//! (checked here first) could never turn into a panic.

use super::graph::Node;
use super::idents::ident;
use super::plan::{Segment, Site};
use super::types::{TypeCx, child};
use crate::ir::{FixedLogical, Logical, NamedKind, Schema, Value};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// chrono represents years -262143 to 262142; these bounds stay inside that range.
const MAX_DAYS_FROM_CE: i64 = 95_000_000;
const MAX_MILLIS: i64 = 8_200_000_000_000_000;
const MAX_MICROS: i64 = 8_200_000_000_000_000_000;
const DAYS_FROM_CE_TO_EPOCH: i64 = 719_163;

/// The error of [`TypeCx::value_expr`] for a value of a record with user-typed fields:
/// schema defaults are values of the natural types, so no literal of it is written and
/// the record holding the default gets no `Default` impl.
pub(super) const ADAPTED_RECORD: &str = "a record with user-typed fields has no literal";

impl TypeCx<'_> {
    /// The expression for `value` as a value of `schema` at `site`.
    pub fn value_expr(&self, schema: &Schema, value: &Value, site: &Site, boxed: bool) -> Result<TokenStream, String> {
        let expr = match (schema, value) {
            (Schema::Null, _) => quote!(()),
            (Schema::Boolean, Value::Boolean(b)) => quote!(#b),
            (Schema::Int, Value::Int(n)) => int(i128::from(*n)),
            (Schema::Long, Value::Long(n)) => int(i128::from(*n)),
            (Schema::Float, Value::Float(f)) => float(f64::from(*f), "f32"),
            (Schema::Double, Value::Double(f)) => float(*f, "f64"),
            (Schema::Bytes, Value::Bytes(bytes)) => {
                let vec = byte_vec(bytes);
                match self.plan.config.bytes() {
                    Some(ty) => quote!(#ty::from(#vec)),
                    None => vec,
                }
            }
            (Schema::String, Value::String(s)) => {
                let string = self.prelude("String");
                if self.plan.config.plain_string() {
                    quote!(#string::from(#s))
                } else {
                    let ty = self.plan.config.string(string, self.prelude("Box"));
                    quote!(<#ty>::from(#s))
                }
            }
            (Schema::Logical(logical), value) => logical_value(*logical, value)?,
            (Schema::Array(items), Value::Array(values)) => {
                let site = child(site, Segment::Item);
                let values = values
                    .iter()
                    .map(|v| self.value_expr(items, v, &site, false))
                    .collect::<Result<Vec<_>, _>>()?;
                quote!(::std::vec![#(#values),*])
            }
            (Schema::Map(_), Value::Map(entries)) if entries.is_empty() => {
                quote!(::std::collections::BTreeMap::new())
            }
            (Schema::Map(values_schema), Value::Map(entries)) => {
                let site = child(site, Segment::Value);
                let string = self.prelude("String");
                let entries = entries
                    .iter()
                    .map(|(k, v)| {
                        let v = self.value_expr(values_schema, v, &site, false)?;
                        Ok(quote!((#string::from(#k), #v)))
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                quote!(::std::collections::BTreeMap::from([#(#entries),*]))
            }
            (Schema::Union(branches), Value::Union(index, inner)) => {
                return self.union_value(schema, branches, *index, inner, site, boxed);
            }
            (Schema::Named(id), value) => {
                let named = self.plan.set.get(*id);
                let plan = &self.plan.types[id.0];
                let path = self.path(&plan.module, &plan.ident);
                match (&named.kind, value) {
                    (NamedKind::Enum(_), Value::Enum(i)) => {
                        let variant = ident(&plan.variants[*i]);
                        quote!(#path::#variant)
                    }
                    (NamedKind::Fixed(fixed), Value::Fixed(bytes)) => match fixed.logical {
                        Some(FixedLogical::Decimal(d)) => decimal(bytes, d.scale)?,
                        Some(FixedLogical::Uuid) => uuid_from_bytes(bytes),
                        Some(FixedLogical::Duration) => {
                            let part =
                                |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
                            let (m, d, ms) = (part(0), part(4), part(8));
                            quote!(::avrokit::Duration::new(#m, #d, #ms))
                        }
                        None => {
                            let bytes = bytes.iter().map(|b| Literal::u8_unsuffixed(*b));
                            quote!(#path([#(#bytes),*]))
                        }
                    },
                    (NamedKind::Record(_), Value::Record(_)) if self.is_adapted(*id) => {
                        return Err(ADAPTED_RECORD.to_owned());
                    }
                    (NamedKind::Record(record), Value::Record(values)) => {
                        let fields = record.fields.iter().zip(values).enumerate().map(|(i, (field, v))| {
                            let name = ident(&plan.fields[i]);
                            let boxed = self.analysis.boxed.contains(&(Node::Record(*id), i));
                            let v = self.value_expr(&field.schema, v, &(*id, i, Vec::new()), boxed)?;
                            Ok(quote!(#name: #v))
                        });
                        let fields = fields.collect::<Result<Vec<_>, String>>()?;
                        quote!(#path { #(#fields),* })
                    }
                    _ => return Err(format!("default does not fit `{}`", named.name)),
                }
            }
            _ => return Err(format!("default does not fit `{}`", self.plan.set.describe(schema))),
        };
        Ok(self.box_value(expr, boxed))
    }

    fn union_value(
        &self,
        schema: &Schema,
        branches: &[Schema],
        index: usize,
        inner: &Value,
        site: &Site,
        boxed: bool,
    ) -> Result<TokenStream, String> {
        let branch = &branches[index];
        if schema.as_optional().is_some() {
            if *branch == Schema::Null {
                return Ok(self.prelude("None"));
            }
            let some = self.prelude("Some");
            let value = self.value_expr(branch, inner, site, boxed)?;
            return Ok(quote!(#some(#value)));
        }
        let union_index = self.plan.union_at[site];
        let union = &self.plan.unions[union_index];
        let path = self.path(&union.module, &union.ident);
        let variant = ident(&union.variants[index]);
        let expr = if *branch == Schema::Null {
            quote!(#path::#variant)
        } else {
            let branch_boxed = self.analysis.boxed.contains(&(Node::Union(union_index), index));
            let value = self.value_expr(branch, inner, &child(site, Segment::Branch(index)), branch_boxed)?;
            quote!(#path::#variant(#value))
        };
        Ok(self.box_value(expr, boxed))
    }

    fn box_value(&self, expr: TokenStream, boxed: bool) -> TokenStream {
        if boxed {
            let b = self.prelude("Box");
            quote!(#b::new(#expr))
        } else {
            expr
        }
    }
}

fn int(n: i128) -> TokenStream {
    let literal = Literal::u128_unsuffixed(n.unsigned_abs());
    if n < 0 { quote!(-#literal) } else { quote!(#literal) }
}

fn float(f: f64, ty: &str) -> TokenStream {
    let ty = ident(ty);
    if f.is_nan() {
        quote!(#ty::NAN)
    } else if f.is_infinite() {
        if f > 0.0 {
            quote!(#ty::INFINITY)
        } else {
            quote!(#ty::NEG_INFINITY)
        }
    } else {
        let literal = Literal::f64_unsuffixed(f.abs());
        if f.is_sign_negative() {
            quote!(-#literal)
        } else {
            quote!(#literal)
        }
    }
}

fn byte_vec(bytes: &[u8]) -> TokenStream {
    let bytes = bytes.iter().map(|b| Literal::u8_unsuffixed(*b));
    quote!(::std::vec![#(#bytes),*])
}

fn logical_value(logical: Logical, value: &Value) -> Result<TokenStream, String> {
    let chrono = quote!(::avrokit::chrono);
    let out_of_range = || {
        format!(
            "default is outside the range of `{}` that chrono represents (years -262143 to 262142)",
            logical.name()
        )
    };
    Ok(match (logical, value) {
        (Logical::Decimal(d), Value::Bytes(bytes)) => decimal(bytes, d.scale)?,
        (Logical::Uuid, Value::String(text)) => {
            let hex: String = text.chars().filter(|c| *c != '-').collect();
            let n = u128::from_str_radix(&hex, 16).map_err(|_| format!("`{text}` is not a UUID"))?;
            uuid_literal(n)
        }
        (Logical::Date, Value::Int(days)) => {
            let from_ce = i64::from(*days) + DAYS_FROM_CE_TO_EPOCH;
            if from_ce.abs() > MAX_DAYS_FROM_CE {
                return Err(out_of_range());
            }
            let from_ce = int(i128::from(from_ce));
            quote!(const { #chrono::NaiveDate::from_num_days_from_ce_opt(#from_ce).unwrap() })
        }
        (Logical::TimeMillis, Value::Int(ms)) => time_of_day(i64::from(*ms) * 1_000_000),
        (Logical::TimeMicros, Value::Long(us)) => time_of_day(us * 1_000),
        (Logical::TimestampMillis | Logical::LocalTimestampMillis, Value::Long(ms)) => {
            if ms.abs() > MAX_MILLIS {
                return Err(out_of_range());
            }
            let ms = int(i128::from(*ms));
            naive_if_local(logical, quote!(#chrono::DateTime::from_timestamp_millis(#ms).unwrap()))
        }
        (Logical::TimestampMicros | Logical::LocalTimestampMicros, Value::Long(us)) => {
            if us.abs() > MAX_MICROS {
                return Err(out_of_range());
            }
            let us = int(i128::from(*us));
            naive_if_local(logical, quote!(#chrono::DateTime::from_timestamp_micros(#us).unwrap()))
        }
        (Logical::TimestampNanos | Logical::LocalTimestampNanos, Value::Long(ns)) => {
            let ns = int(i128::from(*ns));
            naive_if_local(logical, quote!(#chrono::DateTime::from_timestamp_nanos(#ns)))
        }
        _ => return Err(format!("default does not fit `{}`", logical.name())),
    })
}

fn naive_if_local(logical: Logical, datetime: TokenStream) -> TokenStream {
    match logical {
        Logical::LocalTimestampMillis | Logical::LocalTimestampMicros | Logical::LocalTimestampNanos => {
            quote!(const { #datetime.naive_utc() })
        }
        _ => quote!(const { #datetime }),
    }
}

fn time_of_day(nanos: i64) -> TokenStream {
    let secs = Literal::u32_unsuffixed(u32::try_from(nanos / 1_000_000_000).unwrap_or(0));
    let nano = Literal::u32_unsuffixed(u32::try_from(nanos % 1_000_000_000).unwrap_or(0));
    quote!(const { ::avrokit::chrono::NaiveTime::from_num_seconds_from_midnight_opt(#secs, #nano).unwrap() })
}

fn uuid_literal(n: u128) -> TokenStream {
    let literal: TokenStream = format!("0x{n:032x}").parse().expect("a hex literal");
    quote!(::avrokit::uuid::Uuid::from_u128(#literal))
}

fn uuid_from_bytes(bytes: &[u8]) -> TokenStream {
    let n = bytes.iter().fold(0u128, |acc, b| (acc << 8) | u128::from(*b));
    uuid_literal(n)
}

/// A decimal from its unscaled two's-complement big-endian bytes, as `Decimal::from_parts`
/// (a const constructor) with the mantissa split into three 32-bit words.
fn decimal(bytes: &[u8], scale: u32) -> Result<TokenStream, String> {
    let negative = bytes.first().is_some_and(|b| b & 0x80 != 0);
    let significant: Vec<u8> = {
        let sign_byte = if negative { 0xff } else { 0x00 };
        let skip = bytes
            .iter()
            .take_while(|b| **b == sign_byte)
            .count()
            .min(bytes.len().saturating_sub(1));
        bytes[skip..].to_vec()
    };
    if significant.len() > 16 {
        return Err("decimal default does not fit 128 bits".into());
    }
    let mut unscaled: i128 = if negative { -1 } else { 0 };
    for b in &significant {
        unscaled = (unscaled << 8) | i128::from(*b);
    }
    let magnitude = unscaled.unsigned_abs();
    if magnitude >> 96 != 0 {
        return Err("decimal default has more than 28 digits".into());
    }
    let lo = Literal::u32_unsuffixed(magnitude as u32);
    let mid = Literal::u32_unsuffixed((magnitude >> 32) as u32);
    let hi = Literal::u32_unsuffixed((magnitude >> 64) as u32);
    let scale = Literal::u32_unsuffixed(scale);
    Ok(quote!(::avrokit::rust_decimal::Decimal::from_parts(#lo, #mid, #hi, #negative, #scale)))
}
