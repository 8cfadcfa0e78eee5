//! Records as their writer schema and Avro body, for consumers without a Rust type (the
//! PostgreSQL sink): the [`Decode`] that only unframes and fetches the schema.

use super::consumer::Decode;
use crate::Schema;
use crate::registry_client::{DeserializeError, RegistryClient};
use crate::wire;
use std::sync::Arc;

/// A record's value as written: the schema id, the writer schema and the Avro body.
#[derive(Debug, Clone)]
pub struct Framed {
    /// The registry id of the writer schema.
    pub id: u32,
    /// The writer schema.
    pub writer: Arc<Schema>,
    /// The Avro binary body (after the 5-byte header).
    pub body: Vec<u8>,
}

/// Decodes Confluent frames into [`Framed`] records, fetching each writer schema once
/// through the registry client's shared cache.
#[derive(Debug, Clone)]
pub struct WriterSchemas {
    registry: RegistryClient,
}

impl WriterSchemas {
    /// Writer schemas fetched through `registry`.
    pub fn new(registry: RegistryClient) -> WriterSchemas {
        WriterSchemas { registry }
    }
}

impl Decode for WriterSchemas {
    type Value = Framed;

    async fn decode(&self, bytes: &[u8]) -> Result<Framed, DeserializeError> {
        let (id, body) = wire::unframe(bytes)?;
        let writer = self
            .registry
            .schema_by_id(id)
            .await
            .map_err(|source| DeserializeError::fetching(id, source))?;
        Ok(Framed {
            id,
            writer,
            body: body.to_vec(),
        })
    }
}
