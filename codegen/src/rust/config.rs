//! How generated code is customised: one model ([`CodegenConfig`]) and one parser, for
//! the catalog's `[codegen]` table (or the same table in a file of its own), the
//! [`Generator`](crate::Generator) builder and `avrokit gen`'s flags.
//!
//! ```toml
//! [codegen]
//! string_type = "Arc<str>"                 # String (default), Box<str>, Arc<str>
//! bytes_type = "Bytes"                     # Vec<u8> (default), Bytes (bytes::Bytes)
//! derives = ["PartialOrd"]                 # on every generated type
//! attributes = ["#[non_exhaustive]"]       # on every generated type
//!
//! [codegen.types."astro.beam.Element"]     # one named type
//! derives = ["Hash"]
//! attributes = ["#[must_use]"]
//! rust_type = "crate::ElementId"           # every field of this type holds a user type
//!
//! [codegen.fields]                         # one field: record full name, then field name
//! "astro.beam.Reading.host" = "std::net::IpAddr"
//!
//! [codegen.logical_types]                  # a custom logicalType name
//! money = "crate::Money"
//! ```
//!
//! A user type stands for the value through [`avrokit::AvroAdapter`]; the generated field
//! carries `#[avro(repr = "...")]` with the type it replaces, so the derive checks the
//! schema against that type and the compiler checks the adapter's `Repr` at the field.
//! Targets are checked against the schemas when generating: an unknown type, field or
//! logical type is a located error with a did-you-mean hint.

use super::plan::{Plan, Segment, Site};
use crate::catalog::toml_error::{TomlDocument, diagnostic_for};
use crate::diagnostic::{Diagnostic, Diagnostics, did_you_mean};
use crate::ir::{NamedKind, Schema, SchemaSet, TypeId};
use crate::source::{SourceFile, Span};
use proc_macro2::TokenStream;
use quote::quote;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use toml::Spanned;

/// The Rust type of Avro `string` values (map keys stay `String`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StringType {
    /// `String`.
    #[default]
    String,
    /// `Box<str>`: one word smaller, immutable.
    BoxStr,
    /// `std::sync::Arc<str>`: cheap to clone.
    ArcStr,
}

/// The Rust type of Avro `bytes` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BytesType {
    /// `Vec<u8>`.
    #[default]
    VecU8,
    /// `bytes::Bytes`: decoding a frame held as `Bytes` shares it instead of copying
    /// (`AvroMessage::from_avro_bytes`).
    Bytes,
}

impl StringType {
    /// The spellings `string_type` and `--string-type` accept, in order.
    pub const NAMES: [&'static str; 3] = ["String", "Box<str>", "Arc<str>"];

    /// The type for its spelling.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "String" => Some(Self::String),
            "Box<str>" => Some(Self::BoxStr),
            "Arc<str>" => Some(Self::ArcStr),
            _ => None,
        }
    }
}

impl BytesType {
    /// The spellings `bytes_type` and `--bytes-type` accept, in order.
    pub const NAMES: [&'static str; 2] = ["Vec<u8>", "Bytes"];

    /// The type for its spelling.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "Vec<u8>" => Some(Self::VecU8),
            "Bytes" | "bytes::Bytes" => Some(Self::Bytes),
            _ => None,
        }
    }
}

/// A configured name (a type, field or logical type) and where it was written; keys
/// order and compare by name only, so a builder setting replaces the file's.
#[derive(Debug, Clone)]
struct Key {
    name: String,
    span: Option<Span>,
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Key {}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.name.cmp(&other.name)
    }
}

/// Settings of one named type.
#[derive(Debug, Clone, Default)]
pub struct TypeSettings {
    /// Extra derives (paths, e.g. `Hash`, `schemars::JsonSchema`).
    pub derives: Vec<String>,
    /// Extra outer attributes, written in full (`#[serde(rename_all = "camelCase")]`).
    pub attributes: Vec<String>,
    /// A user type every field of this type holds instead (an `AvroAdapter` over it).
    pub rust_type: Option<String>,
}

