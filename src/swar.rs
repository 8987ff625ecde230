//! Eight bytes of a line at a time, as one number: the searches and comparisons that run over
//! every line (a JSON string's end and its keys, a logfmt pair's end, the words classifying
//! looks for, a level word) find their bytes this way, since a vector search or a call to
//! `memcmp` costs more to start than a log's short strings take to read. The parsers and
//! [`crate::level::Level::parse`] share it, so it sits beside them rather than in either.
//!
//! A mask marks each byte found by its high bit (its other bits mean nothing, so that masks
//! are combined with `|` before [`first`] reads them). A borrow can raise a false alarm, but
//! only in a byte above a true one: [`first`] is exact.

const ONES: u64 = u64::from_ne_bytes([1; 8]);
const HIGHS: u64 = ONES * 0x80;

/// The eight bytes at `at`, the first in the lowest place.
#[inline]
pub fn word(bytes: &[u8], at: usize) -> Option<u64> {
    let mut eight = [0u8; 8];
    eight.copy_from_slice(bytes.get(at..at + 8)?);
    Some(u64::from_le_bytes(eight))
}

/// The bytes from `at` on, at most eight, with zeros after the end of `bytes`: the last,
/// short word of a search, so that it too is read at once. Read as two loads that may
/// overlap, not copied into a zeroed word: a copy of a varying length is a call to `memcpy`.
#[inline]
pub fn padded(bytes: &[u8], at: usize) -> u64 {
    let rest = bytes.get(at..).unwrap_or_default();
    let n = rest.len();
    let byte = |i: usize| u64::from(rest[i]);
    match n {
        0 => 0,
        1..=3 => byte(0) | byte(n / 2) << (8 * (n / 2)) | byte(n - 1) << (8 * (n - 1)),
        4..=7 => {
            let four = |i: usize| {
                let mut b = [0u8; 4];
                b.copy_from_slice(&rest[i..i + 4]);
                u64::from(u32::from_le_bytes(b))
            };
            four(0) | four(n - 4) << (8 * (n - 4))
        }
        _ => word(rest, 0).unwrap_or_default(),
    }
}

/// Whether `a` and `b` hold the same bytes, compared eight at a time (the last eight may
/// overlap those before): the pieces compared for every line are a few bytes long, and a call
/// to `memcmp` costs more than comparing them.
#[inline]
pub fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return padded(a, 0) == padded(b, 0);
    }
    let mut at = 0;
    while at + 8 <= n {
        if word(a, at) != word(b, at) {
            return false;
        }
        at += 8;
    }
    at == n || word(a, n - 8) == word(b, n - 8)
}

/// The bytes of `word` that are `byte`.
#[inline]
pub fn equal(word: u64, byte: u8) -> u64 {
    below(word ^ (ONES * u64::from(byte)), 1)
}

/// The bytes of `word` below `limit` (at most `0x80`).
#[inline]
pub fn below(word: u64, limit: u8) -> u64 {
    word.wrapping_sub(ONES * u64::from(limit)) & !word
}

/// The bytes of `word` outside ASCII (exactly: no false alarm).
#[inline]
pub fn non_ascii(word: u64) -> u64 {
    word & HIGHS
}

/// `word` with its ASCII letters in lower case, and bit 5 set in every other byte too: compare
/// the result with letters only.
#[inline]
pub fn folded(word: u64) -> u64 {
    word | (ONES * 0x20)
}

/// Where in its word the first byte a mask marks is, if it marks any.
#[inline]
pub fn first(mask: u64) -> Option<usize> {
    let marks = mask & HIGHS;
    (marks != 0).then(|| marks.trailing_zeros() as usize / 8)
}

/// Where in its word each byte a mask marks is, first to last. A false alarm may be among them
/// (see the module's note): the caller looks at the byte.
#[inline]
pub fn each(mask: u64) -> Each {
    Each(mask & HIGHS)
}

