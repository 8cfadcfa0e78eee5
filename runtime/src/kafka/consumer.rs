//! A typed consumer: batches of up to `max_batch` records or
//! `max_wait`, offsets committed only after the handler succeeded (at-least-once),
//! bounded retries, a dead-letter topic for records that cannot be decoded or handled,
//! and a graceful shutdown that finishes the batch in flight, commits and leaves.

use super::dead_letter::{DeadLetters, Failure, Stage};
use super::producer::ProduceError;
use super::settings::{ConsumerSettings, OffsetCommit};
use super::shutdown::Shutdown;
use crate::AvroMessage;
use crate::registry_client::{DeserializeError, Deserializer, RegistryClient};
use rdkafka::consumer::{CommitMode, Consumer as _, StreamConsumer};
use rdkafka::error::KafkaError;
use rdkafka::message::{BorrowedMessage, Message, OwnedHeaders};
use rdkafka::{Offset, TopicPartitionList};
use std::collections::BTreeMap;
use std::error::Error;
use std::future::Future;
use std::marker::PhantomData;
use std::time::Duration;
use tokio::time::Instant;

/// A decoded record handed to a handler.
#[derive(Debug, Clone)]
pub struct Record<V> {
    /// The topic it was read from.
    pub topic: String,
    /// Its partition.
    pub partition: i32,
    /// Its offset.
    pub offset: i64,
    /// The key's bytes, as written.
    pub key: Option<Vec<u8>>,
    /// The decoded value.
    pub value: V,
    /// The record's headers.
    pub headers: Option<OwnedHeaders>,
    /// The record's timestamp (milliseconds since the epoch), when it has one.
    pub timestamp: Option<i64>,
}

/// How a handler failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HandlerError {
    /// Worth trying again (a database or service that is briefly away).
    #[error("{0}")]
    Retriable(Box<dyn Error + Send + Sync>),
    /// Trying again cannot help (invalid data): the record goes to the dead-letter topic.
    #[error("{0}")]
    Fatal(Box<dyn Error + Send + Sync>),
    /// Something the handler needs is away (its database): the batch is tried again with
    /// backoff until it succeeds or the consumer shuts down, and never dead-lettered.
    #[error("{0}")]
    Wait(Box<dyn Error + Send + Sync>),
}

impl HandlerError {
    /// A retriable failure.
    pub fn retriable(error: impl Into<Box<dyn Error + Send + Sync>>) -> HandlerError {
        HandlerError::Retriable(error.into())
    }

    /// A failure no retry can fix.
    pub fn fatal(error: impl Into<Box<dyn Error + Send + Sync>>) -> HandlerError {
        HandlerError::Fatal(error.into())
    }

    /// A dependency that is away: wait for it.
    pub fn wait(error: impl Into<Box<dyn Error + Send + Sync>>) -> HandlerError {
        HandlerError::Wait(error.into())
    }
}

/// Why the consumer stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConsumeError {
    /// The Kafka client failed (subscription, polling, committing).
    #[error("Kafka consumer: {0}")]
    Kafka(#[from] KafkaError),
    /// A record failed and no dead-letter topic is set: the consumer stops there, its
    /// offset uncommitted, rather than skip it.
    #[error("record {topic}/{partition}@{offset} failed and there is no dead-letter topic: {failure}")]
    Unhandled {
        /// Its topic.
        topic: String,
        /// Its partition.
        partition: i32,
        /// Its offset.
        offset: i64,
        /// What failed.
        failure: String,
    },
    /// The handler was still waiting for a dependency when the consumer was shut down:
    /// the batch's offsets are not committed, so it is read again on restart.
    #[error("shut down while the handler waited: {0}")]
    Interrupted(HandlerError),
    /// A record could not be written to the dead-letter topic: the consumer stops, its
    /// offset uncommitted, so it is read again.
    #[error("writing record {topic}/{partition}@{offset} to the dead-letter topic: {source}")]
    DeadLetter {
        /// Its topic.
        topic: String,
        /// Its partition.
        partition: i32,
        /// Its offset.
        offset: i64,
        /// The producer's error.
        #[source]
        source: Box<ProduceError>,
    },
}

