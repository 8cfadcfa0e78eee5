//! Behaviour of the generated tricky corpus (compiled by `build.rs`): defaults come from
//! the schemas, recursion is boxed only where a cycle needs it, names are idiomatic.

use avrokit::chrono::{DateTime, NaiveDate, NaiveTime};
use avrokit::rust_decimal::Decimal;
use avrokit_tests::corpus::tricky::{cross, defaults, list, logical, names, ns, recursion, shadow, unions};
use std::collections::BTreeMap;
use std::str::FromStr;

#[test]
fn record_defaults_come_from_the_schema() {
    let d = defaults::Defaults::default();
    assert!(d.b);
    assert_eq!(d.i, i32::MIN);
    assert_eq!(d.l, 9_007_199_254_740_993);
    assert_eq!(d.f, 1.5);
    assert_eq!(d.d, -0.25e-3);
    assert_eq!(d.s, "hé \"quoted\"\n");
    assert_eq!(d.raw, vec![0x00, 0xff]);
    assert_eq!(d.fx, defaults::Four(*b"abcd"));
    assert_eq!(d.e, defaults::Level::High);
    assert_eq!(d.arr, vec![1, 2, 3]);
    assert_eq!(
        d.m,
        BTreeMap::from([
            ("a".to_owned(), defaults::Level::Low),
            ("b".to_owned(), defaults::Level::High)
        ])
    );
    assert_eq!(
        d.rec,
        defaults::Point { x: 1, y: 0 },
        "missing record fields take their own defaults"
    );
    assert_eq!(d.u, Some(42), "a union default is its first branch");
    assert_eq!(d.opt, None);
    assert_eq!(d.when, DateTime::from_timestamp_millis(1_700_000_000_000).unwrap());
    assert_eq!(d.day, NaiveDate::from_ymd_opt(2022, 1, 8).unwrap());
    assert_eq!(d.at, NaiveTime::from_hms_milli_opt(1, 2, 3, 4).unwrap());
    assert_eq!(d.local, DateTime::from_timestamp_micros(-1).unwrap().naive_utc());
    assert_eq!(d.ns, DateTime::from_timestamp_nanos(1));
    assert_eq!(d.id.to_string(), "123e4567-e89b-12d3-a456-426614174000");
    assert_eq!(
        d.amount,
        Decimal::from_str("-1.23").unwrap(),
        "0xff85 is -123 unscaled, scale 2"
    );
    assert_eq!(d.span, avrokit::Duration::new(1, 2, 3));
    assert_eq!(defaults::Level::default(), defaults::Level::Low, "enum default symbol");
}

/// The reference suites' linked list (ended by a null branch, first or last in the union,
/// or by an empty map) generates, boxes once per cycle and round-trips.
#[test]
fn the_linked_list_generates_and_round_trips() {
    use avrokit::AvroMessage;
    let leaf = list::List {
        head: 1,
        tail: None,
        rest: list::TailFirst { head: 2, tail: None },
        index: BTreeMap::new(),
    };
    // head 1, tail null (branch 0), rest.head 2, rest.tail null (branch 1), no entries.
    assert_eq!(leaf.to_avro().unwrap(), [0x02, 0x00, 0x04, 0x02, 0x00]);
    let long = list::List {
        head: -1,
        tail: Some(Box::new(leaf.clone())),
        rest: list::TailFirst {
            head: 3,
            tail: Some(Box::new(list::TailFirst { head: 4, tail: None })),
        },
        index: BTreeMap::from([("k".to_owned(), leaf)]),
    };
    let bytes = long.to_avro().unwrap();
    assert_eq!(list::List::from_avro(&bytes).unwrap(), long);
}

#[test]
fn recursion_is_boxed_once_per_cycle() {
    let list = recursion::ListNode {
        value: 1,
        next: Some(Box::new(recursion::ListNode { value: 2, next: None })),
    };
    let tree = recursion::Tree {
        label: "root".into(),
        children: vec![], // recursion through Vec needs no Box
        list,
        ping: Some(recursion::Ping {
            pong: recursion::Pong { ping: None }, // Ping holds Pong by value; Pong boxes Ping
        }),
        expr: Some(recursion::Expr {
            node: recursion::ExprNode::Negate(recursion::Negate {
                operand: Box::new(recursion::Expr {
                    node: recursion::ExprNode::Literal(recursion::Literal { value: 2.0 }),
                }),
            }),
        }),
    };
    assert_eq!(tree.list.next.as_ref().map(|n| n.value), Some(2));
}

#[test]
fn unions_become_options_or_enums() {
    let drawing = unions::Drawing {
        shape: unions::DrawingShape::Circle(unions::Circle { radius: 1.0 }),
        null_last: None,
        many: unions::DrawingMany::Map(BTreeMap::new()),
        shapes: vec![unions::DrawingShapesItem::Square(unions::Square { side: 2.0 })],
        tagged: BTreeMap::from([("k".to_owned(), unions::DrawingTaggedValue::Null)]),
        only: unions::DrawingOnly::Int(7),
        nested: unions::DrawingNested::Array(vec![unions::DrawingNestedArrayItem::String("x".into())]),
    };
    assert!(matches!(drawing.many, unions::DrawingMany::Map(_)));
    let with_defaults_only = unions::DrawingMany::Null;
    assert_ne!(with_defaults_only, drawing.many);
}

#[test]
fn names_are_idiomatic_and_collisions_resolved() {
    let t = names::Type {
        r#type: "keyword".into(),
        self_: 1,
        crate_: 2,
        r#fn: 3,
        self_2: 4,
        underscore1: 5,
        camel_case: 6,
        screaming_case: 7,
        foo_bar: 8,
        foo_bar_2: 9,
        kind: names::Color::BlueGreen2,
    };
    assert_eq!(t.self_2, 4);
    let _ = (ns::a::Thing { x: 1 }, ns::b::Thing { y: 2 }, ns::Inner {});
    let _ = ns::OuterEither::TrickyNsAThing(ns::a::Thing { x: 1 });
    let _ = avrokit_tests::corpus::Rootless {
        z: ns::a::Thing { x: 3 },
    };
    assert_eq!(cross::Zed::default().z, 26);
}

#[test]
fn logical_types_map_to_rich_rust_types() {
    let wait: logical::Wait = avrokit::Duration::new(0, 1, 0);
    let price: logical::Price = Decimal::new(12345, 4);
    assert_eq!((wait.days, price.scale()), (1, 4));
}

#[test]
fn prelude_names_shadowed_by_generated_types_still_work() {
    let s = shadow::String::default();
    assert_eq!(s.text, "x");
    assert_eq!(s.some, shadow::Some(*b"ab"));
    assert_eq!(s.vec, shadow::Vec(*b"v"));
    assert_eq!(s.maybe, None);
    assert_eq!(s.items, vec!["a".to_owned()]);
}
