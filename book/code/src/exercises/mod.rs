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

pub mod budget;
pub mod directory;
pub mod idle_timeout;
pub mod peer_limit;
pub mod shards;
pub mod stats;
