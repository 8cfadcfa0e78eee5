//! A typed producer: `send(&topics::TELESCOPE_DATA, key, &value)` frames the value (and
//! an Avro key) through the Schema Registry and waits for the broker's acknowledgment;
//! `enqueue` does the same up to librdkafka's queue and leaves the acknowledgment to a
//! [`PendingDelivery`] awaited later; `post` leaves it to librdkafka, and `flush` reports
//! the posted records that failed.

use super::settings::ProducerSettings;
use crate::registry_client::{
    IdSource, Normalize, RecordPart, RegistryClient, SerializeError, Serializer, SubjectNameStrategy,
};
use crate::topic::{AvroKey, Topic, TopicKey};
use crate::{AvroMessage, TopicValue};
use rdkafka::ClientContext;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Message, OwnedHeaders};
use rdkafka::producer::{BaseRecord, DeliveryResult, Producer as _, ProducerContext, ThreadedProducer};
use std::any::{Any, TypeId};
use std::borrow::Cow;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// Where a record landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    /// The partition.
    pub partition: i32,
    /// The record's offset in it.
    pub offset: i64,
}

/// Why a record was not delivered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProduceError {
    /// The key or value could not be framed (the registry refused or is unreachable).
    #[error("framing a record for topic `{topic}`: {source}")]
    Serialize {
        /// The topic.
        topic: String,
        /// The serializer's error.
        #[source]
        source: SerializeError,
    },
    /// The local queue stayed full for the whole queue timeout: the record was not
    /// queued (never dropped silently).
    #[error("topic `{topic}`: the producer's queue stayed full for {waited:?}; the record was not sent")]
    QueueFull {
        /// The topic.
        topic: String,
        /// How long `send` waited for room.
        waited: Duration,
    },
    /// The broker did not acknowledge the record within the delivery timeout, or refused it.
    #[error("delivering to topic `{topic}`: {cause}")]
    Delivery {
        /// The topic.
        topic: String,
        /// Kafka's error.
        cause: KafkaError,
    },
    /// The client could not be created, or a flush did not finish in time.
    #[error("Kafka producer: {0}")]
    Client(KafkaError),
    /// Records sent with [`Producer::post`] since the last flush were not delivered (the
    /// delivery timeout passed, or the broker refused them); [`Producer::flush`] says so.
    #[error("{failed} posted record(s) were not delivered; the first, to topic `{topic}`: {cause}")]
    Unacknowledged {
        /// How many failed.
        failed: u64,
        /// The first one's topic.
        topic: String,
        /// Why the first one failed.
        cause: KafkaError,
    },
    /// [`Producer::delete`] on a topic whose catalog entry allows no tombstones: its
    /// consumers would take the record without a value for a broken one.
    #[error(
        "topic `{topic}` has no tombstones in the catalog: set cleanup_policy = \"compact\" or tombstones = true there before deleting keys"
    )]
    NoTombstones {
        /// The topic.
        topic: String,
    },
}

/// A producer of Avro records to catalog topics, with the seeds' reliability settings
/// (see [`ProducerSettings`]). Cheap to share: `send` takes `&self`.
pub struct Producer {
    inner: ThreadedProducer<Acknowledgments>,
    registry: RegistryClient,
    queue_timeout: Duration,
    schema_ids: IdSource,
    key_subjects: SubjectNameStrategy,
    value_subjects: SubjectNameStrategy,
    normalize: Normalize,
    // Where `send` frames values before librdkafka copies them.
    frame: Mutex<Vec<u8>>,
    // One serializer per (type, key or value), so each keeps its schema id warm.
    serializers: RwLock<HashMap<SerializerSlot, Arc<dyn Any + Send + Sync>>>,
}

impl std::fmt::Debug for Producer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Producer")
            .field("queue_timeout", &self.queue_timeout)
            .finish_non_exhaustive()
    }
}

impl Producer {
    /// A producer with `settings`, framing through `registry`.
    pub fn new(settings: &ProducerSettings, registry: RegistryClient) -> Result<Producer, ProduceError> {
        let inner = settings
            .client_config()
            .create_with_context(Acknowledgments::default())
            .map_err(ProduceError::Client)?;
        Ok(Producer {
            inner,
            registry,
            queue_timeout: settings.queue_timeout,
            schema_ids: settings.schema_ids,
            key_subjects: settings.key_subjects,
            value_subjects: settings.value_subjects,
            normalize: settings.normalize,
            frame: Mutex::default(),
            serializers: RwLock::default(),
        })
    }

