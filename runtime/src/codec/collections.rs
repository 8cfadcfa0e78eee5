//! Decoding arrays and maps, block by block, with capacity bounded by the input.

use super::Reader;
use crate::error::DecodeError;

/// Reads an array whose items `item` decodes.
#[inline]
pub fn read_array<T>(
    r: &mut Reader<'_>,
    mut item: impl FnMut(&mut Reader<'_>) -> Result<T, DecodeError>,
) -> Result<Vec<T>, DecodeError> {
    let mut out = Vec::new();
    loop {
        let count = r.read_block_count()?;
        if count == 0 {
            return Ok(out);
        }
        out.reserve(r.capacity_for(count));
        for _ in 0..count {
            out.push(item(r)?);
        }
    }
}

/// Reads an array into `out`, reusing its items: the first `out.len()` items read are
/// decoded into the existing ones with `reuse`, the rest are made by `fresh`, and items
/// beyond the array's length are dropped. On error `out` holds some valid mix of old and
/// new items.
#[inline]
pub fn read_array_in_place<T>(
    r: &mut Reader<'_>,
    out: &mut Vec<T>,
    mut fresh: impl FnMut(&mut Reader<'_>) -> Result<T, DecodeError>,
    mut reuse: impl FnMut(&mut Reader<'_>, &mut T) -> Result<(), DecodeError>,
) -> Result<(), DecodeError> {
    let mut len = 0;
    loop {
        let count = r.read_block_count()?;
        if count == 0 {
            out.truncate(len);
            return Ok(());
        }
        let missing = (len + count).saturating_sub(out.len());
        out.reserve(r.capacity_for(missing));
        for _ in 0..count {
            match out.get_mut(len) {
                Some(item) => reuse(r, item)?,
                None => out.push(fresh(r)?),
            }
            len += 1;
        }
    }
}

/// Reads a map (into any map type) whose values `value` decodes.
#[inline]
pub fn read_map<V, M: Default + Extend<(String, V)>>(
    r: &mut Reader<'_>,
    mut value: impl FnMut(&mut Reader<'_>) -> Result<V, DecodeError>,
) -> Result<M, DecodeError> {
    let mut out = M::default();
    loop {
        let count = r.read_block_count()?;
        if count == 0 {
            return Ok(out);
        }
        for _ in 0..count {
            let key = String::from(r.read_str()?);
            let v = value(r)?;
            out.extend(std::iter::once((key, v)));
        }
    }
}

/// Runs `item` on every item of an array or map, block by block, for readers that skip
/// or convert items rather than collect them; its errors are the caller's.
#[inline]
pub fn for_each_item<E: From<DecodeError>>(
    r: &mut Reader<'_>,
    mut item: impl FnMut(&mut Reader<'_>) -> Result<(), E>,
) -> Result<(), E> {
    loop {
        let count = r.read_block_count()?;
        if count == 0 {
            return Ok(());
        }
        for _ in 0..count {
            item(r)?;
        }
    }
}
