//! The compatibility engine on TelescopeCommand's evolution (its second version added
//! `priority`, an int with a default), and the locations, positions and messages it
//! reports.

use avrokit_codegen::compat::{self, Compatibility, IncompatibilityKind, Report, Verdict, Version};
use avrokit_codegen::ir::SchemaSet;
use avrokit_codegen::source::SourceFile;
use avrokit_codegen::{LoadOptions, load_files};

const TELESCOPE_COMMAND: &str = include_str!("../../avro-schemas/astro-beam/telescope-command.avsc");
const PRIORITY: &str = r#"{"name": "priority", "type": "int", "default": 0, "doc": "Scheduling priority, higher first; 0 for commands from producers that predate the field, which the schema's first version lacked."}"#;

fn load(path: &str, text: &str) -> SchemaSet {
    load_files(vec![SourceFile::new(path, text)], &LoadOptions::default()).unwrap_or_else(|d| panic!("{d}"))
}

/// TelescopeCommand as it was before `priority` (its first version).
fn v1() -> SchemaSet {
    let text = TELESCOPE_COMMAND.replace(&format!(",\n    {PRIORITY}"), "");
    assert_ne!(
        text, TELESCOPE_COMMAND,
        "the committed schema still has its priority field"
    );
    load("v1/telescope-command.avsc", &text)
}

fn v2(text: &str) -> SchemaSet {
    load("v2/telescope-command.avsc", text)
}

fn check(new: &SchemaSet, old: &SchemaSet, mode: Compatibility) -> Verdict {
    let previous = [Version {
        number: 1,
        set: old,
        schema: &old.roots[0],
    }];
    compat::check((new, &new.roots[0]), &previous, mode)
}

fn can_read(reader: &SchemaSet, writer: &SchemaSet) -> Report {
    compat::can_read((reader, &reader.roots[0]), (writer, &writer.roots[0]))
}

#[test]
fn adding_priority_with_default_0_is_backward_and_forward_compatible() {
    let (old, new) = (v1(), v2(TELESCOPE_COMMAND));
    for mode in [Compatibility::Backward, Compatibility::Forward, Compatibility::Full] {
        let verdict = check(&new, &old, mode);
        assert!(verdict.compatible, "{mode:?}: {:?}", verdict.messages);
        assert!(verdict.warnings.is_empty());
    }
}