    /// This producer with `serializer` for `T`'s keys or values (whichever it is for),
    /// in place of one built from the settings: for what differs by type, such as
    /// [`IdSource::Fixed`] or another subject name strategy.
    pub fn with_serializer<T: TopicValue + Send + Sync + 'static>(self, serializer: Serializer<T>) -> Producer {
        // Used for the topics whose descriptors name no subject strategy of their own.
        let slot = (TypeId::of::<T>(), serializer.part(), None);
        self.serializers
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(slot, Arc::new(serializer));
        self
    }

    /// Sends `value` with `key` to `topic` and waits for the acknowledgment (all in-sync
    /// replicas, by default). Keys and values of the wrong type do not compile.
    pub async fn send<K, V>(&self, topic: &Topic<K, V>, key: &K::Value, value: &V) -> Result<Delivery, ProduceError>
    where
        K: EncodeKey + ?Sized,
        V: TopicValue + Send + Sync + 'static,
    {
        self.enqueue_with_headers(topic, key, value, None).await?.await
    }

    /// [`send`](Self::send) with record headers.
    pub async fn send_with_headers<K, V>(
        &self,
        topic: &Topic<K, V>,
        key: &K::Value,
        value: &V,
        headers: Option<OwnedHeaders>,
    ) -> Result<Delivery, ProduceError>
    where
        K: EncodeKey + ?Sized,
        V: TopicValue + Send + Sync + 'static,
    {
        self.enqueue_with_headers(topic, key, value, headers).await?.await
    }

    /// Frames `value` and queues it for `topic` without waiting for the broker: returns
    /// once librdkafka holds the record (after waiting for room when its queue is full),
    /// with a [`PendingDelivery`] that resolves to the acknowledgment. The way to stream:
    /// queue many, await them later (as `produce` + delivery callbacks do in other
    /// clients), with no task per record.
    pub async fn enqueue<K, V>(
        &self,
        topic: &Topic<K, V>,
        key: &K::Value,
        value: &V,
    ) -> Result<PendingDelivery<'static>, ProduceError>
    where
        K: EncodeKey + ?Sized,
        V: TopicValue + Send + Sync + 'static,
    {
        self.enqueue_with_headers(topic, key, value, None).await
    }

    /// [`enqueue`](Self::enqueue) with record headers.
    pub async fn enqueue_with_headers<K, V>(
        &self,
        topic: &Topic<K, V>,
        key: &K::Value,
        value: &V,
        headers: Option<OwnedHeaders>,
    ) -> Result<PendingDelivery<'static>, ProduceError>
    where
        K: EncodeKey + ?Sized,
        V: TopicValue + Send + Sync + 'static,
    {
        let receiver = self.queue(topic, key, value, headers, awaited).await?;
        Ok(PendingDelivery::new(topic.name, receiver))
    }

    /// Frames `value` and queues it for `topic`, fire and forget: returns once librdkafka
    /// holds the record (after waiting for room when its queue is full), and no future
    /// follows it. librdkafka still delivers it with the settings' retries and
    /// idempotence; a record it finally fails to deliver is counted, and the next
    /// [`flush`](Self::flush) returns [`ProduceError::Unacknowledged`]. The cheapest way
    /// to stream many small records: no channel per record, nothing to await.
    pub async fn post<K, V>(&self, topic: &Topic<K, V>, key: &K::Value, value: &V) -> Result<(), ProduceError>
    where
        K: EncodeKey + ?Sized,
        V: TopicValue + Send + Sync + 'static,
    {
        self.queue(topic, key, value, None, posted).await
    }

    /// Frames `value` and hands it to librdkafka with the acknowledgment `ack` makes
    /// (made again for each attempt, as a refused record takes its own with it).
    async fn queue<K, V, T>(
        &self,
        topic: &Topic<K, V>,
        key: &K::Value,
        value: &V,
        headers: Option<OwnedHeaders>,
        ack: impl Fn() -> (Ack, T),
    ) -> Result<T, ProduceError>
    where
        K: EncodeKey + ?Sized,
        V: TopicValue + Send + Sync + 'static,
    {
        let key = K::encode(self, topic.name, key).await?;
        let serializer = self.serializer::<V>(RecordPart::Value, topic.value_strategy);
        let failed = |source| ProduceError::Serialize {
            topic: topic.name.to_owned(),
            source,
        };
        let started = Instant::now();
        loop {
            // Framed into the producer's one buffer and enqueued at once (librdkafka
            // copies the payload), so a record costs no allocation of its own; the lock
            // is never held across an await.
            let enqueued = {
                let mut frame = self.frame.lock().unwrap_or_else(PoisonError::into_inner);
                frame.clear();
                match serializer.serialize_known(topic.name, value, &mut frame) {
                    None => None,
                    Some(framed) => {
                        framed.map_err(failed)?;
                        let (ack, outcome) = ack();
                        let record = record(topic.name, key.as_deref(), Some(&frame[..]), headers.as_ref(), ack);
                        Some(self.inner.send(record).map(|()| outcome).map_err(|(error, _)| error))
                    }
                }
            };
            match enqueued {
                // The schema id is not known yet: fetch (or register) it, then frame.
                None => {
                    serializer.schema_id_for(topic.name, value).await.map_err(failed)?;
                }
                Some(Ok(outcome)) => return Ok(outcome),
                Some(Err(error)) => self.wait_for_room(topic.name, started, error).await?,
            }
        }
    }

    /// Sends a tombstone for `key` to `topic`, a record without a value, and waits for
    /// the acknowledgment: on a compacted topic it deletes the key, and sinks delete the
    /// key's row. Refused ([`ProduceError::NoTombstones`]) on a topic whose catalog entry
    /// allows no tombstones.
    pub async fn delete<K, V>(&self, topic: &Topic<K, V>, key: &K::Value) -> Result<Delivery, ProduceError>
    where
        K: EncodeKey + ?Sized,
        V: TopicValue + Send + Sync + 'static,
    {
        if !topic.tombstones {
            return Err(ProduceError::NoTombstones {
                topic: topic.name.to_owned(),
            });
        }
        let key = K::encode(self, topic.name, key).await?;
        self.send_bytes(topic.name, key.as_deref(), None, None).await
    }

    /// Sends bytes as they are (a dead-letter record, a replay): no framing.
    pub async fn send_bytes(
        &self,
        topic: &str,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers: Option<OwnedHeaders>,
    ) -> Result<Delivery, ProduceError> {
        let started = Instant::now();
        loop {
            let (ack, receiver) = awaited();
            match self.inner.send(record(topic, key, value, headers.as_ref(), ack)) {
                Ok(()) => return PendingDelivery::new(topic, receiver).await,
                Err((error, _)) => self.wait_for_room(topic, started, error).await?,
            }
        }
    }

    /// After librdkafka refused to enqueue a record: waits a moment when its queue is
    /// full and `queue_timeout` has not passed since `started` (backpressure), else says
    /// why the record was not sent.
    async fn wait_for_room(&self, topic: &str, started: Instant, error: KafkaError) -> Result<(), ProduceError> {
        match error {
            KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull) if started.elapsed() < self.queue_timeout => {
                // Room is made by deliveries, which librdkafka's own thread handles.
                tokio::time::sleep(QUEUE_RETRY).await;
                Ok(())
            }
            KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull) => Err(ProduceError::QueueFull {
                topic: topic.to_owned(),
                waited: self.queue_timeout,
            }),
            cause => Err(ProduceError::Delivery {
                topic: topic.to_owned(),
                cause,
            }),
        }
    }

    /// Waits until every queued record is acknowledged (or `timeout` passes); then says
    /// whether records [`post`](Self::post)ed since the last flush failed
    /// ([`ProduceError::Unacknowledged`]), and starts counting afresh.
    pub fn flush(&self, timeout: Duration) -> Result<(), ProduceError> {
        self.inner.flush(timeout).map_err(ProduceError::Client)?;
        self.inner.context().take_failures()
    }

    /// Records queued and not yet acknowledged.
    pub fn in_flight(&self) -> i32 {
        self.inner.in_flight_count()
    }

    /// The serializer of `T`'s keys or values, naming subjects by `strategy` (a topic
    /// descriptor's, the catalog's) or else by the settings'.
    fn serializer<T: TopicValue + Send + Sync + 'static>(
        &self,
        part: RecordPart,
        strategy: Option<SubjectNameStrategy>,
    ) -> Arc<Serializer<T>> {
        let slot = (TypeId::of::<T>(), part, strategy);
        let known = self
            .serializers
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&slot)
            .cloned();
        let entry = known.unwrap_or_else(|| {
            let mut serializers = self.serializers.write().unwrap_or_else(PoisonError::into_inner);
            let entry = serializers.entry(slot).or_insert_with(|| {
                let serializer = Serializer::<T>::new(self.registry.clone())
                    .with_ids(self.schema_ids)
                    .normalizing(self.normalize);
                let strategy = strategy.unwrap_or(match part {
                    RecordPart::Key => self.key_subjects,
                    RecordPart::Value => self.value_subjects,
                });
                Arc::new(serializer.for_part(part).with_strategy(strategy))
            });
            Arc::clone(entry)
        });
        // Inserted for exactly this TypeId, so the downcast holds.
        entry
            .downcast::<Serializer<T>>()
            .unwrap_or_else(|_| unreachable!("keyed by TypeId"))
    }
}