/// The places [`each`] yields.
pub struct Each(u64);

impl Iterator for Each {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        let i = first(self.0)?;
        self.0 &= self.0 - 1;
        Some(i)
    }
}

/// Where the first `a` or `c` at or after `at` is (or the end of `bytes`), eight bytes at a
/// time and the last few one by one.
pub fn until(bytes: &[u8], mut at: usize, a: u8, c: u8) -> usize {
    while let Some(w) = word(bytes, at) {
        if let Some(i) = first(equal(w, a) | equal(w, c)) {
            return at + i;
        }
        at += 8;
    }
    bytes
        .get(at..)
        .and_then(|rest| rest.iter().position(|&b| b == a || b == c))
        .map_or(bytes.len(), |i| at + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A mask's first mark is the first byte that matches, and there is none when no byte
        /// does.
        #[test]
        fn masks_find_the_first_byte_a_plain_search_finds(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![0u8..0x22, 0x5bu8..0x5e, 0x20u8..=0xff],
                8,
            ),
            byte in 0u8..=0xff,
            limit in 1u8..=0x80,
        ) {
            let w = word(&bytes, 0).ok_or_else(|| proptest::test_runner::TestCaseError::fail("eight bytes"))?;
            proptest::prop_assert_eq!(first(equal(w, byte)), bytes.iter().position(|&b| b == byte));
            proptest::prop_assert_eq!(first(below(w, limit)), bytes.iter().position(|&b| b < limit));
            // Every byte that matches is among those marked.
            let marked: Vec<usize> = each(equal(w, byte)).collect();
            let matching = (0..8).filter(|&i| bytes[i] == byte);
            proptest::prop_assert!(matching.clone().all(|i| marked.contains(&i)), "{:?} {:?}", marked, matching.collect::<Vec<_>>());
            let letter = b'a' + byte % 26;
            proptest::prop_assert_eq!(
                first(equal(folded(w), letter)),
                bytes.iter().position(|b| b.to_ascii_lowercase() == letter)
            );
        }

        /// A short word is the bytes there are, with zeros after them.
        #[test]
        fn a_padded_word_is_the_bytes_then_zeros(
            bytes in proptest::collection::vec(1u8..=0xff, 0..12),
            at in 0usize..14,
        ) {
            let mut eight = [0u8; 8];
            let rest = bytes.get(at..).unwrap_or_default();
            let n = rest.len().min(8);
            eight[..n].copy_from_slice(&rest[..n]);
            proptest::prop_assert_eq!(padded(&bytes, at), u64::from_le_bytes(eight));
        }

        /// Two byte strings are the same when a plain comparison says so, whatever their
        /// lengths and wherever they differ.
        #[test]
        fn same_is_a_plain_comparison(
            a in proptest::collection::vec(0u8..=0xff, 0..24),
            flip in proptest::option::of(0usize..24),
            cut in 0usize..2,
        ) {
            // The same bytes, or the same with one byte changed, or one byte shorter.
            let mut b = a.clone();
            if let Some(i) = flip.filter(|_| !a.is_empty()) {
                b[i % a.len()] ^= 1;
            }
            b.truncate(a.len().saturating_sub(cut));
            proptest::prop_assert_eq!(same(&a, &b), a == b);
        }

        /// The search for either of two bytes ends where a plain search does, from any start,
        /// at the end when neither is there.
        #[test]
        fn until_ends_where_a_plain_search_ends(
            bytes in proptest::collection::vec(proptest::prop_oneof![0x20u8..0x23, 0x3du8..0x3f, 0u8..=0xff], 0..40),
            at in 0usize..40,
        ) {
            let at = at.min(bytes.len());
            let plain = bytes[at..].iter().position(|&b| b == b'=' || b == b' ').map_or(bytes.len(), |i| at + i);
            proptest::prop_assert_eq!(until(&bytes, at, b'=', b' '), plain);
        }
    }
}
