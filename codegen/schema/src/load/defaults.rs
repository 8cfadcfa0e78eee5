//! Pass three: check every field default against its type and store it typed.
//!
//! Runs after every named type is known, because a default may be a record or enum value
//! of a type defined in another file.

use super::names::suggest;
use crate::ir::{Logical, NamedKind, NamedType, Schema, TypeId, Value, describe_schema};
use crate::json::{Json, JsonKind};
use crate::source::Span;
use std::collections::{BTreeMap, HashMap};

/// Why a default does not fit its type.
#[derive(Debug)]
pub(super) struct DefaultError {
    pub span: Span,
    pub message: String,
    pub hint: Option<String>,
}

impl DefaultError {
    fn new(span: Span, message: impl Into<String>) -> Self {
        Self {
            span,
            message: message.into(),
            hint: None,
        }
    }

    fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// Checks defaults against the converted types. `raw` holds every field's default JSON,
/// so that a record default may leave out fields that have defaults of their own.
pub(super) struct DefaultChecker<'a> {
    pub types: &'a [NamedType],
    pub raw: HashMap<(TypeId, usize), &'a Json>,
}

/// Record defaults may nest through fields' own defaults; real schemas stay shallow, and a
/// bound keeps a pathological schema from recursing without end.
const MAX_DEPTH: usize = 64;

