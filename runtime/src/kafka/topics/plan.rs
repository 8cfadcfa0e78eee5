//! The difference between a topic as specified and as the broker has it.

use crate::AvroMessage;
use crate::topic::{Topic, TopicConfig, TopicKey};
use std::collections::BTreeMap;
use std::fmt;

/// What a topic should look like: [`TopicSpec::new`] and the `with_*` methods, or a
/// catalog environment's settings ([`TopicSpec::for_topic`]).
///
/// ```
/// # use avrokit::kafka::topics::TopicSpec;
/// let spec = TopicSpec::new("orders.dlq")
///     .with_partitions(3)
///     .with_replication_factor(3)
///     .with_configs([("retention.ms", "604800000")]);
/// assert_eq!(spec.configs["retention.ms"], "604800000");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TopicSpec {
    /// The topic name.
    pub name: String,
    /// Number of partitions.
    pub partitions: i32,
    /// Replication factor.
    pub replication_factor: i32,
    /// Topic-level configs (`retention.ms`, `cleanup.policy`, ...), as Kafka spells them.
    pub configs: BTreeMap<String, String>,
}

impl TopicSpec {
    /// Topic `name`: one partition, one replica, no topic-level configs until the
    /// `with_*` methods say otherwise.
    pub fn new(name: impl Into<String>) -> TopicSpec {
        TopicSpec {
            name: name.into(),
            partitions: 1,
            replication_factor: 1,
            configs: BTreeMap::new(),
        }
    }

    /// This spec for topic `name` (the same partitions, replicas and configs).
    pub fn with_name(mut self, name: impl Into<String>) -> TopicSpec {
        self.name = name.into();
        self
    }

    /// With `partitions` partitions.
    pub fn with_partitions(mut self, partitions: i32) -> TopicSpec {
        self.partitions = partitions;
        self
    }

    /// With `replication_factor` replicas of each partition.
    pub fn with_replication_factor(mut self, replication_factor: i32) -> TopicSpec {
        self.replication_factor = replication_factor;
        self
    }

    /// With the topic-level `configs` (in place of any given before), as Kafka spells
    /// them.
    pub fn with_configs(
        mut self,
        configs: impl IntoIterator<Item = (impl Into<String>, impl Into<String>)>,
    ) -> TopicSpec {
        self.configs = configs.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        self
    }

    /// Topic `name` with the settings of one catalog environment (a generated
    /// descriptor's [`Topic::config`]). A partition count beyond `i32` becomes `i32::MAX`,
    /// which the broker refuses.
    pub fn from_config(name: impl Into<String>, config: &TopicConfig) -> TopicSpec {
        TopicSpec {
            name: name.into(),
            partitions: i32::try_from(config.partitions).unwrap_or(i32::MAX),
            replication_factor: i32::from(config.replication_factor),
            configs: config
                .configs
                .iter()
                .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
                .collect(),
        }
    }

    /// `topic` as the catalog specifies it in `environment`; `None` when the catalog has no
    /// such environment.
    pub fn for_topic<K: TopicKey + ?Sized, V: AvroMessage>(
        topic: &Topic<K, V>,
        environment: &str,
    ) -> Option<TopicSpec> {
        topic
            .config(environment)
            .map(|config| Self::from_config(topic.name, config))
    }
}

/// What the broker has for a topic.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TopicState {
    /// Number of partitions.
    pub partitions: i32,
    /// Replication factor (of the first partition; Kafka keeps them equal unless a
    /// reassignment is under way).
    pub replication_factor: i32,
    /// Every config's effective value (`None` when the broker hides a sensitive one).
    pub configs: BTreeMap<String, Option<String>>,
    /// The configs set on the topic itself rather than inherited from the broker.
    pub overrides: Vec<String>,
}

/// One config whose effective value changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigChange {
    /// The config key.
    pub key: String,
    /// Its effective value now (`None`: unknown to the broker or hidden).
    pub from: Option<String>,
    /// The value it gets.
    pub to: String,
}

/// What applying a spec does to a topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopicAction {
    /// The topic does not exist: create it.
    Create,
    /// The topic exists and differs in what can change in place.
    Alter {
        /// Configs whose value changes.
        configs: Vec<ConfigChange>,
        /// Partition count growing from → to.
        partitions: Option<(i32, i32)>,
        /// Every config to send: Kafka's AlterConfigs replaces the topic's whole set of
        /// overrides, so the ones the spec does not mention are sent again unchanged.
        full_set: BTreeMap<String, String>,
    },
    /// The topic is as specified.
    Unchanged,
    /// The topic differs in a way that cannot be changed in place.
    Refused {
        /// Why, and what to do instead.
        reasons: Vec<String>,
    },
}

