//! Exercise "Addresses and ports": try each address in turn.
//!
//! `cargo test -p exercises --test connect_any` tests the starter, the file
//! you edit; add `--features solutions` to test the solution instead.

mod common;

use std::io;
use std::time::Duration;

use common::{listener, nobody_listens};
use exercises::connect_any::connect_to_any;

const TIMEOUT: Duration = Duration::from_secs(2);

// ANCHOR: refused_then_listening
#[test]
fn a_refusal_moves_on_to_the_next_address() {
    let (listener, listening) = listener();
    let stream = connect_to_any(&[nobody_listens(), listening], TIMEOUT)
        .expect("the second address accepts");
    assert_eq!(stream.peer_addr().unwrap(), listening);
    let (_, client) = listener.accept().unwrap();
    assert_eq!(client, stream.local_addr().unwrap());
}
// ANCHOR_END: refused_then_listening

#[test]
fn the_first_address_that_accepts_is_the_only_one_tried() {
    let (first, first_addr) = listener();
    let (second, second_addr) = listener();
    let stream = connect_to_any(&[first_addr, second_addr], TIMEOUT).unwrap();
    assert_eq!(stream.peer_addr().unwrap(), first_addr);
    first.accept().expect("a connection to the first address");
    // Nothing waits in the second listener's backlog: it was never tried.
    second.set_nonblocking(true).unwrap();
    let untried = second.accept().map(|(_, peer)| peer);
    assert_eq!(
        untried.map_err(|error| error.kind()),
        Err(io::ErrorKind::WouldBlock)
    );
}

#[test]
fn when_every_address_refuses_the_error_says_so() {
    let error = connect_to_any(&[nobody_listens(), nobody_listens()], TIMEOUT)
        .expect_err("nobody listens on either");
    assert_eq!(error.kind(), io::ErrorKind::ConnectionRefused);
}

#[test]
fn no_address_at_all_is_invalid_input() {
    let error = connect_to_any(&[], TIMEOUT).expect_err("nothing to connect to");
    assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
}
