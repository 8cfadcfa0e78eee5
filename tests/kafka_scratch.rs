//! The stack's Kafka and registry for the Kafka tests, and scratch topics of their own
//! (typed descriptors like the generated ones, under names no other run uses).

use crate::stack_env::{self, say};
use crate::stack_python;
use avrokit::kafka::topics::{TopicAdmin, TopicPlan, TopicSpec};
use avrokit::kafka::{Producer, ProducerSettings};
use avrokit::registry_client::{RegistryClient, RegistryConfig};
use avrokit::{Topic, TopicValue};

/// Where the stack's broker and registry are.
#[derive(Debug, Clone)]
pub struct KafkaStack {
    /// `KAFKA_BOOTSTRAP_SERVERS`.
    pub bootstrap: String,
    /// `SCHEMA_REGISTRY_URL` (the Confluent API).
    pub registry: String,
}

impl KafkaStack {
    /// The stack, or `None` after printing `SKIPPED {test}: ...` when it is not up.
    /// Panics when `cargo xtask test` exported the settings but the broker is dead.
    pub fn find(test: &str) -> Option<KafkaStack> {
        let found = stack_env::var("KAFKA_BOOTSTRAP_SERVERS").and_then(|(bootstrap, exported)| {
            let (registry, _) = stack_env::var("SCHEMA_REGISTRY_URL")?;
            Ok((bootstrap, registry, exported))
        });
        let (bootstrap, registry, exported) = match found {
            Ok(found) => found,
            Err(why) => {
                say(&format!("SKIPPED {test}: {why}; run it with `cargo xtask test`"));
                return None;
            }
        };
        if std::net::TcpStream::connect(&bootstrap).is_err() {
            assert!(!exported, "{test}: KAFKA_BOOTSTRAP_SERVERS={bootstrap} does not listen");
            say(&format!(
                "SKIPPED {test}: nothing listens at {bootstrap} (stale stack.env?)"
            ));
            return None;
        }
        Some(KafkaStack { bootstrap, registry })
    }

    /// A registry client with default settings.
    pub fn registry_client(&self) -> RegistryClient {
        RegistryClient::new(RegistryConfig::new(&self.registry)).expect("a registry client")
    }

    /// A producer with default settings, registering through [`registry_client`](Self::registry_client).
    pub fn producer(&self) -> Producer {
        Producer::new(&ProducerSettings::new(&self.bootstrap), self.registry_client()).expect("a producer")
    }

    /// Runs `tests/stack/interop/SCRIPT ARGS` (Python confluent-kafka) against this
    /// broker and registry; see [`stack_python::run`].
    pub fn python(&self, script: &str, args: &[&str]) -> String {
        let env = [
            ("KAFKA_BOOTSTRAP_SERVERS", self.bootstrap.as_str()),
            ("SCHEMA_REGISTRY_URL", self.registry.as_str()),
        ];
        stack_python::run(&format!("interop/{script}"), args, &env)
    }

    /// Creates topic `name` with `partitions` (replication 1) and returns its descriptor:
    /// string keys, values of `V`, subject `<name>-value`.
    pub async fn scratch_topic<V: TopicValue>(&self, name: &str, partitions: i32) -> Topic<str, V> {
        let spec = TopicSpec::new(name).with_partitions(partitions);
        let admin = TopicAdmin::connect(&self.bootstrap).expect("an admin client");
        admin
            .apply(&TopicPlan::new(spec, None))
            .await
            .unwrap_or_else(|e| panic!("creating {name}: {e}"));
        // Descriptors hold `&'static str`s, as generated ones do; a test makes a few.
        let name: &'static str = Box::leak(name.to_owned().into_boxed_str());
        let subject: &'static str = Box::leak(format!("{name}-value").into_boxed_str());
        Topic::new(name, subject, None, &[], None)
    }
}
