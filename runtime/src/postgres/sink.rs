//! [`PgSink`]: writes batches of Avro records into their table, one transaction per
//! batch, and says when it has committed.

use super::check;
use super::delete::{self, KeyColumn};
use super::error::SinkError;
use super::fresh::{self, FreshKeys};
use super::plan::{Row, RowPlan};
use super::statement::{self, Conflict};
use super::table::SinkTable;
use super::value::{ColumnArray, SqlValue};
use crate::schema::Schema;
use avrokit_schema::sql::table::Table;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, GenericClient, Statement, Transaction};

/// How a batch reaches the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strategy {
    /// Multi-row `INSERT … VALUES … ON CONFLICT` with bind parameters, as many rows per
    /// statement as PostgreSQL's 65535 parameters allow; statements are prepared once per
    /// writer schema and row count.
    Insert,
    /// Binary `COPY` into a session temporary table, then `INSERT … SELECT … ON CONFLICT`
    /// from it.
    Copy,
    /// One `INSERT … SELECT * FROM unnest($1::type[], …) ON CONFLICT` per batch: each
    /// column's values as one array parameter, so a writer schema needs one prepared
    /// statement whatever the batch size. A table with an array column is written as
    /// [`Strategy::Insert`] writes it (`unnest` would flatten its arrays). The default.
    #[default]
    Unnest,
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

/// One change of a batch: a value to upsert, or the key of a tombstone whose row is
/// deleted.
#[derive(Debug, Clone, Copy)]
pub enum Change<'a> {
    /// Insert the value's row, or update the row of its primary key.
    Upsert(EncodedValue<'a>),
    /// Delete the row whose primary key the record key names: the raw key (a string or
    /// bytes) is the value of the table's single TEXT or BYTEA key column.
    Delete {
        /// The record key's bytes.
        key: &'a [u8],
    },
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
    /// Rows deleted by tombstones.
    pub deleted: u64,
}

/// The rows of one writer schema in a batch, with its plan.
type Group = (Arc<RowPlan>, Vec<Row>);

/// One decoded row, with its plan.
type Group1 = (Arc<RowPlan>, Row);

/// The most bind parameters one statement can carry (the protocol counts them in 16 bits).
const MAX_PARAMETERS: usize = 65_535;

