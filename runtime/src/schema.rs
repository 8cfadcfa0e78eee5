//! [`Schema`]: a parsed Avro schema, with its Parsing Canonical Form and fingerprint.

use avrokit_schema::canonical::{parsing_canonical_form, rabin_fingerprint};
use avrokit_schema::ir::{self, SchemaSet};
use avrokit_schema::source::SourceFile;
use avrokit_schema::{Diagnostics, LoadOptions, load_files};
use std::fmt;

/// A parsed schema: every named type it defines, its top-level type, and its identity
/// (Parsing Canonical Form and CRC-64-AVRO fingerprint).
#[derive(Clone)]
pub struct Schema {
    set: SchemaSet,
    canonical_form: String,
    fingerprint: u64,
}

/// A schema text that is not a valid Avro schema; the message locates every problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid Avro schema:\n{0}")]
#[non_exhaustive]
pub struct SchemaError(pub Diagnostics);

impl Schema {
    /// Parses a self-contained schema (as a registry returns it, or as a type carries it).
    pub fn parse(json: &str) -> Result<Self, SchemaError> {
        let set = load_files(vec![SourceFile::new("<schema>", json)], &LoadOptions::default()).map_err(SchemaError)?;
        let canonical_form = parsing_canonical_form(&set, &set.roots[0]);
        let fingerprint = rabin_fingerprint(canonical_form.as_bytes());
        Ok(Self {
            set,
            canonical_form,
            fingerprint,
        })
    }

    /// Parses a schema that uses named types defined elsewhere by name (a registry
    /// schema with `references`): `referenced` holds the texts that define them, in any
    /// order. The result is self-contained: the referenced types are written inline, each
    /// at its first use, as if the schema had been registered without references, so
    /// its canonical form and fingerprint are those of the whole schema.
    pub fn parse_with_references(json: &str, referenced: &[&str]) -> Result<Self, SchemaError> {
        if referenced.is_empty() {
            return Self::parse(json);
        }
        let mut files = vec![SourceFile::new("<schema>", json)];
        files.extend(
            referenced
                .iter()
                .enumerate()
                .map(|(i, text)| SourceFile::new(format!("<reference {}>", i + 1), *text)),
        );
        let set = load_files(files, &LoadOptions::default()).map_err(SchemaError)?;
        Self::parse(&avrokit_schema::schema_json::to_json(&set, &set.roots[0]))
    }

    /// Assembles the self-contained schema of `T` from the definitions of every type it
    /// reaches. The derive validated each definition at compile time, so failure here
    /// would be a bug in avrokit, not bad input.
    #[doc(hidden)]
    pub fn assemble<T: crate::AvroMessage>() -> Self {
        let mut definitions = vec![(T::FULL_NAME.unwrap_or("<union>"), T::DEFINITION)];
        T::collect_definitions(&mut definitions);
        let files = definitions
            .iter()
            .map(|(name, json)| SourceFile::new(format!("<definition of {name}>"), *json))
            .collect();
        let assembled = load_files(files, &LoadOptions::default())
            .map(|set| avrokit_schema::schema_json::to_json(&set, &set.roots[0]))
            .and_then(|json| Self::parse(&json).map_err(|e| e.0));
        assembled.unwrap_or_else(|err| panic!("avrokit bug: the definitions of a derived type do not load: {err}"))
    }

    /// The top-level type.
    pub fn root(&self) -> &ir::Schema {
        &self.set.roots[0]
    }

    /// The named types, for looking up what [`Schema::root`] refers to.
    pub fn types(&self) -> &SchemaSet {
        &self.set
    }

    /// The schema's Parsing Canonical Form.
    pub fn canonical_form(&self) -> &str {
        &self.canonical_form
    }

    /// The CRC-64-AVRO (Rabin) fingerprint of the Parsing Canonical Form.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// The schema as JSON text, as written (the source it was parsed from).
    pub fn json(&self) -> &str {
        self.set.files[0].text()
    }
}

impl fmt::Debug for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Schema")
            .field("canonical_form", &self.canonical_form)
            .field("fingerprint", &format_args!("{:#018x}", self.fingerprint))
            .finish()
    }
}

impl PartialEq for Schema {
    /// Schemas are equal when their Parsing Canonical Forms are.
    fn eq(&self, other: &Self) -> bool {
        self.canonical_form == other.canonical_form
    }
}
