//! The picture of what flows where: topics → types → tables as an SVG of layered columns,
//! laid out here (no script draws it). Topics form the first column, the types topics
//! carry the next, the types those refer to the columns after, and sink tables the last;
//! every node links to its page.

use super::html::esc;
use super::model::{self, Model, direct_names};
use crate::catalog::Topic;
use crate::ir::{NamedKind, TypeId};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// Width of one character of the labels (12px monospace), in SVG units.
const CHAR: f64 = 7.25;
const PAD: f64 = 12.0;
const NODE_H: f64 = 28.0;
const GAP_Y: f64 = 12.0;
const GAP_X: f64 = 96.0;
const TOP: f64 = 34.0;
const MARGIN: f64 = 8.0;
/// Labels longer than this are cut (the whole name is in the tooltip).
const MAX_LABEL: usize = 34;

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Topic(String),
    Type(TypeId),
    Table(String),
    /// Where edge `.0` crosses column `.1`.
    Bend(usize, usize),
}

struct Node {
    key: Key,
    label: String,
    title: String,
    href: String,
    class: &'static str,
    layer: usize,
}

/// The whole catalog: every topic, type and table.
pub(super) fn for_site(model: &Model<'_>, root: &str) -> String {
    let tables: Vec<(String, String)> = model
        .tables
        .iter()
        .map(|t| (t.topic.name.clone(), t.sink.table.clone()))
        .collect();
    build(
        model,
        &model.topics,
        &model.types,
        &tables,
        root,
        "Topics, the types they carry and the tables they fill",
    )
}

/// One topic, the types it reaches and its table.
pub(super) fn for_topic(model: &Model<'_>, topic: &Topic, root: &str) -> String {
    let types: Vec<TypeId> = model::reached(model.set, topic).into_iter().collect();
    let tables: Vec<(String, String)> = topic
        .sink
        .iter()
        .map(|s| (topic.name.clone(), s.table.clone()))
        .collect();
    build(
        model,
        &[topic],
        &types,
        &tables,
        root,
        &format!("Topic {}, the types it carries and its table", topic.name),
    )
}

fn build(
    model: &Model<'_>,
    topics: &[&Topic],
    types: &[TypeId],
    tables: &[(String, String)],
    root: &str,
    label: &str,
) -> String {
    let included: BTreeSet<TypeId> = types.iter().copied().collect();
    // Type references among the included types.
    let mut refs: BTreeMap<TypeId, BTreeSet<TypeId>> = BTreeMap::new();
    for &id in &included {
        let mut out = BTreeSet::new();
        if let NamedKind::Record(record) = &model.set.get(id).kind {
            for field in &record.fields {
                direct_names(&field.schema, &mut out);
            }
        }
        out.retain(|t| included.contains(t) && *t != id);
        refs.insert(id, out);
    }
    // Layers: topics 0; the types topics name 1; types nothing else names 1; each other
    // type one past the first type that names it (breadth first).
    let mut layer: BTreeMap<TypeId, usize> = BTreeMap::new();
    let mut edges: Vec<(Key, Key)> = Vec::new();
    let mut queue = std::collections::VecDeque::new();
    for topic in topics {
        let mut named = BTreeSet::new();
        if let Some(key) = &topic.key {
            direct_names(key, &mut named);
        }
        for value in &topic.value_types {
            direct_names(value, &mut named);
        }
        for id in named.into_iter().filter(|id| included.contains(id)) {
            edges.push((Key::Topic(topic.name.clone()), Key::Type(id)));
            if layer.insert(id, 1).is_none() {
                queue.push_back(id);
            }
        }
    }
    let named_by_others: BTreeSet<TypeId> = refs.values().flatten().copied().collect();
    for &id in &included {
        if !named_by_others.contains(&id) && !layer.contains_key(&id) {
            layer.insert(id, 1);
            queue.push_back(id);
        }
    }
    while let Some(id) = queue.pop_front() {
        let next = layer[&id] + 1;
        for &target in &refs[&id] {
            if let std::collections::btree_map::Entry::Vacant(entry) = layer.entry(target) {
                entry.insert(next);
                queue.push_back(target);
            }
        }
    }
    for &id in &included {
        layer.entry(id).or_insert(1);
    }
    for (&id, targets) in &refs {
        for target in targets {
            if layer[target] > layer[&id] {
                edges.push((Key::Type(id), Key::Type(*target)));
            }
        }
    }
    let table_layer = layer.values().copied().max().unwrap_or(0) + 1;
    for (topic, table) in tables {
        let source = topics
            .iter()
            .find(|t| t.name == *topic)
            .and_then(|t| match &t.value {
                crate::ir::Schema::Named(id) if included.contains(id) => Some(Key::Type(*id)),
                _ => None,
            })
            .unwrap_or_else(|| Key::Topic(topic.clone()));
        edges.push((source, Key::Table(table.clone())));
    }

    let mut nodes: Vec<Node> = Vec::new();
    for topic in topics {
        nodes.push(Node {
            key: Key::Topic(topic.name.clone()),
            label: topic.name.clone(),
            title: format!("topic {}", topic.name),
            href: model::topic_path(&topic.name),
            class: "topic",
            layer: 0,
        });
    }
    for (&id, &l) in &layer {
        let named = model.set.get(id);
        nodes.push(Node {
            key: Key::Type(id),
            label: model.short_name(id),
            title: format!("{} {}", super::html::kind_name(&named.kind), named.name),
            href: model.type_path(id),
            class: match &named.kind {
                NamedKind::Record(_) => "record",
                NamedKind::Enum(_) => "enum",
                NamedKind::Fixed(_) => "fixed",
            },
            layer: l,
        });
    }
    for (_, table) in tables {
        nodes.push(Node {
            key: Key::Table(table.clone()),
            label: table.clone(),
            title: format!("table {table}"),
            href: model::table_path(table),
            class: "table",
            layer: table_layer,
        });
    }
    svg(nodes, &edges, table_layer, !tables.is_empty(), root, label)
}

