//! A typed consumer: batches of up to `max_batch` records or
//! `max_wait`, offsets committed only after the handler succeeded (at-least-once),
//! bounded retries, a dead-letter topic for records that cannot be decoded or handled,
//! and a graceful shutdown that finishes the batch in flight, commits and leaves.

use super::dead_letter::{DeadLetters, Failure, Stage};
use super::offsets::NextOffsets;
use super::producer::ProduceError;
use super::settings::{ConsumerSettings, OffsetCommit};
use super::shutdown::Shutdown;
use crate::TopicValue;
use crate::registry_client::{DeserializeError, Deserializer, RegistryClient};
use futures_core::Stream;
use rdkafka::consumer::{CommitMode, Consumer as _, DefaultConsumerContext, MessageStream, StreamConsumer};
use rdkafka::error::{KafkaError, KafkaResult, RDKafkaErrorCode};
use rdkafka::message::{BorrowedHeaders, BorrowedMessage, Message};
use std::error::Error;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;
use tokio::time::Instant;

/// A decoded record handed to a handler: its value, and the message it was read from.
///
/// Its value is `V`, or `Option<V>` on a topic with tombstones (`None`: the record has no
/// value, the key was deleted). The record borrows librdkafka's message until its batch
/// is handled, so nothing of it is copied: [`raw_key`](Self::raw_key) and
/// [`raw_value`](Self::raw_value) (the Confluent frame) are the bytes as they came off the
/// wire, and the headers and the timestamp are read only when asked for (librdkafka
/// parses a header block on first access, an allocation even when it is empty).
#[derive(Debug)]
pub struct Record<'m, V> {
    /// The decoded value.
    pub value: V,
    message: BorrowedMessage<'m>,
}

impl<'m, V> Record<'m, V> {
    /// The topic it was read from.
    pub fn topic(&self) -> &str {
        self.message.topic()
    }

    /// Its partition.
    pub fn partition(&self) -> i32 {
        self.message.partition()
    }

    /// Its offset.
    pub fn offset(&self) -> i64 {
        self.message.offset()
    }

    /// The key's bytes as written (`None`: no key).
    pub fn raw_key(&self) -> Option<&[u8]> {
        self.message.key()
    }

    /// The value's bytes as written, the Confluent frame the value was decoded from
    /// (`None`: a tombstone).
    pub fn raw_value(&self) -> Option<&[u8]> {
        self.message.payload()
    }

    /// Its headers (`None`: it has none).
    pub fn headers(&self) -> Option<&BorrowedHeaders> {
        self.message.headers()
    }

    /// Its timestamp (milliseconds since the epoch), when it has one.
    pub fn timestamp(&self) -> Option<i64> {
        self.message.timestamp().to_millis()
    }

    /// The message itself, for what the accessors above leave out
    /// ([`detach`](BorrowedMessage::detach) copies it, to keep beyond the handler).
    pub fn message(&self) -> &BorrowedMessage<'m> {
        &self.message
    }
}

/// The records of one batch, and spare values of earlier batches to decode the next
/// records into (their strings, buffers and arrays keep their allocations).
struct Pool<'m, V> {
    records: Vec<Record<'m, V>>,
    spare: Vec<V>,
}

impl<V> Pool<'_, V> {
    fn new() -> Self {
        Pool {
            records: Vec::new(),
            spare: Vec::new(),
        }
    }

    /// Gives the handled batch's messages back to librdkafka, keeping their values as
    /// spares when `reuse` (else dropping them).
    fn recycle(&mut self, reuse: bool) {
        match reuse {
            true => self.spare.extend(self.records.drain(..).map(|record| record.value)),
            false => self.records.clear(),
        }
    }
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

/// A batch read and decoded, waiting for its handler: its records are in the pool they
/// were decoded into, holding their messages until the batch is handled.
#[derive(Default)]
struct Batch<'a> {
    /// Messages read.
    read: usize,
    /// The messages that could not be decoded, and why.
    undecodable: Vec<(BorrowedMessage<'a>, DeserializeError)>,
    /// Where the batch leaves each of its partitions.
    offsets: NextOffsets,
}

