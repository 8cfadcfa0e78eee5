//! What a pipeline monitor polls: whether the brokers answer and how fast, the latest
//! offsets of a topic's partitions, and how far a consumer group lags behind them.

use super::settings::KafkaSettings;
use rdkafka::client::ClientContext;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::consumer::{BaseConsumer, Consumer as _, ConsumerContext};
use rdkafka::error::KafkaError;
use rdkafka::{Offset, TopicPartitionList};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Why the brokers did not answer: the request's error and the first error librdkafka
/// reported while trying (a failed SASL login, a certificate it does not trust, a
/// plaintext client at a TLS listener), which the request's own error does not say.
#[derive(Debug)]
pub struct Unreachable {
    /// The metadata request's error (often just `BrokerTransportFailure`).
    pub error: KafkaError,
    /// librdkafka's first reported error or failure log line, if any.
    pub reason: Option<String>,
}

impl std::fmt::Display for Unreachable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.reason {
            Some(reason) => write!(f, "{}: {reason}", self.error),
            None => write!(f, "{}", self.error),
        }
    }
}

impl std::error::Error for Unreachable {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// The monitor's client context: keeps librdkafka's first error (from its error callback
/// or an error-level log line) so a failed request can say why. The first, because the
/// cause comes first and "all brokers are down" follows it.
#[derive(Default)]
struct LastError(Mutex<Option<String>>);

impl LastError {
    fn keep(&self, reason: &str) {
        if let Ok(mut first) = self.0.lock()
            && first.is_none()
            && !reason.contains("brokers are down")
        {
            *first = Some(reason.trim().to_owned());
        }
    }

    fn take(&self) -> Option<String> {
        self.0.lock().ok().and_then(|mut last| last.take())
    }
}

impl ClientContext for LastError {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, log_message: &str) {
        use RDKafkaLogLevel::{Alert, Critical, Emerg, Error};
        if matches!(level, Emerg | Alert | Critical | Error) || fac == "FAIL" {
            self.keep(log_message);
        }
    }

    fn error(&self, error: KafkaError, reason: &str) {
        self.keep(&format!("{error}: {reason}"));
    }
}

impl ConsumerContext for LastError {}

/// The brokers as a metadata request saw them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerHealth {
    /// `id host:port` of every broker.
    pub brokers: Vec<String>,
    /// Topics in the cluster.
    pub topics: usize,
    /// How long the metadata request took.
    pub latency: Duration,
}

/// A partition's offsets, and a group's position in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartitionOffsets {
    /// The partition.
    pub partition: i32,
    /// The oldest offset still kept.
    pub low: i64,
    /// The offset the next record gets (records in the partition: `high - low`).
    pub high: i64,
    /// The group's committed offset (the next record it reads), if it has one.
    pub committed: Option<i64>,
}

impl PartitionOffsets {
    /// Records the group has yet to read: from its committed offset (or, without one,
    /// from the oldest kept record) to the end.
    pub fn lag(&self) -> i64 {
        (self.high - self.committed.unwrap_or(self.low).max(self.low)).max(0)
    }
}

/// A topic's partitions with a group's positions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicLag {
    /// The topic.
    pub topic: String,
    /// Its partitions, in order.
    pub partitions: Vec<PartitionOffsets>,
}

impl TopicLag {
    /// The lag summed over the partitions.
    pub fn total(&self) -> i64 {
        self.partitions.iter().map(PartitionOffsets::lag).sum()
    }

    /// The latest offsets summed over the partitions (how many records were ever
    /// written to the topic, those retention has deleted included).
    pub fn latest(&self) -> i64 {
        self.partitions.iter().map(|p| p.high).sum()
    }
}

/// A read-only view of a cluster and its consumer groups. It never joins a group: the
/// committed offsets are fetched, not consumed.
///
/// Its calls block (librdkafka's metadata and offset requests do); async code runs them
/// through [`Monitor::spawn_blocking`].
#[derive(Clone)]
pub struct Monitor {
    settings: KafkaSettings,
    timeout: Duration,
}

impl std::fmt::Debug for Monitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Monitor")
            .field("bootstrap_servers", &self.settings.bootstrap_servers)
            .finish()
    }
}

impl Monitor {
    /// A monitor of the cluster `settings` points at; each request may take `timeout`.
    pub fn new(settings: KafkaSettings, timeout: Duration) -> Monitor {
        Monitor { settings, timeout }
    }

