//! Schema compatibility: can a reader schema read data written with a writer schema, and
//! does a new version of a subject pass the Schema Registry's compatibility mode?
//!
//! The rules are those of Java Avro's `org.apache.avro.SchemaCompatibility` (the checker the
//! Confluent Schema Registry runs), so verdicts match the registry's; unlike apache-avro's
//! Rust checker, the walk does not stop at the first problem: it reports *every*
//! incompatibility, each with Java's JSON-pointer location, Java's message, the registry's
//! verbose wording and the `.avsc` file, line and column of the elements involved.
//!
//! # API
//!
//! * [`can_read`]`((reader_set, reader), (writer_set, writer)) -> `[`Report`]: one
//!   reader/writer pair. [`Report::incompatibilities`] is empty exactly when Java's
//!   checker says `COMPATIBLE`; [`Report::warnings`] lists logical-type changes the
//!   reference checker ignores (timestamp-millis read as -micros, a decimal's scale, ...).
//! * [`check`]`(new, previous, mode) -> `[`Verdict`]: the registry's semantics of the seven
//!   [`Compatibility`] modes. `previous` holds the subject's earlier [`Version`]s, **oldest
//!   first**. BACKWARD: the new schema reads the latest; FORWARD: the latest reads the new
//!   one; FULL: both (FORWARD's messages first, as the registry lists them); the
//!   `*_TRANSITIVE` modes check every earlier version, newest first, and stop at the first
//!   one that fails ([`Verdict::failed_version`]); NONE always passes. No earlier version:
//!   compatible.
//! * [`Incompatibility`]: `kind` ([`IncompatibilityKind::as_str`] gives `TYPE_MISMATCH`, ...),
//!   `location` (JSON pointer into the *reader*, as Java reports it: `/fields/3/type`),
//!   `message` (Java's text), `reader` and `writer` [`Position`]s (file, line, column of
//!   the nearest enclosing field or named type on each side), `reader_is_new` (which of
//!   the two is the new schema: [`Incompatibility::new_position`] is where to annotate a
//!   change), and `causes` (for a `MISSING_UNION_BRANCH` whose writer branch is a named type
//!   the reader union also has: why that branch does not read it, located).
//!   [`Incompatibility::registry_wording`] renders
//!   `{errorType:'…', description:'…', additionalInfo:'…'}` as the registry's verbose output.
//! * [`Verdict::registry_messages`] renders the whole verbose list the registry returns,
//!   including `{oldSchemaVersion: N}` and `{oldSchema: '…'}`.
//! * Warnings never make a verdict incompatible; [`Verdict::passes`] with
//!   [`Strictness::Strict`] counts them as failures for callers that ask for it
//!   (`--strict`).
//!
//! ```
//! use avrokit_codegen::{compat, load_files, LoadOptions, source::SourceFile};
//! let load = |text: &str| load_files(vec![SourceFile::new("x.avsc", text)], &LoadOptions::default()).unwrap();
//! let old = load(r#"{"type":"record","name":"R","fields":[{"name":"a","type":"string"}]}"#);
//! let new = load(r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}"#);
//! let report = compat::can_read((&new, &new.roots[0]), (&old, &old.roots[0]));
//! assert_eq!(report.incompatibilities[0].location, "/fields/0/type");
//! assert_eq!(report.incompatibilities[0].message, "reader type: INT not compatible with writer type: STRING");
//! ```

mod location;
mod message;
mod modes;
mod rules;
mod warnings;

pub use crate::Strictness;
pub use crate::catalog::Compatibility;
use crate::ir::{Schema, SchemaSet};
pub use modes::{check, check_accepting};
use std::path::PathBuf;

/// Which findings pass on purpose, asked with a finding's rule name
/// ([`IncompatibilityKind::as_str`] or [`Warning::RULE`]) and its JSON pointer into the
/// new schema ([`Incompatibility::new_location`]).
pub type Accepts<'a> = &'a dyn Fn(&str, &str) -> bool;

/// The six kinds of incompatibility of Java's `SchemaIncompatibilityType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IncompatibilityKind {
    /// A named type's name differs and no reader alias matches the writer's full name.
    NameMismatch,
    /// Two fixed types of different sizes.
    FixedSizeMismatch,
    /// The writer has enum symbols the reader lacks, and the reader has no enum default.
    MissingEnumSymbols,
    /// A reader field the writer does not have, without a default.
    ReaderFieldMissingDefaultValue,
    /// Types that do not resolve (and are no promotion).
    TypeMismatch,
    /// A writer type (or union branch) no branch of the reader's union reads.
    MissingUnionBranch,
}

