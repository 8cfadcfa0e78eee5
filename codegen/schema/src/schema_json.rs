//! A schema back to JSON as authored (docs, defaults, aliases, logical types and custom
//! properties kept, those of the unnamed types in record fields too), self-contained:
//! every named type it uses is defined at its first occurrence. This is the schema a type
//! carries and registers, not the Parsing Canonical Form (which drops defaults and
//! properties, and would make registered schemas useless for resolution).

use crate::ir::{
    FieldOrder, FixedLogical, FullName, Logical, NamedKind, Props, Schema, SchemaSet, Segment, Site, TypeId, Value,
};
use std::collections::HashSet;
use std::fmt::Write;

/// `schema` as self-contained JSON text, compact.
pub fn to_json(set: &SchemaSet, schema: &Schema) -> String {
    let mut writer = JsonWriter {
        set,
        seen: HashSet::new(),
        out: String::new(),
        site: None,
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
        site: None,
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
        site: None,
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
        site: None,
    };
    writer.value(schema, value);
    writer.out
}

struct JsonWriter<'a> {
    set: &'a SchemaSet,
    seen: HashSet<TypeId>,
    out: String,
    /// Where the schema being written sits, inside a record field's type: the key of its
    /// custom properties in [`SchemaSet::type_props`].
    site: Option<Site>,
}

impl<'a> JsonWriter<'a> {
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

    /// Writes the custom properties of the unnamed type at the current site, if any.
    fn own_props(&mut self) {
        if let Some(props) = self.type_props() {
            self.props(props);
        }
    }

    fn doc(&mut self, doc: Option<&str>) {
        if let Some(doc) = doc {
            self.key("doc");
            self.string(doc);
        }
    }

