//! The intermediate representation every backend reads.
//!
//! A [`SchemaSet`] holds every named type of a schema directory, with references between
//! them resolved to [`TypeId`]s, defaults checked and typed ([`Value`]), logical types
//! recognised ([`Logical`], [`FixedLogical`]) and the origin of each element kept for
//! diagnostics. Aliases, docs and custom properties are kept as written: those of named
//! types and fields on them, those of the unnamed types in record fields (primitives,
//! logical primitives, arrays and maps) in [`SchemaSet::type_props`], by [`Site`].

use crate::source::{SourceFile, Span};
use std::collections::BTreeMap;
use std::fmt;

/// An Avro full name: an optional namespace and a simple name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FullName {
    /// Dot-separated namespace; `None` for the null namespace.
    pub namespace: Option<String>,
    /// The simple name.
    pub name: String,
}

impl FullName {
    /// Splits a full name at its last dot.
    pub fn parse(full: &str) -> Self {
        match full.rsplit_once('.') {
            Some((namespace, name)) => Self {
                namespace: Some(namespace.to_owned()),
                name: name.to_owned(),
            },
            None => Self {
                namespace: None,
                name: full.to_owned(),
            },
        }
    }

    /// The namespace's components (empty for the null namespace).
    pub fn namespace_parts(&self) -> Vec<&str> {
        self.namespace
            .as_deref()
            .map(|ns| ns.split('.').collect())
            .unwrap_or_default()
    }
}

impl fmt::Display for FullName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{ns}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// Index of a named type in its [`SchemaSet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub usize);

/// Where an element was written: a file of the set and a span in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    /// Index into [`SchemaSet::files`].
    pub file: usize,
    /// The element's source text.
    pub span: Span,
}

/// Custom (non-reserved) attributes of a schema element, as written and in the order
/// written.
pub type Props = serde_json::Map<String, serde_json::Value>;

/// One step from a type down into a type nested in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    /// Into an array's items.
    Item,
    /// Into a map's values.
    Value,
    /// Into a union's branch with this index.
    Branch(usize),
}

/// Where a type sits inside a record: the record, the index of the field, and the path
/// from the field's type down to it (empty for the field's type itself).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Site {
    /// The record.
    pub record: TypeId,
    /// The index of the field in the record's fields.
    pub field: usize,
    /// The steps from the field's type down to the type.
    pub path: Vec<Segment>,
}

/// Every named type loaded from a set of schema files.
#[derive(Debug, Clone, Default)]
pub struct SchemaSet {
    /// The files, in the order they were read (sorted by path).
    pub files: Vec<SourceFile>,
    /// The named types, in the order their definitions appear (files in path order).
    pub types: Vec<NamedType>,
    /// The top-level schema of each file, parallel to `files`.
    pub roots: Vec<Schema>,
    /// What the loader accepted but reports: schemas the specification tells readers to
    /// read leniently (a logical type on an underlying type it does not fit is ignored),
    /// and records no value of which can ever be written. In file order.
    pub warnings: Vec<crate::diagnostic::Diagnostic>,
    /// Custom properties of the unnamed types in record fields (`{"type": "string",
    /// "avro.java.string": "String"}`, `{"type": "array", "items": "int", "java-class":
    /// "..."}`; in Avro IDL, annotations on such a type), by where they sit; a type without
    /// any has no entry. An unknown logical type, or one ignored as it does not fit, is
    /// such a property too (`logicalType` and its parameters, as written). Those of a
    /// file's root schema when it is not a named type are not kept.
    pub type_props: BTreeMap<Site, Props>,
    pub(crate) by_name: BTreeMap<String, TypeId>,
}

impl SchemaSet {
    /// The named type with this id.
    pub fn get(&self, id: TypeId) -> &NamedType {
        &self.types[id.0]
    }

    /// The named type with this full name (not alias), if any.
    pub fn lookup(&self, full_name: &str) -> Option<TypeId> {
        self.by_name.get(full_name).copied()
    }

    /// Every type with its id.
    pub fn iter(&self) -> impl Iterator<Item = (TypeId, &NamedType)> {
        self.types.iter().enumerate().map(|(i, t)| (TypeId(i), t))
    }