impl IncompatibilityKind {
    /// Every kind, in Java's order.
    pub const ALL: [IncompatibilityKind; 6] = [
        IncompatibilityKind::NameMismatch,
        IncompatibilityKind::FixedSizeMismatch,
        IncompatibilityKind::MissingEnumSymbols,
        IncompatibilityKind::ReaderFieldMissingDefaultValue,
        IncompatibilityKind::TypeMismatch,
        IncompatibilityKind::MissingUnionBranch,
    ];

    /// The Java (and registry) name: `NAME_MISMATCH`, `TYPE_MISMATCH`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            IncompatibilityKind::NameMismatch => "NAME_MISMATCH",
            IncompatibilityKind::FixedSizeMismatch => "FIXED_SIZE_MISMATCH",
            IncompatibilityKind::MissingEnumSymbols => "MISSING_ENUM_SYMBOLS",
            IncompatibilityKind::ReaderFieldMissingDefaultValue => "READER_FIELD_MISSING_DEFAULT_VALUE",
            IncompatibilityKind::TypeMismatch => "TYPE_MISMATCH",
            IncompatibilityKind::MissingUnionBranch => "MISSING_UNION_BRANCH",
        }
    }
}

/// A place in an `.avsc` file: 1-based line and column (characters). Line and column are 0
/// when the schema came from no file of its set (a top-level primitive, say).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Position {
    /// The file, as the loader was given it.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// One reason the reader cannot read the writer's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incompatibility {
    /// What kind of problem.
    pub kind: IncompatibilityKind,
    /// JSON pointer into the reader schema, as Java's `getLocation()` renders it
    /// (`/fields/3/type`, `/` for the root). Field indexes are the reader's.
    pub location: String,
    /// The same element's JSON pointer into the writer schema (the writer's field
    /// indexes; it stops at the writer's record where the reader has a field the writer
    /// lacks).
    pub writer_location: String,
    /// Java's message: `reader type: INT not compatible with writer type: STRING`,
    /// `expected: a.B`, `[C, D]`, the field name, ...
    pub message: String,
    /// The nearest field or named type enclosing the element in the reader.
    pub reader: Position,
    /// The nearest field or named type enclosing the element in the writer.
    pub writer: Position,
    /// Whether the reader is the new schema (BACKWARD's direction) or the old one
    /// (FORWARD's). [`can_read`] alone sets it to `true`; [`check`] sets it per direction.
    pub reader_is_new: bool,
    /// For a `MISSING_UNION_BRANCH` where the reader union has a branch of the same named
    /// type as the writer's: why that branch does not read it (Java reports only the missing
    /// branch; these say which field inside it changed).
    pub causes: Vec<Incompatibility>,
}

impl Incompatibility {
    /// Where the new schema has the element: the place to annotate in a review.
    pub fn new_position(&self) -> &Position {
        if self.reader_is_new { &self.reader } else { &self.writer }
    }

    /// The JSON pointer into the new schema: [`Incompatibility::location`] when the reader
    /// is new, else [`Incompatibility::writer_location`]; it points into the file of
    /// [`Incompatibility::new_position`].
    pub fn new_location(&self) -> &str {
        if self.reader_is_new {
            &self.location
        } else {
            &self.writer_location
        }
    }

    /// The registry's verbose element for this incompatibility:
    /// `{errorType:'TYPE_MISMATCH', description:'…', additionalInfo:'…'}`.
    pub fn registry_wording(&self) -> String {
        message::registry_wording(self)
    }
}

/// A change the reference checker accepts but which changes what values mean (a
/// logical-type change over the same underlying type).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// JSON pointer into the reader schema.
    pub location: String,
    /// JSON pointer into the writer schema.
    pub writer_location: String,
    /// What changes, naming both logical types.
    pub message: String,
    /// The nearest field or named type enclosing the element in the reader.
    pub reader: Position,
    /// ... in the writer.
    pub writer: Position,
    /// Whether the reader is the new schema (see [`Incompatibility::reader_is_new`]).
    pub reader_is_new: bool,
}

impl Warning {
    /// The rule name warnings are reported under.
    pub const RULE: &'static str = "LOGICAL_TYPE_CHANGE";

    /// Where the new schema has the element.
    pub fn new_position(&self) -> &Position {
        if self.reader_is_new { &self.reader } else { &self.writer }
    }

