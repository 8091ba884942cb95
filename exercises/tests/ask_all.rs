//! Exercise "Processes and threads": many requests at once.
//!
//! `cargo test -p exercises --test ask_all` tests the starter, the file you
//! edit; add `--features solutions` to test the solution instead.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use common::listener;
use crossbeam_channel::{unbounded, RecvTimeoutError};
use exercises::ask_all::ask_all;

/// How long the server waits for all its clients to be there at once.
const GATHER: Duration = Duration::from_secs(3);

/// A server that answers nobody until `expected` clients have each
/// connected and sent their request line, then answers them in the
/// reverse order. A client that asks one request at a time never gets
/// there: after `GATHER`, each waiting client gets an error line instead.
fn gathering_server(listener: TcpListener, expected: usize) {
    let (arrived, arrivals) = unbounded();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let arrived = arrived.clone();
            // Each client's request is read on a thread of its own, so one
            // client that is slow to send holds up no other.
            thread::spawn(move || {
                // A client that never sends its line is given up on too.
                let _ = stream.set_read_timeout(Some(GATHER));
                let mut request = String::new();
                let mut reader = BufReader::new(&stream);
                if reader.read_line(&mut request).is_ok() {
                    let _ = arrived.send((stream, request.trim_end().to_owned()));
                }
            });
        }
    });
    thread::spawn(move || {
        let mut waiting: Vec<(TcpStream, String)> = Vec::new();
        while waiting.len() < expected {
            match arrivals.recv_timeout(GATHER) {
                Ok(client) => waiting.push(client),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
            }
        }
        let all_there = waiting.len() == expected;
        let there = waiting.len();
        for (mut stream, request) in waiting.into_iter().rev() {
            let answer = if all_there {
                format!("got {request}")
            } else {
                format!("only {there} of {expected} clients were connected at once")
            };
            let _ = stream.write_all(format!("{answer}\n").as_bytes());
        }
    });
}

// ANCHOR: at_once
#[test]
fn eight_requests_are_all_sent_before_any_answer() {
    let (listener, addr) = listener();
    gathering_server(listener, 8);
    let requests: Vec<String> = (1..=8).map(|n| format!("PRESENT s{n} 42")).collect();
    let requests: Vec<&str> = requests.iter().map(String::as_str).collect();
    let responses = ask_all(addr, &requests).expect("every request answered");
    // In the order of the requests, though answered in the reverse order.
    let expected: Vec<String> = requests.iter().map(|r| format!("got {r}")).collect();
    assert_eq!(responses, expected);
}
// ANCHOR_END: at_once

#[test]
fn no_requests_no_responses() {
    let (_listener, addr) = listener();
    assert_eq!(ask_all(addr, &[]).unwrap(), Vec::<String>::new());
}
