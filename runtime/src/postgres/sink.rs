//! [`PgSink`]: writes batches of Avro records into their table, one transaction per
//! batch, and says when it has committed.

use super::check;
use super::copy_in::{self, Target};
use super::delete::{self, KeyColumn};
use super::error::SinkError;
use super::fresh::{self, FreshKeys};
use super::plan::{Row, RowPlan};
use super::statement;
use super::table::SinkTable;
use super::value::{ColumnArray, SqlValue};
use crate::schema::Schema;
use avrokit_schema::sql::table::Table;
use bytes::Bytes;
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::Arc;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, CopyInSink, GenericClient, Statement, Transaction};

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
    /// New rows first: a batch is copied straight into the table (binary `COPY`), and
    /// when a key was already there, that batch is rolled back and written again as one
    /// `INSERT … SELECT * FROM unnest($1::type[], …) ON CONFLICT`, as are the next 1, 2,
    /// 4 … 64 batches, before new rows are tried again. The upsert has each column's
    /// values as one array parameter, so a writer schema needs one prepared statement
    /// whatever the batch size; on a table with an array column it is written as
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

/// The identity of a decoded change's key: a row's encoded key, or a tombstone's.
fn identity((tombstone, change): &(Vec<u8>, Result<Group1, SqlValue>)) -> &[u8] {
    match change {
        Ok((_, row)) => &row.key,
        Err(_) => tombstone,
    }
}

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
    /// Prepared `unnest` upserts by writer fingerprint.
    unnests: HashMap<u64, Statement>,
    /// Prepared COPYs of new rows into the table by writer fingerprint.
    copies: HashMap<u64, Statement>,
    /// Whether the next batch is copied in as new rows first.
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
            copies: HashMap::new(),
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
        self.copies.clear();
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
        let delete = match deletes.is_empty() {
            true => None,
            false => Some(self.prepare_delete().await?),
        };
        let keys = SqlValue::Array(deletes);
        let delete = delete.as_ref().map(|statement| (statement, &keys));
        if self.strategy == Strategy::Unnest && self.fresh.try_plain() {
            let mut copies = Vec::with_capacity(groups.len());
            for (plan, _) in &groups {
                copies.push(self.prepare_copy(plan).await?);
            }
            match self.send(&groups, Writes::New(&copies), delete).await {
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
        let mut statements = Vec::with_capacity(groups.len());
        for (plan, rows) in &groups {
            statements.push(self.prepare(plan, rows.len()).await?);
        }
        let (affected, deleted) = self.send(&groups, Writes::Upsert(&statements), delete).await?;
        Ok(Committed {
            records: changes.len(),
            rows,
            affected,
            deleted,
        })
    }

    /// Writes the batch in one transaction, each group as `writes` says; the rows affected
    /// and deleted. The usual batch (one writer schema, no tombstones) goes out as BEGIN,
    /// its one statement and COMMIT together, in one round trip.
    async fn send(
        &mut self,
        groups: &[Group],
        writes: Writes<'_>,
        delete: Option<(&Statement, &SqlValue)>,
    ) -> Result<(u64, u64), SinkError> {
        let table = self.table.table();
        let client = &self.client;
        let affected = match (groups, writes, delete) {
            ([(plan, rows)], Writes::New([copy]), None) => {
                let target = (table, &**plan, &*self.types);
                Some(in_one_round_trip(client, table, rows.len(), copy_new(client, copy, target, rows)).await?)
            }
            ([(plan, rows)], Writes::Upsert([Prepared::Unnest(upsert)]), None) => {
                let upserted = unnest(client, upsert, table, plan, rows);
                Some(in_one_round_trip(client, table, rows.len(), upserted).await?)
            }
            _ => None,
        };
        if let Some(affected) = affected {
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
        for (index, (plan, rows)) in groups.iter().enumerate() {
            let target = (table, &**plan, &*self.types);
            affected += match writes {
                Writes::New(copies) => copy_new(&tx, &copies[index], target, rows).await?,
                Writes::Upsert(statements) => match &statements[index] {
                    Prepared::Values(statements) => insert(&tx, statements, table, plan, rows).await?,
                    Prepared::Unnest(upsert) => unnest(&tx, upsert, table, plan, rows).await?,
                    Prepared::Copy => copy(&tx, target, rows).await?,
                },
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
        // Each change, with a tombstone's key identity (a row's is its encoded key).
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
                    decoded.push((Vec::new(), Ok((plan, row))));
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
            let mut seen: HashSet<&[u8]> = HashSet::with_capacity(decoded.len());
            let mut keep: Vec<bool> = decoded.iter().rev().map(|entry| seen.insert(identity(entry))).collect();
            drop(seen);
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
                if let Some(upsert) = self.unnests.get(&fingerprint) {
                    return Ok(Prepared::Unnest(upsert.clone()));
                }
                if let Some(sql) = statement::insert_unnest(self.table.table(), plan, &self.types) {
                    let upsert = self.prepare_sql(&sql).await?;
                    self.unnests.insert(fingerprint, upsert.clone());
                    return Ok(Prepared::Unnest(upsert));
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

    /// The COPY of `plan`'s rows into the table, prepared once per session and writer
    /// schema (outside any transaction, as [`prepare`](Self::prepare)'s statements).
    async fn prepare_copy(&mut self, plan: &RowPlan) -> Result<Statement, SinkError> {
        let fingerprint = plan.writer().fingerprint();
        if let Some(copy) = self.copies.get(&fingerprint) {
            return Ok(copy.clone());
        }
        let table = self.table.table();
        let copy = self
            .prepare_sql(&statement::copy_into(&table.ident, table, plan))
            .await?;
        Ok(self.copies.entry(fingerprint).or_insert(copy).clone())
    }

    /// `sql`, an insert into the table, prepared.
    async fn prepare_sql(&self, sql: &str) -> Result<Statement, SinkError> {
        self.client
            .prepare(sql)
            .await
            .map_err(|e| SinkError::database(format!("preparing the insert into {}", self.table.table().ident), e))
    }
}

/// How a batch's groups are written: the prepared statement of each, in group order.
#[derive(Clone, Copy)]
enum Writes<'a> {
    /// Copied in as new rows, each group by its COPY into the table.
    New(&'a [Statement]),
    /// Upserted.
    Upsert(&'a [Prepared]),
}

/// How one group of a batch is upserted.
enum Prepared {
    /// Multi-row inserts, one statement per chunk of rows.
    Values(Vec<Statement>),
    /// One upsert from `unnest` of column arrays.
    Unnest(Statement),
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

/// `statement` (one statement writing `rows` rows) between BEGIN and COMMIT, the three
/// sent together: the connection writes each request only after the one before has all
/// its data (a COPY's too). A failed statement aborts the transaction, PostgreSQL answers
/// its COMMIT with a rollback, and nothing of the batch is in the table. (The statement
/// on its own would be a transaction too, but tokio-postgres returns before that implicit
/// commit's outcome arrives, and a batch must be known committed before its offsets are.)
async fn in_one_round_trip(
    client: &Client,
    table: &Table,
    rows: usize,
    statement: impl Future<Output = Result<u64, SinkError>>,
) -> Result<u64, SinkError> {
    let (begin, written, commit) = tokio::join!(
        biased;
        client.batch_execute("BEGIN"),
        statement,
        client.batch_execute("COMMIT"),
    );
    begin.map_err(|e| SinkError::database("opening a transaction", e))?;
    let written = written?;
    commit.map_err(|e| SinkError::database(format!("committing {rows} rows into {}", table.ident), e))?;
    Ok(written)
}

/// Copies `rows` straight into the table with `copy` (its prepared COPY), as new rows: a
/// key the table already holds fails the copy (and its transaction) with a unique
/// violation.
async fn copy_new(client: &impl CopyIn, copy: &Statement, target: Target<'_>, rows: &[Row]) -> Result<u64, SinkError> {
    let doing = || format!("copying {} rows into {}", rows.len(), target.0.ident);
    copy_in::send(client.copy_in(copy), target, rows, doing).await
}

/// Writes `rows` through binary COPY into the staging table, then upserts from it.
async fn copy(tx: &Transaction<'_>, target: Target<'_>, rows: &[Row]) -> Result<u64, SinkError> {
    let (table, plan, _) = target;
    let stage = statement::stage_name(table, plan);
    let doing = |what: &str| format!("{what} {} rows into {}", rows.len(), table.ident);
    tx.batch_execute(&statement::create_stage(table, plan, &stage))
        .await
        .map_err(|e| SinkError::database(format!("creating the staging table for {}", table.ident), e))?;
    let copy_sql = statement::copy_into(&stage, table, plan);
    copy_in::send(tx.copy_in(copy_sql.as_str()), target, rows, || doing("copying")).await?;
    tx.execute(&statement::insert_from_stage(table, plan, &stage), &[])
        .await
        .map_err(|e| SinkError::database(doing("upserting"), e))
}

/// What can run a `COPY … FROM STDIN`: the connection (the copy is a transaction by
/// itself) or an open transaction.
trait CopyIn {
    /// Starts the prepared copy `statement`.
    fn copy_in(&self, statement: &Statement) -> impl Future<Output = Result<CopyInSink<Bytes>, tokio_postgres::Error>>;
}

impl CopyIn for Client {
    fn copy_in(&self, statement: &Statement) -> impl Future<Output = Result<CopyInSink<Bytes>, tokio_postgres::Error>> {
        Client::copy_in(self, statement)
    }
}

impl CopyIn for Transaction<'_> {
    fn copy_in(&self, statement: &Statement) -> impl Future<Output = Result<CopyInSink<Bytes>, tokio_postgres::Error>> {
        Transaction::copy_in(self, statement)
    }
}