/// The plan for one topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicPlan {
    /// The wanted topic.
    pub spec: TopicSpec,
    /// What to do.
    pub action: TopicAction,
    /// Things that will happen and deserve a look (adding partitions remaps keys).
    pub warnings: Vec<String>,
}

impl TopicPlan {
    /// Compares `spec` with the broker's `state` (`None`: no such topic).
    pub fn new(spec: TopicSpec, state: Option<&TopicState>) -> TopicPlan {
        let Some(state) = state else {
            return TopicPlan {
                spec,
                action: TopicAction::Create,
                warnings: Vec::new(),
            };
        };
        let mut reasons = Vec::new();
        let mut warnings = Vec::new();
        let partitions = match spec.partitions.cmp(&state.partitions) {
            std::cmp::Ordering::Less => {
                reasons.push(format!(
                    "partitions {} -> {}: Kafka cannot remove partitions; keep {} in the catalog, or create a new \
                     topic with {} partitions and move the consumers to it",
                    state.partitions, spec.partitions, state.partitions, spec.partitions
                ));
                None
            }
            std::cmp::Ordering::Greater => {
                warnings.push(format!(
                    "partitions {} -> {}: keys hash to different partitions from now on, so per-key order holds \
                     only for new records",
                    state.partitions, spec.partitions
                ));
                Some((state.partitions, spec.partitions))
            }
            std::cmp::Ordering::Equal => None,
        };
        if spec.replication_factor != state.replication_factor {
            reasons.push(format!(
                "replication factor {} -> {}: changing it needs a partition reassignment \
                 (kafka-reassign-partitions.sh with a plan that lists the new replicas), which topics apply does not do",
                state.replication_factor, spec.replication_factor
            ));
        }
        let configs: Vec<ConfigChange> = spec
            .configs
            .iter()
            .filter_map(|(key, to)| {
                let from = state.configs.get(key).cloned().flatten();
                (from.as_deref() != Some(to.as_str())).then(|| ConfigChange {
                    key: key.clone(),
                    from,
                    to: to.clone(),
                })
            })
            .collect();
        let mut full_set = BTreeMap::new();
        for key in state.overrides.iter().filter(|k| !spec.configs.contains_key(*k)) {
            match state.configs.get(key).cloned().flatten() {
                Some(value) => {
                    full_set.insert(key.clone(), value);
                }
                None if !configs.is_empty() => reasons.push(format!(
                    "`{key}` is set on the topic but the broker hides its value; altering the other configs \
                     would reset it, so set it in the catalog or alter the topic by hand"
                )),
                None => {}
            }
        }
        full_set.extend(spec.configs.iter().map(|(k, v)| (k.clone(), v.clone())));
        let action = if !reasons.is_empty() {
            TopicAction::Refused { reasons }
        } else if configs.is_empty() && partitions.is_none() {
            TopicAction::Unchanged
        } else {
            TopicAction::Alter {
                configs,
                partitions,
                full_set,
            }
        };
        TopicPlan { spec, action, warnings }
    }

    /// Whether applying this plan changes the cluster.
    pub fn changes_something(&self) -> bool {
        matches!(self.action, TopicAction::Create | TopicAction::Alter { .. })
    }
}

