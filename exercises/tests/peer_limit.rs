//! Exercise 3.1: a connection limit per client address.
//!
//! `cargo test -p exercises --test peer_limit` tests the starter, the file you
//! edit; add `--features solutions` to test the solution instead.

mod common;

use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use common::{listener, roll_calls, Client, WAIT};
use exercises::peer_limit;

/// Connects and sends `request` until the server stops answering
/// `ERROR busy`; returns the connection and the response.
fn ask_until_admitted(addr: SocketAddr, request: &str) -> (Client, String) {
    let deadline = Instant::now() + WAIT;
    loop {
        let mut client = Client::connect(addr);
        let response = client.ask(request);
        if !response.starts_with("ERROR busy ") || Instant::now() > deadline {
            return (client, response);
        }
        thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn peer_limit_turns_away_the_third_connection_from_one_address() {
    use lesson_03_final::registry::Registry;
    use lesson_03_final::{Config, Shutdown};

    let (listener, addr) = listener();
    let (registry, registry_thread) = Registry::start(roll_calls());
    let shutdown = Shutdown::new();
    let per_peer = peer_limit::PerPeer::new(2);
    let config = Arc::new(Config::default());
    let accepting = {
        let shutdown = shutdown.clone();
        thread::spawn(move || {
            peer_limit::accept_loop(&listener, &per_peer, &registry, &config, &shutdown)
        })
    };

    let mut first = Client::connect(addr);
    let mut second = Client::connect(addr);
    assert!(first.ask("START 3").starts_with("STARTED 3 "));
    assert!(second.ask("PRESENT a 3").starts_with("PRESENCE 3 "));
    let mut third = Client::connect(addr);
    assert!(third
        .line()
        .starts_with("ERROR busy 127.0.0.1 already has 2 "));
    // Once one leaves, its place is free again: as soon as its thread
    // ends, which is a moment after the client sees the connection close.
    assert_eq!(first.ask("QUIT"), "BYE");
    assert_eq!(first.line(), "");
    drop(first);
    let (mut fourth, status) = ask_until_admitted(addr, "STATUS 3");
    assert!(status.ends_with(" 1 a"), "{status}");

    // Stop: begin the shutdown, wake `accept` with one more connection, and
    // let the connections see the signal.
    shutdown.begin();
    drop(TcpStream::connect(addr));
    accepting.join().unwrap();
    assert!(second.line().starts_with("ERROR shutdown "));
    assert!(fourth.line().starts_with("ERROR shutdown "));
    drop((second, fourth));
    let roll_calls = registry_thread.join().unwrap();
    assert_eq!(roll_calls.still_open().len(), 1);
}