    /// The JSON pointer into the new schema (see [`Incompatibility::new_location`]).
    pub fn new_location(&self) -> &str {
        if self.reader_is_new {
            &self.location
        } else {
            &self.writer_location
        }
    }
}

/// Everything found about one reader/writer pair.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Every incompatibility, in the order Java's walk meets them; empty: compatible.
    pub incompatibilities: Vec<Incompatibility>,
    /// Logical-type changes (never failures by themselves).
    pub warnings: Vec<Warning>,
}

impl Report {
    /// Whether the reader reads everything the writer writes.
    pub fn is_compatible(&self) -> bool {
        self.incompatibilities.is_empty()
    }
}

/// Whether data written with `writer` can be read with `reader`, by Java's rules; every
/// incompatibility found, with locations. Each schema comes with the set its named types
/// live in (the two sets are independent: same-named types in them are compared, not
/// identified).
pub fn can_read(reader: (&SchemaSet, &Schema), writer: (&SchemaSet, &Schema)) -> Report {
    rules::can_read(reader, writer)
}

/// One earlier version of a subject.
#[derive(Debug, Clone, Copy)]
pub struct Version<'a> {
    /// The registry's version number (or a position in git history).
    pub number: u32,
    /// The set its named types live in.
    pub set: &'a SchemaSet,
    /// The version's schema.
    pub schema: &'a Schema,
}

/// The result of checking a new schema against a subject's earlier versions.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verdict {
    /// Whether the new schema passes: no incompatibility but accepted ones (warnings do
    /// not count).
    pub compatible: bool,
    /// The mode checked.
    pub mode: Compatibility,
    /// The incompatibilities with the first failing version (empty when compatible),
    /// accepted ones left out.
    pub messages: Vec<Incompatibility>,
    /// Logical-type changes against every version checked, accepted ones left out.
    pub warnings: Vec<Warning>,
    /// The version that failed, as the registry reports it in `{oldSchemaVersion: N}`.
    pub failed_version: Option<u32>,
    /// Incompatibilities found but accepted on purpose ([`check_accepting`]), against
    /// every version checked, each once.
    pub accepted: Vec<Incompatibility>,
    /// Logical-type changes accepted on purpose.
    pub accepted_warnings: Vec<Warning>,
}

impl Verdict {
    /// A passing verdict under `mode` with nothing found: a new subject, or what a
    /// registry accepted without reasons to show.
    pub fn pass(mode: Compatibility) -> Verdict {
        Verdict {
            compatible: true,
            mode,
            messages: Vec::new(),
            warnings: Vec::new(),
            failed_version: None,
            accepted: Vec::new(),
            accepted_warnings: Vec::new(),
        }
    }

    /// Moves the findings `accepts` lets pass (asked with the rule name and the JSON
    /// pointer into the new schema) from [`Verdict::messages`] and [`Verdict::warnings`]
    /// to the accepted lists; the verdict becomes compatible when no message is left.
    /// [`check_accepting`] does this per version, so a transitive walk goes on past an
    /// accepted break; this is for a verdict made elsewhere (a registry's answer).
    pub fn accept(&mut self, accepts: Accepts<'_>) {
        let messages = std::mem::take(&mut self.messages);
        let (accepted, failing): (Vec<_>, Vec<_>) = messages
            .into_iter()
            .partition(|m| accepts(m.kind.as_str(), m.new_location()));
        for incompatibility in accepted {
            if !self.accepted.contains(&incompatibility) {
                self.accepted.push(incompatibility);
            }
        }
        self.messages = failing;
        let warnings = std::mem::take(&mut self.warnings);
        let (accepted, kept): (Vec<_>, Vec<_>) = warnings
            .into_iter()
            .partition(|w| accepts(Warning::RULE, w.new_location()));
        self.accepted_warnings.extend(accepted);
        self.warnings = kept;
        if self.messages.is_empty() {
            self.compatible = true;
            self.failed_version = None;
        }
    }

    /// Whether the gate passes: compatible, and with [`Strictness::Strict`] also without
    /// warnings.
    pub fn passes(&self, strictness: Strictness) -> bool {
        self.compatible && (!strictness.is_strict() || self.warnings.is_empty())
    }

    /// The registry's verbose `messages` list: one element per incompatibility, then
    /// `{oldSchemaVersion: N}`, `{oldSchema: '…'}` (given the failed version's JSON) and
    /// the `{validateFields: 'false', compatibility: '…'}` trailer. Empty when compatible.
    pub fn registry_messages(&self, old_schema_json: Option<&str>) -> Vec<String> {
        message::registry_messages(self, old_schema_json)
    }
}
