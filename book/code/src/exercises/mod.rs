//! Solutions to the exercises at the end of each lesson (see the book's
//! Exercises chapter).
//!
//! Each solution reuses the `chamada` library (`serve`, `Handler`,
//! `RollCalls`, `Response`) or lesson 03's pieces, and changes only what its
//! exercise asks for. The tests in `book/code/tests/exercises.rs` run each
//! one against real sockets on 127.0.0.1, so the book never shows a
//! solution that does not work.
//!
//! | module | lesson | the exercise |
//! |---|---|---|
//! | [`idle_timeout`] | 01 | hang up on a silent client so it cannot hold the only slot |
//! | [`budget`] | 01 | a per-connection request budget, as a handler that wraps another |
//! | [`shards`] | 02 | one lock per group of classes instead of one for all |
//! | [`directory`] | 02 | a read-write lock over the list of classes, a mutex per class |
//! | [`peer_limit`] | 03 | a connection limit per client IP address |
//! | [`stats`] | 03 | a second kind of registry message: statistics |

use std::net::TcpListener;
use std::sync::Arc;
use std::thread;

use chamada::{serve, Command, Response};

pub mod budget;
pub mod directory;
pub mod idle_timeout;
pub mod peer_limit;
pub mod shards;
pub mod stats;

// ANCHOR: thread_per_client
/// Lesson 02's accept loop, unchanged but for the state its threads share:
/// both lesson 02 exercises swap the `Mutex<RollCalls>` for a state of their
/// own and keep this loop. `answer` is how a thread reaches that state.
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
