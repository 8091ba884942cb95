//! Framing: cutting a stream of bytes into request lines.
//!
//! TCP delivers bytes, not messages. One `read` may return half a request,
//! or three requests and the start of a fourth, depending on how the bytes
//! travelled. The original Python server assumed one `recv(1024)` was one
//! message; this module is the fix. A [`LineReader`] keeps the bytes of an
//! unfinished line until its `\n` arrives, hands out whole lines one at a
//! time, and refuses a line longer than [`MAX_LINE`] without ever holding
//! more than that many bytes of it.

use std::io::{self, BufRead, BufReader, Read};

// ANCHOR: max_line
/// The longest request line the protocol accepts, `\n` included.
pub const MAX_LINE: usize = 256;
// ANCHOR_END: max_line

// ANCHOR: frame
/// One unit cut from the stream.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// A whole line, without its `\n` (or `\r\n`).
    Line(String),
    /// A whole line that is not valid UTF-8.
    NotUtf8,
    /// [`MAX_LINE`] bytes arrived without a `\n`. The stream can no longer
    /// be trusted to be in step, so the server closes the connection.
    TooLong,
}
// ANCHOR_END: frame

// ANCHOR: line_reader
/// Reads [`Frame`]s from a byte stream.
#[derive(Debug)]
pub struct LineReader<R> {
    /// The stream, with a buffer no larger than one line: enough to keep
    /// the bytes that arrived after a line's end (pipelined requests).
    input: BufReader<R>,
    /// The line read so far. It outlives a timed-out read, so a request that
    /// arrives in pieces, with pauses between them, is still read whole.
    line: Vec<u8>,
}
// ANCHOR_END: line_reader

impl<R: Read> LineReader<R> {
    /// Starts reading `input`.
    pub fn new(input: R) -> LineReader<R> {
        LineReader {
            input: BufReader::with_capacity(MAX_LINE, input),
            line: Vec::with_capacity(MAX_LINE),
        }
    }

    // ANCHOR: read_frame
    /// Waits for the next frame.
    ///
    /// Returns `Ok(None)` when the stream ends; an unfinished last line is
    /// dropped, because a request is only a request once its `\n` arrives.
    /// An error (a read timeout, say) leaves the unfinished line in place,
    /// so the next call carries on where this one stopped.
    pub fn read_frame(&mut self) -> io::Result<Option<Frame>> {
        // `take` is what bounds memory: never read past the limit, even if
        // the client sends megabytes without a newline.
        let room = (MAX_LINE - self.line.len()) as u64;
        (&mut self.input)
            .take(room)
            .read_until(b'\n', &mut self.line)?;

        if self.line.last() == Some(&b'\n') {
            let frame = decode(&self.line);
            self.line.clear();
            Ok(Some(frame))
        } else if self.line.len() >= MAX_LINE {
            self.line.clear();
            Ok(Some(Frame::TooLong))
        } else {
            // Short of the limit and no newline: the stream has ended.
            self.line.clear();
            Ok(None)
        }
    }
    // ANCHOR_END: read_frame

    // ANCHOR: read_frame_or_pause
    /// Like [`read_frame`](LineReader::read_frame), but reads from the input
    /// at most once, and returns an error of kind `WouldBlock` (as a read
    /// timeout would) when that read brought part of a line and no `\n`.
    ///
    /// `read_frame` keeps reading until a line is whole, so a client that
    /// sends a byte every now and then, each just before the read timeout,
    /// would keep it (and a server thread) inside one call for as long as
    /// 256 bytes take to trickle in. A server that must look at its clock
    /// between reads (lesson 03: the idle timeout, the shutdown notice)
    /// calls this instead, and so gets control back after every read.
    pub fn read_frame_or_pause(&mut self) -> io::Result<Option<Frame>> {
        let room = MAX_LINE - self.line.len();
        // One read, only if nothing is buffered: pipelined lines are
        // handed out from the buffer without touching the socket.
        let buffered = self.input.fill_buf()?;
        if buffered.is_empty() {
            self.line.clear(); // the stream ended; an unfinished line is no request
            return Ok(None);
        }
        let window = &buffered[..buffered.len().min(room)];
        let (taken, finished) = match window.iter().position(|&byte| byte == b'\n') {
            Some(end) => (end + 1, true),
            None => (window.len(), false),
        };
        self.line.extend_from_slice(&window[..taken]);
        self.input.consume(taken);
        if finished {
            let frame = decode(&self.line);
            self.line.clear();
            Ok(Some(frame))
        } else if self.line.len() >= MAX_LINE {
            self.line.clear();
            Ok(Some(Frame::TooLong))
        } else {
            Err(io::ErrorKind::WouldBlock.into()) // part of a line: look up, then call again
        }
    }
    // ANCHOR_END: read_frame_or_pause
}

