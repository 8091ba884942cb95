//! Exercise 1.2: a request budget per connection.
//!
//! `cargo test -p exercises --test budget` tests the starter, the file you
//! edit; add `--features solutions` to test the solution instead.

mod common;

use std::thread;

use chamada::serve;
use common::{listener, roll_calls, Client};
use exercises::budget;

#[test]
fn budget_ends_a_connection_after_its_commands() {
    let (listener, addr) = listener();
    let server = thread::spawn(move || {
        let mut roll_calls = roll_calls();
        let (stream, _) = listener.accept().unwrap();
        serve(
            stream,
            &mut budget::Budget::new(|command| roll_calls.answer(command), 3),
        );
    });
    let mut client = Client::connect(addr);
    assert!(client.ask("HELP").starts_with("HELP "), "HELP is free");
    assert!(client.ask("START 1").starts_with("STARTED 1 "));
    assert!(client.ask("PRESENT a 1").starts_with("PRESENCE 1 "));
    assert!(client.ask("STATUS 1").starts_with("STATUS 1 "));
    assert!(
        client.ask("END 1").starts_with("ERROR busy "),
        "one too many"
    );
    assert_eq!(client.line(), "");
    drop(client);
    server.join().unwrap();
}
