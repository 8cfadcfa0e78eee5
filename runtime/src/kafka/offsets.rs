//! [`NextOffsets`]: where a batch leaves each of its partitions, gathered while the
//! batch is read so that committing it looks at no message again.

use rdkafka::error::KafkaResult;
use rdkafka::{Offset, TopicPartitionList};

/// The offset after the last message seen of each (topic, partition).
#[derive(Debug, Default)]
pub(super) struct NextOffsets {
    /// In the order partitions first appear; a batch holds few partitions.
    next: Vec<(String, i32, i64)>,
}

impl NextOffsets {
    /// Notes a message at `offset` of `topic`'s `partition`.
    pub(super) fn note(&mut self, topic: &str, partition: i32, offset: i64) {
        // Messages of one partition come in runs: the last entry is nearly always it.
        let found = self
            .next
            .iter_mut()
            .rev()
            .find(|(t, p, _)| *p == partition && t == topic);
        match found {
            Some((_, _, next)) => *next = (*next).max(offset + 1),
            None => self.next.push((topic.to_owned(), partition, offset + 1)),
        }
    }

    /// The offsets as librdkafka takes them (to commit, or to store).
    pub(super) fn to_list(&self) -> KafkaResult<TopicPartitionList> {
        let mut list = TopicPartitionList::with_capacity(self.next.len());
        for (topic, partition, next) in &self.next {
            list.add_partition_offset(topic, *partition, Offset::Offset(*next))?;
        }
        Ok(list)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_partition_moves_past_its_highest_offset() {
        let mut offsets = NextOffsets::default();
        for (topic, partition, offset) in [("a", 0, 5), ("a", 1, 9), ("a", 0, 6), ("b", 0, 2), ("a", 0, 4)] {
            offsets.note(topic, partition, offset);
        }
        let list = offsets.to_list().expect("a list");
        let next = |topic: &str, partition| list.find_partition(topic, partition).map(|e| e.offset());
        assert_eq!(next("a", 0), Some(Offset::Offset(7)));
        assert_eq!(next("a", 1), Some(Offset::Offset(10)));
        assert_eq!(next("b", 0), Some(Offset::Offset(3)));
        assert_eq!(list.count(), 3);
    }
}
