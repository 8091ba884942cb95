//! Exercise "Framing": messages framed by their length.
//!
//! `cargo test -p exercises --test length_prefix` tests the starter, the
//! file you edit; add `--features solutions` to test the solution instead.

mod common;

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::thread;

use common::{listener, WAIT};
use exercises::length_prefix::{read_message, write_message, MAX_MESSAGE};

/// Connects a client to a server over loopback, lets `send` write on the
/// client's side, closes it, and returns the server's side to read from.
fn received(send: impl FnOnce(&mut TcpStream) + Send + 'static) -> TcpStream {
    let (listener, addr) = listener();
    let client = thread::spawn(move || {
        let mut client = TcpStream::connect(addr).unwrap();
        // Every write leaves as a segment of its own, at once.
        client.set_nodelay(true).unwrap();
        send(&mut client);
        client.shutdown(Shutdown::Write).unwrap();
    });
    let (stream, _) = listener.accept().unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    client.join().unwrap();
    stream
}

/// A reader whose every `read` returns at most one byte. A `read` on a
/// socket may return fewer bytes than asked for, whenever it likes; this
/// one always does, so a reader that counts on full reads fails every time.
struct OneByteAtATime<R>(R);

impl<R: Read> Read for OneByteAtATime<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let end = buffer.len().min(1);
        self.0.read(&mut buffer[..end])
    }
}

#[test]
fn a_message_is_its_length_then_its_bytes() {
    let mut frame = Vec::new();
    write_message(&mut frame, b"abc").unwrap();
    assert_eq!(frame, [0, 3, b'a', b'b', b'c']);
    let mut frame = Vec::new();
    write_message(&mut frame, &[b'z'; 258]).unwrap();
    assert_eq!(frame[..3], [1, 2, b'z'], "258 is 0x0102, high byte first");
}

// ANCHOR: byte_by_byte
#[test]
fn frames_sent_and_read_one_byte_at_a_time_come_out_whole() {
    let mut stream = received(|client| {
        let mut frames = Vec::new();
        for message in [&b"START 42"[..], b"", b"two\nlines"] {
            write_message(&mut frames, message).unwrap();
        }
        for byte in frames {
            client.write_all(&[byte]).unwrap();
        }
    });
    let mut stream = OneByteAtATime(&mut stream);
    assert_eq!(read_message(&mut stream).unwrap().unwrap(), b"START 42");
    assert_eq!(read_message(&mut stream).unwrap().unwrap(), b"");
    assert_eq!(read_message(&mut stream).unwrap().unwrap(), b"two\nlines");
    assert_eq!(read_message(&mut stream).unwrap(), None, "the end, cleanly");
}
// ANCHOR_END: byte_by_byte

#[test]
fn many_frames_in_one_write_are_told_apart() {
    let big = vec![7; MAX_MESSAGE];
    let mut frames = Vec::new();
    for message in [&b"one"[..], &big, b"three"] {
        write_message(&mut frames, message).unwrap();
    }
    let mut stream = received(move |client| client.write_all(&frames).unwrap());
    assert_eq!(read_message(&mut stream).unwrap().unwrap(), b"one");
    assert_eq!(read_message(&mut stream).unwrap().unwrap(), big);
    assert_eq!(read_message(&mut stream).unwrap().unwrap(), b"three");
    assert_eq!(read_message(&mut stream).unwrap(), None);
}

#[test]
fn a_stream_that_ends_inside_a_frame_is_an_error() {
    // The length says 10 bytes; only 4 come.
    let mut stream = received(|client| client.write_all(&[0, 10, 1, 2, 3, 4]).unwrap());
    let error = read_message(&mut stream).expect_err("6 bytes missing");
    assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
    // Only half of the length comes.
    let mut stream = received(|client| client.write_all(&[0]).unwrap());
    let error = read_message(&mut stream).expect_err("half a length");
    assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
}

#[test]
fn a_message_too_long_for_its_length_is_refused_unsent() {
    let mut frame = Vec::new();
    let error = write_message(&mut frame, &vec![0; MAX_MESSAGE + 1]).expect_err("too long");
    assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
    assert!(frame.is_empty(), "nothing written");
}
