//! Pass two: turn each file's JSON into IR schemas and named types, checking every
//! attribute and resolving references through the definitions of pass one.

use super::collect::{Definitions, declared_name};
use super::logical::{fixed_logical, ignored, primitive_logical};
use super::names::{NAME_RULE, PRIMITIVES, is_valid_namespace, meant_instead, name_problem, suggest};
use crate::diagnostic::{Diagnostic, Diagnostics, Strictness};
use crate::ir::{
    EnumType, Field, FieldOrder, FixedType, FullName, Logical, NamedKind, NamedType, Origin, Props, Record, Schema,
    Segment, Site, TypeId,
};
use crate::json::{Json, JsonKind, Member};
use crate::source::{SourceFile, Span};
use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeMap;

/// A field default waiting for every type to be known before it can be checked.
pub(super) struct PendingDefault {
    pub type_id: TypeId,
    pub field: usize,
    pub file: usize,
    pub json: Json,
}

/// What pass two produces.
pub(super) struct Converted {
    pub types: Vec<Option<NamedType>>,
    pub roots: Vec<Schema>,
    pub defaults: Vec<PendingDefault>,
    /// Custom properties of unnamed types in record fields, by where they sit.
    pub type_props: BTreeMap<Site, Props>,
}

/// Converts every file. [`Strictness::Strict`]: a logical type that does not fit is an
/// error in `diagnostics`; otherwise it is ignored with a warning in `warnings`.
pub(super) fn convert(
    files: &[(SourceFile, Json)],
    mains: &[Option<(Json, Option<String>)>],
    definitions: &Definitions,
    strictness: Strictness,
    diagnostics: &mut Diagnostics,
    warnings: &mut Vec<Diagnostic>,
) -> Converted {
    let mut converter = Converter {
        files,
        definitions,
        strictness,
        diagnostics,
        warnings,
        types: vec![None; definitions.list.len()],
        defaults: Vec::new(),
        file: 0,
        site: None,
        type_props: BTreeMap::new(),
    };
    let mut roots = Vec::with_capacity(files.len());
    for (index, (_, json)) in files.iter().enumerate() {
        converter.file = index;
        let types = converter.schema(json, None);
        // An `.avdl` file with `schema Type;` is rooted there, not at its list of types.
        roots.push(match mains.get(index).and_then(Option::as_ref) {
            Some((main, namespace)) => converter.schema(main, namespace.as_deref()),
            None => types,
        });
    }
    Converted {
        types: converter.types,
        roots,
        defaults: converter.defaults,
        type_props: converter.type_props,
    }
}

const RECORD_ATTRIBUTES: &[&str] = &["type", "name", "namespace", "doc", "aliases", "fields"];
const FIELD_ATTRIBUTES: &[&str] = &["name", "type", "doc", "default", "order", "aliases"];
const ENUM_ATTRIBUTES: &[&str] = &["type", "name", "namespace", "doc", "aliases", "symbols", "default"];
const FIXED_ATTRIBUTES: &[&str] = &[
    "type",
    "name",
    "namespace",
    "doc",
    "aliases",
    "size",
    "logicalType",
    "precision",
    "scale",
];

struct Converter<'a> {
    files: &'a [(SourceFile, Json)],
    definitions: &'a Definitions,
    strictness: Strictness,
    diagnostics: &'a mut Diagnostics,
    warnings: &'a mut Vec<Diagnostic>,
    types: Vec<Option<NamedType>>,
    defaults: Vec<PendingDefault>,
    file: usize,
    /// Where the schema being converted sits, inside a record field's type (`None`
    /// outside fields, and in the fields of a duplicate definition).
    site: Option<Site>,
    type_props: BTreeMap<Site, Props>,
}