/// Turns a record's bytes into the value handlers get.
pub trait Decode: Send + Sync {
    /// The decoded value.
    type Value: Clone + Send + Sync;

    /// Decodes one record's value.
    fn decode<'a>(&'a self, bytes: &'a [u8])
    -> impl Future<Output = Result<Self::Value, DeserializeError>> + Send + 'a;

    /// Decodes one record's value into `value`, reusing what it owns where the decoder
    /// can (the consumer's steady state). The default assigns a fresh value. On error
    /// `value` holds a valid value of unspecified content.
    fn decode_into<'a>(
        &'a self,
        bytes: &'a [u8],
        value: &'a mut Self::Value,
    ) -> impl Future<Output = Result<(), DeserializeError>> + Send + 'a {
        async move {
            *value = self.decode(bytes).await?;
            Ok(())
        }
    }

    /// Decodes one record's value into `value` at once when nothing has to be awaited
    /// (the writer schema is known), or `None` (and `value` untouched) when something
    /// has: then the consumer awaits [`decode_into`](Self::decode_into). The default is
    /// always `None`; the consumer's steady state skips a future per record with it.
    fn decode_into_now(&self, bytes: &[u8], value: &mut Self::Value) -> Option<Result<(), DeserializeError>> {
        let _ = (bytes, value);
        None
    }

    /// The value of a tombstone (a record without a value), or `None` when this
    /// decoder's values cannot be absent: then a tombstone is decoded as empty bytes,
    /// which fails, and the record is a dead letter.
    fn tombstone(&self) -> Option<Self::Value> {
        None
    }
}

impl<V: TopicValue + Clone + Send + Sync + 'static> Decode for Deserializer<V> {
    type Value = V;

    fn decode<'a>(&'a self, bytes: &'a [u8]) -> impl Future<Output = Result<V, DeserializeError>> + Send + 'a {
        self.deserialize(bytes)
    }

    fn decode_into<'a>(
        &'a self,
        bytes: &'a [u8],
        value: &'a mut V,
    ) -> impl Future<Output = Result<(), DeserializeError>> + Send + 'a {
        self.deserialize_into(bytes, value)
    }

    fn decode_into_now(&self, bytes: &[u8], value: &mut V) -> Option<Result<(), DeserializeError>> {
        self.deserialize_into_known(bytes, value)
    }
}

/// The decoder of a topic with tombstones: values are `Some` of what `D` decodes, and a
/// record without a value is `None` instead of a dead letter.
///
/// `Consumer<Option<V>>` uses it for generated types; the PostgreSQL sink runner takes
/// `Tombstones<WriterSchemas>` to delete rows.
#[derive(Debug, Clone)]
pub struct Tombstones<D>(D);

impl<D> Tombstones<D> {
    /// `decoder`'s values, and `None` for tombstones.
    pub fn new(decoder: D) -> Tombstones<D> {
        Tombstones(decoder)
    }

    /// The decoder of the values that are there.
    pub fn inner(&self) -> &D {
        &self.0
    }
}

impl<D: Decode> Decode for Tombstones<D> {
    type Value = Option<D::Value>;

    async fn decode(&self, bytes: &[u8]) -> Result<Option<D::Value>, DeserializeError> {
        self.0.decode(bytes).await.map(Some)
    }

    async fn decode_into(&self, bytes: &[u8], value: &mut Option<D::Value>) -> Result<(), DeserializeError> {
        match value {
            Some(held) => self.0.decode_into(bytes, held).await,
            None => {
                *value = Some(self.0.decode(bytes).await?);
                Ok(())
            }
        }
    }

    fn decode_into_now(&self, bytes: &[u8], value: &mut Option<D::Value>) -> Option<Result<(), DeserializeError>> {
        self.0.decode_into_now(bytes, value.as_mut()?)
    }

    fn tombstone(&self) -> Option<Option<D::Value>> {
        Some(None)
    }
}

/// The values a [`Consumer`] decodes through the registry by itself: a generated (or
/// derived) type `V`, or the enum of a topic's value types (any [`TopicValue`]), or
/// `Option` of them for a topic with tombstones.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a type `Consumer::new` can decode",
    note = "use a generated type `V` (a `TopicValue`), `Option<V>` on a topic with tombstones, or `Consumer::with_decoder`"
)]
pub trait Consumed: Clone + Send + Sync + Sized {
    /// The decoder `Consumer::new` uses.
    type Decoder: Decode<Value = Self>;