#[test]
fn adding_a_field_without_default_is_backward_incompatible() {
    let text = TELESCOPE_COMMAND.replace(r#""type": "int", "default": 0,"#, r#""type": "int","#);
    let (old, new) = (v1(), v2(&text));
    let verdict = check(&new, &old, Compatibility::Backward);
    assert!(!verdict.compatible);
    let [problem] = verdict.messages.as_slice() else {
        panic!("{:?}", verdict.messages)
    };
    assert_eq!(problem.kind, IncompatibilityKind::ReaderFieldMissingDefaultValue);
    assert_eq!(problem.location, "/fields/6");
    assert_eq!(problem.message, "priority");
    // The new schema reads: the problem is the new field, on its line.
    assert!(problem.reader_is_new);
    let position = problem.new_position();
    assert_eq!(
        (position.file.to_str().unwrap(), position.line, position.column),
        ("v2/telescope-command.avsc", 13, 5)
    );
    assert_eq!(
        problem.registry_wording(),
        "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'priority' at path '/fields/6' in the new schema has no default value and is missing in the old schema', additionalInfo:'priority'}"
    );
    assert!(check(&new, &old, Compatibility::Forward).compatible);
}

#[test]
fn removing_a_field_without_default_is_forward_incompatible() {
    let line = TELESCOPE_COMMAND
        .lines()
        .find(|l| l.contains(r#""name": "command_type""#))
        .unwrap();
    let text = TELESCOPE_COMMAND.replace(&format!("{line}\n"), "");
    let (old, new) = (v2(TELESCOPE_COMMAND), v2(&text));
    assert!(check(&new, &old, Compatibility::Backward).compatible);
    let verdict = check(&new, &old, Compatibility::Forward);
    let [problem] = verdict.messages.as_slice() else {
        panic!("{:?}", verdict.messages)
    };
    assert_eq!(problem.kind, IncompatibilityKind::ReaderFieldMissingDefaultValue);
    // The old schema reads; the pointer is into it, and so is the reader position.
    assert_eq!(
        (problem.location.as_str(), problem.message.as_str()),
        ("/fields/2", "command_type")
    );
    assert!(!problem.reader_is_new);
    assert_eq!(problem.reader.line, 9);
    assert!(
        problem
            .registry_wording()
            .contains("in the old schema has no default value and is missing in the new schema")
    );
    assert!(!check(&new, &old, Compatibility::Full).compatible);
}

#[test]
fn string_to_int_is_incompatible_both_ways() {
    let text = TELESCOPE_COMMAND.replace(
        r#"{"name": "telescope_id", "type": "string""#,
        r#"{"name": "telescope_id", "type": "int""#,
    );
    let (old, new) = (v2(TELESCOPE_COMMAND), v2(&text));
    let backward = check(&new, &old, Compatibility::Backward);
    assert_eq!(backward.messages[0].kind, IncompatibilityKind::TypeMismatch);
    assert_eq!(backward.messages[0].location, "/fields/1/type");
    assert_eq!(
        backward.messages[0].message,
        "reader type: INT not compatible with writer type: STRING"
    );
    let forward = check(&new, &old, Compatibility::Forward);
    assert_eq!(
        forward.messages[0].message,
        "reader type: STRING not compatible with writer type: INT"
    );
    let full = check(&new, &old, Compatibility::Full);
    // FORWARD's half first, as the registry lists them.
    let messages: Vec<&str> = full.messages.iter().map(|m| m.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "reader type: STRING not compatible with writer type: INT",
            "reader type: INT not compatible with writer type: STRING"
        ]
    );
}

const NESTED_OLD: &str = r#"{
  "type": "record", "name": "Outer", "namespace": "t",
  "fields": [
    {"name": "id", "type": ["null", "long", "string"], "default": null},
    {"name": "size", "type": {"type": "fixed", "name": "Hash", "size": 16}},
    {"name": "opt", "type": ["null", "int"], "default": null},
    {"name": "inner", "type": {
      "type": "record", "name": "Inner",
      "fields": [
        {"name": "a", "type": "int"},
        {"name": "b", "type": "string"},
        {"name": "c", "type": {"type": "enum", "name": "Color", "symbols": ["R", "G", "B"]}}
      ]}},
    {"name": "again", "type": "Inner"}
  ]
}"#;

const NESTED_NEW: &str = r#"{
  "type": "record", "name": "Outer", "namespace": "t",
  "fields": [
    {"name": "id", "type": ["null", "string"], "default": null},
    {"name": "size", "type": {"type": "fixed", "name": "Hash", "size": 32}},
    {"name": "opt", "type": "int"},
    {"name": "inner", "type": {
      "type": "record", "name": "Inner",
      "fields": [
        {"name": "a", "type": "long"},
        {"name": "b", "type": "string"},
        {"name": "c", "type": {"type": "enum", "name": "Color", "symbols": ["R", "G"]}}
      ]}},
    {"name": "again", "type": "Inner"}
  ]
}"#;