/// Which serializer: of a type, for keys or values, naming subjects by a topic
/// descriptor's strategy (or, `None`, the settings').
type SerializerSlot = (TypeId, RecordPart, Option<SubjectNameStrategy>);

/// How long `send` waits before trying a full queue again.
const QUEUE_RETRY: Duration = Duration::from_millis(10);

/// A record of `topic` with what it has of key, value and headers, and where its
/// acknowledgment goes.
fn record<'a>(
    topic: &'a str,
    key: Option<&'a [u8]>,
    value: Option<&'a [u8]>,
    headers: Option<&OwnedHeaders>,
    ack: Ack,
) -> BaseRecord<'a, [u8], [u8], Box<Ack>> {
    let mut record = BaseRecord::with_opaque_to(topic, Box::new(ack));
    if let Some(key) = key {
        record = record.key(key);
    }
    if let Some(value) = value {
        record = record.payload(value);
    }
    if let Some(headers) = headers {
        record = record.headers(headers.clone());
    }
    record
}

/// A record queued by [`Producer::enqueue`]: resolves to where it landed once the broker
/// acknowledges it, or to why it was not delivered. Dropping it does not withdraw the
/// record (librdkafka still delivers it); only its outcome goes unseen, so await it.
#[must_use = "a record's delivery can fail; await the PendingDelivery to know"]
pub struct PendingDelivery<'a> {
    topic: &'a str,
    delivery: oneshot::Receiver<Result<Delivery, KafkaError>>,
}

