//! A schema back to JSON as authored (docs, defaults, aliases, logical types and custom
//! properties kept), self-contained: every named type it uses is defined at its first
//! occurrence. This is the schema a type carries and registers, not the Parsing Canonical
//! Form (which drops defaults, and would make registered schemas useless for resolution).

use crate::ir::{FieldOrder, FixedLogical, FullName, Logical, NamedKind, Props, Schema, SchemaSet, TypeId, Value};
use std::collections::HashSet;
use std::fmt::Write;

/// `schema` as self-contained JSON text, compact.
pub fn to_json(set: &SchemaSet, schema: &Schema) -> String {
    let mut writer = JsonWriter {
        set,
        seen: HashSet::new(),
        out: String::new(),
    };
    writer.schema(schema, None);
    writer.out
}

/// `schema` as JSON text that refers to every named type by its full name instead of
/// defining it: how a union of known types is written next to the types it names.
pub fn to_json_referencing(set: &SchemaSet, schema: &Schema) -> String {
    let seen = (0..set.types.len()).map(TypeId).collect();
    let mut writer = JsonWriter {
        set,
        seen,
        out: String::new(),
    };
    writer.schema(schema, None);
    writer.out
}

/// One definition as authored JSON: the root named type (or union) in full, every other
/// named type it uses referred to by full name. A type carries this, and the
/// self-contained schema is assembled from the definitions of the types it reaches.
pub fn definition_json(set: &SchemaSet, schema: &Schema) -> String {
    let mut seen: HashSet<TypeId> = (0..set.types.len()).map(TypeId).collect();
    if let Schema::Named(id) = schema {
        seen.remove(id);
    }
    let mut writer = JsonWriter {
        set,
        seen,
        out: String::new(),
    };
    writer.schema(schema, None);
    writer.out
}

/// A default value as the JSON the Avro specification uses for defaults of `schema`.
pub fn value_to_json(set: &SchemaSet, schema: &Schema, value: &Value) -> String {
    let mut writer = JsonWriter {
        set,
        seen: HashSet::new(),
        out: String::new(),
    };
    writer.value(schema, value);
    writer.out
}

struct JsonWriter<'a> {
    set: &'a SchemaSet,
    seen: HashSet<TypeId>,
    out: String,
}

