//! The starters: the files you edit. Each has the signatures its exercise
//! in the book names, and `todo!()` where your code goes. Run an
//! exercise's tests with `cargo test -p exercises --test <its name>`; they
//! fail until it is done.
//!
//! Bodies that are only `todo!()` leave their parameters unused; that is
//! allowed here, and only here, so the starters compile without warnings.
#![allow(unused_variables, dead_code)]

pub mod ask_all;
pub mod budget;
pub mod connect_any;
pub mod count_bytes;
pub mod directory;
pub mod idle_timeout;
pub mod length_prefix;
pub mod peer_limit;
pub mod shards;
pub mod stats;
pub mod udp_retry;
