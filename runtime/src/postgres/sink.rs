//! [`PgSink`]: writes batches of Avro records into their table, one transaction per
//! batch, and says when it has committed.

use super::check;
use super::error::SinkError;
use super::plan::{Row, RowPlan};
use super::statement;
use super::table::SinkTable;
use crate::schema::Schema;
use avrokit_schema::sql::table::Table;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, Statement, Transaction};

/// How a batch reaches the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strategy {
    /// Multi-row `INSERT … VALUES … ON CONFLICT` with bind parameters, as many rows per
    /// statement as PostgreSQL's 65535 parameters allow; statements are prepared once per
    /// writer schema and row count.
    #[default]
    Insert,
    /// Binary `COPY` into a session temporary table, then `INSERT … SELECT … ON CONFLICT`
    /// from it.
    Copy,
}

/// One value to write as a row: its Avro binary encoding and the schema it was written
/// with (from the registry, for records off Kafka).
#[derive(Debug, Clone, Copy)]
pub struct EncodedValue<'a> {
    /// The writer schema.
    pub writer: &'a Schema,
    /// The Avro binary encoding of the value (no wire-format header).
    pub value: &'a [u8],
}

/// What a committed batch wrote. Having it means the transaction has committed: the
/// caller may now commit the batch's Kafka offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Committed {
    /// Records in the batch.
    pub records: usize,
    /// Rows sent: the records less those whose key a later record of the batch repeats.
    pub rows: usize,
    /// Rows inserted or updated, as PostgreSQL counts them (rows whose every column is
    /// key and already present are not).
    pub affected: u64,
}

/// The rows of one writer schema in a batch, with its plan.
type Group = (Arc<RowPlan>, Vec<Row>);

/// The most bind parameters one statement can carry (the protocol counts them in 16 bits).
const MAX_PARAMETERS: usize = 65_535;

/// A PostgreSQL sink for one table, over one connection.
pub struct PgSink {
    client: Client,
    table: SinkTable,
    /// The database's types of the table's value columns, in table order.
    types: Vec<Type>,
    strategy: Strategy,
    /// Row plans by writer fingerprint.
    plans: HashMap<u64, Arc<RowPlan>>,
    /// Prepared multi-row inserts by (writer fingerprint, rows).
    inserts: HashMap<(u64, usize), Statement>,
}

impl std::fmt::Debug for PgSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgSink")
            .field("table", &self.table.table().ident)
            .field("strategy", &self.strategy)
            .field("plans", &self.plans.len())
            .finish()
    }
}

impl PgSink {
    /// A sink writing `table` over `client`, after checking that the table exists with
    /// the columns and types of the table model.
    pub async fn new(client: Client, table: SinkTable) -> Result<Self, SinkError> {
        let probe = client
            .prepare(&statement::probe(table.table()))
            .await
            .map_err(|e| SinkError::database(format!("looking up table {}", table.table().ident), e))?;
        let types: Vec<Type> = probe.columns().iter().map(|c| c.type_().clone()).collect();
        check::column_types(table.table(), &types)?;
        Ok(Self {
            client,
            table,
            types,
            strategy: Strategy::default(),
            plans: HashMap::new(),
            inserts: HashMap::new(),
        })
    }

    /// The same sink writing with `strategy`.
    pub fn with_strategy(mut self, strategy: Strategy) -> Self {
        self.strategy = strategy;
        self
    }

    /// The table it writes.
    pub fn table(&self) -> &SinkTable {
        &self.table
    }

    /// The connection, for reading what was written.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The row plan for records written with `writer`, built on first use.
    pub fn plan(&mut self, writer: &Schema) -> Result<Arc<RowPlan>, crate::postgres::PlanError> {
        if let Some(plan) = self.plans.get(&writer.fingerprint()) {
            return Ok(plan.clone());
        }
        let plan = Arc::new(RowPlan::new(self.table.table(), self.table.value(), writer)?);
        self.plans.insert(writer.fingerprint(), plan.clone());
        Ok(plan)
    }

