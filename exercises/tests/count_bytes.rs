//! Exercise "Sockets": read until the other side closes, then answer.
//!
//! `cargo test -p exercises --test count_bytes` tests the starter, the file
//! you edit; add `--features solutions` to test the solution instead.

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::thread;

use common::{listener, WAIT};
use exercises::count_bytes::count_until_closed;

/// Starts `count_until_closed` on a listener of its own, connects to it,
/// lets `send` write whatever it likes and close the client's sending
/// half, then returns what the server answered and the count it returned.
fn count(send: impl FnOnce(&mut TcpStream)) -> (String, u64) {
    let (listener, addr) = listener();
    let server = thread::spawn(move || count_until_closed(&listener));
    let mut client = TcpStream::connect(addr).unwrap();
    client.set_read_timeout(Some(WAIT)).unwrap();
    send(&mut client);
    client.shutdown(Shutdown::Write).unwrap();
    let mut answer = String::new();
    client
        .read_to_string(&mut answer)
        .expect("an answer, then the end, in time");
    let counted = server.join().unwrap().expect("the server counted");
    (answer, counted)
}

// ANCHOR: pieces
#[test]
fn bytes_sent_in_three_writes_are_counted_together() {
    let (answer, counted) = count(|client| {
        for piece in ["START", " 42", "\n"] {
            client.write_all(piece.as_bytes()).unwrap();
        }
    });
    assert_eq!(answer, "9\n");
    assert_eq!(counted, 9);
}
// ANCHOR_END: pieces

#[test]
fn a_megabyte_takes_many_reads() {
    let megabyte = vec![b'x'; 1 << 20];
    let (answer, counted) = count(|client| client.write_all(&megabyte).unwrap());
    assert_eq!(answer, "1048576\n");
    assert_eq!(counted, 1 << 20);
}

#[test]
fn a_client_that_sends_nothing_gets_zero() {
    let (answer, counted) = count(|_| {});
    assert_eq!((answer.as_str(), counted), ("0\n", 0));
}
