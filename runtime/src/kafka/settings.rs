//! Client settings: defaults for no loss and no duplicates from the producer
//! (`acks=all`, idempotence, retries until the delivery timeout) and at-least-once from
//! the consumer (offsets committed after the handler), every one overridable, and any
//! librdkafka setting (SASL, SSL, ...) passed through as it is.

use crate::registry_client::{IdSource, Normalize, SubjectNameStrategy};
use rdkafka::ClientConfig;
use std::collections::BTreeMap;
use std::time::Duration;

/// Settings every client shares: the brokers and librdkafka settings to pass through.
/// Built by [`KafkaSettings::new`] and [`set`](KafkaSettings::set). `Debug` shows the
/// value of no secret setting ([`is_secret_setting`]).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct KafkaSettings {
    /// `bootstrap.servers`.
    pub bootstrap_servers: String,
    /// Any librdkafka setting, applied last so it wins over the defaults
    /// (`security.protocol`, `sasl.mechanisms`, `ssl.ca.location`, `linger.ms`, ...).
    pub overrides: BTreeMap<String, String>,
}

/// Whether the librdkafka setting `key` holds a secret (`sasl.password`,
/// `ssl.key.password`, `sasl.oauthbearer.client.secret`, `ssl.key.pem`,
/// `sasl.jaas.config`, ...): `Debug` output shows its key, never its value.
pub fn is_secret_setting(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    ["password", "secret", "jaas", "key.pem", "token"]
        .iter()
        .any(|part| key.contains(part))
}

impl std::fmt::Debug for KafkaSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let overrides: BTreeMap<&str, &str> = self
            .overrides
            .iter()
            .map(|(key, value)| {
                let shown = if is_secret_setting(key) {
                    "<redacted>"
                } else {
                    value.as_str()
                };
                (key.as_str(), shown)
            })
            .collect();
        f.debug_struct("KafkaSettings")
            .field("bootstrap_servers", &self.bootstrap_servers)
            .field("overrides", &overrides)
            .finish()
    }
}

impl KafkaSettings {
    /// Settings for the brokers at `bootstrap_servers`.
    pub fn new(bootstrap_servers: impl Into<String>) -> KafkaSettings {
        KafkaSettings {
            bootstrap_servers: bootstrap_servers.into(),
            overrides: BTreeMap::new(),
        }
    }

    /// Sets any librdkafka setting (it wins over avrokit's defaults).
    pub fn set(mut self, key: impl Into<String>, value: impl Into<String>) -> KafkaSettings {
        self.overrides.insert(key.into(), value.into());
        self
    }

    /// `defaults` (as `(key, value)` pairs), then the brokers, then the overrides.
    pub(crate) fn client_config(&self, defaults: &[(&str, String)]) -> ClientConfig {
        let mut config = ClientConfig::new();
        for (key, value) in defaults {
            config.set(*key, value);
        }
        config.set("bootstrap.servers", &self.bootstrap_servers);
        for (key, value) in &self.overrides {
            config.set(key, value);
        }
        config
    }
}

