//! Topic administration: what a topic should look like ([`TopicSpec`]), what the broker
//! has ([`TopicState`]), the difference as a [`TopicPlan`], and an [`TopicAdmin`] that
//! reads the state and applies plans.
//!
//! Planning is a pure function so that every decision (what may change in place, what
//! must be refused) is unit-tested without a broker; the admin client only fetches and
//! executes.

mod admin;
mod plan;

pub use admin::{Step, TopicAdmin, TopicAdminError};
pub use plan::{ConfigChange, TopicAction, TopicPlan, TopicSpec, TopicState};
