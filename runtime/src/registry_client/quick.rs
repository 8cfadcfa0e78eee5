//! [`Quick`]: the future of a call that usually has its answer at once.
//!
//! The serializers' async calls do their warm path (a known id, a known writer schema)
//! when called, and only a cache miss builds a future that waits for the registry. An
//! `async fn` would put that warm path behind its state machine's dispatch, and its
//! nested state machines cost an indirect jump each on every call; polling this is one
//! branch.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// An answer already there, or the boxed work that will produce it.
pub(super) enum Quick<'a, O> {
    /// The answer; taken by the first poll.
    Ready(Option<O>),
    /// A registry call under way.
    Waiting(Pin<Box<dyn Future<Output = O> + Send + 'a>>),
}

impl<'a, O> Quick<'a, O> {
    /// The future of `answer`, complete at once.
    pub(super) fn ready(answer: O) -> Self {
        Self::Ready(Some(answer))
    }

    /// The future of `work`, boxed (so the warm path's future stays small).
    pub(super) fn waiting(work: impl Future<Output = O> + Send + 'a) -> Self {
        Self::Waiting(Box::pin(work))
    }
}

// The answer is never pinned (it is moved out whole, never polled in place), so
// pinning a `Quick` pins nothing inside it.
impl<O> Unpin for Quick<'_, O> {}

impl<O> Future for Quick<'_, O> {
    type Output = O;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<O> {
        match self.get_mut() {
            Self::Ready(answer) => match answer.take() {
                Some(answer) => Poll::Ready(answer),
                None => panic!("a registry serializer's future was polled after it completed"),
            },
            Self::Waiting(work) => work.as_mut().poll(cx),
        }
    }
}
