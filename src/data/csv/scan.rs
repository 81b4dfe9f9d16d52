//! Where the commas and line ends of a chunk of plain text stand, found 64 bytes at a time: a bit per
//! byte, eight bytes at once in a `u64` (no branch per byte, no search per line), so that the stream
//! cuts a row's cells by walking the set bits of a block's masks (as SIMD CSV readers do, in safe
//! portable code).

/// The bytes of a block: a whole one, or the padded end of a chunk.
pub const BLOCK: usize = 64;

/// Every byte 0x01, times a byte: that byte in each lane.
const ONES: u64 = 0x0101_0101_0101_0101;
const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The lanes of `word` that are not `byte`, each as its high bit, where every lane is ASCII (high
/// bit clear): the lane of a byte other than `byte` sums to at least 0x80 and at most 0xFE, so that
/// no carry crosses a lane (text with the high bit set needs the exact test of [`equal`]).
fn other(word: u64, byte: u8) -> u64 {
    (word ^ (ONES * u64::from(byte))) + LOW7
}

/// The high bit of each byte of `word` that equals `byte` (exact: no carry crosses a lane).
#[cfg(test)]
fn equal(word: u64, byte: u8) -> u64 {
    let diff = word ^ (ONES * u64::from(byte));
    !(((diff & LOW7) + LOW7) | diff) & HIGH
}

/// The high bits of a word's lanes gathered into its low byte, lane `i` at bit `i`.
fn gather(high: u64) -> u64 {
    ((high >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// The commas and the line ends (`\n`) of a block of at most [`BLOCK`] bytes of ASCII text (as the
/// stream's plain chunks are: [`plain_ascii`]), byte `i` at bit `i`, in one mask (a mark's byte says
/// which it is). The text being ASCII, a lane is a comma or a line end where it is not both other
/// than one and other than the other: two adds and an `and` a word, where the exact test of any
/// byte took twice that.
#[inline]
pub fn marks(block: &[u8]) -> u64 {
    debug_assert!(block.is_ascii(), "marks of text that is not ASCII would be wrong (0xad reads as a line end)");
    match block.len() {
        BLOCK => ascii_marks(block),
        len => {
            let mut padded = [0u8; BLOCK];
            padded[..len].copy_from_slice(block);
            ascii_marks(&padded)
        }
    }
}

/// [`marks`] of a whole block.
#[inline]
fn ascii_marks(block: &[u8]) -> u64 {
    let (words, _) = block.as_chunks::<8>();
    let mut marks = 0;
    for (i, word) in words.iter().enumerate() {
        let word = u64::from_le_bytes(*word);
        marks |= gather(!(other(word, b',') & other(word, b'\n')) & HIGH) << (8 * i);
    }
    marks
}

/// Whether `bytes` are printable ASCII, tabs and line ends (`\n`, `\r`), with no quote: text whose
/// rows the stream cuts at every comma, and whose cells it trims of spaces and tabs alone.
pub fn plain_ascii(bytes: &[u8]) -> bool {
    // No early exit within a block, so that the compiler can test a block's bytes at once.
    let plain = |block: &[u8]| {
        block.iter().fold(true, |ok, &b| {
            ok & (((0x20..0x7F).contains(&b) & (b != b'"')) | (b == b'\t') | (b == b'\n') | (b == b'\r'))
        })
    };
    bytes.chunks(BLOCK).all(plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The marks as a look at every byte finds them.
    fn marks_by_byte(block: &[u8]) -> u64 {
        block.iter().enumerate().filter(|&(_, &b)| b == b',' || b == b'\n').map(|(i, _)| 1u64 << i).sum()
    }

    #[test]
    fn marks_are_those_of_every_byte() {
        let mut blocks: Vec<Vec<u8>> = vec![
            Vec::new(),
            b",".to_vec(),
            b"\n".to_vec(),
            vec![b','; 64],
            vec![b'\n'; 64],
            b"E00001,revenue,2016Q1,2657.5,,USD m\nE00001,cost_of_revenue,2016".to_vec(),
            // every byte next to a comma's or a line end's, and bytes with the high bit set
            (0..=255u8).filter(|b| b.abs_diff(b',') <= 1 || b.abs_diff(b'\n') <= 1 || *b >= 0xC6).collect(),
            "É,日\n,\u{a0}".as_bytes().to_vec(),
        ];
        // a pseudo-random byte soup, every length from 0 to 64
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for len in 0..=BLOCK {
            blocks.push(
                (0..len)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        [b',', b'\n', b'a', b'\r', 0x2B, 0x2D, 0x0B, 0x8C, 0xFF, 0][(state % 10) as usize]
                    })
                    .collect(),
            );
        }
        // each block as ASCII: its high bits cleared (0xAC is then a comma, 0x8A a line end)
        for block in &blocks {
            let ascii: Vec<u8> = block.iter().map(|b| b & 0x7F).collect();
            assert_eq!(marks(&ascii), marks_by_byte(&ascii), "{ascii:?}");
        }
        // the exact test, for any byte, against a look at every byte
        for block in &blocks {
            let mut padded = [0u8; BLOCK];
            padded[..block.len()].copy_from_slice(block);
            let (words, _) = padded.as_chunks::<8>();
            let exact = words.iter().enumerate().fold(0, |marks, (i, word)| {
                let word = u64::from_le_bytes(*word);
                marks | gather(equal(word, b',') | equal(word, b'\n')) << (8 * i)
            });
            assert_eq!(exact, marks_by_byte(block), "{block:?}");
        }
    }

    #[test]
    fn plain_ascii_refuses_quotes_controls_and_other_text() {
        assert!(plain_ascii(b"E1,revenue,2025Q4,\t1.5 ,USD m\r\n"));
        assert!(plain_ascii(b""));
        let long = [b'a'; 200];
        assert!(plain_ascii(&long));
        for bad in [b'"', 0x00, 0x0B, 0x0C, 0x1F, 0x7F, 0x80, 0xC3, 0xFF] {
            // in each block of a long text, first and last byte
            for at in [0, 63, 64, 130, 199] {
                let mut text = long;
                text[at] = bad;
                assert!(!plain_ascii(&text), "{bad:#x} at {at}");
            }
        }
    }
}