/// What a run did, for logs and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunSummary {
    /// Records the handler accepted.
    pub handled: u64,
    /// Records sent to the dead-letter topic.
    pub dead_lettered: u64,
    /// Batches committed.
    pub batches: u64,
}

/// Turns a record's bytes into the value handlers get.
pub trait Decode: Send + Sync {
    /// The decoded value.
    type Value: Clone + Send + Sync;

    /// Decodes one record's value.
    fn decode<'a>(&'a self, bytes: &'a [u8])
    -> impl Future<Output = Result<Self::Value, DeserializeError>> + Send + 'a;
}

impl<V: AvroMessage + Clone + Send + Sync + 'static> Decode for Deserializer<V> {
    type Value = V;

    fn decode<'a>(&'a self, bytes: &'a [u8]) -> impl Future<Output = Result<V, DeserializeError>> + Send + 'a {
        self.deserialize(bytes)
    }
}

/// A consumer of Avro values `V` (see [`ConsumerSettings`]), decoded by `D`: typed values
/// of a generated type by default, or [`Framed`](super::Framed) records for code that
/// needs no Rust type.
pub struct Consumer<V, D = Deserializer<V>> {
    inner: StreamConsumer,
    decoder: D,
    dead_letters: Option<DeadLetters>,
    settings: ConsumerSettings,
    shutdown: Shutdown,
    value: PhantomData<fn() -> V>,
}

impl<V, D> std::fmt::Debug for Consumer<V, D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Consumer")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// A record read from Kafka, before or after decoding.
struct Raw {
    topic: String,
    partition: i32,
    offset: i64,
    key: Option<Vec<u8>>,
    payload: Option<Vec<u8>>,
    headers: Option<OwnedHeaders>,
    timestamp: Option<i64>,
}

impl Raw {
    fn of(message: &BorrowedMessage<'_>) -> Raw {
        Raw {
            topic: message.topic().to_owned(),
            partition: message.partition(),
            offset: message.offset(),
            key: message.key().map(<[u8]>::to_vec),
            payload: message.payload().map(<[u8]>::to_vec),
            headers: message.headers().map(|h| h.detach()),
            timestamp: message.timestamp().to_millis(),
        }
    }

    fn at(&self) -> (&str, i32, i64) {
        (&self.topic, self.partition, self.offset)
    }
}

impl<V: AvroMessage + Clone + Send + Sync + 'static> Consumer<V> {
    /// Subscribes with `settings`, decoding `V` through `registry`. Records that cannot
    /// be decoded or handled go to `dead_letters`; without it the run stops at such a
    /// record instead (nothing is skipped silently).
    pub fn new(
        settings: ConsumerSettings,
        registry: RegistryClient,
        dead_letters: Option<DeadLetters>,
    ) -> Result<Consumer<V>, ConsumeError> {
        Consumer::with_decoder(settings, Deserializer::new(registry), dead_letters)
    }
}

impl<V: Clone + Send + Sync, D: Decode<Value = V>> Consumer<V, D> {
    /// [`Consumer::new`] with another decoder.
    pub fn with_decoder(
        settings: ConsumerSettings,
        decoder: D,
        dead_letters: Option<DeadLetters>,
    ) -> Result<Consumer<V, D>, ConsumeError> {
        let inner: StreamConsumer = settings.client_config().create()?;
        let topics: Vec<&str> = settings.topics.iter().map(String::as_str).collect();
        inner.subscribe(&topics)?;
        Ok(Consumer {
            inner,
            decoder,
            dead_letters,
            settings,
            shutdown: Shutdown::new(),
            value: PhantomData,
        })
    }

