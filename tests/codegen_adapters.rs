//! The user types `corpus/codegen-options/catalog.toml` maps schema values to: each an
//! `AvroAdapter` over the natural type of the values it stands for.

use crate::codegen_options::shop::Customer;
use avrokit::AvroAdapter;
use std::convert::Infallible;

/// An amount in cents: values of the custom logical type `money` (over `long`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cents(pub i64);

impl AvroAdapter for Cents {
    type Repr = i64;
    type Error = Infallible;
    fn to_repr(&self) -> i64 {
        self.0
    }
    fn from_repr(repr: i64) -> Result<Self, Infallible> {
        Ok(Cents(repr))
    }
}

/// A host name, never empty: field `shop.Order.host` (a `string`, `Box<str>` here).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Host(Box<str>);

impl Host {
    /// The host `name`, if it is not empty.
    pub fn new(name: &str) -> Option<Host> {
        (!name.is_empty()).then(|| Host(name.into()))
    }
}

impl AvroAdapter for Host {
    type Repr = Box<str>;
    type Error = &'static str;
    fn to_repr(&self) -> Box<str> {
        self.0.clone()
    }
    fn from_repr(repr: Box<str>) -> Result<Self, &'static str> {
        Host::new(&repr).ok_or("a host name cannot be empty")
    }
}

/// A customer as the domain sees it: every field of type `shop.Customer`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd)]
pub struct CustomerId {
    /// The customer record as it travels.
    pub record: Customer,
}

impl AvroAdapter for CustomerId {
    type Repr = Customer;
    type Error = Infallible;
    fn to_repr(&self) -> Customer {
        self.record.clone()
    }
    fn from_repr(record: Customer) -> Result<Self, Infallible> {
        Ok(CustomerId { record })
    }
}
