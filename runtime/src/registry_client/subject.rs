//! Subject name strategies: which subject a topic's keys or values are registered under
//! (shared with the catalog and the code generator, so they live in `avrokit-schema`).

pub use avrokit_schema::subject::{RecordPart, SubjectNameStrategy};
