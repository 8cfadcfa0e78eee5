//! Schema shapes the reference implementations' own compatibility suites use (Apache Avro
//! Java's `TestSchemaCompatibility`, and the Ruby, Python and Karapace ports of it) that
//! avrokit's loader once refused: empty unions, the never-ending recursive `List`, and a
//! logical type on an underlying type it does not fit. Each loads, with the warnings the
//! specification calls for, and gets the verdict Java's suite states for it.

use avrokit_codegen::compat::{self, Compatibility, IncompatibilityKind, Report, Version};
use avrokit_codegen::ir::{Schema, SchemaSet};
use avrokit_codegen::source::SourceFile;
use avrokit_codegen::{LoadOptions, load_files};

fn load(path: &str, text: &str) -> SchemaSet {
    load_files(vec![SourceFile::new(path, text)], &LoadOptions::default())
        .unwrap_or_else(|d| panic!("{path} must load as Java's parser loads it:\n{d}"))
}

fn can_read(reader: &SchemaSet, writer: &SchemaSet) -> Report {
    compat::can_read((reader, &reader.roots[0]), (writer, &writer.roots[0]))
}

const EMPTY_UNION: &str = "[]";
const INT_UNION: &str = r#"["int"]"#;
const LONG_UNION: &str = r#"["long"]"#;
const FLOAT_UNION: &str = r#"["float"]"#;
const DOUBLE_UNION: &str = r#"["double"]"#;
const STRING_UNION: &str = r#"["string"]"#;
const BYTES_UNION: &str = r#"["bytes"]"#;

/// Java's `INT_LIST_RECORD`: `tail` is a `List` itself, so no value can ever end.
const INT_LIST: &str =
    r#"{"type":"record","name":"List","fields":[{"name":"head","type":"int"},{"name":"tail","type":"List"}]}"#;
/// Java's `LONG_LIST_RECORD`.
const LONG_LIST: &str =
    r#"{"type":"record","name":"List","fields":[{"name":"head","type":"long"},{"name":"tail","type":"List"}]}"#;
/// The same lists ended by a null branch, the form a value can be written in.
const INT_LIST_OPTIONAL: &str = r#"{"type":"record","name":"List","fields":[{"name":"head","type":"int"},{"name":"tail","type":["null","List"],"default":null}]}"#;
const LONG_LIST_OPTIONAL: &str = r#"{"type":"record","name":"List","fields":[{"name":"head","type":"long"},{"name":"tail","type":["null","List"],"default":null}]}"#;

#[test]
fn empty_union_pairs_are_compatible_as_java_states() {
    // COMPATIBLE_READER_WRITER_TEST_CASES: every reader reads a writer with no values.
    for reader in [
        EMPTY_UNION,
        INT_UNION,
        LONG_UNION,
        FLOAT_UNION,
        DOUBLE_UNION,
        STRING_UNION,
        BYTES_UNION,
    ] {
        let report = can_read(&load("reader.avsc", reader), &load("writer.avsc", EMPTY_UNION));
        assert!(
            report.is_compatible(),
            "{reader} reading []: {:?}",
            report.incompatibilities
        );
    }
    // A plain (non-union) reader of an empty writer union: every writer branch (none) reads.
    let report = can_read(&load("reader.avsc", r#""int""#), &load("writer.avsc", EMPTY_UNION));
    assert!(report.is_compatible(), "{:?}", report.incompatibilities);
}

#[test]
fn an_empty_reader_union_lacks_every_writer_type() {
    // Java's rule for a non-union writer into a reader union: some branch must read it.
    let report = can_read(&load("reader.avsc", EMPTY_UNION), &load("writer.avsc", r#""int""#));
    let [problem] = report.incompatibilities.as_slice() else {
        panic!("{:?}", report.incompatibilities)
    };
    assert_eq!(problem.kind, IncompatibilityKind::MissingUnionBranch);
    assert_eq!(problem.message, "reader union lacking writer type: INT");
    assert_eq!(problem.location, "/");
    // A writer union with a branch: that branch is missing, at its index.
    let report = can_read(&load("reader.avsc", EMPTY_UNION), &load("writer.avsc", INT_UNION));
    let [problem] = report.incompatibilities.as_slice() else {
        panic!("{:?}", report.incompatibilities)
    };
    assert_eq!(problem.kind, IncompatibilityKind::MissingUnionBranch);
    assert_eq!(problem.location, "/0");
}

#[test]
fn empty_union_field_loads_and_is_checked_in_every_mode() {
    let old = load(
        "old/r.avsc",
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"never","type":[]}]}"#,
    );
    let new = load(
        "new/r.avsc",
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"long"},{"name":"never","type":[]}]}"#,
    );
    // The record never ends (its field has no value): a warning naming the field, not an error.
    let [warning] = new.warnings.as_slice() else {
        panic!("{:?}", new.warnings)
    };
    assert!(warning.is_warning());
    assert!(warning.message.contains("field `never` is an empty union"), "{warning}");
    let previous = [Version {
        number: 1,
        set: &old,
        schema: &old.roots[0],
    }];
    let backward = compat::check((&new, &new.roots[0]), &previous, Compatibility::Backward);
    assert!(backward.compatible, "{:?}", backward.messages);
    let forward = compat::check((&new, &new.roots[0]), &previous, Compatibility::Forward);
    assert!(!forward.compatible);
    assert_eq!(forward.messages[0].location, "/fields/0/type");
}