/// A PostgreSQL sink for one table, over one connection (made again after it is lost,
/// when the sink was made by [`PgSink::connect`]).
pub struct PgSink {
    client: Client,
    /// Where to connect again when the connection is lost (it may hold a password: never
    /// shown).
    url: Option<String>,
    table: SinkTable,
    /// The database's types of the table's value columns, in table order.
    types: Vec<Type>,
    strategy: Strategy,
    /// Row plans by writer fingerprint.
    plans: HashMap<u64, Arc<RowPlan>>,
    /// Prepared multi-row inserts by (writer fingerprint, rows).
    inserts: HashMap<(u64, usize), Statement>,
    /// Prepared `unnest` inserts by writer fingerprint.
    unnests: HashMap<u64, Unnests>,
    /// Whether the next batch is inserted as new rows first.
    fresh: FreshKeys,
    /// The prepared delete by key, once a tombstone came.
    delete: Option<Statement>,
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
            url: None,
            table,
            types,
            strategy: Strategy::default(),
            plans: HashMap::new(),
            inserts: HashMap::new(),
            unnests: HashMap::new(),
            fresh: FreshKeys::default(),
            delete: None,
        })
    }

    /// A sink writing `table` over a connection to `url` (as [`connect`](super::connect)),
    /// checked as [`PgSink::new`] checks it; when the connection is lost (PostgreSQL
    /// restarted, a network cut) the next [`write_batch`](Self::write_batch) connects
    /// again first, so a caller that waits and retries (as `kafka::postgres_sink::run`
    /// does) resumes once the server is back.
    pub async fn connect(url: &str, table: SinkTable) -> Result<Self, SinkError> {
        let mut sink = Self::new(super::connect(url).await?, table).await?;
        sink.url = Some(url.to_owned());
        Ok(sink)
    }

    /// Replaces a lost connection with a new one to the same URL, and checks the table
    /// again (a migration may have run meanwhile). The statements prepared on the old
    /// connection died with it.
    async fn reconnect(&mut self) -> Result<(), SinkError> {
        let Some(url) = &self.url else {
            return Ok(());
        };
        let fresh = Self::new(super::connect(url).await?, self.table.clone()).await?;
        self.client = fresh.client;
        self.types = fresh.types;
        self.inserts.clear();
        self.unnests.clear();
        self.delete = None;
        Ok(())
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
    /// nothing of the batch is in the table (or, when the connection was lost during
    /// `COMMIT`, possibly all of it: writing the batch again is then a harmless upsert).
    /// A sink made by [`PgSink::connect`] first replaces a connection that was lost.
    pub async fn write_batch(&mut self, records: &[EncodedValue<'_>]) -> Result<Committed, SinkError> {
        let changes: Vec<Change<'_>> = records.iter().copied().map(Change::Upsert).collect();
        self.write_changes(&changes).await
    }

    /// [`write_batch`](Self::write_batch) with tombstones: upserts and deletes in one
    /// transaction, in the batch's order (of changes to one key the last one wins: an
    /// upsert after a delete leaves the row, a delete after an upsert removes it). A
    /// tombstone the table cannot delete by (see [`Change::Delete`]) fails the batch
    /// as [`SinkError::Tombstone`].
    pub async fn write_changes(&mut self, changes: &[Change<'_>]) -> Result<Committed, SinkError> {
        let (groups, deletes) = self.decode(changes)?;
        if self.client.is_closed() {
            self.reconnect().await?;
        }
        let rows = groups.iter().map(|(_, rows)| rows.len()).sum();
        let mut statements = Vec::with_capacity(groups.len());
        for (plan, rows) in &groups {
            statements.push(self.prepare(plan, rows.len()).await?);
        }
        let delete = match deletes.is_empty() {
            true => None,
            false => Some(self.prepare_delete().await?),
        };
        let keys = SqlValue::Array(deletes);
        let delete = delete.as_ref().map(|statement| (statement, &keys));
        let try_plain = statements
            .iter()
            .any(|s| matches!(s, Prepared::Unnest(Unnests { plain: Some(_), .. })));
        if try_plain && self.fresh.try_plain() {
            match self.send(&groups, &statements, delete, Conflict::Fail).await {
                Ok((affected, deleted)) => {
                    self.fresh.inserted();
                    return Ok(Committed {
                        records: changes.len(),
                        rows,
                        affected,
                        deleted,
                    });
                }
                // The transaction was rolled back: the same batch again, as upserts.
                Err(error) if error.sqlstate() == Some(fresh::UNIQUE_VIOLATION) => self.fresh.conflicted(),
                Err(error) => return Err(error),
            }
        }
        let (affected, deleted) = self.send(&groups, &statements, delete, Conflict::Update).await?;
        Ok(Committed {
            records: changes.len(),
            rows,
            affected,
            deleted,
        })
    }

    /// Writes the batch in one transaction, its `unnest` inserts plain or upserting as
    /// `conflict` says; the rows affected and deleted. The usual batch (one writer schema,
    /// no tombstones) goes out as BEGIN, insert and COMMIT together, in one round trip.
    async fn send(
        &mut self,
        groups: &[Group],
        statements: &[Prepared],
        delete: Option<(&Statement, &SqlValue)>,
        conflict: Conflict,
    ) -> Result<(u64, u64), SinkError> {
        let table = self.table.table();
        if let ([(plan, rows)], [Prepared::Unnest(unnests)], None) = (groups, statements, delete) {
            let (begin, inserted, commit) = tokio::join!(
                biased;
                self.client.batch_execute("BEGIN"),
                unnest(&self.client, unnests.pick(conflict), table, plan, rows),
                self.client.batch_execute("COMMIT"),
            );
            begin.map_err(|e| SinkError::database("opening a transaction", e))?;
            // A failed insert aborted the transaction: PostgreSQL answered its COMMIT with
            // a rollback, and nothing of the batch is in the table.
            let affected = inserted?;
            commit
                .map_err(|e| SinkError::database(format!("committing {} rows into {}", rows.len(), table.ident), e))?;
            return Ok((affected, 0));
        }
        let tx = self
            .client
            .transaction()
            .await
            .map_err(|e| SinkError::database("opening a transaction", e))?;
        let mut deleted = 0;
        if let Some((statement, keys)) = delete {
            deleted = tx
                .execute(statement, &[keys])
                .await
                .map_err(|e| SinkError::database(format!("deleting tombstoned rows of {}", table.ident), e))?;
        }
        let mut affected = 0;
        for ((plan, rows), statement) in groups.iter().zip(statements) {
            affected += match statement {
                Prepared::Values(statements) => insert(&tx, statements, table, plan, rows).await?,
                Prepared::Unnest(unnests) => unnest(&tx, unnests.pick(conflict), table, plan, rows).await?,
                Prepared::Copy => copy(&tx, &self.types, table, plan, rows).await?,
            };
        }
        let rows: usize = groups.iter().map(|(_, rows)| rows.len()).sum();
        tx.commit()
            .await
            .map_err(|e| SinkError::database(format!("committing {rows} rows into {}", table.ident), e))?;
        Ok((affected, deleted))
    }

    /// The batch's rows, the last change of each key only, grouped by plan in the order
    /// the plans first appear, and the key values of the rows to delete.
    fn decode(&mut self, changes: &[Change<'_>]) -> Result<(Vec<Group>, Vec<SqlValue>), SinkError> {
        // Each change, with its key's identity: a row's encoded key, or a tombstone's.
        let mut decoded: Vec<(Vec<u8>, Result<Group1, SqlValue>)> = Vec::with_capacity(changes.len());
        let mut key_column = None;
        for (index, change) in changes.iter().enumerate() {
            match change {
                Change::Upsert(record) => {
                    let plan = self
                        .plan(record.writer)
                        .map_err(|error| SinkError::Plan { record: index, error })?;
                    let row = plan.decode(record.value).map_err(|(field, error)| SinkError::Value {
                        record: index,
                        field,
                        error,
                    })?;
                    decoded.push((row.key.clone(), Ok((plan, row))));
                }
                Change::Delete { key } => {
                    let column = match key_column {
                        Some(column) => column,
                        None => *key_column
                            .insert(KeyColumn::of(self.table.table()).map_err(|e| delete::refused(index, e))?),
                    };
                    let (value, identity) = column.value(key).map_err(|e| delete::refused(index, e))?;
                    decoded.push((identity, Err(value)));
                }
            }
        }
        if !self.table.table().primary_key.is_empty() {
            // ON CONFLICT DO UPDATE refuses to touch one row twice in a statement, and of
            // an upsert and a delete of one key only the later one may run.
            let mut seen = HashSet::new();
            let mut keep: Vec<bool> = decoded.iter().rev().map(|(key, _)| seen.insert(key.clone())).collect();
            keep.reverse();
            let mut keep = keep.into_iter();
            decoded.retain(|_| keep.next().unwrap_or(true));
        }
        let mut groups: Vec<Group> = Vec::new();
        let mut deletes = Vec::new();
        for (_, change) in decoded {
            match change {
                Ok((plan, row)) => match groups.iter_mut().find(|(p, _)| Arc::ptr_eq(p, &plan)) {
                    Some((_, rows)) => rows.push(row),
                    None => groups.push((plan, vec![row])),
                },
                Err(key) => deletes.push(key),
            }
        }
        Ok((groups, deletes))
    }

    /// The delete by key, prepared outside the transaction once per session.
    async fn prepare_delete(&mut self) -> Result<Statement, SinkError> {
        if let Some(statement) = &self.delete {
            return Ok(statement.clone());
        }
        let table = self.table.table();
        let statement = self
            .client
            .prepare(&delete::statement(table))
            .await
            .map_err(|e| SinkError::database(format!("preparing the delete from {}", table.ident), e))?;
        Ok(self.delete.insert(statement).clone())
    }

    /// What writes `rows` rows of `plan` with the sink's strategy: statements prepared
    /// outside the transaction (a failed transaction must not take them), once per
    /// session (per writer schema, and for multi-row inserts per chunk size).
    async fn prepare(&mut self, plan: &RowPlan, rows: usize) -> Result<Prepared, SinkError> {
        let fingerprint = plan.writer().fingerprint();
        match self.strategy {
            Strategy::Copy => return Ok(Prepared::Copy),
            Strategy::Unnest => {
                if let Some(statements) = self.unnests.get(&fingerprint) {
                    return Ok(Prepared::Unnest(statements.clone()));
                }
                let table = self.table.table();
                if let Some(sql) = statement::insert_unnest(table, plan, &self.types, Conflict::Update) {
                    let upsert = self.prepare_sql(&sql).await?;
                    // Without a primary key every insert is plain already.
                    let plain = match table.primary_key.is_empty() {
                        true => None,
                        false => match statement::insert_unnest(table, plan, &self.types, Conflict::Fail) {
                            Some(sql) => Some(self.prepare_sql(&sql).await?),
                            None => None,
                        },
                    };
                    let statements = Unnests { upsert, plain };
                    self.unnests.insert(fingerprint, statements.clone());
                    return Ok(Prepared::Unnest(statements));
                }
            }
            Strategy::Insert => {}
        }
        let mut statements = Vec::new();
        let per_statement = rows_per_statement(plan);
        for chunk in (0..rows)
            .step_by(per_statement)
            .map(|start| per_statement.min(rows - start))
        {
            let statement = match self.inserts.get(&(fingerprint, chunk)) {
                Some(statement) => statement.clone(),
                None => {
                    let sql = statement::insert_values(self.table.table(), plan, chunk);
                    let statement = self.prepare_sql(&sql).await?;
                    self.inserts.insert((fingerprint, chunk), statement.clone());
                    statement
                }
            };
            statements.push(statement);
        }
        Ok(Prepared::Values(statements))
    }

    /// `sql`, an insert into the table, prepared.
    async fn prepare_sql(&self, sql: &str) -> Result<Statement, SinkError> {
        self.client
            .prepare(sql)
            .await
            .map_err(|e| SinkError::database(format!("preparing the insert into {}", self.table.table().ident), e))
    }
}

/// How one group of a batch is written.
enum Prepared {
    /// Multi-row inserts, one statement per chunk of rows.
    Values(Vec<Statement>),
    /// One insert from `unnest` of column arrays.
    Unnest(Unnests),
    /// Binary COPY through the staging table.
    Copy,
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

/// The `unnest` inserts of one writer schema.
#[derive(Clone)]
struct Unnests {
    /// With `ON CONFLICT … DO UPDATE`.
    upsert: Statement,
    /// Without it (`None`: the table has no key, so `upsert` is plain already).
    plain: Option<Statement>,
}

impl Unnests {
    /// The insert that does what `conflict` says with a key already in the table.
    fn pick(&self, conflict: Conflict) -> &Statement {
        match (conflict, &self.plain) {
            (Conflict::Fail, Some(plain)) => plain,
            _ => &self.upsert,
        }
    }
}

/// Writes `rows` with one insert from the arrays of their columns.
async fn unnest(
    client: &impl GenericClient,
    statement: &Statement,
    table: &Table,
    plan: &RowPlan,
    rows: &[Row],
) -> Result<u64, SinkError> {
    let columns: Vec<ColumnArray<'_>> = (0..plan.columns().len())
        .map(|column| ColumnArray { rows, column })
        .collect();
    let params = columns.iter().map(|column| column as &(dyn ToSql + Sync));
    client
        .execute_raw(statement, params)
        .await
        .map_err(|e| SinkError::database(format!("inserting {} rows into {}", rows.len(), table.ident), e))
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