/// Every customisation of generated code; [`CodegenConfig::default`] changes nothing.
#[derive(Debug, Clone, Default)]
pub struct CodegenConfig {
    /// The Rust type of `string` values.
    pub string_type: StringType,
    /// The Rust type of `bytes` values.
    pub bytes_type: BytesType,
    /// Extra derives on every generated type.
    pub derives: Vec<String>,
    /// Extra attributes on every generated type.
    pub attributes: Vec<String>,
    types: BTreeMap<Key, TypeSettings>,
    fields: BTreeMap<Key, String>,
    logical_types: BTreeMap<Key, String>,
    /// The file the settings were read from, for locating problems.
    source: Option<SourceFile>,
}

/// The `[codegen]` table as written.
#[derive(Debug, Deserialize)]
struct RawFile {
    codegen: Option<RawCodegen>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCodegen {
    string_type: Option<Spanned<String>>,
    bytes_type: Option<Spanned<String>>,
    #[serde(default)]
    derives: Vec<Spanned<String>>,
    #[serde(default)]
    attributes: Vec<Spanned<String>>,
    #[serde(default)]
    types: BTreeMap<Spanned<String>, RawType>,
    #[serde(default)]
    fields: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    logical_types: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawType {
    #[serde(default)]
    derives: Vec<Spanned<String>>,
    #[serde(default)]
    attributes: Vec<Spanned<String>>,
    rust_type: Option<Spanned<String>>,
}

const DOCUMENT: TomlDocument = TomlDocument {
    what: "codegen configuration",
    readme_section: "Code generation configuration",
};

fn span_of<T>(value: &Spanned<T>) -> Span {
    Span::new(value.span().start, value.span().end)
}

impl CodegenConfig {
    /// Reads the `[codegen]` table of a TOML file (the catalog, or a file holding only
    /// that table); a file without one is the default configuration.
    pub fn load(path: &Path) -> Result<Self, Diagnostics> {
        let text = std::fs::read_to_string(path)
            .map_err(|err| Diagnostic::file(path, format!("cannot read the codegen configuration: {err}")))?;
        Self::parse(SourceFile::new(path, text))
    }

    /// [`load`](Self::load) for text in memory.
    pub fn parse(file: SourceFile) -> Result<Self, Diagnostics> {
        let raw: RawFile = toml::from_str(file.text()).map_err(|err| diagnostic_for(&file, &err, &DOCUMENT))?;
        let mut config = CodegenConfig::default();
        let Some(raw) = raw.codegen else {
            return Ok(config);
        };
        let mut diagnostics = Diagnostics::default();
        if let Some(value) = &raw.string_type {
            match StringType::parse(value.get_ref()) {
                Some(t) => config.string_type = t,
                None => diagnostics.push(one_of(&file, value, "string_type", &StringType::NAMES)),
            }
        }
        if let Some(value) = &raw.bytes_type {
            match BytesType::parse(value.get_ref()) {
                Some(t) => config.bytes_type = t,
                None => diagnostics.push(one_of(&file, value, "bytes_type", &BytesType::NAMES)),
            }
        }
        config.derives = checked(&file, &raw.derives, Check::Derive, &mut diagnostics);
        config.attributes = checked(&file, &raw.attributes, Check::Attribute, &mut diagnostics);
        for (name, settings) in &raw.types {
            let rust_type = settings.rust_type.as_ref().and_then(|t| {
                checked(&file, std::slice::from_ref(t), Check::Type, &mut diagnostics)
                    .into_iter()
                    .next()
            });
            let key = Key {
                name: name.get_ref().clone(),
                span: Some(span_of(name)),
            };
            config.types.insert(
                key,
                TypeSettings {
                    derives: checked(&file, &settings.derives, Check::Derive, &mut diagnostics),
                    attributes: checked(&file, &settings.attributes, Check::Attribute, &mut diagnostics),
                    rust_type,
                },
            );
        }
        for (table, target) in [
            (&raw.fields, &mut config.fields),
            (&raw.logical_types, &mut config.logical_types),
        ] {
            for (name, rust_type) in table {
                if let Some(rust_type) = checked(&file, std::slice::from_ref(rust_type), Check::Type, &mut diagnostics)
                    .into_iter()
                    .next()
                {
                    let key = Key {
                        name: name.get_ref().clone(),
                        span: Some(span_of(name)),
                    };
                    target.insert(key, rust_type);
                }
            }
        }
        config.source = Some(file);
        diagnostics.into_result(config)
    }

    /// Settings of the named type `full_name`, added or changed in place.
    pub fn type_settings(&mut self, full_name: &str) -> &mut TypeSettings {
        let key = Key {
            name: full_name.to_owned(),
            span: None,
        };
        self.types.entry(key).or_default()
    }

    /// Field `field` of record `record` (a full name) holds `rust_type`.
    pub fn field_type(&mut self, record: &str, field: &str, rust_type: impl Into<String>) -> &mut Self {
        let key = Key {
            name: format!("{record}.{field}"),
            span: None,
        };
        self.fields.insert(key, rust_type.into());
        self
    }

    /// Values of the custom `logicalType` `name` are `rust_type`.
    pub fn logical_type(&mut self, name: &str, rust_type: impl Into<String>) -> &mut Self {
        let key = Key {
            name: name.to_owned(),
            span: None,
        };
        self.logical_types.insert(key, rust_type.into());
        self
    }

    /// `other`'s settings over these: its string and bytes types where they are not the
    /// default, its lists appended, its overrides replacing these.
    pub fn merge(&mut self, other: CodegenConfig) {
        if other.string_type != StringType::default() {
            self.string_type = other.string_type;
        }
        if other.bytes_type != BytesType::default() {
            self.bytes_type = other.bytes_type;
        }
        self.derives.extend(other.derives);
        self.attributes.extend(other.attributes);
        for (key, settings) in other.types {
            let mine = self.types.entry(key).or_default();
            mine.derives.extend(settings.derives);
            mine.attributes.extend(settings.attributes);
            if settings.rust_type.is_some() {
                mine.rust_type = settings.rust_type;
            }
        }
        self.fields.extend(other.fields);
        self.logical_types.extend(other.logical_types);
        if self.source.is_none() {
            self.source = other.source;
        }
    }

    /// A problem with a configured name, located in the file when it came from one.
    fn problem(&self, key: &Key, message: String, hint: String) -> Diagnostic {
        let diagnostic = match (&self.source, key.span) {
            (Some(file), Some(span)) => Diagnostic::at(file, span, message),
            _ => Diagnostic::file(Path::new("<codegen configuration>"), message),
        };
        diagnostic.with_hint(hint)
    }
}

/// What a configured string must parse as.
#[derive(Clone, Copy)]
enum Check {
    Derive,
    Attribute,
    Type,
}

impl Check {
    /// `text` as tokens, or the message and hint saying what it must be.
    fn parse(self, text: &str) -> Result<TokenStream, (String, String)> {
        let (ok, what, example) = match self {
            Check::Derive => (
                syn::parse_str::<syn::Path>(text).is_ok(),
                "a derive path",
                "\"PartialOrd\"",
            ),
            Check::Attribute => (
                syn::parse::Parser::parse_str(syn::Attribute::parse_outer, text).is_ok_and(|a| !a.is_empty()),
                "an outer attribute",
                "\"#[serde(rename_all = \\\"camelCase\\\")]\"",
            ),
            Check::Type => (
                syn::parse_str::<syn::Type>(text).is_ok(),
                "a Rust type",
                "\"crate::Money\"",
            ),
        };
        match text.parse::<TokenStream>() {
            Ok(tokens) if ok => Ok(tokens),
            _ => Err((
                format!("`{text}` is not {what}"),
                format!("write {what} as a string, e.g. {example}"),
            )),
        }
    }
}

/// The values that parse as `check`; the others become located errors.
fn checked(file: &SourceFile, values: &[Spanned<String>], check: Check, out: &mut Diagnostics) -> Vec<String> {
    let mut good = Vec::new();
    for value in values {
        match check.parse(value.get_ref()) {
            Ok(_) => good.push(value.get_ref().clone()),
            Err((message, hint)) => out.push(Diagnostic::at(file, span_of(value), message).with_hint(hint)),
        }
    }
    good
}

fn one_of(file: &SourceFile, value: &Spanned<String>, key: &str, names: &[&str]) -> Diagnostic {
    let hint = did_you_mean(value.get_ref(), names.iter().copied(), || {
        format!("`{key}` is one of: {}", names.join(", "))
    });
    Diagnostic::at(file, span_of(value), format!("`{}` is not a {key}", value.get_ref())).with_hint(hint)
}

/// The configuration applied to one schema set: every target resolved to the types,
/// fields and places it changes.
#[derive(Default)]
pub(super) struct Resolved {
    string_type: StringType,
    bytes_type: BytesType,
    derives: Vec<syn::Path>,
    attributes: Vec<TokenStream>,
    type_derives: HashMap<TypeId, Vec<syn::Path>>,
    type_attributes: HashMap<TypeId, Vec<TokenStream>>,
    type_rust: HashMap<TypeId, TokenStream>,
    field_rust: HashMap<(TypeId, usize), TokenStream>,
    /// Where in a record field a custom logical type mapped to a user type sits.
    logical_rust: HashMap<Site, TokenStream>,
}

/// Parses the values given to the builder (the files' were checked where they were
/// read, with their locations); a bad one is an error naming it.
struct Parser<'d> {
    diagnostics: &'d mut Diagnostics,
}

impl Parser<'_> {
    fn tokens(&mut self, check: Check, text: &str) -> Option<TokenStream> {
        match check.parse(text) {
            Ok(tokens) => Some(tokens),
            Err((message, hint)) => {
                self.diagnostics
                    .push(Diagnostic::file(Path::new("<codegen configuration>"), message).with_hint(hint));
                None
            }
        }
    }