#[test]
fn recursive_list_pairs_get_javas_verdicts() {
    for (int_list, long_list) in [(INT_LIST, LONG_LIST), (INT_LIST_OPTIONAL, LONG_LIST_OPTIONAL)] {
        let int = load("int-list.avsc", int_list);
        let long = load("long-list.avsc", long_list);
        for (reader, writer) in [(&int, &int), (&long, &long), (&long, &int)] {
            let report = can_read(reader, writer);
            assert!(report.is_compatible(), "{:?}", report.incompatibilities);
        }
        // TestSchemaCompatibilityTypeMismatch: INT_LIST_RECORD reading LONG_LIST_RECORD.
        let report = can_read(&int, &long);
        let [problem] = report.incompatibilities.as_slice() else {
            panic!("{:?}", report.incompatibilities)
        };
        assert_eq!(problem.kind, IncompatibilityKind::TypeMismatch);
        assert_eq!(
            problem.message,
            "reader type: INT not compatible with writer type: LONG"
        );
        assert_eq!(problem.location, "/fields/0/type");
    }
}

#[test]
fn only_the_list_that_can_never_end_warns_and_the_warning_names_the_looping_field() {
    let optional = load("list.avsc", INT_LIST_OPTIONAL);
    assert!(optional.warnings.is_empty(), "{:?}", optional.warnings);
    let unending = load("list.avsc", INT_LIST);
    let [warning] = unending.warnings.as_slice() else {
        panic!("{:?}", unending.warnings)
    };
    assert_eq!(
        warning.to_string().lines().next().unwrap(),
        "list.avsc:1:71: warning: record `List` can never end: field `tail` always holds another record of the cycle"
    );
    // Strict loading refuses it, with the same located message.
    let strict = LoadOptions::default().with_strictness(avrokit_codegen::Strictness::Strict);
    let error = load_files(vec![SourceFile::new("list.avsc", INT_LIST)], &strict).unwrap_err();
    assert_eq!(
        error.to_string().lines().next().unwrap(),
        "list.avsc:1:71: error: record `List` can never end: field `tail` always holds another record of the cycle"
    );
}

#[test]
fn a_misfit_logical_type_is_ignored_and_compared_as_its_underlying_type() {
    let uuid_on_bytes = load(
        "id.avsc",
        r#"{"type":"record","name":"R","fields":[{"name":"id","type":{"type":"bytes","logicalType":"uuid"}}]}"#,
    );
    let [warning] = uuid_on_bytes.warnings.as_slice() else {
        panic!("{:?}", uuid_on_bytes.warnings)
    };
    assert!(warning.message.contains("read as a plain `bytes`"), "{warning}");
    let id = uuid_on_bytes.lookup("R").unwrap();
    let avrokit_codegen::ir::NamedKind::Record(record) = &uuid_on_bytes.get(id).kind else {
        panic!("R is a record")
    };
    assert_eq!(record.fields[0].schema, Schema::Bytes);
    // Plain bytes reads it, and it reads plain bytes, with no logical-type warning either.
    let plain = load(
        "plain.avsc",
        r#"{"type":"record","name":"R","fields":[{"name":"id","type":"bytes"}]}"#,
    );
    for (reader, writer) in [(&plain, &uuid_on_bytes), (&uuid_on_bytes, &plain)] {
        let report = can_read(reader, writer);
        assert!(report.is_compatible() && report.warnings.is_empty(), "{report:?}");
    }
}
