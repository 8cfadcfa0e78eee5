//! Schema resolution: reading data written with one schema (the writer's) as another (the
//! reader's), by the Avro specification's rules.
//!
//! A [`Plan`] is built once per (writer, reader) pair and cached by fingerprints. It
//! *transcodes*: it reads the writer's bytes and writes the reader's encoding of the same
//! data (fields reordered, writer-only fields skipped, missing fields filled with the
//! reader's defaults, promotions applied, enum symbols mapped by name, union branches
//! re-indexed). The reader type's own fast decoder then reads the result, so generated
//! code has a single decoding path, and a pair that cannot be resolved fails when the plan
//! is built, before any byte is read.

use crate::codec::{self, Reader};
use crate::error::{DecodeError, DecodeErrorKind};
use crate::schema::Schema;
use avrokit_schema::ir::{self, FixedLogical, Logical, NamedKind, SchemaSet, TypeId, Value};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

/// Why data written with one schema cannot be read as another.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ResolveError {
    /// The reader cannot read what the writer writes (found when the plan is built).
    #[error("cannot read data written as {writer} as {reader}: at {path}: {reason}")]
    Incompatible {
        /// The writer's top-level type.
        writer: String,
        /// The reader's top-level type.
        reader: String,
        /// Where in the reader's schema (`/fields/name/...`).
        path: String,
        /// What does not match.
        reason: String,
    },
    /// The bytes are not valid data of the writer's schema.
    #[error(transparent)]
    Decode(#[from] DecodeError),
}

/// How to turn one writer value into one reader value.
#[derive(Debug, Clone)]
enum Step {
    /// The same encoding: copy the writer's bytes (the writer schema says how far).
    Copy(ir::Schema),
    /// int or long → float.
    LongToFloat,
    /// int or long → double.
    LongToDouble,
    /// float → double.
    FloatToDouble,
    /// A record: index into [`Plan::records`].
    Record(usize),
    /// An enum: the reader's index for each writer index (`None`: the reader's default,
    /// which the plan checked exists).
    Enum {
        map: Vec<Option<usize>>,
        default: Option<usize>,
    },
    /// Array items.
    Array(Box<Step>),
    /// Map values.
    Map(Box<Step>),
    /// A writer union: per writer branch, the reader branch index to write (if the reader
    /// is a union) and the step.
    FromUnion(Vec<(Option<usize>, Step)>),
    /// A non-union writer into a reader union: the reader's branch index, then the step.
    IntoUnion(usize, Box<Step>),
}

#[derive(Debug, Clone)]
enum FieldSource {
    /// Take the writer field with this index.
    Writer(usize),
    /// The reader's default, pre-encoded.
    Default(Vec<u8>),
}

#[derive(Debug, Clone, Default)]
struct RecordPlan {
    /// For each writer field, in writer order: the step, or `None` to skip it.
    writer_fields: Vec<(ir::Schema, Option<Step>)>,
    /// For each reader field, in reader order: where it comes from.
    reader_fields: Vec<FieldSource>,
    /// Whether the writer fields the reader takes come in the reader's order.
    in_order: bool,
}

/// A resolution plan between a writer schema and a reader schema.
#[derive(Debug, Clone)]
pub struct Plan {
    writer: Arc<SchemaSet>,
    root: Step,
    records: Vec<RecordPlan>,
}

/// Plans by (writer fingerprint, reader fingerprint).
type PlanCache = RwLock<HashMap<(u64, u64), Arc<Plan>>>;

/// The plans, shared by every type and thread.
fn cache() -> &'static PlanCache {
    static CACHE: OnceLock<PlanCache> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The cached plan for reading `writer` data as `reader`, built on first use.
pub fn plan_for(writer: &Schema, reader: &Schema) -> Result<Arc<Plan>, ResolveError> {
    let key = (writer.fingerprint(), reader.fingerprint());
    if let Some(plan) = cache().read().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return Ok(plan.clone());
    }
    let plan = Arc::new(Plan::new(writer, reader)?);
    cache()
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, plan.clone());
    Ok(plan)
}

