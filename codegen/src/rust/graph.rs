//! Facts about the type graph that shape the generated Rust: which fields must be boxed
//! to break a cycle, and which types contain floating-point numbers (and so cannot derive
//! `Eq` and `Hash`).

use super::plan::{Plan, Segment, Site};
use crate::ir::{NamedKind, Schema, TypeId};
use std::collections::HashSet;

/// A Rust type that holds other types by value: a record's struct or a union's enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Node {
    /// The struct of a record.
    Record(TypeId),
    /// The enum of a union (index into [`Plan::unions`]).
    Union(usize),
}

/// The results of the analysis.
pub(super) struct Analysis {
    /// `(node, slot)` pairs (slot = field or branch index) that hold their value in a `Box`.
    pub boxed: HashSet<(Node, usize)>,
    /// Nodes that contain an `f32` or `f64` somewhere.
    pub has_float: HashSet<Node>,
}

impl Analysis {
    pub fn new(plan: &Plan<'_>) -> Self {
        let nodes = nodes(plan);
        Self {
            boxed: back_edges(plan, &nodes),
            has_float: float_nodes(plan, &nodes),
        }
    }
}

fn nodes(plan: &Plan<'_>) -> Vec<Node> {
    let records = plan
        .set
        .iter()
        .filter(|(_, t)| matches!(t.kind, NamedKind::Record(_)))
        .map(|(id, _)| Node::Record(id));
    records.chain((0..plan.unions.len()).map(Node::Union)).collect()
}

/// The slots of a node: (slot index, schema, site of unions in it).
fn slots<'p>(plan: &'p Plan<'_>, node: Node) -> Vec<(usize, &'p Schema, Site)> {
    match node {
        Node::Record(id) => match &plan.set.get(id).kind {
            NamedKind::Record(record) => record
                .fields
                .iter()
                .enumerate()
                .map(|(i, f)| (i, &f.schema, (id, i, Vec::new())))
                .collect(),
            _ => Vec::new(),
        },
        Node::Union(u) => {
            let union = &plan.unions[u];
            union
                .branches
                .iter()
                .enumerate()
                .map(|(i, b)| {
                    let (owner, field, mut path) = union.site.clone();
                    path.push(Segment::Branch(i));
                    (i, b, (owner, field, path))
                })
                .collect()
        }
    }
}

/// The node a slot holds by value (not behind a `Vec` or map), if any.
fn by_value(plan: &Plan<'_>, schema: &Schema, site: &Site) -> Option<Node> {
    match schema {
        Schema::Named(id) if matches!(plan.set.get(*id).kind, NamedKind::Record(_)) => Some(Node::Record(*id)),
        Schema::Union(_) => match schema.as_optional() {
            Some((inner, _)) => by_value(plan, inner, site),
            None => plan.union_at.get(site).map(|u| Node::Union(*u)),
        },
        _ => None,
    }
}

/// Boxes exactly the back edges of a depth-first search in declaration order: each cycle
/// gets one `Box`, and types that are merely on a path to a cycle are left alone.
fn back_edges(plan: &Plan<'_>, nodes: &[Node]) -> HashSet<(Node, usize)> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        OnStack,
        Done,
    }
    let positions: std::collections::HashMap<Node, usize> = nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let index = |node: Node| positions[&node];
    let mut state = vec![State::New; nodes.len()];
    let mut boxed = HashSet::new();
    for start in 0..nodes.len() {
        if state[start] != State::New {
            continue;
        }
        // Explicit stack of (node index, next slot to visit) so deep schemas cannot
        // overflow the call stack.
        let mut stack = vec![(start, 0usize)];
        state[start] = State::OnStack;
        while let Some((current, next)) = stack.last().cloned() {
            let node_slots = slots(plan, nodes[current]);
            if next >= node_slots.len() {
                state[current] = State::Done;
                stack.pop();
                continue;
            }
            stack.last_mut().expect("non-empty").1 += 1;
            let (slot, schema, site) = &node_slots[next];
            let Some(target) = by_value(plan, schema, site) else {
                continue;
            };
            let t = index(target);
            match state[t] {
                State::OnStack => {
                    boxed.insert((nodes[current], *slot));
                }
                State::New => {
                    state[t] = State::OnStack;
                    stack.push((t, 0));
                }
                State::Done => {}
            }
        }
    }
    boxed
}

fn float_nodes(plan: &Plan<'_>, nodes: &[Node]) -> HashSet<Node> {
    let mut has_float: HashSet<Node> = HashSet::new();
    loop {
        let before = has_float.len();
        for node in nodes {
            if has_float.contains(node) {
                continue;
            }
            if slots(plan, *node)
                .iter()
                .any(|(_, schema, site)| contains_float(plan, schema, site.clone(), &has_float))
            {
                has_float.insert(*node);
            }
        }
        if has_float.len() == before {
            return has_float;
        }
    }
}

fn contains_float(plan: &Plan<'_>, schema: &Schema, site: Site, known: &HashSet<Node>) -> bool {
    let child = |segment: Segment| {
        let mut path = site.2.clone();
        path.push(segment);
        (site.0, site.1, path)
    };
    match schema {
        Schema::Float | Schema::Double => true,
        Schema::Array(items) => contains_float(plan, items, child(Segment::Item), known),
        Schema::Map(values) => contains_float(plan, values, child(Segment::Value), known),
        Schema::Named(id) => known.contains(&Node::Record(*id)),
        Schema::Union(_) => match schema.as_optional() {
            Some((inner, _)) => contains_float(plan, inner, site, known),
            None => plan
                .union_at
                .get(&site)
                .is_some_and(|u| known.contains(&Node::Union(*u))),
        },
        _ => false,
    }
}
