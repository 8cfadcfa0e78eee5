//! The Avro JSON encoding, driven by a schema at run time: binary → JSON and JSON →
//! binary, as `avro-tools tojson` / `fromjson` do. For looking at data and crafting it by
//! hand; generated types use their direct binary codecs.
//!
//! Per the specification: unions are `null` or `{"<branch type name>": value}`, bytes and
//! fixed are strings whose code points 0-255 are the bytes, enums are their symbols, and
//! logical types appear as their underlying type.

use crate::codec::{self, Reader};
use crate::error::DecodeError;
use crate::schema::Schema;
use avrokit_schema::ir::{self, Logical, NamedKind, SchemaSet};
use serde_json::{Map, Number, Value};

/// Why JSON could not be written as Avro.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at {path}: expected {expected}, found {found}")]
#[non_exhaustive]
pub struct JsonError {
    /// Where in the JSON value (`/field/0/...`).
    pub path: String,
    /// What the schema wanted there.
    pub expected: String,
    /// What the JSON held.
    pub found: String,
}

/// The JSON encoding of the one value of `schema` in `bytes`.
pub fn to_json(schema: &Schema, bytes: &[u8]) -> Result<Value, DecodeError> {
    let mut reader = Reader::new(bytes);
    let value = read(schema.types(), schema.root(), &mut reader)?;
    reader.finish()?;
    Ok(value)
}

/// The binary encoding of `json`, a value of `schema` in the Avro JSON encoding.
pub fn from_json(schema: &Schema, json: &Value) -> Result<Vec<u8>, JsonError> {
    let mut out = Vec::new();
    write(schema.types(), schema.root(), json, "", &mut out)?;
    Ok(out)
}

/// The name a union uses for a branch in the JSON encoding.
fn branch_name(set: &SchemaSet, schema: &ir::Schema) -> String {
    match schema {
        ir::Schema::Named(id) => set.get(*id).name.to_string(),
        ir::Schema::Array(_) => "array".into(),
        ir::Schema::Map(_) => "map".into(),
        ir::Schema::Logical(Logical::Decimal(_)) => "bytes".into(),
        ir::Schema::Logical(logical) => branch_name(set, &logical.base()),
        other => set.describe(other),
    }
}

fn bytes_to_string(bytes: &[u8]) -> Value {
    Value::String(bytes.iter().map(|b| char::from(*b)).collect())
}

fn float(f: f64) -> Value {
    Number::from_f64(f).map_or_else(|| Value::String(f.to_string()), Value::Number)
}

pub(crate) fn read(set: &SchemaSet, schema: &ir::Schema, r: &mut Reader<'_>) -> Result<Value, DecodeError> {
    Ok(match schema {
        ir::Schema::Null => Value::Null,
        ir::Schema::Boolean => Value::Bool(r.read_bool()?),
        ir::Schema::Int => Value::from(r.read_int()?),
        ir::Schema::Long => Value::from(r.read_long()?),
        ir::Schema::Float => float(f64::from(r.read_float()?)),
        ir::Schema::Double => float(r.read_double()?),
        ir::Schema::Bytes => bytes_to_string(r.read_bytes()?),
        ir::Schema::String => Value::String(r.read_str()?.to_owned()),
        ir::Schema::Logical(Logical::Decimal(_)) => bytes_to_string(r.read_bytes()?),
        ir::Schema::Logical(logical) => read(set, &logical.base(), r)?,
        ir::Schema::Array(items) => Value::Array(codec::read_array(r, |r| read(set, items, r))?),
        ir::Schema::Map(values) => {
            Value::Object(codec::read_map::<_, Map<String, Value>>(r, |r| read(set, values, r))?)
        }
        ir::Schema::Union(branches) => {
            let index = r.read_union_index(branches.len())?;
            match &branches[index] {
                ir::Schema::Null => Value::Null,
                branch => {
                    let mut object = Map::new();
                    object.insert(branch_name(set, branch), read(set, branch, r)?);
                    Value::Object(object)
                }
            }
        }
        ir::Schema::Named(id) => match &set.get(*id).kind {
            NamedKind::Fixed(fixed) => {
                let start = r.position();
                r.skip_fixed(fixed.size)?;
                bytes_to_string(r.consumed_since(start))
            }
            NamedKind::Enum(e) => Value::String(e.symbols[r.read_enum_index(e.symbols.len())?].clone()),
            NamedKind::Record(record) => {
                r.descend()?;
                let mut object = Map::new();
                for field in &record.fields {
                    object.insert(field.name.clone(), read(set, &field.schema, r)?);
                }
                r.ascend();
                Value::Object(object)
            }
        },
    })
}