/// A plan with the (writer, reader) fingerprints it is for.
type KeyedPlan = ((u64, u64), Arc<Plan>);

thread_local! {
    /// The plan used last on this thread: consumers mostly read one writer schema at a
    /// time, so this skips the shared map's lock for nearly every message.
    static LAST_PLAN: RefCell<Option<KeyedPlan>> = const { RefCell::new(None) };
    /// The transcoding buffer, reused from message to message.
    static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Decodes `bytes`, written with `writer`, with `decode` (a reader of `reader` data):
/// through this thread's last plan when it fits, into a reused buffer.
pub fn decode_resolved<T>(
    bytes: &[u8],
    writer: &Schema,
    reader: &Schema,
    decode: impl FnOnce(&[u8]) -> Result<T, DecodeError>,
) -> Result<T, ResolveError> {
    let key = (writer.fingerprint(), reader.fingerprint());
    let cached = LAST_PLAN.with_borrow(|last| last.as_ref().filter(|(k, _)| *k == key).map(|(_, p)| p.clone()));
    let plan = match cached {
        Some(plan) => plan,
        None => {
            let plan = plan_for(writer, reader)?;
            LAST_PLAN.set(Some((key, plan.clone())));
            plan
        }
    };
    BUFFER.with_borrow_mut(|buffer| {
        buffer.clear();
        let mut r = Reader::new(bytes);
        plan.run(&plan.root, &mut r, buffer)?;
        r.finish()?;
        Ok(decode(buffer)?)
    })
}

impl Plan {
    /// Builds the plan for reading `writer` data as `reader`.
    pub fn new(writer: &Schema, reader: &Schema) -> Result<Self, ResolveError> {
        let mut builder = Builder {
            w: writer.types(),
            r: reader.types(),
            records: Vec::new(),
            memo: HashMap::new(),
            writer_name: writer.types().describe(writer.root()),
            reader_name: reader.types().describe(reader.root()),
        };
        let root = builder.step(writer.root(), reader.root(), "")?;
        Ok(Self {
            writer: Arc::new(writer.types().clone()),
            root,
            records: builder.records,
        })
    }

    /// The reader's encoding of the one writer value in `bytes`.
    pub fn transcode(&self, bytes: &[u8]) -> Result<Vec<u8>, DecodeError> {
        let mut reader = Reader::new(bytes);
        let mut out = Vec::with_capacity(bytes.len() + 16);
        self.run(&self.root, &mut reader, &mut out)?;
        reader.finish()?;
        Ok(out)
    }

    fn run(&self, step: &Step, r: &mut Reader<'_>, out: &mut Vec<u8>) -> Result<(), DecodeError> {
        match step {
            Step::Copy(schema) => {
                let start = r.position();
                skip(&self.writer, schema, r)?;
                out.extend_from_slice(r.consumed_since(start));
            }
            Step::LongToFloat => codec::write_float(out, r.read_long()? as f32),
            Step::LongToDouble => codec::write_double(out, r.read_long()? as f64),
            Step::FloatToDouble => codec::write_double(out, f64::from(r.read_float()?)),
            Step::Enum { map, default } => {
                let offset = r.position();
                let index = r.read_enum_index(map.len())?;
                let target = map[index].or(*default).ok_or_else(|| {
                    DecodeError::from(DecodeErrorKind::BadEnumIndex {
                        offset,
                        index: index as i64,
                        symbols: map.len(),
                    })
                })?;
                codec::write_long(out, target as i64);
            }
            Step::Array(item) => self.blocks(r, out, |plan, r, out| plan.run(item, r, out))?,
            Step::Map(value) => self.blocks(r, out, |plan, r, out| {
                codec::write_str(out, r.read_str()?);
                plan.run(value, r, out)
            })?,
            Step::FromUnion(branches) => {
                let index = r.read_union_index(branches.len())?;
                let (reader_index, step) = &branches[index];
                if let Some(reader_index) = reader_index {
                    codec::write_long(out, *reader_index as i64);
                }
                self.run(step, r, out)?;
            }
            Step::IntoUnion(index, step) => {
                codec::write_long(out, *index as i64);
                self.run(step, r, out)?;
            }
            Step::Record(index) => {
                r.descend()?;
                self.record(&self.records[*index], r, out)?;
                r.ascend();
            }
        }
        Ok(())
    }

    fn record(&self, plan: &RecordPlan, r: &mut Reader<'_>, out: &mut Vec<u8>) -> Result<(), DecodeError> {
        if plan.in_order {
            return self.record_in_order(plan, r, out);
        }
        // Each kept writer field is transcoded into `scratch`; the reader's fields are then
        // written in the reader's order.
        let mut scratch = Vec::new();
        let mut ranges = vec![(0, 0); plan.writer_fields.len()];
        for (i, (schema, step)) in plan.writer_fields.iter().enumerate() {
            match step {
                Some(step) => {
                    let start = scratch.len();
                    self.run(step, r, &mut scratch)?;
                    ranges[i] = (start, scratch.len());
                }
                None => skip(&self.writer, schema, r)?,
            }
        }
        for source in &plan.reader_fields {
            match source {
                FieldSource::Writer(i) => out.extend_from_slice(&scratch[ranges[*i].0..ranges[*i].1]),
                FieldSource::Default(bytes) => out.extend_from_slice(bytes),
            }
        }
        Ok(())
    }

    /// The common case (fields added or removed, none reordered): stream straight into
    /// `out`, copying runs of unchanged fields in one go.
    fn record_in_order(&self, plan: &RecordPlan, r: &mut Reader<'_>, out: &mut Vec<u8>) -> Result<(), DecodeError> {
        fn flush(r: &Reader<'_>, out: &mut Vec<u8>, copy_start: &mut Option<usize>) {
            if let Some(start) = copy_start.take() {
                out.extend_from_slice(r.consumed_since(start));
            }
        }
        let mut copy_start = None;
        let mut next = 0;
        for source in &plan.reader_fields {
            match source {
                FieldSource::Writer(i) => {
                    if next < *i {
                        flush(r, out, &mut copy_start);
                        for (schema, _) in &plan.writer_fields[next..*i] {
                            skip(&self.writer, schema, r)?;
                        }
                    }
                    match &plan.writer_fields[*i] {
                        (schema, Some(Step::Copy(_)) | None) => {
                            copy_start.get_or_insert(r.position());
                            skip(&self.writer, schema, r)?;
                        }
                        (_, Some(step)) => {
                            flush(r, out, &mut copy_start);
                            self.run(step, r, out)?;
                        }
                    }
                    next = i + 1;
                }
                FieldSource::Default(bytes) => {
                    flush(r, out, &mut copy_start);
                    out.extend_from_slice(bytes);
                }
            }
        }
        flush(r, out, &mut copy_start);
        for (schema, _) in &plan.writer_fields[next..] {
            skip(&self.writer, schema, r)?;
        }
        Ok(())
    }

    fn blocks(
        &self,
        r: &mut Reader<'_>,
        out: &mut Vec<u8>,
        mut item: impl FnMut(&Self, &mut Reader<'_>, &mut Vec<u8>) -> Result<(), DecodeError>,
    ) -> Result<(), DecodeError> {
        loop {
            let count = r.read_block_count()?;
            if count == 0 {
                out.push(0);
                return Ok(());
            }
            codec::write_long(out, count as i64);
            for _ in 0..count {
                item(self, r, out)?;
            }
        }
    }
}

/// Skips one value of `schema` (a schema of `set`).
fn skip(set: &SchemaSet, schema: &ir::Schema, r: &mut Reader<'_>) -> Result<(), DecodeError> {
    match schema {
        ir::Schema::Null => Ok(()),
        ir::Schema::Boolean => r.read_bool().map(drop),
        ir::Schema::Int | ir::Schema::Long => r.read_long().map(drop),
        ir::Schema::Float => r.skip_fixed(4),
        ir::Schema::Double => r.skip_fixed(8),
        ir::Schema::Bytes | ir::Schema::String => r.read_bytes().map(drop),
        ir::Schema::Logical(logical) => skip(set, &logical.base(), r),
        ir::Schema::Array(items) => codec::for_each_item(r, |r| skip(set, items, r)),
        ir::Schema::Map(values) => codec::for_each_item(r, |r| {
            r.read_bytes()?;
            skip(set, values, r)
        }),
        ir::Schema::Union(branches) => {
            let index = r.read_union_index(branches.len())?;
            skip(set, &branches[index], r)
        }
        ir::Schema::Named(id) => match &set.get(*id).kind {
            NamedKind::Fixed(fixed) => r.skip_fixed(fixed.size),
            NamedKind::Enum(e) => r.read_enum_index(e.symbols.len()).map(drop),
            NamedKind::Record(record) => {
                r.descend()?;
                for field in &record.fields {
                    skip(set, &field.schema, r)?;
                }
                r.ascend();
                Ok(())
            }
        },
    }
}

struct Builder<'a> {
    w: &'a SchemaSet,
    r: &'a SchemaSet,
    records: Vec<RecordPlan>,
    memo: HashMap<(TypeId, TypeId), usize>,
    writer_name: String,
    reader_name: String,
}

/// The underlying type of a logical type; other schemas as they are.
fn base(schema: &ir::Schema) -> ir::Schema {
    match schema {
        ir::Schema::Logical(Logical::Decimal(_)) => ir::Schema::Bytes,
        ir::Schema::Logical(logical) => logical.base(),
        other => other.clone(),
    }
}

impl Builder<'_> {
    fn incompatible(&self, path: &str, reason: impl Into<String>) -> ResolveError {
        ResolveError::Incompatible {
            writer: self.writer_name.clone(),
            reader: self.reader_name.clone(),
            path: if path.is_empty() { "/".into() } else { path.to_owned() },
            reason: reason.into(),
        }
    }

    fn names_match(&self, w: TypeId, r: TypeId) -> bool {
        let (w, r) = (self.w.get(w), self.r.get(r));
        w.name.name == r.name.name || r.aliases.iter().any(|a| *a == w.name || a.name == w.name.name)
    }

    fn step(&mut self, w: &ir::Schema, r: &ir::Schema, path: &str) -> Result<Step, ResolveError> {
        use ir::Schema as S;
        let (wb, rb) = (base(w), base(r));
        match (&wb, &rb) {
            (S::Union(branches), _) => {
                let mut steps = Vec::with_capacity(branches.len());
                for (i, branch) in branches.iter().enumerate() {
                    let branch_path = format!("{path}/union[{i}]");
                    match &rb {
                        S::Union(reader_branches) => {
                            let (index, step) = self.union_branch_for(branch, reader_branches, &branch_path)?;
                            steps.push((Some(index), step));
                        }
                        _ => steps.push((None, self.step(branch, r, &branch_path)?)),
                    }
                }
                Ok(Step::FromUnion(steps))
            }
            (_, S::Union(reader_branches)) => {
                let (index, step) = self.union_branch_for(w, reader_branches, path)?;
                Ok(Step::IntoUnion(index, Box::new(step)))
            }
            (S::Null, S::Null) | (S::Boolean, S::Boolean) | (S::Int, S::Int) | (S::Long, S::Long) => Ok(Step::Copy(wb)),
            (S::Float, S::Float) | (S::Double, S::Double) => Ok(Step::Copy(wb)),
            (S::Int, S::Long) | (S::String | S::Bytes, S::String | S::Bytes) => Ok(Step::Copy(wb)),
            (S::Int | S::Long, S::Float) => Ok(Step::LongToFloat),
            (S::Int | S::Long, S::Double) => Ok(Step::LongToDouble),
            (S::Float, S::Double) => Ok(Step::FloatToDouble),
            (S::Array(wi), S::Array(ri)) => match self.step(wi, ri, &format!("{path}/items"))? {
                Step::Copy(_) => Ok(Step::Copy(wb)),
                step => Ok(Step::Array(Box::new(step))),
            },
            (S::Map(wv), S::Map(rv)) => match self.step(wv, rv, &format!("{path}/values"))? {
                Step::Copy(_) => Ok(Step::Copy(wb)),
                step => Ok(Step::Map(Box::new(step))),
            },
            (S::Named(wid), S::Named(rid)) => self.named(*wid, *rid, &wb, path),
            _ => Err(self.incompatible(
                path,
                format!(
                    "the writer's {} cannot be read as {}",
                    self.w.describe(w),
                    self.r.describe(r)
                ),
            )),
        }
    }

    /// The reader branch that reads writer schema `w`: the first of the same type, else
    /// the first it promotes to (the specification's order).
    fn union_branch_for(
        &mut self,
        w: &ir::Schema,
        branches: &[ir::Schema],
        path: &str,
    ) -> Result<(usize, Step), ResolveError> {
        let same_kind = |b: &ir::Schema| match (base(w), base(b)) {
            (ir::Schema::Named(wid), ir::Schema::Named(rid)) => self.names_match(wid, rid),
            (wb, rb) => std::mem::discriminant(&wb) == std::mem::discriminant(&rb),
        };
        let exact = branches.iter().position(same_kind);
        let candidates = exact.into_iter().chain(0..branches.len());
        for index in candidates {
            if let Ok(step) = self.step(w, &branches[index], &format!("{path}/union[{index}]")) {
                return Ok((index, step));
            }
        }
        Err(self.incompatible(
            path,
            format!(
                "no branch of the reader's union can read the writer's {}",
                self.w.describe(w)
            ),
        ))
    }

    fn named(&mut self, wid: TypeId, rid: TypeId, wb: &ir::Schema, path: &str) -> Result<Step, ResolveError> {
        if !self.names_match(wid, rid) {
            return Err(self.incompatible(
                path,
                format!(
                    "the writer's `{}` is not the reader's `{}` (nor one of its aliases)",
                    self.w.get(wid).name,
                    self.r.get(rid).name
                ),
            ));
        }
        match (&self.w.get(wid).kind, &self.r.get(rid).kind) {
            (NamedKind::Fixed(wf), NamedKind::Fixed(rf)) => {
                if wf.size != rf.size {
                    return Err(self.incompatible(path, format!("fixed size {} is not {}", wf.size, rf.size)));
                }
                let logical_differs = matches!((wf.logical, rf.logical), (Some(FixedLogical::Duration), Some(other)) | (Some(other), Some(FixedLogical::Duration)) if other != FixedLogical::Duration);
                if logical_differs {
                    return Err(self.incompatible(path, "a duration and another logical type share no meaning"));
                }
                Ok(Step::Copy(wb.clone()))
            }
            (NamedKind::Enum(we), NamedKind::Enum(re)) => {
                let default = re.default.as_ref().and_then(|d| re.symbols.iter().position(|s| s == d));
                let map: Vec<Option<usize>> = we
                    .symbols
                    .iter()
                    .map(|s| re.symbols.iter().position(|r| r == s))
                    .collect();
                if default.is_none()
                    && let Some(missing) = we.symbols.iter().zip(&map).find(|(_, m)| m.is_none())
                {
                    return Err(self.incompatible(
                        path,
                        format!(
                            "the reader's enum lacks the writer's symbol `{}` and has no default",
                            missing.0
                        ),
                    ));
                }
                if map.iter().enumerate().all(|(i, m)| *m == Some(i)) {
                    Ok(Step::Copy(wb.clone()))
                } else {
                    Ok(Step::Enum { map, default })
                }
            }
            (NamedKind::Record(_), NamedKind::Record(_)) => self.record(wid, rid, path),
            _ => Err(self.incompatible(path, "the writer's and reader's named types are of different kinds")),
        }
    }

    fn record(&mut self, wid: TypeId, rid: TypeId, path: &str) -> Result<Step, ResolveError> {
        if let Some(index) = self.memo.get(&(wid, rid)) {
            return Ok(Step::Record(*index));
        }
        let index = self.records.len();
        self.records.push(RecordPlan::default());
        self.memo.insert((wid, rid), index);
        let (NamedKind::Record(wr), NamedKind::Record(rr)) = (&self.w.get(wid).kind, &self.r.get(rid).kind) else {
            return Err(self.incompatible(path, "the writer's and reader's named types are of different kinds"));
        };
        let (wr, rr) = (wr.clone(), rr.clone());
        let mut writer_fields: Vec<(ir::Schema, Option<Step>)> =
            wr.fields.iter().map(|f| (f.schema.clone(), None)).collect();
        let mut reader_fields = Vec::with_capacity(rr.fields.len());
        for field in &rr.fields {
            let field_path = format!("{path}/fields/{}", field.name);
            let from_writer = wr
                .fields
                .iter()
                .position(|w| w.name == field.name || field.aliases.contains(&w.name));
            match (from_writer, &field.default) {
                (Some(i), _) => {
                    writer_fields[i].1 = Some(self.step(&wr.fields[i].schema, &field.schema, &field_path)?);
                    reader_fields.push(FieldSource::Writer(i));
                }
                (None, Some(default)) => {
                    let mut bytes = Vec::new();
                    encode_value(self.r, &field.schema, default, &mut bytes);
                    reader_fields.push(FieldSource::Default(bytes));
                }
                (None, None) => {
                    return Err(self.incompatible(
                        &field_path,
                        format!(
                            "the writer has no field `{}` and the reader's has no default",
                            field.name
                        ),
                    ));
                }
            }
        }
        let taken: Vec<usize> = reader_fields
            .iter()
            .filter_map(|source| match source {
                FieldSource::Writer(i) => Some(*i),
                FieldSource::Default(_) => None,
            })
            .collect();
        let in_order = taken.windows(2).all(|pair| pair[0] < pair[1]);
        self.records[index] = RecordPlan {
            writer_fields,
            reader_fields,
            in_order,
        };
        Ok(Step::Record(index))
    }
}

