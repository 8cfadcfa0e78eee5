//! Kafka glue over rdkafka (feature `kafka`).
//!
//! - [`topics`]: bring a cluster's topics to what the catalog says — plan first (create,
//!   alter, unchanged, refused), then apply — as `cargo xtask topics apply` does.

pub mod dead_letter;
pub mod settings;
pub mod topics;