fn kind(json: &Value) -> String {
    match json {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format!("the number {n}"),
        Value::String(_) => "a string".into(),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

fn write(set: &SchemaSet, schema: &ir::Schema, json: &Value, path: &str, out: &mut Vec<u8>) -> Result<(), JsonError> {
    let error = |expected: &str| JsonError {
        path: if path.is_empty() { "/".into() } else { path.to_owned() },
        expected: expected.to_owned(),
        found: kind(json),
    };
    match (schema, json) {
        (ir::Schema::Null, Value::Null) => {}
        (ir::Schema::Boolean, Value::Bool(b)) => codec::write_bool(out, *b),
        (ir::Schema::Int, Value::Number(n)) => {
            let n = n
                .as_i64()
                .and_then(|n| i32::try_from(n).ok())
                .ok_or_else(|| error("an int"))?;
            codec::write_int(out, n);
        }
        (ir::Schema::Long, Value::Number(n)) => codec::write_long(out, n.as_i64().ok_or_else(|| error("a long"))?),
        (ir::Schema::Float, Value::Number(n)) => {
            codec::write_float(out, n.as_f64().ok_or_else(|| error("a float"))? as f32)
        }
        (ir::Schema::Double, Value::Number(n)) => {
            codec::write_double(out, n.as_f64().ok_or_else(|| error("a double"))?)
        }
        (ir::Schema::Bytes | ir::Schema::Logical(Logical::Decimal(_)), Value::String(s)) => {
            codec::write_bytes(
                out,
                &string_bytes(s).ok_or_else(|| error("a string of characters \\u0000-\\u00ff"))?,
            );
        }
        (ir::Schema::String, Value::String(s)) => codec::write_str(out, s),
        (ir::Schema::Logical(logical), _) => write(set, &logical.base(), json, path, out)?,
        (ir::Schema::Array(items), Value::Array(values)) => {
            codec::write_block(out, values.iter().enumerate(), |out, (i, v)| {
                write(set, items, v, &format!("{path}/{i}"), out)
            })?;
        }
        (ir::Schema::Map(values), Value::Object(entries)) => {
            codec::write_block(out, entries.iter(), |out, (k, v)| {
                codec::write_str(out, k);
                write(set, values, v, &format!("{path}/{k}"), out)
            })?;
        }
        (ir::Schema::Union(branches), Value::Null) => {
            let index = branches
                .iter()
                .position(|b| *b == ir::Schema::Null)
                .ok_or_else(|| error("a union branch object"))?;
            codec::write_long(out, index as i64);
        }
        (ir::Schema::Union(branches), Value::Object(object)) if object.len() == 1 => {
            let (name, value) = object.iter().next().ok_or_else(|| error("a union branch object"))?;
            let index = branches
                .iter()
                .position(|b| branch_name(set, b) == *name)
                .ok_or_else(|| {
                    error(&format!(
                        "one of the branches {:?}",
                        branches.iter().map(|b| branch_name(set, b)).collect::<Vec<_>>()
                    ))
                })?;
            codec::write_long(out, index as i64);
            write(set, &branches[index], value, &format!("{path}/{name}"), out)?;
        }
        (ir::Schema::Named(id), _) => {
            let named = set.get(*id);
            match (&named.kind, json) {
                (NamedKind::Fixed(fixed), Value::String(s)) => {
                    let bytes = string_bytes(s).filter(|b| b.len() == fixed.size);
                    codec::write_fixed(
                        out,
                        &bytes.ok_or_else(|| error(&format!("a string of {} bytes", fixed.size)))?,
                    );
                }
                (NamedKind::Enum(e), Value::String(s)) => {
                    let index = e
                        .symbols
                        .iter()
                        .position(|x| x == s)
                        .ok_or_else(|| error(&format!("one of {}", e.symbols.join(", "))))?;
                    codec::write_long(out, index as i64);
                }
                (NamedKind::Record(record), Value::Object(object)) => {
                    for field in &record.fields {
                        let field_path = format!("{path}/{}", field.name);
                        match object.get(&field.name) {
                            Some(value) => write(set, &field.schema, value, &field_path, out)?,
                            None => {
                                return Err(JsonError {
                                    path: field_path,
                                    expected: set.describe(&field.schema),
                                    found: "nothing".into(),
                                });
                            }
                        }
                    }
                }
                _ => return Err(error(&format!("a value of `{}`", named.name))),
            }
        }
        _ => return Err(error(&set.describe(schema))),
    }
    Ok(())
}

fn string_bytes(s: &str) -> Option<Vec<u8>> {
    s.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_and_binary_round_trip() {
        let schema = Schema::parse(
            r#"{"type":"record","name":"R","fields":[
                {"name":"a","type":["null","long"]},
                {"name":"b","type":{"type":"array","items":{"type":"enum","name":"E","symbols":["X","Y"]}}},
                {"name":"c","type":"bytes"},
                {"name":"d","type":{"type":"map","values":"double"}}]}"#,
        )
        .unwrap();
        let value = json!({"a": {"long": 5}, "b": ["Y", "X"], "c": "\u{00ff}a", "d": {"k": 1.5}});
        let bytes = from_json(&schema, &value).unwrap();
        assert_eq!(to_json(&schema, &bytes).unwrap(), value);
        let bad = from_json(&schema, &json!({"a": 5, "b": [], "c": "", "d": {}})).unwrap_err();
        assert_eq!(bad.path, "/a");
    }
}