/// Writes a schema default (kept in the generic data model) in Avro binary.
fn encode_value(set: &SchemaSet, schema: &ir::Schema, value: &Value, out: &mut Vec<u8>) {
    match (schema, value) {
        (_, Value::Null) => {}
        (_, Value::Boolean(b)) => codec::write_bool(out, *b),
        (_, Value::Int(n)) => codec::write_int(out, *n),
        (_, Value::Long(n)) => codec::write_long(out, *n),
        (_, Value::Float(f)) => codec::write_float(out, *f),
        (_, Value::Double(f)) => codec::write_double(out, *f),
        (_, Value::Bytes(b)) => codec::write_bytes(out, b),
        (_, Value::String(s)) => codec::write_str(out, s),
        (_, Value::Fixed(b)) => codec::write_fixed(out, b),
        (_, Value::Enum(i)) => codec::write_long(out, *i as i64),
        (ir::Schema::Array(items), Value::Array(values)) => {
            let _ = codec::write_block(out, values, |out, v| {
                encode_value(set, items, v, out);
                Ok::<(), ()>(())
            });
        }
        (ir::Schema::Map(values_schema), Value::Map(entries)) => {
            let _ = codec::write_block(out, entries, |out, (k, v)| {
                codec::write_str(out, k);
                encode_value(set, values_schema, v, out);
                Ok::<(), ()>(())
            });
        }
        (ir::Schema::Union(branches), Value::Union(index, inner)) => {
            codec::write_long(out, *index as i64);
            encode_value(set, &branches[*index], inner, out);
        }
        (ir::Schema::Named(id), Value::Record(values)) => {
            if let NamedKind::Record(record) = &set.get(*id).kind {
                for (field, v) in record.fields.iter().zip(values) {
                    encode_value(set, &field.schema, v, out);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(writer: &str, reader: &str) -> Result<Plan, ResolveError> {
        Plan::new(&Schema::parse(writer).unwrap(), &Schema::parse(reader).unwrap())
    }

    fn reason(writer: &str, reader: &str) -> (String, String) {
        match plan(writer, reader) {
            Err(ResolveError::Incompatible { path, reason, .. }) => (path, reason),
            other => panic!("expected an incompatibility, got {other:?}"),
        }
    }

    #[test]
    fn incompatible_pairs_fail_when_the_plan_is_built() {
        let r = |fields: &str| format!(r#"{{"type":"record","name":"R","fields":[{fields}]}}"#);
        let (path, why) = reason(&r(r#"{"name":"a","type":"int"}"#), &r(r#"{"name":"b","type":"int"}"#));
        assert_eq!(path, "/fields/b");
        assert!(why.contains("no field `b`") && why.contains("no default"), "{why}");
        let (path, why) = reason(
            &r(r#"{"name":"a","type":"string"}"#),
            &r(r#"{"name":"a","type":"int"}"#),
        );
        assert_eq!(path, "/fields/a");
        assert!(why.contains("string cannot be read as int"), "{why}");
        let (_, why) = reason(&r(r#"{"name":"a","type":"long"}"#), &r(r#"{"name":"a","type":"int"}"#));
        assert!(why.contains("long cannot be read as int"), "no demotion: {why}");
        let e = |symbols: &str, default: &str| {
            r(&format!(
                r#"{{"name":"e","type":{{"type":"enum","name":"E","symbols":[{symbols}]{default}}}}}"#
            ))
        };
        let (_, why) = reason(&e(r#""A","B""#, ""), &e(r#""A""#, ""));
        assert!(why.contains("lacks the writer's symbol `B`"), "{why}");
        assert!(
            plan(&e(r#""A","B""#, ""), &e(r#""A""#, r#","default":"A""#)).is_ok(),
            "the default saves it"
        );
        let f = |size: u32| {
            r(&format!(
                r#"{{"name":"f","type":{{"type":"fixed","name":"F","size":{size}}}}}"#
            ))
        };
        assert!(reason(&f(4), &f(8)).1.contains("fixed size 4 is not 8"));
        let (_, why) = reason(
            r#"{"type":"record","name":"A","fields":[]}"#,
            r#"{"type":"record","name":"B","fields":[]}"#,
        );
        assert!(why.contains("not the reader's `B`"), "{why}");
        let (path, why) = reason(
            &r(r#"{"name":"u","type":["int","string"]}"#),
            &r(r#"{"name":"u","type":["null","int"]}"#),
        );
        assert_eq!(path, "/fields/u/union[1]");
        assert!(
            why.contains("no branch of the reader's union can read the writer's string"),
            "{why}"
        );
    }

    #[test]
    fn malformed_writer_bytes_are_decode_errors() {
        let p = plan(
            r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"s","type":"string"}]}"#,
            r#"{"type":"record","name":"R","fields":[{"name":"s","type":"string"},{"name":"a","type":"long"}]}"#,
        )
        .unwrap();
        assert_eq!(p.transcode(&[0x02, 0x02, b'x']), Ok(vec![0x02, b'x', 0x02]));
        assert!(matches!(
            p.transcode(&[0x02, 0x08, b'x']).map_err(|e| e.kind().clone()),
            Err(DecodeErrorKind::InvalidLength { .. })
        ));
        assert!(matches!(
            p.transcode(&[0x02, 0x02, b'x', 0x00]).map_err(|e| e.kind().clone()),
            Err(DecodeErrorKind::TrailingBytes { .. })
        ));
    }
}