#[test]
fn every_incompatibility_is_reported_with_java_pointer_and_line() {
    let old = load("old.avsc", NESTED_OLD);
    let new = load("new.avsc", NESTED_NEW);
    let report = can_read(&new, &old);
    let found: Vec<(&str, &str, &str, usize)> = report
        .incompatibilities
        .iter()
        .map(|i| (i.kind.as_str(), i.location.as_str(), i.message.as_str(), i.reader.line))
        .collect();
    assert_eq!(
        found,
        [
            (
                "MISSING_UNION_BRANCH",
                "/fields/0/type/1",
                "reader union lacking writer type: LONG",
                4
            ),
            (
                "FIXED_SIZE_MISMATCH",
                "/fields/1/type/size",
                "expected: 16, found: 32",
                5
            ),
            (
                "TYPE_MISMATCH",
                "/fields/2/type/0",
                "reader type: INT not compatible with writer type: NULL",
                6
            ),
            (
                "MISSING_ENUM_SYMBOLS",
                "/fields/3/type/fields/2/type/symbols",
                "[B]",
                12
            ),
            // The same named type referred to by name: reported at its second use too.
            (
                "MISSING_ENUM_SYMBOLS",
                "/fields/4/type/fields/2/type/symbols",
                "[B]",
                12
            ),
        ]
    );
    // The writer position is the old file's element.
    assert_eq!(report.incompatibilities[1].writer.file.to_str(), Some("old.avsc"));
    assert_eq!(report.incompatibilities[1].writer.line, 5);
    // int read as long is a promotion: the other direction fails.
    let forward = can_read(&old, &new);
    assert!(
        forward
            .incompatibilities
            .iter()
            .any(|i| i.location == "/fields/3/type/fields/0/type"
                && i.message == "reader type: INT not compatible with writer type: LONG")
    );
}

#[test]
fn names_aliases_and_named_types_inline_or_by_reference() {
    let old = load(
        "old.avsc",
        r#"{"type":"record","name":"a.Old","fields":[
        {"name":"e1","type":{"type":"enum","name":"E","symbols":["X"]}},
        {"name":"e2","type":"E"}]}"#,
    );
    // Renamed with an alias to the old full name, and the enum defined at the other field.
    let aliased = load(
        "new.avsc",
        r#"{"type":"record","name":"b.New","aliases":["a.Old"],"fields":[
        {"name":"e1","type":"E2"},
        {"name":"e2","type":{"type":"enum","name":"E2","aliases":["a.E"],"symbols":["X"]}}]}"#,
    );
    assert!(can_read(&aliased, &old).is_compatible());
    let renamed = load(
        "new.avsc",
        r#"{"type":"record","name":"New","fields":[
        {"name":"e1","type":{"type":"enum","name":"E","symbols":["X"]}},
        {"name":"e2","type":"E"}]}"#,
    );
    let report = can_read(&renamed, &old);
    let [problem] = report.incompatibilities.as_slice() else {
        panic!("{report:?}")
    };
    assert_eq!(
        (problem.kind, problem.location.as_str(), problem.message.as_str()),
        (IncompatibilityKind::NameMismatch, "/name", "expected: a.Old")
    );
    // A namespace-only change passes (Java compares unqualified names since 1.10).
    let moved = load(
        "new.avsc",
        r#"{"type":"record","name":"c.Old","fields":[
        {"name":"e1","type":{"type":"enum","name":"E","symbols":["X"]}},
        {"name":"e2","type":"E"}]}"#,
    );
    assert!(can_read(&moved, &old).is_compatible());
}

#[test]
fn unions_of_records_say_which_branch_field_changed() {
    let old = load(
        "old.avsc",
        r#"{"type":"record","name":"Event","fields":[{"name":"body","type":[
        {"type":"record","name":"Click","fields":[{"name":"x","type":"int"}]},
        {"type":"record","name":"View","fields":[{"name":"url","type":"string"}]}]}]}"#,
    );
    let new = load(
        "new.avsc",
        r#"{"type":"record","name":"Event","fields":[{"name":"body","type":[
        {"type":"record","name":"Click","fields":[{"name":"x","type":"int"}]},
        {"type":"record","name":"View","fields":[{"name":"url","type":"string"},{"name":"ms","type":"long"}]}]}]}"#,
    );
    let report = can_read(&new, &old);
    let [problem] = report.incompatibilities.as_slice() else {
        panic!("{report:?}")
    };
    assert_eq!(
        (problem.kind, problem.location.as_str()),
        (IncompatibilityKind::MissingUnionBranch, "/fields/0/type/1")
    );
    assert_eq!(problem.message, "reader union lacking writer type: RECORD");
    let [cause] = problem.causes.as_slice() else {
        panic!("{problem:?}")
    };
    assert_eq!(
        (cause.kind, cause.location.as_str(), cause.message.as_str()),
        (
            IncompatibilityKind::ReaderFieldMissingDefaultValue,
            "/fields/0/type/1/fields/1",
            "ms"
        )
    );
    assert_eq!(cause.reader.line, 3);
}

