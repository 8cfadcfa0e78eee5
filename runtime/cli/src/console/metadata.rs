//! The one question both console commands ask the brokers first: does the topic exist,
//! and with how many partitions. Asked for every topic (not the one) because a metadata
//! request naming a topic may create it on brokers with `auto.create.topics.enable`.

use anyhow::bail;
use avrokit::kafka::rdkafka::ClientContext;
use avrokit::kafka::rdkafka::client::Client;
use std::time::Duration;

/// How long the brokers have to answer before they count as unreachable.
const METADATA_TIMEOUT: Duration = Duration::from_secs(15);

/// The partition count of `topic`, or an error that says the brokers at `brokers` are
/// unreachable or lists the topics they do have.
pub fn partitions<C: ClientContext>(client: &Client<C>, topic: &str, brokers: &str) -> anyhow::Result<usize> {
    let metadata = client
        .fetch_metadata(None, METADATA_TIMEOUT)
        .map_err(|err| anyhow::anyhow!("cannot reach Kafka at {brokers}: {err}"))?;
    if let Some(found) = metadata.topics().iter().find(|t| t.name() == topic) {
        if let Some(err) = found.error() {
            bail!(
                "topic `{topic}` on {brokers}: {}",
                avrokit::kafka::rdkafka::error::RDKafkaErrorCode::from(err)
            );
        }
        return Ok(found.partitions().len());
    }
    let names: Vec<&str> = metadata
        .topics()
        .iter()
        .map(|t| t.name())
        .filter(|name| !name.starts_with("__"))
        .collect();
    let hint = avrokit_codegen::diagnostic::did_you_mean(topic, names.iter().copied(), || {
        if names.is_empty() {
            "the cluster has no topics yet: create them with `avrokit topics apply`".to_owned()
        } else {
            format!("the topics are: {}", names.join(", "))
        }
    });
    bail!("no topic `{topic}` on {brokers}: {hint}")
}
