//! Reads topic state from a broker and applies [`TopicPlan`]s, over rdkafka's admin client.

use super::plan::{TopicAction, TopicPlan, TopicSpec, TopicState};
use rdkafka::ClientConfig;
use rdkafka::admin::{
    AdminClient, AdminOptions, AlterConfig, ConfigSource, NewPartitions, NewTopic, ResourceSpecifier, TopicReplication,
    TopicResult,
};
use rdkafka::client::DefaultClientContext;
use rdkafka::error::{KafkaError, KafkaResult, RDKafkaErrorCode};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// A step of reading or changing a topic, named in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Reading its configs.
    DescribeConfigs,
    /// Reading the cluster's partitions and replicas.
    Metadata,
    /// Creating it.
    Create,
    /// Adding partitions.
    AddPartitions,
    /// Replacing its config overrides.
    AlterConfigs,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Step::DescribeConfigs => "reading the configs of",
            Step::Metadata => "reading the partitions of",
            Step::Create => "creating",
            Step::AddPartitions => "adding partitions to",
            Step::AlterConfigs => "altering the configs of",
        })
    }
}

/// Why a topic could not be read or changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TopicAdminError {
    /// The client could not be created (a bad setting).
    // Kafka's error is part of the message rather than a `source`: its own chain repeats
    // the same words, which error reporters would print twice.
    #[error("cannot create a Kafka admin client: {0}")]
    Client(KafkaError),
    /// The broker refused or did not answer a step.
    #[error("{step} topic `{topic}`: {cause}")]
    Topic {
        /// What was being done.
        step: Step,
        /// The topic.
        topic: String,
        /// Kafka's error.
        cause: KafkaError,
    },
    /// The plan was refused and cannot be applied.
    #[error("topic `{topic}` cannot be brought to its spec: {}", reasons.join("; "))]
    Refused {
        /// The topic.
        topic: String,
        /// Why, and what to do instead.
        reasons: Vec<String>,
    },
}

/// A Kafka admin client for topics.
#[derive(Clone)]
pub struct TopicAdmin {
    // Shared so the blocking metadata call can run on tokio's blocking pool.
    client: Arc<AdminClient<DefaultClientContext>>,
    timeout: Duration,
}

