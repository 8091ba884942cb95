//! Framing: messages framed by their length instead of a newline.
//!
//! Each message goes out as two bytes giving its length (big-endian, the
//! network's byte order), then the message itself. A message can then hold
//! any bytes, newlines included, and the reader knows how much to wait for
//! before the message has even arrived.

use std::io::{self, Read, Write};

// ANCHOR: solution
/// The most bytes one message can carry: its length must fit in two bytes.
pub const MAX_MESSAGE: usize = u16::MAX as usize;

/// Writes `message` as one frame: its length as two bytes, big-endian,
/// then its bytes. A message over [`MAX_MESSAGE`] is an error of kind
/// `InvalidInput`, and nothing is written.
pub fn write_message(writer: &mut impl Write, message: &[u8]) -> io::Result<()> {
    let length = u16::try_from(message.len()).map_err(|_| {
        let why = format!("a message of {} bytes has no 2-byte length", message.len());
        io::Error::new(io::ErrorKind::InvalidInput, why)
    })?;
    // One buffer, one write: the frame leaves whole, not as two pieces.
    let mut frame = Vec::with_capacity(2 + message.len());
    frame.extend_from_slice(&length.to_be_bytes());
    frame.extend_from_slice(message);
    writer.write_all(&frame)
}

/// Reads one frame and returns its message, or `None` if the stream ended
/// cleanly, between two frames. A stream that ends inside a frame (in its
/// length or its message) is an error of kind `UnexpectedEof`.
pub fn read_message(reader: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut length = [0; 2];
    // The first byte decides between "the stream is over" and "a frame
    // begins", so it is read on its own; `read_exact` cannot tell them apart.
    loop {
        match reader.read(&mut length[..1]) {
            Ok(0) => return Ok(None),
            Ok(_) => break,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        }
    }
    // From here on, the stream ending is an error: `read_exact` says so.
    reader.read_exact(&mut length[1..])?;
    let mut message = vec![0; usize::from(u16::from_be_bytes(length))];
    reader.read_exact(&mut message)?;
    Ok(Some(message))
}
// ANCHOR_END: solution