    /// Runs `call`, one or more of the blocking calls, on tokio's blocking pool, so async
    /// code can poll the cluster without stalling its runtime:
    ///
    /// ```no_run
    /// # async fn f(monitor: &avrokit::kafka::Monitor) -> Result<(), avrokit::kafka::rdkafka::error::KafkaError> {
    /// let group = String::from("telescope-sink");
    /// let lags = monitor.spawn_blocking(move |m| m.lag(&group, &[])).await?;
    /// # Ok(()) }
    /// ```
    pub async fn spawn_blocking<R: Send + 'static>(
        &self,
        call: impl FnOnce(&Monitor) -> Result<R, KafkaError> + Send + 'static,
    ) -> Result<R, KafkaError> {
        let monitor = self.clone();
        match tokio::task::spawn_blocking(move || call(&monitor)).await {
            Ok(result) => result,
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            // Only a runtime shutting down cancels a blocking task.
            Err(_) => Err(KafkaError::Canceled),
        }
    }

    fn client(&self, group: &str) -> Result<BaseConsumer<LastError>, KafkaError> {
        let mut config = self
            .settings
            .client_config(&[("group.id", group.to_owned()), ("enable.auto.commit", "false".into())]);
        // A connection closed at once (a plaintext client at a TLS listener) is logged at
        // the info level only.
        config.set_log_level(RDKafkaLogLevel::Info);
        config.create_with_context(LastError::default())
    }

    /// Whether the brokers answer a metadata request, and how fast (blocks).
    pub fn health(&self) -> Result<BrokerHealth, KafkaError> {
        self.reach().map_err(|unreachable| unreachable.error)
    }

    /// [`health`](Monitor::health), with librdkafka's reason when the brokers do not
    /// answer (blocks).
    pub fn reach(&self) -> Result<BrokerHealth, Unreachable> {
        let unreachable = |error| Unreachable { error, reason: None };
        let client = self.client("avrokit-monitor").map_err(unreachable)?;
        let started = Instant::now();
        let metadata = match client.fetch_metadata(None, self.timeout) {
            Ok(metadata) => metadata,
            Err(error) => {
                // Error events and log lines wait in the client's queue until it is
                // polled (a zero-timeout poll returns before serving them): 200 ms at most.
                for _ in 0..20 {
                    let _ = client.poll(Duration::from_millis(10));
                }
                let reason = client.context().take();
                return Err(Unreachable { error, reason });
            }
        };
        Ok(BrokerHealth {
            brokers: metadata
                .brokers()
                .iter()
                .map(|b| format!("{} {}:{}", b.id(), b.host(), b.port()))
                .collect(),
            topics: metadata.topics().len(),
            latency: started.elapsed(),
        })
    }

    /// The consumer groups the cluster knows (blocks).
    pub fn groups(&self) -> Result<Vec<String>, KafkaError> {
        let client = self.client("avrokit-monitor")?;
        let groups = client.fetch_group_list(None, self.timeout)?;
        let mut names: Vec<String> = groups.groups().iter().map(|g| g.name().to_owned()).collect();
        names.sort();
        Ok(names)
    }

    /// `group`'s lag on every topic where it has committed offsets, or on `topics` when
    /// given (then also where it has none yet); blocks.
    pub fn lag(&self, group: &str, topics: &[&str]) -> Result<Vec<TopicLag>, KafkaError> {
        let client = self.client(group)?;
        // All topics' metadata, never named ones: naming a topic could create it.
        let metadata = client.fetch_metadata(None, self.timeout)?;
        let mut wanted = TopicPartitionList::new();
        for topic in metadata.topics().iter().filter(|t| !t.name().starts_with("__")) {
            if topics.is_empty() || topics.contains(&topic.name()) {
                for partition in topic.partitions() {
                    wanted.add_partition(topic.name(), partition.id());
                }
            }
        }
        let committed = client.committed_offsets(wanted, self.timeout)?;
        let mut lags: Vec<TopicLag> = Vec::new();
        for element in committed.elements() {
            let offset = match element.offset() {
                Offset::Offset(offset) => Some(offset),
                _ => None,
            };
            if offset.is_none() && topics.is_empty() {
                continue;
            }
            let (low, high) = client.fetch_watermarks(element.topic(), element.partition(), self.timeout)?;
            let partition = PartitionOffsets {
                partition: element.partition(),
                low,
                high,
                committed: offset,
            };
            match lags.iter_mut().find(|l| l.topic == element.topic()) {
                Some(lag) => lag.partitions.push(partition),
                None => lags.push(TopicLag {
                    topic: element.topic().to_owned(),
                    partitions: vec![partition],
                }),
            }
        }
        lags.sort_by(|a, b| a.topic.cmp(&b.topic));
        for lag in &mut lags {
            lag.partitions.sort_by_key(|p| p.partition);
        }
        Ok(lags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lag_counts_from_the_committed_offset_or_the_oldest_kept_record() {
        let at = |committed| PartitionOffsets {
            partition: 0,
            low: 10,
            high: 50,
            committed,
        };
        assert_eq!(at(Some(40)).lag(), 10);
        assert_eq!(at(None).lag(), 40, "nothing committed: everything kept is to read");
        assert_eq!(at(Some(3)).lag(), 40, "records before `low` are gone, not to read");
        assert_eq!(at(Some(50)).lag(), 0);
        let topic = TopicLag {
            topic: "t".into(),
            partitions: vec![at(Some(40)), at(Some(45))],
        };
        assert_eq!((topic.total(), topic.latest()), (15, 100));
    }
}
