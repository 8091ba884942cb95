//! Code the book shows that is not part of a lesson, compiled and tested
//! with the rest of the workspace so the book can never show code that
//! does not work.
//!
//! - [`udp`]: the roll call over UDP datagrams, for the TCP and UDP chapter.
//!
//! The exercises, their starters and their solutions are a crate of their
//! own, `exercises/`.

pub mod udp;
