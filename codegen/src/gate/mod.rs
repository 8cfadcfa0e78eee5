//! The offline compatibility gate (feature `gate`): the [`compat`](crate::compat) engine
//! applied to files and to a schema directory's git history, with the output and exit
//! statuses of `avrokit compat`, which is a thin command line over this module.
//!
//! * [`check_pair`]: one pair of `.avsc` files, old and new, under one mode.
//! * [`against_git`]: every subject of a schema directory against its earlier versions in
//!   git up to a [`Baseline`] (a ref, or the merge base with a branch).
//! * [`AcceptFile`]: findings accepted on purpose (reported, never failing), and
//!   [`write_baseline`], which writes it from what the gate finds.
//!
//! The online form (`avrokit compat --registry URL`) lives in `avrokit-cli`, on the
//! runtime's registry client; it reads the schemas through [`WorkingTree`] and prints
//! through [`print_report`], so every form reads alike.
//!
//! Each prints its report to stdout (text `FILE:LINE:COL: RULE: message` lines and a
//! summary, one JSON object, or GitHub annotations: [`Format`]) and notes to stderr, and
//! returns a [`Status`]: compatible (exit 0), incompatible (1), or undecided (2). The
//! whole-directory forms return an [`Error`] (also exit 2, never a pass) when they cannot
//! decide: a ref the clone lacks, schemas that do not load.

mod accept;
mod against;
mod check;
mod format;
// `pub(crate)`: the docs site reads a file's history through the same reader.
pub(crate) mod git;
mod run;
pub(crate) mod snapshot;
mod subjects;

pub use accept::{AcceptFile, Acceptance, BaselineChange, DEFAULT_FILE_NAME as ACCEPT_FILE_NAME};
pub use against::Baseline;
pub use check::check_pair;
pub use format::{Checked, Format, Problem, print_with_problems as print_report};
#[cfg(feature = "lint")]
pub(crate) use format::{annotation, located};
pub use run::{Options, WorkingTree, against_git, write_baseline};

use std::process::ExitCode;

/// How a gate run ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Everything passes (with [`Strictness::Strict`](crate::Strictness::Strict), warnings
    /// included): exit 0.
    Compatible,
    /// Something fails: exit 1.
    Incompatible,
    /// The gate cannot decide (e.g. a file does not load), which is never a pass: exit 2.
    Undecided,
}

impl Status {
    /// [`Status::Compatible`] when `passed`, else [`Status::Incompatible`].
    pub fn from_passed(passed: bool) -> Status {
        if passed {
            Status::Compatible
        } else {
            Status::Incompatible
        }
    }

    /// The process exit status: 0, 1 or 2.
    pub fn code(self) -> u8 {
        match self {
            Status::Compatible => 0,
            Status::Incompatible => 1,
            Status::Undecided => 2,
        }
    }
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> ExitCode {
        ExitCode::from(status.code())
    }
}

/// Why a whole-directory gate could not decide. Every kind means exit 2
/// ([`Status::Undecided`]); the message is ready to print.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The baseline is not in this clone; the message says which `git fetch` brings it in
    /// (shallow CI clones are the usual cause).
    #[error("{0}")]
    MissingRef(String),
    /// Nothing to decide on: the schemas do not load, the baseline's schemas do not load,
    /// histories that never meet, a schema directory outside the repository.
    #[error("{0}")]
    Undecided(String),
    /// A `git` command failed or could not run.
    #[error("{0}")]
    Git(String),
    /// Reading the working tree failed.
    // Transparent: the I/O error's text, as the command printed it before this type.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Every gate error ends the run undecided.
impl From<&Error> for Status {
    fn from(_: &Error) -> Status {
        Status::Undecided
    }
}