// ANCHOR: decode
/// Turns a line's bytes (ending in `\n`) into a frame. Public for servers
/// that keep their own buffer of received bytes (the bonus event loop).
pub fn decode(bytes: &[u8]) -> Frame {
    let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    // Telnet and Windows programs end lines with "\r\n".
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Frame::Line(text.to_owned()),
        Err(_) => Frame::NotUtf8,
    }
}
// ANCHOR_END: decode

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Frame> {
        let mut reader = LineReader::new(input);
        std::iter::from_fn(|| reader.read_frame().unwrap()).collect()
    }

    fn line(text: &str) -> Frame {
        Frame::Line(text.to_owned())
    }

    // ANCHOR: test_several_lines
    #[test]
    fn several_lines_in_one_read_come_out_one_at_a_time() {
        assert_eq!(
            frames(b"START 1\nEND 1\n\nHELP\n"),
            [line("START 1"), line("END 1"), line(""), line("HELP")]
        );
    }
    // ANCHOR_END: test_several_lines

    #[test]
    fn crlf_and_lf_are_both_line_endings() {
        assert_eq!(frames(b"HELP\r\nQUIT\n"), [line("HELP"), line("QUIT")]);
        // Only a CR right before the LF is part of the ending.
        assert_eq!(frames(b"A\rB\n"), [line("A\rB")]);
    }

    #[test]
    fn an_unfinished_last_line_is_dropped() {
        assert_eq!(frames(b"HELP\nSTART 4"), [line("HELP")]);
        assert_eq!(frames(b""), []);
    }

    #[test]
    fn invalid_utf8_is_its_own_frame_and_reading_goes_on() {
        assert_eq!(frames(b"\xff\xfe\nHELP\n"), [Frame::NotUtf8, line("HELP")]);
    }

    #[test]
    fn the_limit_counts_the_line_ending() {
        let longest = format!("{}\n", "a".repeat(MAX_LINE - 1));
        assert_eq!(
            frames(longest.as_bytes()),
            [line(&"a".repeat(MAX_LINE - 1))]
        );
        let longest_crlf = format!("{}\r\n", "a".repeat(MAX_LINE - 2));
        assert_eq!(
            frames(longest_crlf.as_bytes()),
            [line(&"a".repeat(MAX_LINE - 2))]
        );
        let too_long = format!("{}\n", "a".repeat(MAX_LINE));
        assert_eq!(frames(too_long.as_bytes())[0], Frame::TooLong);
    }

    // ANCHOR: test_huge_line
    #[test]
    fn a_huge_line_is_refused_after_reading_only_the_limit() {
        let mut huge = std::io::Cursor::new(vec![b'x'; 10 * MAX_LINE]);
        let mut reader = LineReader::new(&mut huge);
        assert_eq!(reader.read_frame().unwrap(), Some(Frame::TooLong));
        assert!(reader.line.capacity() <= MAX_LINE);
        assert!(huge.position() as usize <= 2 * MAX_LINE);
    }
    // ANCHOR_END: test_huge_line

    /// A reader that hands out its bytes in small pieces, with a timeout
    /// error between pieces, like a slow client on a socket with a read timeout.
    struct Trickle {
        pieces: Vec<&'static [u8]>,
        timed_out: bool,
    }

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if !self.timed_out {
                self.timed_out = true;
                return Err(io::ErrorKind::WouldBlock.into());
            }
            self.timed_out = false;
            if self.pieces.is_empty() {
                return Ok(0);
            }
            let piece = self.pieces.remove(0);
            buf[..piece.len()].copy_from_slice(piece);
            Ok(piece.len())
        }
    }

    /// Every frame `read_frame_or_pause` cuts from `input`, and how many
    /// times it paused (returned `WouldBlock`).
    fn frames_with_pauses(input: impl Read) -> (Vec<Frame>, usize) {
        let mut reader = LineReader::new(input);
        let (mut got, mut pauses) = (Vec::new(), 0);
        loop {
            match reader.read_frame_or_pause() {
                Ok(Some(frame)) => got.push(frame),
                Ok(None) => return (got, pauses),
                Err(e) => {
                    assert_eq!(e.kind(), io::ErrorKind::WouldBlock);
                    pauses += 1;
                }
            }
        }
    }

    #[test]
    fn read_frame_or_pause_cuts_the_same_frames_as_read_frame() {
        let input: &[u8] = b"START 7\r\nhelp\n\n\xff\nPRESENT a1 7\nunfinished";
        assert_eq!(frames_with_pauses(input).0, frames(input));
        let too_long = format!("{}\nHELP\n", "x".repeat(2 * MAX_LINE));
        assert_eq!(
            frames_with_pauses(too_long.as_bytes()).0,
            frames(too_long.as_bytes())
        );
    }

    #[test]
    fn read_frame_or_pause_returns_after_every_read_of_part_of_a_line() {
        // Four reads, none with a timeout in between: `read_frame` would
        // take them all in one call; this pauses after each partial one.
        let pieces = [&b"PRE"[..], b"SENT a1 ", b"42\nHE", b"LP\n"];
        let (got, pauses) = frames_with_pauses(Pieces(pieces.to_vec()));
        assert_eq!(got, [line("PRESENT a1 42"), line("HELP")]);
        assert_eq!(
            pauses, 3,
            "one pause after each read that did not end a line"
        );
    }

    /// A reader that hands out its bytes in the given pieces, one per read.
    struct Pieces(Vec<&'static [u8]>);

    impl Read for Pieces {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() {
                return Ok(0);
            }
            let piece = self.0.remove(0);
            buf[..piece.len()].copy_from_slice(piece);
            Ok(piece.len())
        }
    }

    #[test]
    fn a_line_split_across_reads_and_timeouts_is_read_whole() {
        let trickle = Trickle {
            pieces: vec![b"PRE", b"SENT a1 ", b"42\nHE", b"LP\n"],
            timed_out: false,
        };
        let mut reader = LineReader::new(trickle);
        let mut got = Vec::new();
        loop {
            match reader.read_frame() {
                Ok(Some(frame)) => got.push(frame),
                Ok(None) => break,
                Err(e) => assert_eq!(e.kind(), io::ErrorKind::WouldBlock),
            }
        }
        assert_eq!(got, [line("PRESENT a1 42"), line("HELP")]);
    }
}