impl fmt::Debug for TopicAdmin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TopicAdmin")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl TopicAdmin {
    /// An admin client for the brokers at `bootstrap_servers`, with default settings.
    pub fn connect(bootstrap_servers: &str) -> Result<TopicAdmin, TopicAdminError> {
        TopicAdmin::from_config(ClientConfig::new().set("bootstrap.servers", bootstrap_servers))
    }

    /// An admin client from librdkafka settings (SASL, SSL, ... pass through as they are).
    pub fn from_config(config: &ClientConfig) -> Result<TopicAdmin, TopicAdminError> {
        let client = config.create().map_err(TopicAdminError::Client)?;
        Ok(TopicAdmin {
            client: Arc::new(client),
            timeout: Duration::from_secs(30),
        })
    }

    /// How long each request may take (default 30 s).
    pub fn with_timeout(mut self, timeout: Duration) -> TopicAdmin {
        self.timeout = timeout;
        self
    }

    fn options(&self) -> AdminOptions {
        AdminOptions::new()
            .request_timeout(Some(self.timeout))
            .operation_timeout(Some(self.timeout))
    }

    /// The broker's state of `topic`, or `None` when it does not exist.
    pub async fn state(&self, topic: &str) -> Result<Option<TopicState>, TopicAdminError> {
        let shapes = self.shapes(topic).await?;
        self.state_with(topic, &shapes).await
    }

    /// The plan of every spec against the broker's current state, in the given order.
    pub async fn plan(&self, specs: Vec<TopicSpec>) -> Result<Vec<TopicPlan>, TopicAdminError> {
        let Some(first) = specs.first() else {
            return Ok(Vec::new());
        };
        let shapes = self.shapes(&first.name).await?;
        let mut plans = Vec::with_capacity(specs.len());
        for spec in specs {
            let state = self.state_with(&spec.name, &shapes).await?;
            plans.push(TopicPlan::new(spec, state.as_ref()));
        }
        Ok(plans)
    }

    /// Partition and replica counts of every topic of the cluster. The metadata of all
    /// topics is asked for, never of named ones: a broker with
    /// `auto.create.topics.enable` creates a topic that a metadata request names, and a
    /// plan must not create what it was only meant to look at. (`topic` names errors.)
    async fn shapes(&self, topic: &str) -> Result<HashMap<String, (usize, usize)>, TopicAdminError> {
        let failed = |cause| TopicAdminError::Topic {
            step: Step::Metadata,
            topic: topic.to_owned(),
            cause,
        };
        let client = Arc::clone(&self.client);
        let timeout = self.timeout;
        // librdkafka's metadata call blocks; keep it off the async workers.
        tokio::task::spawn_blocking(move || {
            let metadata = client.inner().fetch_metadata(None, timeout)?;
            Ok(metadata
                .topics()
                .iter()
                .filter(|t| t.error().is_none())
                .map(|t| {
                    let replicas = t.partitions().first().map_or(0, |p| p.replicas().len());
                    (t.name().to_owned(), (t.partitions().len(), replicas))
                })
                .collect())
        })
        .await
        .map_err(|e| failed(KafkaError::AdminOpCreation(e.to_string())))?
        .map_err(failed)
    }

    /// The state of `topic` given the cluster's `shapes`.
    async fn state_with(
        &self,
        topic: &str,
        shapes: &HashMap<String, (usize, usize)>,
    ) -> Result<Option<TopicState>, TopicAdminError> {
        let Some(&(partitions, replicas)) = shapes.get(topic) else {
            return Ok(None);
        };
        let failed = |cause| TopicAdminError::Topic {
            step: Step::DescribeConfigs,
            topic: topic.to_owned(),
            cause,
        };
        let described = self
            .client
            .describe_configs(&[ResourceSpecifier::Topic(topic)], &self.options())
            .await
            .map_err(failed)?;
        let resource = match described.into_iter().next() {
            Some(Ok(resource)) => resource,
            // Deleted since the metadata was read.
            Some(Err(RDKafkaErrorCode::UnknownTopicOrPartition)) => return Ok(None),
            Some(Err(code)) => return Err(failed(KafkaError::AdminOp(code))),
            None => return Err(failed(KafkaError::AdminOpCreation("no result".into()))),
        };
        let mut state = TopicState {
            partitions: i32::try_from(partitions).unwrap_or(i32::MAX),
            replication_factor: i32::try_from(replicas).unwrap_or(i32::MAX),
            ..TopicState::default()
        };
        for entry in resource.entries {
            if entry.source == ConfigSource::DynamicTopic {
                state.overrides.push(entry.name.clone());
            }
            state.configs.insert(entry.name, entry.value);
        }
        Ok(Some(state))
    }

    /// Carries out one plan (nothing for an unchanged topic; an error for a refused one).
    pub async fn apply(&self, plan: &TopicPlan) -> Result<(), TopicAdminError> {
        let spec = &plan.spec;
        let failed = |step, cause| TopicAdminError::Topic {
            step,
            topic: spec.name.clone(),
            cause,
        };
        match &plan.action {
            TopicAction::Unchanged => Ok(()),
            TopicAction::Refused { reasons } => Err(TopicAdminError::Refused {
                topic: spec.name.clone(),
                reasons: reasons.clone(),
            }),
            TopicAction::Create => {
                let topic = spec.configs.iter().fold(
                    NewTopic::new(
                        &spec.name,
                        spec.partitions,
                        TopicReplication::Fixed(spec.replication_factor),
                    ),
                    |topic, (key, value)| topic.set(key, value),
                );
                let results = self.client.create_topics(&[topic], &self.options()).await;
                first_outcome(results).map_err(|e| failed(Step::Create, e))
            }
            TopicAction::Alter {
                partitions,
                full_set,
                configs,
            } => {
                if let Some((_, to)) = partitions {
                    let count = usize::try_from(*to).unwrap_or_default();
                    let results = self
                        .client
                        .create_partitions(&[NewPartitions::new(&spec.name, count)], &self.options())
                        .await;
                    first_outcome(results).map_err(|e| failed(Step::AddPartitions, e))?;
                }
                if !configs.is_empty() {
                    let alter = full_set.iter().fold(
                        AlterConfig::new(ResourceSpecifier::Topic(&spec.name)),
                        |alter, (key, value)| alter.set(key, value),
                    );
                    let results = self.client.alter_configs(&[alter], &self.options()).await;
                    match results.map(|r| r.into_iter().next()) {
                        Ok(Some(Ok(_))) => {}
                        Ok(Some(Err((_, code)))) => return Err(failed(Step::AlterConfigs, KafkaError::AdminOp(code))),
                        Ok(None) => {
                            return Err(failed(
                                Step::AlterConfigs,
                                KafkaError::AdminOpCreation("no result".into()),
                            ));
                        }
                        Err(e) => return Err(failed(Step::AlterConfigs, e)),
                    }
                }
                Ok(())
            }
        }
    }
}

/// The outcome of a single-topic create call: the request's error or the topic's.
fn first_outcome(results: KafkaResult<Vec<TopicResult>>) -> Result<(), KafkaError> {
    match results?.into_iter().next() {
        Some(Ok(_)) => Ok(()),
        Some(Err((_, code))) => Err(KafkaError::AdminOp(code)),
        None => Err(KafkaError::AdminOpCreation("no result".into())),
    }
}
