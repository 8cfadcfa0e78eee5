//! The reader/writer walk: Java's `SchemaCompatibility.ReaderWriterCompatibilityChecker`,
//! rule for rule, collecting every incompatibility instead of one.
//!
//! Two departures in *how*, none in *what*: Java memoises every (reader, writer) pair by
//! identity, which only matters for named types (the only shared nodes), so the memo here
//! is keyed by the two named types' ids; and a pair met again that was incompatible the
//! first time is walked again so its problems are reported at the new location too (Java
//! repeats the first location). Union branches are probed quietly: Java throws away what
//! a probe finds, so building messages for it would only cost time.

use super::location::{Cursor, Token};
use super::warnings;
use super::{Incompatibility, IncompatibilityKind, Report, Warning};
use crate::ir::{Field, NamedKind, Record, Schema, SchemaSet, TypeId};
use std::collections::HashMap;

/// Entry point of [`super::can_read`].
pub(super) fn can_read(reader: (&SchemaSet, &Schema), writer: (&SchemaSet, &Schema)) -> Report {
    let mut walk = Walk {
        reader: reader.0,
        writer: writer.0,
        cursor: Cursor::new(reader, writer),
        memo: HashMap::new(),
        quiet: 0,
        report: Report::default(),
    };
    walk.check(reader.1, writer.1);
    walk.report
}

/// Java's `Schema.Type`: the kind of a schema once logical types are seen through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    String,
    Array,
    Map,
    Union,
    Record,
    Enum,
    Fixed,
}

impl Kind {
    pub(super) fn of(set: &SchemaSet, schema: &Schema) -> Kind {
        match schema {
            Schema::Null => Kind::Null,
            Schema::Boolean => Kind::Boolean,
            Schema::Int => Kind::Int,
            Schema::Long => Kind::Long,
            Schema::Float => Kind::Float,
            Schema::Double => Kind::Double,
            Schema::Bytes => Kind::Bytes,
            Schema::String => Kind::String,
            Schema::Array(_) => Kind::Array,
            Schema::Map(_) => Kind::Map,
            Schema::Union(_) => Kind::Union,
            // The reference checkers compare the underlying type only.
            Schema::Logical(logical) => Kind::of(set, &logical.base()),
            Schema::Named(id) => match set.get(*id).kind {
                NamedKind::Record(_) => Kind::Record,
                NamedKind::Enum(_) => Kind::Enum,
                NamedKind::Fixed(_) => Kind::Fixed,
            },
        }
    }

    /// Java's `Schema.Type.toString()`, which messages use: upper case.
    pub(super) fn upper(self) -> &'static str {
        match self {
            Kind::Null => "NULL",
            Kind::Boolean => "BOOLEAN",
            Kind::Int => "INT",
            Kind::Long => "LONG",
            Kind::Float => "FLOAT",
            Kind::Double => "DOUBLE",
            Kind::Bytes => "BYTES",
            Kind::String => "STRING",
            Kind::Array => "ARRAY",
            Kind::Map => "MAP",
            Kind::Union => "UNION",
            Kind::Record => "RECORD",
            Kind::Enum => "ENUM",
            Kind::Fixed => "FIXED",
        }
    }

    fn is_primitive(self) -> bool {
        matches!(
            self,
            Kind::Null
                | Kind::Boolean
                | Kind::Int
                | Kind::Long
                | Kind::Float
                | Kind::Double
                | Kind::Bytes
                | Kind::String
        )
    }
}

/// The memo's state of a pair of named types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Being checked further up the stack: Java counts it as compatible (recursion).
    InProgress,
    /// Checked; whether compatible.
    Done(bool),
}

struct Walk<'a> {
    reader: &'a SchemaSet,
    writer: &'a SchemaSet,
    cursor: Cursor<'a>,
    memo: HashMap<(TypeId, TypeId), State>,
    /// Above zero while probing union branches: verdicts only, nothing reported.
    quiet: u32,
    report: Report,
}

