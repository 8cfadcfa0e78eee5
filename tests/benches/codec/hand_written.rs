//! The anchor of the codec targets: a `TelescopeData` codec written by hand, as a careful
//! person would without any Avro library. Straight-line code for the one schema: bounds
//! checked, UTF-8 validated, integers range checked, chrono for the timestamp. It shares no
//! code with avrokit, so the bench can show where the derived codecs stand against it.

use avrokit::chrono::{DateTime, Utc};
use avrokit_generated::astro::beam::TelescopeData;

/// Appends the Avro binary encoding of `data` to `out`.
pub fn encode(data: &TelescopeData, out: &mut Vec<u8>) {
    put_bytes(out, data.data_id.as_bytes());
    put_bytes(out, data.observation_id.as_bytes());
    put_long(out, i64::from(data.sequence_number));
    put_long(out, data.timestamp.timestamp_millis());
    put_bytes(out, &data.data);
    out.push(u8::from(data.processed));
    match &data.processing_pipeline_version {
        None => put_long(out, 0),
        Some(version) => {
            put_long(out, 1);
            put_bytes(out, version.as_bytes());
        }
    }
}

/// Decodes one `TelescopeData` that fills `bytes` exactly; `None` for any malformed input.
pub fn decode(bytes: &[u8]) -> Option<TelescopeData> {
    let mut input = Input { bytes, pos: 0 };
    let data = TelescopeData {
        data_id: input.string()?,
        observation_id: input.string()?,
        sequence_number: i32::try_from(input.long()?).ok()?,
        timestamp: DateTime::<Utc>::from_timestamp_millis(input.long()?)?,
        data: input.bytes()?.to_vec(),
        processed: match input.take(1)? {
            [0] => false,
            [1] => true,
            _ => return None,
        },
        processing_pipeline_version: match input.long()? {
            0 => None,
            1 => Some(input.string()?),
            _ => return None,
        },
    };
    (input.pos == bytes.len()).then_some(data)
}

fn put_long(out: &mut Vec<u8>, value: i64) {
    let mut zigzag = ((value << 1) ^ (value >> 63)) as u64;
    while zigzag >= 0x80 {
        out.push(zigzag as u8 | 0x80);
        zigzag >>= 7;
    }
    out.push(zigzag as u8);
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_long(out, bytes.len() as i64);
    out.extend_from_slice(bytes);
}

struct Input<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Input<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let slice = self.bytes.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(slice)
    }

    fn long(&mut self) -> Option<i64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.take(1)?.first()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Some(((value >> 1) as i64) ^ -((value & 1) as i64));
            }
        }
        None
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.long()?).ok()?;
        self.take(len)
    }

    fn string(&mut self) -> Option<String> {
        std::str::from_utf8(self.bytes()?).ok().map(String::from)
    }
}
