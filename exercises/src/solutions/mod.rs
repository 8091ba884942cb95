//! The worked solutions. Each changes only what its exercise asks for and
//! reuses the `chamada` library (`serve`, `Handler`, `RollCalls`,
//! `Response`) or lesson 03's pieces; none re-implements the protocol.
//!
//! | module | chapter | the exercise |
//! |---|---|---|
//! | [`connect_any`] | Addresses and ports | try each address of a server in turn |
//! | [`count_bytes`] | Sockets | read until the peer closes its side, then answer |
//! | [`udp_retry`] | TCP and UDP | a UDP request, sent again until answered |
//! | [`length_prefix`] | Framing | messages framed by a length, not a delimiter |
//! | [`ask_all`] | Processes and threads | many requests at once, one thread each |
//! | [`idle_timeout`] | Lesson 01 | hang up on a silent client so it cannot hold the only place |
//! | [`budget`] | Lesson 01 | a per-connection request budget, as a handler that wraps another |
//! | [`shards`] | Lesson 02 | one lock per group of classes instead of one for all |
//! | [`directory`] | Lesson 02 | a read-write lock over the list of classes, a mutex per class |
//! | [`peer_limit`] | Lesson 03 | a connection limit per client IP address |
//! | [`stats`] | Lesson 03 | a second kind of registry message: statistics |

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