/// A producer's settings. The defaults: `acks=all`, idempotence on (so
/// retries never duplicate or reorder), retries until the delivery timeout, a short
/// linger for batching, and compression. Built by [`ProducerSettings::new`] and the
/// `with_*` methods:
///
/// ```
/// # use avrokit::kafka::ProducerSettings;
/// use avrokit::registry_client::IdSource;
/// use std::time::Duration;
/// let settings = ProducerSettings::new("127.0.0.1:9092")
///     .with_linger(Duration::from_millis(20))
///     .with_schema_ids(IdSource::LookupOnly)
///     .set("security.protocol", "SASL_SSL");
/// assert_eq!(settings.kafka.overrides["security.protocol"], "SASL_SSL");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProducerSettings {
    /// Brokers and pass-through settings.
    pub kafka: KafkaSettings,
    /// `linger.ms`: how long to wait for a batch to fill.
    pub linger: Duration,
    /// `compression.type`: `none`, `gzip`, `snappy`, `lz4` or `zstd`.
    pub compression: String,
    /// `delivery.timeout.ms`: how long a record may take, retries included, before its
    /// delivery fails.
    pub delivery_timeout: Duration,
    /// How long `send` waits for room when the local queue is full before it fails
    /// (backpressure instead of dropping records).
    pub queue_timeout: Duration,
    /// Where the serializers get their schema ids: registering on first use by default.
    /// [`IdSource::Fixed`] names one schema, so it belongs to one type's serializer
    /// ([`Producer::with_serializer`](super::Producer::with_serializer)), not here.
    pub schema_ids: IdSource,
    /// The subjects of keys (`<topic>-key` by default).
    pub key_subjects: SubjectNameStrategy,
    /// The subjects of values (`<topic>-value` by default).
    pub value_subjects: SubjectNameStrategy,
    /// Whether the registry normalises schemas on registration and lookup.
    pub normalize: Normalize,
}

impl ProducerSettings {
    /// The defaults, for the brokers at `bootstrap_servers`.
    pub fn new(bootstrap_servers: impl Into<String>) -> ProducerSettings {
        ProducerSettings {
            kafka: KafkaSettings::new(bootstrap_servers),
            linger: Duration::from_millis(5),
            compression: "lz4".into(),
            delivery_timeout: Duration::from_secs(120),
            queue_timeout: Duration::from_secs(30),
            schema_ids: IdSource::AutoRegister,
            key_subjects: SubjectNameStrategy::TopicName,
            value_subjects: SubjectNameStrategy::TopicName,
            normalize: Normalize::AsSent,
        }
    }

    /// With `kafka` as the brokers and pass-through settings.
    pub fn with_kafka(mut self, kafka: KafkaSettings) -> Self {
        self.kafka = kafka;
        self
    }

    /// Sets any librdkafka setting ([`KafkaSettings::set`]): it wins over the defaults.
    pub fn set(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.kafka = self.kafka.set(key, value);
        self
    }

    /// With `linger` as `linger.ms`.
    pub fn with_linger(mut self, linger: Duration) -> Self {
        self.linger = linger;
        self
    }

    /// With `compression` as `compression.type` (`none`, `gzip`, `snappy`, `lz4` or `zstd`).
    pub fn with_compression(mut self, compression: impl Into<String>) -> Self {
        self.compression = compression.into();
        self
    }

    /// With `delivery_timeout` as `delivery.timeout.ms`.
    pub fn with_delivery_timeout(mut self, delivery_timeout: Duration) -> Self {
        self.delivery_timeout = delivery_timeout;
        self
    }

    /// With `queue_timeout` as the longest wait for room in a full local queue.
    pub fn with_queue_timeout(mut self, queue_timeout: Duration) -> Self {
        self.queue_timeout = queue_timeout;
        self
    }

    /// With `schema_ids` as where the serializers get their schema ids.
    pub fn with_schema_ids(mut self, schema_ids: IdSource) -> Self {
        self.schema_ids = schema_ids;
        self
    }

    /// With `key_subjects` naming the subjects of keys.
    pub fn with_key_subjects(mut self, key_subjects: SubjectNameStrategy) -> Self {
        self.key_subjects = key_subjects;
        self
    }

    /// With `value_subjects` naming the subjects of values.
    pub fn with_value_subjects(mut self, value_subjects: SubjectNameStrategy) -> Self {
        self.value_subjects = value_subjects;
        self
    }

    /// With `normalize` for registrations and lookups.
    pub fn with_normalize(mut self, normalize: Normalize) -> Self {
        self.normalize = normalize;
        self
    }