/// One line per action, then indented details: what `topics apply` prints.
impl fmt::Display for TopicPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let spec = &self.spec;
        match &self.action {
            TopicAction::Create => {
                write!(
                    f,
                    "create     {}  partitions={} replication_factor={}",
                    spec.name, spec.partitions, spec.replication_factor
                )?;
                for (key, value) in &spec.configs {
                    write!(f, "\n             {key}={value}")?;
                }
            }
            TopicAction::Alter {
                configs, partitions, ..
            } => {
                write!(f, "alter      {}", spec.name)?;
                if let Some((from, to)) = partitions {
                    write!(f, "\n             partitions: {from} -> {to}")?;
                }
                for change in configs {
                    let from = change.from.as_deref().unwrap_or("(unset)");
                    write!(f, "\n             {}: {from} -> {}", change.key, change.to)?;
                }
            }
            TopicAction::Unchanged => write!(f, "unchanged  {}", spec.name)?,
            TopicAction::Refused { reasons } => {
                write!(f, "refused    {}", spec.name)?;
                for reason in reasons {
                    write!(f, "\n             {reason}")?;
                }
            }
        }
        for warning in &self.warnings {
            write!(f, "\n             warning: {warning}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(partitions: i32, replication_factor: i32, configs: &[(&str, &str)]) -> TopicSpec {
        TopicSpec {
            name: "telescope.data".into(),
            partitions,
            replication_factor,
            configs: configs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        }
    }

    fn state(
        partitions: i32,
        replication_factor: i32,
        configs: &[(&str, Option<&str>)],
        overrides: &[&str],
    ) -> TopicState {
        TopicState {
            partitions,
            replication_factor,
            configs: configs
                .iter()
                .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
                .collect(),
            overrides: overrides.iter().map(|k| k.to_string()).collect(),
        }
    }

    #[test]
    fn a_missing_topic_is_created() {
        let plan = TopicPlan::new(spec(3, 1, &[("retention.ms", "1000")]), None);
        assert_eq!(plan.action, TopicAction::Create);
        assert!(plan.changes_something());
        assert_eq!(
            plan.to_string(),
            "create     telescope.data  partitions=3 replication_factor=1\n             retention.ms=1000"
        );
    }

    #[test]
    fn equal_effective_values_are_unchanged_even_when_inherited() {
        let current = state(
            1,
            1,
            &[("retention.ms", Some("1000")), ("cleanup.policy", Some("delete"))],
            &[],
        );
        let plan = TopicPlan::new(
            spec(1, 1, &[("retention.ms", "1000"), ("cleanup.policy", "delete")]),
            Some(&current),
        );
        assert_eq!(plan.action, TopicAction::Unchanged);
        assert!(!plan.changes_something());
    }

    #[test]
    fn a_changed_config_is_altered_keeping_the_other_overrides() {
        let current = state(
            1,
            1,
            &[
                ("retention.ms", Some("1000")),
                ("segment.ms", Some("60000")),
                ("cleanup.policy", Some("delete")),
            ],
            &["retention.ms", "segment.ms"],
        );
        let plan = TopicPlan::new(
            spec(1, 1, &[("retention.ms", "2000"), ("cleanup.policy", "delete")]),
            Some(&current),
        );
        let TopicAction::Alter {
            configs,
            partitions,
            full_set,
        } = &plan.action
        else {
            panic!("expected an alter, got {plan:?}");
        };
        assert_eq!(
            configs,
            &[ConfigChange {
                key: "retention.ms".into(),
                from: Some("1000".into()),
                to: "2000".into()
            }]
        );
        assert_eq!(partitions, &None);
        let sent: Vec<_> = full_set.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(sent, ["cleanup.policy=delete", "retention.ms=2000", "segment.ms=60000"]);
        assert_eq!(
            plan.to_string(),
            "alter      telescope.data\n             retention.ms: 1000 -> 2000"
        );
    }

    #[test]
    fn partitions_grow_with_a_warning_and_never_shrink() {
        let grown = TopicPlan::new(spec(3, 1, &[]), Some(&state(1, 1, &[], &[])));
        assert!(matches!(
            grown.action,
            TopicAction::Alter {
                partitions: Some((1, 3)),
                ..
            }
        ));
        assert!(
            grown.warnings[0].contains("keys hash to different partitions"),
            "{grown}"
        );

        let shrunk = TopicPlan::new(spec(1, 1, &[]), Some(&state(3, 1, &[], &[])));
        let TopicAction::Refused { reasons } = &shrunk.action else {
            panic!("expected a refusal, got {shrunk:?}");
        };
        assert!(
            reasons[0].starts_with("partitions 3 -> 1: Kafka cannot remove partitions"),
            "{reasons:?}"
        );
        assert!(!shrunk.changes_something());
    }

    #[test]
    fn a_replication_factor_change_is_refused_with_what_to_do() {
        let plan = TopicPlan::new(spec(1, 3, &[]), Some(&state(1, 1, &[], &[])));
        let TopicAction::Refused { reasons } = &plan.action else {
            panic!("expected a refusal, got {plan:?}");
        };
        assert!(reasons[0].contains("partition reassignment"), "{reasons:?}");
    }

    #[test]
    fn a_hidden_override_blocks_an_alter_that_would_reset_it() {
        let current = state(
            1,
            1,
            &[("retention.ms", Some("1")), ("secret.thing", None)],
            &["secret.thing"],
        );
        let plan = TopicPlan::new(spec(1, 1, &[("retention.ms", "2")]), Some(&current));
        assert!(matches!(&plan.action, TopicAction::Refused { reasons } if reasons[0].contains("`secret.thing`")));
        // Nothing to alter: the hidden override is left alone.
        let plan = TopicPlan::new(spec(1, 1, &[("retention.ms", "1")]), Some(&current));
        assert_eq!(plan.action, TopicAction::Unchanged);
    }

    #[test]
    fn a_catalog_environment_becomes_the_spec_of_its_topic() {
        const DEV: TopicConfig = TopicConfig {
            environment: "dev",
            partitions: 3,
            replication_factor: 1,
            configs: &[("retention.ms", "86400000"), ("cleanup.policy", "delete")],
        };
        assert_eq!(
            TopicSpec::from_config("telescope.data", &DEV),
            spec(3, 1, &[("cleanup.policy", "delete"), ("retention.ms", "86400000")])
        );
    }
}
