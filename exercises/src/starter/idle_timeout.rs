//! Exercise 1.1: lesson 01 with an idle timeout.
//! The exercise: the book's chapter "Exercises", "Lesson 01".
//!
//! Start from lesson 01's accept loop and `serve`
//! (`lessons/01-blocking/src/main.rs`): copy them here and change them.

use std::net::TcpListener;
use std::time::Duration;

use chamada::RollCalls;

/// Lesson 01's accept loop, with an idle timeout on every connection: a
/// client that has sent no request for `idle_timeout` gets
/// `ERROR timeout ...` and is hung up on. Serves `clients` connections,
/// one at a time, then returns (pass `usize::MAX` to serve forever).
pub fn serve_clients(
    listener: &TcpListener,
    roll_calls: &mut RollCalls,
    idle_timeout: Duration,
    clients: usize,
) {
    todo!("lesson 01's loop, and a read timeout")
}