    /// The librdkafka configuration.
    pub fn client_config(&self) -> ClientConfig {
        self.kafka.client_config(&[
            ("acks", "all".into()),
            // librdkafka's default is off; idempotence also bounds in-flight requests so
            // that retries keep the order.
            ("enable.idempotence", "true".into()),
            ("retries", i32::MAX.to_string()),
            ("linger.ms", self.linger.as_millis().to_string()),
            ("compression.type", self.compression.clone()),
            ("delivery.timeout.ms", self.delivery_timeout.as_millis().to_string()),
        ])
    }
}

/// When a consumer commits its offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum OffsetCommit {
    /// After each handled batch, by hand: at-least-once (the default).
    #[default]
    AfterHandler,
    /// Stored after each handled batch and committed by librdkafka in the background
    /// (`enable.auto.commit`, every `auto.commit.interval.ms`): still at-least-once, as
    /// only handled records' offsets are stored, but a crash replays up to an interval's
    /// records rather than one batch. For idempotent handlers, such as the PostgreSQL
    /// sink's upserts, where a round trip to the broker per batch buys nothing.
    Background,
}

/// A consumer's settings: manual commits after the handler (at-least-once), batches of
/// up to `max_batch` records or `max_wait`, bounded retries of a failing handler, and a
/// dead-letter topic for what cannot be processed. Built by [`ConsumerSettings::new`]
/// and the `with_*` methods:
///
/// ```
/// # use avrokit::kafka::ConsumerSettings;
/// use std::time::Duration;
/// let settings = ConsumerSettings::new("127.0.0.1:9092", "billing", ["orders"])
///     .with_max_batch(500)
///     .with_max_wait(Duration::from_secs(1))
///     .set("session.timeout.ms", "10000");
/// assert_eq!(settings.max_batch, 500);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConsumerSettings {
    /// Brokers and pass-through settings.
    pub kafka: KafkaSettings,
    /// `group.id`.
    pub group_id: String,
    /// The topics to subscribe to.
    pub topics: Vec<String>,
    /// Most records handed to a batch handler at once (default 100).
    pub max_batch: usize,
    /// Longest wait for a batch to fill before it is handled as it is.
    pub max_wait: Duration,
    /// Attempts of a handler that fails with a retriable error, the first included.
    pub attempts: u32,
    /// Wait before the second attempt; doubled for each further one.
    pub backoff: Duration,
    /// When offsets are committed: after each handled batch (the default), or in the
    /// background.
    pub commit: OffsetCommit,
    /// Whether each batch is decoded into the records of the batch before last (default
    /// true): strings, byte buffers, arrays and nested records keep their allocations, as
    /// [`AvroMessage::decode_in_place`](crate::AvroMessage::decode_in_place) does. Off,
    /// every record's value is decoded afresh; handlers see the same values either way.
    pub reuse_values: bool,
}

impl ConsumerSettings {
    /// The defaults, for group `group_id` reading `topics` from `bootstrap_servers`.
    pub fn new(
        bootstrap_servers: impl Into<String>,
        group_id: impl Into<String>,
        topics: impl IntoIterator<Item = impl Into<String>>,
    ) -> ConsumerSettings {
        ConsumerSettings {
            kafka: KafkaSettings::new(bootstrap_servers),
            group_id: group_id.into(),
            topics: topics.into_iter().map(Into::into).collect(),
            max_batch: 100,
            max_wait: Duration::from_millis(500),
            attempts: 3,
            backoff: Duration::from_millis(200),
            commit: OffsetCommit::AfterHandler,
            reuse_values: true,
        }
    }

    /// With `kafka` as the brokers and pass-through settings.
    pub fn with_kafka(mut self, kafka: KafkaSettings) -> Self {
        self.kafka = kafka;
        self
    }

    /// Sets any librdkafka setting ([`KafkaSettings::set`]): it wins over the defaults.
    pub fn set(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.kafka = self.kafka.set(key, value);
        self
    }