    /// The file an element comes from.
    pub fn file(&self, origin: Origin) -> &SourceFile {
        &self.files[origin.file]
    }
}

/// A named type: record, enum or fixed.
#[derive(Debug, Clone)]
pub struct NamedType {
    /// The full name.
    pub name: FullName,
    /// Alternative full names, for schema resolution.
    pub aliases: Vec<FullName>,
    /// Documentation.
    pub doc: Option<String>,
    /// What kind of named type it is.
    pub kind: NamedKind,
    /// Custom attributes.
    pub props: Props,
    /// Where it is defined.
    pub origin: Origin,
}

/// The three kinds of named types.
#[derive(Debug, Clone)]
pub enum NamedKind {
    /// A record (or an `error`, which is a record in a protocol).
    Record(Record),
    /// An enum.
    Enum(EnumType),
    /// A fixed-size byte array.
    Fixed(FixedType),
}

/// A record's fields.
#[derive(Debug, Clone)]
pub struct Record {
    /// The fields, in declaration (wire) order.
    pub fields: Vec<Field>,
    /// Whether it was declared as `"type": "error"`.
    pub is_error: bool,
}

/// One field of a record.
#[derive(Debug, Clone)]
pub struct Field {
    /// The field name.
    pub name: String,
    /// Alternative names, for schema resolution.
    pub aliases: Vec<String>,
    /// Documentation.
    pub doc: Option<String>,
    /// The field's type.
    pub schema: Schema,
    /// The default, checked against `schema`.
    pub default: Option<Value>,
    /// Sort order.
    pub order: FieldOrder,
    /// Custom attributes.
    pub props: Props,
    /// Where the field is defined (the whole field object).
    pub origin: Origin,
}

/// The `order` attribute of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FieldOrder {
    /// `ascending` (the default).
    #[default]
    Ascending,
    /// `descending`.
    Descending,
    /// `ignore`.
    Ignore,
}

/// An enum's symbols.
#[derive(Debug, Clone)]
pub struct EnumType {
    /// The symbols, in order (their index is the wire value).
    pub symbols: Vec<String>,
    /// The symbol readers use for symbols they do not know.
    pub default: Option<String>,
}

/// A fixed type.
#[derive(Debug, Clone)]
pub struct FixedType {
    /// Size in bytes.
    pub size: usize,
    /// The logical type annotating it, if any.
    pub logical: Option<FixedLogical>,
}

/// Logical types whose underlying type is a `fixed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixedLogical {
    /// A decimal stored as a two's-complement big-endian integer of the fixed's size.
    Decimal(Decimal),
    /// A UUID in its 16 raw bytes.
    Uuid,
    /// Months, days and milliseconds in 12 bytes.
    Duration,
}

/// Precision and scale of a `decimal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    /// Total number of significant digits.
    pub precision: u32,
    /// Digits after the decimal point.
    pub scale: u32,
}

/// A schema: the type of a field, an array item, a map value, a union branch, ...
#[derive(Debug, Clone, PartialEq)]
pub enum Schema {
    /// `null`
    Null,
    /// `boolean`
    Boolean,
    /// `int`: 32-bit signed.
    Int,
    /// `long`: 64-bit signed.
    Long,
    /// `float`: IEEE 754 single precision.
    Float,
    /// `double`: IEEE 754 double precision.
    Double,
    /// `bytes`
    Bytes,
    /// `string`
    String,
    /// An array of items.
    Array(Box<Schema>),
    /// A map from strings to values.
    Map(Box<Schema>),
    /// A union of branches, in order (the index is the wire value).
    Union(Vec<Schema>),
    /// A record, enum or fixed.
    Named(TypeId),
    /// A logical type over a primitive.
    Logical(Logical),
}

/// Logical types whose underlying type is a primitive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Logical {
    /// `decimal` over `bytes`.
    Decimal(Decimal),
    /// `uuid` over `string`.
    Uuid,
    /// `date` over `int`: days since the Unix epoch.
    Date,
    /// `time-millis` over `int`: milliseconds after midnight.
    TimeMillis,
    /// `time-micros` over `long`: microseconds after midnight.
    TimeMicros,
    /// `timestamp-millis` over `long`: milliseconds since the epoch, UTC.
    TimestampMillis,
    /// `timestamp-micros` over `long`.
    TimestampMicros,
    /// `timestamp-nanos` over `long`.
    TimestampNanos,
    /// `local-timestamp-millis` over `long`: milliseconds since the epoch, local time.
    LocalTimestampMillis,
    /// `local-timestamp-micros` over `long`.
    LocalTimestampMicros,
    /// `local-timestamp-nanos` over `long`.
    LocalTimestampNanos,
}

