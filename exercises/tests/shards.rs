//! Exercise 2.1: one lock per group of classes.
//!
//! `cargo test -p exercises --test shards` tests the starter, the file you
//! edit; add `--features solutions` to test the solution instead.

mod common;

use std::sync::Arc;
use std::thread;

use chamada::Clock;
use common::{listener, sixteen_concurrent_clients};
use exercises::shards;

#[test]
fn shards_serve_sixteen_concurrent_clients() {
    let (listener, addr) = listener();
    let shards = Arc::new(shards::Shards::new(4, || Clock::System));
    thread::spawn(move || shards::serve_forever(listener, shards));
    sixteen_concurrent_clients(addr);
}