impl JsonWriter<'_> {
    fn string(&mut self, text: &str) {
        self.out.push_str(&serde_json::to_string(text).unwrap_or_default());
    }

    /// `open item,item,... close`, each item written by `each`.
    fn list<T>(
        &mut self,
        open: char,
        close: char,
        items: impl IntoIterator<Item = T>,
        mut each: impl FnMut(&mut Self, T),
    ) {
        self.out.push(open);
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            each(self, item);
        }
        self.out.push(close);
    }

    fn key(&mut self, key: &str) {
        self.out.push(',');
        self.string(key);
        self.out.push(':');
    }

    fn props(&mut self, props: &Props) {
        for (key, value) in props {
            self.key(key);
            self.out.push_str(&value.to_string());
        }
    }

    fn doc(&mut self, doc: Option<&str>) {
        if let Some(doc) = doc {
            self.key("doc");
            self.string(doc);
        }
    }

    fn schema(&mut self, schema: &Schema, namespace: Option<&str>) {
        match schema {
            Schema::Null => self.out.push_str("\"null\""),
            Schema::Boolean => self.out.push_str("\"boolean\""),
            Schema::Int => self.out.push_str("\"int\""),
            Schema::Long => self.out.push_str("\"long\""),
            Schema::Float => self.out.push_str("\"float\""),
            Schema::Double => self.out.push_str("\"double\""),
            Schema::Bytes => self.out.push_str("\"bytes\""),
            Schema::String => self.out.push_str("\"string\""),
            Schema::Logical(logical) => {
                let base = match logical.base() {
                    Schema::Int => "int",
                    Schema::Long => "long",
                    Schema::Bytes => "bytes",
                    _ => "string",
                };
                let _ = write!(self.out, "{{\"type\":\"{base}\",\"logicalType\":\"{}\"", logical.name());
                if let Logical::Decimal(d) = logical {
                    let _ = write!(self.out, ",\"precision\":{},\"scale\":{}", d.precision, d.scale);
                }
                self.out.push('}');
            }
            Schema::Array(items) => {
                self.out.push_str("{\"type\":\"array\",\"items\":");
                self.schema(items, namespace);
                self.out.push('}');
            }
            Schema::Map(values) => {
                self.out.push_str("{\"type\":\"map\",\"values\":");
                self.schema(values, namespace);
                self.out.push('}');
            }
            Schema::Union(branches) => {
                self.list('[', ']', branches, |w, branch| w.schema(branch, namespace));
            }
            Schema::Named(id) => self.named(*id, namespace),
        }
    }

    fn named(&mut self, id: TypeId, namespace: Option<&str>) {
        let named = self.set.get(id);
        if !self.seen.insert(id) {
            // A reference: the short name suffices inside the same namespace.
            if named.name.namespace.as_deref() == namespace {
                self.string(&named.name.name);
            } else {
                self.string(&named.name.to_string());
            }
            return;
        }
        let kind = match &named.kind {
            NamedKind::Record(r) if r.is_error => "error",
            NamedKind::Record(_) => "record",
            NamedKind::Enum(_) => "enum",
            NamedKind::Fixed(_) => "fixed",
        };
        let _ = write!(self.out, "{{\"type\":\"{kind}\",\"name\":");
        self.string(&named.name.name);
        let own_namespace = named.name.namespace.as_deref();
        if own_namespace != namespace {
            self.key("namespace");
            self.string(own_namespace.unwrap_or(""));
        }
        self.doc(named.doc.as_deref());
        if !named.aliases.is_empty() {
            self.key("aliases");
            self.names(&named.aliases);
        }
        match &named.kind {
            NamedKind::Record(record) => {
                self.key("fields");
                self.list('[', ']', &record.fields, |w, field| {
                    w.out.push_str("{\"name\":");
                    w.string(&field.name);
                    w.key("type");
                    w.schema(&field.schema, own_namespace);
                    w.doc(field.doc.as_deref());
                    if let Some(default) = &field.default {
                        w.key("default");
                        w.value(&field.schema, default);
                    }
                    match field.order {
                        FieldOrder::Ascending => {}
                        FieldOrder::Descending => w.out.push_str(",\"order\":\"descending\""),
                        FieldOrder::Ignore => w.out.push_str(",\"order\":\"ignore\""),
                    }
                    if !field.aliases.is_empty() {
                        w.key("aliases");
                        w.list('[', ']', &field.aliases, |w, alias| w.string(alias));
                    }
                    w.props(&field.props);
                    w.out.push('}');
                });
            }
            NamedKind::Enum(e) => {
                self.key("symbols");
                self.list('[', ']', &e.symbols, |w, symbol| w.string(symbol));
                if let Some(default) = &e.default {
                    self.key("default");
                    self.string(default);
                }
            }
            NamedKind::Fixed(fixed) => {
                let _ = write!(self.out, ",\"size\":{}", fixed.size);
                match fixed.logical {
                    Some(FixedLogical::Decimal(d)) => {
                        let _ = write!(
                            self.out,
                            ",\"logicalType\":\"decimal\",\"precision\":{},\"scale\":{}",
                            d.precision, d.scale
                        );
                    }
                    Some(FixedLogical::Uuid) => self.out.push_str(",\"logicalType\":\"uuid\""),
                    Some(FixedLogical::Duration) => self.out.push_str(",\"logicalType\":\"duration\""),
                    None => {}
                }
            }
        }
        self.props(&named.props);
        self.out.push('}');
    }

    fn names(&mut self, names: &[FullName]) {
        self.list('[', ']', names, |w, name| w.string(&name.to_string()));
    }

    fn bytes(&mut self, bytes: &[u8]) {
        let text: String = bytes.iter().map(|b| char::from(*b)).collect();
        self.string(&text);
    }

    fn value(&mut self, schema: &Schema, value: &Value) {
        match (schema, value) {
            (Schema::Union(branches), Value::Union(index, inner)) => self.value(&branches[*index], inner),
            (Schema::Named(id), value) => {
                let named = self.set.get(*id);
                match (&named.kind, value) {
                    (NamedKind::Enum(e), Value::Enum(i)) => {
                        let symbol = e.symbols[*i].clone();
                        self.string(&symbol);
                    }
                    (NamedKind::Record(record), Value::Record(values)) => {
                        self.list('{', '}', record.fields.iter().zip(values), |w, (field, v)| {
                            w.string(&field.name);
                            w.out.push(':');
                            w.value(&field.schema, v);
                        });
                    }
                    (_, Value::Fixed(bytes)) => self.bytes(bytes),
                    _ => self.out.push_str("null"),
                }
            }
            (Schema::Array(items), Value::Array(values)) => {
                self.list('[', ']', values, |w, v| w.value(items, v));
            }
            (Schema::Map(values_schema), Value::Map(entries)) => {
                self.list('{', '}', entries, |w, (k, v)| {
                    w.string(k);
                    w.out.push(':');
                    w.value(values_schema, v);
                });
            }
            (_, Value::Null) => self.out.push_str("null"),
            (_, Value::Boolean(b)) => self.out.push_str(if *b { "true" } else { "false" }),
            (_, Value::Int(n)) => {
                let _ = write!(self.out, "{n}");
            }
            (_, Value::Long(n)) => {
                let _ = write!(self.out, "{n}");
            }
            (_, Value::Float(f)) => self.out.push_str(&float_json(f64::from(*f))),
            (_, Value::Double(f)) => self.out.push_str(&float_json(*f)),
            (_, Value::Bytes(bytes) | Value::Fixed(bytes)) => self.bytes(bytes),
            (_, Value::String(s)) => self.string(s),
            _ => self.out.push_str("null"),
        }
    }
}

