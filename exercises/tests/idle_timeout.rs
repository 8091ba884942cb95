//! Exercise 1.1: an idle timeout for lesson 01.
//!
//! `cargo test -p exercises --test idle_timeout` tests the starter, the file you
//! edit; add `--features solutions` to test the solution instead.

mod common;

use std::io::Write;
use std::thread;
use std::time::{Duration, Instant};

use common::{listener, roll_calls, Client};
use exercises::idle_timeout;

// ANCHOR: idle_test
#[test]
fn idle_timeout_frees_lesson_01s_only_place() {
    let (listener, addr) = listener();
    let server = thread::spawn(move || {
        let mut roll_calls = roll_calls();
        idle_timeout::serve_clients(&listener, &mut roll_calls, Duration::from_millis(300), 2);
    });
    let mut silent = Client::connect(addr);
    let started = Instant::now();
    let mut teacher = Client::connect(addr);
    teacher
        .writer
        .write_all(b"START 42\n")
        .expect("the request waits in the socket's buffer");
    // The silent client is timed out and hung up on...
    assert!(silent.line().starts_with("ERROR timeout "));
    assert!(started.elapsed() >= Duration::from_millis(250));
    assert_eq!(silent.line(), "", "the server closed the silent connection");
    drop(silent);
    // ...and only then is the teacher, who was waiting, served.
    assert!(teacher.line().starts_with("STARTED 42 "));
    drop(teacher);
    server.join().unwrap();
}
// ANCHOR_END: idle_test