    /// The handle that stops [`run`](Self::run) after the batch in flight.
    pub fn shutdown(&self) -> Shutdown {
        self.shutdown.clone()
    }

    /// Reads batches and hands them to `handler` until [`shutdown`](Self::shutdown) is
    /// triggered, committing each batch's offsets once it is handled (the records that
    /// could not be, dead-lettered first). A batch that fails for good is handled again
    /// record by record, so one bad record does not take its neighbours to the
    /// dead-letter topic.
    pub async fn run(
        &self,
        handler: impl AsyncFnMut(&[Record<V>]) -> Result<(), HandlerError>,
    ) -> Result<RunSummary, ConsumeError> {
        self.run_batches(handler, false).await
    }

    /// Like [`run`](Self::run), but `handler` gets one record at a time (each retried,
    /// and dead-lettered, on its own); offsets are still committed per batch.
    pub async fn run_each(
        &self,
        mut handler: impl AsyncFnMut(&Record<V>) -> Result<(), HandlerError>,
    ) -> Result<RunSummary, ConsumeError> {
        self.run_batches(
            async |one: &[Record<V>]| match one.first() {
                Some(record) => handler(record).await,
                None => Ok(()),
            },
            true,
        )
        .await
    }

    /// The loop of [`run`](Self::run); with `one_by_one` the handler only ever gets
    /// single records.
    async fn run_batches(
        &self,
        mut handler: impl AsyncFnMut(&[Record<V>]) -> Result<(), HandlerError>,
        one_by_one: bool,
    ) -> Result<RunSummary, ConsumeError> {
        let mut summary = RunSummary::default();
        while !self.shutdown.is_triggered() {
            let batch = self.next_batch().await?;
            if batch.is_empty() {
                continue;
            }
            // Decoded records, and the index in `batch` each came from.
            let mut records = Vec::with_capacity(batch.len());
            let mut origins = Vec::with_capacity(batch.len());
            for (index, raw) in batch.iter().enumerate() {
                match self.decode(raw).await {
                    Ok(record) => {
                        records.push(record);
                        origins.push(index);
                    }
                    Err(error) => {
                        self.dead_letter(raw, Stage::ValueConverter, std::any::type_name::<V>(), &error)
                            .await?;
                        summary.dead_lettered += 1;
                    }
                }
            }
            if !records.is_empty() {
                let whole = match one_by_one {
                    true => Err(None),
                    false => self.attempt(&mut handler, &records).await.map_err(Some),
                };
                match whole {
                    Ok(()) => summary.handled += records.len() as u64,
                    Err(Some(waiting @ HandlerError::Wait(_))) => return Err(ConsumeError::Interrupted(waiting)),
                    Err(_) => {
                        // One by one: only the records that fail alone are dead letters.
                        for (record, origin) in records.iter().zip(&origins) {
                            match self.attempt(&mut handler, std::slice::from_ref(record)).await {
                                Ok(()) => summary.handled += 1,
                                Err(waiting @ HandlerError::Wait(_)) => {
                                    return Err(ConsumeError::Interrupted(waiting));
                                }
                                Err(error) => {
                                    self.dead_letter(&batch[*origin], Stage::TaskPut, "handler", &error)
                                        .await?;
                                    summary.dead_lettered += 1;
                                }
                            }
                        }
                    }
                }
            }
            self.commit(&batch)?;
            summary.batches += 1;
        }
        // Leave the group now rather than after the session timeout.
        self.inner.unsubscribe();
        Ok(summary)
    }

    /// Up to `max_batch` records, waiting at most `max_wait` after the first one (and
    /// returning early, possibly empty, on shutdown).
    async fn next_batch(&self) -> Result<Vec<Raw>, ConsumeError> {
        let mut batch = Vec::new();
        let mut deadline: Option<Instant> = None;
        while batch.len() < self.settings.max_batch {
            let wait = deadline.map_or(Duration::from_secs(3600), |d| {
                d.saturating_duration_since(Instant::now())
            });
            tokio::select! {
                message = self.inner.recv() => {
                    batch.push(Raw::of(&message?));
                    deadline.get_or_insert_with(|| Instant::now() + self.settings.max_wait);
                }
                () = tokio::time::sleep(wait) => break,
                () = self.shutdown.triggered() => break,
            }
        }
        Ok(batch)
    }

