//! Shared helpers of the workspace-level tests live in `tests/tests/`; this library is empty by design.