impl Walk<'_> {
    /// Whether `reader` reads `writer`; reports why not (unless quiet).
    fn check(&mut self, reader: &Schema, writer: &Schema) -> bool {
        let reader_kind = Kind::of(self.reader, reader);
        let writer_kind = Kind::of(self.writer, writer);
        if reader_kind == writer_kind {
            return self.same_kind(reader_kind, reader, writer);
        }
        if let Schema::Union(branches) = writer {
            // Every writer branch must be readable; the branch's own problems are reported.
            let mut ok = true;
            for (index, branch) in branches.iter().enumerate() {
                self.cursor.push(Token::Index(index));
                ok &= self.check(reader, branch);
                self.cursor.pop();
            }
            return ok;
        }
        let promoted = match reader_kind {
            Kind::Long => writer_kind == Kind::Int,
            Kind::Float => matches!(writer_kind, Kind::Int | Kind::Long),
            Kind::Double => matches!(writer_kind, Kind::Int | Kind::Long | Kind::Float),
            Kind::Bytes => writer_kind == Kind::String,
            Kind::String => writer_kind == Kind::Bytes,
            Kind::Union => return self.reader_union(reader, writer, writer_kind),
            _ => false,
        };
        if promoted {
            self.logical_change(reader, writer);
            return true;
        }
        self.type_mismatch(reader_kind, writer_kind)
    }

    fn same_kind(&mut self, kind: Kind, reader: &Schema, writer: &Schema) -> bool {
        match (kind, reader, writer) {
            _ if kind.is_primitive() => {
                self.logical_change(reader, writer);
                true
            }
            (_, Schema::Array(reader_items), Schema::Array(writer_items)) => {
                self.cursor.push(Token::Key("items"));
                let ok = self.check(reader_items, writer_items);
                self.cursor.pop();
                ok
            }
            (_, Schema::Map(reader_values), Schema::Map(writer_values)) => {
                self.cursor.push(Token::Key("values"));
                let ok = self.check(reader_values, writer_values);
                self.cursor.pop();
                ok
            }
            (_, Schema::Named(reader_id), Schema::Named(writer_id)) => self.named(*reader_id, *writer_id),
            (_, Schema::Union(_), Schema::Union(writer_branches)) => {
                // Each writer branch against the reader union as a whole; Java keeps only
                // the fact that a branch is missing, at the branch's index.
                let mut ok = true;
                for (index, branch) in writer_branches.iter().enumerate() {
                    if self.probe(reader, branch) {
                        continue;
                    }
                    ok = false;
                    if self.quiet == 0 {
                        // Causes point into the reader's branch, not under the writer's index.
                        let causes = self.causes(reader, branch);
                        self.cursor.push(Token::Index(index));
                        let kind = Kind::of(self.writer, branch);
                        let message = format!("reader union lacking writer type: {}", kind.upper());
                        self.push(IncompatibilityKind::MissingUnionBranch, message, causes);
                        self.cursor.pop();
                    }
                }
                ok
            }
            _ => unreachable!("Kind::of agrees with the schema's shape"),
        }
    }

    /// A non-union writer into a reader union: any branch that reads it will do.
    fn reader_union(&mut self, reader: &Schema, writer: &Schema, writer_kind: Kind) -> bool {
        if self.probe(reader, writer) {
            return true;
        }
        if self.quiet == 0 {
            let message = format!("reader union lacking writer type: {}", writer_kind.upper());
            let causes = self.causes(reader, writer);
            self.push(IncompatibilityKind::MissingUnionBranch, message, causes);
        }
        false
    }

    /// Whether some branch of the reader union reads `writer`, reporting nothing.
    fn probe(&mut self, reader: &Schema, writer: &Schema) -> bool {
        let Schema::Union(branches) = reader else {
            unreachable!("only reader unions are probed")
        };
        self.quiet += 1;
        let found = branches.iter().any(|branch| self.check(branch, writer));
        self.quiet -= 1;
        found
    }

    /// Why the reader union's branch of the writer's named type does not read it: the walk
    /// of that one pair, located under the union.
    fn causes(&mut self, reader: &Schema, writer: &Schema) -> Vec<Incompatibility> {
        let (Schema::Union(branches), Schema::Named(writer_id)) = (reader, writer) else {
            return Vec::new();
        };
        let writer_name = &self.writer.get(*writer_id).name;
        let writer_kind = Kind::of(self.writer, writer);
        let Some((index, branch)) = branches.iter().enumerate().find(|(_, branch)| match branch {
            Schema::Named(id) => {
                let named = self.reader.get(*id);
                Kind::of(self.reader, branch) == writer_kind
                    && (named.name.name == writer_name.name || named.aliases.contains(writer_name))
            }
            _ => false,
        }) else {
            return Vec::new();
        };
        let found = std::mem::take(&mut self.report.incompatibilities);
        let warnings = self.report.warnings.len();
        // The branch is the reader's; the writer is no union here.
        self.cursor.push_split(Some(Token::Index(index)), None);
        self.check(branch, writer);
        self.cursor.pop();
        self.report.warnings.truncate(warnings);
        std::mem::replace(&mut self.report.incompatibilities, found)
    }

    fn named(&mut self, reader_id: TypeId, writer_id: TypeId) -> bool {
        match self.memo.get(&(reader_id, writer_id)) {
            Some(State::InProgress | State::Done(true)) => return true,
            Some(State::Done(false)) if self.quiet > 0 => return false,
            _ => {}
        }
        self.memo.insert((reader_id, writer_id), State::InProgress);
        let reader = self.reader.get(reader_id);
        let writer = self.writer.get(writer_id);
        self.cursor.enter_reader(reader.origin);
        self.cursor.enter_writer(writer.origin);
        let mut ok = true;
        if !(reader.name.name == writer.name.name || reader.aliases.contains(&writer.name)) {
            ok = false;
            if self.quiet == 0 {
                self.cursor.push(Token::Key("name"));
                self.push(
                    IncompatibilityKind::NameMismatch,
                    format!("expected: {}", writer.name),
                    Vec::new(),
                );
                self.cursor.pop();
            }
        }
        ok &= match (&reader.kind, &writer.kind) {
            (NamedKind::Fixed(reader_fixed), NamedKind::Fixed(writer_fixed)) => {
                let same = reader_fixed.size == writer_fixed.size;
                if !same && self.quiet == 0 {
                    self.cursor.push(Token::Key("size"));
                    let message = format!("expected: {}, found: {}", writer_fixed.size, reader_fixed.size);
                    self.push(IncompatibilityKind::FixedSizeMismatch, message, Vec::new());
                    self.cursor.pop();
                }
                if same && self.quiet == 0 && reader_fixed.logical != writer_fixed.logical {
                    self.warn(warnings::fixed_change(reader_fixed.logical, writer_fixed.logical));
                }
                same
            }
            (NamedKind::Enum(reader_enum), NamedKind::Enum(writer_enum)) => {
                let mut missing: Vec<&str> = writer_enum
                    .symbols
                    .iter()
                    .filter(|symbol| !reader_enum.symbols.contains(symbol))
                    .map(String::as_str)
                    .collect();
                let defaulted = reader_enum
                    .default
                    .as_ref()
                    .is_some_and(|default| reader_enum.symbols.contains(default));
                if missing.is_empty() || defaulted {
                    true
                } else {
                    if self.quiet == 0 {
                        // Java prints a TreeSet: sorted, `[A, B]`.
                        missing.sort_unstable();
                        self.cursor.push(Token::Key("symbols"));
                        let message = format!("[{}]", missing.join(", "));
                        self.push(IncompatibilityKind::MissingEnumSymbols, message, Vec::new());
                        self.cursor.pop();
                    }
                    false
                }
            }
            (NamedKind::Record(reader_record), NamedKind::Record(writer_record)) => {
                self.fields(reader_record, writer_record, writer_id)
            }
            _ => unreachable!("same Kind means same NamedKind"),
        };
        self.cursor.leave_writer();
        self.cursor.leave_reader();
        self.memo.insert((reader_id, writer_id), State::Done(ok));
        ok
    }

    fn fields(&mut self, reader: &Record, writer: &Record, writer_id: TypeId) -> bool {
        let mut ok = true;
        for (index, field) in reader.fields.iter().enumerate() {
            let matched = writer_field(writer, field);
            // The writer pointer follows the writer's own field, or stays at its record.
            let writer_fields = matched.map(|(writer_index, _)| Token::Index(writer_index));
            self.cursor
                .push_split(Some(Token::Key("fields")), writer_fields.map(|_| Token::Key("fields")));
            self.cursor.push_split(Some(Token::Index(index)), writer_fields);
            self.cursor.enter_reader(field.origin);
            match matched.map(|(_, writer_field)| writer_field) {
                Some(writer_field) => {
                    self.cursor.enter_writer(writer_field.origin);
                    self.cursor.push(Token::Key("type"));
                    ok &= self.check(&field.schema, &writer_field.schema);
                    self.cursor.pop();
                    self.cursor.leave_writer();
                }
                None if field.default.is_some() => {}
                None if self.has_enum_default(&field.schema) => {
                    // Java's quirk: an enum default is no field default; the enum is
                    // checked against the whole writer record, which fails as TYPE_MISMATCH.
                    self.cursor.push_split(Some(Token::Key("type")), None);
                    ok &= self.check(&field.schema, &Schema::Named(writer_id));
                    self.cursor.pop();
                }
                None => {
                    ok = false;
                    if self.quiet == 0 {
                        self.push(
                            IncompatibilityKind::ReaderFieldMissingDefaultValue,
                            field.name.clone(),
                            Vec::new(),
                        );
                    }
                }
            }
            self.cursor.leave_reader();
            self.cursor.pop();
            self.cursor.pop();
        }
        ok
    }

    fn has_enum_default(&self, schema: &Schema) -> bool {
        match schema {
            Schema::Named(id) => matches!(&self.reader.get(*id).kind, NamedKind::Enum(e) if e.default.is_some()),
            _ => false,
        }
    }

    fn type_mismatch(&mut self, reader: Kind, writer: Kind) -> bool {
        if self.quiet == 0 {
            let message = format!(
                "reader type: {} not compatible with writer type: {}",
                reader.upper(),
                writer.upper()
            );
            self.push(IncompatibilityKind::TypeMismatch, message, Vec::new());
        }
        false
    }

    /// Warns when two readable primitives differ in logical type.
    fn logical_change(&mut self, reader: &Schema, writer: &Schema) {
        if self.quiet == 0
            && let Some(message) = warnings::primitive_change(reader, writer)
        {
            self.warn(Some(message));
        }
    }

    fn warn(&mut self, message: Option<String>) {
        if let Some(message) = message {
            self.report.warnings.push(Warning {
                location: self.cursor.pointer(),
                writer_location: self.cursor.writer_pointer(),
                message,
                reader: self.cursor.reader_position(),
                writer: self.cursor.writer_position(),
                reader_is_new: true,
            });
        }
    }

    fn push(&mut self, kind: IncompatibilityKind, message: String, causes: Vec<Incompatibility>) {
        self.report.incompatibilities.push(Incompatibility {
            kind,
            location: self.cursor.pointer(),
            writer_location: self.cursor.writer_pointer(),
            message,
            reader: self.cursor.reader_position(),
            writer: self.cursor.writer_position(),
            reader_is_new: true,
            causes,
        });
    }
}

/// The writer field a reader field reads, with its index: same name, else the first of the reader
/// field's aliases the writer has (Java rejects several matches outright; the loader
/// already rejects duplicate names, and the Python port takes the first).
fn writer_field<'w>(writer: &'w Record, reader_field: &Field) -> Option<(usize, &'w Field)> {
    let named = |name: &str| writer.fields.iter().enumerate().find(|(_, f)| f.name == name);
    named(&reader_field.name).or_else(|| reader_field.aliases.iter().find_map(|alias| named(alias)))
}