    /// The decoder, reading writer schemas through `registry`.
    fn decoder(registry: RegistryClient) -> Self::Decoder;
}

impl<V: TopicValue + Clone + Send + Sync + 'static> Consumed for V {
    type Decoder = Deserializer<V>;

    fn decoder(registry: RegistryClient) -> Deserializer<V> {
        Deserializer::new(registry)
    }
}

impl<V: TopicValue + Clone + Send + Sync + 'static> Consumed for Option<V> {
    type Decoder = Tombstones<Deserializer<V>>;

    fn decoder(registry: RegistryClient) -> Tombstones<Deserializer<V>> {
        Tombstones::new(Deserializer::new(registry))
    }
}

/// A consumer of Avro values `V` (see [`ConsumerSettings`]), decoded by `D`: typed values
/// of a generated type by default (`Option` of them on a topic with tombstones), or
/// [`Framed`](super::Framed) records for code that needs no Rust type.
///
/// Each batch is decoded into the records of the batch before last (unless
/// [`ConsumerSettings::reuse_values`] is off), so a running consumer stops allocating for
/// values once it has seen its largest records.
pub struct Consumer<V, D = <V as Consumed>::Decoder> {
    // Shared with the blocking pool, where synchronous commits wait for the broker.
    inner: Arc<StreamConsumer>,
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

impl<V: Consumed> Consumer<V> {
    /// Subscribes with `settings`, decoding `V` through `registry` (`Consumer<Option<V>>`
    /// hands tombstones over as `None`). Records that cannot be decoded or handled go to
    /// `dead_letters`; without it the run stops at such a record instead (nothing is
    /// skipped silently).
    pub fn new(
        settings: ConsumerSettings,
        registry: RegistryClient,
        dead_letters: Option<DeadLetters>,
    ) -> Result<Consumer<V>, ConsumeError> {
        Consumer::with_decoder(settings, V::decoder(registry), dead_letters)
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
            inner: Arc::new(inner),
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
        handler: impl AsyncFnMut(&[Record<'_, V>]) -> Result<(), HandlerError>,
    ) -> Result<RunSummary, ConsumeError> {
        self.run_batches(handler, false).await
    }

    /// Like [`run`](Self::run), but `handler` gets one record at a time (each retried,
    /// and dead-lettered, on its own); offsets are still committed per batch.
    pub async fn run_each(
        &self,
        mut handler: impl AsyncFnMut(&Record<'_, V>) -> Result<(), HandlerError>,
    ) -> Result<RunSummary, ConsumeError> {
        self.run_batches(
            async |one: &[Record<'_, V>]| match one.first() {
                Some(record) => handler(record).await,
                None => Ok(()),
            },
            true,
        )
        .await
    }

    /// The loop of [`run`](Self::run); with `one_by_one` the handler only ever gets
    /// single records.
    ///
    /// The next batch is read and decoded while the handler works on this one (mostly
    /// waiting for its database): handlers still see one batch after the other, each
    /// batch's offsets are still committed only after it was handled, and on shutdown the
    /// batch read ahead is released uncommitted, to be read again by whoever consumes
    /// next.
    async fn run_batches(
        &self,
        mut handler: impl AsyncFnMut(&[Record<'_, V>]) -> Result<(), HandlerError>,
        one_by_one: bool,
    ) -> Result<RunSummary, ConsumeError> {
        let mut summary = RunSummary::default();
        // One stream for the whole run: each `recv` would register and drop a waker slot.
        let mut stream = self.inner.stream();
        // The records of the batch being handled, and of the one read meanwhile: each
        // pool kept from batch to batch so that values are decoded into the previous ones.
        let (mut handled_pool, mut read_pool) = (Pool::new(), Pool::new());
        let mut ahead = None;
        while !self.shutdown.is_triggered() {
            let current = match ahead.take() {
                Some(read) => read,
                None => self.read(&mut stream, &mut handled_pool).await?,
            };
            let (handled, next) = {
                let handling = self.handle(&mut handler, &current, &handled_pool.records, one_by_one);
                let reading = self.read(&mut stream, &mut read_pool);
                tokio::pin!(handling, reading);
                // The handler always finishes (its transaction, its commit); a failure of
                // the handler drops the reading, a failure of the reading waits for it.
                let mut next = None;
                let handled = loop {
                    tokio::select! {
                        handled = &mut handling => break handled?,
                        read = &mut reading, if next.is_none() => next = Some(read),
                    }
                };
                let next = match next {
                    Some(read) => read?,
                    None => reading.await?,
                };
                (handled, next)
            };
            summary.handled += handled.handled;
            summary.dead_lettered += handled.dead_lettered;
            summary.batches += handled.batches;
            ahead = Some(next);
            handled_pool.recycle(self.settings.reuse_values);
            std::mem::swap(&mut handled_pool, &mut read_pool);
        }
        // The batch read ahead goes back uncommitted.
        drop((ahead, handled_pool, read_pool));
        self.leave(&mut stream).await;
        Ok(summary)
    }

    /// Leaves the group now rather than after the session timeout: unsubscribes, then
    /// polls until librdkafka has served the revocation (which it only does when polled)
    /// and so sent its LeaveGroup, for at most [`LEAVE_WAIT`]. Messages still arriving
    /// are dropped, uncommitted.
    async fn leave(&self, stream: &mut MessageStream<'_, DefaultConsumerContext>) {
        self.inner.unsubscribe();
        let deadline = Instant::now() + LEAVE_WAIT;
        while self.inner.assignment().is_ok_and(|assigned| assigned.count() > 0) && Instant::now() < deadline {
            let next = std::future::poll_fn(|cx| Pin::new(&mut *stream).poll_next(cx));
            let _ = tokio::time::timeout(Duration::from_millis(20), next).await;
        }
    }

    /// Hands `batch` (its decoded `records`) to `handler` and commits it, its
    /// undecodable records and those the handler fails on for good dead-lettered first.
    /// An empty batch (read as the consumer shut down) is left alone.
    async fn handle(
        &self,
        handler: &mut impl AsyncFnMut(&[Record<'_, V>]) -> Result<(), HandlerError>,
        batch: &Batch<'_>,
        records: &[Record<'_, V>],
        one_by_one: bool,
    ) -> Result<RunSummary, ConsumeError> {
        let mut summary = RunSummary::default();
        if batch.read == 0 {
            return Ok(summary);
        }
        for (message, error) in &batch.undecodable {
            self.dead_letter(message, Stage::ValueConverter, std::any::type_name::<V>(), error)
                .await?;
            summary.dead_lettered += 1;
        }
        if !records.is_empty() {
            let whole = match one_by_one {
                true => Err(None),
                false => self.attempt(handler, records).await.map_err(Some),
            };
            match whole {
                Ok(()) => summary.handled += records.len() as u64,
                Err(Some(waiting @ HandlerError::Wait(_))) => return Err(ConsumeError::Interrupted(waiting)),
                Err(_) => {
                    // One by one: only the records that fail alone are dead letters.
                    for record in records {
                        match self.attempt(handler, std::slice::from_ref(record)).await {
                            Ok(()) => summary.handled += 1,
                            Err(waiting @ HandlerError::Wait(_)) => {
                                return Err(ConsumeError::Interrupted(waiting));
                            }
                            Err(error) => {
                                self.dead_letter(&record.message, Stage::TaskPut, "handler", &error)
                                    .await?;
                                summary.dead_lettered += 1;
                            }
                        }
                    }
                }
            }
        }
        self.commit_waiting(&batch.offsets).await?;
        summary.batches += 1;
        Ok(summary)
    }

    /// The next batch, decoded into `pool`: up to `max_batch` messages, waiting
    /// at most `max_wait` after the first one (and returning early, possibly empty, on
    /// shutdown).
    async fn read<'a>(
        &self,
        stream: &mut MessageStream<'a, DefaultConsumerContext>,
        pool: &mut Pool<'a, V>,
    ) -> Result<Batch<'a>, ConsumeError> {
        let mut batch = Batch::default();
        // One timer and one shutdown waiter per batch, armed once: setting them up again
        // for every record cost more CPU than librdkafka's own work on a small record.
        let timer = tokio::time::sleep(Duration::from_secs(3600));
        let shutdown = self.shutdown.triggered();
        tokio::pin!(timer, shutdown);
        while batch.read < self.settings.max_batch {
            // The queue first, and the timer and the shutdown only when it is empty: a
            // `select!` over the three for every record (and the wake-up behind it) cost
            // more than librdkafka's own work on a small record, and polling the queue
            // apart from the wait polled an empty queue twice.
            let next = std::future::poll_fn(|cx| {
                if let Poll::Ready(message) = Pin::new(&mut *stream).poll_next(cx) {
                    return Poll::Ready(message.ok_or(KafkaError::NoMessageReceived).map(Some));
                }
                match timer.as_mut().poll(cx).is_ready() || shutdown.as_mut().poll(cx).is_ready() {
                    true => Poll::Ready(Ok(None)),
                    false => Poll::Pending,
                }
            })
            .await?;
            match next {
                Some(message) => self.take(message, &mut batch, pool, timer.as_mut()).await?,
                None => break,
            }
        }
        Ok(batch)
    }

    /// Adds `message` to `batch`, decoded into `pool` (starting the batch's `timer` with
    /// its first one), or waits out a broker that is away.
    async fn take<'a>(
        &self,
        message: KafkaResult<BorrowedMessage<'a>>,
        batch: &mut Batch<'a>,
        pool: &mut Pool<'a, V>,
        timer: Pin<&mut tokio::time::Sleep>,
    ) -> Result<(), ConsumeError> {
        match message {
            Ok(message) => {
                if batch.read == 0 {
                    timer.reset(Instant::now() + self.settings.max_wait);
                }
                batch.read += 1;
                batch
                    .offsets
                    .note(message.topic(), message.partition(), message.offset());
                match self.decode(&message, &mut pool.spare).await {
                    Ok(value) => pool.records.push(Record { value, message }),
                    Err(error) => batch.undecodable.push((message, error)),
                }
            }
            // The broker is away or moving: librdkafka reconnects by itself and fetches on
            // from where it was, so this is news, not a failure.
            Err(KafkaError::MessageConsumption(code)) if broker_away(code) => {
                tokio::time::sleep(self.settings.backoff).await;
            }
            Err(error) => return Err(error.into()),
        }
        Ok(())
    }

    /// The value of `message`, decoded into one of the `spare` values when there is one
    /// (which goes back on failure); a registry that is briefly away is waited for (with
    /// backoff) rather than treated as bad data.
    async fn decode(&self, message: &BorrowedMessage<'_>, spare: &mut Vec<V>) -> Result<V, DeserializeError> {
        let bytes = match message.payload() {
            Some(bytes) => bytes,
            None => match self.decoder.tombstone() {
                Some(tombstone) => return Ok(tombstone),
                // A decoder without tombstones reads a missing value as empty bytes, and
                // fails.
                None => &[],
            },
        };
        let Some(mut value) = spare.pop() else {
            return self.retrying(async || self.decoder.decode(bytes).await).await;
        };
        let outcome = match self.decoder.decode_into_now(bytes, &mut value) {
            Some(outcome) if !outcome.as_ref().is_err_and(DeserializeError::is_retriable) => outcome,
            _ => {
                self.retrying(async || self.decoder.decode_into(bytes, &mut value).await)
                    .await
            }
        };
        match outcome {
            Ok(()) => Ok(value),
            Err(error) => {
                spare.push(value);
                Err(error)
            }
        }
    }

    /// `decode` until it succeeds or fails for a reason other than a registry that is
    /// briefly away (or the consumer shuts down), with doubling backoff.
    async fn retrying<T>(
        &self,
        mut decode: impl AsyncFnMut() -> Result<T, DeserializeError>,
    ) -> Result<T, DeserializeError> {
        let mut backoff = self.settings.backoff;
        loop {
            match decode().await {
                Err(error) if error.is_retriable() && !self.shutdown.is_triggered() => {
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(30));
                }
                other => return other,
            }
        }
    }

    /// The handler on `records`, retried with backoff while it fails retriably, at most
    /// `attempts` times in all.
    async fn attempt(
        &self,
        handler: &mut impl AsyncFnMut(&[Record<'_, V>]) -> Result<(), HandlerError>,
        records: &[Record<'_, V>],
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

    /// Sends `message` as it was read, with headers saying why, and waits for the
    /// acknowledgment; without a dead-letter topic the run stops here instead.
    async fn dead_letter<E: Error>(
        &self,
        message: &BorrowedMessage<'_>,
        stage: Stage,
        class: &str,
        error: &E,
    ) -> Result<(), ConsumeError> {
        let at = (message.topic(), message.partition(), message.offset());
        let failure = Failure::new(at, &self.settings.group_id, stage, class, error);
        let Some(DeadLetters { producer, topic }) = &self.dead_letters else {
            return Err(ConsumeError::Unhandled {
                topic: at.0.to_owned(),
                partition: at.1,
                offset: at.2,
                failure: failure.causes,
            });
        };
        let headers = failure.headers(message.headers());
        producer
            .send_bytes(topic, message.key(), message.payload(), Some(headers))
            .await
            .map_err(|source| ConsumeError::DeadLetter {
                topic: at.0.to_owned(),
                partition: at.1,
                offset: at.2,
                source: Box::new(source),
            })?;
        Ok(())
    }

    /// [`commit`](Self::commit), tried again with backoff while the broker is away (the
    /// batch is handled: only its offsets wait). When the group rebalanced meanwhile the
    /// offsets are not committed and the batch is read again by whoever has the
    /// partitions now (at-least-once), so the run goes on.
    async fn commit_waiting(&self, offsets: &NextOffsets) -> Result<(), ConsumeError> {
        let mut backoff = self.settings.backoff;
        loop {
            match self.commit(offsets).await {
                Err(ConsumeError::Kafka(KafkaError::ConsumerCommit(code)))
                    if broker_away(code) && !self.shutdown.is_triggered() =>
                {
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(30));
                }
                Err(ConsumeError::Kafka(KafkaError::ConsumerCommit(
                    RDKafkaErrorCode::RebalanceInProgress
                    | RDKafkaErrorCode::IllegalGeneration
                    | RDKafkaErrorCode::UnknownMemberId,
                ))) => return Ok(()),
                other => return other,
            }
        }
    }

    /// Commits the offsets after `batch` (synchronously: the next batch is not handled
    /// until the broker has them), or with [`OffsetCommit::Background`] stores them for
    /// librdkafka's next periodic commit.
    async fn commit(&self, offsets: &NextOffsets) -> Result<(), ConsumeError> {
        let next = offsets.to_list()?;
        if self.settings.commit == OffsetCommit::Background {
            // Once per partition and batch: storing each message's offset looked its topic
            // up (and released it) in librdkafka every time.
            self.inner.store_offsets(&next)?;
            return Ok(());
        }
        // A synchronous commit waits for the broker, however long it is away: on the
        // blocking pool, so that the runtime's other tasks (a producer beside) go on.
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || inner.commit(&next, CommitMode::Sync))
            .await
            .map_err(|_| KafkaError::Canceled)??;
        Ok(())
    }
}

/// The longest a stopping consumer waits for librdkafka to leave the group.
const LEAVE_WAIT: Duration = Duration::from_secs(5);

/// Whether `code` says the broker (or the group's coordinator) is away or moving, which
/// librdkafka recovers from by itself.
fn broker_away(code: RDKafkaErrorCode) -> bool {
    matches!(
        code,
        RDKafkaErrorCode::BrokerTransportFailure
            | RDKafkaErrorCode::AllBrokersDown
            | RDKafkaErrorCode::OperationTimedOut
            | RDKafkaErrorCode::RequestTimedOut
            | RDKafkaErrorCode::NetworkException
            | RDKafkaErrorCode::WaitingForCoordinator
            | RDKafkaErrorCode::CoordinatorLoadInProgress
            | RDKafkaErrorCode::CoordinatorNotAvailable
            | RDKafkaErrorCode::NotCoordinator
            | RDKafkaErrorCode::LeaderNotAvailable
            | RDKafkaErrorCode::NotLeaderForPartition
    )
}