impl std::fmt::Debug for PendingDelivery<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingDelivery")
            .field("topic", &self.topic)
            .finish_non_exhaustive()
    }
}

impl<'a> PendingDelivery<'a> {
    fn new(topic: &'a str, delivery: oneshot::Receiver<Result<Delivery, KafkaError>>) -> Self {
        Self { topic, delivery }
    }
}

impl Future for PendingDelivery<'_> {
    type Output = Result<Delivery, ProduceError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let topic = self.topic;
        Pin::new(&mut self.delivery).poll(cx).map(|outcome| match outcome {
            Ok(Ok(delivery)) => Ok(delivery),
            Ok(Err(cause)) => Err(ProduceError::Delivery {
                topic: topic.to_owned(),
                cause,
            }),
            // The producer went away with the record undelivered.
            Err(_) => Err(ProduceError::Delivery {
                topic: topic.to_owned(),
                cause: KafkaError::Canceled,
            }),
        })
    }
}

/// Where a record's outcome goes.
enum Ack {
    /// To the [`PendingDelivery`] awaiting it.
    Awaited(oneshot::Sender<Result<Delivery, KafkaError>>),
    /// Nowhere while it succeeds; a failure is counted for the next flush.
    Posted,
}

/// An acknowledgment awaited by a [`PendingDelivery`], and the receiving end.
fn awaited() -> (Ack, oneshot::Receiver<Result<Delivery, KafkaError>>) {
    let (sender, receiver) = oneshot::channel();
    (Ack::Awaited(sender), receiver)
}

/// The acknowledgment of a posted record.
fn posted() -> (Ack, ()) {
    (Ack::Posted, ())
}

