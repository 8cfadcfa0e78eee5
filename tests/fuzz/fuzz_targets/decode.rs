//! Arbitrary bytes into the decoder of every derived type (the first byte picks the type):
//! decoding may fail, never panic, and what decodes must re-encode and decode again.
//! Decoding in place must agree with decoding afresh: the input is also split at its second
//! byte into an old value and new bytes decoded over it.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let types: Vec<&avrokit::Registered> = avrokit_tests::registry::all().collect();
    let Some((&selector, bytes)) = data.split_first() else { return };
    let entry = types[usize::from(selector) % types.len()];
    let fresh = (entry.reencode)(bytes);
    if let Ok(canonical) = &fresh {
        // The canonical encoding is a fixed point.
        assert_eq!((entry.reencode)(canonical).as_ref(), Ok(canonical), "{}", entry.full_name);
    }
    let _ = avrokit::avro_json::to_json((entry.schema)(), bytes);

    if let Some((&split, rest)) = bytes.split_first() {
        let (old, new) = rest.split_at(usize::from(split).min(rest.len()));
        if (entry.reencode)(old).is_ok() {
            let over = (entry.reencode_over)(old, new);
            assert_eq!(over.ok(), (entry.reencode)(new).ok(), "{} over an old value", entry.full_name);
        }
    }
});