    fn derives(&mut self, texts: &[String]) -> Vec<syn::Path> {
        texts
            .iter()
            .filter_map(|text| self.tokens(Check::Derive, text))
            .filter_map(|tokens| syn::parse2(tokens).ok())
            .collect()
    }

    fn attributes(&mut self, texts: &[String]) -> Vec<TokenStream> {
        texts
            .iter()
            .filter_map(|text| self.tokens(Check::Attribute, text))
            .collect()
    }
}

impl Resolved {
    /// Resolves `config` against `plan`'s schemas: unknown targets are located errors.
    pub fn new(config: &CodegenConfig, plan: &Plan<'_>) -> Result<Self, Diagnostics> {
        let set = plan.set;
        let mut diagnostics = Diagnostics::default();
        let mut builder_problems = Diagnostics::default();
        let mut parser = Parser {
            diagnostics: &mut builder_problems,
        };
        let mut resolved = Resolved {
            string_type: config.string_type,
            bytes_type: config.bytes_type,
            derives: parser.derives(&config.derives),
            attributes: parser.attributes(&config.attributes),
            ..Resolved::default()
        };
        let names: Vec<String> = set.iter().map(|(_, t)| t.name.to_string()).collect();
        for (key, settings) in &config.types {
            let Some(id) = set.lookup(&key.name) else {
                let hint = did_you_mean(&key.name, names.iter().map(String::as_str), || {
                    "name a record, enum or fixed by its full name (namespace.Name)".to_owned()
                });
                diagnostics.push(config.problem(key, format!("no named type `{}` in the schemas", key.name), hint));
                continue;
            };
            resolved.type_derives.insert(id, parser.derives(&settings.derives));
            resolved
                .type_attributes
                .insert(id, parser.attributes(&settings.attributes));
            if let Some(rust) = settings.rust_type.as_ref().and_then(|t| parser.tokens(Check::Type, t)) {
                resolved.type_rust.insert(id, rust);
            }
        }
        for (key, rust) in &config.fields {
            match field_target(set, &key.name) {
                Ok(target) => {
                    if let Some(rust) = parser.tokens(Check::Type, rust) {
                        resolved.field_rust.insert(target, rust);
                    }
                }
                Err(hint) => diagnostics.push(config.problem(
                    key,
                    format!("no record field `{}` in the schemas", key.name),
                    hint,
                )),
            }
        }
        let found = custom_logicals(set);
        for (key, rust) in &config.logical_types {
            let sites: Vec<&Site> = found.iter().filter(|(_, n)| *n == key.name).map(|(s, _)| s).collect();
            if sites.is_empty() {
                let hint = did_you_mean(&key.name, found.iter().map(|(_, n)| n.as_str()), || {
                    "name the `logicalType` a record field's type carries; built-in logical types keep their Rust types"
                        .to_owned()
                });
                diagnostics.push(config.problem(
                    key,
                    format!("no record field has `logicalType` `{}`", key.name),
                    hint,
                ));
            }
            if let Some(rust) = parser.tokens(Check::Type, rust) {
                for site in sites {
                    resolved.logical_rust.insert(site.clone(), rust.clone());
                }
            }
        }
        diagnostics.0.extend(builder_problems.0);
        diagnostics.into_result(resolved)
    }

