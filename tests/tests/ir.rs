//! The IR keeps what the Rust types cannot show: aliases, custom properties, field order,
//! docs, the error flag, typed defaults and logical types.

use avrokit_codegen::ir::{FieldOrder, FixedLogical, FullName, Logical, NamedKind, Schema, Value};
use avrokit_codegen::{LoadOptions, load_dir};
use serde_json::json;

#[test]
fn aliases_properties_and_order_are_kept() {
    let set = load_dir("corpus/tricky".as_ref(), &LoadOptions::default()).expect("loads");
    let failure = set.get(set.lookup("tricky.props.Failure").expect("defined"));
    assert_eq!(
        failure.aliases,
        vec![
            FullName::parse("tricky.props.OldFailure"),
            FullName::parse("other.ns.Failed")
        ],
        "an unqualified alias takes the type's namespace"
    );
    assert_eq!(failure.props.get("x-owner"), Some(&json!("team-telescope")));
    assert!(failure.doc.as_deref().is_some_and(|d| d.starts_with("An error record")));
    let NamedKind::Record(record) = &failure.kind else {
        panic!("a record")
    };
    assert!(record.is_error);
    let code = &record.fields[0];
    assert_eq!(code.aliases, vec!["status".to_owned()]);
    assert_eq!(code.order, FieldOrder::Descending);
    assert_eq!(code.props.get("x-sensitive"), Some(&json!(false)));
}

#[test]
fn logical_types_and_fallbacks() {
    let set = load_dir("corpus/tricky".as_ref(), &LoadOptions::default()).expect("loads");
    let all = set.get(set.lookup("tricky.logical.AllLogical").expect("defined"));
    let NamedKind::Record(record) = &all.kind else {
        panic!("a record")
    };
    let field = |name: &str| &record.fields.iter().find(|f| f.name == name).expect("field").schema;
    assert!(matches!(field("price"), Schema::Logical(Logical::Decimal(d)) if d.precision == 10 && d.scale == 2));
    assert_eq!(field("ts_ns"), &Schema::Logical(Logical::TimestampNanos));
    assert_eq!(
        field("custom"),
        &Schema::String,
        "unknown logical types fall back to their base"
    );
    let Schema::Named(wait) = field("wait") else {
        panic!("a named fixed")
    };
    assert!(matches!(&set.get(*wait).kind, NamedKind::Fixed(f) if f.logical == Some(FixedLogical::Duration)));
}

#[test]
fn defaults_are_typed_in_the_generic_data_model() {
    let set = load_dir("corpus/tricky".as_ref(), &LoadOptions::default()).expect("loads");
    let defaults = set.get(set.lookup("tricky.defaults.Defaults").expect("defined"));
    let NamedKind::Record(record) = &defaults.kind else {
        panic!("a record")
    };
    let default = |name: &str| {
        record
            .fields
            .iter()
            .find(|f| f.name == name)
            .and_then(|f| f.default.clone())
    };
    assert_eq!(default("rec"), Some(Value::Record(vec![Value::Int(1), Value::Int(0)])));
    assert_eq!(default("u"), Some(Value::Union(0, Box::new(Value::Long(42)))));
    assert_eq!(default("day"), Some(Value::Int(19000)));
    assert_eq!(default("e"), Some(Value::Enum(1)));
}

#[test]
fn references_resolve_across_files_in_any_order() {
    // a-uses-later-file.avsc sorts (and loads) before z-zed.avsc, which defines Zed.
    let set = load_dir("corpus/tricky".as_ref(), &LoadOptions::default()).expect("loads");
    let uses = set.get(set.lookup("tricky.cross.UsesLater").expect("defined"));
    let NamedKind::Record(record) = &uses.kind else {
        panic!("a record")
    };
    let zed = set.lookup("tricky.cross.Zed").expect("defined");
    assert_eq!(record.fields[0].schema, Schema::Named(zed));
    assert_eq!(record.fields[1].schema, Schema::Map(Box::new(Schema::Named(zed))));
}