    /// Decodes one record; a registry that is briefly away is waited for (with backoff)
    /// rather than treated as bad data.
    async fn decode(&self, raw: &Raw) -> Result<Record<V>, DeserializeError> {
        let payload = raw.payload.as_deref().unwrap_or_default();
        let mut backoff = self.settings.backoff;
        let value = loop {
            match self.decoder.decode(payload).await {
                Err(error) if error.is_retriable() && !self.shutdown.is_triggered() => {
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(30));
                }
                other => break other?,
            }
        };
        Ok(Record {
            topic: raw.topic.clone(),
            partition: raw.partition,
            offset: raw.offset,
            key: raw.key.clone(),
            value,
            headers: raw.headers.clone(),
            timestamp: raw.timestamp,
        })
    }

    /// The handler on `records`, retried with backoff while it fails retriably, at most
    /// `attempts` times in all.
    async fn attempt(
        &self,
        handler: &mut impl AsyncFnMut(&[Record<V>]) -> Result<(), HandlerError>,
        records: &[Record<V>],
    ) -> Result<(), HandlerError> {
        let mut backoff = self.settings.backoff;
        let mut attempt = 1;
        loop {
            match handler(records).await {
                Err(HandlerError::Retriable(_)) if attempt < self.settings.attempts => {
                    tokio::time::sleep(backoff).await;
                    backoff *= 2;
                    attempt += 1;
                }
                Err(HandlerError::Wait(error)) => {
                    if self.shutdown.is_triggered() {
                        return Err(HandlerError::Wait(error));
                    }
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(30));
                }
                outcome => return outcome,
            }
        }
    }

    /// Sends `raw` as it was read, with headers saying why, and waits for the
    /// acknowledgment; without a dead-letter topic the run stops here instead.
    async fn dead_letter<E: Error>(&self, raw: &Raw, stage: Stage, class: &str, error: &E) -> Result<(), ConsumeError> {
        let failure = Failure::new(raw.at(), &self.settings.group_id, stage, class, error);
        let Some(DeadLetters { producer, topic }) = &self.dead_letters else {
            return Err(ConsumeError::Unhandled {
                topic: raw.topic.clone(),
                partition: raw.partition,
                offset: raw.offset,
                failure: failure.causes,
            });
        };
        let headers = failure.headers(raw.headers.as_ref());
        producer
            .send_bytes(topic, raw.key.as_deref(), raw.payload.as_deref(), Some(headers))
            .await
            .map_err(|source| ConsumeError::DeadLetter {
                topic: raw.topic.clone(),
                partition: raw.partition,
                offset: raw.offset,
                source: Box::new(source),
            })?;
        Ok(())
    }

    /// Commits the offsets after `batch` (synchronously: the next batch is not read until
    /// the broker has them).
    fn commit(&self, batch: &[Raw]) -> Result<(), ConsumeError> {
        if self.settings.commit == OffsetCommit::Background {
            for raw in batch {
                self.inner.store_offset(&raw.topic, raw.partition, raw.offset)?;
            }
            return Ok(());
        }
        let mut last: BTreeMap<(&str, i32), i64> = BTreeMap::new();
        for raw in batch {
            let offset = last.entry((&raw.topic, raw.partition)).or_insert(raw.offset);
            *offset = (*offset).max(raw.offset);
        }
        let mut next = TopicPartitionList::new();
        for ((topic, partition), offset) in last {
            next.add_partition_offset(topic, partition, Offset::Offset(offset + 1))?;
        }
        self.inner.commit(&next, CommitMode::Sync)?;
        Ok(())
    }
}