impl Converter<'_> {
    fn source(&self) -> &SourceFile {
        &self.files[self.file].0
    }

    fn error_hint(&mut self, span: Span, message: impl Into<String>, hint: impl Into<String>) {
        let diagnostic = Diagnostic::at(self.source(), span, message).with_hint(hint);
        self.diagnostics.push(diagnostic);
    }

    /// A logical type that does not fit: an error when strict, else a warning, the
    /// specification's reading being that the logical type is ignored.
    fn misfit_logical(&mut self, diagnostic: Diagnostic, underlying: &str) {
        if self.strictness.is_strict() {
            self.diagnostics.push(diagnostic);
        } else {
            self.warnings.push(ignored(diagnostic, underlying));
        }
    }

    fn origin(&self, span: Span) -> Origin {
        Origin { file: self.file, span }
    }

    /// Converts a schema nested one `segment` below the current one.
    fn nested(&mut self, segment: Segment, json: &Json, namespace: Option<&str>) -> Schema {
        if let Some(site) = &mut self.site {
            site.path.push(segment);
        }
        let schema = self.schema(json, namespace);
        if let Some(site) = &mut self.site {
            site.path.pop();
        }
        schema
    }

    /// Keeps the custom properties of the unnamed type `json` (every attribute but the
    /// `reserved` ones) at the current site.
    fn keep_type_props(&mut self, json: &Json, reserved: &[&str]) {
        let props = props(json, reserved);
        if let Some(site) = &self.site
            && !props.is_empty()
        {
            self.type_props.insert(site.clone(), props);
        }
    }

    /// Converts any schema JSON: a type name, a union array or a schema object.
    fn schema(&mut self, json: &Json, namespace: Option<&str>) -> Schema {
        match &json.kind {
            JsonKind::String(name) => self.named_or_primitive(name, json.span, namespace),
            JsonKind::Array(branches) => self.union(branches, namespace),
            JsonKind::Object(_) => self.object(json, namespace),
            _ => {
                let found = json.kind_name();
                self.error_hint(
                    json.span,
                    format!("expected a schema (a type name, a union array or an object), found {found}"),
                    r#"write a type name such as "string", a union such as ["null", "string"], or an object such as {"type": "array", "items": "string"}"#,
                );
                Schema::Null
            }
        }
    }

    fn named_or_primitive(&mut self, name: &str, span: Span, namespace: Option<&str>) -> Schema {
        if let Some(primitive) = primitive(name) {
            return primitive;
        }
        if let Some(id) = self.definitions.resolve(name, namespace) {
            return Schema::Named(id);
        }
        let template = match name {
            "record" | "error" => Some(r#"{"type": "record", "name": "...", "fields": [...]}"#),
            "enum" => Some(r#"{"type": "enum", "name": "...", "symbols": [...]}"#),
            "fixed" => Some(r#"{"type": "fixed", "name": "...", "size": ...}"#),
            "array" => Some(r#"{"type": "array", "items": ...}"#),
            "map" => Some(r#"{"type": "map", "values": ...}"#),
            _ => None,
        };
        if let Some(template) = template {
            self.error_hint(
                span,
                format!("`{name}` is a kind of schema, not a type name: it is written as an object"),
                format!("write {template}"),
            );
            return Schema::Null;
        }
        let candidates: Vec<&str> = PRIMITIVES
            .iter()
            .copied()
            .chain(self.definitions.by_name.keys().map(String::as_str))
            .collect();
        let hint = match (suggest(name, candidates.iter().copied()), meant_instead(name)) {
            (Some(candidate), _) => format!("did you mean `{candidate}`?"),
            (None, Some(meant)) if meant.starts_with('{') => {
                format!("`{name}` is a logical type, which annotates an underlying type: write {meant}")
            }
            (None, Some(meant)) => format!("did you mean {meant}?"),
            (None, None) if name.contains('.') => {
                "no schema file defines this full name; check the namespace".to_owned()
            }
            (None, None) => match namespace {
                Some(ns) => format!(
                    "looked for `{ns}.{name}` and `{name}`; define the type in a `.avsc` file of the schema directory or write its full name"
                ),
                None => "define the type in a `.avsc` file of the schema directory".to_owned(),
            },
        };
        self.error_hint(span, format!("unknown type `{name}`"), hint);
        Schema::Null
    }

    /// A union array. An empty one is valid (Java's parser and the specification allow
    /// it); it has no value, which the recursion check and the backends deal with.
    fn union(&mut self, branches: &[Json], namespace: Option<&str>) -> Schema {
        let mut converted: Vec<Schema> = Vec::with_capacity(branches.len());
        let mut keys: Vec<String> = Vec::with_capacity(branches.len());
        for branch in branches {
            if let JsonKind::Array(_) = branch.kind {
                self.error_hint(
                    branch.span,
                    "a union cannot directly contain another union",
                    "list the inner union's branches in the outer union",
                );
                continue;
            }
            let schema = self.nested(Segment::Branch(converted.len()), branch, namespace);
            let key = self.branch_key(&schema);
            if keys.contains(&key) {
                self.error_hint(
                    branch.span,
                    format!("union has two branches of type `{key}`"),
                    "remove one of them: a union holds each type once (a logical type counts as its underlying type), so that a value's branch is never ambiguous",
                );
            }
            keys.push(key);
            converted.push(schema);
        }
        Schema::Union(converted)
    }

    /// What makes union branches distinct: the full name of named types, the (underlying)
    /// type name of the others.
    fn branch_key(&self, schema: &Schema) -> String {
        match schema {
            Schema::Named(id) => self.definitions.list[id.0].name.to_string(),
            Schema::Logical(logical) => self.branch_key(&logical.base()),
            Schema::Null => "null".into(),
            Schema::Boolean => "boolean".into(),
            Schema::Int => "int".into(),
            Schema::Long => "long".into(),
            Schema::Float => "float".into(),
            Schema::Double => "double".into(),
            Schema::Bytes => "bytes".into(),
            Schema::String => "string".into(),
            Schema::Array(_) => "array".into(),
            Schema::Map(_) => "map".into(),
            Schema::Union(_) => "union".into(),
        }
    }

    fn object(&mut self, json: &Json, namespace: Option<&str>) -> Schema {
        let Some(ty) = json.get("type") else {
            self.error_hint(
                json.span,
                "schema object has no `type`",
                "add \"type\": one of record, enum, fixed, array, map, a primitive or a type name",
            );
            return Schema::Null;
        };
        let Some(kind) = ty.value.as_str() else {
            let found = ty.value.kind_name();
            self.error_hint(
                ty.value.span,
                format!("`type` must be a string, found {found}"),
                "to use a union or a nested schema as a field's type, write it directly as the field's `type`",
            );
            return Schema::Null;
        };
        match kind {
            "record" | "error" | "enum" | "fixed" => self.definition(json, kind, namespace),
            "array" => match self.required(
                json,
                "items",
                "array",
                json.span,
                r#"add the type of the elements, e.g. "items": "string""#,
            ) {
                Some(items) => {
                    let items = self.nested(Segment::Item, &items.value, namespace);
                    self.keep_type_props(json, &["type", "items"]);
                    Schema::Array(Box::new(items))
                }
                None => Schema::Null,
            },
            "map" => match self.required(
                json,
                "values",
                "map",
                json.span,
                r#"add the type of the values (keys are always strings), e.g. "values": "string""#,
            ) {
                Some(values) => {
                    let values = self.nested(Segment::Value, &values.value, namespace);
                    self.keep_type_props(json, &["type", "values"]);
                    Schema::Map(Box::new(values))
                }
                None => Schema::Null,
            },
            _ => match primitive(kind) {
                Some(base) => {
                    // A logical type the IR does not hold (unknown, or ignored as it does
                    // not fit) stays a property, as written.
                    let (schema, reserved): (Schema, &[&str]) = match primitive_logical(self.source(), json, &base) {
                        Ok(Some(logical @ Logical::Decimal(_))) => {
                            (Schema::Logical(logical), &["type", "logicalType", "precision", "scale"])
                        }
                        Ok(Some(logical)) => (Schema::Logical(logical), &["type", "logicalType"]),
                        Ok(None) => (base, &["type"]),
                        Err(diagnostic) => {
                            self.misfit_logical(diagnostic, kind);
                            (base, &["type"])
                        }
                    };
                    self.keep_type_props(json, reserved);
                    schema
                }
                None => self.named_or_primitive(kind, ty.value.span, namespace),
            },
        }
    }

    /// The member `key` of `json`. When it is missing, reports that `what` has no `key`
    /// at `anchor` with `hint`; or, when another key is a near miss (`item` for
    /// `items`), at that key, suggesting the right spelling.
    fn required<'j>(&mut self, json: &'j Json, key: &str, what: &str, anchor: Span, hint: &str) -> Option<&'j Member> {
        let member = json.get(key);
        if member.is_none() {
            let near_miss = match &json.kind {
                JsonKind::Object(members) => members.iter().find(|m| suggest(&m.key, [key]).is_some()),
                _ => None,
            };
            match near_miss {
                Some(near) => self.error_hint(
                    near.key_span,
                    format!("{what} has no `{key}`"),
                    format!("did you mean `{key}` instead of `{}`?", near.key),
                ),
                None => self.error_hint(anchor, format!("{what} has no `{key}`"), hint),
            }
        }
        member
    }

    fn definition(&mut self, json: &Json, kind: &str, namespace: Option<&str>) -> Schema {
        self.check_definition_name(json, kind);
        let id = self.definitions.at(self.file, json.span);
        let Some((name, name_span)) = declared_name(json, namespace) else {
            return Schema::Null;
        };
        // Problems inside the definition name it, and point at its name when the
        // problem is a missing attribute.
        let what = format!("{} `{name}`", if kind == "error" { "record" } else { kind });
        let inner_namespace = name.namespace.clone();
        let doc = self.doc(json);
        let aliases = self.type_aliases(json, &name);
        let (named_kind, reserved) = match kind {
            "enum" => (self.enum_type(json, &what, name_span), ENUM_ATTRIBUTES),
            "fixed" => (self.fixed_type(json, &what, name_span), FIXED_ATTRIBUTES),
            _ => {
                let fields = self.fields(json, id, inner_namespace.as_deref(), &what, name_span);
                let record = Record {
                    fields,
                    is_error: kind == "error",
                };
                (NamedKind::Record(record), RECORD_ATTRIBUTES)
            }
        };
        let props = props(json, reserved);
        let Some(id) = id else {
            // A duplicate: reported in pass one; its body was still checked above.
            return Schema::Null;
        };
        self.types[id.0] = Some(NamedType {
            name,
            aliases,
            doc,
            kind: named_kind,
            props,
            origin: self.origin(json.span),
        });
        Schema::Named(id)
    }

    fn check_definition_name(&mut self, json: &Json, kind: &str) {
        let kind = if kind == "error" { "record" } else { kind };
        let anchor = json.get("type").map_or(json.span, |m| m.value.span);
        let Some(name) = self.required(
            json,
            "name",
            kind,
            anchor,
            r#"add "name": "..." (UpperCamelCase by convention); named types are referred to by it"#,
        ) else {
            return;
        };
        let Some(text) = name.value.as_str() else {
            let found = name.value.kind_name();
            self.error_hint(
                name.value.span,
                format!("`name` must be a string, found {found}"),
                r#"write the name as a string, e.g. "name": "Reading""#,
            );
            return;
        };
        if let Some(problem) = name_problem(text) {
            let hint = match text.rsplit('.').next().map(str::to_upper_camel_case) {
                Some(fixed) if name_problem(&fixed).is_none() && !fixed.is_empty() => {
                    format!("{NAME_RULE}; rename it, e.g. `{fixed}`")
                }
                _ => format!("{NAME_RULE}; rename it"),
            };
            self.error_hint(
                name.value.span,
                format!("invalid {kind} name `{text}`: {problem}"),
                hint,
            );
        } else if PRIMITIVES.contains(&text) {
            self.error_hint(
                name.value.span,
                format!("`{text}` is a primitive type and cannot name a {kind}"),
                format!(
                    "rename the {kind}: the primitive type names ({}) are reserved",
                    PRIMITIVES.join(", ")
                ),
            );
        }
        if let Some(ns) = json.get("namespace") {
            match ns.value.as_str() {
                Some(text) if is_valid_namespace(text) => {}
                Some(text) => self.error_hint(
                    ns.value.span,
                    format!("invalid namespace `{text}`: {}", name_problem(text).unwrap_or_default()),
                    format!("a namespace is names separated by single dots; {NAME_RULE}"),
                ),
                None => {
                    let found = ns.value.kind_name();
                    self.error_hint(
                        ns.value.span,
                        format!("`namespace` must be a string, found {found}"),
                        r#"write it as a string, e.g. "namespace": "com.example""#,
                    );
                }
            }
        }
    }

    fn doc(&mut self, json: &Json) -> Option<String> {
        let member = json.get("doc")?;
        match member.value.as_str() {
            Some(text) => Some(text.to_owned()),
            None => {
                let found = member.value.kind_name();
                self.error_hint(
                    member.value.span,
                    format!("`doc` must be a string, found {found}"),
                    "write the documentation as one string",
                );
                None
            }
        }
    }

    fn strings(&mut self, json: &Json, key: &str) -> Vec<(String, Span)> {
        let Some(member) = json.get(key) else {
            return Vec::new();
        };
        let JsonKind::Array(items) = &member.value.kind else {
            let found = member.value.kind_name();
            self.error_hint(
                member.value.span,
                format!("`{key}` must be an array of strings, found {found}"),
                format!(r#"write e.g. "{key}": ["A", "B"]"#),
            );
            return Vec::new();
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item.as_str() {
                Some(text) => out.push((text.to_owned(), item.span)),
                None => {
                    let found = item.kind_name();
                    self.error_hint(
                        item.span,
                        format!("`{key}` must contain only strings, found {found}"),
                        "quote it",
                    );
                }
            }
        }
        out
    }

    fn type_aliases(&mut self, json: &Json, name: &FullName) -> Vec<FullName> {
        let mut aliases = Vec::new();
        for (alias, span) in self.strings(json, "aliases") {
            if let Some(problem) = name_problem(&alias) {
                self.error_hint(
                    span,
                    format!("invalid alias `{alias}`: {problem}"),
                    format!("an alias is a former name of the type, so it follows the naming rules: {NAME_RULE}"),
                );
            } else if alias.contains('.') {
                aliases.push(FullName::parse(&alias));
            } else {
                aliases.push(FullName {
                    namespace: name.namespace.clone(),
                    name: alias,
                });
            }
        }
        aliases
    }

    fn enum_type(&mut self, json: &Json, what: &str, anchor: Span) -> NamedKind {
        let mut symbols: Vec<String> = Vec::new();
        if self
            .required(
                json,
                "symbols",
                what,
                anchor,
                r#"add the enum's values, e.g. "symbols": ["LOW", "HIGH"]"#,
            )
            .is_some()
        {
            for (symbol, span) in self.strings(json, "symbols") {
                if let Some(problem) = simple_name_problem(&symbol) {
                    let hint = match symbol.to_shouty_snake_case() {
                        fixed if simple_name_problem(&fixed).is_none() && !fixed.is_empty() => {
                            format!("{NAME_RULE}; e.g. `{fixed}`")
                        }
                        _ => NAME_RULE.to_owned(),
                    };
                    self.error_hint(span, format!("invalid enum symbol `{symbol}`: {problem}"), hint);
                } else if symbols.contains(&symbol) {
                    self.error_hint(
                        span,
                        format!("{what} lists the symbol `{symbol}` twice"),
                        "remove the repeated symbol: each symbol is one value of the enum",
                    );
                } else {
                    symbols.push(symbol);
                }
            }
        }
        let default = json.get("default").and_then(|member| match member.value.as_str() {
            Some(symbol) if symbols.iter().any(|s| s == symbol) => Some(symbol.to_owned()),
            Some(symbol) => {
                let hint = match suggest(symbol, symbols.iter().map(String::as_str)) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => format!("the symbols are: {}", symbols.join(", ")),
                };
                self.error_hint(
                    member.value.span,
                    format!("enum default `{symbol}` is not one of the enum's symbols"),
                    hint,
                );
                None
            }
            None => {
                let found = member.value.kind_name();
                self.error_hint(
                    member.value.span,
                    format!("enum `default` must be a symbol string, found {found}"),
                    format!(
                        r#"write one of the symbols as a string, e.g. "default": "{}""#,
                        symbols.first().map_or("...", String::as_str)
                    ),
                );
                None
            }
        });
        NamedKind::Enum(EnumType { symbols, default })
    }

    fn fixed_type(&mut self, json: &Json, what: &str, anchor: Span) -> NamedKind {
        let size = match self.required(
            json,
            "size",
            what,
            anchor,
            r#"add the number of bytes, e.g. "size": 16"#,
        ) {
            // Avro sizes are ints (Java's limit); larger ones would also overflow the
            // decimal precision arithmetic.
            Some(member) => match member.value.as_i64().and_then(|n| i32::try_from(n).ok()) {
                Some(size) if size >= 0 => usize::try_from(size).ok(),
                _ => {
                    self.error_hint(
                        member.value.span,
                        format!("{what}: `size` must be a whole number of bytes from 0 to 2147483647"),
                        r#"write the number of bytes, e.g. "size": 16"#,
                    );
                    None
                }
            },
            None => None,
        };
        // Without a valid size, checking the logical type against it would only repeat
        // the size error in other words.
        let logical = match size.map(|size| fixed_logical(self.source(), json, size)) {
            Some(Ok(logical)) => logical,
            Some(Err(diagnostic)) => {
                self.misfit_logical(diagnostic, "fixed");
                None
            }
            None => None,
        };
        NamedKind::Fixed(FixedType {
            size: size.unwrap_or(0),
            logical,
        })
    }

    fn fields(
        &mut self,
        json: &Json,
        owner: Option<TypeId>,
        namespace: Option<&str>,
        what: &str,
        anchor: Span,
    ) -> Vec<Field> {
        let Some(member) = self.required(
            json,
            "fields",
            what,
            anchor,
            r#"add "fields": [{"name": "...", "type": "..."}, ...], or "fields": [] for a record without fields"#,
        ) else {
            return Vec::new();
        };
        let JsonKind::Array(items) = &member.value.kind else {
            let found = member.value.kind_name();
            self.error_hint(
                member.value.span,
                format!("`fields` must be an array, found {found}"),
                r#"write "fields": [{"name": "...", "type": "..."}, ...]"#,
            );
            return Vec::new();
        };
        let mut fields: Vec<Field> = Vec::with_capacity(items.len());
        for item in items {
            if let Some(field) = self.field(item, owner, fields.len(), namespace) {
                if let Some(first) = fields.iter().find(|f| f.name == field.name) {
                    let span = item.get("name").map_or(item.span, |m| m.value.span);
                    let line = self.source().line_column(first.origin.span.start).line;
                    self.error_hint(
                        span,
                        format!("{what} has two fields named `{}`", field.name),
                        format!("the first is on line {line}; rename or remove one of them"),
                    );
                    continue;
                }
                fields.push(field);
            }
        }
        fields
    }

    fn field(&mut self, json: &Json, owner: Option<TypeId>, index: usize, namespace: Option<&str>) -> Option<Field> {
        if !matches!(json.kind, JsonKind::Object(_)) {
            let found = json.kind_name();
            self.error_hint(
                json.span,
                format!("a field must be an object, found {found}"),
                r#"write each field as {"name": "...", "type": "..."}"#,
            );
            return None;
        }
        let name_member = self.required(
            json,
            "name",
            "field",
            json.span,
            r#"add the field's name, e.g. "name": "value""#,
        )?;
        let Some(name) = name_member.value.as_str().map(str::to_owned) else {
            let found = name_member.value.kind_name();
            self.error_hint(
                name_member.value.span,
                format!("field `name` must be a string, found {found}"),
                r#"write the name as a string, e.g. "name": "value""#,
            );
            return None;
        };
        if let Some(problem) = simple_name_problem(&name) {
            let hint = match name.to_snake_case() {
                fixed if simple_name_problem(&fixed).is_none() && !fixed.is_empty() => {
                    format!("{NAME_RULE}; rename it, e.g. `{fixed}` (the Rust name is derived from it)")
                }
                _ => format!("{NAME_RULE}; rename it (the Rust name is derived from it)"),
            };
            self.error_hint(
                name_member.value.span,
                format!("invalid field name `{name}`: {problem}"),
                hint,
            );
        }
        let ty = self.required(
            json,
            "type",
            &format!("field `{name}`"),
            name_member.value.span,
            r#"add the field's schema, e.g. "type": "string", or "type": ["null", "string"] with "default": null for an optional field"#,
        )?;
        let site = owner.map(|record| Site {
            record,
            field: index,
            path: Vec::new(),
        });
        let outer = std::mem::replace(&mut self.site, site);
        let schema = self.schema(&ty.value, namespace);
        self.site = outer;
        let doc = self.doc(json);
        let aliases = self
            .strings(json, "aliases")
            .into_iter()
            .filter_map(|(alias, span)| match simple_name_problem(&alias) {
                None => Some(alias),
                Some(problem) => {
                    self.error_hint(
                        span,
                        format!("invalid field alias `{alias}`: {problem}"),
                        format!("an alias is a former name of the field, so it follows the naming rules: {NAME_RULE}"),
                    );
                    None
                }
            })
            .collect();
        let order = match json.get("order") {
            None => FieldOrder::Ascending,
            Some(member) => match member.value.as_str() {
                Some("ascending") => FieldOrder::Ascending,
                Some("descending") => FieldOrder::Descending,
                Some("ignore") => FieldOrder::Ignore,
                other => {
                    const ORDERS: [&str; 3] = ["ascending", "descending", "ignore"];
                    let written = other.unwrap_or_default().to_ascii_lowercase();
                    let close = ORDERS
                        .iter()
                        .find(|o| !written.is_empty() && o.starts_with(&written))
                        .copied()
                        .or_else(|| suggest(&written, ORDERS));
                    let hint = match close {
                        Some(order) => format!("did you mean \"{order}\"?"),
                        None => "use \"ascending\", \"descending\" or \"ignore\"".to_owned(),
                    };
                    let shown = match other {
                        Some(text) => format!("\"{text}\""),
                        None => member.value.kind_name().to_owned(),
                    };
                    self.error_hint(
                        member.value.span,
                        format!("field `{name}`: invalid `order` {shown}"),
                        hint,
                    );
                    FieldOrder::Ascending
                }
            },
        };
        if let (Some(default), Some(type_id)) = (json.get("default"), owner) {
            self.defaults.push(PendingDefault {
                type_id,
                field: index,
                file: self.file,
                json: default.value.clone(),
            });
        }
        Some(Field {
            name,
            aliases,
            doc,
            schema,
            default: None,
            order,
            props: props(json, FIELD_ATTRIBUTES),
            origin: self.origin(json.span),
        })
    }
}

/// Why `name` is not a valid simple name (a field, a symbol: no dots allowed).
fn simple_name_problem(name: &str) -> Option<String> {
    if name.contains('.') {
        return Some("it contains `.`".to_owned());
    }
    name_problem(name)
}

fn primitive(name: &str) -> Option<Schema> {
    Some(match name {
        "null" => Schema::Null,
        "boolean" => Schema::Boolean,
        "int" => Schema::Int,
        "long" => Schema::Long,
        "float" => Schema::Float,
        "double" => Schema::Double,
        "bytes" => Schema::Bytes,
        "string" => Schema::String,
        _ => return None,
    })
}

/// The attributes of an object that are not reserved for the schema kind: custom
/// properties, kept as written.
fn props(json: &Json, reserved: &[&str]) -> Props {
    match &json.kind {
        JsonKind::Object(members) => members
            .iter()
            .filter(|m| !reserved.contains(&m.key.as_str()))
            .map(|m| (m.key.clone(), m.value.to_value()))
            .collect(),
        _ => Props::new(),
    }
}