    /// The Rust type of `string` values in generated code (`string` is the prelude's
    /// `String` as the module spells it).
    pub fn string(&self, string: TokenStream, boxed: TokenStream) -> TokenStream {
        match self.string_type {
            StringType::String => string,
            StringType::BoxStr => quote!(#boxed<str>),
            StringType::ArcStr => quote!(::std::sync::Arc<str>),
        }
    }

    /// The Rust type of `bytes` values, or `None` for the default `Vec<u8>`.
    pub fn bytes(&self) -> Option<TokenStream> {
        match self.bytes_type {
            BytesType::VecU8 => None,
            BytesType::Bytes => Some(quote!(::avrokit::bytes::Bytes)),
        }
    }

    /// Whether `string` values are `String`.
    pub fn plain_string(&self) -> bool {
        self.string_type == StringType::String
    }

    /// The user type a whole field holds instead of its natural type.
    pub fn field(&self, record: TypeId, field: usize) -> Option<&TokenStream> {
        self.field_rust.get(&(record, field))
    }

    /// The user type fields hold instead of the named type `id`.
    pub fn named(&self, id: TypeId) -> Option<&TokenStream> {
        self.type_rust.get(&id)
    }

    /// The user type at `site`, when a custom logical type there is mapped.
    pub fn logical(&self, site: &Site) -> Option<&TokenStream> {
        self.logical_rust.get(site)
    }

    /// The extra derives of a type (`None`: a union enum), leaving out those `present`.
    pub fn derives(&self, id: Option<TypeId>, present: &[&str]) -> TokenStream {
        let own = id.and_then(|id| self.type_derives.get(&id)).into_iter().flatten();
        let mut seen: Vec<String> = present.iter().map(|p| (*p).to_owned()).collect();
        let mut out = TokenStream::new();
        for path in self.derives.iter().chain(own) {
            let last = path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
            if !seen.contains(&last) {
                seen.push(last);
                out.extend(quote!(#path,));
            }
        }
        out
    }

    /// The extra attributes of a type (`None`: a union enum).
    pub fn attributes(&self, id: Option<TypeId>) -> TokenStream {
        let own = id.and_then(|id| self.type_attributes.get(&id)).into_iter().flatten();
        self.attributes.iter().chain(own).cloned().collect()
    }
}

/// `record.full.Name.field` → the record and field index, or the hint for a miss.
fn field_target(set: &SchemaSet, path: &str) -> Result<(TypeId, usize), String> {
    let records = || {
        set.iter()
            .filter(|(_, t)| matches!(t.kind, NamedKind::Record(_)))
            .map(|(id, t)| (id, t.name.to_string()))
    };
    let Some((record, field)) = path.rsplit_once('.') else {
        return Err("write the record's full name, a dot and the field's name (`ns.Record.field`)".to_owned());
    };
    let Some(id) = set.lookup(record) else {
        let candidates: Vec<String> = records()
            .flat_map(|(id, name)| {
                let NamedKind::Record(r) = &set.get(id).kind else {
                    return Vec::new();
                };
                r.fields.iter().map(|f| format!("{name}.{}", f.name)).collect()
            })
            .collect();
        return Err(did_you_mean(path, candidates.iter().map(String::as_str), || {
            format!("no record `{record}`; write `ns.Record.field`")
        }));
    };
    let NamedKind::Record(r) = &set.get(id).kind else {
        return Err(format!("`{record}` is not a record"));
    };
    match r.fields.iter().position(|f| f.name == field) {
        Some(index) => Ok((id, index)),
        None => Err(did_you_mean(field, r.fields.iter().map(|f| f.name.as_str()), || {
            let names: Vec<&str> = r.fields.iter().map(|f| f.name.as_str()).collect();
            format!("the fields of `{record}` are: {}", names.join(", "))
        })),
    }
}

/// Custom (not built-in) logical types in record fields, where they sit: the field's
/// type itself, an optional's value, array items and map values (the places an adapter
/// reaches), read from the field as written, in any source format (the IR keeps built-in
/// logical types only).
fn custom_logicals(set: &SchemaSet) -> Vec<(Site, String)> {
    let mut out = Vec::new();
    // Each file's tree as the loader read it (`.avsc`, `.avdl` or `.avpr`), spans into it.
    let trees: Vec<_> = set.files.iter().map(crate::load::source_json).collect();
    for (id, named) in set.iter() {
        let NamedKind::Record(record) = &named.kind else {
            continue;
        };
        for (index, field) in record.fields.iter().enumerate() {
            let Some((_, written)) = trees[field.origin.file]
                .as_ref()
                .and_then(|tree| tree.find(field.origin.span))
            else {
                continue;
            };
            if let Some(ty) = written.get("type") {
                walk(&ty.value.to_value(), &field.schema, (id, index, Vec::new()), &mut out);
            }
        }
    }
    out
}

fn walk(json: &serde_json::Value, schema: &Schema, site: Site, out: &mut Vec<(Site, String)>) {
    let down = |segment: Segment| {
        let mut path = site.2.clone();
        path.push(segment);
        (site.0, site.1, path)
    };
    match (json, schema) {
        (serde_json::Value::Array(branches), Schema::Union(_)) => {
            if let Some((inner, null_index)) = schema.as_optional()
                && let Some(branch) = branches.get(1 - null_index)
            {
                walk(branch, inner, site, out);
            }
        }
        (serde_json::Value::Object(object), Schema::Array(items)) => {
            if let Some(items_json) = object.get("items") {
                walk(items_json, items, down(Segment::Item), out);
            }
        }
        (serde_json::Value::Object(object), Schema::Map(values)) => {
            if let Some(values_json) = object.get("values") {
                walk(values_json, values, down(Segment::Value), out);
            }
        }
        (serde_json::Value::Object(object), _) if is_primitive(schema) => {
            if let Some(serde_json::Value::String(name)) = object.get("logicalType") {
                out.push((site, name.clone()));
            }
        }
        _ => {}
    }
}

fn is_primitive(schema: &Schema) -> bool {
    matches!(
        schema,
        Schema::Boolean | Schema::Int | Schema::Long | Schema::Float | Schema::Double | Schema::Bytes | Schema::String
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use crate::{LoadOptions, load_files};

    /// The same custom logical types, written in JSON and in IDL, are found at the same
    /// places: the field itself, an optional's value, array items and map values.
    #[test]
    fn custom_logical_types_are_found_in_every_source_format() {
        let avsc = r#"{"type": "record", "name": "Bill", "namespace": "shop", "fields": [
            {"name": "total", "type": {"type": "long", "logicalType": "money"}},
            {"name": "tip", "type": ["null", {"type": "long", "logicalType": "money"}], "default": null},
            {"name": "items", "type": {"type": "array", "items": {"type": "long", "logicalType": "money"}}},
            {"name": "hosts", "type": {"type": "map", "values": {"type": "string", "logicalType": "ip"}}}
        ]}"#;
        let avdl = r#"@namespace("shop") protocol P { record Bill {
            @logicalType("money") long total;
            union { null, @logicalType("money") long } tip = null;
            array<@logicalType("money") long> items;
            map<@logicalType("ip") string> hosts;
        } }"#;
        let found = |file: SourceFile| {
            let set = load_files(vec![file], &LoadOptions::default()).unwrap();
            custom_logicals(&set)
                .into_iter()
                .map(|((_, field, path), name)| (field, path.len(), name))
                .collect::<Vec<_>>()
        };
        let expected = vec![
            (0, 0, "money".to_owned()),
            (1, 0, "money".to_owned()),
            (2, 1, "money".to_owned()),
            (3, 1, "ip".to_owned()),
        ];
        assert_eq!(found(SourceFile::new("shop/bill.avsc", avsc)), expected);
        assert_eq!(found(SourceFile::new("shop/bill.avdl", avdl)), expected);
    }
}