    /// With at most `max_batch` records per batch.
    pub fn with_max_batch(mut self, max_batch: usize) -> Self {
        self.max_batch = max_batch;
        self
    }

    /// With `max_wait` as the longest wait for a batch to fill.
    pub fn with_max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    /// With `attempts` attempts of a handler that fails with a retriable error.
    pub fn with_attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts;
        self
    }

    /// With `backoff` as the wait before the second attempt.
    pub fn with_backoff(mut self, backoff: Duration) -> Self {
        self.backoff = backoff;
        self
    }

    /// Committing offsets as `commit` says.
    pub fn with_commit(mut self, commit: OffsetCommit) -> Self {
        self.commit = commit;
        self
    }

    /// Decoding into the previous batch's records (`true`, the default) or afresh.
    pub fn with_reuse_values(mut self, reuse_values: bool) -> Self {
        self.reuse_values = reuse_values;
        self
    }

    /// The librdkafka configuration.
    pub fn client_config(&self) -> ClientConfig {
        self.kafka.client_config(&[
            ("group.id", self.group_id.clone()),
            (
                "enable.auto.commit",
                (self.commit == OffsetCommit::Background).to_string(),
            ),
            // Offsets are stored only for records the handler finished.
            ("enable.auto.offset.store", "false".into()),
            ("auto.offset.reset", "earliest".into()),
            ("enable.partition.eof", "false".into()),
            // librdkafka stops fetching for this long once its queue is full (default
            // 1 s): a consumer catching up (a sink after a pause) drained the full queue
            // in well under that and then sat idle, a quarter of a catch-up's time.
            ("fetch.queue.backoff.ms", "20".into()),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(config: &ClientConfig, key: &str) -> Option<String> {
        config.get(key).map(str::to_owned)
    }

    #[test]
    fn debug_shows_secret_keys_but_not_their_values() {
        let settings = ProducerSettings::new("k:9093")
            .set("security.protocol", "SASL_SSL")
            .set("sasl.username", "avrokit")
            .set("sasl.password", "pw-one-secret")
            .set("ssl.key.password", "pw-two-secret")
            .set("sasl.oauthbearer.client.secret", "pw-three-secret");
        let shown = format!("{settings:?} {:?}", settings.kafka);
        assert!(!shown.contains("-secret"), "{shown}");
        assert!(shown.contains("sasl.password") && shown.contains("SASL_SSL") && shown.contains("avrokit"));
        assert!(!is_secret_setting("ssl.ca.location") && is_secret_setting("SASL.PASSWORD"));
    }

    #[test]
    fn producer_defaults_are_the_seeds_and_overrides_win() {
        let settings = ProducerSettings::new("k:9092");
        let config = settings.client_config();
        assert_eq!(get(&config, "acks").as_deref(), Some("all"));
        assert_eq!(get(&config, "enable.idempotence").as_deref(), Some("true"));
        assert_eq!(get(&config, "linger.ms").as_deref(), Some("5"));
        assert_eq!(get(&config, "bootstrap.servers").as_deref(), Some("k:9092"));
        let mut settings = settings;
        settings.kafka = settings
            .kafka
            .set("linger.ms", "50")
            .set("security.protocol", "SASL_SSL");
        let config = settings.client_config();
        assert_eq!(get(&config, "linger.ms").as_deref(), Some("50"));
        assert_eq!(get(&config, "security.protocol").as_deref(), Some("SASL_SSL"));
    }

    #[test]
    fn consumers_commit_by_hand_unless_asked() {
        let settings = ConsumerSettings::new("k:9092", "g", ["a", "b"]);
        let config = settings.client_config();
        assert_eq!(get(&config, "enable.auto.commit").as_deref(), Some("false"));
        assert_eq!(get(&config, "enable.auto.offset.store").as_deref(), Some("false"));
        assert_eq!(get(&config, "group.id").as_deref(), Some("g"));
        assert_eq!(settings.topics, ["a", "b"]);
    }
}
