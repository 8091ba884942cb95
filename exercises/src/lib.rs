//! # The course's exercises
//!
//! One exercise per module, and each module exists twice: a *starter* in
//! `src/starter/`, the file a student edits, with every function the
//! exercise names and `todo!()` for a body, and a worked *solution* in
//! `src/solutions/`. The tests in `tests/`, one file per exercise, call
//! the same names and know nothing of which one they test.
//!
//! - `cargo test -p exercises --test length_prefix` (say) tests the
//!   starter: it fails until the exercise is done.
//! - `cargo test -p exercises --features solutions` tests the solutions,
//!   and so does `cargo test` at the root of the workspace.
//!
//! The book's chapter "Exercises" gives each exercise's text, the command
//! that tests it, and (folded away) its solution.

use std::net::TcpListener;
use std::sync::Arc;
use std::thread;

use chamada::{serve, Command, Response};

#[cfg(not(feature = "solutions"))]
mod starter;
#[cfg(not(feature = "solutions"))]
pub use starter::*;

#[cfg(feature = "solutions")]
mod solutions;
#[cfg(feature = "solutions")]
pub use solutions::*;

// ANCHOR: thread_per_client
/// Lesson 02's accept loop, unchanged but for the state its threads share:
/// both lesson 02 exercises swap the `Mutex<RollCalls>` for a state of their
/// own and keep this loop. `answer` is how a thread reaches that state.
/// (Given, not an exercise: the starters and the solutions both use it.)
pub fn thread_per_client<S: Send + Sync + 'static>(
    listener: TcpListener,
    state: Arc<S>,
    answer: fn(&S, Command) -> Response,
) {
    for connection in listener.incoming() {
        match connection {
            Ok(stream) => {
                let state = Arc::clone(&state);
                thread::spawn(move || serve(stream, &mut |command| answer(&state, command)));
            }
            Err(error) => eprintln!("accept failed: {error}"),
        }
    }
}
// ANCHOR_END: thread_per_client
