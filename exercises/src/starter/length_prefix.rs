//! Framing: messages framed by their length instead of a newline.
//! The exercise: the book's chapter "Exercises", "Framing".

use std::io::{self, Read, Write};

/// The most bytes one message can carry: its length must fit in two bytes.
pub const MAX_MESSAGE: usize = u16::MAX as usize;

/// Writes `message` as one frame: its length as two bytes, big-endian,
/// then its bytes. A message over [`MAX_MESSAGE`] is an error of kind
/// `InvalidInput`, and nothing is written.
pub fn write_message(writer: &mut impl Write, message: &[u8]) -> io::Result<()> {
    todo!("the length, then the message")
}

/// Reads one frame and returns its message, or `None` if the stream ended
/// cleanly, between two frames. A stream that ends inside a frame (in its
/// length or its message) is an error of kind `UnexpectedEof`.
pub fn read_message(reader: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    todo!("read the length, then that many bytes")
}
