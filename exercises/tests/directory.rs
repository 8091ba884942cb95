//! Exercise 2.2: a read-write lock, where it helps.
//!
//! `cargo test -p exercises --test directory` tests the starter, the file you
//! edit; add `--features solutions` to test the solution instead.

mod common;

use std::sync::Arc;
use std::thread;

use chamada::Clock;
use common::{listener, sixteen_concurrent_clients, Client};
use exercises::directory;

#[test]
fn directory_serves_sixteen_concurrent_clients() {
    let (listener, addr) = listener();
    let directory = Arc::new(directory::Directory::new(|| Clock::System));
    thread::spawn(move || directory::serve_forever(listener, directory));
    sixteen_concurrent_clients(addr);
}

#[test]
fn directory_refuses_like_every_lesson() {
    let (listener, addr) = listener();
    let directory = Arc::new(directory::Directory::new(|| Clock::System));
    thread::spawn(move || directory::serve_forever(listener, directory));
    let mut client = Client::connect(addr);
    assert!(client.ask("PRESENT a 9").starts_with("PRESENCE 0 "));
    assert_eq!(
        client.ask("STATUS 9"),
        "ERROR not-open class 9 has no open roll call"
    );
    assert!(client.ask("START 9").starts_with("STARTED 9 "));
    assert_eq!(
        client.ask("START 9"),
        "ERROR already-open class 9 already has an open roll call"
    );
    assert!(client.ask("END 9").ends_with(" 0"));
    assert_eq!(
        client.ask("END 9"),
        "ERROR not-open class 9 has no open roll call"
    );
}