/// A float or double default as JSON: a number, or for the values JSON has no number for
/// the strings `"NaN"`, `"Infinity"` and `"-Infinity"`, as Java writes them and as the
/// loader reads them back (not `null`, which would not load).
fn float_json(value: f64) -> String {
    match value {
        v if v.is_nan() => "\"NaN\"".to_owned(),
        f64::INFINITY => "\"Infinity\"".to_owned(),
        f64::NEG_INFINITY => "\"-Infinity\"".to_owned(),
        v => serde_json::Value::from(v).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use crate::{LoadOptions, load_files};

    #[test]
    fn round_trips_through_the_loader() {
        let text = r#"{"type": "record", "name": "R", "namespace": "x", "doc": "d", "aliases": ["Old"], "x-p": 1, "fields": [
            {"name": "a", "type": {"type": "long", "logicalType": "timestamp-millis"}, "default": 5, "order": "descending", "aliases": ["b"]},
            {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A", "B"], "default": "A"}, "default": "B"},
            {"name": "o", "type": ["null", "E"], "default": null},
            {"name": "f", "type": {"type": "fixed", "name": "F", "namespace": "y", "size": 2}, "default": "\u00ffa"},
            {"name": "r", "type": {"type": "record", "name": "In", "fields": [{"name": "z", "type": "E", "default": "A"}]}, "default": {}}
        ]}"#;
        let set = load_files(vec![SourceFile::new("r.avsc", text)], &LoadOptions::default()).unwrap();
        let json = to_json(&set, &set.roots[0]);
        assert_eq!(
            json,
            r#"{"type":"record","name":"R","namespace":"x","doc":"d","aliases":["x.Old"],"fields":[{"name":"a","type":{"type":"long","logicalType":"timestamp-millis"},"default":5,"order":"descending","aliases":["b"]},{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"],"default":"A"},"default":"B"},{"name":"o","type":["null","E"],"default":null},{"name":"f","type":{"type":"fixed","name":"F","namespace":"y","size":2},"default":"ÿa"},{"name":"r","type":{"type":"record","name":"In","fields":[{"name":"z","type":"E","default":"A"}]},"default":{"z":"A"}}],"x-p":1}"#
        );
        let again = load_files(
            vec![SourceFile::new("again.avsc", json.clone())],
            &LoadOptions::default(),
        )
        .unwrap();
        assert_eq!(
            to_json(&again, &again.roots[0]),
            json,
            "stable under a second round trip"
        );
    }
}