/// The producer's side of librdkafka's delivery reports (its polling thread calls
/// `delivery`): each outcome to its [`PendingDelivery`], or the failures of posted
/// records counted until a flush takes them.
#[derive(Default)]
struct Acknowledgments {
    /// Failed posted records: how many, and the first one's topic and cause.
    failures: Mutex<(u64, Option<(String, KafkaError)>)>,
}

impl Acknowledgments {
    /// The failures since the last call, as a flush reports them.
    fn take_failures(&self) -> Result<(), ProduceError> {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        let (failed, first) = std::mem::take(&mut *failures);
        match first {
            Some((topic, cause)) => Err(ProduceError::Unacknowledged { failed, topic, cause }),
            None => Ok(()),
        }
    }
}

impl ClientContext for Acknowledgments {}

impl ProducerContext for Acknowledgments {
    type DeliveryOpaque = Box<Ack>;

    fn delivery(&self, result: &DeliveryResult<'_>, ack: Box<Ack>) {
        match *ack {
            Ack::Awaited(sender) => {
                let outcome = match result {
                    Ok(message) => Ok(Delivery {
                        partition: message.partition(),
                        offset: message.offset(),
                    }),
                    Err((cause, _)) => Err(cause.clone()),
                };
                // The PendingDelivery may have been dropped: its outcome goes unseen.
                let _ = sender.send(outcome);
            }
            Ack::Posted => {
                if let Err((cause, message)) = result {
                    let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
                    failures.0 += 1;
                    failures
                        .1
                        .get_or_insert_with(|| (message.topic().to_owned(), cause.clone()));
                }
            }
        }
    }
}

/// How a producer writes keys of each [`TopicKey`] kind.
pub trait EncodeKey: TopicKey {
    /// The key's bytes (`None`: no key).
    fn encode<'a>(
        producer: &'a Producer,
        topic: &'a str,
        key: &'a Self::Value,
    ) -> impl Future<Output = Result<Option<Cow<'a, [u8]>>, ProduceError>> + Send + 'a;
}

impl EncodeKey for str {
    async fn encode<'a>(_: &'a Producer, _: &'a str, key: &'a str) -> Result<Option<Cow<'a, [u8]>>, ProduceError> {
        Ok(Some(Cow::Borrowed(key.as_bytes())))
    }
}

impl EncodeKey for [u8] {
    async fn encode<'a>(_: &'a Producer, _: &'a str, key: &'a [u8]) -> Result<Option<Cow<'a, [u8]>>, ProduceError> {
        Ok(Some(Cow::Borrowed(key)))
    }
}

impl EncodeKey for () {
    async fn encode<'a>(_: &'a Producer, _: &'a str, _: &'a ()) -> Result<Option<Cow<'a, [u8]>>, ProduceError> {
        Ok(None)
    }
}

impl<T: AvroMessage + Send + Sync + 'static> EncodeKey for AvroKey<T> {
    async fn encode<'a>(
        producer: &'a Producer,
        topic: &'a str,
        key: &'a T,
    ) -> Result<Option<Cow<'a, [u8]>>, ProduceError> {
        let framed = producer
            .serializer::<T>(RecordPart::Key, None)
            .serialize(topic, key)
            .await
            .map_err(|source| ProduceError::Serialize {
                topic: topic.to_owned(),
                source,
            })?;
        Ok(Some(Cow::Owned(framed)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry_client::RegistryConfig;

    fn registry() -> RegistryClient {
        RegistryClient::new(RegistryConfig::new("http://127.0.0.1:1")).unwrap()
    }

    #[test]
    fn sasl_over_tls_settings_pass_through_to_librdkafka() {
        let mut settings = ProducerSettings::new("127.0.0.1:1");
        settings.kafka = settings
            .kafka
            .set("security.protocol", "SASL_SSL")
            .set("sasl.mechanisms", "SCRAM-SHA-512")
            .set("sasl.username", "avrokit")
            .set("sasl.password", "secret");
        // librdkafka refuses these at creation when it was built without TLS.
        Producer::new(&settings, registry()).expect("TLS and SCRAM are built in");
    }

    #[test]
    fn an_unknown_setting_is_refused_when_the_producer_is_made() {
        let mut settings = ProducerSettings::new("127.0.0.1:1");
        settings.kafka = settings.kafka.set("no.such.setting", "1");
        let error = Producer::new(&settings, registry()).expect_err("refused");
        assert!(error.to_string().contains("no.such.setting"), "{error}");
    }
}