/// A place in a column: a node (by index into the nodes) or an edge's bend (`None`).
type Slot = (Key, Option<usize>);
/// How slots sort in a column: the mean position of their predecessors, nodes before
/// bends, then by label.
type Order = (f64, u8, String);

/// Where an edge that spans several columns passes a column between its ends: a slot of
/// its own there, so that no node sits on the line.
const BEND_H: f64 = 14.0;

/// Orders each column (the topics by name, each later column by the mean position of
/// what points at it), places the nodes, routes every edge through its own slots in the
/// columns it crosses, and draws it all.
fn svg(
    nodes: Vec<Node>,
    edges: &[(Key, Key)],
    table_layer: usize,
    has_tables: bool,
    root: &str,
    label: &str,
) -> String {
    let layer_of: BTreeMap<Key, usize> = nodes.iter().map(|n| (n.key.clone(), n.layer)).collect();
    let layers = nodes.iter().map(|n| n.layer).max().map_or(0, |m| m + 1);
    // Each edge as its chain of slots: its source, a bend per column in between, its target.
    let mut chains: Vec<Vec<Key>> = Vec::new();
    let mut seen = BTreeSet::new();
    for (from, to) in edges {
        let (Some(&a), Some(&b)) = (layer_of.get(from), layer_of.get(to)) else {
            continue;
        };
        if b <= a || !seen.insert((from.clone(), to.clone())) {
            continue;
        }
        let index = chains.len();
        let mut chain = vec![from.clone()];
        chain.extend((a + 1..b).map(|l| Key::Bend(index, l)));
        chain.push(to.clone());
        chains.push(chain);
    }
    let steps: Vec<(&Key, &Key)> = chains.iter().flat_map(|c| c.iter().zip(c.iter().skip(1))).collect();

    // Slots per column: nodes (by index into `nodes`) and bends.
    let mut columns: Vec<Vec<Slot>> = (0..layers).map(|_| Vec::new()).collect();
    for (i, node) in nodes.iter().enumerate() {
        columns[node.layer].push((node.key.clone(), Some(i)));
    }
    for chain in &chains {
        for key in chain {
            if let Key::Bend(_, l) = key {
                columns[*l].push((key.clone(), None));
            }
        }
    }
    let mut position: BTreeMap<Key, f64> = BTreeMap::new();
    for column in &mut columns {
        let sort_key = |(key, node): &Slot| -> Order {
            let from: Vec<f64> = steps
                .iter()
                .filter(|(_, to)| *to == key)
                .filter_map(|(from, _)| position.get(*from).copied())
                .collect();
            let center = if from.is_empty() {
                f64::MAX
            } else {
                from.iter().sum::<f64>() / from.len() as f64
            };
            match node {
                Some(i) => (center, 0, nodes[*i].label.clone()),
                None => (center, 1, String::new()),
            }
        };
        let mut keyed: Vec<(Order, Slot)> = std::mem::take(column)
            .into_iter()
            .map(|slot| (sort_key(&slot), slot))
            .collect();
        keyed.sort_by(|(a, ka), (b, kb)| {
            a.0.total_cmp(&b.0)
                .then_with(|| a.1.cmp(&b.1))
                .then_with(|| a.2.cmp(&b.2))
                .then_with(|| ka.0.cmp(&kb.0))
        });
        *column = keyed.into_iter().map(|(_, slot)| slot).collect();
        for (i, (key, _)) in column.iter().enumerate() {
            position.insert(key.clone(), i as f64);
        }
    }

    let pitch = |node: &Option<usize>| if node.is_some() { NODE_H + GAP_Y } else { BEND_H };
    let widths: Vec<f64> = columns
        .iter()
        .map(|c| {
            let chars = c
                .iter()
                .filter_map(|(_, n)| n.map(|i| shown(&nodes[i].label).chars().count()))
                .max()
                .unwrap_or(6);
            (chars.max(8) as f64) * CHAR + 2.0 * PAD
        })
        .collect();
    let heights: Vec<f64> = columns.iter().map(|c| c.iter().map(|(_, n)| pitch(n)).sum()).collect();
    let tallest = heights.iter().copied().fold(0.0, f64::max);
    let height = TOP + tallest + MARGIN;
    // Each slot's column x, column width and vertical center.
    let mut places: BTreeMap<Key, (f64, f64, f64)> = BTreeMap::new();
    let mut headers = String::new();
    let mut x = MARGIN;
    for (l, column) in columns.iter().enumerate() {
        if column.is_empty() {
            continue;
        }
        let width = widths[l];
        if column.iter().any(|(_, n)| n.is_some()) {
            let title = if l == 0 {
                "Topics"
            } else if has_tables && l == table_layer {
                "Tables"
            } else if l == 1 {
                "Types"
            } else {
                "Referenced types"
            };
            let _ = write!(
                headers,
                "<text class=\"column-title\" x=\"{}\" y=\"18\">{title}</text>",
                fmt(x)
            );
        }
        let mut y = TOP + (tallest - heights[l]) / 2.0;
        for (key, node) in column {
            let step = pitch(node);
            let center = if node.is_some() {
                y + NODE_H / 2.0
            } else {
                y + BEND_H / 2.0
            };
            places.insert(key.clone(), (x, width, center));
            y += step;
        }
        x += width + GAP_X;
    }
    let width = (x - GAP_X + MARGIN).max(MARGIN * 2.0);
    let mut out = format!(
        "<svg class=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{}\">\
         <defs><marker id=\"arrow\" viewBox=\"0 0 8 8\" refX=\"7.5\" refY=\"4\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\"/></marker></defs>\
         <g class=\"headers\">{headers}</g><g class=\"edges\">",
        esc(label),
        w = fmt(width),
        h = fmt(height),
    );
    let id_of = |key: &Key| -> String {
        match key {
            Key::Topic(name) => format!("topic:{name}"),
            Key::Type(id) => format!("type:{}", id.0),
            Key::Table(name) => format!("table:{name}"),
            Key::Bend(edge, layer) => format!("bend:{edge}:{layer}"),
        }
    };
    for chain in &chains {
        let (Some(first), Some(last)) = (chain.first(), chain.last()) else {
            continue;
        };
        // The points the line passes: out of the source's right side, through each bend's
        // column straight across, into the target's left side.
        let mut points: Vec<(f64, f64, bool)> = Vec::new();
        for (i, key) in chain.iter().enumerate() {
            let (cx, cw, cy) = places[key];
            if i == 0 {
                points.push((cx + cw, cy, false));
            } else if i == chain.len() - 1 {
                points.push((cx - 1.5, cy, false));
            } else {
                points.push((cx, cy, false));
                points.push((cx + cw, cy, true));
            }
        }
        let mut d = format!("M{} {}", fmt(points[0].0), fmt(points[0].1));
        for pair in points.windows(2) {
            let ((x1, y1, _), (x2, y2, straight)) = (pair[0], pair[1]);
            if straight {
                let _ = write!(d, " L{} {}", fmt(x2), fmt(y2));
            } else {
                let mid = (x1 + x2) / 2.0;
                let _ = write!(
                    d,
                    " C{} {} {} {} {} {}",
                    fmt(mid),
                    fmt(y1),
                    fmt(mid),
                    fmt(y2),
                    fmt(x2),
                    fmt(y2)
                );
            }
        }
        let _ = write!(
            out,
            "<path class=\"edge\" data-from=\"{}\" data-to=\"{}\" d=\"{d}\" marker-end=\"url(#arrow)\"/>",
            esc(&id_of(first)),
            esc(&id_of(last)),
        );
    }
    out.push_str("</g><g class=\"nodes\">");
    for column in &columns {
        for (key, node) in column {
            let Some(i) = node else { continue };
            let node = &nodes[*i];
            let (x, w, center) = places[key];
            let y = center - NODE_H / 2.0;
            let _ = write!(
                out,
                "<a class=\"node {}\" href=\"{root}{}\" data-node=\"{}\" data-name=\"{}\"><title>{}</title>\
                 <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{NODE_H}\" rx=\"6\"/><text x=\"{}\" y=\"{}\">{}</text></a>",
                node.class,
                esc(&node.href),
                esc(&id_of(key)),
                esc(&node.label),
                esc(&node.title),
                fmt(x),
                fmt(y),
                fmt(w),
                fmt(x + PAD),
                fmt(center + 4.0),
                esc(&shown(&node.label))
            );
        }
    }
    out.push_str("</g></svg>");
    out
}

/// A label as drawn: cut to [`MAX_LABEL`] characters.
fn shown(label: &str) -> String {
    if label.chars().count() <= MAX_LABEL {
        label.to_owned()
    } else {
        let cut: String = label.chars().take(MAX_LABEL - 1).collect();
        format!("{cut}…")
    }
}

/// A coordinate with at most one decimal, without trailing zeros.
fn fmt(v: f64) -> String {
    let rounded = (v * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded:.1}")
    }
}