impl DefaultChecker<'_> {
    fn describe(&self, schema: &Schema) -> String {
        describe_schema(schema, &|id| self.types[id.0].name.to_string())
    }

    /// The typed value of `json` as a default of `schema`.
    pub fn value(&self, schema: &Schema, json: &Json) -> Result<Value, DefaultError> {
        self.check(schema, json, 0)
    }

    /// A default of the wrong shape for `schema`; `expected` says what would fit. The
    /// hint names the likely fix for the common slips (null for a required value, a
    /// quoted number, an int that needs a long), else what to write.
    fn mismatch(&self, schema: &Schema, json: &Json, expected: &str) -> DefaultError {
        let described = self.describe(schema);
        let hint = match (&json.kind, schema) {
            (JsonKind::Null, _) => format!(
                r#"to make the value optional, write its type as ["null", {}] with "default": null"#,
                quoted_schema(&described)
            ),
            (JsonKind::String(text), Schema::Int | Schema::Long | Schema::Float | Schema::Double)
                if crate::json::parse(text).is_ok_and(|v| v.as_f64().is_some()) =>
            {
                format!("write the number without quotes: {text}")
            }
            (JsonKind::String(text), Schema::Boolean) if matches!(text.as_str(), "true" | "false") => {
                format!("write the boolean without quotes: {text}")
            }
            (JsonKind::Number(_), Schema::Int) if integer(json).is_some_and(|n| i64::try_from(n).is_ok()) => {
                "the value does not fit in an `int` (32 bits); make the type `long`, or change the default".to_owned()
            }
            _ => format!("write {expected}"),
        };
        DefaultError::new(
            json.span,
            format!("default {} does not match type `{described}`", json_excerpt(json)),
        )
        .hint(hint)
    }

    fn check(&self, schema: &Schema, json: &Json, depth: usize) -> Result<Value, DefaultError> {
        if depth > MAX_DEPTH {
            return Err(
                DefaultError::new(json.span, format!("default nests deeper than {MAX_DEPTH} levels"))
                    .hint("give the nested record fields their own defaults instead of spelling them out here"),
            );
        }
        match schema {
            Schema::Null => match json.kind {
                JsonKind::Null => Ok(Value::Null),
                _ => Err(self.mismatch(schema, json, "null")),
            },
            Schema::Boolean => match json.kind {
                JsonKind::Bool(b) => Ok(Value::Boolean(b)),
                _ => Err(self.mismatch(schema, json, "true or false")),
            },
            Schema::Int => integer(json)
                .and_then(|n| i32::try_from(n).ok())
                .map(Value::Int)
                .ok_or_else(|| self.mismatch(schema, json, "an integer from -2147483648 to 2147483647")),
            Schema::Long => integer(json)
                .and_then(|n| i64::try_from(n).ok())
                .map(Value::Long)
                .ok_or_else(|| self.mismatch(schema, json, "an integer that fits in 64 bits")),
            Schema::Float => floating(json)
                .map(|f| Value::Float(f as f32))
                .ok_or_else(|| self.mismatch(schema, json, "a number")),
            Schema::Double => floating(json)
                .map(Value::Double)
                .ok_or_else(|| self.mismatch(schema, json, "a number")),
            Schema::Bytes => self.bytes(schema, json, None).map(Value::Bytes),
            Schema::String => json
                .as_str()
                .map(|s| Value::String(s.to_owned()))
                .ok_or_else(|| self.mismatch(schema, json, "a string")),
            Schema::Logical(logical) => self.logical(*logical, schema, json, depth),
            Schema::Array(items) => match &json.kind {
                JsonKind::Array(values) => values
                    .iter()
                    .map(|v| self.check(items, v, depth + 1))
                    .collect::<Result<_, _>>()
                    .map(Value::Array),
                _ => Err(self.mismatch(schema, json, "a JSON array")),
            },
            Schema::Map(values) => match &json.kind {
                JsonKind::Object(members) => members
                    .iter()
                    .map(|m| Ok((m.key.clone(), self.check(values, &m.value, depth + 1)?)))
                    .collect::<Result<BTreeMap<_, _>, _>>()
                    .map(Value::Map),
                _ => Err(self.mismatch(schema, json, "a JSON object")),
            },
            Schema::Union(branches) => self.union(branches, json, depth),
            Schema::Named(id) => self.named(*id, schema, json, depth),
        }
    }

    fn logical(&self, logical: Logical, schema: &Schema, json: &Json, depth: usize) -> Result<Value, DefaultError> {
        let value = self.check(&logical.base(), json, depth).map_err(|_| {
            let expected = match logical.base() {
                Schema::Int => "an int (days or milliseconds, per the logical type)",
                Schema::Long => "a long (the logical type's count since the epoch or midnight)",
                Schema::Bytes => "a bytes string holding the unscaled two's-complement value",
                _ => "a string",
            };
            self.mismatch(schema, json, expected)
        })?;
        match (logical, &value) {
            (Logical::Uuid, Value::String(text)) if !is_uuid(text) => Err(DefaultError::new(
                json.span,
                format!("default \"{text}\" is not a UUID"),
            )
            .hint("write it as 8-4-4-4-12 hexadecimal digits, e.g. \"123e4567-e89b-12d3-a456-426614174000\"")),
            (Logical::TimeMillis, Value::Int(ms)) if !(0..86_400_000).contains(ms) => Err(DefaultError::new(
                json.span,
                format!("default {ms} is not a time of day in milliseconds"),
            )
            .hint("`time-millis` counts milliseconds since midnight: write a value from 0 to 86399999 (23:59:59.999)")),
            (Logical::TimeMicros, Value::Long(us)) if !(0..86_400_000_000).contains(us) => Err(DefaultError::new(
                json.span,
                format!("default {us} is not a time of day in microseconds"),
            )
            .hint(
                "`time-micros` counts microseconds since midnight: write a value from 0 to 86399999999 (23:59:59.999999)",
            )),
            _ => Ok(value),
        }
    }

    fn bytes(&self, schema: &Schema, json: &Json, size: Option<usize>) -> Result<Vec<u8>, DefaultError> {
        let Some(text) = json.as_str() else {
            return Err(self.mismatch(schema, json, "a string whose characters \\u0000-\\u00ff are the bytes"));
        };
        if let Some((position, wide)) = text.chars().enumerate().find(|(_, c)| u32::from(*c) > 0xff) {
            return Err(DefaultError::new(
                json.span,
                format!(
                    "character {} of the default, `{wide}` (U+{:04X}), is not a byte",
                    position + 1,
                    u32::from(wide)
                ),
            )
            .hint("a bytes default is a string with one character \\u0000 to \\u00ff per byte; write each byte as a \\u00XX escape"));
        }
        let bytes: Vec<u8> = text.chars().filter_map(|c| u8::try_from(u32::from(c)).ok()).collect();
        match size {
            Some(size) if bytes.len() != size => Err(DefaultError::new(
                json.span,
                format!(
                    "default has {} bytes but the fixed `{}` has size {size}",
                    bytes.len(),
                    self.describe(schema)
                ),
            )
            .hint(format!(
                "write exactly {size} characters \\u0000 to \\u00ff, one per byte"
            ))),
            _ => Ok(bytes),
        }
    }

    fn union(&self, branches: &[Schema], json: &Json, depth: usize) -> Result<Value, DefaultError> {
        let Some(first) = branches.first() else {
            let mut error = DefaultError::new(
                json.span,
                format!(
                    "default {} for an empty union, which holds no value",
                    json_excerpt(json)
                ),
            );
            error.hint = Some("remove the default, or give the union a branch the default matches".to_owned());
            return Err(error);
        };
        match self.check(first, json, depth + 1) {
            Ok(value) => Ok(Value::Union(0, Box::new(value))),
            Err(first_error) => {
                let matching = branches.iter().skip(1).find(|b| self.check(b, json, depth + 1).is_ok());
                let mut error = DefaultError::new(
                    json.span,
                    format!(
                        "default {} does not match the union's first branch `{}`",
                        json_excerpt(json),
                        self.describe(first)
                    ),
                );
                error.hint = Some(match matching {
                    Some(branch) => format!(
                        "a union's default must match its first branch; move `{}` to the front of the union, or change the default",
                        self.describe(branch)
                    ),
                    None => first_error.hint.unwrap_or(first_error.message),
                });
                Err(error)
            }
        }
    }

    fn named(&self, id: TypeId, schema: &Schema, json: &Json, depth: usize) -> Result<Value, DefaultError> {
        let named = &self.types[id.0];
        match &named.kind {
            NamedKind::Enum(e) => {
                let Some(symbol) = json.as_str() else {
                    return Err(self.mismatch(schema, json, "a symbol string"));
                };
                e.symbols
                    .iter()
                    .position(|s| s == symbol)
                    .map(Value::Enum)
                    .ok_or_else(|| {
                        let hint = match suggest(symbol, e.symbols.iter().map(String::as_str)) {
                            Some(close) => format!("did you mean `{close}`?"),
                            None => format!("the symbols are: {}", e.symbols.join(", ")),
                        };
                        DefaultError::new(
                            json.span,
                            format!("`{symbol}` is not a symbol of enum `{}`", named.name),
                        )
                        .hint(hint)
                    })
            }
            NamedKind::Fixed(f) => self.bytes(schema, json, Some(f.size)).map(Value::Fixed),
            NamedKind::Record(record) => {
                let JsonKind::Object(members) = &json.kind else {
                    return Err(self.mismatch(schema, json, "a JSON object with the record's fields"));
                };
                if let Some(extra) = members.iter().find(|m| !record.fields.iter().any(|f| f.name == m.key)) {
                    let names = record.fields.iter().map(|f| f.name.as_str());
                    let hint = match suggest(&extra.key, names) {
                        Some(close) => format!("did you mean `{close}`?"),
                        None => format!(
                            "its fields are: {}",
                            record
                                .fields
                                .iter()
                                .map(|f| f.name.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    return Err(DefaultError::new(
                        extra.key_span,
                        format!("record `{}` has no field `{}`", named.name, extra.key),
                    )
                    .hint(hint));
                }
                let mut values = Vec::with_capacity(record.fields.len());
                for (index, field) in record.fields.iter().enumerate() {
                    let value = match members.iter().find(|m| m.key == field.name) {
                        Some(member) => self.check(&field.schema, &member.value, depth + 1)?,
                        None => match self.raw.get(&(id, index)) {
                            Some(own) => self.check(&field.schema, own, depth + 1).map_err(|_| {
                                DefaultError::new(
                                    json.span,
                                    format!("field `{}` is missing and its own default is invalid", field.name),
                                )
                                .hint(format!("give `{}` a value here, or fix its own default", field.name))
                            })?,
                            None => {
                                return Err(DefaultError::new(
                                    json.span,
                                    format!(
                                        "default for record `{}` lacks field `{}`, which has no default",
                                        named.name, field.name
                                    ),
                                )
                                .hint(format!(
                                    "add \"{}\" to this default, or give the field `{}` a default of its own",
                                    field.name, field.name
                                )));
                            }
                        },
                    };
                    values.push(value);
                }
                Ok(Value::Record(values))
            }
        }
    }
}

/// An integral JSON number (no fraction, no exponent), as i128 so range checks are exact.
/// A float or double default: a number, or one of the strings `"NaN"`, `"Infinity"` and
/// `"-Infinity"`, which JSON cannot hold as numbers and Java writes (an IDL default of
/// `NaN` becomes one of them) and reads back.
fn floating(json: &Json) -> Option<f64> {
    match json.as_str() {
        Some("NaN") => Some(f64::NAN),
        Some("Infinity") => Some(f64::INFINITY),
        Some("-Infinity") => Some(f64::NEG_INFINITY),
        _ => json.as_f64(),
    }
}

fn integer(json: &Json) -> Option<i128> {
    match &json.kind {
        JsonKind::Number(text) if !text.contains(['.', 'e', 'E']) => text.parse().ok(),
        _ => None,
    }
}

fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A described schema as it would appear inside a union: named and primitive types as
/// quoted names, anything else (`array<int>`) as a placeholder.
fn quoted_schema(described: &str) -> String {
    if described
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    {
        format!("\"{described}\"")
    } else {
        "...".to_owned()
    }
}

/// The default as the author wrote it, shortened for messages.
fn json_excerpt(json: &Json) -> String {
    let text = serde_json::to_string(&json.to_value()).unwrap_or_default();
    if text.chars().count() > 40 {
        let short: String = text.chars().take(37).collect();
        format!("`{short}...`")
    } else {
        format!("`{text}`")
    }
}
