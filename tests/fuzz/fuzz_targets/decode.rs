//! Arbitrary bytes into the decoder of every derived type (the first byte picks the type):
//! decoding may fail, never panic, and what decodes must re-encode and decode again.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let types: Vec<&avrokit::Registered> = avrokit_tests::registry::all().collect();
    let Some((&selector, bytes)) = data.split_first() else { return };
    let entry = types[usize::from(selector) % types.len()];
    if let Ok(canonical) = (entry.reencode)(bytes) {
        // The canonical encoding is a fixed point.
        assert_eq!((entry.reencode)(&canonical).as_ref(), Ok(&canonical), "{}", entry.full_name);
    }
    let _ = avrokit::avro_json::to_json((entry.schema)(), bytes);
});