#[test]
fn enum_default_and_recursion() {
    let old = load(
        "old.avsc",
        r#"{"type":"record","name":"Node","fields":[
        {"name":"k","type":{"type":"enum","name":"K","symbols":["A","B","C"]}},
        {"name":"next","type":["null","Node"],"default":null}]}"#,
    );
    let new = load(
        "new.avsc",
        r#"{"type":"record","name":"Node","fields":[
        {"name":"k","type":{"type":"enum","name":"K","symbols":["A","B"],"default":"A"}},
        {"name":"next","type":["null","Node"],"default":null}]}"#,
    );
    assert!(can_read(&new, &old).is_compatible());
    let report = can_read(&old, &new);
    assert!(report.is_compatible(), "{report:?}");
}

#[test]
fn logical_type_changes_warn_without_failing() {
    let old = load(
        "old.avsc",
        r#"{"type":"record","name":"R","fields":[
        {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},
        {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":8,"scale":2}}]}"#,
    );
    let new = load(
        "new.avsc",
        r#"{"type":"record","name":"R","fields":[
        {"name":"at","type":{"type":"long","logicalType":"timestamp-micros"}},
        {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":8,"scale":3}}]}"#,
    );
    let verdict = check(&new, &old, Compatibility::Backward);
    assert!(verdict.compatible);
    assert!(!verdict.passes(avrokit_codegen::Strictness::Strict));
    let found: Vec<(&str, usize)> = verdict
        .warnings
        .iter()
        .map(|w| (w.location.as_str(), w.reader.line))
        .collect();
    assert_eq!(found, [("/fields/0/type", 2), ("/fields/1/type", 3)]);
    assert!(verdict.warnings[1].message.contains("scale changes from 2 to 3"));
}

#[test]
fn transitive_modes_report_the_newest_failing_version() {
    let v1 = load(
        "v1.avsc",
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"string"}]}"#,
    );
    let v2 = load(
        "v2.avsc",
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"string"},{"name":"b","type":"int","default":0}]}"#,
    );
    let v3 = load(
        "v3.avsc",
        r#"{"type":"record","name":"R","fields":[{"name":"b","type":"int","default":0}]}"#,
    );
    let new = load(
        "v4.avsc",
        r#"{"type":"record","name":"R","fields":[{"name":"b","type":"int"}]}"#,
    );
    let versions = [
        Version {
            number: 1,
            set: &v1,
            schema: &v1.roots[0],
        },
        Version {
            number: 2,
            set: &v2,
            schema: &v2.roots[0],
        },
        Version {
            number: 3,
            set: &v3,
            schema: &v3.roots[0],
        },
    ];
    let new_pair = (&new, &new.roots[0]);
    // v4 reads v3 and v2 (both have b), not v1.
    let verdict = compat::check(new_pair, &versions, Compatibility::BackwardTransitive);
    assert_eq!((verdict.compatible, verdict.failed_version), (false, Some(1)));
    assert_eq!(verdict.registry_messages(None)[1], "{oldSchemaVersion: 1}");
    assert!(compat::check(new_pair, &versions, Compatibility::Backward).compatible);
    // v2 and v1 cannot read data without `a`; the newest of them fails first.
    let verdict = compat::check(new_pair, &versions, Compatibility::ForwardTransitive);
    assert_eq!(verdict.failed_version, Some(2));
    assert!(compat::check(new_pair, &versions, Compatibility::None).compatible);
    assert!(compat::check(new_pair, &[], Compatibility::FullTransitive).compatible);
}