    /// Upserts `records` in one transaction and returns once it has committed. Every
    /// record is decoded before the transaction opens, so a bad record fails the batch
    /// without a round trip; of records with equal keys the last one wins. On error
    /// nothing of the batch is in the table.
    pub async fn write_batch(&mut self, records: &[EncodedValue<'_>]) -> Result<Committed, SinkError> {
        let groups = self.decode(records)?;
        let rows = groups.iter().map(|(_, rows)| rows.len()).sum();
        let statements = match self.strategy {
            Strategy::Insert => self.prepare_inserts(&groups).await?,
            Strategy::Copy => Vec::new(),
        };
        let table = self.table.table();
        let tx = self
            .client
            .transaction()
            .await
            .map_err(|e| SinkError::database("opening a transaction", e))?;
        let mut affected = 0;
        for (index, (plan, rows)) in groups.iter().enumerate() {
            affected += match statements.get(index) {
                Some(statements) => insert(&tx, statements, table, plan, rows).await?,
                None => copy(&tx, &self.types, table, plan, rows).await?,
            };
        }
        tx.commit()
            .await
            .map_err(|e| SinkError::database(format!("committing {rows} rows into {}", table.ident), e))?;
        Ok(Committed {
            records: records.len(),
            rows,
            affected,
        })
    }

    /// The batch's rows, the last of each key only, grouped by plan in the order the
    /// plans first appear.
    fn decode(&mut self, records: &[EncodedValue<'_>]) -> Result<Vec<Group>, SinkError> {
        let mut decoded = Vec::with_capacity(records.len());
        for (index, record) in records.iter().enumerate() {
            let plan = self
                .plan(record.writer)
                .map_err(|error| SinkError::Plan { record: index, error })?;
            let row = plan.decode(record.value).map_err(|(field, error)| SinkError::Value {
                record: index,
                field,
                error,
            })?;
            decoded.push((plan, row));
        }
        if !self.table.table().primary_key.is_empty() {
            // ON CONFLICT DO UPDATE refuses to touch one row twice in a statement.
            let mut seen = HashSet::new();
            let mut keep: Vec<bool> = decoded
                .iter()
                .rev()
                .map(|(_, row)| seen.insert(row.key.clone()))
                .collect();
            keep.reverse();
            let mut keep = keep.into_iter();
            decoded.retain(|_| keep.next().unwrap_or(true));
        }
        let mut groups: Vec<Group> = Vec::new();
        for (plan, row) in decoded {
            match groups.iter_mut().find(|(p, _)| Arc::ptr_eq(p, &plan)) {
                Some((_, rows)) => rows.push(row),
                None => groups.push((plan, vec![row])),
            }
        }
        Ok(groups)
    }

    /// The statement of every chunk of every group, prepared outside the transaction
    /// (a failed transaction must not take them) and once per session per size.
    async fn prepare_inserts(&mut self, groups: &[Group]) -> Result<Vec<Vec<Statement>>, SinkError> {
        let mut prepared = Vec::with_capacity(groups.len());
        for (plan, rows) in groups {
            let mut statements = Vec::new();
            for chunk in rows.chunks(rows_per_statement(plan)) {
                let key = (plan.writer().fingerprint(), chunk.len());
                if let Some(statement) = self.inserts.get(&key) {
                    statements.push(statement.clone());
                    continue;
                }
                let sql = statement::insert_values(self.table.table(), plan, chunk.len());
                let statement = self.client.prepare(&sql).await.map_err(|e| {
                    SinkError::database(format!("preparing the insert into {}", self.table.table().ident), e)
                })?;
                self.inserts.insert(key, statement.clone());
                statements.push(statement);
            }
            prepared.push(statements);
        }
        Ok(prepared)
    }
}

fn rows_per_statement(plan: &RowPlan) -> usize {
    (MAX_PARAMETERS / plan.columns().len().max(1)).max(1)
}

/// Writes `rows` with multi-row inserts, one prepared statement per chunk.
async fn insert(
    tx: &Transaction<'_>,
    statements: &[Statement],
    table: &Table,
    plan: &RowPlan,
    rows: &[Row],
) -> Result<u64, SinkError> {
    let mut affected = 0;
    for (chunk, statement) in rows.chunks(rows_per_statement(plan)).zip(statements) {
        let doing = || format!("inserting {} rows into {}", chunk.len(), table.ident);
        let params: Vec<&(dyn ToSql + Sync)> = chunk
            .iter()
            .flat_map(|row| row.values.iter().map(|v| v as &(dyn ToSql + Sync)))
            .collect();
        affected += tx
            .execute_raw(statement, params)
            .await
            .map_err(|e| SinkError::database(doing(), e))?;
    }
    Ok(affected)
}

/// Writes `rows` through binary COPY into the staging table, then upserts from it.
async fn copy(
    tx: &Transaction<'_>,
    types: &[Type],
    table: &Table,
    plan: &RowPlan,
    rows: &[Row],
) -> Result<u64, SinkError> {
    let stage = statement::stage_name(table, plan);
    let doing = |what: &str| format!("{what} {} rows into {}", rows.len(), table.ident);
    tx.batch_execute(&statement::create_stage(table, plan, &stage))
        .await
        .map_err(|e| SinkError::database(format!("creating the staging table for {}", table.ident), e))?;
    let sink = tx
        .copy_in(&statement::copy_into_stage(table, plan, &stage))
        .await
        .map_err(|e| SinkError::database(doing("copying"), e))?;
    let column_types: Vec<Type> = plan.columns().iter().map(|i| types[*i].clone()).collect();
    let writer = BinaryCopyInWriter::new(sink, &column_types);
    let mut writer = std::pin::pin!(writer);
    for row in rows {
        writer
            .as_mut()
            .write_raw(row.values.iter().map(|v| v as &(dyn ToSql + Sync)))
            .await
            .map_err(|e| SinkError::database(doing("copying"), e))?;
    }
    writer
        .finish()
        .await
        .map_err(|e| SinkError::database(doing("copying"), e))?;
    tx.execute(&statement::insert_from_stage(table, plan, &stage), &[])
        .await
        .map_err(|e| SinkError::database(doing("upserting"), e))
}