    /// The custom properties of the unnamed type at the current site, if it has any.
    fn type_props(&self) -> Option<&'a Props> {
        let set = self.set;
        self.site.as_ref().and_then(|site| set.type_props.get(site))
    }

    /// Writes `schema`, which sits one `segment` below the current site.
    fn nested(&mut self, segment: Segment, schema: &Schema, namespace: Option<&str>) {
        if let Some(site) = &mut self.site {
            site.path.push(segment);
        }
        self.schema(schema, namespace);
        if let Some(site) = &mut self.site {
            site.path.pop();
        }
    }

    /// A primitive: its name, or an object when it has custom properties.
    fn primitive(&mut self, name: &str) {
        match self.type_props() {
            Some(props) => {
                let _ = write!(self.out, "{{\"type\":\"{name}\"");
                self.props(props);
                self.out.push('}');
            }
            None => {
                let _ = write!(self.out, "\"{name}\"");
            }
        }
    }

    fn schema(&mut self, schema: &Schema, namespace: Option<&str>) {
        match schema {
            Schema::Null => self.primitive("null"),
            Schema::Boolean => self.primitive("boolean"),
            Schema::Int => self.primitive("int"),
            Schema::Long => self.primitive("long"),
            Schema::Float => self.primitive("float"),
            Schema::Double => self.primitive("double"),
            Schema::Bytes => self.primitive("bytes"),
            Schema::String => self.primitive("string"),
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
                self.own_props();
                self.out.push('}');
            }
            Schema::Array(items) => {
                self.out.push_str("{\"type\":\"array\",\"items\":");
                self.nested(Segment::Item, items, namespace);
                self.own_props();
                self.out.push('}');
            }
            Schema::Map(values) => {
                self.out.push_str("{\"type\":\"map\",\"values\":");
                self.nested(Segment::Value, values, namespace);
                self.own_props();
                self.out.push('}');
            }
            Schema::Union(branches) => {
                self.list('[', ']', branches.iter().enumerate(), |w, (index, branch)| {
                    w.nested(Segment::Branch(index), branch, namespace);
                });
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
                self.list('[', ']', record.fields.iter().enumerate(), |w, (index, field)| {
                    w.out.push_str("{\"name\":");
                    w.string(&field.name);
                    w.key("type");
                    let site = Site {
                        record: id,
                        field: index,
                        path: Vec::new(),
                    };
                    let outer = w.site.replace(site);
                    w.schema(&field.schema, own_namespace);
                    w.site = outer;
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
        assert_stable(&json, "r.avsc");
    }

    /// `json` loads back and writes itself again, unchanged.
    fn assert_stable(json: &str, what: &str) {
        let again = load_files(
            vec![SourceFile::new("again.avsc", json.to_owned())],
            &LoadOptions::default(),
        )
        .unwrap();
        assert_eq!(
            to_json(&again, &again.roots[0]),
            json,
            "{what}: stable under a second round trip"
        );
    }

    /// The custom properties of unnamed types, on a record's fields: on a primitive, a
    /// logical primitive (one the IR knows and one it does not), an array and its items, a
    /// map and its values, union branches, and in a nested record.
    const UNNAMED_PROPS_AVSC: &str = r#"{"type": "record", "name": "R", "namespace": "x", "fields": [
        {"name": "s", "type": {"type": "string", "avro.java.string": "String", "a": 1}},
        {"name": "t", "type": {"type": "long", "logicalType": "timestamp-millis", "z": 1, "b": [1, 2]}},
        {"name": "d", "type": {"type": "bytes", "logicalType": "decimal", "precision": 4, "scale": 2, "x": "y"}},
        {"name": "m", "type": {"type": "long", "logicalType": "money", "currency": "EUR"}},
        {"name": "a", "type": {"type": "array", "items": {"type": "int", "i": true}, "java-class": "java.util.ArrayList"}},
        {"name": "v", "type": {"type": "map", "values": {"type": "array", "items": "string", "deep": 1}, "m": {"k": "v"}}},
        {"name": "u", "type": ["null", {"type": "string", "branch": 2}, {"type": "map", "values": "int", "w": 0}], "default": null},
        {"name": "n", "type": {"type": "record", "name": "In", "fields": [{"name": "i", "type": {"type": "int", "inner": 1}}]}},
        {"name": "p", "type": "string"}
    ]}"#;

    /// The same in Avro IDL, as annotations.
    const UNNAMED_PROPS_AVDL: &str = r#"@namespace("x") protocol P {
        record In { @inner(1) int i; }
        record R {
            @avro.java.`string`("String") @a(1) string s;
            @z(1) @b([1, 2]) timestamp_ms t;
            @x("y") decimal(4, 2) d;
            @logicalType("money") @currency("EUR") long m;
            @java-class("java.util.ArrayList") array<@i(true) int> a;
            @m({"k": "v"}) map<@deep(1) array<string>> v;
            union { null, @branch(2) string, @w(0) map<int> } u = null;
            In n;
            string p;
        }
    }"#;

    #[test]
    fn unnamed_types_keep_their_custom_properties_in_the_order_written() {
        let expected = concat!(
            r#"{"type":"record","name":"R","namespace":"x","fields":["#,
            r#"{"name":"s","type":{"type":"string","avro.java.string":"String","a":1}},"#,
            r#"{"name":"t","type":{"type":"long","logicalType":"timestamp-millis","z":1,"b":[1,2]}},"#,
            r#"{"name":"d","type":{"type":"bytes","logicalType":"decimal","precision":4,"scale":2,"x":"y"}},"#,
            r#"{"name":"m","type":{"type":"long","logicalType":"money","currency":"EUR"}},"#,
            r#"{"name":"a","type":{"type":"array","items":{"type":"int","i":true},"java-class":"java.util.ArrayList"}},"#,
            r#"{"name":"v","type":{"type":"map","values":{"type":"array","items":"string","deep":1},"m":{"k":"v"}}},"#,
            r#"{"name":"u","type":["null",{"type":"string","branch":2},{"type":"map","values":"int","w":0}],"default":null},"#,
            r#"{"name":"n","type":{"type":"record","name":"In","fields":[{"name":"i","type":{"type":"int","inner":1}}]}},"#,
            r#"{"name":"p","type":"string"}]}"#,
        );
        let canonical = concat!(
            r#"{"name":"x.R","type":"record","fields":["#,
            r#"{"name":"s","type":"string"},"#,
            r#"{"name":"t","type":"long"},"#,
            r#"{"name":"d","type":"bytes"},"#,
            r#"{"name":"m","type":"long"},"#,
            r#"{"name":"a","type":{"type":"array","items":"int"}},"#,
            r#"{"name":"v","type":{"type":"map","values":{"type":"array","items":"string"}}},"#,
            r#"{"name":"u","type":["null","string",{"type":"map","values":"int"}]},"#,
            r#"{"name":"n","type":{"name":"x.In","type":"record","fields":[{"name":"i","type":"int"}]}},"#,
            r#"{"name":"p","type":"string"}]}"#,
        );
        for file in [
            SourceFile::new("x/R.avsc", UNNAMED_PROPS_AVSC),
            SourceFile::new("x/p.avdl", UNNAMED_PROPS_AVDL),
        ] {
            let path = file.path().display().to_string();
            let set = load_files(vec![file], &LoadOptions::default()).unwrap();
            let record = Schema::Named(set.lookup("x.R").unwrap());
            let json = to_json(&set, &record);
            assert_eq!(json, expected, "{path}");
            assert_eq!(
                crate::canonical::parsing_canonical_form(&set, &record),
                canonical,
                "{path}"
            );
            assert_stable(&json, &path);
        }
    }
}
