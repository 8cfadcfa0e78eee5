//! [`RegistryAccess`]: the two clients a [`Serializer`](super::Serializer) or
//! [`Deserializer`](super::Deserializer) can call through, so both share one
//! implementation and differ only in how they wait for a cache miss.

use super::blocking::BlockingRegistryClient;
use super::client::RegistryClient;

/// A client a serializer or deserializer calls through: [`RegistryClient`] (its
/// `serialize`/`deserialize` are `async`) or [`BlockingRegistryClient`] (they block).
/// Sealed: no other implementations.
pub trait RegistryAccess: sealed::Access {}

impl RegistryAccess for RegistryClient {}
impl RegistryAccess for BlockingRegistryClient {}

pub(super) mod sealed {
    use super::{BlockingRegistryClient, RegistryClient};

    /// The async client behind either kind, whose calls the shared code awaits.
    pub trait Access {
        /// The async client.
        fn registry(&self) -> &RegistryClient;
    }

    impl Access for RegistryClient {
        fn registry(&self) -> &RegistryClient {
            self
        }
    }

    impl Access for BlockingRegistryClient {
        fn registry(&self) -> &RegistryClient {
            self.client()
        }
    }
}