impl Logical {
    /// The `logicalType` attribute's value.
    pub fn name(self) -> &'static str {
        match self {
            Logical::Decimal(_) => "decimal",
            Logical::Uuid => "uuid",
            Logical::Date => "date",
            Logical::TimeMillis => "time-millis",
            Logical::TimeMicros => "time-micros",
            Logical::TimestampMillis => "timestamp-millis",
            Logical::TimestampMicros => "timestamp-micros",
            Logical::TimestampNanos => "timestamp-nanos",
            Logical::LocalTimestampMillis => "local-timestamp-millis",
            Logical::LocalTimestampMicros => "local-timestamp-micros",
            Logical::LocalTimestampNanos => "local-timestamp-nanos",
        }
    }

    /// The primitive it annotates.
    pub fn base(self) -> Schema {
        match self {
            Logical::Decimal(_) => Schema::Bytes,
            Logical::Uuid => Schema::String,
            Logical::Date | Logical::TimeMillis => Schema::Int,
            _ => Schema::Long,
        }
    }
}

impl Schema {
    /// For a union of `null` and exactly one other branch, the other branch and the
    /// index of `null` (0 or 1).
    pub fn as_optional(&self) -> Option<(&Schema, usize)> {
        match self {
            Schema::Union(branches) if branches.len() == 2 => match branches.as_slice() {
                [Schema::Null, other] => Some((other, 0)),
                [other, Schema::Null] => Some((other, 1)),
                _ => None,
            },
            _ => None,
        }
    }
}

/// A default value, checked against its schema and stored in Avro's generic data model
/// (logical types in their underlying representation: a `date` is an `Int` of days).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`
    Null,
    /// A boolean.
    Boolean(bool),
    /// An int.
    Int(i32),
    /// A long.
    Long(i64),
    /// A float.
    Float(f32),
    /// A double.
    Double(f64),
    /// Bytes.
    Bytes(Vec<u8>),
    /// A string.
    String(String),
    /// Array items.
    Array(Vec<Value>),
    /// Map entries, sorted by key.
    Map(BTreeMap<String, Value>),
    /// Every field of a record, in schema order (fields missing in the JSON filled in from
    /// their own defaults).
    Record(Vec<Value>),
    /// An enum symbol's index.
    Enum(usize),
    /// The bytes of a fixed.
    Fixed(Vec<u8>),
    /// A union value: the branch index and the value.
    Union(usize, Box<Value>),
}

impl SchemaSet {
    /// A short description of a schema for messages: `int`, `array<string>`,
    /// `union [null, string]`, `timestamp-millis`, or a named type's full name.
    pub fn describe(&self, schema: &Schema) -> String {
        describe_schema(schema, &|id| self.get(id).name.to_string())
    }
}

/// [`SchemaSet::describe`], with named types named by `name_of` (the loader uses it before
/// the set exists).
pub(crate) fn describe_schema(schema: &Schema, name_of: &dyn Fn(TypeId) -> String) -> String {
    match schema {
        Schema::Null => "null".into(),
        Schema::Boolean => "boolean".into(),
        Schema::Int => "int".into(),
        Schema::Long => "long".into(),
        Schema::Float => "float".into(),
        Schema::Double => "double".into(),
        Schema::Bytes => "bytes".into(),
        Schema::String => "string".into(),
        Schema::Array(items) => format!("array<{}>", describe_schema(items, name_of)),
        Schema::Map(values) => format!("map<{}>", describe_schema(values, name_of)),
        Schema::Union(branches) => {
            let names: Vec<String> = branches.iter().map(|b| describe_schema(b, name_of)).collect();
            format!("union [{}]", names.join(", "))
        }
        Schema::Named(id) => name_of(*id),
        Schema::Logical(Logical::Decimal(d)) => format!("decimal({}, {})", d.precision, d.scale),
        Schema::Logical(logical) => logical.name().into(),
    }
}
