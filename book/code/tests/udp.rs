//! The UDP roll call, tested with real datagrams on 127.0.0.1.
//!
//! Every receive has a timeout, so a lost datagram or a broken server fails
//! a test within seconds instead of hanging it.

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use book_code::udp;
use chamada::{ClassId, Clock, ErrorCode, Request, Response, RollCalls, StudentId};

/// Far longer than loopback ever needs; only a broken test waits this long.
const WAIT: Duration = Duration::from_secs(5);

fn server() -> std::net::SocketAddr {
    udp::spawn("127.0.0.1:0", RollCalls::new(Clock::System)).expect("a free UDP port")
}

fn request(line: &str) -> Request {
    Request::parse(line).unwrap().unwrap()
}

fn class(n: u32) -> ClassId {
    ClassId::new(n).unwrap()
}

#[test]
fn a_roll_call_works_one_datagram_per_request() {
    let addr = server();
    let ask = |line: &str| udp::ask(addr, &request(line), WAIT).unwrap();

    assert!(matches!(ask("START 42"), Response::Started { class: c, .. } if c == class(42)));
    assert!(matches!(
        ask("PRESENT 042191010 42"),
        Response::Presence { class: Some(c), .. } if c == class(42)
    ));
    assert!(matches!(
        ask("PRESENT 205182055 7"),
        Response::Presence { class: None, .. }
    ));
    match ask("END 42") {
        Response::Ended { students, .. } => {
            assert_eq!(students, [StudentId::parse("042191010").unwrap()])
        }
        other => panic!("expected ENDED, got {other}"),
    }
}

// ANCHOR: edges
#[test]
fn each_datagram_is_one_request_and_each_answer_one_datagram() {
    let addr = server();
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.connect(addr).unwrap();
    socket.set_read_timeout(Some(WAIT)).unwrap();

    // Two requests sent back to back, with and without a line ending: UDP
    // keeps them apart, so no framing is needed to read them.
    socket.send(b"START 7\n").unwrap();
    socket.send(b"HELP").unwrap();
    let mut buffer = [0; 1024];
    let first = socket.recv(&mut buffer).unwrap();
    assert!(buffer[..first].starts_with(b"STARTED 7 "));
    let second = socket.recv(&mut buffer).unwrap();
    assert!(buffer[..second].starts_with(b"HELP START <class>"));
}
// ANCHOR_END: edges

#[test]
fn a_request_over_the_limit_is_refused() {
    let addr = server();
    let too_long = format!("PRESENT {} 1", "a".repeat(300));
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.connect(addr).unwrap();
    socket.set_read_timeout(Some(WAIT)).unwrap();
    socket.send(too_long.as_bytes()).unwrap();
    let mut buffer = [0; 1024];
    let size = socket.recv(&mut buffer).unwrap();
    let line = std::str::from_utf8(&buffer[..size]).unwrap().trim_end();
    assert!(matches!(
        Response::parse(line),
        Ok(Response::Error {
            code: ErrorCode::LineTooLong,
            ..
        })
    ));
}

// ANCHOR: nobody_listens
#[test]
fn asking_where_nobody_listens_fails_instead_of_waiting_forever() {
    // A port that was free a moment ago, and now has nobody on it.
    let nobody = UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let started = Instant::now();
    let answer = udp::ask(nobody, &Request::Help, Duration::from_millis(500));
    // On loopback the system usually says "connection refused" at once;
    // otherwise the timeout ends the wait. Either way: an error, soon.
    assert!(answer.is_err(), "{answer:?}");
    assert!(started.elapsed() < WAIT);
}
// ANCHOR_END: nobody_listens
